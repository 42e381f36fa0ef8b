"""One negotiation with some of its numbers replaced, recompiled.

A parameter is named by its dotted path (:mod:`simulator.sweeps.params`)::

    parties.P.reservation            parties.P.power
    parties.P.issues.I.weight        parties.P.issues.I.values.OPTION
    parties.P.issues.I.ideal         parties.P.issues.I.points[J][1]

:func:`with_parameters` returns the same negotiation -- issues, constraints, red lines,
signatories and enumeration levels unchanged -- compiled again with the numbers at those paths
replaced; :func:`parameter_value` reads the number a path names. Both are for a handful of
variants that each need the full analysis (:func:`simulator.analyze`: blocking, frontier,
figures); for many runs that need only the zone and the solutions,
:class:`~simulator.sweeps.fast.SweepModel` is far quicker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from simulator.model import DiscreteIssue, Model
from simulator.model.values import IdealValue, PiecewiseLinearValue, TableValue
from simulator.sweeps.params import parse_path

__all__ = ["parameter_value", "rebind", "with_parameters"]


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
    return float(line.ys[j])


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


def rebind(fn, part, value: float, model: Model, issue: str, path: str):
    """The value function ``fn`` (of ``issue``) with the one number ``part`` names replaced.

    ``part`` is :func:`~simulator.sweeps.params.parse_path` of ``path``, which names an option
    value, an ideal or a point's y; ``ValueError`` if ``fn`` has no such number.
    """
    if part["option"] is not None:
        table, k = _option(fn, part, model, issue, path)
        values = list(table.values)
        values[k] = value
        return TableValue(tuple(values))
    if part["entry"] == "ideal":
        ideal = _ideal(fn, issue, path)
        return IdealValue(value, ideal.low, ideal.high)
    line, j = _point(fn, part, path)
    ys = list(line.ys)
    ys[j] = value
    return PiecewiseLinearValue(line.xs, tuple(ys))


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
        A malformed path, an unknown party, issue, option or point, or a number the party
        refuses (a power that is not positive, a negative weight).

    Examples
    --------
    >>> import simulator
    >>> model = simulator.load("scenarios/examples/job_offer.yaml").model()
    >>> strict = with_parameters(model, {"parties.candidate.reservation": 0.9})
    >>> simulator.analyze(model).zone.exists, simulator.analyze(strict).zone.exists
    (True, False)
    """
    parties = list(model.parties)
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
            issue = str(part["issue"])
            fn = rebind(party.values[issue], part, value, model, issue, path)
            parties[i] = replace(party, values={**party.values, issue: fn})
    return model.recompiled(parties=parties)
