"""The report of ``zopa explain``: why there is no zone and what would open one, in plain words.

Sections, in the order a student asks: is there a zone; who could agree with whom (pairs,
groups, veto players); what would open a closed zone (the cheapest packages of concessions,
each with the agreement it would allow); which trades raise both parties of a pair; and what
the numbers rest on.
"""

from __future__ import annotations

import math

from simulator.coalitions.explanation import Explanation
from simulator.coalitions.graph import CoalitionZone
from simulator.coalitions.logroll import PairLinkage
from simulator.coalitions.packages import Package
from simulator.report.document import Document
from simulator.report.plain import label_of, show_value
from simulator.report.text import _count, _fmt, provenance_section
from simulator.scenario import Scenario

__all__ = ["explain_document", "explanation_json"]

#: Issues named at each end of a pair's priorities.
PRIORITY_ENDS = 3
#: An issue is named among a pair's priorities only if one of the two has a stake in it of at
#: least this share of the pair's largest stake (a ratio of two tiny stakes says little).
MATERIAL = 0.2


def _zone_words(z: CoalitionZone) -> str:
    if z.exists:
        return f"yes, margin +{z.slack:.3f}, {_count(z.count, 'acceptable outcome')}"
    if z.slack is None:
        return "no: no outcome obeys the constraints and their red lines"
    return f"no: a gap of {-z.slack:.3f}"


def _zone_section(doc: Document, e: Explanation) -> None:
    z = e.graph.zone
    doc.heading("The zone")
    if z.exists:
        doc.para(
            f"OPEN: {_count(z.count, 'outcome')} acceptable to every signatory, margin "
            f"+{z.slack:.3f}. Nothing needs conceding; below, who could agree with whom and "
            "which trades raise both sides."
        )
    elif z.slack is None:
        doc.para(
            "CLOSED: no outcome obeys the constraints and every signatory's red lines at all, "
            "whatever the reservations."
        )
    else:
        doc.para(
            f"CLOSED: the best compromise still leaves some signatory {-z.slack:.3f} short of "
            "its reservation (the bargaining gap)."
        )


def _graph_section(doc: Document, e: Explanation) -> None:
    g = e.graph
    doc.heading("Who could agree with whom")
    doc.para(
        "Each pair of parties on its own, with only their reservations and red lines (and the "
        "scenario's constraints):"
    )
    doc.table(
        ["pair", "a zone of their own?"],
        [[" and ".join(g.label(p) for p in z.members), _zone_words(z)] for z in g.pairs],
    )
    groups = [
        f"{', '.join(g.label(p) for p in c.members)}: "
        + (
            f"can agree as a group (margin +{c.slack:.3f})."
            if c.exists
            else "each pair could agree, but no outcome suits all of them at once."
        )
        for c in g.cliques
    ]
    if groups:
        doc.para("Largest groups in which every pair could agree (maximal cliques):")
        doc.bullets(groups)
    else:
        doc.para("No two parties could agree on their own.")
    if len(g.signatories) < 3:
        doc.para(
            "With two signatories, either can block an agreement alone; veto players are "
            "looked for among three or more."
        )
    elif g.zone.exists:
        doc.para("The zone is open, so nobody's absence is needed to open it: no veto players.")
    elif g.veto_players:
        doc.bullets(
            [
                f"{g.label(p)} is a veto player: without it the other signatories would have "
                f"a zone (margin +{z.slack:.3f}, {_count(z.count, 'acceptable outcome')})."
                for p, z in g.vetoes
                if z.exists
            ]
        )
    else:
        doc.para("No single signatory is a veto player: the zone stays closed whoever steps aside.")


def _agreement_words(p: Package, issues) -> str:
    if p.agreement is None:
        return ""
    items = ", ".join(
        f"{label_of(issues[k])}: {show_value(issues[k], v)}" if k in issues else f"{k} = {_fmt(v)}"
        for k, v in p.agreement.outcome.items()
    )
    return f" The Nash agreement it would allow: {items}."


def _packages_section(doc: Document, e: Explanation, issues) -> None:
    s = e.packages
    doc.heading("What would open the zone")
    if s.zone_exists:
        doc.para("Nothing needs to: the zone is open.")
        return
    doc.para(
        f"Every combination of up to {s.max_size} concessions was tried ({s.examined:,} "
        "packages): dropping a red line, lowering a reservation by the least amount that "
        "works, or settling an issue the scenario pins at another level. "
        f"{_count(s.found, 'package')} open the zone with nothing superfluous. Cheapest "
        "first: fewest concessions, then fewest red lines dropped, then least utility given up."
    )
    if not s.packages:
        doc.para(
            f"No package of up to {s.max_size} concessions opens the zone; "
            f"try --max-size {s.max_size + 1}."
        )
        return
    doc.numbered(
        [
            f"{p.text(list(issues.values()))} Then: margin +{p.slack:.3f}, "
            f"{_count(p.count, 'acceptable outcome')}." + _agreement_words(p, issues)
            for p in s.packages
        ]
    )
    if s.found > len(s.packages):
        doc.para(f"{s.found - len(s.packages)} more; --top N shows them.")


