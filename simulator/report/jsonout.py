"""The machine-readable result of ``zopa run --json``: the contract's keys, and a few more.

Beyond the contract (``docs/reference/cli.md`` lists them): ``signatories``,
``reservations``, ``method``, ``zopa.total``, ``zopa.feasible``, ``zopa.count_estimate``,
``zopa.blocking_detail``, ``pareto.complete`` and ``pareto.found``,
``zopa.reach``, each solution's ``gains`` and ``index``, ``lotteries``, each proposal's
``utility_range``, ``open_issues``, ``broken`` and ``agreed``, and ``provenance``.
"""

from __future__ import annotations

from typing import Any

from simulator.results import Evaluation, LotterySolution, Sharpness, Solution
from simulator.study import Study

__all__ = ["evaluation_json", "result_json"]


def _solution(s: Solution | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "outcome": dict(s.outcome),
        "utilities": dict(s.utilities),
        "gains": dict(s.gains),
        "objective": s.objective,
        "tolerance": s.tolerance,
        "index": s.index,
    }


def _lottery(s: LotterySolution | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "outcomes": [dict(o) for o in s.outcomes],
        "probabilities": list(s.probabilities),
        "utilities": dict(s.utilities),
        "gains": dict(s.gains),
        "gap": s.gap,
    }


def _sharpness(s: Sharpness, outcome) -> dict[str, Any]:
    """``near_optimal`` (per issue: the options, or ``[low, high]``), its tolerance and count,
    and the grid check (``null`` when not made)."""
    return {
        "near_optimal": {k: list(v) for k, v in s.near_optimal.items()},
        "near_tolerance": s.tolerance,
        "near_count": s.count,
        "grid_check": None
        if s.refined is None
        else {
            "points": dict(s.refined_points or {}),
            "outcome": dict(s.refined),
            "moved": list(s.moved(outcome)),
        },
        "at_range_end": list(s.at_range_end),
    }


def evaluation_json(e: Evaluation) -> dict[str, Any]:
    """A proposal's evaluation as a JSON-ready dict (``utilities`` are numbers when every
    issue is fixed, ``[min, max]`` ranges when some are open)."""
    fixed = not e.open_issues
    return {
        "utilities": {p: (lo if fixed else [lo, hi]) for p, (lo, hi) in e.utility.items()},
        "utility_range": {p: [lo, hi] for p, (lo, hi) in e.utility.items()},
        "acceptable": dict(e.accepts),
        "agreed": e.agreed,
        "open_issues": list(e.open_issues),
        "broken": {p: list(v) for p, v in e.broken.items() if v},
        "constraints_ok": e.constraints_ok,
        "broken_constraints": list(e.broken_constraints),
        "maybe_broken_constraints": list(e.maybe_broken_constraints),
    }


def result_json(study: Study) -> dict[str, Any]:
    """The result as a JSON-ready dict (``json.dumps`` it)."""
    a = study.analysis
    z = a.zone
    blocking: dict[str, list[str]] = {}
    for b in z.blocking:
        blocking.setdefault(b.party, []).append(b.requirement)
    prov = study.scenario.provenance
    out: dict[str, Any] = {
        "scenario": study.scenario.name,
        "parties": list(a.parties),
        "signatories": list(a.signatories),
        "reservations": dict(a.reservations),
        "outcome_count": a.outcome_count,
        "method": a.method,
        "on_grid": a.on_grid,
        "zopa": {
            "exists": z.exists,
            "slack": z.slack,
            # an estimate is not a count: the contract's null, with the estimate beside it
            "count": z.count if z.count_exact else None,
            "share": z.share if z.count_exact else None,
            "count_estimate": None
            if z.count_exact
            else {
                "count": z.count,
                "share": z.share,
                "interval95": list(z.count_interval or ()),
            },
            "total": z.total,
            "feasible": z.feasible,
            "blocking": blocking,
            "blocking_detail": [
                {
                    "party": b.party,
                    "kind": b.kind,
                    "requirement": b.requirement,
                    "count_without": b.count_without,
                    "slack_without": b.slack_without,
                    "opens": b.opens,
                }
                for b in z.blocking
            ],
            "reach": dict(z.reach),
        },
        "pareto": {
            "count": a.pareto.count if a.pareto.complete else None,
            "complete": a.pareto.complete,
            "found": a.pareto.count,
        },
    }
    # solve.concepts may leave out the zone or the frontier: then so does the output
    for key in ("zopa", "pareto"):
        if key not in study.scenario.concepts:
            del out[key]
    for concept, solution in a.solutions.items():
        out[concept] = _solution(solution)
        sharp = study.sharpness.get(concept)
        if out[concept] is not None and sharp is not None:
            out[concept].update(_sharpness(sharp, solution.outcome))  # type: ignore[union-attr]
    if a.lotteries:
        out["lotteries"] = {c: _lottery(s) for c, s in a.lotteries.items()}
    out["proposals"] = {name: evaluation_json(e) for name, e in study.evaluations.items()}
    backs: dict[str, int] = {}
    for item in prov.items:
        if item.ref is not None and item.verified:
            backs[item.ref] = backs.get(item.ref, 0) + 1
    out["provenance"] = {
        **prov.counts(),
        "weights": prov.weights,
        "sources": {
            sid: {"title": s.title, "date": s.date, "note": s.note, "numbers": backs.get(sid, 0)}
            for sid, s in study.scenario.sources.items()
        },
        "warnings": [str(w) for w in prov.warnings],
    }
    return out
