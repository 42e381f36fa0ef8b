"""Validation of parties: reservation, power, issue entries, red lines and interactions.

A party is a mapping with a required ``reservation`` (a number in [0, 1]) and ``issues`` (its
entries), and optional ``label``, ``description``, ``power`` (> 0, default 1), ``red_lines``
(a list of rules, or -- an extension -- a mapping of names to rules, so that a variant can
override one of them), ``interactions`` (a list of ``{when, bonus}``), ``source``,
``assumption`` and ``discount`` (an extension: a number in (0, 1], the GENIUS discount
factor, kept in the party's ``extra`` mapping; the static solvers ignore it), ``cap`` (an
extension: a number, the most utility the party can have; GENIUS caps utilities at 1) and
``normalise_weights`` (an extension: ``false`` uses the weights as given instead of dividing
them by their sum, as GENIUS does). An issue entry
has a ``weight`` (>= 0) and exactly one value function fitting its issue: ``values`` for a
discrete issue (every option, each in [0, 1]), ``points`` (``[[x, y], ...]`` with x strictly
ascending and y in [0, 1]; an uncertain x's range must lie strictly between its neighbours'
xs, so that the xs stay ascending for every value the ranges allow) or ``ideal`` (a number in
the issue's range) for a continuous one.
A party whose weights are all zero, or who weighs no issue at all, is an error (it would be
indifferent to every outcome) unless it has interactions: its utility is then their bonuses
(``issues: {}``; GENIUS's non-linear profiles).

Each reservation, entry and red line is recorded as a provenance claim
(:mod:`simulator.scenario.provenance`), covered by its own citation or else by its party's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from simulator.model import (
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Interaction,
    Issue,
    Party,
    PiecewiseLinearValue,
    Rule,
    TableValue,
    ValueFunction,
)
from simulator.scenario.provenance import Citation
from simulator.scenario.validate_fields import AnyName, Checker, show, show_number, suggestion
from simulator.scenario.validate_issues import Issues, check_rule, check_when, describe_issue
from simulator.scenario.yamlread import Node, child_path

__all__ = ["RULES", "check_cited_rule", "check_parties"]

PARTY_KEYS = (
    "label",
    "description",
    "reservation",
    "power",
    "issues",
    "red_lines",
    "interactions",
    "source",
    "assumption",
    "discount",
    "cap",
    "normalise_weights",
)
ENTRY_KEYS = ("weight", "values", "points", "ideal", "source", "assumption")
RULE_EXTRA = ("description", "source", "assumption")
INTERACTION_KEYS = ("when", "bonus", "description", "source", "assumption")
RULES = "a list of rules or a mapping of names to rules (conditions or {if, then} implications)"
"""What ``red_lines`` and ``constraints`` hold (an extension: the contract has only the list)."""
_UNIT = "a number in [0, 1]"
_CITE = 'add source: {ref, quote} or assumption: "why"'


def check_parties(
    c: Checker, node: Node, path: str, issues: Issues, sources: Mapping[str, object]
) -> Mapping[str, Party | None]:
    """Check the ``parties`` mapping; map each party name to its party (``None`` if invalid).

    If ``parties`` is not a mapping, return :class:`AnyName` (references are not checked).
    """
    if not isinstance(node.value, dict):
        c.report(node, path, f"expected a mapping of party names to parties; found {show(node)}")
        return AnyName()
    if len(node.value) < 2:
        found = f"1 ({next(iter(node.value))})" if node.value else "none"
        c.report(node, path, f"a scenario needs at least two parties; found {found}")
    parties: dict[str, Party | None] = {}
    for name, entry in node.value.items():
        here = child_path(path, name)
        c.identifier(name, node.key_node(name), here, "party")
        parties[name] = _check_party(c, name, entry, here, issues, sources)
    return parties


def _check_party(
    c: Checker, name: str, node: Node, path: str, issues: Issues, sources: Mapping[str, object]
) -> Party | None:
    fields = c.mapping(
        node,
        path,
        "a party: a mapping with reservation and issues",
        PARTY_KEYS,
        {
            "reservation": f"{_UNIT}: the party's utility of no agreement",
            "issues": "the party's weight and values for each issue it cares about",
        },
    )
    if fields is None:
        return None
    label = c.optional_string(fields, "label", path)
    description = c.optional_string(fields, "description", path)
    cite = c.citation(fields, path, sources)
    ok = True
    reservation = power = None
    if "reservation" in fields:
        here = child_path(path, "reservation")
        reservation = c.quantity(
            fields["reservation"],
            here,
            f"{_UNIT} (the party's utility of no agreement)",
            lambda x: 0.0 <= x <= 1.0,
        )
        c.claim(
            here,
            f"the reservation has no source or assumption; {_CITE} to party {name!r}",
            fields["reservation"],
            (here,),
            cite,
        )
    if "power" in fields:
        power = c.quantity(
            fields["power"],
            child_path(path, "power"),
            "a positive number (bargaining power in the weighted Nash solution)",
            lambda x: x > 0,
        )
        ok &= power is not None
    discount = None
    if "discount" in fields:
        discount = c.number(
            fields["discount"],
            child_path(path, "discount"),
            "a number in (0, 1] (the discount factor per unit of time, as in GENIUS; "
            "1 means no discounting)",
            lambda x: 0.0 < x <= 1.0,
        )
        ok &= discount is not None
    cap = None
    if "cap" in fields:
        cap = c.number(
            fields["cap"],
            child_path(path, "cap"),
            "a number (the most utility the party can have: its utility is min(cap, ...))",
        )
        ok &= cap is not None
    normalise: bool | None = True
    if "normalise_weights" in fields:
        normalise = c.boolean(
            fields["normalise_weights"],
            child_path(path, "normalise_weights"),
            "true or false (false: the weights are used as given, not divided by their sum)",
        )
        ok &= normalise is not None
    bonuses = fields.get("interactions")
    has_bonuses = bonuses is not None and isinstance(bonuses.value, list) and bool(bonuses.value)
    entries = None
    if "issues" in fields:
        entries = _check_entries(
            c,
            name,
            fields["issues"],
            child_path(path, "issues"),
            issues,
            sources,
            cite,
            has_bonuses,
        )
    red_lines = _check_rules(
        c, name, fields.get("red_lines"), child_path(path, "red_lines"), issues, sources, cite
    )
    interactions = _check_interactions(
        c, fields.get("interactions"), child_path(path, "interactions"), issues, sources
    )
    if (
        not ok
        or reservation is None
        or entries is None
        or red_lines is None
        or interactions is None
    ):
        return None
    extra: dict[str, object] = {"description": description} if description else {}
    if discount is not None:
        extra["discount"] = discount
    return Party(
        name,
        reservation,
        entries[0],
        entries[1],
        red_lines,
        interactions,
        1.0 if power is None else power,
        label,
        extra,
        cap,
        bool(normalise),
    )


def _check_entries(
    c: Checker,
    party: str,
    node: Node,
    path: str,
    issues: Issues,
    sources: Mapping[str, object],
    party_cite: Citation | None,
    has_bonuses: bool = False,
) -> tuple[dict[str, float], dict[str, ValueFunction]] | None:
    """The party's weights and value functions; with ``has_bonuses`` (the party has
    interactions) it may weigh no issue, its utility being its bonuses."""
    if not isinstance(node.value, dict):
        c.report(
            node,
            path,
            "expected a mapping of issue names to entries {weight, values | "
            f"points | ideal}}; found {show(node)}",
        )
        return None
    weights: dict[str, float] = {}
    values: dict[str, ValueFunction] = {}
    ok = True
    for name, entry in node.value.items():
        here = child_path(path, name)
        if not c.key_reference(name, node.key_node(name), here, issues, "issue"):
            ok = False
            continue
        result = _check_entry(
            c, party, entry, here, issues[name], sources, party_cite, node.key_node(name)
        )
        if result is None:
            ok = False
        else:
            weights[name], values[name] = result
    if not ok:
        return None
    if has_bonuses and not any(w > 0 for w in weights.values()):
        return weights, values
    if not weights:
        c.report(
            node,
            path,
            f"party {party!r} weighs no issue: it would be indifferent to every "
            "outcome; give at least one issue a positive weight",
        )
        return None
    if not any(w > 0 for w in weights.values()):
        c.report(
            node,
            path,
            f"every weight of party {party!r} is 0: it would be indifferent to "
            "every outcome; give at least one issue a positive weight",
        )
        return None
    return weights, values


def _check_entry(
    c: Checker,
    party: str,
    node: Node,
    path: str,
    issue: Issue | None,
    sources: Mapping[str, object],
    party_cite: Citation | None,
    key: Node,
) -> tuple[float, ValueFunction] | None:
    fields = c.mapping(
        node,
        path,
        "an issue entry {weight, values | points | ideal}",
        ENTRY_KEYS,
        {"weight": "a number >= 0: the issue's importance to the party"},
    )
    if fields is None:
        return None
    weight = None
    if "weight" in fields:
        weight = c.quantity(
            fields["weight"],
            child_path(path, "weight"),
            "a number >= 0 (the issue's importance to the party)",
            lambda x: x >= 0,
        )
    cite = c.citation(fields, path, sources) or party_cite
    kinds = [k for k in ("values", "points", "ideal") if k in fields]
    if not kinds:
        needs = (
            "values (a value per option)"
            if isinstance(issue, DiscreteIssue)
            else "points or ideal"
            if isinstance(issue, ContinuousIssue)
            else "values (discrete issue), points or ideal (continuous issue)"
        )
        c.report(node, path, f"an issue entry needs {needs}")
        return None
    if len(kinds) > 1:
        c.report(
            node.keys.get(kinds[1], fields[kinds[1]]),
            child_path(path, kinds[1]),
            f"give one of values, points or ideal, not {' and '.join(kinds)}",
        )
        return None
    kind = kinds[0]
    c.claim(
        path,
        f"the weight and {kind} have no source or assumption; {_CITE} here or to party {party!r}",
        key,
        (child_path(path, "weight"), child_path(path, kind)),
        cite,
    )
    if issue is None:
        return None
    here = child_path(path, kind)
    discrete = isinstance(issue, DiscreteIssue)
    if discrete != (kind == "values"):
        advice = "give values (a value per option)" if discrete else "give points or ideal"
        c.report(
            node.keys.get(kind, fields[kind]),
            here,
            f"{kind} is for {'continuous' if discrete else 'discrete'} issues; issue "
            f"{describe_issue(issue)} is {'discrete' if discrete else 'continuous'}: "
            f"{advice}",
        )
        return None
    if isinstance(issue, DiscreteIssue):
        fn: ValueFunction | None = _check_table(c, fields[kind], here, issue)
    elif kind == "points":
        fn = _check_points(c, fields[kind], here)
    else:
        ideal = c.quantity(
            fields[kind],
            here,
            f"a number in the range of issue {describe_issue(issue)}",
            lambda x: issue.low <= x <= issue.high,
        )
        fn = None if ideal is None else IdealValue(ideal, issue.low, issue.high)
    return None if fn is None or weight is None else (weight, fn)


def _check_table(c: Checker, node: Node, path: str, issue: DiscreteIssue) -> TableValue | None:
    if not isinstance(node.value, dict):
        c.report(
            node,
            path,
            f"expected a mapping of each option of issue {issue.name!r} to "
            f"{_UNIT}; found {show(node)}",
        )
        return None
    ok = True
    numbers: dict[str, float] = {}
    for option, value in node.value.items():
        here = child_path(path, option)
        if option not in issue.options:
            c.report(
                node.key_node(option),
                here,
                f"option {option!r} is not an option of "
                f"issue {issue.name!r}{suggestion(option, issue.options)}; options: "
                + ", ".join(issue.options),
            )
            ok = False
        else:
            x = c.quantity(
                value, here, f"{_UNIT} (the value of option {option!r})", lambda x: 0.0 <= x <= 1.0
            )
            if x is None:
                ok = False
            else:
                numbers[option] = x
    missing = [o for o in issue.options if o not in node.value]
    if missing:
        c.report(
            node,
            path,
            f"values must give every option of issue {issue.name!r}; missing: "
            + ", ".join(missing),
        )
        return None
    return TableValue(tuple(numbers[o] for o in issue.options)) if ok else None


def _check_points(c: Checker, node: Node, path: str) -> PiecewiseLinearValue | None:
    """A ``points`` curve: x strictly ascending, y in [0, 1]; an uncertain x's whole range
    must lie strictly between its neighbours' (the xs stay ascending for every value the
    ranges allow)."""
    expected = "a non-empty list of [x, y] points with x ascending and y in [0, 1]"
    items = c.sequence(node, path, expected, nonempty=True)
    if items is None:
        return None
    xs: list[float] = []
    ys: list[float] = []
    spans: list[tuple[int, float, float]] = []  # (index, lowest x, highest x) of each point
    ok = True
    for i, item in enumerate(items):
        here = child_path(path, i)
        if not isinstance(item.value, list) or len(item.value) != 2:
            found = (
                f"a list of {len(item.value)} items" if isinstance(item.value, list) else show(item)
            )
            c.report(item, here, f"expected a point [x, y]; found {found}")
            ok = False
            continue
        xpath = child_path(here, 0)
        x = c.quantity(item.value[0], xpath, "a number (x, a level of the issue)")
        y = c.quantity(
            item.value[1],
            child_path(here, 1),
            f"{_UNIT} (y, the value at x)",
            lambda v: 0.0 <= v <= 1.0,
        )
        if x is None or y is None:
            ok = False
            continue
        if xs and x <= xs[-1]:
            c.report(
                item,
                here,
                f"points must be sorted by x, strictly ascending: x = "
                f"{show_number(x)} comes after x = {show_number(xs[-1])}",
            )
            ok = False
            continue
        span = c.uncertain.get(xpath)
        low, high = (span.low, span.high) if span is not None else (x, x)
        if spans and spans[-1][2] >= low:
            ok = False
            _report_crossing(c, item.value[0], xpath, spans[-1], (i, low, high))
        xs.append(x)
        ys.append(y)
        spans.append((i, low, high))
    return PiecewiseLinearValue(tuple(xs), tuple(ys)) if ok else None


def _report_crossing(
    c: Checker,
    node: Node,
    path: str,
    before: tuple[int, float, float],
    after: tuple[int, float, float],
) -> None:
    """Report that the x ranges of two consecutive points overlap (at the later x)."""

    def x_of(j: int, low: float, high: float) -> str:
        if low == high:
            return f"the x of points[{j}] is {show_number(low)}"
        return f"the x of points[{j}] can be from {show_number(low)} to {show_number(high)}"

    (j, _, high), (k, low, _) = before, after
    c.report(
        node,
        path,
        f"points[{j}] and points[{k}] can cross: {x_of(*before)} and {x_of(*after)}; "
        "points must stay sorted by x, strictly ascending, for every value the ranges allow: "
        f"expected the highest x of points[{j}] ({show_number(high)}) below the lowest x of "
        f"points[{k}] ({show_number(low)})",
    )


def _check_rules(
    c: Checker,
    party: str,
    node: Node | None,
    path: str,
    issues: Issues,
    sources: Mapping[str, object],
    party_cite: Citation | None,
) -> tuple[Rule, ...] | None:
    if node is None:
        return ()
    items = c.listed_or_named(node, path, RULES, "red line")
    if items is None:
        return None
    rules: list[Rule] = []
    for here, item in items:
        rule = check_cited_rule(
            c,
            item,
            here,
            issues,
            sources,
            f"the red line has no source or assumption; {_CITE} to it or to party {party!r}",
            fallback=party_cite,
        )
        if rule is not None:
            rules.append(rule)
    return tuple(rules) if len(rules) == len(items) else None


def check_cited_rule(
    c: Checker,
    item: Node,
    path: str,
    issues: Issues,
    sources: Mapping[str, object],
    missing: str,
    *,
    required: bool = True,
    fallback: Citation | None = None,
) -> Rule | None:
    """A rule (red line or constraint) with its optional ``description`` and its citation
    (else ``fallback``, the party's), claimed as provenance; ``missing`` is the warning when
    it has none."""
    rule = check_rule(c, item, path, issues, RULE_EXTRA)
    if isinstance(item.value, dict):
        fields = {k: v for k, v in item.value.items() if v.value is not None}
        description = c.optional_string(fields, "description", path)
        cite = c.citation(fields, path, sources) or fallback
        c.claim(path, missing, item, (path,), cite, required=required)
        name = "" if path.endswith("]") else path.rsplit(".", 1)[-1]  # a named rule's name
        if rule is not None and (name or description):
            rule = dataclasses.replace(rule, name=name, description=description)
    return rule


def _check_interactions(
    c: Checker, node: Node | None, path: str, issues: Issues, sources: Mapping[str, object]
) -> tuple[Interaction, ...] | None:
    if node is None:
        return ()
    items = c.sequence(node, path, "a list of interactions {when: {...}, bonus: number}")
    if items is None:
        return None
    found: list[Interaction] = []
    for i, item in enumerate(items):
        here = child_path(path, i)
        fields = c.mapping(
            item,
            here,
            "an interaction {when: {...}, bonus: number}",
            INTERACTION_KEYS,
            {
                "when": "a mapping of issues to options or {min, max} ranges",
                "bonus": "a number added to the utility when 'when' holds",
            },
        )
        if fields is None:
            continue
        c.optional_string(fields, "description", here)
        when = (
            check_when(c, fields["when"], child_path(here, "when"), issues)
            if "when" in fields
            else None
        )
        bonus = (
            c.number(
                fields["bonus"],
                child_path(here, "bonus"),
                "a number (the bonus, negative for a penalty)",
            )
            if "bonus" in fields
            else None
        )
        cite = c.citation(fields, here, sources)
        c.claim(here, "", item, (child_path(here, "bonus"),), cite, required=False)
        if when is not None and bonus is not None:
            found.append(Interaction(when, bonus))
    return tuple(found) if len(found) == len(items) else None
