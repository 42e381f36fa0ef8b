"""Many runs of a sweep solved at once, with exactly the answers of :func:`simulator.analyze`.

A sweep model (:class:`~simulator.sweeps.fast.SweepModel`) holds the *feasible* outcomes,
those allowed by the constraints and every signatory's red lines. For a batch of runs that
name the same parameters, :func:`solve` gives each run what :func:`simulator.analyze` gives
on the negotiation recompiled with its numbers: the zone (``exists``, the ``count`` of
outcomes every signatory accepts, the ``slack``, ``max_x min_j g_j(x)``) and each concept's
choice, where signatory ``j``'s gain is ``g_j(x) = u_j(x) - d_j`` with ``u_j`` computed as
:func:`simulator.analyze` computes it (:func:`~simulator.sweeps.tables.exact_utilities`):
the same floats, so the same outcome wins every tie.

Algorithm, for the runs of a batch at once:

1. **Affine gains.** Outcomes that share the levels of every issue the batch changes (a
   *group*) differ, for each signatory, only in terms no run changes. Within a group its
   utility is therefore an increasing affine function of a coordinate fixed for the whole
   sweep, to within a bound ``eps`` on the rounding and floating-point error:
   ``u_rj(x) = a_rj c_j(x) + beta_rj(group) +- eps_rj``. ``c_j`` is the nominal utility (a
   signatory nothing changes: ``a = 1``, ``eps = 0``, exact), its sum before rounding (some
   value functions change) or its weighted sum ``sum_k w_k v_k`` (its weights change:
   ``a_rj = 1 / sum of the run's weights``).
2. **Candidates.** An outcome that another of its group beats on every coordinate (by more
   than ``4 eps / a``, or by sharing every level the signatory's utility depends on) and
   beats by that much on one is dominated in every run. The others, the *candidates*, are
   found once per kind of batch; every run's Pareto frontier is among them, and with it the
   slack, each best gain and every concept's choice: the best score within a relative
   ``1e-12``, then the larger sum of gains, then the first outcome on the frontier
   (:mod:`simulator.solvers.selection`). Scores do not decrease when a gain increases, so
   an outcome dominating a tied one is tied too: the choice is the first tied candidate no
   other tied candidate dominates.
3. **Counts.** Within a group, acceptance by a signatory is a threshold on its coordinate,
   so a run's count is a count of outcomes above thresholds: bitsets of the outcomes above
   each rank of each coordinate, intersected (or a comparison per outcome where the bitsets
   would be large). A run with a coordinate within ``eps`` of its threshold has every
   feasible outcome evaluated exactly instead.
4. **Flags.** On the candidates, in chunks that stay in the processor's cache, the affine
   gains flag the pairs ``(run, outcome)`` that can attain the slack, a best gain ``G_j``
   or a concept's best score to within the tie tolerance, allowing for ``eps``: the
   egalitarian ``min_j g_j``, the utilitarian ``sum_j g_j``, Kalai-Smorodinsky ``min_j g_j /
   G_j`` over the ``G_j > 0``, and Nash ``sum_j w_j log g_j``, bounded without a logarithm by
   its tangent plane at a point ``p`` below some acceptable outcome's gains: the score is
   concave, so ``f(g) <= f(p) + sum_j (w_j / p_j)(g_j - p_j)``. A run whose answer the bounds
   cannot settle (an acceptance, a best gain or a sign within ``eps``) has all its
   candidates flagged.
5. **Exact answers.** On the flagged pairs only, the utilities are computed exactly and the
   scores, tolerances and tie-breaks applied as :func:`simulator.analyze` applies them.

A sweep of a few numbers has a few groups and a frontier of a small part of the outcomes; a
sweep of every number has one group per outcome, keeps them all, and is about as slow as
solving each run alone -- and as exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from simulator.model.compiled import ACCEPT_ATOL
from simulator.solvers.pareto import pareto_mask
from simulator.solvers.selection import TIE_RTOL
from simulator.sweeps.tables import (
    Bound,
    bind_values,
    exact_utilities,
    group_runs,
    param_values,
)

__all__ = ["CHUNK_CELLS", "MAX_RUNS", "Solved", "Structure", "solve", "solve_values"]

#: Runs solved together at most: their per-run arrays (thresholds, bitsets of counts) stay
#: small; more runs are solved this many at a time.
MAX_RUNS = 1 << 12

#: Runs x candidates of one dense step: small enough for its ten or so working arrays to
#: stay in the processor's last-level cache (where numpy is several times faster), large
#: enough to amortise the hundred-odd numpy calls of a step. Measured on the Ukraine
#: baseline (``benchmarks/bench_sweep.py``; 2-core EPYC, 1 MiB L2, 32 MiB L3): 2**17 cells
#: 20-21 us a run, 2**15 23-26, 2**19 46, with one process or two at once.
CHUNK_CELLS = 1 << 17

#: Fewest outcomes a group should have on average for a batch to be solved through the
#: affine gains; below, every pair's gains are computed exactly.
MIN_GROUP = 8

#: Flagged pairs solved exactly at once: arrays of this size stay in the processor's cache
#: and on the allocator's heap.
ANSWER_PAIRS = 1 << 13

#: Largest memory of the bitsets that count acceptable outcomes, per kind of batch; beyond
#: it, counts compare every outcome with its thresholds.
MAX_BITSET_BYTES = 1 << 28

_PAIRS = 1 << 20  # outcomes x frontier outcomes compared at once when finding candidates
_U = float(np.finfo(float).eps) / 2  # the unit roundoff
_HALF_STEP = 0.5e-12  # half the step of the rounding of utilities (12 decimals)


@dataclass(frozen=True, eq=False)
class Solved:
    """A batch's answers, one row per run in the order given.

    ``exists``, ``count``; ``slack`` as :func:`simulator.analyze` reports it (``nan`` when no
    outcome is feasible); ``rows[r, c]`` the feasible outcome concept ``c`` chooses (``-1``
    without a zone) and ``utilities[r, c]`` every party's utility there (``nan`` without).
    """

    exists: np.ndarray
    slack: np.ndarray
    count: np.ndarray
    rows: np.ndarray
    utilities: np.ndarray


def solve(model, params: Sequence[Mapping[str, float]]) -> Solved:
    """Solve every parameter set of ``params`` on the sweep model ``model``.

    Raises
    ------
    ValueError
        As :meth:`SweepModel.run <simulator.sweeps.fast.SweepModel.run>`: a path that names
        nothing, a negative weight, a curve whose xs would be out of order, a power that is
        not positive when Nash is solved.

    Examples
    --------
    >>> import simulator
    >>> from simulator.sweeps import sweep_model
    >>> model = sweep_model(simulator.load("scenarios/examples/job_offer.yaml"))
    >>> solved = solve(model, [{"parties.candidate.reservation": d} for d in (0.4, 0.9)])
    >>> solved.exists.tolist(), solved.count.tolist(), solved.slack.round(2).tolist()
    ([True, False], [17, 0], [0.22, -0.08])
    >>> model.concepts[0], solved.rows[:, 0].tolist()  # Nash's outcome; none without a zone
    ('nash', [16, -1])
    """
    out = _unsolved(model, len(params))
    for paths, group in group_runs(params):
        model.check(params[group[0]])  # unknown names fail as they do run by run
        values = param_values([params[r] for r in group], paths)
        _solve(model, paths, values, np.asarray(group, dtype=np.intp), out)
    return out


def solve_values(model, paths: Sequence[str], values: np.ndarray) -> Solved:
    """:func:`solve` on runs that all name ``paths``, given as ``values[r, c]``, run ``r``'s
    value of ``paths[c]`` (what :func:`~simulator.sweeps.tables.param_values` gives): no
    dict per run."""
    n = values.shape[0]
    out = _unsolved(model, n)
    if n:
        model.check(dict(zip(paths, values[0].tolist())))
        _solve(model, paths, values, np.arange(n), out)
    return out


def _unsolved(model, n_runs: int) -> Solved:
    m = model.model
    n_parties, n_concepts = len(m.parties), len(model.concepts)
    return Solved(
        np.zeros(n_runs, dtype=bool),
        np.full(n_runs, np.nan),
        np.zeros(n_runs, dtype=np.int64),
        np.full((n_runs, n_concepts), -1, dtype=np.int64),
        np.full((n_runs, n_concepts, n_parties), np.nan),
    )


def _solve(model, paths, values: np.ndarray, positions: np.ndarray, out: Solved) -> None:
    """Solve the runs ``values`` (all naming ``paths``) into rows ``positions`` of ``out``,
    :data:`MAX_RUNS` at a time."""
    nash = "nash" in model.concepts
    for start in range(0, values.shape[0], MAX_RUNS):
        part = slice(start, start + MAX_RUNS)
        bound = bind_values(model.model, model.terms, paths, values[part], nash)
        if model.feasible.shape[0]:  # else nothing is feasible: no zone, no slack
            _Batch(model, bound).solve(out, positions[part])


# -- what batches of one kind share -------------------------------------------------------------


class Structure:
    """Groups, coordinates, candidates and counting bitsets of batches that change the
    same terms.

    ``kinds[a]`` says how signatory ``a``'s utility moves: ``"fixed"`` (not at all: its
    coordinate is its utility), ``"shifted"`` (some tables: by a constant per group) or
    ``"scaled"`` (its weights, divided by their total: by ``1 / total`` and a constant per
    group); ``moved[a]`` lists the issues whose terms change (by more than the total).
    """

    def __init__(self, model, kinds: tuple[str, ...], moved: tuple[tuple[int, ...], ...]):
        feasible = model.feasible
        self.kinds, self.moved = kinds, moved
        self.sig = np.flatnonzero(model.model.signatories)
        keys: set[int] = set()
        for a, j in enumerate(self.sig):
            keys.update(moved[a])
            if kinds[a] == "scaled":
                keys.update(model.bonus_issues[j])
        self.keys = tuple(sorted(keys))
        n = feasible.shape[0]
        if self.keys:
            _, first, group = np.unique(
                feasible[:, self.keys], axis=0, return_index=True, return_inverse=True
            )
            group = group.ravel()
        else:
            first, group = np.zeros(1, dtype=np.intp), np.zeros(n, dtype=np.intp)
        order = np.argsort(group, kind="stable")  # each group's outcomes, ascending
        bounds = np.searchsorted(group[order], np.arange(first.size + 1))
        self.group, self.first = group, first
        self.members = [order[bounds[g] : bounds[g + 1]] for g in range(first.size)]
        sources = {"fixed": model.nominal, "shifted": model.sums, "scaled": model.raw}
        self.coord = np.stack([sources[kinds[a]][:, j] for a, j in enumerate(self.sig)])
        self.exact = np.array([k == "fixed" for k in kinds])
        capped = np.array([model.terms.caps[j] is not None for j in self.sig])
        # a capped utility can tie where its sum does not: it never beats strictly
        self.strict = self.exact | ~capped
        self.same = [model.same_utility[j] for j in self.sig]
        self._candidates: tuple[np.ndarray, np.ndarray] | None = None  # (margins, rows)
        self._bitsets: dict = {}

    def __getstate__(self) -> dict:
        """Pickled (for Dask's workers) without the counting bitsets: a few milliseconds
        to rebuild, but most of a sweep model's bytes (3 MB of 4.5 on Ukraine's baseline)."""
        return {**self.__dict__, "_bitsets": {}}

    # -- candidates --------------------------------------------------------------------------
    def candidates(self, margin: np.ndarray | None) -> np.ndarray:
        """The outcomes (ascending) that can be on some run's Pareto frontier when each
        run's utility is within ``margin / 4`` of the affine function of each approximate
        coordinate (``None``: every outcome)."""
        if margin is None:
            return np.arange(self.group.size)
        cached = self._candidates
        if cached is not None and (cached[0] >= margin).all():
            return cached[1]
        margin = np.where(self.exact, 0.0, np.maximum(4 * margin, 1e-11))  # room for more
        keep = np.zeros(self.group.size, dtype=bool)
        for rows in self.members:
            keep[rows] = self._undominated(rows, margin)
        self._candidates = (margin, np.flatnonzero(keep))
        return self._candidates[1]

    def _undominated(self, rows: np.ndarray, margin: np.ndarray) -> np.ndarray:
        """Which of ``rows`` (one group) no frontier outcome of the group beats in every run:
        at least as good on every coordinate (by ``margin``, or sharing the signatory's
        levels) and better on one (by ``margin``; exact coordinates by anything)."""
        c = self.coord[:, rows].T
        front = pareto_mask(c)
        if self.exact.all():
            return front
        keep = front.copy()
        top, rest = np.flatnonzero(front), np.flatnonzero(~front)
        step = max(1, _PAIRS // max(1, top.size))
        for s in range(0, rest.size, step):
            x = rest[s : s + step]
            weak = np.ones((x.size, top.size), dtype=bool)
            strict = np.zeros_like(weak)
            for a in range(c.shape[1]):
                ahead, behind = c[top, a][None, :], c[x, a][:, None]
                if self.exact[a]:
                    weak &= ahead >= behind
                    strict |= ahead > behind
                    continue
                beats = ahead >= behind + margin[a]
                same = self.same[a]
                weak &= beats | (same[rows[top]][None, :] == same[rows[x]][:, None])
                if self.strict[a]:
                    strict |= beats
            keep[x] = ~(weak & strict).any(axis=1)
        return keep

    # -- counting ----------------------------------------------------------------------------
    def bitsets(self, moving: tuple[int, ...], static: np.ndarray):
        """Per group, ``(rows, sets)``: the group's outcomes every signatory not in
        ``moving`` accepts (``static``), and per moving signatory ``(sorted coordinates,
        suffix bitsets)`` (:func:`_suffix_sets`); ``sets`` is ``None`` where they would take
        more than :data:`MAX_BITSET_BYTES` in all."""
        key = moving
        if key not in self._bitsets:
            groups = [members[static[members]] for members in self.members]
            size = sum(8 * (r.size + 1) * ((r.size + 63) // 64) for r in groups) * len(moving)
            fits = size <= MAX_BITSET_BYTES and len(moving) > 1
            self._bitsets[key] = [
                (rows, [_suffix_sets(self.coord[a][rows]) for a in moving] if fits else None)
                for rows in groups
            ]
        return self._bitsets[key]


def _suffix_sets(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(sorted values, masks)``: ``masks[k]`` is the bitset (64 positions a word) of the
    positions whose value ranks ``k``-th or higher in ascending order (``masks[n]`` empty),
    so that the positions with a value at least ``t`` are ``masks[searchsorted(sorted, t)]``."""
    n = values.size
    order = np.argsort(values, kind="stable")
    masks = np.zeros((n + 1, (n + 63) // 64), dtype=np.uint64)
    masks[np.arange(n), order // 64] = np.left_shift(np.uint64(1), (order % 64).astype(np.uint64))
    masks[:n] = np.bitwise_or.accumulate(masks[:n][::-1], axis=0)[::-1]
    return values[order], masks


def _popcount(words: np.ndarray) -> np.ndarray:
    """Set bits per row of a ``(rows, words)`` uint64 array."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2
        return np.bitwise_count(words).sum(axis=1, dtype=np.int64)
    as_bytes = words.view(np.uint8).reshape(words.shape[0], -1)
    return _BYTE_BITS[as_bytes].sum(axis=1, dtype=np.int64)


_BYTE_BITS = np.array([bin(b).count("1") for b in range(256)], dtype=np.int64)


def _structure(model, bound: Bound) -> Structure:
    """The structure of ``bound``'s kind of batch, kept on the sweep model."""
    sig = np.flatnonzero(model.model.signatories)
    kinds, moved = [], []
    for j in sig.tolist():
        if j in bound.scaled:
            kinds.append("scaled")
            moved.append(tuple(sorted(bound.scaled[j][1])))
        elif j in bound.changed:
            kinds.append("shifted")
            moved.append(tuple(sorted(bound.changed[j])))
        else:
            kinds.append("fixed")
            moved.append(())
    key = (tuple(kinds), tuple(moved))
    if key not in model.structures:
        model.structures[key] = Structure(model, *key)
    return model.structures[key]


# -- one batch ------------------------------------------------------------------------------------


class _Batch:
    """Runs naming the same parameters: affine gains, counts, flags, then exact answers."""

    def __init__(self, model, bound: Bound):
        self.model, self.bound = model, bound
        self.st = _structure(model, bound)
        self.sig = self.st.sig
        self.res = bound.res[:, self.sig]
        self.caps = [model.terms.caps[j] for j in self.sig]
        n = model.feasible.shape[0]
        # groups of a few outcomes: the offsets would cost what the exact gains cost, and
        # nothing is dropped; the gains of every pair are then computed exactly
        self.direct = MIN_GROUP * self.st.first.size > n
        if self.direct:
            runs, s = bound.runs, self.sig.size
            self.a, self.eps = np.ones((runs, s)), np.zeros((runs, s))
            self.wild = np.zeros(runs, dtype=bool)
            return
        with np.errstate(over="ignore", invalid="ignore"):  # a tiny total: a wild run
            self._affine()

    def _affine(self) -> None:
        """``a`` (runs, s), ``beta[a]`` (runs, groups) and ``eps`` (runs, s): within group
        ``G``, signatory ``a``'s utility in run ``r`` is ``min(a[r, a] c_a(x) + beta[a][r,
        G], cap)`` to within ``eps[r, a]`` (``eps = 0``: exactly its coordinate)."""
        model, bound, st = self.model, self.bound, self.st
        t, lv = model.terms, model.feasible[st.first]  # one outcome of each group
        runs, s = bound.runs, self.sig.size
        self.a = np.ones((runs, s))
        self.eps = np.zeros((runs, s))
        self.beta: list[np.ndarray] = []
        for a, j in enumerate(self.sig.tolist()):
            kind = st.kinds[a]
            beta = np.zeros((runs, st.first.size))
            if kind == "fixed":
                self.beta.append(beta)
                continue
            # a bound on every term and partial sum of the utility and its approximation
            mag = 1.0 + model.bonus_scale[j] + model.column_total[j] + np.zeros(runs)
            for table in bound.changed[j].values():
                mag += np.abs(table).max(axis=1, initial=0.0)
            if kind == "shifted":
                for k in st.moved[a]:
                    beta += bound.changed[j][k][:, lv[:, k]] - t.columns[(j, k)][lv[:, k]]
                mag += np.abs(st.coord[a]).max()
            else:
                totals, raw = bound.scaled[j]
                inv = np.divide(1.0, totals, out=np.zeros(runs), where=totals > 0)
                position = {model.k_of[name]: p for p, name in enumerate(t.names[j])}
                for k in st.moved[a]:
                    nominal = t.weights[j][position[k]] * t.vectors[(j, k)]
                    beta += raw[k][:, lv[:, k]] - nominal[lv[:, k]]
                    mag += inv * (np.abs(raw[k]).max(axis=1, initial=0.0) + model.raw_scale[j])
                beta *= inv[:, None]
                beta += model.bonus_of(j, st.first)[None, :]
                mag += inv * np.abs(st.coord[a]).max()
                self.a[:, a] = inv
            mag += np.abs(beta).max(axis=1)
            terms = len(t.issues_of(j)) + len(t.hits) + 8
            self.eps[:, a] = _HALF_STEP + 16 * terms * _U * mag
            self.beta.append(beta)
        # runs whose bounds overflow (a total weight near zero) are solved exactly
        finite = np.isfinite(self.eps).all(axis=1) & np.isfinite(self.a).all(axis=1)
        for beta in self.beta:
            finite &= np.isfinite(beta).all(axis=1)
        self.wild = np.asarray(~finite)

    # -- the whole batch ---------------------------------------------------------------------
    def solve(self, out: Solved, at: np.ndarray) -> None:
        st, runs = self.st, self.bound.runs
        approximate = ~st.exact
        if self.direct or self.wild.any() or (self.a[:, approximate] <= 0).any():
            margin = None  # some gain is flat in its coordinate: nothing can be dropped
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                margin = np.where(st.exact, 0.0, (4 * self.eps / self.a).max(axis=0))
        rows = st.candidates(margin)
        if self.direct:  # counted from the exact gains, chunk by chunk (_Flags)
            count, doubt = np.zeros(runs, dtype=np.int64), np.zeros(runs, dtype=bool)
        else:
            count, doubt = self._counts()
        step = max(1, CHUNK_CELLS // rows.size)
        coords = self.coordinates(rows)
        ws = _Workspace((min(step, runs), rows.size))
        found: list[tuple[np.ndarray, np.ndarray]] = []
        first = 0  # the first run of found
        for start in range(0, runs, step):
            stop = min(start + step, runs)
            ws.rows = stop - start
            with np.errstate(invalid="ignore", over="ignore"):  # wild runs: all flagged
                flags = _Flags(self, np.arange(start, stop), coords, count, doubt, ws)
                r, c = flags.pairs()
            found.append((r + start, c))
            if sum(r.size for r, _ in found) >= ANSWER_PAIRS or stop == runs:
                run_of = np.concatenate([r for r, _ in found])
                cand = np.concatenate([c for _, c in found])
                self._answer(out, at, range(first, stop), run_of, rows[cand], count)
                found, first = [], stop

    # -- the approximate gains -----------------------------------------------------------------
    def approximate(self, runs: np.ndarray, coords: list[np.ndarray], ws: _Workspace):
        """``(runs, candidates)`` each signatory's affine gain (exact for a fixed signatory),
        given the candidates' coordinates ``coords`` (:meth:`coordinates`), in buffers of
        ``ws``; a ``(1, candidates)`` row for a fixed signatory whose reservation no run
        changes. Solving ``direct``ly, the exact gains. Also, per run, a bound on every
        gain's absolute value, from the coordinates' and offsets' (no pass over the gains)."""
        st = self.st
        out = []
        magnitude = np.zeros(runs.size)  # per run, at least every |gain|, from the pieces
        for a in range(self.sig.size):
            d = self.res[runs, a][:, None]
            c = coords[a]
            top = self._coord_top[a]  # max |c|
            if self.direct and not st.exact[a]:
                m, j = self.model, self.sig[a]
                changed = self.bound.changed[j]
                u = exact_utilities(m.terms, j, m.columns, self._rows, changed, runs, grid=True)
                h = np.subtract(u, d, out=ws[f"h{a}"])
                out.append(h)
                np.maximum(magnitude, np.abs(h).max(axis=1), out=magnitude)
                continue
            if st.exact[a]:
                out.append(c - d[:1] if (d == d[0]).all() else np.subtract(c, d, out=ws[f"h{a}"]))
                np.maximum(magnitude, top + np.abs(d[:, 0]), out=magnitude)
                continue
            beta = self.beta[a][runs]
            if self.caps[a] is None:
                beta = beta - d  # the reservation folded in
            offset = beta[:, :1] if beta.shape[1] == 1 else beta[:, self._groups]
            h = ws[f"h{a}"]
            if st.kinds[a] == "shifted":
                np.add(c, offset, out=h)
                bound = top + np.abs(beta).max(axis=1)
            else:
                np.multiply(self.a[runs, a][:, None], c, out=h)
                h += offset
                bound = np.abs(self.a[runs, a]) * top + np.abs(beta).max(axis=1)
            if self.caps[a] is not None:
                np.minimum(h, self.caps[a], out=h)
                h -= d
                bound = np.maximum(bound, abs(self.caps[a])) + np.abs(d[:, 0])
            np.maximum(magnitude, bound, out=magnitude)
            out.append(h)
        # the pieces' own rounding: a relative 1e-9 is far more than it can be
        magnitude *= 1.0 + 1e-9
        return out, magnitude

    def coordinates(self, rows: np.ndarray) -> list[np.ndarray]:
        """Each signatory's coordinate of the candidates ``rows``, as a ``(1, rows)`` row
        (and the candidates' groups, kept for :meth:`approximate`)."""
        self._groups, self._rows = self.st.group[rows], rows
        coords = [self.st.coord[a][rows][None, :] for a in range(self.sig.size)]
        self._coord_top = [float(np.abs(c).max(initial=0.0)) for c in coords]
        return coords

    # -- counts ----------------------------------------------------------------------------
    def _counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Per run, the number of feasible outcomes every signatory accepts, and whether
        some outcome's acceptance is within the error bounds (the count is then exact from
        every outcome, and so must the rest be)."""
        model, st = self.model, self.st
        res, nominal_res = self.res, model.model.reservations[self.sig]
        moving = tuple(
            a
            for a in range(self.sig.size)
            if not st.exact[a] or (res[:, a] != nominal_res[a]).any()
        )
        static = np.ones(model.feasible.shape[0], dtype=bool)
        for a, j in enumerate(self.sig):
            if a not in moving:
                static &= model.nominal[:, j] - nominal_res[a] >= -ACCEPT_ATOL
        count = np.zeros(self.bound.runs, dtype=np.int64)
        doubt = self.wild.copy()
        with np.errstate(invalid="ignore", over="ignore"):  # wild runs are counted exactly
            for g, (rows, sets) in enumerate(st.bitsets(moving, static)):
                if rows.size:
                    count += self._count_group(g, rows, sets, moving, doubt)
        for r in np.flatnonzero(doubt).tolist():
            count[r] = self._exact_count(r)
        return count, doubt

    def _count_group(self, g: int, rows, sets, moving, doubt) -> np.ndarray:
        """Per run, the outcomes ``rows`` of group ``g`` (those the signatories not
        ``moving`` accept) the moving ones accept; sets ``doubt`` for the runs with a
        coordinate within its error of a threshold."""
        st, runs = self.st, self.bound.runs
        if not moving:
            return np.full(runs, rows.size, dtype=np.int64)
        ranks, limits = [], []
        for i, a in enumerate(moving):
            ordered = sets[i][0] if sets is not None else np.sort(st.coord[a][rows])
            limit, band, unsure = self._threshold(a, g, float(np.abs(ordered).max()))
            low = np.searchsorted(ordered, limit - band, side="left")
            high = np.searchsorted(ordered, limit + band, side="right")
            doubt |= unsure | (high > low)
            ranks.append(np.searchsorted(ordered, limit, side="left"))
            limits.append(limit)
        if len(moving) == 1:
            return rows.size - ranks[0]
        if sets is not None:
            both = sets[0][1][ranks[0]]
            for i in range(1, len(moving)):
                both &= sets[i][1][ranks[i]]
            return _popcount(both)
        count = np.zeros(runs, dtype=np.int64)
        step = max(1, 8 * CHUNK_CELLS // rows.size)
        for start in range(0, runs, step):
            stop = min(start + step, runs)
            above = np.ones((stop - start, rows.size), dtype=bool)
            for a, limit in zip(moving, limits):
                above &= st.coord[a][rows][None, :] >= limit[start:stop, None]
            count[start:stop] = np.count_nonzero(above, axis=1)
        return count

    def _threshold(self, a: int, g: int, top: float):
        """``(limit, band, unsure)`` per run: signatory ``a`` accepts an outcome of group
        ``g`` when its coordinate is at least ``limit``, surely so outside ``limit +- band``;
        ``unsure``: the whole group may be near the acceptance limit."""
        d = self.res[:, a]
        slope, beta, eps = self.a[:, a], self.beta[a][:, g], self.eps[:, a]
        fp = 4 * _U * (np.abs(d) + np.abs(beta) + top + 1.0)  # of the subtraction and limit
        unsure = np.zeros(d.size, dtype=bool)
        if self.st.exact[a]:
            return d - ACCEPT_ATOL, fp, unsure
        flat = slope <= 0  # all weights zero: the utility is the same for the whole group
        safe = np.where(flat, 1.0, slope)
        limit = (d - ACCEPT_ATOL - beta) / safe
        band = (eps + fp) / safe
        if flat.any():
            accepts = beta - d >= -ACCEPT_ATOL
            limit[flat] = np.where(accepts, -np.inf, np.inf)[flat]
            band[flat] = 0.0
            unsure |= flat & (np.abs(beta - d + ACCEPT_ATOL) <= eps + fp)
        cap = self.caps[a]
        if cap is not None:  # a cap below the limit refuses everything
            room = cap - d + ACCEPT_ATOL
            limit[room < 0] = np.inf
            band[room < 0] = 0.0
            unsure |= np.abs(room) <= eps + fp
        return limit, band, unsure

    def _exact_count(self, r: int) -> int:
        """Run ``r``'s count from every feasible outcome's exact utilities."""
        n = self.model.feasible.shape[0]
        rows = np.arange(n)
        ok = np.ones(n, dtype=bool)
        for a, j in enumerate(self.sig.tolist()):
            ok &= self.utilities(j, np.full(n, r), rows) - self.res[r, a] >= -ACCEPT_ATOL
        return int(ok.sum())

    def utilities(self, j: int, runs: np.ndarray, rows: np.ndarray, levels=None) -> np.ndarray:
        """Party ``j``'s exact utilities of the pairs ``(runs[i], rows[i])`` (``levels``: as
        :func:`~simulator.sweeps.tables.exact_utilities`)."""
        changed = self.bound.changed.get(j)
        if changed is None:
            return self.model.nominal[rows, j]
        m = self.model
        return exact_utilities(
            m.terms, j, m.columns, rows, changed, runs, levels=levels, partial=m.partials
        )

    # -- exact answers -----------------------------------------------------------------------
    def _answer(self, out: Solved, at, span: range, run_of, rows, count) -> None:
        """The answers of the runs ``span`` from the exact utilities of their flagged pairs
        ``(run_of, rows)`` (sorted by run, then outcome; every run has one)."""
        m = self.model
        levels: dict[int, np.ndarray] = {}  # the outcomes' levels, gathered once
        u = [self.utilities(j, run_of, rows, levels) for j in self.sig.tolist()]
        gains = [u[a] - self.res[run_of, a] for a in range(self.sig.size)]
        owners, starts, _ = _segments(run_of)
        if owners.size != len(span):  # pragma: no cover - a broken invariant
            raise AssertionError("a run has no flagged outcome")
        at, count = at[span.start : span.stop], count[span.start : span.stop]
        worst = _row_min(gains)
        slack = np.maximum.reduceat(worst, starts)
        acceptable = gains[0] >= -ACCEPT_ATOL
        for g in gains[1:]:
            acceptable &= g >= -ACCEPT_ATOL
        exists = count > 0
        if (np.logical_or.reduceat(acceptable, starts) != exists).any():  # pragma: no cover
            raise AssertionError("the count and the flagged outcomes disagree on a zone")
        out.exists[at] = exists
        out.count[at] = count
        zero = np.where(slack >= 0.0, slack, 0.0)  # as reported_slack: max(slack, 0.0)
        out.slack[at] = np.where(exists & (slack >= -ACCEPT_ATOL), zero, slack)
        if not m.concepts or not exists.any():
            return
        keep = np.flatnonzero(acceptable)  # by run, then in enumeration order
        run_of, rows = run_of[keep], rows[keep]
        g = [x[keep] for x in gains]
        us = [x[keep] for x in u]
        owners, starts, seg = _segments(run_of)
        sums = _row_sums(g)
        position = {j: a for a, j in enumerate(self.sig.tolist())}
        for c, concept in enumerate(m.concepts):
            score = self._score(concept, g, sums, run_of, seg, starts)
            tied = _near_max(score, None, seg, starts)
            tied = _near_max(sums, tied, seg, starts)
            chosen = _first_undominated(tied, seg, owners.size, us)
            picked = rows[chosen]
            out.rows[at[owners - span.start], c] = picked
            for j in range(len(m.model.parties)):
                a = position.get(j)  # a signatory's utilities there are computed already
                value = us[a][chosen] if a is not None else self.utilities(j, owners, picked)
                out.utilities[at[owners - span.start], c, j] = value

    def _score(self, concept, g, sums, run, seg, starts) -> np.ndarray:
        """Each acceptable pair's score, as :mod:`simulator.solvers` computes it from the
        gains ``g`` (one array per signatory)."""
        if concept == "utilitarian":
            return sums
        if concept == "egalitarian":
            return _row_min(g)
        if concept == "nash":
            w = self.bound.nash.T  # type: ignore[union-attr]
            with np.errstate(divide="ignore"):
                logs = [np.log(np.maximum(x, 0.0)) for x in g]
            zero = np.isneginf(logs[0])
            for x in logs[1:]:
                zero |= np.isneginf(x)
            product = _row_sums([x * w[a][run] for a, x in enumerate(logs)])
            return np.where(zero, -np.inf, product)
        # kalai: the smallest share of the best gain of each signatory with a positive one
        ratio = np.full(g[0].shape, np.inf)
        some = np.zeros(g[0].shape, dtype=bool)
        for x in g:
            ideal = np.maximum.reduceat(x, starts)[seg]
            on = ideal > 0
            with np.errstate(divide="ignore", invalid="ignore"):
                np.minimum(ratio, np.where(on, x / ideal, np.inf), out=ratio)
            some |= on
        return np.where(some, ratio, 1.0)


class _Workspace:
    """Arrays of one chunk's shape, allocated once per batch and reused chunk after chunk
    (``ws[name]``: the first ``ws.rows`` rows of the float buffer ``name``). Fresh arrays of
    this size would each be mapped from the system and faulted in again where the allocator
    returns freed memory early (Dask's workers set ``MALLOC_TRIM_THRESHOLD_``): twice the
    time."""

    def __init__(self, shape: tuple[int, int]):
        self.shape, self.rows = shape, shape[0]
        self._buffers: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        return self.get(name, np.float64)

    def get(self, name: str, dtype) -> np.ndarray:
        buffer = self._buffers.get(name)
        if buffer is None:
            buffer = self._buffers[name] = np.empty(self.shape, dtype=dtype)
        return buffer[: self.rows]


#: Added to the scores of pairs not acceptable: below any score (utilities are at most
#: 1e15 in size), and arithmetic, which numpy does faster than masking.
_OUT = -1e300


class _Flags:
    """The pairs of some runs and the candidates that can matter (step 4 of the module
    docstring): each test keeps every pair that can attain what it guards, given that each
    approximate gain is within ``eps`` of the exact one. Runs ``careful`` (an acceptance,
    a best gain or a sign within ``eps``) keep every pair."""

    def __init__(self, batch: _Batch, runs, coords, count, careful, ws: _Workspace):
        self.batch, self.runs, self.ws = batch, runs, ws
        self.h, self.magnitude = batch.approximate(runs, coords, ws)
        # the gains the same in every run (a row): their sum, product and minimum are
        # taken once, on the row, before the whole chunk's
        self.full = [a for a, h in enumerate(self.h) if h.shape[0] > 1]
        self.rows = [a for a, h in enumerate(self.h) if h.shape[0] == 1]
        self.e = batch.eps[runs]
        self.worst = _row_min(self.h, ws["worst"])
        self.ew = self.e.max(axis=1)
        acc = np.greater_equal(self.worst, -ACCEPT_ATOL, out=ws.get("acc", bool))
        if batch.direct:  # the gains of every feasible outcome: the count, exactly
            count[runs] = np.count_nonzero(acc, axis=1)
        self.zone = count[runs] > 0
        self.careful = careful[runs] | batch.wild[runs]
        self.pen = ws["pen"]  # 0 (or -0.0) where acceptable, _OUT elsewhere
        np.multiply(np.logical_not(acc, out=acc), _OUT, out=self.pen)
        self.flags = ws.get("flags", bool)
        self.flags[:] = False
        self._scratch = ws.get("scratch", bool)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """``(runs, candidates)`` of the flagged pairs, by run then candidate (positions in
        this chunk's runs and candidates)."""
        concepts = self.batch.model.concepts
        tiny = 4 * _U * (1.0 + self.magnitude)
        if not self.zone.all():  # no zone: the slack is the largest smallest gain of all
            top = self.worst.max(axis=1)
            self._keep(self.worst, np.where(self.zone, np.inf, top - 2 * self.ew - tiny))
        # a zone: the slack is the egalitarian's best score
        masked_worst, best_worst = self._best(self.worst, self.ew + tiny, name="worst+")
        if concepts:
            need_sums = np.full(self.runs.size, "utilitarian" in concepts)
            if "nash" in concepts:
                need_sums |= self._nash(masked_worst, best_worst)
            if "kalai" in concepts:
                need_sums |= self._kalai()
            if need_sums.any():
                spread = self.e.sum(axis=1) + 8 * _U * len(self.h) * (1.0 + tiny / _U)
                self._best(self._sums(), spread, runs=need_sums, pen=False)
        self.flags[self.careful] = True
        flat = np.flatnonzero(self.flags)
        return np.divmod(flat, self.flags.shape[1])

    def _sums(self) -> np.ndarray:
        """The sums of the gains, masked (added to the penalties, zero where acceptable),
        the rows' added first (any order of the additions is within the bound
        :meth:`pairs` allows for their rounding)."""
        parts = self.h
        if len(self.rows) > 1:
            parts = [*(self.h[a] for a in self.full), _row_sums([self.h[a] for a in self.rows])]
        sums = self.ws["sums"]
        np.copyto(sums, self.pen)  # -0.0 + x is x: the same sums where acceptable
        for x in parts:
            sums += x
        return sums

    def _keep(self, values: np.ndarray, limit: np.ndarray) -> None:
        """Flag the pairs with ``values >= limit`` (one limit per run; ``inf``: none)."""
        np.greater_equal(values, limit[:, None], out=self._scratch)
        self.flags |= self._scratch

    def _best(
        self, values: np.ndarray, error: np.ndarray, runs=None, name: str = "masked", pen=True
    ):
        """Flag the acceptable pairs of the runs with a zone (and ``runs``) that can score
        within the tie tolerance of the best, for a score approximated by ``values`` to
        within ``error``: the best ``L`` is within ``error`` of the true best ``B``, and a
        tied pair scores ``>= B - 1e-12 max(1, |B|)``, so its approximate score is ``>= L -
        2 error - 1e-12 max(1, |L| + error)``. Returns the masked values and ``L``
        (``pen=False``: ``values`` are masked already)."""
        masked = np.add(values, self.pen, out=self.ws[name]) if pen else values
        top = masked.max(axis=1)
        limit = top - 2 * error - TIE_RTOL * np.maximum(1.0, np.abs(top) + error)
        on = self.zone if runs is None else self.zone & runs
        self._keep(masked, np.where(on, limit, np.inf))
        return masked, top

    def _nash(self, masked_worst: np.ndarray, best_worst: np.ndarray) -> np.ndarray:
        """Flag the pairs that can tie for the best Nash score; returns the runs whose ties
        are decided by the sums (no acceptable pair has every gain positive)."""
        b, e, ew, ws = self.batch, self.e, self.ew, self.ws
        some = best_worst > ew  # an acceptable pair with every gain surely positive
        maybe = best_worst > -ew  # ... possibly positive
        self.careful |= self.zone & maybe & ~some
        runs = self.zone & some & ~self.careful
        if not runs.any():
            return self.zone & ~maybe
        # p: below the gains of the acceptable pair with the largest product of gains, if
        # they are surely positive, else of the egalitarian's best pair
        # (which p is taken changes how many pairs are flagged, never whether a tie is)
        product = ws["product"]
        row = None
        for a in self.rows:
            row = self.h[a] if row is None else row * self.h[a]
        factors = [self.h[a] for a in self.full] + ([row] if row is not None else [])
        np.add(factors[0], self.pen, out=product)
        for f in factors[1:]:
            product *= f
        at = np.arange(self.runs.size)
        best = product.argmax(axis=1)
        low = masked_worst[at, best] <= ew
        if low.any():
            best[low] = masked_worst[low].argmax(axis=1)
        p = np.column_stack([h[at if h.shape[0] > 1 else 0, best] for h in self.h]) - e
        p[~runs] = 1.0
        w = b.bound.nash[self.runs]  # type: ignore[index]
        logs = np.log(p)
        err = 16 * len(self.h) * _U * (1.0 + (w * np.abs(logs)).sum(axis=1))
        low = (w * logs).sum(axis=1) - err  # <= f(p) <= low + 2 err; f(p) <= the best score
        floor = low - TIE_RTOL * np.maximum(1.0, np.abs(low))  # <= the tie threshold
        # a tied pair: floor <= f(g) <= f(p) + sum_j k_j (g_j - p_j), k = w / p, g <= h + e
        k = w / p
        rhs = floor - low - 2 * err + (k * (p - e)).sum(axis=1)
        rhs -= 16 * len(self.h) * _U * (1.0 + np.abs(rhs) + (k * (p + e)).sum(axis=1))
        # sum_j k_j h_j: the rows' terms as one product of matrices
        term = ws["term"]
        if len(self.rows) > 1:
            rows = np.concatenate([self.h[a] for a in self.rows])
            lin = np.matmul(k[:, self.rows], rows, out=product)
            rest = self.full
        else:
            lin = np.multiply(self.h[0], k[:, :1], out=product)
            rest = list(range(1, len(self.h)))
        lin += self.pen
        for a in rest:
            np.multiply(self.h[a], k[:, a : a + 1], out=term)
            lin += term
        self._keep(lin, np.where(runs, rhs, np.inf))
        return self.zone & ~maybe

    def _kalai(self) -> np.ndarray:
        """Flag the pairs that can attain a best gain ``G_j`` or tie for the best
        Kalai-Smorodinsky score; returns the runs where no ``G_j`` is positive (every score
        is 1: the sums decide)."""
        e, ws = self.e, self.ws
        ratio = None
        error = np.zeros(self.runs.size)
        active = np.zeros((self.runs.size, len(self.h)), dtype=bool)
        masked, q = ws["masked"], ws["term"]
        exact = self.batch.st.exact
        at = np.arange(self.runs.size)
        for a, h in enumerate(self.h):
            np.add(h, self.pen, out=masked)
            if exact[a]:  # the gains are exact: one outcome with the best one gives G_j
                best = masked.argmax(axis=1)
                ideal = masked[at, best]
            else:
                ideal = masked.max(axis=1)
            self.careful |= self.zone & (np.abs(ideal) <= 2 * e[:, a])
            on = active[:, a] = ideal > 2 * e[:, a]
            if not on.any():
                continue
            g = np.where(on, ideal, 1.0)
            if exact[a]:
                hit = on & self.zone
                self.flags[at[hit], best[hit]] = True
            else:
                self._keep(masked, np.where(on & self.zone, g - 2 * e[:, a], np.inf))  # G_j
            # from the masked gains: the ratios of pairs not acceptable are below any other
            if ratio is None:
                ratio = np.multiply(masked, (1.0 / g)[:, None], out=ws["ratio"])
                if not on.all():
                    ratio += np.where(on, 0.0, np.inf)[:, None]
            else:
                np.multiply(masked, (1.0 / g)[:, None], out=q)
                if not on.all():
                    q += np.where(on, 0.0, np.inf)[:, None]
                np.minimum(ratio, q, out=ratio)
            spread = e[:, a] * (2.0 + (ACCEPT_ATOL + e[:, a]) / g) / (g - e[:, a])
            spread += 8 * _U * (1.0 + (ACCEPT_ATOL + e[:, a]) / g)
            error = np.maximum(error, np.where(on, spread, 0.0))
        some = active.any(axis=1)
        if ratio is not None:
            self._best(ratio, error, runs=some, pen=False)
        return self.zone & ~some


def _row_sums(columns: list[np.ndarray], out: np.ndarray | None = None) -> np.ndarray:
    """``numpy.stack(columns, axis=-1).sum(axis=-1)``, float for float: under eight terms
    numpy adds a row left to right from zero, which this does without the stacking (into
    ``out``, if given, of the broadcast shape)."""
    if len(columns) >= 8:
        total = np.stack(np.broadcast_arrays(*columns), axis=-1).sum(axis=-1)
        if out is None:
            return total
        out[...] = total
        return out
    if out is None:
        out = np.zeros(np.broadcast_shapes(*(x.shape for x in columns)))
    else:
        out[...] = 0.0
    for x in columns:
        out += x
    return out


def _row_min(columns: list[np.ndarray], out: np.ndarray | None = None) -> np.ndarray:
    """The elementwise minimum of arrays that broadcast together (into ``out``, if given,
    of the broadcast shape)."""
    shape = np.broadcast_shapes(*(x.shape for x in columns))
    if out is None:
        out = np.empty(shape)
    small = sorted(columns, key=lambda x: x.size)  # rows first, among themselves: cheaper
    least, rest = small[0], small[1:]
    while rest and np.broadcast_shapes(least.shape, rest[0].shape) != shape:
        least, rest = np.minimum(least, rest[0]), rest[1:]
    if not rest:
        out[...] = least
        return out
    np.minimum(least, rest[0], out=out)
    for x in rest[1:]:
        np.minimum(out, x, out=out)
    return out


def _segments(run_of: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(owners, starts, seg)`` of sorted ``run_of``: the distinct runs, where each run's
    pairs start, and each pair's position among the runs (``numpy.unique`` without the
    sort).

    >>> [x.tolist() for x in _segments(np.array([2, 2, 5, 7, 7]))]
    [[2, 5, 7], [0, 2, 3], [0, 0, 1, 2, 2]]
    """
    new = np.empty(run_of.size, dtype=bool)
    new[:1] = True
    np.not_equal(run_of[1:], run_of[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    return run_of[starts], starts, np.cumsum(new) - 1


def _near_max(values, among, seg, starts) -> np.ndarray:
    """:func:`simulator.solvers.selection._near_max` within each run's pairs (``among``:
    ``None`` for all of them)."""
    masked = values if among is None else np.where(among, values, -np.inf)
    top = np.maximum.reduceat(masked, starts)  # per run, then each pair's run's
    with np.errstate(invalid="ignore"):
        near = masked >= (top - TIE_RTOL * np.maximum(1.0, np.abs(top)))[seg]
    lost = np.isneginf(top)
    if lost.any():
        near = np.where(lost[seg], np.isneginf(values), near)
    return near if among is None else among & near


def _first_undominated(tied, seg, n_runs: int, u: list[np.ndarray]) -> np.ndarray:
    """Per run, the first tied pair that no other tied pair of the run dominates (in the
    signatories' utilities ``u``, one array per signatory)."""
    members = np.flatnonzero(tied)
    owner = seg[members]
    first = np.ones(members.size, dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    chosen = np.empty(n_runs, dtype=np.int64)
    chosen[owner[first]] = members[first]
    for r in np.flatnonzero(np.bincount(owner, minlength=n_runs) > 1):
        mine = members[owner == r]
        p = np.column_stack([x[mine] for x in u])
        for k in range(mine.size):
            if not ((p >= p[k]).all(axis=1) & (p != p[k]).any(axis=1)).any():
                chosen[r] = mine[k]
                break
    return chosen
