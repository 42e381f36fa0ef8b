"""Validation of issues and of the conditions and rules that refer to them.

- An issue is discrete (``options``: a non-empty list of distinct non-empty strings) or
  continuous (``range: [low, high]`` of finite numbers with ``low < high``, and an optional
  ``grid``, an integer from 2 to :data:`MAX_GRID`, default 11); it has exactly one of
  ``options`` and ``range``. ``integer: true`` makes a continuous issue take integers only:
  ``low`` and ``high`` must then be integers, ``grid`` is at most the number of integers
  in the range and defaults to all of them up to
  :data:`~simulator.model.issues.INTEGER_GRID`, else to that many evenly spread.
- A condition is ``{issue, in: [...]}`` or ``{issue, not_in: [...]}`` for a discrete issue
  (non-empty lists of its options) or ``{issue, min, max}`` for a continuous one (either bound
  may be omitted, not both; ``min <= max``).
- A rule is a condition or an implication ``{if: condition, then: condition}``.
- A ``when:`` map (interactions) maps issues to a list of options (``in``) or to a
  ``{min, max}`` map.

Functions return engine objects (:mod:`simulator.model`), or ``None`` after recording
problems on the :class:`~simulator.scenario.validate_fields.Checker`. ``issues`` arguments map
every declared issue name to its issue, or to ``None`` when the issue itself is invalid (so
references to it are neither checked nor reported as unknown).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from simulator.model import Condition, ContinuousIssue, DiscreteIssue, Implication, Issue, Rule
from simulator.model.issues import INTEGER_GRID
from simulator.scenario.validate_fields import AnyName, Checker, show, show_number, suggestion
from simulator.scenario.yamlread import Node, child_path

__all__ = [
    "MAX_GRID",
    "check_condition",
    "check_issues",
    "check_option",
    "check_rule",
    "check_when",
    "describe_issue",
]

MAX_GRID = 1_000_000
"""Largest ``grid`` of a continuous issue (an extension of the contract: it bounds memory)."""

ISSUE_KEYS = ("label", "description", "options", "range", "grid", "unit", "integer")
CONDITION_KEYS = ("issue", "in", "not_in", "min", "max")
_CONDITION = "a condition {issue: name, in|not_in: [options]} or {issue: name, min/max: number}"
_RULE = "a rule: a condition {issue, in|not_in|min|max} or {if: condition, then: condition}"
Issues = Mapping[str, Issue | None]


def describe_issue(issue: Issue) -> str:
    """How an issue is shown in messages: ``'nato' (options: a, b)`` or ``'cap' (range ...)``."""
    if isinstance(issue, DiscreteIssue):
        return f"{issue.name!r} (options: {', '.join(issue.options)})"
    kind = "integers in " if issue.integer else ""
    return f"{issue.name!r} ({kind}range [{show_number(issue.low)}, {show_number(issue.high)}])"


def check_issues(c: Checker, node: Node, path: str = "issues") -> Mapping[str, Issue | None]:
    """Check the ``issues`` mapping; map each issue name to its issue (``None`` if invalid).

    If ``issues`` is not a mapping, return :class:`AnyName` (references are not checked).
    """
    if not isinstance(node.value, dict):
        c.report(node, path, f"expected a mapping of issue names to issues; found {show(node)}")
        return AnyName()
    if not node.value:
        c.report(node, path, "a scenario needs at least one issue; found none")
        return {}
    issues: dict[str, Issue | None] = {}
    for name, entry in node.value.items():
        here = child_path(path, name)
        c.identifier(name, node.key_node(name), here, "issue")
        issues[name] = _check_issue(c, name, entry, here)
    return issues


def _check_issue(c: Checker, name: str, node: Node, path: str) -> Issue | None:
    fields = c.mapping(
        node, path, "an issue: a mapping with options (discrete) or range (continuous)", ISSUE_KEYS
    )
    if fields is None:
        return None
    label = c.optional_string(fields, "label", path)
    c.optional_string(fields, "description", path)
    unit = c.optional_string(fields, "unit", path)
    if "options" in fields and "range" in fields:
        c.report(
            fields["range"],
            child_path(path, "range"),
            "an issue has either options (discrete) or range (continuous), not both",
        )
        return None
    if "options" in fields:
        for key in ("grid", "unit", "integer"):
            if key in fields:
                c.report(
                    node.key_node(key),
                    child_path(path, key),
                    f"{key} applies to continuous issues (with range); issue {name!r} "
                    "is discrete (it has options)",
                )
        checked = _check_options(c, fields["options"], child_path(path, "options"))
        if checked is None:
            return None
        options, labels = checked
        return DiscreteIssue(name, options, label, labels)
    if "range" in fields:
        bounds = _check_range(c, fields["range"], child_path(path, "range"))
        integer = False
        if "integer" in fields:
            integer = bool(
                c.boolean(
                    fields["integer"],
                    child_path(path, "integer"),
                    "true or false (true: only integers are valid values)",
                )
            )
            if integer and bounds is not None:
                bounds = _check_integer_range(c, fields["range"], child_path(path, "range"))
        grid = 11
        if "grid" in fields:
            grid = (
                c.integer(
                    fields["grid"],
                    child_path(path, "grid"),
                    f"an integer from 2 to {MAX_GRID:,} (points enumerated on the range)",
                    lambda n: 2 <= n <= MAX_GRID,
                )
                or 0
            )
        if bounds is None or not grid:
            return None
        if integer:
            count = int(bounds[1]) - int(bounds[0]) + 1
            if "grid" not in fields:
                grid = min(count, INTEGER_GRID)
            elif grid > count:
                c.report(
                    fields["grid"],
                    child_path(path, "grid"),
                    f"grid {grid:,} is more points than the {count:,} integers from "
                    f"{show_number(bounds[0])} to {show_number(bounds[1])}; expected at most "
                    f"{count:,} (every integer)",
                )
                return None
        return ContinuousIssue(name, bounds[0], bounds[1], grid, label, unit, integer)
    c.report(
        node,
        path,
        "an issue needs options (a list of options: a discrete issue) or "
        "range ([low, high]: a continuous issue)",
    )
    return None


def _check_options(
    c: Checker, node: Node, path: str
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The options and their labels (``""`` where none): a list of option names, or a mapping
    of option names to labels, in order."""
    expected = "a non-empty list of options, or a mapping of options to their labels"
    if isinstance(node.value, dict):
        if not node.value:
            c.report(node, path, f"expected {expected}; found an empty mapping")
            return None
        names = list(node.value)
        keys = [node.key_node(n) for n in names]
        labels: list[str] = []
        for n in names:
            item = node.value[n]
            if item.value is None:
                labels.append("")
            else:
                labels.append(c.string(item, child_path(path, n), "a label (a string)") or "")
        items = keys
    else:
        seq = c.sequence(node, path, expected, nonempty=True)
        if seq is None:
            return None
        items, labels = seq, [""] * len(seq)
    options: list[str] = []
    ok = True
    for i, item in enumerate(items):
        option = c.string(item, child_path(path, i), "an option name (a non-empty string)")
        if option is None:
            ok = False
        elif option in options:
            c.report(
                item,
                child_path(path, i),
                f"option {option!r} is listed twice (first at "
                f"position {options.index(option) + 1}); options must be distinct",
            )
            ok = False
        else:
            options.append(option)
    if not ok:
        return None
    return tuple(options), tuple(labels) if any(labels) else ()


