"""A GENIUS profile's numbers: item evaluations, evaluators, weights, reservation, discount.

A discrete issue's ``<item evaluation=..>`` numbers are divided by the issue's largest
(:func:`discrete_values`), all 0 when the largest is below ``1e-5`` (GENIUS's
``EvaluatorDiscrete.normalize``: an issue whose evaluations are all 0 is worth 0); an integer
or real issue's ``<evaluator>`` becomes the points of a piecewise-linear function equal to
GENIUS's clamped evaluator on the issue's range (:func:`evaluator_points`). Weights are read
as given (:func:`read_weights`); a ``<weight>`` on the objective itself (its own ``index``)
is ignored, as GENIUS ignores it.

Evaluator forms (attributes of ``<evaluator ftype=..>`` inside an integer or real issue; the
issue's bounds ``lo``, ``hi`` come from its ``lowerbound``/``upperbound`` attributes or from a
``<range lowerbound=.. upperbound=..>`` child):

- ``ftype="linear"`` with ``lowerbound=a upperbound=b``: utility ``a`` at ``lo`` and ``b`` at
  ``hi``, linear between (the utilities of the lowest and highest value);
- ``ftype="linear"`` with ``slope=s offset=c``: ``c + s (x - lo)`` (GENIUS's integer
  evaluator);
- ``ftype="linear"`` with ``parameter0=c parameter1=s``: ``c + s x`` (GENIUS's real
  evaluator);
- ``ftype="constant"`` with ``parameter0=c``; ``ftype="triangular"`` with ``parameter0`` (where
  the value starts rising from 0), ``parameter2`` (where it peaks at 1) and ``parameter1``
  (where it is back to 0).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping

from simulator.io.genius_tree import GeniusIssue, tree_path
from simulator.io.genius_xml import XmlFile, children

__all__ = [
    "Points",
    "discrete_values",
    "evaluator_points",
    "read_weights",
    "reservation_and_discount",
]

Points = tuple[tuple[float, float], ...]

#: GENIUS values a discrete issue at 0 throughout when its largest evaluation is below this
#: (``EvaluatorDiscrete.normalize``), instead of dividing by it.
ZERO_EVALUATION = 1e-5


def discrete_values(
    f: XmlFile, element: ET.Element, path: str, issue: GeniusIssue
) -> dict[str, float] | None:
    """A discrete issue's evaluations divided by the largest, by item (all 0 when the largest
    is below ``ZERO_EVALUATION``); ``None`` when one is not a number >= 0 (reported)."""
    raw: dict[str, float] = {}
    ok = True
    for item, item_path in children(element, "item", path):
        value = item.get("value")
        if value is None or value not in issue.values:
            continue  # reported already
        x = f.number(
            item,
            item_path,
            "evaluation",
            f"a number >= 0 (the evaluation of item {value!r})",
            lambda v: v >= 0,
        )
        if x is None:
            ok = False
        else:
            raw[value] = x
    if not ok:
        return None
    top = max(raw.values(), default=0.0)
    if top < ZERO_EVALUATION:  # GENIUS: the issue is worth 0 whatever is chosen
        return {v: 0.0 for v in issue.values}
    return {v: raw[v] / top for v in issue.values}


def evaluator_points(
    f: XmlFile, element: ET.Element, path: str, kind: str, low: float, high: float
) -> Points | None:
    """An integer or real issue's ``<evaluator>`` as the points of a piecewise-linear value
    equal to it on ``[low, high]`` (the forms are listed in the module docstring); ``None``
    when it is missing or malformed (reported)."""
    evaluators = children(element, "evaluator", path)
    if not evaluators:
        f.report(
            element,
            path,
            f'{kind} issue has no <evaluator>; expected e.g. <evaluator ftype="linear" '
            'lowerbound="1" upperbound="0"/> (the utilities at the lowest and highest value)',
        )
        return None
    ev, where = evaluators[0]
    ftype = (ev.get("ftype") or "linear").strip().lower()
    unit = "a number in [0, 1]"
    if ftype == "linear":
        if ev.get("lowerbound") is not None or ev.get("upperbound") is not None:
            a = f.number(ev, where, "lowerbound", f"{unit} (the utility at {low:g})", _in01)
            b = f.number(ev, where, "upperbound", f"{unit} (the utility at {high:g})", _in01)
            if a is None or b is None:
                return None
            slope = (b - a) / (high - low)
            return _clamped_line(a - slope * low, slope, low, high)
        if ev.get("slope") is not None or ev.get("offset") is not None:
            s = f.number(ev, where, "slope", "a number (utility per unit above the lower bound)")
            c = f.number(ev, where, "offset", "a number (the utility at the lower bound)")
            if s is None or c is None:
                return None
            return _clamped_line(c - s * low, s, low, high)
        c = f.number(ev, where, "parameter0", "a number (the intercept: utility = p0 + p1 x)")
        s = f.number(ev, where, "parameter1", "a number (the slope: utility = p0 + p1 x)")
        if s is None or c is None:
            return None
        return _clamped_line(c, s, low, high)
    if ftype == "constant":
        c = f.number(ev, where, "parameter0", f"{unit} (the constant utility)", _in01)
        return None if c is None else ((low, c), (high, c))
    if ftype == "triangular":
        start = f.number(ev, where, "parameter0", "a number (where the value starts rising)")
        end = f.number(ev, where, "parameter1", "a number (where the value is back to 0)")
        top = f.number(ev, where, "parameter2", "a number (where the value is 1)")
        if start is None or end is None or top is None:
            return None
        if not start < top < end:
            f.report(
                ev,
                where,
                "a triangular evaluator needs parameter0 < parameter2 < parameter1 "
                f"(start, top, end); found {start:g}, {top:g}, {end:g}",
            )
            return None
        # 0 up to start, 1 at top, 0 from end on: zopa's points clamp to the end values
        return ((start, 0.0), (top, 1.0), (end, 0.0))
    f.report(
        ev,
        f"{where}.ftype",
        f"unsupported evaluator ftype {ftype!r}; expected linear, constant or triangular",
    )
    return None


def _in01(x: float) -> bool:
    return 0.0 <= x <= 1.0


def _clamped_line(intercept: float, slope: float, low: float, high: float) -> Points:
    """Points of ``clip(intercept + slope x, 0, 1)`` on [low, high]: the ends and the kinks."""
    xs = {low, high}
    if slope != 0:
        for level in (0.0, 1.0):
            x = (level - intercept) / slope
            if low < x < high:
                xs.add(x)
    return tuple((x, min(1.0, max(0.0, intercept + slope * x))) for x in sorted(xs))


def read_weights(f: XmlFile, objective: ET.Element, names: Mapping[int, str]) -> dict[str, float]:
    """Each issue's ``<weight index=.. value=..>``, as given (not normalised), by issue name."""
    weights: dict[str, float] = {}
    where = tree_path(objective)
    try:
        own = int(float(objective.get("index", "")))
    except (ValueError, OverflowError):
        own = None
    for element, path in children(objective, "weight", where):
        index = f.number(
            element, path, "index", "an integer (the issue's index)", lambda x: x.is_integer()
        )
        if index is not None and int(index) == own and own not in names:
            continue  # a weight on the objective itself: GENIUS ignores it (ANAC 2012 Fitness)
        w = f.number(element, path, "value", "a number >= 0 (the issue's weight)", lambda x: x >= 0)
        if index is None or w is None:
            continue
        if int(index) not in names:
            f.report(
                element,
                f"{path}.index",
                f"no issue has index {int(index)}; expected one of: "
                + ", ".join(str(i) for i in names),
            )
            continue
        name = names[int(index)]
        if name in weights:
            f.report(element, f"{path}.index", f"issue {name!r} has two weights")
            continue
        weights[name] = w
    missing = [n for n in names.values() if n not in weights]
    if missing:
        f.report(
            objective,
            where,
            "no <weight index=.. value=..> for issue(s): " + ", ".join(map(repr, missing)),
        )
    elif names and not any(w > 0 for w in weights.values()):
        f.report(objective, where, "every weight is 0; expected at least one positive weight")
    return weights


def _space_number(
    f: XmlFile, space: ET.Element, tag: str, expected: str, default: float
) -> float | None:
    """The ``value`` of the first ``<tag>`` in the utility space, or ``None`` when absent."""
    found = children(space, tag, "")
    if not found:
        return None
    element, path = found[0]
    return f.number(element, path, "value", expected, _in01, default=default)


def reservation_and_discount(f: XmlFile, root: ET.Element) -> tuple[float, float]:
    """The profile's reservation (0 when missing) and discount factor (1 when missing or 0,
    as GENIUS reads them)."""
    space = root.find("utility_space") if root.tag == "negotiation_template" else root
    space = root if space is None else space
    r = _space_number(
        f, space, "reservation", "a number in [0, 1] (the utility of no agreement)", 0.0
    )
    d = _space_number(
        f,
        space,
        "discount_factor",
        "a number in [0, 1] (the discount factor; 0 and 1 mean no discounting)",
        1.0,
    )
    return (0.0 if r is None else r), (1.0 if d is None or d == 0 else d)
