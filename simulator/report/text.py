"""The human-readable report of ``zopa run``: terminal text, or Markdown for ``report.md``.

Sections, in the order a student reads them: the question (scenario, parties, reservations),
the answer (is there a zone, its margin or gap, its size), why (what blocks or narrows it),
what the solution concepts propose issue by issue, how the scenario's proposals fare, and what
the numbers rest on (sources and assumptions).
"""

from __future__ import annotations

import numpy as np

from simulator.model import ContinuousIssue
from simulator.model.rules import describe_rule
from simulator.report.document import Document
from simulator.report.plain import label_of, party_list, show_number, show_rule, show_value
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
        return show_number(value)
    return str(value)


def _count(n: int, noun: str) -> str:
    """``"1 outcome"``, ``"2,785 outcomes"``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


_label = label_of


def _outcome(model, outcome) -> str:
    """``"Issue label: value, ..."`` with labels and units."""
    issues = {i.name: i for i in model.issues}
    return ", ".join(
        f"{_label(issues[k])}: {show_value(issues[k], v)}" if k in issues else f"{k}: {v}"
        for k, v in outcome.items()
    )


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
        doc.bullets([_blocker_text(study, b) for b in z.blocking])
    elif not z.exists:
        doc.para("No single reservation or red line is to blame: several would have to move.")
    if not z.exists:
        doc.para(
            "`zopa explain` on this scenario finds the cheapest packages of concessions that "
            "would open the zone, who could agree with whom, and the trades that raise both."
        )


def _blocker_text(study: Study, b) -> str:
    """One requirement that closes or narrows the zone, and what moving it alone would do."""
    parties = {p.name: p for p in study.model.parties}
    who = _label(parties[b.party])
    if b.count_without is None:  # solved without enumeration: no count
        effect = "" if b.slack_without is None else f"margin {b.slack_without:+.3f}"
    else:
        effect = _count(b.count_without, "acceptable outcome") if b.count_without else "none"
        if b.slack_without is not None:
            effect += f", margin {b.slack_without:+.3f}"
    verb = "would open the zone" if b.opens else "would widen the zone"
    effect = f" ({effect})" if effect else ""
    if b.kind == "reservation":
        r = study.analysis.reservations[b.party]
        return (
            f"{who}'s reservation {r:.3f}: lowering it to {who}'s worst outcome (so that "
            f"{who} accepts anything its red lines allow) {verb}{effect}."
        )
    if b.line is not None:
        rule = show_rule(study.model.red_lines[b.line].rule, study.model.issues)
        return f'{who}\'s red line "{rule}": dropping it alone {verb}{effect}.'
    return f"{who}'s {b.requirement}: dropping it alone {verb}{effect}."


def _solutions_section(doc: Document, study: Study) -> None:
    a = study.analysis
    solved = {c: sol for c in study.concepts if (sol := a.solutions[c]) is not None}
    concepts = list(solved)
    if not concepts:
        if study.concepts:
            doc.heading("Solutions")
            doc.para("No zone, so no solution concept has an agreement to choose.")
        return
    doc.heading("Solutions")
    header = ["", *(CONCEPT_NAMES[c] for c in concepts)]
    rows = [
        [_label(issue)] + [show_value(issue, solved[c].outcome[issue.name]) for c in concepts]
        for issue in study.model.issues
    ]
    labels = {p.name: _label(p) for p in study.model.parties}
    for name in a.parties:
        rows.append(
            [f"utility: {labels[name]}"]
            + [f"{solved[c].utilities[name]:.3f} ({solved[c].gains[name]:+.3f})" for c in concepts]
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
    if a.method == "milp":
        worst = max(solved[c].tolerance for c in concepts)
        note += (
            f" Each solution's objective is within {worst:.0e} of the optimum (the MILP's"
            " proven gap and tolerances; JSON: tolerance)."
        )
    doc.para(note)
    tie = _nash_tie(study)
    if tie:
        doc.para(tie)
    for concept, lot in a.lotteries.items():
        if lot is None:
            continue
        draws = "; ".join(
            f"{p:.1%}: " + _outcome(study.model, o) for p, o in zip(lot.probabilities, lot.outcomes)
        )
        gains = ", ".join(f"{k} {v:.3f}" for k, v in lot.utilities.items())
        doc.para(
            f"{CONCEPT_NAMES[concept]} over lotteries: draw {draws}. Expected utilities: "
            f"{gains}" + (f" (within {lot.gap:.0e} of the optimum)." if lot.gap > 0 else ".")
        )


def _nash_tie(study: Study) -> str | None:
    """A sentence when every acceptable outcome ties for Nash: some signatory gains nothing
    in any of them (its best while the others accept is its reservation, e.g. a party whose
    utility is the same everywhere), so every product of gains is 0."""
    a = study.analysis
    nash = a.solutions.get("nash")
    if nash is None or nash.objective > -np.inf or a.method == "milp":
        return None
    flat = [
        s
        for s in a.signatories
        if (reach := a.zone.reach.get(s)) is not None and reach - a.reservations[s] <= 1e-9
    ]
    if not flat:
        return None
    labels = {p.name: _label(p) for p in study.model.parties}
    who = ", ".join(labels[s] for s in flat)
    verb = "gains" if len(flat) == 1 else "gain"
    return (
        f"Nash is a tie: {who} {verb} nothing from any acceptable outcome (the best while the "
        "others accept is the reservation), so every product of gains is 0 and all "
        f"{_count(a.zone.count, 'acceptable outcome')} tie. The package shown is the one "
        "with the largest total gain, the first in enumeration order among equals; it is "
        "not a bargaining solution."
    )


def _num(issue, value: float) -> str:
    """A continuous issue's number with its unit (``"600 thousand troops"``)."""
    return show_value(issue, float(value))