def _check_range(c: Checker, node: Node, path: str) -> tuple[float, float] | None:
    expected = "a range [low, high] of two numbers"
    items = c.sequence(node, path, expected)
    if items is None:
        return None
    if len(items) != 2:
        c.report(node, path, f"expected {expected}; found a list of {len(items)} items")
        return None
    low = c.number(items[0], child_path(path, 0), "a number (the low end of the range)")
    high = c.number(items[1], child_path(path, 1), "a number (the high end of the range)")
    if low is None or high is None:
        return None
    if low >= high:
        c.report(
            node,
            path,
            f"the range [{show_number(low)}, {show_number(high)}] is empty or "
            "a single point; expected [low, high] with low < high",
        )
        return None
    return low, high


def _check_integer_range(c: Checker, node: Node, path: str) -> tuple[float, float] | None:
    """The range of an integer issue: both ends integers (a valid range already)."""
    ok = True
    for i, item in enumerate(node.value):
        if not float(item.value).is_integer():
            c.report(
                item,
                child_path(path, i),
                f"{show_number(item.value)} is not an integer; an issue with integer: true "
                "needs a range of integers",
            )
            ok = False
    return (float(node.value[0].value), float(node.value[1].value)) if ok else None


def _check_option_list(
    c: Checker, node: Node, path: str, issue: DiscreteIssue
) -> tuple[str, ...] | None:
    items = c.sequence(
        node, path, f"a non-empty list of options of issue {issue.name!r}", nonempty=True
    )
    if items is None:
        return None
    chosen: list[str] = []
    for i, item in enumerate(items):
        option = check_option(c, item, child_path(path, i), issue)
        if option is None:
            return None
        chosen.append(option)
    return tuple(chosen)


def check_option(c: Checker, node: Node, path: str, issue: DiscreteIssue) -> str | None:
    """A string naming one of ``issue``'s options; reported (with a suggestion) if not."""
    option = c.string(node, path, f"an option of issue {describe_issue(issue)}")
    if option is not None and option not in issue.options:
        c.report(
            node,
            path,
            f"{option!r} is not an option of issue {issue.name!r}"
            f"{suggestion(option, issue.options)}; options: {', '.join(issue.options)}",
        )
        return None
    return option


