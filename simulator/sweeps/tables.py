"""A negotiation's utilities term by term, and many parameter sets bound to them at once.

:func:`simulator.analyze` computes party ``j``'s utility of outcome ``x`` from the tables
:func:`~simulator.model.compile_model` builds, ``t_jk(l) = (w_jk / sum_m w_jm) * v_jk(l)`` at
the levels ``l`` of issue ``k``, added in a fixed order (the leading issues of the outcome
space, then the trailing ones, then the two sums: :meth:`~simulator.model.Model.block_utilities`),
then the interaction bonuses one by one, then rounded to 12 decimals. :class:`Terms` holds
those tables for the scenario as written, and :func:`exact_utilities` repeats that
computation, operation for operation, for any ``(run, outcome)`` pairs: the floats are equal,
bit for bit, to :func:`simulator.analyze`'s on the negotiation recompiled with each run's
numbers (:func:`simulator.sweeps.apply.with_parameters`).

:func:`bind` turns runs that name the same parameters (:mod:`simulator.sweeps.params`) into
arrays with one row per run: reservations, the Nash weights, and the tables of every
``(party, issue)`` whose weight or value function a run changes. Each number is computed as
recompiling would compute it: a party's total weight by Python's ``sum`` over its weights in
their order, ``w / total``, ``w * v`` elementwise, a rebound value function evaluated at the
issue's levels.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from simulator.model import Model
from simulator.model.compiled import UTILITY_DECIMALS
from simulator.model.values import TableValue
from simulator.sweeps.apply import rebind
from simulator.sweeps.params import parse_path

__all__ = [
    "Bound",
    "Terms",
    "bind",
    "bind_values",
    "exact_utilities",
    "group_runs",
    "param_values",
    "terms",
]


@dataclass(frozen=True, eq=False)
class Terms:
    """The compiled model's utility, term by term (see the module docstring).

    Attributes
    ----------
    split : issues ``0 .. split - 1`` are added first, the rest second, then the two sums.
    names : per party, the issues it weighs, in the order of its weights.
    weights : per party, its raw weights in that order (as written: ints stay ints).
    vectors : ``(party, issue index)`` -> the value function at the issue's levels.
    columns : ``(party, issue index)`` -> the compiled table column ``w / total * v``.
    hits : per interaction, in the model's order, ``(party, bonus, outcomes)`` with
        ``outcomes`` a boolean mask over the outcomes the terms were built for.
    caps : per party, the most utility it can have (``None``: no cap), applied after the
        bonuses and before the rounding.
    normalise : per party, whether its weights are divided by their total.
    """

    split: int
    names: tuple[tuple[str, ...], ...]
    weights: tuple[tuple[float, ...], ...]
    vectors: Mapping[tuple[int, int], np.ndarray]
    columns: Mapping[tuple[int, int], np.ndarray]
    hits: tuple[tuple[int, float, np.ndarray], ...]
    caps: tuple[float | None, ...]
    normalise: tuple[bool, ...]

    def issues_of(self, j: int) -> tuple[int, ...]:
        """The issues (indices, ascending) whose terms party ``j``'s utility adds."""
        return tuple(sorted(k for (i, k) in self.columns if i == j))


def _normalised(weights: Sequence[float], normalise: bool = True) -> list[float]:
    """The weights a utility uses, as :meth:`~simulator.model.Party.normalised_weights`
    computes them: Python's ``sum`` in order, then ``w / total`` (zeros if not positive);
    as given when not ``normalise``."""
    if not normalise:
        return list(weights)
    total = sum(weights)
    if total <= 0:
        return [0.0] * len(weights)
    return [w / total for w in weights]


def terms(model: Model, levels: np.ndarray) -> Terms:
    """The terms of ``model``'s utilities, with interaction masks over ``levels`` (rows of
    issue levels, e.g. the feasible outcomes of a sweep)."""
    k_of = {name: k for k, name in enumerate(model.issue_names)}
    lead = model.space.split()
    split = lead if lead < len(model.issues) else 0  # no block: every issue trails
    names, weights, vectors, columns = [], [], {}, {}
    for j, party in enumerate(model.parties):
        order = tuple(party.weights)
        names.append(order)
        raw = tuple(party.weights[i] for i in order)
        weights.append(raw)
        normal = _normalised(raw, getattr(party, "normalise", True))
        for issue, w in zip(order, normal):
            k = k_of[issue]
            vectors[(j, k)] = np.asarray(party.values[issue](model.level_values[k]), dtype=float)
            columns[(j, k)] = w * vectors[(j, k)]
    hits = []
    for j, party in enumerate(model.parties):
        for inter in party.interactions:
            hit = np.ones(levels.shape[0], dtype=bool)
            for cond in inter.when:
                k = k_of[cond.issue]
                hit &= cond.level_mask(model.issues[k], model.level_values[k])[levels[:, k]]
            hits.append((j, inter.bonus, hit))
    caps = tuple(getattr(party, "cap", None) for party in model.parties)
    normalise = tuple(bool(getattr(party, "normalise", True)) for party in model.parties)
    return Terms(
        split, tuple(names), tuple(weights), vectors, columns, tuple(hits), caps, normalise
    )


