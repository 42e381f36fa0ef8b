"""The explorer's frames solved on a scenario enumerated once (the sweep machinery).

A frame is the scenario with one number changed. What it shows depends on few outcomes:

- its analysis (:func:`simulator.analyze`: the zone with its blocking analysis, the Pareto
  frontier, Nash and Kalai-Smorodinsky) only on the outcomes the constraints allow that
  break at most one signatory red line -- the zone is over the feasible outcomes (none
  broken), and the blocking analysis removes one requirement at a time: 20,736 of the
  2,239,488 outcomes of a Ukraine scenario;
- its utility-space picture (:func:`simulator.plots.utility_space.utility_space_data`) on a
  random sample of the outcomes the constraints allow and on the acceptable ones.

:class:`FrameSolver` enumerates the space once to find both sets (constraints and red lines
do not depend on the numbers a frame changes). Per frame, the utilities of those outcomes
are computed as :func:`simulator.analyze` computes them (the tables rebound by
:func:`simulator.sweeps.tables.bind`, added by
:func:`simulator.sweeps.tables.exact_utilities`), then the zone by the same scan
(:func:`simulator.solvers.zone.scan_chunk`), the frontier and the solutions by the same
solvers, and the picture's samples from the same random stream: the frame's
:class:`~simulator.results.Analysis` and picture data equal those of the full computation,
float for float. A frame :func:`simulator.analyze` would solve by MILP (``solve.method``, or
``auto`` choosing it) is left to it (:meth:`FrameSolver.analysis` returns ``None``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from simulator.model import Model
from simulator.model.compiled import ACCEPT_ATOL
from simulator.model.space import DEFAULT_CHUNK
from simulator.results import Analysis, Frontier, Solution
from simulator.solvers.kalai import kalai
from simulator.solvers.nash import nash
from simulator.solvers.pareto import pareto_mask
from simulator.solvers.zone import finish, scan_chunk
from simulator.sweeps.apply import with_parameters
from simulator.sweeps.tables import bind, exact_utilities, terms

__all__ = ["MAX_BYTES", "FrameSolver", "SolvedFrame", "frame_solver"]

#: The most memory the outcomes a :class:`FrameSolver` keeps may take; a larger scenario is
#: solved frame by frame (:func:`frame_solver` returns ``None``).
MAX_BYTES = 2**30

_SOLVERS = {
    "nash": lambda g, model, sig: nash(g, model.power[sig]),
    "kalai": lambda g, m, s: kalai(g),
}


def frame_solver(scenario, path: str, concepts=("nash", "kalai")) -> FrameSolver | None:
    """A :class:`FrameSolver` for ``scenario``'s frames along ``path``, or ``None`` where
    every frame would be solved by MILP (``solve.method``, or ``auto`` on a space above
    :data:`~simulator.method_choice.AUTO_THRESHOLD`), the space is larger than the
    scenario's ``max_outcomes``, or the outcomes kept would exceed :data:`MAX_BYTES`."""
    from simulator.method_choice import AUTO_THRESHOLD

    count = scenario.model().space.count
    if scenario.method == "milp" or count > scenario.max_outcomes:
        return None
    if scenario.method == "auto" and count > AUTO_THRESHOLD:
        return None
    try:
        return FrameSolver(scenario, path, concepts)
    except MemoryError:
        return None


@dataclass(frozen=True, eq=False)
class SolvedFrame:
    """One frame: the negotiation with the parameter changed, its analysis (``None`` where
    :func:`simulator.analyze` would run the MILP) and the utilities behind it (every party's,
    of the outcomes :attr:`FrameSolver.index`; ``None`` with the analysis)."""

    model: Model
    analysis: Analysis | None
    utilities: np.ndarray | None


