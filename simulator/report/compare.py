"""The report of ``zopa compare``: scenarios side by side, as text, Markdown and JSON.

First the zone of each scenario (open or closed, and why; margin or gap; acceptable
outcomes; what closes it), then each solution concept's package issue by issue, one column a
scenario, with the values that differ from the first scenario (the reference) marked: ``*``
in the terminal, bold in Markdown. Utilities close each package's table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.comparison import Comparison
from simulator.model import Issue
from simulator.report.document import Document
from simulator.report.plain import show_rule, show_value
from simulator.report.text import CONCEPT_NAMES

__all__ = ["comparison_document", "comparison_json"]


def _zone_cells(study) -> tuple[str, str, str]:
    """(zone, margin or gap, what closes it)."""
    z = study.analysis.zone
    labels = {p.name: p.label or p.name for p in study.model.parties}
    if z.exists:
        return "open", f"margin {z.slack:.3f}", ""
    openers = "; ".join(_opener(study, labels[b.party], b) for b in z.blocking if b.opens)
    if z.slack is None:
        return "closed: red lines clash", "-", openers or "several requirements at once"
    return "closed: bargaining gap", f"gap {-z.slack:.3f}", openers or "several requirements"


def _opener(study, who: str, b) -> str:
    if b.kind == "reservation":
        return f"{who}'s reservation (lowered to its worst outcome)"
    if b.line is not None:
        rule = show_rule(study.model.red_lines[b.line].rule, study.model.issues)
        return f'{who}\'s red line "{rule}"'
    return f"{who}'s {b.requirement.replace('red_line: ', 'red line ')}"


def _value(issue, value) -> str:
    if value is None:
        return "-"
    return show_value(issue, value)


def comparison_document(c: Comparison, markdown: bool = False) -> Document:
    """The comparison as a :class:`~simulator.report.document.Document`; changed values are
    marked ``* value`` (terminal) or ``**value**`` (``markdown=True``)."""
    mark: Callable[[str], str] = (lambda s: f"**{s}**") if markdown else (lambda s: f"* {s}")
    doc = Document()
    doc.heading(f"zopa compare: {len(c.studies)} scenarios, against {c.names[0]}", 1)
    rows = []
    for n, st in zip(c.names, c.studies):
        zone, margin, closed = _zone_cells(st)
        rows.append([n, zone, margin, f"{st.analysis.zone.count:,}", closed or "-"])
    doc.table(["scenario", "zone", "margin", "acceptable outcomes", "closed by"], rows)
    doc.para(
        "Margin: how much every signatory's reservation could rise at once with an agreement "
        "left; gap: how much they would all have to fall. 'Red lines clash': no agreement obeys "
        "every red line, whatever the reservations."
    )
    issues: dict[str, Issue] = {}
    for st in c.studies:
        for i in st.model.issues:
            issues.setdefault(i.name, i)
    labels: dict[str, str] = {}
    for st in c.studies:
        for p in st.model.parties:
            labels.setdefault(p.name, p.label or p.name)
    for concept in c.concepts:
        doc.heading(f"{CONCEPT_NAMES[concept]} package")
        rows = []
        for name in c.issues:
            issue = issues[name]
            row = [issue.label or name]
            for k in range(len(c.studies)):
                package = c.package(k, concept)
                cell = _value(issue, None if package is None else package.get(name))
                row.append(mark(cell) if k and name in c.changed(k, concept) else cell)
            rows.append(row)
        for party in c.parties:
            row = [f"utility: {labels[party]}"]
            for st in c.studies:
                sol = st.analysis.solutions.get(concept)
                u = None if sol is None else sol.utilities.get(party)
                row.append(
                    "-" if sol is None or u is None else f"{u:.3f} ({sol.gains[party]:+.3f})"
                )
            rows.append(row)
        doc.table(["", *c.names], rows)
        if c.package(0, concept) is None:
            summary = f"{c.names[0]} has no zone, so there is no package to compare with."
        else:
            moved = []
            for k, n in enumerate(c.names[1:], 1):
                if c.package(k, concept) is None:
                    moved.append(f"{n}: no zone")
                else:
                    changed = [issues[i].label or i for i in c.changed(k, concept)]
                    moved.append(f"{n}: " + (", ".join(changed) or "nothing"))
            summary = (
                f"Changed from {c.names[0]} ({'bold' if markdown else 'marked *'}): "
                + "; ".join(moved)
                + "."
            )
        doc.para(summary + " Utilities with the gain over the reservation in brackets.")
    return doc


def comparison_json(c: Comparison) -> dict[str, Any]:
    """The comparison as a JSON-ready dict: per scenario its zone and packages, and per
    concept the issues on which each scenario's package differs from the first's."""
    scenarios = []
    for name, st in zip(c.names, c.studies):
        z = st.analysis.zone
        scenarios.append(
            {
                "scenario": name,
                "name": st.scenario.name,
                "file": st.scenario.path,
                "zone": {
                    "exists": z.exists,
                    "slack": z.slack,
                    "count": z.count if z.count_exact else None,
                    "blocking": [
                        {"party": b.party, "requirement": b.requirement, "opens": b.opens}
                        for b in z.blocking
                    ],
                },
                "solutions": {
                    concept: None
                    if (s := st.analysis.solutions.get(concept)) is None
                    else {"outcome": dict(s.outcome), "utilities": dict(s.utilities)}
                    for concept in c.concepts
                },
            }
        )
    return {
        "reference": c.names[0],
        "scenarios": scenarios,
        "changed": {
            concept: {n: list(c.changed(k, concept)) for k, n in enumerate(c.names) if k}
            for concept in c.concepts
        },
    }
