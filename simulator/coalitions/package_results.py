"""Result types of :mod:`simulator.coalitions.packages`: concessions, packages, the search."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.model.rules import rule_words
from simulator.results import Solution

__all__ = ["Concession", "Package", "PackageSearch"]


@dataclass(frozen=True)
class Concession:
    """One concession by one signatory.

    ``kind`` is ``"red_line"``, ``"reservation"`` or ``"fix"``. ``amount`` is the reservation
    cut, or for a fix the utility ``party`` gives up on the issue (0 for a red line).
    ``rule`` is the red line's text or, for a fix, the scenario constraint it overrides;
    ``issue`` and ``level`` say where a fix settles the issue.
    """

    kind: str
    party: str | None
    label: str | None
    amount: float
    rule: str | None = None
    issue: str | None = None
    level: str | float | None = None
    reservation: float | None = None  # the party's reservation before a cut
    #: The rules behind ``rule`` (the red line, or the constraints a fix overrides), to word
    #: them with labels and units.
    rules: tuple = field(default=(), compare=False, repr=False)

    def text(self, issues=None) -> str:
        """The concession in plain words; with ``issues`` (the model's issues), in their
        labels, option labels and units."""
        by_name = {i.name: i for i in issues} if issues is not None else {}
        rule = (
            " and ".join(rule_words(r, by_name) for r in self.rules)
            if self.rules and by_name
            else self.rule
        )
        if self.kind == "red_line":
            return f"{self.label} drops its red line '{rule}'"
        if self.kind == "reservation":
            assert self.reservation is not None
            return (
                f"{self.label} lowers its reservation by {self.amount:.3f} "
                f"(from {self.reservation:.3f} to {self.reservation - self.amount:.3f})"
            )
        issue = by_name.get(self.issue)
        if issue is not None:
            level = issue.show(self.level)
            name = getattr(issue, "label", "") or issue.name
        else:
            level = self.level if isinstance(self.level, str) else f"{self.level:g}"
            name = self.issue
        who = (
            f"{self.label} gives up {self.amount:.3f} of utility on it"
            if self.party is not None and self.amount > 0
            else "no signatory loses utility on it"
        )
        return f"{name} is settled at {level}, instead of '{rule}' ({who})"


@dataclass(frozen=True)
class Package:
    """A minimal set of concessions that opens the zone, and the zone it opens.

    ``cost`` is the utility given up (reservation cuts plus fixes); ``slack`` and ``count``
    describe the opened zone (a package with reservation cuts opens it just: slack 0);
    ``agreement`` is the Nash agreement in it.
    """

    concessions: tuple[Concession, ...]
    red_lines_dropped: int
    cost: float
    slack: float
    count: int
    agreement: Solution | None

    @property
    def size(self) -> int:
        return len(self.concessions)

    def text(self, issues=None) -> str:
        """The package in one sentence (see :meth:`Concession.text`)."""
        parts = [c.text(issues) for c in self.concessions]
        head = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]
        return head + "."


@dataclass(frozen=True)
class PackageSearch:
    """What the finder did: the zone before, the search and the packages found (ranked).

    ``packages`` is empty when the zone is already open, or when no package of at most
    ``max_size`` concessions opens it. ``found`` counts every minimal opening package;
    ``packages`` holds the ``top`` best of them.
    """

    zone_exists: bool
    slack: float | None
    max_size: int
    examined: int
    found: int
    packages: tuple[Package, ...]