def _check_bounds(
    c: Checker, fields: Mapping[str, Node], path: str, issue: ContinuousIssue
) -> tuple[float | None, float | None] | None:
    low = high = None
    ok = True
    for key in ("min", "max"):
        if key in fields:
            x = c.number(fields[key], child_path(path, key), f"a number ({key} of {issue.name})")
            ok &= x is not None
            low, high = (x, high) if key == "min" else (low, x)
    if not ok:
        return None
    if low is not None and high is not None and low > high:
        c.report(
            fields["min"],
            child_path(path, "min"),
            f"min {show_number(low)} is greater than max {show_number(high)}; expected min <= max",
        )
        return None
    return low, high


def check_condition(
    c: Checker,
    node: Node,
    path: str,
    issues: Issues,
    extra: Sequence[str] = (),
    expected: str = _CONDITION,
) -> Condition | None:
    """Check a condition on one issue; ``extra`` keys (source, ...) are allowed and ignored."""
    fields = c.mapping(
        node,
        path,
        expected,
        CONDITION_KEYS + tuple(extra),
        {"issue": "the name of the issue the condition is on"},
    )
    if fields is None or "issue" not in fields:
        return None
    name = c.reference(fields["issue"], child_path(path, "issue"), issues, "issue")
    issue = issues.get(name) if name is not None else None
    forms = [k for k in ("in", "not_in", "min", "max") if k in fields]
    if not forms:
        c.report(
            node,
            path,
            "a condition needs in or not_in (a discrete issue) or min and/or "
            "max (a continuous issue)",
        )
        return None
    if name is None or issue is None:
        return None
    if isinstance(issue, DiscreteIssue):
        for key in forms:
            if key in ("min", "max"):
                c.report(
                    node.key_node(key),
                    child_path(path, key),
                    f"{key} applies to continuous issues; issue {describe_issue(issue)} is "
                    "discrete: use in or not_in",
                )
                return None
        if len(forms) == 2:
            c.report(
                node.key_node("not_in"),
                child_path(path, "not_in"),
                "give either in or not_in, not both",
            )
            return None
        options = _check_option_list(c, fields[forms[0]], child_path(path, forms[0]), issue)
        return None if options is None else Condition(name, options, forms[0] == "not_in")
    for key in forms:
        if key in ("in", "not_in"):
            c.report(
                node.key_node(key),
                child_path(path, key),
                f"{key} applies to discrete issues; issue {describe_issue(issue)} is "
                "continuous: use min and/or max",
            )
            return None
    bounds = _check_bounds(c, fields, path, issue)
    return None if bounds is None else Condition(name, low=bounds[0], high=bounds[1])


def check_rule(
    c: Checker, node: Node, path: str, issues: Issues, extra: Sequence[str] = ()
) -> Rule | None:
    """Check a rule: a condition, or an implication ``{if: condition, then: condition}``."""
    if not isinstance(node.value, dict):
        c.report(node, path, f"expected {_RULE}; found {show(node)}")
        return None
    if "if" not in node.value and "then" not in node.value:
        return check_condition(c, node, path, issues, extra, _RULE)
    fields = c.mapping(
        node,
        path,
        "an implication {if: condition, then: condition}",
        ("if", "then", *extra),
        {
            "if": "the condition under which the rule applies",
            "then": "the condition that must then hold",
        },
    )
    if fields is None or "if" not in fields or "then" not in fields:
        return None
    antecedent = check_condition(c, fields["if"], child_path(path, "if"), issues)
    consequent = check_condition(c, fields["then"], child_path(path, "then"), issues)
    if antecedent is None or consequent is None:
        return None
    return Implication(antecedent, consequent)


def check_when(c: Checker, node: Node, path: str, issues: Issues) -> tuple[Condition, ...] | None:
    """Check a ``when:`` map: issue -> list of options, or issue -> ``{min, max}``."""
    expected = "a non-empty mapping of issues to a list of options or a {min, max} range"
    if not isinstance(node.value, dict) or not node.value:
        found = "an empty mapping" if isinstance(node.value, dict) else show(node)
        c.report(node, path, f"expected {expected}; found {found}")
        return None
    conditions: list[Condition] = []
    ok = True
    for name, value in node.value.items():
        here = child_path(path, name)
        if not c.key_reference(name, node.key_node(name), here, issues, "issue"):
            ok = False
            continue
        issue = issues[name]
        if issue is None:
            ok = False
        elif isinstance(issue, DiscreteIssue):
            if not isinstance(value.value, list):
                c.report(
                    value,
                    here,
                    f"expected a list of options of issue {describe_issue(issue)}"
                    f" (the condition holds when one is chosen); found {show(value)}",
                )
                ok = False
                continue
            options = _check_option_list(c, value, here, issue)
            ok &= options is not None
            if options is not None:
                conditions.append(Condition(name, options))
        else:
            fields = c.mapping(
                value,
                here,
                f"a range {{min, max}} on issue {describe_issue(issue)}",
                ("min", "max"),
            )
            if fields is not None and not fields:
                c.report(value, here, "a range needs min, max or both")
                fields = None
            bounds = None if fields is None else _check_bounds(c, fields, here, issue)
            ok &= bounds is not None
            if bounds is not None:
                conditions.append(Condition(name, low=bounds[0], high=bounds[1]))
    return tuple(conditions) if ok else None
