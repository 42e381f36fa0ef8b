"""Result types of :mod:`simulator.coalitions.logroll`: priorities of a pair, and trades.

Every record names parties and issues by their identifiers (``name``) and carries the labels a
report prints (``label or name``); per-party numbers are tuples in the order of the record's
``parties``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import inf
from typing import Literal

__all__ = ["Alignment", "IssuePriority", "Move", "PairLinkage", "PairPriorities", "Trade"]

#: How two parties' preferences over one issue's levels relate (see :class:`IssuePriority`).
Alignment = Literal["opposed", "shared", "mixed", "one-sided"]


@dataclass(frozen=True)
class IssuePriority:
    """How much each party of a pair cares about one issue, and whether they pull apart.

    Attributes
    ----------
    issue, label : the issue's name, and its label (or name).
    importance : ``(I_i, I_j)``, each party's swing weight on the issue: its best minus its
        worst contribution over the issue's levels.
    log_ratio : ``rho = log I_i - log I_j``: positive where the first party cares relatively
        more, ``+inf`` / ``-inf`` where only the first / only the second has a stake.
    correlation : Pearson correlation of the two parties' contributions over the levels
        (NaN when one party has no stake).
    alignment : ``"opposed"`` (correlation <= -0.5), ``"shared"`` (>= 0.5), ``"mixed"``
        (in between) or ``"one-sided"`` (only one party has a stake).
    """

    issue: str
    label: str
    importance: tuple[float, float]
    log_ratio: float
    correlation: float
    alignment: Alignment


@dataclass(frozen=True)
class PairPriorities:
    """Two parties' priorities, issue by issue.

    ``issues`` holds every issue at least one of the two has a stake in, sorted by
    ``log_ratio`` from highest to lowest (ties in issue order): the issues where the first
    party cares relatively most come first, those where the second does come last.
    """

    parties: tuple[str, str]
    labels: tuple[str, str]
    issues: tuple[IssuePriority, ...]

    def mrs(self, party: str, a: str, b: str) -> float:
        """``party``'s marginal rate of substitution of issue ``a`` for ``b``: ``I_a / I_b``
        (``inf`` when only ``a`` matters to it, NaN when neither does)."""
        side = self.parties.index(party)
        by_issue = {p.issue: p.importance[side] for p in self.issues}
        ia, ib = by_issue.get(a, 0.0), by_issue.get(b, 0.0)
        if ib > 0:
            return ia / ib
        return inf if ia > 0 else float("nan")


@dataclass(frozen=True)
class Move:
    """One issue's part of a trade: the issue moves from one level to another.

    Attributes
    ----------
    issue, label, index : the issue's name, label (or name) and position in ``Model.issues``.
    from_level, to_level : levels (rows of ``Model.level_values[index]``).
    from_value, to_value : the same as the outcome shows them (:meth:`Model.describe`):
        the option's name for a discrete issue, the number for a continuous one.
    changes : each party's utility change from this move, in ``Trade.parties`` order.
    concedes : the party that loses on this move.
    """

    issue: str
    label: str
    index: int
    from_level: int
    to_level: int
    from_value: str | float
    to_value: str | float
    changes: tuple[float, float]
    concedes: str


@dataclass(frozen=True)
class Trade:
    """A logroll: each party concedes on one issue and gains on the other, and both gain.

    Attributes
    ----------
    parties, labels : the pair, and the parties' labels (or names).
    moves : the two moves, in issue order; one is conceded by each party.
    gains : each party's total gain, the sum of its two ``changes`` (to 1e-12); both positive.
    additive_exact : the gains are the same whatever the other issues are set to. True unless
        one of the two parties has an interaction bonus with a condition on one of the two
        issues; then the gains hold only where no such bonus switches on or off.
    """

    parties: tuple[str, str]
    labels: tuple[str, str]
    moves: tuple[Move, Move]
    gains: tuple[float, float]
    additive_exact: bool

    @property
    def worst_gain(self) -> float:
        """The smaller of the two gains: what trades are ranked by."""
        return min(self.gains)

    def concession(self, party: str) -> Move:
        """The move ``party`` concedes (loses utility on)."""
        if party not in self.parties:
            raise KeyError(f"{party!r} is not a party of this trade")
        return next(m for m in self.moves if m.concedes == party)

    def describe(self, party: str | None = None, issues=None) -> str:
        """One sentence, from the point of view of ``party`` (default: the first of the pair);
        with ``issues`` (the model's issues) in their labels, option labels and units.

        ``"Ukraine gives up nato (member → neutral: Ukraine −0.40, Russia +0.60) for
        guarantee (none → article5: Ukraine +0.50, Russia −0.28); both gain: Ukraine +0.10,
        Russia +0.32"``.
        """
        given = self.concession(party if party is not None else self.parties[0])
        me = self.parties.index(given.concedes)
        order = (me, 1 - me)
        got = next(m for m in self.moves if m is not given)

        def amounts(values: tuple[float, float]) -> str:
            return ", ".join(f"{self.labels[s]} {_signed(values[s])}" for s in order)

        by_name = {i.name: i for i in issues} if issues is not None else {}

        def move(m: Move) -> str:
            issue = by_name.get(m.issue)
            if issue is None:
                name, old, new = m.issue, _value(m.from_value), _value(m.to_value)
            else:
                name = getattr(issue, "label", "") or issue.name
                old, new = issue.show(m.from_value), issue.show(m.to_value)
            return f"{name} ({old} → {new}: {amounts(m.changes)})"

        return (
            f"{self.labels[me]} gives up {move(given)} for {move(got)}; "
            f"both gain: {amounts(self.gains)}"
        )


@dataclass(frozen=True)
class PairLinkage:
    """One pair of parties: their priorities and the best trades between them.

    ``trades`` is best first (largest ``worst_gain``, then largest sum of gains, then issue
    order), at most one per pair of issues; empty when no two-issue logroll raises both.
    """

    parties: tuple[str, str]
    priorities: PairPriorities
    trades: tuple[Trade, ...]


def _signed(x: float) -> str:
    """``+0.12``, ``−0.08``; a change too small for two decimals gets up to four (``−0.004``)."""
    digits = 2
    while digits < 4 and round(abs(x), digits) == 0:
        digits += 1
    return f"{x:+.{digits}f}".replace("-", "−")


def _value(v: str | float) -> str:
    return v if isinstance(v, str) else f"{v:g}"
