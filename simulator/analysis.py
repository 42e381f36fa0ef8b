"""Analysing a compiled model: one streaming pass over the outcome space.

:func:`analyze` enumerates the space chunk by chunk (memory bounded by the chunk size and the
size of the Pareto frontier), reduces each chunk to its zone statistics
(:mod:`simulator.solvers.zone`) and to the Pareto frontier of its acceptable outcomes, merges
those, then applies the solution concepts to the frontier. Every concept's choice under the
contract's tie-breaking is Pareto-optimal (a dominated outcome has no larger score and a
strictly smaller sum of gains), so solving on the frontier gives the same outcome as solving
on the whole acceptable set.

:func:`evaluate` judges one proposal, fixing some or all issues.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from simulator.errors import SolverError
from simulator.method_choice import AUTO_THRESHOLD, choose_method
from simulator.model.compiled import ACCEPT_ATOL, MAX_OUTCOMES, Model
from simulator.model.space import DEFAULT_CHUNK
from simulator.progress import task
from simulator.results import Analysis, Evaluation, Frontier, LotterySolution, Solution
from simulator.solvers.egalitarian import egalitarian
from simulator.solvers.kalai import kalai
from simulator.solvers.lottery import kalai_lottery, nash_lottery
from simulator.solvers.nash import nash
from simulator.solvers.pareto import pareto_mask
from simulator.solvers.selection import Choice
from simulator.solvers.utilitarian import utilitarian
from simulator.solvers.zone import ZoneScan, combine, finish, scan_chunk

__all__ = ["AUTO_THRESHOLD", "CONCEPTS", "METHODS", "analyze", "evaluate"]

#: Solution concepts that choose one outcome, in report order.
CONCEPTS = ("nash", "kalai", "egalitarian", "utilitarian")
METHODS = ("auto", "enumerate", "milp")


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
    front_idx = np.zeros(0, dtype=np.int64)
    front_u = np.zeros((0, len(model.parties)))
    # Outcome levels are built only when rules need them.
    needs_levels = bool(model.constraints or model.red_lines)
    with task("scanning outcomes", model.space.count, "outcome") as advance:
        for start, levels, u in model.evaluated(chunk_size, needs_levels):
            front_idx, front_u, part = _scan_chunk(model, start, levels, u, front_idx, front_u)
            scan = part if scan is None else combine(scan, part)
            advance(u.shape[0])
    assert scan is not None  # a space has at least one outcome
    order = np.argsort(front_idx, kind="stable")
    frontier = Frontier(front_idx[order], front_u[order])

    sig_names = tuple(n for n, s in zip(model.party_names, sig) if s)
    line_info = [
        (model.party_names[model.red_lines[j].party], model.red_lines[j].text()) for j in lines
    ]
    zone = finish(scan, sig_names, list(res[sig]), line_info, ACCEPT_ATOL)

    g = frontier.utilities[:, sig] - res[sig]
    solvers = {
        "nash": lambda: nash(g, model.power[sig]),
        "kalai": lambda: kalai(g),
        "egalitarian": lambda: egalitarian(g),
        "utilitarian": lambda: utilitarian(g),
    }
    solutions = {c: _solution(model, frontier, c, solvers[c]()) for c in concepts}
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


def _scan_chunk(model: Model, start: int, levels, u: np.ndarray, front_idx, front_u):
    """One chunk: its zone statistics, and the frontier merged with its acceptable outcomes."""
    sig, res, lines = model.signatories, model.reservations, model.signatory_lines
    gains = u[:, sig] - res[sig]
    if levels is not None:
        allowed = model.constraint_mask(levels)
        breaks = model.red_line_breaks(levels)[:, lines]
    else:
        allowed = np.ones(u.shape[0], dtype=bool)
        breaks = np.zeros((u.shape[0], 0), dtype=bool)
    part = scan_chunk(gains, allowed, breaks, ACCEPT_ATOL)
    acceptable = allowed & ~breaks.any(axis=1) & (gains >= -ACCEPT_ATOL).all(axis=1)
    if acceptable.any():
        idx = np.concatenate([front_idx, start + np.flatnonzero(acceptable)])
        uu = np.vstack([front_u, u[acceptable]])
        keep = pareto_mask(uu[:, sig])
        front_idx, front_u = idx[keep], uu[keep]
    return front_idx, front_u, part


def _with_objective(s: Solution, objective: float) -> Solution:
    return Solution(s.concept, s.index, s.outcome, s.utilities, s.gains, objective)


def _per_party(model: Model, values: np.ndarray) -> dict[str, float]:
    return {n: float(v) for n, v in zip(model.party_names, values)}


def _solution(model: Model, frontier: Frontier, concept: str, choice: Choice | None):
    if choice is None:
        return None
    u = frontier.utilities[choice.row]
    index = int(frontier.indices[choice.row])
    return Solution(
        concept=concept,
        index=index,
        outcome=model.outcome(index),
        utilities=_per_party(model, u),
        gains=_per_party(model, u - model.reservations),
        objective=choice.objective,
    )


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
    n_allowed = 0
    for use_all in (False, True):
        with task("evaluating completions", sub.space.count, "outcome") as advance:
            for _, levels in sub.space.chunks(chunk_size):
                advance(levels.shape[0])
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
            str(rl.rule) for j, rl in enumerate(model.red_lines) if rl.party == party and j_mask[j]
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
    )
