"""Result types: immutable records that solvers and analyses return and reports read.

"No agreement" is always explicit: a :class:`Zone` whose ``exists`` is false, and ``None``
in place of a :class:`Solution` or :class:`LotterySolution`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Analysis",
    "Blocker",
    "Evaluation",
    "Frontier",
    "LotterySolution",
    "Sharpness",
    "Solution",
    "Zone",
]

Outcome = Mapping[str, "str | float"]


@dataclass(frozen=True)
class Blocker:
    """A single requirement whose removal alone opens a closed zone or widens an open one.

    ``kind`` is ``"reservation"`` or ``"red_line"``; ``requirement`` is its text
    (``"reservation 0.35"``, ``"red_line: nato not_in [member]"``); ``count_without`` and
    ``slack_without`` describe the zone without it (``slack_without`` is ``None`` when
    nothing would be feasible, or when no other signatory's reservation is left to measure).
    """

    party: str
    kind: str
    requirement: str
    count_without: int | None  # None when solved without enumeration (MILP)
    slack_without: float | None
    opens: bool
    #: For a red line, its position in the model's red lines (``Model.red_lines``).
    line: int | None = None


@dataclass(frozen=True)
class Zone:
    """The zone of possible agreement (ZOPA) among the signatories.

    Attributes
    ----------
    exists : some outcome is acceptable to every signatory.
    slack : largest ``t`` such that an outcome allowed by the constraints and every
        signatory's red lines gives each signatory at least ``reservation + t``: the margin
        when ``>= 0``, minus the bargaining gap when negative; ``None`` if no outcome obeys the
        constraints and red lines at all.
    count, share : acceptable outcomes, and their share of all ``total`` outcomes (continuous
        issues on their grid). Exact unless ``count_exact`` is false: then ``count`` is an
        estimate and ``count_interval`` its 95% interval.
    feasible : outcomes obeying the constraints and the signatories' red lines (``None`` when
        not enumerated).
    blocking : requirements whose removal alone would open (or widen) the zone.
    reach : per signatory, the best utility it can get while obeying the constraints and red
        lines and every *other* signatory still accepts (``None`` if nothing qualifies). Where a
        signatory's reach is below its reservation there is no zone.
    """

    exists: bool
    slack: float | None
    count: int
    share: float
    total: int
    feasible: int | None
    blocking: tuple[Blocker, ...]
    reach: Mapping[str, float | None]
    count_exact: bool = True
    count_interval: tuple[float, float] | None = None


@dataclass(frozen=True, eq=False)
class Frontier:
    """The Pareto frontier of the acceptable outcomes (over the signatories' utilities).

    One row per distinct utility vector on the frontier (equal vectors are all efficient, and
    real domains have many: ANAC 2016's AgentHp2 puts 924,385 outcomes on 589 vectors).
    ``utilities`` is ``(distinct, n_parties)`` with a column for every party, signatories or
    not (outcomes share a row only when every party's utility is equal); ``indices`` holds,
    per row, the first outcome (smallest enumeration number) with that vector, ascending (-1
    for an outcome off the grid, found by the MILP method, or numbered beyond int64: a space
    of 10^30 outcomes); ``counts`` how many acceptable
    outcomes have it (one per row when not given). The others are enumerated on request by
    :func:`simulator.analysis.frontier_outcomes`. ``complete`` is false when the frontier was
    not (or not fully) computed: the MILP method traces it only for two signatories, up to a
    cap.
    """

    indices: np.ndarray
    utilities: np.ndarray
    complete: bool = True
    counts: np.ndarray = None  # type: ignore[assignment]  # replaced by ones when not given

    def __post_init__(self) -> None:
        if self.counts is None:
            object.__setattr__(self, "counts", np.ones(self.indices.size, dtype=np.int64))

    @property
    def count(self) -> int:
        """Acceptable outcomes on the frontier (every outcome of every row)."""
        return int(self.counts.sum())

    @property
    def distinct(self) -> int:
        """Distinct utility vectors on the frontier (rows)."""
        return int(self.indices.size)


@dataclass(frozen=True)
class Solution:
    """One outcome chosen by a solution concept.

    ``objective`` is the concept's score at the outcome (for Nash the log of the weighted
    product, for Kalai-Smorodinsky the smallest share of an ideal gain, for egalitarian the
    smallest gain, for utilitarian the sum of signatories' utilities). ``tolerance`` bounds
    how far the optimum may lie above it: 0 for enumeration (exact up to rounding); for the
    MILP method the proven gap, at least the solver's tolerance (about 3e-9).
    """

    concept: str
    index: int | None  # enumeration number; None for an outcome off the grid (MILP)
    outcome: Outcome
    utilities: Mapping[str, float]
    gains: Mapping[str, float]
    objective: float
    tolerance: float = 0.0


@dataclass(frozen=True)
class Sharpness:
    """How sharp one concept's choice is: the acceptable outcomes that score within
    ``tolerance`` of its optimum (see :mod:`simulator.solvers.near`), and a check on the grid.

    Attributes
    ----------
    concept : ``nash``, ``kalai``, ``egalitarian`` or ``utilitarian``.
    tolerance : the relative tolerance (0.01: within 1% of the optimum).
    count : acceptable outcomes within the tolerance (the chosen one included).
    near_optimal : per issue, what those outcomes settle it at: the options (discrete, in
        the issue's order) or ``(low, high)`` (continuous, on the grid).
    at_range_end : continuous issues whose chosen value is an end of the issue's range.
    refined : the concept's package re-solved with every continuous issue on a grid with the
        midpoints added (twice as fine); ``None`` when not checked (no continuous issue, the
        finer space too large to enumerate, or no zone on it).
    refined_points : per continuous issue, the points of that finer grid.
    """

    concept: str
    tolerance: float
    count: int
    near_optimal: Mapping[str, tuple]
    at_range_end: tuple[str, ...] = ()
    refined: Outcome | None = None
    refined_points: Mapping[str, int] | None = None

    def moved(self, outcome: Outcome) -> tuple[str, ...]:
        """The issues on which the finer grid's package differs from ``outcome``."""
        if self.refined is None:
            return ()
        return tuple(k for k, v in self.refined.items() if outcome.get(k) != v)


@dataclass(frozen=True)
class LotterySolution:
    """A randomised agreement: outcomes drawn with the given probabilities.

    ``utilities`` and ``gains`` are expectations; ``gap`` bounds the shortfall of the
    objective from the optimum (the solver's stated tolerance).
    """

    concept: str
    indices: tuple[int, ...]
    outcomes: tuple[Outcome, ...]
    probabilities: tuple[float, ...]
    utilities: Mapping[str, float]
    gains: Mapping[str, float]
    gap: float


@dataclass(frozen=True)
class Analysis:
    """Everything :func:`simulator.analyze` finds about one compiled model.

    ``solutions`` maps each concept asked for (``nash``, ``kalai``, ``egalitarian``,
    ``utilitarian``) to its :class:`Solution`, or ``None`` where no zone exists; likewise
    ``lotteries`` (empty unless asked for). ``method`` says how it was solved:
    ``"enumerate"`` (every outcome of the grid) or ``"milp"`` (mixed-integer programmes);
    ``on_grid`` which problem: every issue on its grid (enumeration, and the MILP under
    ``method="auto"``), or -- false -- on its true domain (``method="milp"``: a continuous
    issue's whole interval, an integer issue's every integer).
    """

    parties: tuple[str, ...]
    signatories: tuple[str, ...]
    reservations: Mapping[str, float]
    outcome_count: int
    zone: Zone
    pareto: Frontier
    solutions: Mapping[str, Solution | None]
    lotteries: Mapping[str, LotterySolution | None]
    method: str = "enumerate"
    on_grid: bool = True


@dataclass(frozen=True)
class Evaluation:
    """A proposal judged against the model: all issues fixed, or some left open.

    Attributes
    ----------
    outcome : the issues the proposal fixes.
    open_issues : the issues it leaves open (ranges are over every way to settle them that
        obeys the constraints, or over all ways if none does).
    utility : per party, ``(min, max)`` utility (equal when nothing is open).
    gain : per party, ``(min, max)`` gain over its reservation.
    broken : per party, the red lines broken by every completion (always broken).
    maybe_broken : per party, red lines broken by some completions but not all.
    accepts : per party, True if every completion is acceptable to it, False if none is,
        ``None`` if it depends on the open issues.
    constraints_ok : True if every completion obeys the constraints, False if none does,
        ``None`` if some do.
    signatories : the parties who must accept (see :attr:`agreed`).
    broken_constraints : the constraints every completion breaks, each as its rule with its
        name and description (:func:`~simulator.model.rules.describe_rule`).
    maybe_broken_constraints : those some completions break but not all.
    """

    outcome: Outcome
    open_issues: tuple[str, ...]
    utility: Mapping[str, tuple[float, float]]
    gain: Mapping[str, tuple[float, float]]
    broken: Mapping[str, tuple[str, ...]]
    maybe_broken: Mapping[str, tuple[str, ...]]
    accepts: Mapping[str, bool | None]
    constraints_ok: bool | None
    signatories: tuple[str, ...]
    broken_constraints: tuple[str, ...] = ()
    maybe_broken_constraints: tuple[str, ...] = ()

    @property
    def agreed(self) -> bool | None:
        """Whether it is an agreement: every signatory accepts and it obeys the constraints.
        False if one refuses outright or every completion breaks a constraint, None if it
        depends on the open issues."""
        if self.constraints_ok is False:
            return False
        votes = [self.accepts[s] for s in self.signatories]
        if any(v is False for v in votes):
            return False
        return None if any(v is None for v in votes) else True
