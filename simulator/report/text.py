"""The human-readable report of ``zopa run``: terminal text, or Markdown for ``report.md``.

Sections, in the order a student reads them: the question (scenario, parties, reservations),
the answer (is there a zone, its margin or gap, its size), why (what blocks or narrows it),
what the solution concepts propose issue by issue, how the scenario's proposals fare, and what
the numbers rest on (sources and assumptions).
"""

from __future__ import annotations

from simulator.report.document import Document
from simulator.results import Evaluation
from simulator.study import Study

__all__ = ["build_document", "evaluation_document", "render_markdown", "render_text"]

CONCEPT_NAMES = {
    "nash": "Nash",
    "kalai": "Kalai-Smorodinsky",
    "egalitarian": "egalitarian",
    "utilitarian": "utilitarian",
}


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _count(n: int, noun: str) -> str:
    """``"1 outcome"``, ``"2,785 outcomes"``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _label(obj) -> str:
    return getattr(obj, "label", "") or obj.name


def _zone_section(doc: Document, study: Study) -> None:
    z = study.analysis.zone
    doc.heading("Zone of possible agreement")
    if z.exists:
        if z.count_exact:
            size = (
                f"{z.count:,} of {_count(z.total, 'outcome')} ({z.share:.2%}) "
                f"{'is' if z.count == 1 else 'are'} acceptable to every signatory."
            )
        else:
            low, high = z.count_interval or (0.0, 0.0)
            size = (
                f"About {z.count:,} of {_count(z.total, 'outcome')} ({z.share:.2%}) are "
                f"acceptable to every signatory (an estimate from a random sample: 95% interval "
                f"{low:,.0f} to {high:,.0f})."
            )
        doc.para(
            f"OPEN. {size} Margin {z.slack:.3f}: an agreement can give every signatory at "
            f"least {z.slack:.3f} more than its reservation."
        )
    elif z.slack is None:
        doc.para(
            "CLOSED. No outcome obeys the constraints and every signatory's red lines at all, "
            "whatever the reservations."
        )
    else:
        doc.para(
            f"CLOSED. No outcome is acceptable to every signatory. Bargaining gap "
            f"{-z.slack:.3f}: every signatory's reservation would have to fall by "
            f"{-z.slack:.3f} for a zone to open."
        )
    parties = {p.name: p for p in study.model.parties}
    rows = []
    for name in study.analysis.signatories:
        reach = z.reach[name]
        r = study.analysis.reservations[name]
        rows.append(
            [
                _label(parties[name]),
                f"{r:.3f}",
                "-" if reach is None else f"{reach:.3f}",
                "-" if reach is None else f"{reach - r:+.3f}",
            ]
        )
    doc.para("Best each signatory can get while every other signatory still accepts:")
    doc.table(["signatory", "reservation", "best while others accept", "room"], rows)
    if z.blocking:
        doc.heading("What closes the zone" if not z.exists else "What narrows the zone", 3)
        items = []
        for b in z.blocking:
            who = _label(parties[b.party])
            if b.count_without is None:  # solved without enumeration: no count
                effect = "" if b.slack_without is None else f"slack {b.slack_without:+.3f}"
            else:
                effect = (
                    _count(b.count_without, "acceptable outcome")
                    if b.count_without
                    else "still none"
                )
                if b.slack_without is not None:
                    effect += f", slack {b.slack_without:+.3f}"
            verb = "would open the zone" if b.opens else "would widen the zone"
            effect = f" ({effect})" if effect else ""
            items.append(f"{who}'s {b.requirement}: dropping it alone {verb}{effect}.")
        doc.bullets(items)
    elif not z.exists:
        doc.para("No single reservation or red line is to blame: several would have to move.")
    if not z.exists:
        doc.para(
            "`zopa explain` on this scenario finds the cheapest packages of concessions that "
            "would open the zone, who could agree with whom, and the trades that raise both."
        )


def _solutions_section(doc: Document, study: Study) -> None:
    a = study.analysis
    concepts = [c for c in study.concepts if a.solutions[c] is not None]
    if not concepts:
        if study.concepts:
            doc.heading("Solutions")
            doc.para("No zone, so no solution concept has an agreement to choose.")
        return
    doc.heading("Solutions")
    header = ["", *(CONCEPT_NAMES[c] for c in concepts)]
    rows = [
        [_label(issue)] + [_fmt(a.solutions[c].outcome[issue.name]) for c in concepts]
        for issue in study.model.issues
    ]
    labels = {p.name: _label(p) for p in study.model.parties}
    for name in a.parties:
        rows.append(
            [f"utility: {labels[name]}"]
            + [
                f"{a.solutions[c].utilities[name]:.3f} ({a.solutions[c].gains[name]:+.3f})"
                for c in concepts
            ]
        )
    doc.table(header, rows)
    note = "Utilities with the gain over the reservation in brackets."
    if "pareto" in study.scenario.concepts and a.pareto.complete:
        note += (
            f" Pareto frontier: {_count(a.pareto.count, 'acceptable outcome')} that no other "
            "improves for one signatory without hurting another."
        )
    elif "pareto" in study.scenario.concepts:
        note += (
            " The Pareto frontier was not traced in full (the MILP method traces it for two "
            f"signatories, up to a cap; {_count(a.pareto.count, 'point')} found)."
        )
    doc.para(note)
    for concept, lot in a.lotteries.items():
        if lot is None:
            continue
        draws = "; ".join(
            f"{p:.1%}: " + ", ".join(f"{k}={_fmt(v)}" for k, v in o.items())
            for p, o in zip(lot.probabilities, lot.outcomes)
        )
        gains = ", ".join(f"{k} {v:.3f}" for k, v in lot.utilities.items())
        doc.para(
            f"{CONCEPT_NAMES[concept]} over lotteries: draw {draws}. Expected utilities: "
            f"{gains}" + (f" (within {lot.gap:.0e} of the optimum)." if lot.gap > 0 else ".")
        )


def _verdict(e: Evaluation) -> str:
    return {True: "every signatory accepts", False: "rejected", None: "depends on the open issues"}[
        e.agreed
    ]


def _evaluation_block(doc: Document, model, title: str, e: Evaluation) -> None:
    doc.heading(f"{title}: {_verdict(e)}", 3)
    fixed = ", ".join(f"{k} = {_fmt(v)}" for k, v in e.outcome.items())
    doc.para(
        f"Fixes {fixed or 'nothing'}"
        + (
            f"; open: {', '.join(e.open_issues)} (ranges over every way to settle them)."
            if e.open_issues
            else "."
        )
    )
    rows = []
    for party in model.parties:
        lo, hi = e.utility[party.name]
        glo, ghi = e.gain[party.name]
        util = f"{lo:.3f}" if lo == hi else f"{lo:.3f} .. {hi:.3f}"
        gain = f"{glo:+.3f}" if glo == ghi else f"{glo:+.3f} .. {ghi:+.3f}"
        acc = {True: "yes", False: "no", None: "depends"}[e.accepts[party.name]]
        if party.name not in e.signatories:
            acc += " (does not sign)"
        rows.append([_label(party), util, gain, acc])
    doc.table(["party", "utility", "gain", "accepts"], rows)
    notes = []
    for party in model.parties:
        if e.broken[party.name]:
            notes.append(f"Breaks {_label(party)}'s red lines: " + "; ".join(e.broken[party.name]))
        if e.maybe_broken[party.name]:
            notes.append(
                f"May break {_label(party)}'s red lines, depending on the open issues: "
                + "; ".join(e.maybe_broken[party.name])
            )
    doc.bullets(notes)
    if e.constraints_ok is False:
        doc.para("It breaks the scenario's structural constraints.")


def evaluation_document(model, title: str, e: Evaluation) -> Document:
    """The report of ``zopa evaluate``: one agreement, party by party."""
    doc = Document()
    _evaluation_block(doc, model, title, e)
    return doc


def _proposals_section(doc: Document, study: Study) -> None:
    if not study.evaluations:
        return
    doc.heading("Proposals")
    for name, e in study.evaluations.items():
        p = study.scenario.proposals[name]
        _evaluation_block(doc, study.model, p.label or name, e)


def provenance_section(doc: Document, scenario) -> None:
    """What the numbers rest on: sourced and assumed counts, and each assumption (those
    stated beside a quote too)."""
    prov = scenario.provenance
    doc.heading("What the numbers rest on")
    doc.para(
        f"{prov.sourced} sourced (quote found in a document), {prov.assumed} assumed, "
        f"{prov.unverified} unverified (quote not found), {prov.unsourced} with neither."
    )
    by_text: dict[str, list[str]] = {}
    for item in prov.items:
        if item.assumed:
            by_text.setdefault(item.assumed, []).append(item.path)
    assumptions = [
        f"{text} ({paths[0]}" + (f" and {len(paths) - 1} more)" if len(paths) > 1 else ")")
        for text, paths in by_text.items()
    ]
    if assumptions:
        doc.para("Assumptions:")
        doc.bullets(assumptions)
    if prov.warnings:
        doc.para(f"{len(prov.warnings)} provenance warning(s); `zopa check --strict` lists them.")


def build_document(study: Study) -> Document:
    """The report as a :class:`~simulator.report.document.Document`."""
    sc = study.scenario
    a = study.analysis
    doc = Document()
    doc.heading(f"zopa: {sc.name}", 1)
    if sc.description:
        doc.para(" ".join(str(sc.description).split()))
    others = [p for p in a.parties if p not in a.signatories]
    doc.para(
        f"{_count(a.outcome_count, 'possible agreement')} over "
        f"{_count(len(study.model.issues), 'issue')}. "
        f"Must sign: {', '.join(a.signatories)}."
        + (f" Reported only: {', '.join(others)}." if others else "")
        + (
            " Solved exactly by enumerating every outcome (continuous issues on their grid)."
            if a.method == "enumerate"
            else " Solved exactly by mixed-integer programming, without enumerating"
            " (continuous issues on their whole interval)."
        )
    )
    doc.heading("Parties")
    rows = [
        [
            _label(p),
            f"{p.reservation:.3f}",
            _fmt(p.power),
            "yes" if p.name in a.signatories else "no",
            str(len(p.red_lines)),
        ]
        for p in study.model.parties
    ]
    doc.table(["party", "reservation", "power", "signs", "red lines"], rows)
    doc.bullets(
        [
            f"{_label(p)} accepts only if: " + "; ".join(str(r) for r in p.red_lines) + "."
            for p in study.model.parties
            if p.red_lines
        ]
    )
    if "zopa" in study.scenario.concepts:
        _zone_section(doc, study)
    _solutions_section(doc, study)
    _proposals_section(doc, study)
    provenance_section(doc, study.scenario)
    return doc


def render_text(study: Study, width: int = 100) -> str:
    """The terminal report."""
    return build_document(study).text(width)


def render_markdown(study: Study) -> str:
    """The report as Markdown (``report.md``)."""
    return build_document(study).markdown()