def exact_utilities(
    t: Terms,
    j: int,
    columns: np.ndarray,
    rows: np.ndarray,
    changed: Mapping[int, np.ndarray] | None = None,
    runs: np.ndarray | None = None,
    *,
    grid: bool = False,
    rounded: bool = True,
    levels: dict[int, np.ndarray] | None = None,
    partial: dict[tuple[int, tuple[int, ...]], np.ndarray] | None = None,
) -> np.ndarray:
    """Party ``j``'s utilities of outcomes ``rows``, computed as :func:`simulator.analyze`
    computes them (``rounded=False``: the sum before the cap and the rounding).

    Parameters
    ----------
    t : the model's terms; ``columns`` the ``(issues, outcomes)`` levels of the outcomes its
        ``hits`` are over, one contiguous row per issue.
    rows : outcomes (indices into ``columns``' rows).
    changed : issue index -> ``(runs, levels of the issue)`` tables replacing party ``j``'s
        column for each run (:attr:`Bound.changed`); the other issues keep their column.
    runs : the run (row of the ``changed`` tables) of each outcome of ``rows``.
    grid : every run of ``runs`` with every outcome of ``rows`` instead: ``(runs, rows)``.
    levels : issue index -> ``columns[k][rows]``, filled as they are gathered and reused:
        pass the same dict for several parties' utilities of the same ``rows``.
    partial : ``(j, issues)`` -> party ``j``'s sum of the terms of ``issues`` (in order) for
        every outcome of ``columns``, filled as needed: the issues before the first one
        ``changed`` add the same floats in every run, and are gathered as one sum. Pass the
        same dict for the same ``t`` and ``columns``.
    """
    changed = changed or {}
    mine = t.issues_of(j)
    if grid:
        return _grid_utilities(t, j, columns, rows, changed, runs, rounded)
    n = len(rows)
    levels = {} if levels is None else levels
    at, term = np.empty(n, dtype=np.intp), np.empty(n)
    parts = []
    for issues in ([k for k in mine if k < t.split], [k for k in mine if k >= t.split]):
        total = np.zeros(n)
        if partial is not None:  # the terms before the first changed one: one sum
            same = next((i for i, k in enumerate(issues) if k in changed), len(issues))
            if same > 1:
                key = (j, tuple(issues[:same]))
                if key not in partial:
                    partial[key] = _exact_partial(t, j, columns, key[1])
                np.take(partial[key], rows, out=total)
                issues = issues[same:]
        for k in issues:  # total + term, issue by issue, in place
            level = levels.get(k)
            if level is None:
                level = levels[k] = np.take(columns[k], rows)
            table = changed.get(k)
            if table is None:
                np.take(t.columns[(j, k)], level, out=term)
            else:
                np.multiply(runs, table.shape[1], out=at)  # type: ignore[arg-type]
                at += level
                np.take(table, at, out=term)
            total += term
        parts.append(total)
    return _finish(t, j, parts, rows, rounded)


def _exact_partial(t: Terms, j: int, columns: np.ndarray, issues: Sequence[int]) -> np.ndarray:
    """Party ``j``'s sum of its terms of ``issues`` for every outcome of ``columns``, added
    in order from zero as :func:`exact_utilities` adds them."""
    total = np.zeros(columns.shape[1])
    for k in issues:
        total += t.columns[(j, k)][columns[k]]
    return total


def _grid_utilities(t: Terms, j: int, columns, rows, changed, runs, rounded: bool):
    """:func:`exact_utilities` of every run with every outcome: the same additions."""
    mine = t.issues_of(j)
    shape = (len(runs), len(rows))
    parts = []
    for issues in ([k for k in mine if k < t.split], [k for k in mine if k >= t.split]):
        total = np.zeros(shape)
        for k in issues:
            level = columns[k][rows]
            table = changed.get(k)
            if table is None:
                total += t.columns[(j, k)][level]
            else:
                total += np.take(table[runs], level, axis=1)
        parts.append(total)
    return _finish(t, j, parts, rows, rounded)