def _sharpness_lines(study: Study, concept: str, sharp) -> str:
    """One concept's sharpness in a sentence or three (see :mod:`simulator.sharpness`)."""
    solution = study.analysis.solutions[concept]
    if solution is None:
        raise ValueError(f"no {concept} solution, so no sharpness to describe")
    chosen = solution.outcome
    issues = {i.name: i for i in study.model.issues}
    name = CONCEPT_NAMES[concept]
    within = f"within {sharp.tolerance * 100:.3g}%"
    flat = []
    for issue_name, values in sharp.near_optimal.items():
        issue = issues[issue_name]
        if hasattr(issue, "options"):
            others = [show_value(issue, v) for v in values if v != chosen[issue_name]]
            if others:
                flat.append(
                    f"{_label(issue)} {show_value(issue, chosen[issue_name])} "
                    f"(also {', '.join(others)})"
                )
        elif values[0] != values[1]:
            flat.append(
                f"{_label(issue)} {_num(issue, float(chosen[issue_name]))} (anything from "
                f"{show_number(values[0])} to {_num(issue, values[1])})"
            )
    if flat:
        text = (
            f"{name}: {_count(sharp.count, 'acceptable outcome')} score {within} of its "
            f"optimum; they differ on " + "; ".join(flat) + "."
        )
    else:
        text = f"{name}: no other acceptable outcome scores {within} of its optimum."
    for issue_name in sharp.at_range_end:
        issue = issues[issue_name]
        if not isinstance(issue, ContinuousIssue):
            raise TypeError(
                f"issue {issue_name!r} is discrete: it has no range to be at the end of"
            )
        text += (
            f" {_label(issue)} {_num(issue, float(chosen[issue_name]))} is an end of the "
            f"modelled range ({show_number(issue.low)} to {_num(issue, issue.high)})."
        )
    moved = sharp.moved(chosen)
    if moved:
        changes = ", ".join(
            f"{_label(issues[k])} "
            + (
                show_value(issues[k], sharp.refined[k])
                if hasattr(issues[k], "options")
                else _num(issues[k], float(sharp.refined[k]))
            )
            for k in moved
        )
        points = ", ".join(f"{n} points" for n in (sharp.refined_points or {}).values())
        steps = {
            i.name: float(np.diff(v).max()) if len(v) > 1 else 0.0
            for i, v in zip(study.model.issues, study.model.level_values)
            if not hasattr(i, "options")
        }
        nearby = all(
            k in steps and abs(float(sharp.refined[k]) - float(chosen[k])) <= steps[k] / 2 + 1e-9
            for k in moved
        )
        verdict = (
            ", a new point next to its choice: the value is only as precise as the grid"
            if nearby
            else ": its choice here is an artefact of the grid"
        )
        text += f" On a grid twice as fine ({points}) it picks {changes}{verdict}."
    elif sharp.refined is not None:
        text += " The same package on a grid twice as fine."
    return text


