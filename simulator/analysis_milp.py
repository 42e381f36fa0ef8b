"""Analysing a model without enumerating it: mixed-integer programmes on the true domains.

:func:`analyze_milp` returns the same :class:`~simulator.results.Analysis` as
:func:`simulator.analyze` by enumeration, with these differences, all stated in the result:

* which problem: by default (``method="milp"``) every issue on its true domain -- a
  continuous issue on its whole interval (solutions may lie off the grid: their ``index``
  is then ``None``), an integer issue on every integer of its range; with ``on_grid=True``
  (what ``method="auto"`` uses above its threshold) every issue on its enumeration grid, the
  very problem enumeration solves. ``Analysis.on_grid`` says which;
* each solution's ``tolerance``: how far its objective may lie below the optimum (the
  proven MILP gap, at least the solver's tolerance of about 3e-9;
  :mod:`simulator.solvers.milp.concepts`);
* the zone's ``count`` is exact where a dynamic programme over the issues can count it, else
  an estimate with a 95% interval (``count_exact`` false); ``feasible`` and the blockers'
  ``count_without`` are not counted (``None``) -- a blocker is found by asking whether some
  outcome meets every other requirement and fails this one;
* the Pareto frontier is traced for two signatories only (``complete`` false otherwise), and
  lotteries are solved over it when it is complete.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from simulator.model.compiled import ACCEPT_ATOL, Model
from simulator.model.issues import DiscreteIssue
from simulator.results import Analysis, Blocker, Frontier, LotterySolution, Solution, Zone
from simulator.solvers.count import count_acceptable
from simulator.solvers.lottery import kalai_lottery, nash_lottery
from simulator.solvers.milp import concepts as mc
from simulator.solvers.milp.formulation import Formulation, formulate
from simulator.solvers.milp.frontier import epsilon_frontier
from simulator.solvers.zone import reported_slack

__all__ = ["analyze_milp"]


def _index(model: Model, outcome) -> int | None:
    """Enumeration number of an outcome if it lies on the grid, else ``None``."""
    levels = []
    for issue, values in zip(model.issues, model.level_values):
        v = outcome[issue.name]
        if isinstance(issue, DiscreteIssue):
            hit = np.flatnonzero(values == issue.index(v))
        else:  # (a snapped value is on the grid exactly; the range sets the scale)
            hit = np.flatnonzero(np.abs(values - v) <= 1e-12 * (issue.high - issue.low))
        if hit.size == 0:
            return None
        levels.append(int(hit[0]))
    index = 0  # Python integers: a MILP-sized space can exceed 2**63 outcomes
    for level, size in zip(levels, model.space.sizes):
        index = index * size + level
    return index


#: Solver round-off on a continuous value, relative to its range: a value this close to a
#: grid point or a breakpoint of the formulation is put on it.
SNAP = 1e-6


def _snap(model: Model, f: Formulation, outcome: dict) -> dict:
    """Continuous values within ``SNAP`` of the range (relative) of a grid point or breakpoint
    are put on it (an integer issue's value is an integer already)."""
    out = dict(outcome)
    for k, (issue, values) in enumerate(zip(model.issues, model.level_values)):
        if isinstance(issue, DiscreteIssue) or issue.integer:
            continue
        x = min(max(out[issue.name], issue.low), issue.high)
        marks = np.concatenate([values, f.levels[k][f.levels[k] != 0], [issue.low]])
        near = marks[np.argmin(np.abs(marks - x))]
        if abs(near - x) <= SNAP * (issue.high - issue.low):
            x = near
        out[issue.name] = float(x)
    return out


def _utilities(model: Model, outcome: dict) -> np.ndarray:
    sub = model.restrict(outcome)
    return sub.utilities(sub.space.levels(0, 1))[0]


def _solution(model: Model, f: Formulation, concept: str, pick) -> Solution | None:
    if pick is None:
        return None
    outcome = _snap(model, f, f.decode(pick.x))
    u = _utilities(model, outcome)
    names = model.party_names
    objective = pick.objective
    if concept == "utilitarian":
        objective = float(u[model.signatories].sum())
    return Solution(
        concept=concept,
        index=_index(model, outcome),
        outcome=outcome,
        utilities=dict(zip(names, map(float, u))),
        gains=dict(zip(names, map(float, u - model.reservations))),
        objective=float(objective),
        tolerance=float(pick.tolerance),
    )


def _zone(model: Model, f: Formulation) -> tuple[Zone, np.ndarray | None]:
    sig = [i for i, s in enumerate(model.signatories) if s]
    names = model.party_names
    res = model.reservations
    slack = mc.slack(f)
    ideal = mc.ideal_gains(f)
    exists = ideal is not None
    slack = reported_slack(slack, exists, ACCEPT_ATOL)
    reach = {}
    blocking: list[Blocker] = []
    for i in sig:
        g = mc.best_gain(f, i, self_accepts=False)
        reach[names[i]] = None if g is None else float(g + res[i])
        # closed zone: dropping i's reservation opens it iff the others can all accept
        blocks = (g is not None) if not exists else mc.exists_without(f, reservation=i)
        if blocks:
            blocking.append(
                Blocker(
                    names[i],
                    "reservation",
                    f"reservation {res[i]:g}",
                    None,
                    mc.slack(f, without_reservation=i),
                    opens=not exists,
                )
            )
    for j, rl in enumerate(model.red_lines):
        if not model.signatories[rl.party]:
            continue
        s = mc.slack(f, without_line=j)
        if not exists:
            blocks = s is not None and s >= -ACCEPT_ATOL
        else:
            blocks = mc.exists_without(f, line=j)
        if blocks:
            blocking.append(
                Blocker(names[rl.party], "red_line", rl.text(), None, s, opens=not exists, line=j)
            )
    count = count_acceptable(model)
    zone = Zone(
        exists=exists,
        slack=slack,
        count=count.count,
        share=count.share,
        total=count.total,
        feasible=None,
        blocking=tuple(blocking),
        reach=reach,
        count_exact=count.exact,
        count_interval=None if count.exact else (count.low, count.high),
    )
    return zone, ideal


def analyze_milp(
    model: Model,
    concepts: Iterable[str],
    *,
    lotteries: bool = False,
    frontier_cap: int = 200,
    on_grid: bool = False,
) -> Analysis:
    """Zone, solutions (and, for two signatories, the frontier) by mixed-integer programming.

    See the module docstring for how the result differs from enumeration. ``on_grid=True``
    keeps continuous and integer issues on their grid, so that the answers are the
    enumeration's (up to each solution's ``tolerance``).
    """
    concepts = tuple(concepts)
    f = formulate(model, on_grid=on_grid)
    zone, ideal = _zone(model, f)
    sig = [i for i, s in enumerate(model.signatories) if s]
    power = np.array([p.power for p in model.parties], dtype=float)
    solvers = {
        "nash": lambda: mc.nash(f, power, ideal),
        "kalai": lambda: mc.kalai(f, ideal),
        "egalitarian": lambda: mc.egalitarian(f),
        "utilitarian": lambda: mc.utilitarian(f),
    }
    solutions = {
        c: (_solution(model, f, c, solvers[c]()) if zone.exists else None) for c in concepts
    }
    frontier = Frontier(
        np.zeros(0, dtype=np.int64), np.zeros((0, len(model.parties))), complete=False
    )
    if len(sig) == 2 and zone.exists:
        xs, complete = epsilon_frontier(f, sig[0], sig[1], frontier_cap)
        outcomes = [_snap(model, f, f.decode(x)) for x in xs]
        utils = np.array([_utilities(model, o) for o in outcomes]).reshape(-1, len(model.parties))
        idx = np.array(  # -1 off the grid, and beyond int64 (10^30 outcomes: ANAC 2014)
            [-1 if (i := _index(model, o)) is None or i >= 2**63 else i for o in outcomes],
            dtype=np.int64,
        )
        frontier = Frontier(idx, utils, complete=complete)
    mixes: dict[str, LotterySolution | None] = {}
    if lotteries and frontier.complete and frontier.count:
        g = frontier.utilities[:, sig] - model.reservations[sig]
        names = model.party_names
        for concept, mix in (("nash", nash_lottery(g, power[sig])), ("kalai", kalai_lottery(g))):
            if mix is None:  # pragma: no cover - a lottery exists over a non-empty frontier
                raise RuntimeError(f"no {concept} lottery over {frontier.count} frontier points")
            u = mix.probabilities @ frontier.utilities[mix.rows]
            outs = tuple(outcomes[r] for r in mix.rows)
            mixes[concept] = LotterySolution(
                concept=concept,
                indices=tuple(int(frontier.indices[r]) for r in mix.rows),
                outcomes=outs,
                probabilities=tuple(float(p) for p in mix.probabilities),
                utilities=dict(zip(names, map(float, u))),
                gains=dict(zip(names, map(float, u - model.reservations))),
                gap=mix.gap,
            )
    return Analysis(
        parties=model.party_names,
        signatories=tuple(model.party_names[i] for i in sig),
        reservations=dict(zip(model.party_names, map(float, model.reservations))),
        outcome_count=model.space.count,
        zone=zone,
        pareto=frontier,
        solutions=solutions,
        lotteries=mixes,
        method="milp",
        on_grid=on_grid,
    )