def _finish(t: Terms, j: int, parts: list, rows, rounded: bool) -> np.ndarray:
    """Party ``j``'s utilities from its two partial sums (leading and trailing issues, added
    in that order, as the model adds them), plus its bonuses, capped and rounded."""
    out = parts[0]
    out += parts[1]
    for party, bonus, hit in t.hits:
        if party == j:
            out += bonus * hit[rows]
    cap = t.caps[j]
    if not rounded:
        return out
    if cap is not None:
        np.minimum(out, cap, out=out)
    return np.round(out, UTILITY_DECIMALS, out=out)


def group_runs(params: Sequence[Mapping[str, float]]) -> list[tuple[tuple[str, ...], list[int]]]:
    """Runs grouped by the parameters they name, in order: ``[(paths, positions)]``."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for r, p in enumerate(params):
        groups.setdefault(tuple(p), []).append(r)
    return list(groups.items())


@dataclass(frozen=True, eq=False)
class Bound:
    """Runs that name the same parameters, bound to the terms (see the module docstring).

    Attributes
    ----------
    res : ``(runs, parties)`` reservations.
    nash : ``(runs, signatories)`` the weights the Nash solution gives the signatories
        (``None`` when Nash is not solved).
    changed : party -> issue index -> ``(runs, levels)`` the party's table of that issue in
        each run, for every issue whose table some run changes.
    scaled : party -> ``(totals, raw)`` for a party whose weights change and are divided
        by their total: ``totals`` its ``(runs,)`` total weight, ``raw`` issue ->
        ``(runs, levels)`` the products ``w * v`` of the issues whose weight or values
        change. Every table of such a party changes.
    """

    res: np.ndarray
    nash: np.ndarray | None
    changed: Mapping[int, Mapping[int, np.ndarray]]
    scaled: Mapping[int, tuple[np.ndarray, Mapping[int, np.ndarray]]]

    @property
    def runs(self) -> int:
        return self.res.shape[0]


def _nash_weights(model: Model, power: np.ndarray) -> np.ndarray:
    """``(runs, signatories)`` Nash weights: :attr:`Model.power
    <simulator.model.Model.power>` then ``normalise_power``, run by distinct run."""
    sig = model.signatories
    distinct, inverse = np.unique(power, axis=0, return_inverse=True)
    out = np.empty((distinct.shape[0], int(sig.sum())))
    for r, row in enumerate(distinct):
        raw = row * sig
        w = (raw / raw.sum())[sig]
        if (w <= 0).any() or not np.isfinite(w).all():
            raise ValueError("power needs one positive finite number per party")
        out[r] = w / w.sum()
    return out[inverse.ravel()]


def _value_rows(model: Model, j: int, k: int, changes, n: int) -> np.ndarray:
    """``(n, levels)``: party ``j``'s value function of issue ``k`` with ``changes``
    (``(path, parsed path, column of values)``) at the issue's levels, run by run as
    :func:`~simulator.sweeps.apply.rebind` would give it."""
    issue = model.issue_names[k]
    fn = model.parties[j].values[issue]
    lv = model.level_values[k]
    if isinstance(fn, TableValue):
        table = np.tile(np.asarray(fn.values, dtype=float), (n, 1))
        options = model.issues[k].options  # type: ignore[union-attr]  # a table: options
        for _, part, column in changes:
            table[:, options.index(part["option"])] = column
        return table[:, np.asarray(lv, dtype=np.intp)]
    out = np.empty((n, len(lv)))
    seen: dict[tuple[float, ...], np.ndarray] = {}
    columns = [column.tolist() for _, _, column in changes]
    for r in range(n):
        key = tuple(c[r] for c in columns)
        if key not in seen:
            triples = [(path, part, value) for (path, part, _), value in zip(changes, key)]
            seen[key] = np.asarray(rebind(fn, triples, model, issue)(lv), dtype=float)
        out[r] = seen[key]
    return out


def _weights_of_runs(base: Sequence[float], columns: Mapping[int, np.ndarray], normalise: bool):
    """``(totals, raw, used)`` of one party's weights in each run: ``base`` with the
    positions of ``columns`` replaced; ``totals`` by Python's ``sum`` over the weights as
    objects (as recompiling sums them), ``used`` the weights the utility uses."""
    n = len(next(iter(columns.values())))
    raw = np.tile(np.asarray(base, dtype=float), (n, 1))
    for position, column in columns.items():
        raw[:, position] = column
    if not normalise:
        return None, raw, raw
    replaced = {p: c.tolist() for p, c in columns.items()}
    row = list(base)
    totals = np.empty(n)
    for r in range(n):
        for p, values in replaced.items():
            row[p] = values[r]
        totals[r] = sum(row)
    used = np.zeros_like(raw)
    np.divide(raw, totals[:, None], out=used, where=(totals > 0)[:, None])
    return totals, raw, used


def bind(model: Model, t: Terms, params: Sequence[Mapping[str, float]], nash: bool) -> Bound:
    """Bind runs that all name the same, valid, parameters (see the module docstring);
    ``nash``: compute the Nash weights (``ValueError`` for a power that is not positive).
    ``ValueError`` too for a negative weight or xs of a curve out of order."""
    keys = list(params[0]) if params else []
    return bind_values(model, t, keys, param_values(params, keys), nash)


def param_values(params: Sequence[Mapping[str, float]], keys: Sequence[str]) -> np.ndarray:
    """``(runs, keys)`` floats: ``values[r, c]`` is ``float(params[r][keys[c]])``, in one
    pass (``KeyError`` for a run without a key; ``ValueError`` or ``TypeError`` for a value
    that is no number).

    >>> param_values([{"a": 1, "b": 0.5}, {"a": 2, "b": 0.25}], ["b", "a"]).tolist()
    [[0.5, 1.0], [0.25, 2.0]]
    """
    if not keys:
        return np.zeros((len(params), 0))
    get = operator.itemgetter(*keys)
    rows = list(map(get, params)) if len(keys) > 1 else [(get(p),) for p in params]
    return np.array(rows, dtype=float).reshape(len(params), len(keys))


def bind_values(
    model: Model, t: Terms, keys: Sequence[str], values: np.ndarray, nash: bool
) -> Bound:
    """:func:`bind` on runs given as ``values[r, c]``, run ``r``'s value of ``keys[c]``."""
    n = values.shape[0]
    names = model.party_names
    k_of = {name: k for k, name in enumerate(model.issue_names)}
    res = np.tile(model.reservations, (n, 1))
    power = np.tile(np.array([p.power for p in model.parties], dtype=float), (n, 1))
    reweighed: dict[int, dict[int, np.ndarray]] = {}  # party -> position -> column
    pending: dict[tuple[int, int], list] = {}
    for c, key in enumerate(keys):
        part = parse_path(key)
        j = names.index(str(part["party"]))
        column = values[:, c]
        if part["top"] == "reservation":
            res[:, j] = column
        elif part["top"] == "power":
            power[:, j] = column
        elif part["entry"] == "weight":
            if str(part["issue"]) not in t.names[j]:
                raise ValueError(f"{key!r}: party {names[j]!r} gives {part['issue']!r} no weight")
            if (column < 0).any():
                raise ValueError(f"{key!r}: a weight must be 0 or more, not {column.min():g}")
            reweighed.setdefault(j, {})[t.names[j].index(str(part["issue"]))] = column
        else:
            pending.setdefault((j, k_of[str(part["issue"])]), []).append((key, part, column))
    vectors = {key: _value_rows(model, *key, changes, n) for key, changes in pending.items()}
    # a value function the party gives no weight changes nothing (once checked, above)
    vectors = {(j, k): v for (j, k), v in vectors.items() if (j, k) in t.columns}
    changed: dict[int, dict[int, np.ndarray]] = {}
    scaled: dict[int, tuple[np.ndarray, dict[int, np.ndarray]]] = {}
    for j in sorted({j for j, _ in vectors} | set(reweighed)):
        issues = [k_of[i] for i in t.names[j]]

        def vector(k: int, j: int = j) -> np.ndarray:
            return vectors.get((j, k), t.vectors[(j, k)][None, :])

        moved = {k for (i, k) in vectors if i == j}
        if j in reweighed:
            totals, raw_w, used = _weights_of_runs(t.weights[j], reweighed[j], t.normalise[j])
            moved |= {issues[p] for p in reweighed[j]}
            if t.normalise[j]:  # a new total: every table changes
                raw = {k: raw_w[:, issues.index(k), None] * vector(k) for k in moved}
                scaled[j] = (totals, raw)
                moved = set(issues)
        else:
            used = np.asarray([_normalised(t.weights[j], t.normalise[j])], dtype=float)
        changed[j] = {k: used[:, p, None] * vector(k) for p, k in enumerate(issues) if k in moved}
    return Bound(
        res=res,
        nash=_nash_weights(model, power) if nash else None,
        changed=changed,
        scaled=scaled,
    )
