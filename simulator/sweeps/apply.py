"""One negotiation with some of its numbers replaced, recompiled.

A parameter is named by its dotted path (:mod:`simulator.sweeps.params`)::

    parties.P.reservation            parties.P.power
    parties.P.issues.I.weight        parties.P.issues.I.values.OPTION
    parties.P.issues.I.ideal         parties.P.issues.I.points[J][1]   (the y of point J)
    parties.P.issues.I.points[J][0]  (the x of point J, a breakpoint)

:func:`with_parameters` returns the same negotiation -- issues, constraints, red lines,
signatories and enumeration levels unchanged -- compiled again with the numbers at those paths
replaced; :func:`parameter_value` reads the number a path names. Both are for a handful of
variants that each need the full analysis (:func:`simulator.analyze`: blocking, frontier,
figures); for many runs that need only the zone and the solutions,
:class:`~simulator.sweeps.fast.SweepModel` is far quicker.

The xs of a piecewise-linear value must stay strictly increasing: an x may move only strictly
between its neighbours' xs (several xs of one curve may move at once). :func:`rebind` refuses
a value that would break the order; :func:`check_spans` checks whole ranges of values at once,
as a sweep's plan does for the values of a grid before any run.

Every other number has a domain too (:func:`domain`), the one the scenario format gives it:
a reservation, an option's value and a point's y lie in ``[0, 1]``, a weight is ``>= 0``, a
power ``> 0``, an ideal lies in its issue's range. :func:`check_domain` refuses values outside
it (and values that are not finite numbers), naming the path, the domain and the values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from simulator.model import DiscreteIssue, Model
from simulator.model.values import IdealValue, PiecewiseLinearValue, TableValue
from simulator.sweeps.params import parse_path

__all__ = ["check_domain", "check_spans", "domain", "parameter_value", "rebind", "with_parameters"]


def _locate(model: Model, path: str) -> tuple[dict, int]:
    """The parsed path and the index of its party; ``ValueError`` naming what is unknown."""
    part = parse_path(path)
    names = model.party_names
    if part["party"] not in names:
        raise ValueError(f"{path!r}: no party {part['party']!r} (parties: {', '.join(names)})")
    i = names.index(str(part["party"]))
    issue = part["issue"]
    if issue is not None:
        if issue not in model.issue_names:
            raise ValueError(
                f"{path!r}: no issue {issue!r} (issues: {', '.join(model.issue_names)})"
            )
        if issue not in model.parties[i].values:
            raise ValueError(f"{path!r}: party {names[i]!r} does not weigh {issue!r}")
    return part, i


def parameter_value(model: Model, path: str) -> float:
    """The number at ``path`` in ``model``.

    Raises
    ------
    ValueError
        If the path is malformed or names an unknown party, issue, option or point.

    Examples
    --------
    >>> import simulator
    >>> model = simulator.load("scenarios/examples/job_offer.yaml").model()
    >>> parameter_value(model, "parties.candidate.reservation")
    0.45
    >>> parameter_value(model, "parties.employer.issues.salary.ideal")
    50.0
    >>> parameter_value(model, "parties.candidate.issues.salary.points[1][0]")
    80.0
    """
    part, i = _locate(model, path)
    party = model.parties[i]
    if part["top"] == "reservation":
        return float(party.reservation)
    if part["top"] == "power":
        return float(party.power)
    issue = str(part["issue"])
    if part["entry"] == "weight":
        return float(party.weights.get(issue, 0.0))
    fn = party.values[issue]
    if part["option"] is not None:
        table, k = _option(fn, part, model, issue, path)
        return float(table.values[k])
    if part["entry"] == "ideal":
        return float(_ideal(fn, issue, path).ideal)
    line, j = _point(fn, part, path)
    return float(line.xs[j] if part["coordinate"] == 0 else line.ys[j])


def _option(fn, part, model: Model, issue: str, path: str) -> tuple[TableValue, int]:
    """``fn`` as a table of option values, and the index of the option ``part`` names."""
    if not isinstance(fn, TableValue):
        raise ValueError(f"{path!r}: issue {issue!r} has no option values")
    discrete = model.issues[model.issue_names.index(issue)]
    options = discrete.options if isinstance(discrete, DiscreteIssue) else ()
    if part["option"] not in options:
        raise ValueError(f"{path!r}: {part['option']!r} is not an option of {issue!r}")
    return fn, options.index(part["option"])


def _ideal(fn, issue: str, path: str) -> IdealValue:
    if not isinstance(fn, IdealValue):
        raise ValueError(f"{path!r}: issue {issue!r} has no ideal for this party")
    return fn


def _point(fn, part, path: str) -> tuple[PiecewiseLinearValue, int]:
    """``fn`` as a piecewise-linear value, and the index of the point ``part`` names."""
    point = part["point"]
    if not (isinstance(fn, PiecewiseLinearValue) and isinstance(point, int) and point < len(fn.ys)):
        raise ValueError(f"{path!r}: no such point for this party and issue")
    return fn, point


def _show(x: float) -> str:
    return f"{x:.12g}"


def rebind(fn, changes: Sequence[tuple[str, dict, float]], model: Model, issue: str):
    """The value function ``fn`` (of ``issue``) with the numbers ``changes`` name replaced.

    Parameters
    ----------
    fn : the value function (:mod:`simulator.model.values`).
    changes : ``(path, parse_path(path), value)`` triples, each naming an option value, an
        ideal, or a point's x or y of ``fn``. They are applied together, so several xs of
        one curve may move at once (e.g. two neighbours both to the right).
    model, issue : the model and the name of the issue ``fn`` values.

    Raises
    ------
    ValueError
        If ``fn`` has no such number, or the xs of the points would not be strictly
        increasing (naming the path and the neighbouring xs).
    """
    moved: dict[int, tuple[str, float]] = {}  # point index -> (path, new x)
    for path, part, value in changes:
        if part["option"] is not None:
            table, k = _option(fn, part, model, issue, path)
            values = list(table.values)
            values[k] = value
            fn = TableValue(tuple(values))
        elif part["entry"] == "ideal":
            ideal = _ideal(fn, issue, path)
            fn = IdealValue(value, ideal.low, ideal.high)
        elif part["coordinate"] == 0:
            _, j = _point(fn, part, path)
            moved[j] = (path, value)
        else:
            line, j = _point(fn, part, path)
            ys = list(line.ys)
            ys[j] = value
            fn = PiecewiseLinearValue(line.xs, tuple(ys))
    if not moved:
        return fn
    xs = list(fn.xs)
    for j, (_, value) in moved.items():
        xs[j] = value
    for j, (path, value) in sorted(moved.items()):
        left = j == 0 or xs[j - 1] < value
        right = j == len(xs) - 1 or value < xs[j + 1]
        if left and right:
            continue
        between = [f"{_show(xs[k])} (points[{k}][0])" for k in (j - 1, j + 1) if 0 <= k < len(xs)]
        where = (
            f"strictly between the neighbouring xs {between[0]} and {between[1]}"
            if len(between) == 2
            else f"strictly above the previous x, {between[0]}"
            if j > 0
            else f"strictly below the next x, {between[0]}"
        )
        raise ValueError(
            f"{path!r}: x = {_show(value)} would break the order of the points; the xs must "
            f"stay strictly increasing, so this x must lie {where}"
        )
    return PiecewiseLinearValue(tuple(xs), fn.ys)


def check_spans(model: Model, spans: Mapping[str, tuple[float, float]]) -> None:
    """``ValueError`` unless every curve keeps its xs strictly increasing whichever value
    in ``[low, high]`` the x at each path of ``spans`` takes (the others at their values in
    ``model``).

    That is, for consecutive points J and J+1 of a curve, the highest x of J lies strictly
    below the lowest x of J+1. A grid runs every combination of its values, so with each
    varied x's lowest and highest value this holds exactly when no run of the grid breaks
    the order. Paths that name no x are ignored.

    Raises
    ------
    ValueError
        Naming the path, the two points that can cross and their xs; or if a path names an
        unknown party, issue or point.

    Examples
    --------
    >>> import simulator
    >>> model = simulator.load("scenarios/examples/job_offer.yaml").model()
    >>> check_spans(model, {"parties.candidate.issues.salary.points[0][0]": (40.0, 60.0)})
    >>> check_spans(model, {"parties.candidate.issues.salary.points[0][0]": (40.0, 90.0)})
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ...: points[0] and points[1] can cross: the x of points[0] takes values from 40
    to 90 and the x of points[1] is 80; ...
    """
    curves: dict[tuple[int, str], tuple[list[float], list[float], dict[int, str]]] = {}
    for path, (low, high) in spans.items():
        part = parse_path(path)
        if part["coordinate"] != 0:
            continue
        part, i = _locate(model, path)
        issue = str(part["issue"])
        line, j = _point(model.parties[i].values[issue], part, path)
        lows, highs, paths = curves.setdefault((i, issue), (list(line.xs), list(line.xs), {}))
        lows[j], highs[j], paths[j] = float(low), float(high), path

    def x_of(j: int, lows, highs, paths) -> str:
        if j not in paths:
            return f"the x of points[{j}] is {_show(lows[j])}"
        return f"the x of points[{j}] takes values from {_show(lows[j])} to {_show(highs[j])}"

    for lows, highs, paths in curves.values():
        for j in range(len(lows) - 1):
            if highs[j] < lows[j + 1]:
                continue
            path = paths[j] if j in paths else paths[j + 1]
            raise ValueError(
                f"{path!r}: points[{j}] and points[{j + 1}] can cross: "
                f"{x_of(j, lows, highs, paths)} and {x_of(j + 1, lows, highs, paths)}; the xs "
                f"must stay strictly increasing, so every x of points[{j}] must lie below "
                f"every x of points[{j + 1}]"
            )


def domain(model: Model, path: str) -> tuple[float, float, bool]:
    """The values the number at ``path`` may take: ``(low, high, low_open)``, the interval
    ``[low, high]`` (``(low, high]`` when ``low_open``), never beyond the magnitude a
    scenario may hold (:data:`~simulator.scenario.validate_fields.MAX_MAGNITUDE`). Where the
    x of a point may go depends on its neighbours too (:func:`check_spans`).

    Examples
    --------
    >>> import simulator
    >>> model = simulator.load("scenarios/examples/job_offer.yaml").model()
    >>> domain(model, "parties.candidate.reservation")
    (0.0, 1.0, False)
    >>> domain(model, "parties.employer.issues.salary.ideal")
    (50.0, 80.0, False)
    >>> domain(model, "parties.employer.power")
    (0.0, 1000000000000000.0, True)
    """
    from simulator.scenario.validate_fields import MAX_MAGNITUDE

    part, i = _locate(model, path)
    inf = MAX_MAGNITUDE  # the largest number a scenario may hold, as when it is loaded
    if part["top"] == "power":
        return 0.0, inf, True
    if part["entry"] == "weight":
        return 0.0, inf, False
    if part["entry"] == "ideal":
        fn = _ideal(model.parties[i].values[str(part["issue"])], str(part["issue"]), path)
        return float(fn.low), float(fn.high), False
    if part["coordinate"] == 0:
        return -inf, inf, False
    return 0.0, 1.0, False  # a reservation, an option's value, a point's y: a utility


_KIND = {
    "reservation": "a reservation is a utility in [0, 1]",
    "power": "a bargaining power must be positive and at most {high}",
    "weight": "a weight must be 0 or more and at most {high}",
    "breakpoint": "the x of a point must lie within [{low}, {high}]",
    "ideal": "an ideal must lie in its issue's range [{low}, {high}]",
    "option": "an option's value is a utility in [0, 1]",
    "point": "a point's value (its y) is a utility in [0, 1]",
}


def check_domain(model: Model, spans: Mapping[str, tuple[float, float]]) -> None:
    """``ValueError`` unless every value in ``[low, high]`` of each path of ``spans`` lies in
    the path's :func:`domain` (and is a finite number), and the xs of every curve stay
    strictly increasing (:func:`check_spans`).

    A sweep's grid (each path's lowest and highest value) and the explorer's values are
    checked this way before any run.

    Raises
    ------
    ValueError
        Naming the path, its domain and the values given; or if a path names an unknown
        party, issue, option or point.

    Examples
    --------
    >>> import simulator
    >>> model = simulator.load("scenarios/examples/job_offer.yaml").model()
    >>> check_domain(model, {"parties.candidate.reservation": (0.2, 0.8)})
    >>> check_domain(model, {"parties.candidate.reservation": (0.0, 5.0)})
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 'parties.candidate.reservation': a reservation is a utility in [0, 1]; the ...
    """
    for path, (low, high) in spans.items():
        lo, hi, low_open = domain(model, path)
        shown = (
            f"the value given is {_show(low)}"
            if low == high
            else f"the values given go from {_show(low)} to {_show(high)}"
        )
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(f"{path!r}: every value must be a finite number; {shown}")
        inside = (lo < low if low_open else lo <= low) and high <= hi
        if not inside:
            part = parse_path(path)
            kind = part["top"] or part["entry"] or ("option" if part["option"] else "point")
            if part["coordinate"] == 0:
                kind = "breakpoint"
            what = _KIND[str(kind)].format(low=_show(lo), high=_show(hi))
            raise ValueError(f"{path!r}: {what}; {shown}")
    check_spans(model, spans)


def with_parameters(model: Model, params: Mapping[str, float]) -> Model:
    """The same negotiation recompiled with the numbers at the given paths replaced.

    Parameters
    ----------
    model : a compiled model (:meth:`simulator.scenario.Scenario.model`).
    params : ``{path: number}``; several paths may change the same party or value function.

    Returns
    -------
    Model
        Same issues, constraints, red lines, signatories and enumeration levels; the changed
        parties are copies (:func:`dataclasses.replace`), ``model`` is left as it was.

    Raises
    ------
    ValueError
        A malformed path, an unknown party, issue, option or point, a number the party
        refuses (a power that is not positive, a negative weight), or xs of a curve that
        would no longer be strictly increasing.

    Examples
    --------
    >>> import simulator
    >>> model = simulator.load("scenarios/examples/job_offer.yaml").model()
    >>> strict = with_parameters(model, {"parties.candidate.reservation": 0.9})
    >>> simulator.analyze(model).zone.exists, simulator.analyze(strict).zone.exists
    (True, False)
    """
    parties = list(model.parties)
    pending: dict[tuple[int, str], list[tuple[str, dict, float]]] = {}
    for path, value in params.items():
        part, i = _locate(model, path)
        value = float(value)
        party = parties[i]
        if part["top"] == "reservation":
            parties[i] = replace(party, reservation=value)
        elif part["top"] == "power":
            parties[i] = replace(party, power=value)
        elif part["entry"] == "weight":
            parties[i] = replace(party, weights={**party.weights, str(part["issue"]): value})
        else:
            pending.setdefault((i, str(part["issue"])), []).append((path, part, value))
    for (i, issue), changes in pending.items():
        party = parties[i]
        fn = rebind(party.values[issue], changes, model, issue)
        parties[i] = replace(party, values={**party.values, issue: fn})
    return model.recompiled(parties=parties)
