"""GENIUS non-linear utility profiles: weighted hyper-rectangles over integer issues.

A non-linear profile (``<utility_space type="nonlinear">``, ANAC 2014 and the ``S-1N*``
domains) keeps its issues in the ``<objective>`` as usual, but instead of weights and
evaluators it holds ``<utility maxutility="M">`` with one ``<ufun aggregation="sum">`` of
``<hyperRectangle utility="v">`` constraints. GENIUS (``NonlinearUtilitySpace``,
``InclusiveHyperRectangle``, ``ExclusiveHyperRectangle``) values an outcome ``x`` at

.. math:: u(x) = \\min\\Big(1,\\; \\frac{1}{M} \\sum_r v_r \\, w_r \\, W \\, h_r(x)\\Big)

where ``w_r`` is the rectangle's ``weight`` (default 1), ``W`` the ``<ufun>``'s (default 1)
and ``h_r(x)`` is 1 when

- (``<INCLUDES index=i min=a max=b>`` bounds) ``a <= x_i <= b`` for every bound, or
- (``<EXCLUDES ...>`` bounds) ``x_i < a`` or ``x_i > b`` for at least one bound,

and 0 otherwise; a rectangle with no bounds always holds. ``M`` is the file's
``maxutility``: it is not always the largest sum (ANAC 2014 ``30issues``: 2,435 against
2,353), hence the cap at 1, which GENIUS applies.

In zopa this is a party with no weighted issue, ``cap: 1`` and one interaction per
rectangle: an inclusive rectangle is the conjunction of its bounds (a ``{min, max}``
condition per issue), with bonus ``v w W / M``; an exclusive one -- "outside at least one
bound" -- is the union of disjoint conjunctions, one per bound ``j`` and side (below ``a_j``
or above ``b_j``) with every earlier bound inside, each with the same bonus, so that
exactly one holds wherever the rectangle does. The utility is then GENIUS's exactly.

Only what GENIUS itself reads is accepted: integer issues in the bounds, and one ``<ufun>``
summing its rectangles (``aggregation="sum"``, no nested ``<ufun>``); anything else is
reported with what GENIUS would do.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.io.genius_tree import GeniusIssue
from simulator.io.genius_xml import XmlFile, children

__all__ = ["HyperRectangle", "NonlinearUtility", "is_nonlinear", "pieces", "read_nonlinear"]

#: An interval of an integer issue, both ends included.
Interval = tuple[int, int]


@dataclass(frozen=True)
class HyperRectangle:
    """One constraint: worth ``utility`` (``v w W`` above) where it holds.

    ``bounds`` are ``(issue index, min, max)``, integers, both ends included, in file order;
    ``exclusive`` says the rectangle holds *outside* them (``EXCLUDES``), else inside
    (``INCLUDES``).
    """

    utility: float
    bounds: tuple[tuple[int, int, int], ...]
    exclusive: bool = False


@dataclass(frozen=True)
class NonlinearUtility:
    """A non-linear profile: ``u(x) = min(1, sum of the rectangles that hold / max_utility)``."""

    max_utility: float
    rectangles: tuple[HyperRectangle, ...]


def is_nonlinear(root: ET.Element, objective: ET.Element) -> bool:
    """Whether a profile is non-linear: ``type="nonlinear"`` on its ``<utility_space>``, or a
    ``<utility>`` in its objective."""
    return (root.get("type") or "").strip().lower() == "nonlinear" or (
        objective.find("utility") is not None
    )


def read_nonlinear(
    f: XmlFile, objective: ET.Element, path: str, issues: Mapping[int, GeniusIssue]
) -> NonlinearUtility | None:
    """Read the ``<utility>`` of a non-linear profile; ``issues`` by their ``index``.

    Every problem is reported through ``f``; ``None`` when there is one.
    """
    found = children(objective, "utility", path)
    if not found:
        f.report(
            objective,
            path,
            'a non-linear profile needs <utility maxutility=".."> holding a <ufun> of '
            "<hyperRectangle> elements",
        )
        return None
    if len(found) > 1:
        f.report(
            found[1][0],
            found[1][1],
            "a second <utility>; GENIUS reads only the first: expected one",
        )
        return None
    utility, where = found[0]
    top = f.number(
        utility, where, "maxutility", "a number > 0 (the utility divided by)", lambda x: x > 0
    )
    ufuns = children(utility, "ufun", where)
    if not ufuns:
        f.report(utility, where, "<utility> has no <ufun>; expected one holding the rectangles")
        return None
    if len(ufuns) > 1:
        f.report(
            ufuns[1][0],
            ufuns[1][1],
            "a second <ufun>; GENIUS reads only the first: expected one",
        )
        return None
    ufun, upath = ufuns[0]
    ok = top is not None
    aggregation = (ufun.get("aggregation") or "sum").strip().lower()
    if aggregation != "sum":
        f.report(
            ufun,
            f"{upath}.aggregation",
            f"unsupported aggregation {aggregation!r}; expected sum (the rectangles' "
            "utilities added)",
        )
        ok = False
    for inner, ipath in children(ufun, "ufun", upath):
        f.report(inner, ipath, "nested <ufun> elements are not supported; expected rectangles")
        ok = False
    scale = f.number(ufun, upath, "weight", "a number (the ufun's weight)", default=1.0)
    rectangles = []
    for element, rpath in children(ufun, "hyperRectangle", upath):
        rect = _rectangle(f, element, rpath, issues)
        if rect is None:
            ok = False
        else:
            rectangles.append(rect)
    if not ok or scale is None or top is None:
        return None
    return NonlinearUtility(
        top,
        tuple(HyperRectangle(r.utility * scale, r.bounds, r.exclusive) for r in rectangles),
    )


def _rectangle(
    f: XmlFile, element: ET.Element, path: str, issues: Mapping[int, GeniusIssue]
) -> HyperRectangle | None:
    value = f.number(element, path, "utility", "a number (the rectangle's utility)")
    weight = f.number(element, path, "weight", "a number (the rectangle's weight)", default=1.0)
    inc = children(element, "INCLUDES", path)
    exc = children(element, "EXCLUDES", path)
    if inc and exc:
        f.report(
            element,
            path,
            "a hyperRectangle with both INCLUDES and EXCLUDES bounds; GENIUS would use the "
            "EXCLUDES bounds and ignore the INCLUDES ones: expected one kind",
        )
        return None
    bounds = []
    ok = value is not None and weight is not None
    for bound, bpath in inc or exc:
        integer = "an integer"
        index = f.number(bound, bpath, "index", f"{integer} (an issue's index)", _whole)
        low = f.number(bound, bpath, "min", f"{integer} (the lowest value inside)", _whole)
        high = f.number(bound, bpath, "max", f"{integer} (the highest value inside)", _whole)
        if index is None or low is None or high is None:
            ok = False
            continue
        issue = issues.get(int(index))
        if issue is None:
            f.report(
                bound,
                f"{bpath}.index",
                f"no issue has index {int(index)}; expected one of: "
                + ", ".join(str(i) for i in issues),
            )
            ok = False
        elif issue.kind != "integer":
            f.report(
                bound,
                f"{bpath}.index",
                f"issue {issue.name!r} is {issue.kind}; GENIUS reads hyper-rectangle bounds "
                "on integer issues only",
            )
            ok = False
        else:
            bounds.append((int(index), int(low), int(high)))
    if not ok:
        return None
    assert value is not None and weight is not None
    return HyperRectangle(value * weight, tuple(bounds), bool(exc))


def _whole(x: float) -> bool:
    return x.is_integer()


def pieces(rect: HyperRectangle, ranges: Mapping[int, Interval]) -> list[dict[int, Interval]]:
    """Where ``rect`` holds, as disjoint conjunctions: each a mapping of issue index to the
    interval it must lie in (issues not named are free). ``ranges`` gives each issue's
    range; intervals are clipped to it, and empty conjunctions dropped.

    An inclusive rectangle is one conjunction (its bounds, intersected per issue); an
    exclusive one is, for each bound ``j`` and each side of it, the conjunction "bounds
    ``0 .. j-1`` inside, bound ``j`` below its min (or above its max)". A rectangle with no
    bounds holds everywhere: one empty conjunction.

    Examples
    --------
    >>> ranges = {1: (0, 9), 2: (0, 9)}
    >>> pieces(HyperRectangle(5.0, ((1, 2, 4), (2, 0, 9))), ranges)
    [{1: (2, 4), 2: (0, 9)}]
    >>> pieces(HyperRectangle(5.0, ((1, 2, 4), (2, 0, 6)), exclusive=True), ranges)
    [{1: (0, 1)}, {1: (5, 9)}, {1: (2, 4), 2: (7, 9)}]
    """
    if not rect.exclusive or not rect.bounds:
        one = _meet({}, rect.bounds, ranges)
        return [] if one is None else [one]
    found: list[dict[int, Interval]] = []
    for j, (index, low, high) in enumerate(rect.bounds):
        inside = _meet({}, rect.bounds[:j], ranges)
        if inside is None:  # an earlier bound holds nowhere: every later piece is empty
            break
        lo, hi = ranges[index]
        for side in ((lo, low - 1), (max(high + 1, low), hi)):  # disjoint even if low > high
            piece = _meet(inside, ((index, *side),), ranges)
            if piece is not None:
                found.append(piece)
    return found


def _meet(
    base: Mapping[int, Interval],
    bounds: tuple[tuple[int, int, int], ...],
    ranges: Mapping[int, Interval],
) -> dict[int, Interval] | None:
    """``base`` with each bound intersected in (clipped to its issue's range); ``None`` when
    an interval becomes empty."""
    out = dict(base)
    for index, low, high in bounds:
        lo, hi = out.get(index, ranges[index])
        lo, hi = max(lo, low), min(hi, high)
        if lo > hi:
            return None
        out[index] = (lo, hi)
    return out
