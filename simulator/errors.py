"""Exception types of zopa.

Bad input is a :class:`ScenarioError` (one or more located problems); a model that is
well formed but too large to enumerate is a :class:`SpaceTooLargeError`. Programming
errors are left to raise as ordinary Python exceptions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "Problem",
    "ScenarioError",
    "SolverError",
    "SpaceTooLargeError",
    "UsageError",
    "ZopaError",
    "one_line",
    "sort_problems",
]

_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    r"""``text`` with every control character and line separator escaped as in ``repr``.

    Names come from files (keys, quotes, file names) and may hold a line break; escaped, a
    message stays on one line and a name cannot forge a ``FILE:LINE:COL:`` line of its own.

    >>> print(one_line("x\nscenario.yaml:1:1: fake\t\x1b[31m"))
    x\nscenario.yaml:1:1: fake\t\x1b[31m
    """
    return _BREAKS.sub(lambda m: _NAMED.get(m[0]) or repr(m[0])[1:-1], text)


class UsageError(Exception):
    """A command-line argument that does not fit the scenario (the CLI exits with 2)."""


class ZopaError(Exception):
    """Base class of the errors zopa reports to users as text (exit code 2 on the CLI)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a scenario file.

    ``line`` and ``column`` are 1-based; either may be ``None`` when the problem has no
    single place in the file (for example an ``extends`` cycle reported for the whole file).
    ``path`` is the dotted path of the field (``parties.russia.reservation``), empty for
    the document itself. ``str(problem)`` is always one line (:func:`one_line` escapes line
    breaks and other control characters in the file name, the path and the message).
    """

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return one_line(text)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems without repeats, sorted by file, line and column."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.file, p.line or 0, p.column or 0))


class ScenarioError(ZopaError):
    """A scenario breaks the format contract; carries every problem found, in file order."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SpaceTooLargeError(ZopaError):
    """The outcome space has more outcomes than enumeration allows, or (with ``message``)
    another piece of work would exceed its budget: ``count`` units of work against ``limit``.
    Raised before the work is started."""

    def __init__(self, count: int, limit: int, message: str | None = None):
        self.count = count
        self.limit = limit
        super().__init__(
            message
            or f"the outcome space has {count:,} outcomes, more than the enumeration limit of "
            f"{limit:,}; reduce the options or continuous grids, or raise the limit "
            f"(max_outcomes)"
        )


class SolverError(ZopaError):
    """The mixed-integer solver could not solve a programme of a well-formed scenario (HiGHS
    failed, or called a bounded programme unbounded): in practice numbers that differ by
    many orders of magnitude. Reported as text (exit 2), with what to try instead."""

    def __init__(self, reason: str):
        super().__init__(
            f"the mixed-integer solver (HiGHS) could not solve this scenario: {reason}. This "
            "happens when its numbers differ by many orders of magnitude (interaction bonuses "
            "far beyond the 0-to-1 utility scale, say); use smaller numbers, or solve it with "
            "--method enumerate"
        )
        self.reason = reason
