"""Analysing a compiled model: one streaming pass over the outcome space.

:func:`analyze` enumerates the space chunk by chunk (memory bounded by the chunk size and the
size of the Pareto frontier), reduces each chunk to its zone statistics
(:mod:`simulator.solvers.zone`) and to the Pareto frontier of its acceptable outcomes, merges
those, then applies the solution concepts to the frontier. Where the utilities are plain sums
over the issues and the space splits into leading issues and a trailing block (10^5 outcomes
and more), only the outcomes combining a prefix and a block row that can be on the frontier
are filtered (:func:`_efficient_parts`): typically a few per cent. Every concept's choice
under the contract's tie-breaking is Pareto-optimal (a dominated outcome has no larger score
and a strictly smaller sum of gains), so solving on the frontier gives the same outcome as
solving on the whole acceptable set.

:func:`evaluate` judges one proposal, fixing some or all issues.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np

from simulator.errors import SolverError
from simulator.method_choice import AUTO_THRESHOLD, choose_method
from simulator.model.compiled import ACCEPT_ATOL, MAX_OUTCOMES, Model
from simulator.model.rules import describe_rule
from simulator.model.space import DEFAULT_CHUNK
from simulator.progress import task
from simulator.results import Analysis, Evaluation, Frontier, LotterySolution, Solution
from simulator.solvers.egalitarian import egalitarian
from simulator.solvers.kalai import kalai
from simulator.solvers.lottery import kalai_lottery, nash_lottery
from simulator.solvers.nash import nash
from simulator.solvers.pareto import efficient_parts, pareto_mask
from simulator.solvers.selection import Choice
from simulator.solvers.utilitarian import utilitarian
from simulator.solvers.zone import ZoneScan, combine, finish, scan_chunk

__all__ = ["AUTO_THRESHOLD", "CONCEPTS", "METHODS", "analyze", "evaluate", "frontier_outcomes"]

#: Solution concepts that choose one outcome, in report order.
CONCEPTS = ("nash", "kalai", "egalitarian", "utilitarian")
METHODS = ("auto", "enumerate", "milp")
#: Margin (times the utilities' scale) by which a part must be dominated to be left out of
#: the frontier's candidates (:func:`_efficient_parts`): far above the 1e-12 rounding.
PART_MARGIN = 1e-9


def analyze(
    model: Model,
    concepts: Iterable[str] = CONCEPTS,
    *,
    lotteries: bool = False,
    method: str = "enumerate",
    chunk_size: int = DEFAULT_CHUNK,
    max_outcomes: int = MAX_OUTCOMES,
) -> Analysis:
    """Zone, Pareto frontier and solution concepts of a model.

    Parameters
    ----------
    model : a compiled model (:func:`simulator.model.compile_model`).
    concepts : which of ``nash``, ``kalai``, ``egalitarian``, ``utilitarian`` to solve.
    lotteries : also solve Nash and Kalai-Smorodinsky over randomised agreements.
    method : ``"enumerate"`` -- every outcome of the grid, exact, refused above
        ``max_outcomes``; ``"milp"`` -- mixed-integer programmes on the true domains
        (continuous issues on their whole interval, integer issues on every integer; see
        :mod:`simulator.analysis_milp` for what differs); ``"auto"`` -- the grid's problem
        whichever way it is solved (a MILP it picks keeps every issue on its grid, so the
        answer never depends on the space's size): MILP above ``AUTO_THRESHOLD`` outcomes,
        and below it where enumeration is estimated to be much slower (many signatories with
        a large frontier; :func:`simulator.method_choice.choose_method`), else enumerate.
    chunk_size : outcomes evaluated at once (results do not depend on it).
    max_outcomes : refuse larger spaces at once (:class:`~simulator.errors.SpaceTooLargeError`).

    Returns
    -------
    Analysis
        Its ``method`` says which method ran.

    Examples
    --------
    >>> import simulator
    >>> a = analyze(simulator.load("scenarios/examples/job_offer.yaml").model())
    >>> a.zone.exists, a.zone.count, round(a.zone.slack, 3)
    (True, 16, 0.195)
    >>> a.solutions["nash"].outcome
    {'salary': 65.0, 'remote': 'full', 'start': 'next_month'}
    """
    concepts = tuple(concepts)
    unknown = set(concepts) - set(CONCEPTS)
    if unknown:
        raise ValueError(f"unknown concepts {sorted(unknown)}; known: {', '.join(CONCEPTS)}")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    on_grid = method == "auto"  # auto never changes the problem: a MILP it picks solves the grid
    if method == "auto":
        method = choose_method(model).method
    if method == "milp":
        from simulator.analysis_milp import analyze_milp

        try:
            with task("solving by MILP"):
                return analyze_milp(model, concepts, lotteries=lotteries, on_grid=on_grid)
        except SolverError:
            # auto picked the MILP for speed, on the grid's problem: enumeration solves the
            # same problem exactly, where the space allows it
            if not on_grid or model.space.count > max_outcomes:
                raise
    model.check_size(max_outcomes)
    sig = model.signatories
    res = model.reservations
    lines = model.signatory_lines

    scan: ZoneScan | None = None
    front = _Front.empty(len(model.parties))
    split = _parts_split(model)
    parts = _efficient_parts(model, split) if split else None
    # Outcome levels are built only when rules need them.
    needs_levels = bool(model.constraints or model.red_lines)
    with task("scanning outcomes", model.space.count, "outcome") as advance:
        for start, levels, u in model.evaluated(chunk_size, needs_levels):
            if parts is None:
                part, front = _scan_chunk(model, start, levels, u, front)
            else:
                part, _ = _scan_chunk(model, start, levels, u, None)
                front = _merge_parts(model, parts, front, start, u)
            scan = part if scan is None else combine(scan, part)
            advance(u.shape[0])
    assert scan is not None  # a space has at least one outcome
    order = np.argsort(front.indices, kind="stable")
    frontier = Frontier(front.indices[order], front.utilities[order], counts=front.counts[order])

    sig_names = tuple(n for n, s in zip(model.party_names, sig) if s)
    line_info = [
        (model.party_names[model.red_lines[j].party], model.red_lines[j].text(), int(j))
        for j in lines
    ]
    zone = finish(scan, sig_names, list(res[sig]), line_info, ACCEPT_ATOL)

    g = frontier.utilities[:, sig] - res[sig]
    solvers = {
        "nash": lambda: nash(g, model.power[sig]),
        "kalai": lambda: kalai(g),
        "egalitarian": lambda: egalitarian(g),
        "utilitarian": lambda: utilitarian(g),
    }
    solutions = _solutions(model, frontier, {c: solvers[c]() for c in concepts})
    if c_utilitarian := solutions.get("utilitarian"):
        solutions["utilitarian"] = _with_objective(
            c_utilitarian, float(sum(c_utilitarian.utilities[n] for n in sig_names))
        )
    mixes: dict[str, LotterySolution | None] = {}
    if lotteries:
        mixes["nash"] = _lottery(model, frontier, "nash", nash_lottery(g, model.power[sig]))
        mixes["kalai"] = _lottery(model, frontier, "kalai", kalai_lottery(g))
    return Analysis(
        parties=model.party_names,
        signatories=sig_names,
        reservations=dict(zip(model.party_names, map(float, res))),
        outcome_count=model.space.count,
        zone=zone,
        pareto=frontier,
        solutions=solutions,
        lotteries=mixes,
    )


class _Front(NamedTuple):
    """The frontier so far: distinct utility rows, the first outcome of each, and counts."""

    indices: np.ndarray
    utilities: np.ndarray
    counts: np.ndarray

    @classmethod
    def empty(cls, n_parties: int) -> _Front:
        return cls(np.zeros(0, np.int64), np.zeros((0, n_parties)), np.zeros(0, np.int64))


def _pieces(model: Model, levels, u: np.ndarray):
    """A chunk's signatory gains, which outcomes obey the constraints, and which signatory
    red lines each breaks: what the zone scan needs."""
    sig, res = model.signatories, model.reservations
    # column by column into a column-major array: fast for few signatories and many rows,
    # and scan_chunk reads it column by column
    gains = np.empty((u.shape[0], int(sig.sum())), order="F")
    for k, j in enumerate(np.flatnonzero(sig)):
        np.subtract(u[:, j], res[j], out=gains[:, k])
    if levels is not None:
        allowed = model.constraint_mask(levels)
        breaks = model.red_line_breaks(levels)[:, model.signatory_lines]
    else:
        allowed = np.ones(u.shape[0], dtype=bool)
        breaks = np.zeros((u.shape[0], 0), dtype=bool)
    return gains, allowed, breaks


def _acceptable(model: Model, levels, u: np.ndarray):
    """A chunk's acceptable mask, and the pieces the zone scan needs."""
    gains, allowed, breaks = _pieces(model, levels, u)
    acceptable = (gains >= -ACCEPT_ATOL).all(axis=1)
    if levels is not None:
        acceptable &= allowed & ~breaks.any(axis=1)
    return acceptable, gains, allowed, breaks


def _scan_chunk(model: Model, start: int, levels, u: np.ndarray, front: _Front | None):
    """One chunk: its zone statistics, and the frontier merged with its acceptable outcomes
    (unless ``front`` is None)."""
    if front is None:
        gains, allowed, breaks = _pieces(model, levels, u)
        return scan_chunk(gains, allowed, breaks, ACCEPT_ATOL), None
    acceptable, gains, allowed, breaks = _acceptable(model, levels, u)
    part = scan_chunk(gains, allowed, breaks, ACCEPT_ATOL)
    front = _merge(front, start + np.flatnonzero(acceptable), u[acceptable], model.signatories)
    return part, front


def _merge(
    front: _Front, idx: np.ndarray, u: np.ndarray, sig: np.ndarray, counts: np.ndarray | None = None
) -> _Front:
    """The frontier of ``front`` and more acceptable outcomes: ``idx`` ascending, after every
    outcome of ``front``; ``u`` their utilities; ``counts`` how many outcomes each stands for
    (with that utility vector, ``idx`` the first of them; default one each)."""
    if idx.size == 0:
        return front
    if counts is None:
        counts = np.ones(idx.size, np.int64)
    if front.indices.size:
        u = np.vstack([front.utilities, u])
        idx = np.concatenate([front.indices, idx])
        counts = np.concatenate([front.counts, counts])
    keep = np.flatnonzero(pareto_mask(u if sig.all() else u[:, sig]))
    return _group(idx[keep], u[keep], counts[keep])


def _parts_split(model: Model) -> int:
    """How many leading issues make the first part of the utilities for
    :func:`_efficient_parts`; 0 where every chunk's acceptable outcomes are filtered instead.

    The parts are those :meth:`Model.evaluated` adds (:meth:`OutcomeSpace.split`): the
    leading issues' sum plus the trailing block's, so the space must have both. The sum must
    be all there is: no constraint, no signatory red line (acceptance is then monotone in
    the utilities), no interaction bonus and no cap.
    """
    if model.constraints or model.signatory_lines or not all(p.additive for p in model.parties):
        return 0
    lead = model.space.split()
    return lead if 0 < lead < len(model.issues) else 0


class _Parts(NamedTuple):
    """The prefixes and block rows that frontier outcomes combine (:func:`_efficient_parts`),
    one per group of equal sums, with the group's size."""

    rows: np.ndarray
    row_n: np.ndarray
    cols: np.ndarray
    col_n: np.ndarray
    block: int


def _efficient_parts(model: Model, split: int) -> _Parts:
    """Where utilities are ``round(a_r + b_c)`` -- ``a_r`` the sum over the first ``split``
    issues at their combination ``r`` (a *prefix*), ``b_c`` over the others at ``c`` (a row
    of the trailing block), as :meth:`Model.block_utilities` adds them -- the prefixes and
    block rows that frontier outcomes are made of.

    Float addition and rounding are monotone, so if ``a_r' >= a_r`` for every signatory and
    by at least ``margin`` for one, outcome ``(r', c)`` strictly dominates ``(r, c)`` for
    every ``c`` (the margin outlasts the rounding to ``UTILITY_DECIMALS``), and is acceptable
    when ``(r, c)`` is. Every frontier outcome, duplicates included, therefore combines a
    prefix and a block row that are no part of a dominated pair with a margin
    (:func:`~simulator.solvers.pareto.efficient_parts`). Prefixes with equal sums give equal
    utilities with every block row (and block rows likewise): one pair per two such groups
    is filtered (:func:`_merge_parts`), standing for all its outcomes (its first outcome and
    their number). A frontier of 10^6 outcomes is typically found among 10^4 or 10^5 pairs.
    """
    sig = model.signatories
    sizes = model.space.sizes
    lead = model.additive(_every_level(sizes[:split]), 0)
    trail = model.additive(_every_level(sizes[split:]), split)
    margin = PART_MARGIN * max(1.0, float(np.abs(lead).max() + np.abs(trail).max()))
    rows, row_n = _equal_rows(lead, efficient_parts(lead[:, sig], margin))
    cols, col_n = _equal_rows(trail, efficient_parts(trail[:, sig], margin))
    return _Parts(rows, row_n, cols, col_n, trail.shape[0])


def _every_level(sizes: tuple[int, ...]) -> np.ndarray:
    """Every combination of levels of issues of these sizes, in enumeration order, as the
    columns of an ``(n, k)`` array (what :meth:`OutcomeSpace.levels` gives, built faster)."""
    return np.indices(sizes).reshape(len(sizes), -1).T


def _merge_parts(model: Model, parts: _Parts, front: _Front, start: int, u: np.ndarray):
    """The frontier merged with the acceptable pairs of ``parts`` among a chunk's outcomes
    (``start`` the first, ``u`` their utilities)."""
    sig, res = model.signatories, model.reservations[model.signatories]
    end, b = start + u.shape[0], parts.block
    lo, hi = np.searchsorted(parts.rows, [start // b, (end - 1) // b + 1])
    idx = (parts.rows[lo:hi, None] * b + parts.cols[None, :]).ravel()
    n = (parts.row_n[lo:hi, None] * parts.col_n[None, :]).ravel()
    inside = (idx >= start) & (idx < end)
    idx, n = idx[inside], n[inside]
    uu = u[idx - start]
    ok = (uu[:, sig] - res >= -ACCEPT_ATOL).all(axis=1)
    return _merge(front, idx[ok], uu[ok], sig, n[ok])


def _equal_rows(values: np.ndarray, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``among`` (a mask) grouped by equal vectors: the first row of each group,
    ascending, and the group's size."""
    rows = np.flatnonzero(among)
    if rows.size < 2:
        return rows, np.ones(rows.size, np.int64)
    _, first, n = np.unique(
        values[rows] + 0.0, axis=0, return_index=True, return_counts=True
    )  # + 0.0: -0.0 and 0.0 are equal
    order = np.argsort(first)
    return rows[first[order]], n[order].astype(np.int64)


def _group(idx: np.ndarray, u: np.ndarray, counts: np.ndarray) -> _Front:
    """Merge equal utility rows: each keeps its first outcome (rows come in enumeration order)
    and the sum of the counts. Equality is of the values (0.0 and -0.0 are equal)."""
    if idx.size < 2:
        return _Front(idx, u, counts)
    keys = u + 0.0  # -0.0 -> 0.0, so that equal values sort together
    order = np.lexsort(keys.T[::-1])  # stable: the first outcome of a group stays first
    ks = keys[order]
    starts = np.ones(idx.size, dtype=bool)
    starts[1:] = (ks[1:] != ks[:-1]).any(axis=1)
    if starts.all():
        return _Front(idx, u, counts)
    first = order[starts]
    return _Front(idx[first], u[first], np.add.reduceat(counts[order], np.flatnonzero(starts)))


def frontier_outcomes(
    model: Model, frontier: Frontier, row: int, *, chunk_size: int = DEFAULT_CHUNK
) -> np.ndarray:
    """Every acceptable outcome with the utility vector of one row of a frontier.

    :attr:`Analysis.pareto <simulator.results.Analysis>` keeps one row per distinct vector
    (its first outcome and a count); this enumerates the space once more for the rest.

    Parameters
    ----------
    model : the model the frontier was computed for (by enumeration).
    frontier : its :class:`~simulator.results.Frontier`.
    row : the row of ``frontier.utilities``.
    chunk_size : outcomes evaluated at once.

    Returns
    -------
    numpy.ndarray of int64: enumeration numbers, ascending; ``frontier.counts[row]`` of them,
    the first being ``frontier.indices[row]``.

    Examples
    --------
    >>> from simulator.model import DiscreteIssue, Party, TableValue, compile_model
    >>> size, colour = DiscreteIssue("size", ("s", "l")), DiscreteIssue("colour", ("r", "b"))
    >>> m = compile_model([size, colour], [
    ...     Party("p", 0.0, {"size": 1, "colour": 0}, {"size": TableValue((1.0, 0.0)),
    ...                                              "colour": TableValue((0.0, 0.0))}),
    ...     Party("q", 0.0, {"size": 1, "colour": 0}, {"size": TableValue((0.0, 1.0)),
    ...                                              "colour": TableValue((0.0, 0.0))})])
    >>> front = analyze(m, concepts=()).pareto
    >>> front.count, front.distinct, front.counts.tolist()
    (4, 2, [2, 2])
    >>> [m.outcome(int(i)) for i in frontier_outcomes(m, front, 1)]
    [{'size': 'l', 'colour': 'r'}, {'size': 'l', 'colour': 'b'}]
    """
    first = int(frontier.indices[row])
    if first < 0:
        raise ValueError(
            "this frontier row is an outcome off the grid (MILP): nothing to enumerate"
        )
    target = frontier.utilities[row]
    needs_levels = bool(model.constraints or model.red_lines)
    found = []
    for start, levels, u in model.evaluated(chunk_size, needs_levels):
        hit = (u == target).all(axis=1)
        if hit.any():
            hit &= _acceptable(model, levels, u)[0]
            found.append(start + np.flatnonzero(hit))
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _with_objective(s: Solution, objective: float) -> Solution:
    return Solution(s.concept, s.index, s.outcome, s.utilities, s.gains, objective)


def _per_party(model: Model, values: np.ndarray) -> dict[str, float]:
    return dict(zip(model.party_names, values.tolist()))


def _solutions(
    model: Model, frontier: Frontier, choices: Mapping[str, Choice | None]
) -> dict[str, Solution | None]:
    """Each concept's chosen frontier row as a :class:`Solution` (outcomes decoded at once)."""
    rows = sorted({c.row for c in choices.values() if c is not None})
    levels = model.space.levels_of(frontier.indices[rows]) if rows else ()
    outcomes = {r: model.describe(lv) for r, lv in zip(rows, levels)}
    names, res = model.party_names, model.reservations
    out: dict[str, Solution | None] = {}
    for concept, choice in choices.items():
        if choice is None:
            out[concept] = None
            continue
        u = frontier.utilities[choice.row]
        out[concept] = Solution(
            concept=concept,
            index=int(frontier.indices[choice.row]),
            outcome=dict(outcomes[choice.row]),
            utilities=dict(zip(names, u.tolist())),
            gains=dict(zip(names, (u - res).tolist())),
            objective=choice.objective,
        )
    return out


def _lottery(model: Model, frontier: Frontier, concept: str, mix) -> LotterySolution | None:
    if mix is None:
        return None
    idx = tuple(int(frontier.indices[r]) for r in mix.rows)
    u = mix.probabilities @ frontier.utilities[mix.rows]
    return LotterySolution(
        concept=concept,
        indices=idx,
        outcomes=tuple(model.outcome(i) for i in idx),
        probabilities=tuple(float(p) for p in mix.probabilities),
        utilities=_per_party(model, u),
        gains=_per_party(model, u - model.reservations),
        gap=mix.gap,
    )


def evaluate(
    model: Model,
    outcome: Mapping[str, str | float],
    *,
    chunk_size: int = DEFAULT_CHUNK,
    max_outcomes: int = MAX_OUTCOMES,
) -> Evaluation:
    """Judge a proposal that fixes some or all issues.

    Utilities are exact at the proposal's numbers (a continuous issue may be fixed off its
    grid). Issues left open range over their levels; ranges, red lines and acceptance are
    then taken over every completion that obeys the constraints (over all completions when
    none does, which ``constraints_ok`` reports as False).

    Examples
    --------
    >>> from simulator.model import DiscreteIssue, Party, TableValue, compile_model
    >>> deal = DiscreteIssue("deal", ("a", "b"))
    >>> m = compile_model([deal], [
    ...     Party("p", 0.5, {"deal": 1}, {"deal": TableValue((1.0, 0.0))}),
    ...     Party("q", 0.5, {"deal": 1}, {"deal": TableValue((0.6, 1.0))})])
    >>> e = evaluate(m, {"deal": "a"})
    >>> e.accepts, e.agreed
    ({'p': True, 'q': True}, True)
    >>> evaluate(m, {}).accepts
    {'p': None, 'q': True}
    """
    outcome = model.check_outcome(outcome)  # ValueError naming the valid options or range
    sub = model.restrict(outcome)
    sub.check_size(max_outcomes)
    names = model.party_names
    n_lines = len(model.red_lines)
    lo = np.full(len(names), np.inf)
    hi = np.full(len(names), -np.inf)
    any_break = np.zeros(n_lines, dtype=bool)
    all_break = np.ones(n_lines, dtype=bool)
    any_ok = np.zeros(len(names), dtype=bool)
    all_ok = np.ones(len(names), dtype=bool)
    n_rules = len(model.constraints)
    any_c = np.zeros(n_rules, dtype=bool)  # over every completion, allowed or not
    all_c = np.ones(n_rules, dtype=bool)
    n_allowed = 0
    for use_all in (False, True):
        with task("evaluating completions", sub.space.count, "outcome") as advance:
            for _, levels in sub.space.chunks(chunk_size):
                advance(levels.shape[0])
                if not use_all and n_rules:
                    cb = sub.constraint_breaks(levels)
                    any_c |= cb.any(axis=0)
                    all_c &= cb.all(axis=0)
                allowed = sub.constraint_mask(levels)
                take = np.ones_like(allowed) if use_all else allowed
                if not take.any():
                    continue
                n_allowed += int(allowed.sum())
                u = sub.utilities(levels)[take]
                breaks = sub.red_line_breaks(levels)[take]
                lo = np.minimum(lo, u.min(axis=0))
                hi = np.maximum(hi, u.max(axis=0))
                any_break |= breaks.any(axis=0)
                all_break &= breaks.all(axis=0)
                acc = (u >= model.reservations - ACCEPT_ATOL) & ~model.breaks_by_party(breaks)
                any_ok |= acc.any(axis=0)
                all_ok &= acc.all(axis=0)
        if n_allowed:
            break
    total = sub.space.count
    constraints_ok = True if n_allowed == total else (False if n_allowed == 0 else None)
    res = model.reservations

    def lines_of(j_mask: np.ndarray, party: int) -> tuple[str, ...]:
        return tuple(
            describe_rule(rl.rule)
            for j, rl in enumerate(model.red_lines)
            if rl.party == party and j_mask[j]
        )

    return Evaluation(
        outcome=dict(outcome),
        open_issues=tuple(n for n in model.issue_names if n not in outcome),
        utility={n: (float(lo[i]), float(hi[i])) for i, n in enumerate(names)},
        gain={n: (float(lo[i] - res[i]), float(hi[i] - res[i])) for i, n in enumerate(names)},
        broken={n: lines_of(all_break, i) for i, n in enumerate(names)},
        maybe_broken={n: lines_of(any_break & ~all_break, i) for i, n in enumerate(names)},
        accepts={
            n: (True if all_ok[i] else (False if not any_ok[i] else None))
            for i, n in enumerate(names)
        },
        constraints_ok=constraints_ok,
        signatories=tuple(n for n, s in zip(names, model.signatories) if s),
        broken_constraints=tuple(describe_rule(r) for r, b in zip(model.constraints, all_c) if b),
        maybe_broken_constraints=tuple(
            describe_rule(r) for r, b in zip(model.constraints, any_c & ~all_c) if b
        ),
    )
