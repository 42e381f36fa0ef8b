"""The objective tree of a GENIUS domain or profile: its issues, their kinds and bounds.

A domain or profile document holds an ``<objective>`` (inside ``<utility_space>``, itself
possibly inside ``<negotiation_template>``) whose ``<issue>`` children each have a ``name``,
an ``index`` (what ``<weight index=..>`` refers to) and a type (``type``, ``etype`` or
``vtype``: discrete, integer or real). A discrete issue lists its options as ``<item
value=..>``; an integer or real issue has ``lowerbound``/``upperbound`` attributes or a
``<range lowerbound=.. upperbound=..>`` child. Nested objectives are not supported.

A profile may also list its issues and weights directly in ``<utility_space>``, without an
``<objective>`` (``other/inheritancedomain``): GENIUS reads the issues and weights of every
level of the tree (``AdditiveUtilitySpace.loadTreeRecursive``), so these are read too, and
paths then start at the issue (``issue[2].item[0]``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from simulator.io.genius_xml import XmlFile, children

__all__ = ["KINDS", "GeniusIssue", "find_objective", "read_issues", "tree_path"]

KINDS = ("discrete", "integer", "real")


@dataclass(frozen=True)
class GeniusIssue:
    """One issue of a GENIUS objective tree.

    ``index`` is the issue's ``index`` attribute (what ``<weight index=..>`` refers to);
    ``values`` are a discrete issue's item values in file order; ``low`` and ``high`` an
    integer or real issue's bounds (``None`` for a discrete issue, or when the file omits
    them).
    """

    index: int
    name: str
    kind: str
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    line: int | None = None


def tree_path(objective: ET.Element) -> str:
    """The path of the element holding the issues: ``objective``, or ``""`` when they lie
    directly in ``<utility_space>``."""
    return "objective" if objective.tag == "objective" else ""


def find_objective(f: XmlFile, root: ET.Element, what: str) -> ET.Element | None:
    """The ``<objective>`` of a domain or profile document (reported if missing); for a
    profile whose ``<utility_space>`` holds its issues directly, the utility space itself."""
    if root.tag == "negotiation_template":
        space = root.find("utility_space")
        if space is None:
            space = root  # some domain files put the objective directly in the template
    elif root.tag == "utility_space":
        space = root
    else:
        f.report(
            root,
            "",
            f"expected a GENIUS {what}: the root element should be <negotiation_template> "
            f"or <utility_space>; found <{root.tag}>",
        )
        return None
    objective = space.find("objective")
    if objective is None and what != "domain" and space.find("issue") is not None:
        return space  # issues and weights directly in <utility_space>: GENIUS reads them
    if objective is None:
        f.report(
            space,
            "",
            f"<{space.tag}> has no <objective> element; expected the objective tree holding "
            "the issues",
        )
    return objective


def _kind(f: XmlFile, element: ET.Element, path: str) -> str | None:
    given = {
        a: (element.get(a) or "").strip().lower()
        for a in ("type", "etype", "vtype")
        if element.get(a)
    }
    kinds = set(given.values())
    if not kinds:
        if element.find("item") is not None:
            return "discrete"
        f.report(
            element,
            path,
            "missing attribute 'type' (discrete, integer or real; 'etype' or 'vtype' also do)",
        )
        return None
    if len(kinds) > 1:
        shown = ", ".join(f"{a}={v!r}" for a, v in given.items())
        f.report(element, path, f"the issue's type attributes disagree ({shown})")
        return None
    kind = kinds.pop()
    if kind not in KINDS:
        f.report(
            element,
            f"{path}.{next(iter(given))}",
            f"unsupported issue type {kind!r}; expected discrete, integer or real",
        )
        return None
    return kind


def _bounds(
    f: XmlFile, element: ET.Element, path: str, kind: str
) -> tuple[float | None, float | None, bool]:
    """An integer or real issue's bounds; the flag says whether the file gives them."""
    holder, where = element, path
    if element.get("lowerbound") is None and element.get("upperbound") is None:
        ranges = children(element, "range", path)
        if not ranges:
            return None, None, False
        holder, where = ranges[0]
    what = "an integer" if kind == "integer" else "a number"
    ok = (lambda x: x.is_integer()) if kind == "integer" else None
    low = f.number(holder, where, "lowerbound", f"{what} (the issue's lowest value)", ok)
    high = f.number(holder, where, "upperbound", f"{what} (the issue's highest value)", ok)
    if low is not None and high is not None and not low < high:
        f.report(
            holder,
            where,
            f"lowerbound {low:g} must be less than upperbound {high:g}",
        )
        return None, None, True
    return low, high, True


def read_issues(
    f: XmlFile, objective: ET.Element, profile: bool
) -> list[tuple[GeniusIssue, ET.Element, str]]:
    """Read the issues of an objective (with their elements and paths)."""
    found: list[tuple[GeniusIssue, ET.Element, str]] = []
    where = tree_path(objective)
    for sub, path in children(objective, "objective", where):
        f.report(
            sub,
            path,
            "nested objectives are not supported; expected the issues directly under the "
            "top <objective>",
        )
    seen_index: dict[int, str] = {}
    seen_name: dict[str, str] = {}
    for element, path in children(objective, "issue", where):
        name = f.text(element, path, "name", "the issue's name")
        index = f.number(
            element, path, "index", "an integer (the issue's number)", lambda x: x.is_integer()
        )
        kind = _kind(f, element, path)
        if name is None or index is None or kind is None:
            continue
        if int(index) in seen_index:
            f.report(
                element,
                f"{path}.index",
                f"index {int(index)} is used twice (also by {seen_index[int(index)]}); "
                "expected distinct issue indices",
            )
            continue
        if name in seen_name:
            f.report(element, f"{path}.name", f"issue {name!r} is listed twice")
            continue
        seen_index[int(index)], seen_name[name] = path, path
        values: list[str] = []
        low = high = None
        if kind == "discrete":
            items = children(element, "item", path)
            if not items:
                f.report(element, path, f"discrete issue {name!r} has no <item> elements")
                continue
            first: dict[str, ET.Element] = {}
            for item, item_path in items:
                value = f.text(item, item_path, "value", "the option's name")
                if value is None:
                    continue
                if value in values:
                    f.report(item, f"{item_path}.value", _twice(value, first[value], item))
                    continue
                values.append(value)
                first[value] = item
        else:
            low, high, given = _bounds(f, element, path, kind)
            if not given and not profile:
                f.report(
                    element,
                    path,
                    f"{kind} issue {name!r} has no bounds; expected lowerbound and upperbound "
                    "attributes (or a <range lowerbound=.. upperbound=..> child)",
                )
        issue = GeniusIssue(
            int(index), name, kind, tuple(values), low, high, f.where[id(element)][0]
        )
        found.append((issue, element, path))
    if not found and profile:
        f.report(objective, where, "the objective has no <issue> elements")
    return found


def _twice(value: str, first: ET.Element, again: ET.Element) -> str:
    """The message for an item listed twice, with what GENIUS would make of it."""
    a, b = first.get("evaluation"), again.get("evaluation")
    if a is None or b is None:  # a domain's items
        return f"item {value!r} is listed twice; expected each item once"
    return (
        f"item {value!r} is listed twice (evaluations {a} and {b}); GENIUS would keep the last "
        f"one ({b}) without a warning: delete the item that is wrong"
    )