def _priorities_words(link: PairLinkage, issues) -> str:
    pr = link.priorities
    a, b = pr.labels
    top = max((max(p.importance) for p in pr.issues), default=0.0)
    material = [p for p in pr.issues if max(p.importance) >= MATERIAL * top > 0]

    def listing(items) -> str:
        return ", ".join(
            f"{label_of(issues[p.issue]) if p.issue in issues else p.issue} "
            f"({p.importance[0]:.2f} against {p.importance[1]:.2f}, {p.alignment})"
            for p in items
        )

    mine = [p for p in material if p.log_ratio > 0][:PRIORITY_ENDS]
    theirs = [p for p in reversed(material) if p.log_ratio < 0][:PRIORITY_ENDS]
    lines = []
    if mine:
        lines.append(f"{a} cares relatively more about {listing(mine)}")
    if theirs:
        lines.append(f"{b} about {listing(theirs)}")
    return "; ".join(lines) + "." if lines else ""


def _linkage_block(doc: Document, link: PairLinkage, outside, issues) -> None:
    doc.heading(" and ".join(link.priorities.labels), 3)
    words = _priorities_words(link, issues)
    if words:
        doc.para(f"Stakes ({link.priorities.labels[0]} against the other): {words}")
    if link.trades:
        doc.numbered(
            [
                t.describe(issues=list(issues.values()))
                + "."
                + (
                    f" Outside this scenario's constraint {', '.join(repr(p) for p in out)}: "
                    "see the packages above."
                    if out
                    else ""
                )
                + ("" if t.additive_exact else " (Approximate: an interaction bonus applies.)")
                for t, out in zip(link.trades, outside)
            ]
        )
    else:
        doc.para("No two-issue trade raises both.")


def _linkage_section(doc: Document, e: Explanation, issues) -> None:
    doc.heading("Trades that raise both (logrolling)")
    doc.para(
        "Where two parties weigh issues differently, each can give way where it cares less "
        "for a gain where it cares more. For each pair of signatories: the issues where their "
        "stakes differ most (a stake is the most a party can win or lose on the issue, in "
        "utility), whether they pull the same way (shared) or opposite ways (opposed), then "
        "the two-issue trades that raise both, best first (by the smaller gain). A trade's "
        "gains hold whatever the other issues are; it ignores the other parties."
    )
    for link, outside in zip(e.linkages, e.outside):
        _linkage_block(doc, link, outside, issues)


def explain_document(scenario: Scenario, e: Explanation) -> Document:
    """The ``zopa explain`` report as a :class:`~simulator.report.document.Document`."""
    doc = Document()
    doc.heading(f"zopa explain: {scenario.name}", 1)
    if scenario.description:
        doc.para(" ".join(str(scenario.description).split()))
    _zone_section(doc, e)
    _graph_section(doc, e)
    _packages_section(doc, e, {i.name: i for i in scenario.issues})
    _linkage_section(doc, e, {i.name: i for i in scenario.issues})
    provenance_section(doc, scenario)
    return doc


def _zone_json(z: CoalitionZone) -> dict:
    return {"members": list(z.members), "exists": z.exists, "slack": z.slack, "count": z.count}


def explanation_json(scenario: Scenario, e: Explanation) -> dict:
    """The explanation as plain JSON-ready data."""
    g, s = e.graph, e.packages
    return {
        "scenario": scenario.name,
        "zone": _zone_json(g.zone),
        "graph": {
            "pairs": [_zone_json(z) for z in g.pairs],
            "cliques": [_zone_json(z) for z in g.cliques],
            "veto_players": list(g.veto_players),
        },
        "packages": {
            "max_size": s.max_size,
            "examined": s.examined,
            "found": s.found,
            "ranked": [
                {
                    "text": p.text(),
                    "concessions": [
                        {
                            "kind": c.kind,
                            "party": c.party,
                            "amount": c.amount,
                            "rule": c.rule,
                            "issue": c.issue,
                            "level": c.level,
                        }
                        for c in p.concessions
                    ],
                    "red_lines_dropped": p.red_lines_dropped,
                    "cost": p.cost,
                    "slack": p.slack,
                    "count": p.count,
                    "nash": None if p.agreement is None else dict(p.agreement.outcome),
                }
                for p in s.packages
            ],
        },
        "logrolls": [
            {
                "parties": list(link.parties),
                "priorities": [
                    {
                        "issue": p.issue,
                        "importance": list(p.importance),
                        "log_ratio": None if math.isinf(p.log_ratio) else p.log_ratio,
                        "only": (
                            None
                            if not math.isinf(p.log_ratio)
                            else link.parties[0 if p.log_ratio > 0 else 1]
                        ),
                        "alignment": p.alignment,
                    }
                    for p in link.priorities.issues
                ],
                "trades": [
                    {
                        "text": t.describe(),
                        "outside_constraints": list(out),
                        "moves": [
                            {
                                "issue": m.issue,
                                "from": m.from_value,
                                "to": m.to_value,
                                "changes": dict(zip(t.parties, m.changes)),
                                "concedes": m.concedes,
                            }
                            for m in t.moves
                        ],
                        "gains": dict(zip(t.parties, t.gains)),
                        "additive_exact": t.additive_exact,
                    }
                    for t, out in zip(link.trades, outside)
                ],
            }
            for link, outside in zip(e.linkages, e.outside)
        ],
    }
