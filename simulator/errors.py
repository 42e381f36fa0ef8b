"""Exception types of zopa.

Bad input is a :class:`ScenarioError` (one or more located problems); a model that is
well formed but too large to enumerate is a :class:`SpaceTooLargeError`. Programming
errors are left to raise as ordinary Python exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Problem", "ScenarioError", "SpaceTooLargeError", "ZopaError", "sort_problems"]


class ZopaError(Exception):
    """Base class of the errors zopa reports to users as text (exit code 2 on the CLI)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a scenario file.

    ``line`` and ``column`` are 1-based; either may be ``None`` when the problem has no
    single place in the file (for example an ``extends`` cycle reported for the whole file).
    ``path`` is the dotted path of the field (``parties.russia.reservation``), empty for
    the document itself.
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
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


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
    """The outcome space has more outcomes than enumeration allows."""

    def __init__(self, count: int, limit: int):
        self.count = count
        self.limit = limit
        super().__init__(
            f"the outcome space has {count:,} outcomes, more than the enumeration limit of "
            f"{limit:,}; reduce the options or continuous grids, or raise the limit "
            f"(max_outcomes)"
        )
