"""The report of ``zopa simulate``: the talks' end as text, and as a JSON-ready dict.

The text names the protocol and the strategies, then either the agreement (issue by issue,
with units and labels), every party's utility and, where time costs, its discounted value,
and how far the agreement lies from the static Nash and Kalai-Smorodinsky solutions; or why
there was none (:attr:`~simulator.dynamics.simulate.Simulation.reason`).
"""

from __future__ import annotations

from typing import Any

from simulator.report.document import Document
from simulator.report.plain import show_value

__all__ = ["simulation_document", "simulation_json"]


def _fmt(issue, value) -> str:
    """An issue's value as shown: an option's label, a number rounded (``army_cap = 100``,
    not ``100.0``) with its unit."""
    return show_value(issue, value)


def simulation_document(sim, model, title: str) -> Document:
    """The talks as a :class:`~simulator.report.document.Document`."""
    doc = Document()
    labels = {p.name: p.label or p.name for p in model.parties}
    who = ", ".join(f"{labels.get(p, p)}: {s}" for p, s in sim.strategies.items())
    doc.heading(f"{title}: {sim.protocol} protocol, {who}")
    costly = sorted(n for n, d in sim.discount.items() if d < 1.0)
    if costly:
        factors = ", ".join(f"{labels.get(n, n)} {sim.discount[n]:g}" for n in costly)
        how = (
            "the agents bargain on discounted values"
            if sim.bargained == "discounted"
            else "the agents bargain on undiscounted utilities (--undiscounted)"
        )
        doc.para(f"Discount factors per round: {factors}; {how}.")
    if not sim.agreed:
        doc.para(f"No agreement within {sim.rounds} rounds: {sim.reason}.")
        return doc
    doc.para(f"Agreement in round {sim.round}:")
    issues = {i.name: i for i in model.issues}
    doc.bullets(
        [f"{issues[k].label or k} = {_fmt(issues[k], v)}" for k, v in (sim.outcome or {}).items()]
    )
    labels = {p.name: p.label or p.name for p in model.parties}
    rows = []
    for name, u in (sim.utilities or {}).items():
        row = [labels[name], f"{u:.3f}"]
        if costly:
            row.append(f"{sim.discounted[name]:.3f}")
        rows.append(row)
    header = ["party", "utility"] + ([f"discounted (round {sim.round})"] if costly else [])
    doc.table(header, rows)
    if sim.distance_nash is not None:
        doc.para(
            f"Distance to the static Nash agreement {sim.distance_nash:.3f} (weighted by the "
            f"bargaining powers), to Kalai-Smorodinsky {sim.distance_kalai:.3f} (in utility)."
        )
    return doc


def simulation_json(sim) -> dict[str, Any]:
    """The talks' end as a JSON-ready dict (full precision)."""
    return {
        "protocol": sim.protocol,
        "strategies": sim.strategies,
        "agreed": sim.agreed,
        "round": sim.round,
        "rounds": sim.rounds,
        "outcome": sim.outcome,
        "utilities": sim.utilities,
        "discounted": sim.discounted,
        "discount": sim.discount,
        "bargained": sim.bargained,
        "distance_nash": sim.distance_nash,
        "distance_kalai": sim.distance_kalai,
        "reason": sim.reason,
    }