class FrameSolver:
    """A scenario enumerated once for the frames of one parameter (see the module docstring).

    Parameters
    ----------
    scenario : the loaded scenario (its ``solve.method`` and ``max_outcomes`` apply).
    path : the parameter the frames change (:mod:`simulator.sweeps.params`).
    concepts : the concepts a frame solves (``nash`` and ``kalai`` at most).
    """

    def __init__(self, scenario, path: str, concepts=("nash", "kalai")):
        model: Model = scenario.model()
        model.check_size(scenario.max_outcomes)
        self.scenario, self.model, self.path = scenario, model, path
        self.concepts = tuple(concepts)
        lines = list(model.signatory_lines)
        per = 8 + 8 * len(model.issues) + 2 * 8 * len(model.parties) + len(lines)
        allowed_at, kept, kept_at, kept_breaks, starts = [], [], [], [], []
        held = 0
        for start, prefix, block in model.space.blocks(DEFAULT_CHUNK):  # as analyze's chunks
            levels = block.levels(prefix)
            starts.append(start)
            allowed = model.constraint_mask(levels)
            breaks = model.red_line_breaks(levels)[:, lines]
            keep = allowed & (breaks.sum(axis=1) <= 1)
            allowed_at.append(start + np.flatnonzero(allowed))
            kept.append(levels[keep])
            kept_at.append(start + np.flatnonzero(keep))
            kept_breaks.append(breaks[keep])
            held += 8 * allowed_at[-1].size + per * kept_at[-1].size
            if held > MAX_BYTES:
                raise MemoryError(
                    f"the explorer's outcomes would take more than {MAX_BYTES:,} bytes"
                )
        #: the outcomes the constraints allow (enumeration numbers, ascending), and the
        #: chunk of the scan each falls in
        self.allowed = np.concatenate(allowed_at)
        self.chunk = np.searchsorted(np.asarray(starts), self.allowed, side="right") - 1
        #: the outcomes an analysis needs: numbers, levels (one row per issue) and breaks
        self.index = np.concatenate(kept_at)
        levels = np.vstack(kept)
        self.columns = np.ascontiguousarray(levels.T, dtype=np.intp)
        self.breaks = np.vstack(kept_breaks)
        self.feasible = ~self.breaks.any(axis=1)
        self.terms = terms(model, levels)
        rows = np.arange(self.index.size)
        self.nominal = np.column_stack(
            [exact_utilities(self.terms, j, self.columns, rows) for j in range(len(model.parties))]
        )

    def frame(self, value: float) -> SolvedFrame:
        """The negotiation with the parameter at ``value`` and its analysis, as
        :func:`simulator.analyze` gives it."""
        from simulator.method_choice import choose_method

        changed = with_parameters(self.model, {self.path: value})
        method = self.scenario.method
        if method == "auto":
            method = choose_method(changed).method
        if method != "enumerate":
            return SolvedFrame(changed, None, None)
        u = self.utilities({self.path: value})
        sig, res = changed.signatories, changed.reservations
        gains = u[:, sig] - res[sig]
        scan = scan_chunk(gains, np.ones(u.shape[0], dtype=bool), self.breaks, ACCEPT_ATOL)
        scan = replace(scan, total=changed.space.count)  # the others add nothing else
        names = changed.party_names
        sig_names = tuple(n for n, s in zip(names, sig) if s)
        lines = changed.signatory_lines
        line_info = [
            (names[changed.red_lines[j].party], changed.red_lines[j].text(), int(j)) for j in lines
        ]
        zone = finish(scan, sig_names, list(res[sig]), line_info, ACCEPT_ATOL)
        acceptable = self.feasible & (gains >= -ACCEPT_ATOL).all(axis=1)
        frontier = _frontier(self.index[acceptable], u[acceptable], sig)
        g = frontier.utilities[:, sig] - res[sig]
        choices = {c: _SOLVERS[c](g, changed, sig) for c in self.concepts}
        solutions: dict[str, Solution | None] = {}
        for concept, choice in choices.items():
            if choice is None:
                solutions[concept] = None
                continue
            index = int(frontier.indices[choice.row])
            row = frontier.utilities[choice.row]
            solutions[concept] = Solution(
                concept=concept,
                index=index,
                outcome=changed.describe(changed.space.levels_of(np.array([index]))[0]),
                utilities=dict(zip(names, row.tolist())),
                gains=dict(zip(names, (row - res).tolist())),
                objective=choice.objective,
            )
        analysis = Analysis(
            parties=names,
            signatories=sig_names,
            reservations=dict(zip(names, map(float, res))),
            outcome_count=changed.space.count,
            zone=zone,
            pareto=frontier,
            solutions=solutions,
            lotteries={},
        )
        return SolvedFrame(changed, analysis, u)

    def utilities(self, params) -> np.ndarray:
        """Every party's utility of the outcomes :attr:`index` with ``params`` applied."""
        bound = bind(self.model, self.terms, [params], nash=False)
        rows = np.arange(self.index.size)
        runs = np.zeros(self.index.size, dtype=np.intp)
        u = self.nominal.copy()
        for j, changed in bound.changed.items():
            u[:, j] = exact_utilities(self.terms, j, self.columns, rows, changed, runs)
        return u

    def space_data(self, frame: SolvedFrame, x: str, y: str, seed: int = 0):
        """:func:`~simulator.plots.utility_space.utility_space_data` of a frame with an
        analysis (``x`` across, ``y`` up, samples drawn with ``seed``), without going through
        the space.

        That function goes through the enumeration chunk by chunk, offering each chunk's
        allowed outcomes outside the zone, then those in it, to two bottom-k samples that
        share one random stream; the same stream is drawn here at once and its keys given to
        the same outcomes, and only the utilities of the outcomes kept are computed.
        """
        from simulator.plots import utility_space as us

        changed, analysis, u = frame.model, frame.analysis, frame.utilities
        assert analysis is not None and u is not None  # a frame solved here
        rng = np.random.default_rng(seed)
        cap = us.MAX_POINTS
        ix, iy = changed.party_names.index(x), changed.party_names.index(y)
        sig = changed.signatories
        ok = self.feasible & (u[:, sig] >= changed.reservations[sig] - ACCEPT_ATOL).all(axis=1)
        zone_at = self.index[ok]  # acceptable, as the picture counts them: ascending
        in_zone = np.zeros(self.allowed.size, dtype=bool)
        in_zone[np.searchsorted(self.allowed, zone_at)] = True
        # the stream: chunk by chunk, the outcomes outside the zone, then those in it
        order = np.argsort(2 * self.chunk + in_zone, kind="stable")  # allowed: ascending
        keys = np.empty(self.allowed.size)
        keys[order] = rng.random(self.allowed.size)
        layers = []
        for members in (~in_zone, in_zone):
            at, k = self.allowed[members], keys[members]
            if at.size > cap:
                keep = np.argpartition(k, cap - 1)[:cap]
                at, k = at[keep], k[keep]
            at = at[np.argsort(k, kind="stable")]
            if members is in_zone:
                points = u[ok][np.searchsorted(zone_at, at)][:, [ix, iy]]
            else:
                points = self._points(changed, at, (ix, iy))
            layers.append(us.Layer(points, at.size, int(members.sum())))
        return us.UtilitySpaceData(
            x=x,
            y=y,
            outside=layers[0],
            zone=layers[1],
            frontier=us._frontier(analysis, ix, iy, cap, rng),
            ruled_out=changed.space.count - self.allowed.size,
            total=changed.space.count,
            disagreement=(analysis.reservations[x], analysis.reservations[y]),
            solutions={
                c: (s.utilities[x], s.utilities[y])
                for c, s in analysis.solutions.items()
                if c in ("nash", "kalai") and s is not None
            },
            lotteries={},
        )

    def _points(self, changed: Model, at: np.ndarray, parties) -> np.ndarray:
        """``(outcomes, 2)``: the utilities of two parties at outcomes ``at`` (numbers)."""
        levels = changed.space.levels_of(at)
        t = terms(changed, levels)
        columns = np.ascontiguousarray(levels.T, dtype=np.intp)
        rows = np.arange(at.size)
        return np.column_stack([exact_utilities(t, j, columns, rows) for j in parties])


def _frontier(index: np.ndarray, u: np.ndarray, sig: np.ndarray) -> Frontier:
    """The Pareto frontier of acceptable outcomes ``index`` (ascending) with utilities ``u``,
    as :func:`simulator.analyze` keeps it: the outcomes no other dominates in the
    signatories' utilities, one row per distinct utility vector (its first outcome, and how
    many outcomes have it)."""
    if index.size == 0:
        return Frontier(index.astype(np.int64), u, counts=np.zeros(0, np.int64))
    keep = pareto_mask(u[:, sig])
    index, u = index[keep], u[keep]
    keys = u + 0.0  # -0.0 -> 0.0: equal values group together
    order = np.lexsort(keys.T[::-1])  # stable: the first outcome of a group stays first
    ks = keys[order]
    starts = np.ones(index.size, dtype=bool)
    starts[1:] = (ks[1:] != ks[:-1]).any(axis=1)
    first = order[starts]
    counts = np.add.reduceat(np.ones(index.size, np.int64)[order], np.flatnonzero(starts))
    by_index = np.argsort(index[first], kind="stable")
    first = first[by_index]
    return Frontier(index[first].astype(np.int64), u[first], counts=counts[by_index])