def _sharpness_section(doc: Document, study: Study) -> None:
    concepts = [c for c in study.concepts if study.analysis.solutions[c] is not None]
    if not concepts or not study.sharpness:
        return
    doc.heading("How sharp each package is", 3)
    if all(study.sharpness.get(c) is None for c in concepts):
        doc.para(
            "Near-optimal outcomes are measured only when every outcome is enumerated "
            "(method enumerate)."
        )
        return
    doc.para(
        "Each concept scores the acceptable outcomes (Nash: the product of the gains; "
        "Kalai-Smorodinsky: the smallest share of a party's best gain; egalitarian: the "
        "smallest gain; utilitarian: the total utility). Where other outcomes score almost "
        "as well, the package is flat on the issues they change: quote a range there, not "
        "the single value."
    )
    doc.bullets(
        [
            _sharpness_lines(study, c, study.sharpness[c])
            for c in concepts
            if study.sharpness.get(c) is not None
        ]
    )


def _verdict(e: Evaluation) -> str:
    if e.constraints_ok is False:
        return "not an agreement: it breaks a constraint"
    return {True: "every signatory accepts", False: "rejected", None: "depends on the open issues"}[
        e.agreed
    ]


def _evaluation_block(doc: Document, model, title: str, e: Evaluation) -> None:
    doc.heading(f"{title}: {_verdict(e)}", 3)
    fixed = _outcome(model, e.outcome)
    issues = {i.name: i for i in model.issues}
    open_ = ", ".join(_label(issues[k]) if k in issues else k for k in e.open_issues)
    doc.para(
        f"Fixes {fixed or 'nothing'}"
        + (f"; open: {open_} (ranges over every way to settle them)." if e.open_issues else ".")
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
    # Evaluation names rules by describe_rule(); show them in words, with labels and units.
    plain = {describe_rule(r.rule): show_rule(r.rule, model.issues) for r in model.red_lines}
    plain.update({describe_rule(r): show_rule(r, model.issues) for r in model.constraints})

    def words(rules) -> str:
        return "; ".join(f'"{plain.get(r, r)}"' for r in rules)

    notes = []
    for party in model.parties:
        if e.broken[party.name]:
            notes.append(f"Breaks {_label(party)}'s red lines: " + words(e.broken[party.name]))
        if e.maybe_broken[party.name]:
            notes.append(
                f"May break {_label(party)}'s red lines, depending on the open issues: "
                + words(e.maybe_broken[party.name])
            )
    for rule in e.broken_constraints:
        notes.append(
            f"Breaks the scenario's constraint {words([rule])}: no agreement may break it."
        )
    for rule in e.maybe_broken_constraints:
        notes.append(
            f"May break the scenario's constraint {words([rule])}, depending on the open issues "
            "(the ranges above count only the completions that obey it)."
        )
    doc.bullets(notes)


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


#: How each provenance category reads in reports (see simulator.scenario.provenance).
PROVENANCE_TERMS = {
    "sourced": "sourced",
    "quoted_and_assumed": "quoted (magnitude assumed)",
    "assumed": "assumed",
    "unverified": "unverified",
    "unsourced": "unsourced",
}


def provenance_counts(prov, weights: bool | None = None) -> str:
    """``"12 sourced, 60 quoted (magnitude assumed), 54 assumed, 0 unverified, 0 unsourced"``:
    every category in the same order and words as ``zopa check``; with ``weights=True`` the
    weights alone, and only the categories that occur (``"37 quoted (magnitude assumed), 16
    assumed"``)."""
    counts = prov.counts(weights)
    return ", ".join(
        f"{n} {PROVENANCE_TERMS[c]}" for c, n in counts.items() if n or weights is None
    )


def _owner(path: str) -> str:
    """The party a provenance path belongs to (``""`` for scenario-level places)."""
    parts = path.split(".")
    return parts[1] if parts[0] == "parties" and len(parts) > 1 else ""


def provenance_section(doc: Document, scenario) -> None:
    """What the numbers rest on: the count of each provenance category, the weights on their
    own line, the sources (with their dates and how many numbers each backs), and every
    assumption, grouped by party."""
    prov = scenario.provenance
    doc.heading("What the numbers rest on")
    doc.para(
        f"Of {_count(len(prov.items), 'number')}: {provenance_counts(prov)}. Sourced: a quote "
        "found in a document backs the number and nothing about it is assumed. Quoted "
        "(magnitude assumed): the quote backs the direction or the ordering, an assumption the "
        "size."
    )
    doc.para(
        f"Weights ({len([i for i in prov.items if i.is_weight])} of the numbers): "
        f"{provenance_counts(prov, weights=True) or 'none'}. No document says how much one "
        "issue matters against another, so no weight counts as sourced; a quote on a weight "
        "backs only that the issue matters."
    )
    backs: dict[str, int] = {}
    for item in prov.items:
        if item.ref is not None and item.verified:
            backs[item.ref] = backs.get(item.ref, 0) + 1
    if scenario.sources:
        lines = []
        for sid, src in scenario.sources.items():
            when = f" ({src.date})" if src.date else ""
            note = " " + " ".join(src.note.split()).rstrip(".") + "." if src.note else ""
            lines.append(
                f"{sid}: {src.title or src.file}{when}: backs "
                f"{_count(backs.get(sid, 0), 'number')}.{note}"
            )
        doc.para("Sources:")
        doc.bullets(lines)
    by_party: dict[str, dict[str, list[str]]] = {}
    for item in prov.items:
        if item.assumed:
            texts = by_party.setdefault(_owner(item.path), {})
            texts.setdefault(item.assumed, []).append(item.path)
    labels = {p.name: _label(p) for p in scenario.parties}
    for owner, texts in by_party.items():
        doc.para(f"Assumptions: {labels.get(owner, owner)}" if owner else "Other assumptions:")
        doc.bullets(
            [
                f"{' '.join(text.split())} ({paths[0]}"
                + (f" and {len(paths) - 1} more)" if len(paths) > 1 else ")")
                for text, paths in texts.items()
            ]
        )
    if prov.warnings:
        doc.para(f"{len(prov.warnings)} provenance warning(s); `zopa check --strict` lists them.")


#: What each solution concept favours, in one line (docs/explanation/solution-concepts.md).
CONCEPT_LINES = {
    "nash": "Nash: the largest product of the gains; no party's gain can be traded away "
    "cheaply, so it balances what each gains.",
    "kalai": "Kalai-Smorodinsky: every party gets the same share of the most it could get "
    "while the others still accept.",
    "egalitarian": "egalitarian: the smallest gain as large as possible; the party that gains "
    "least comes first.",
    "utilitarian": "utilitarian: the largest total utility, whoever gets it; it may leave one "
    "party barely above its reservation.",
}


def _how_to_read(doc: Document, study: Study) -> None:
    """A short key to the numbers and the solution concepts."""
    doc.heading("How to read this", 3)
    items = [
        "Utility runs from 0 (a party's worst outcome on every issue) to 1 (its best). It "
        "compares outcomes for one party, not one party against another.",
        "A party accepts an agreement worth at least its reservation (what it expects without "
        "one); the gain is the utility above the reservation, and the margin the smallest "
        "gain an agreement can guarantee every signatory.",
    ]
    items += [CONCEPT_LINES[c] for c in study.concepts if c in CONCEPT_LINES]
    doc.bullets(items)
    doc.para("More: docs/explanation/solution-concepts.md.")


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
        f"Must sign: {party_list(study.model.parties, a.signatories)}."
        + (f" Reported only: {party_list(study.model.parties, others)}." if others else "")
        + (
            " Solved exactly by enumerating every outcome (continuous issues on their grid)."
            if a.method == "enumerate"
            else " Solved by mixed-integer programming, without enumerating, on the same grid"
            " (the problem enumeration solves)."
            if a.on_grid
            else " Solved by mixed-integer programming, without enumerating, on the true"
            " domains: continuous issues on their whole interval (not their grid), integer"
            " issues on every integer."
        )
    )
    _how_to_read(doc, study)
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
            f"{_label(p)}'s red lines: "
            + "; ".join(f'"{show_rule(r, study.model.issues)}"' for r in p.red_lines)
            + "."
            for p in study.model.parties
            if p.red_lines
        ]
    )
    if "zopa" in study.scenario.concepts:
        _zone_section(doc, study)
    _solutions_section(doc, study)
    _sharpness_section(doc, study)
    _proposals_section(doc, study)
    provenance_section(doc, study.scenario)
    return doc


def render_text(study: Study, width: int = 100) -> str:
    """The terminal report."""
    return build_document(study).text(width)


def render_markdown(study: Study) -> str:
    """The report as Markdown (``report.md``)."""
    return build_document(study).markdown()
