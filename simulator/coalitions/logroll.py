"""Logrolling: where two parties' priorities differ, and the two-issue trades that raise both.

When two parties weigh issues differently, each can give way on the issue it cares about
less, relative to the other, for the issue it cares about more, and both end up better off:
integrative bargaining by logrolling (Raiffa 1982; Pruitt 1981), or the mutually advantageous
issue linkage of Tollison & Willett (1979). This module finds such trades in a compiled model.

Definitions
-----------
Party ``i``'s contribution from issue ``k`` at level ``l`` is its normalised weight times its
value, the model's per-issue table (:meth:`Model.additive` of that issue alone):

.. math:: t_{ik}(l) = w_{ik} v_{ik}(l).

Its *importance* (swing weight) on ``k`` is how much it can gain or lose there,

.. math:: I_{ik} = \\max_l t_{ik}(l) - \\min_l t_{ik}(l),

and its marginal rate of substitution of issue ``a`` for ``b`` is
``MRS_i(a, b) = I_ia / I_ib``. For a pair ``(i, j)`` the *relative priority* of issue ``k`` is

.. math:: \\rho_k = \\log I_{ik} - \\log I_{jk}

(``+inf`` / ``-inf`` where only ``i`` / only ``j`` has a stake; issues neither weighs are left
out), and its *alignment* is ``"opposed"``, ``"shared"`` or ``"mixed"`` as the Pearson
correlation ``r`` of ``t_ik`` and ``t_jk`` over the levels is ``<= -0.5``, ``>= 0.5`` or in
between (``"one-sided"`` when one has no stake). Issues are listed by ``rho`` from high to
low: ``rho_a - rho_b = log MRS_i(a, b) - log MRS_j(a, b)``, so issues far apart in this order
are where the two value a swap most differently.

A *trade* for ``(i, j)`` is two distinct issues ``a``, ``b`` and moves ``a: l_a -> l_a'``,
``b: l_b -> l_b'`` such that one party strictly loses on ``a`` and strictly gains on ``b``,
the other the reverse (each concedes one issue: a true logroll, not a gift one party does not
mind giving), and both gain in total (beyond ``1e-12``):

.. math:: \\Delta_i = t_{ia}(l_a') - t_{ia}(l_a) + t_{ib}(l_b') - t_{ib}(l_b) > 0,
          \\qquad \\Delta_j > 0.

Utilities being additive, ``Delta_i`` is the change of ``u_i`` for *any* setting of the other
issues. Interaction bonuses break this: a trade is flagged ``additive_exact=False`` when an
interaction of ``i`` or ``j`` has a condition on ``a`` or ``b`` (its gains then hold only where
no bonus switches on or off), and when ``i`` or ``j`` has a ``cap`` (the cap may cut a gain).
The *to* assignment ``(l_a', l_b')`` must not break, on its own, any constraint or any red
line of ``i`` or ``j`` whose issues all lie in ``{a, b}`` (rules over other issues depend on
how those are settled, and are not judged); the *from* assignment may, since it is a position
(Ukraine's NATO membership, which Russia forbids).

Every level quadruple of every issue pair is enumerated, as arrays in blocks (bounded memory);
a search of more than ``MAX_TRADE_WORK`` quadruples is refused before it starts
(:class:`~simulator.errors.SpaceTooLargeError`: coarsen the grids). Trades are ranked by
``min(Delta_i, Delta_j)``, then by ``Delta_i + Delta_j`` (gains rounded to 12 decimals), then
by issue and level order; the best one per pair of issues is kept.

References
----------
Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard University Press.
ISBN 978-0674048133.

Pruitt, D. G. (1981). *Negotiation Behavior*. Academic Press.

Tollison, R. D., & Willett, T. D. (1979). An economic theory of mutually advantageous issue
linkages in international negotiations. *International Organization*, 33(4), 425-449.
https://doi.org/10.1017/S0020818300032252

Examples
--------
Russia cares more about NATO, Ukraine more about the guarantee; neutrality for an
Article-5-like guarantee raises both (Russia's red line forbids membership, the *from* side):

>>> from simulator.model import Condition, DiscreteIssue, Party, TableValue, compile_model
>>> nato = DiscreteIssue("nato", ("member", "neutral"))
>>> guarantee = DiscreteIssue("guarantee", ("none", "article5"))
>>> russia = Party("russia", 0.5, {"nato": 0.6, "guarantee": 0.4},
...                {"nato": TableValue((0.0, 1.0)), "guarantee": TableValue((1.0, 0.3))},
...                red_lines=(Condition("nato", ("member",), negate=True),), label="Russia")
>>> ukraine = Party("ukraine", 0.55, {"nato": 1.0, "guarantee": 1.0},
...                 {"nato": TableValue((1.0, 0.2)), "guarantee": TableValue((0.0, 1.0))},
...                 label="Ukraine")
>>> model = compile_model([nato, guarantee], [russia, ukraine])
>>> [(p.issue, round(p.log_ratio, 3), p.alignment)
...  for p in pair_priorities(model, "russia", "ukraine").issues]
[('nato', 0.405, 'opposed'), ('guarantee', -0.58, 'opposed')]
>>> (link,) = logrolls(model)
>>> print(link.trades[0].describe("ukraine"))
Ukraine gives up nato (member → neutral: Ukraine −0.40, Russia +0.60) for guarantee
(none → article5: Ukraine +0.50, Russia −0.28); both gain: Ukraine +0.10, Russia +0.32
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from simulator.coalitions.logroll_results import (
    Alignment,
    IssuePriority,
    Move,
    PairLinkage,
    PairPriorities,
    Trade,
)
from simulator.errors import SpaceTooLargeError
from simulator.model import Implication, Model
from simulator.model.compiled import UTILITY_DECIMALS
from simulator.progress import task

__all__ = [
    "MAX_TRADE_WORK",
    "IssuePriority",
    "Move",
    "PairLinkage",
    "PairPriorities",
    "Trade",
    "contributions",
    "importance",
    "logrolls",
    "pair_priorities",
    "trade_work",
]

#: A gain or loss smaller than this is no gain or loss.
TOL = 1e-12
#: Correlations at or beyond +-this make an issue's preferences "shared" / "opposed".
ALIGNMENT_CUT = 0.5
#: The most level quadruples the trade search examines (:func:`trade_work`); about ten
#: seconds of work. Two continuous issues of 101 grid points and one pair of signatories need
#: 101^4 ~ 1.04e8; the default grid of 11 needs 14,641 per pair of issues.
MAX_TRADE_WORK = 200_000_000


def contributions(model: Model, k: int) -> np.ndarray:
    """``t_k``: every party's additive contribution from issue ``k``, ``(L_k, n_parties)``."""
    return model.additive(np.arange(len(model.level_values[k]))[:, None], k)


def importance(model: Model) -> np.ndarray:
    """``I``: every party's swing weight on every issue, ``(n_issues, n_parties)``."""
    return np.array([np.ptp(contributions(model, k), axis=0) for k in range(len(model.issues))])


def pair_priorities(model: Model, a: str, b: str) -> PairPriorities:
    """Where parties ``a`` and ``b`` care about different issues (see the module docstring).

    Raises
    ------
    ValueError
        If ``a`` or ``b`` is not a party of the model, or they are the same party.
    """
    tables = [contributions(model, k) for k in range(len(model.issues))]
    return _priorities(model, tables, *_pair(model, a, b))


def _priorities(model: Model, tables, i: int, j: int) -> PairPriorities:
    rows = []
    for k, issue in enumerate(model.issues):
        t = tables[k][:, [i, j]]
        imp = np.ptp(t, axis=0)
        stake = imp > TOL
        if not stake.any():
            continue
        if stake.all():
            rho = float(np.log(imp[0]) - np.log(imp[1]))
            x, y = (t - t.mean(axis=0)).T
            r = float(np.clip(x @ y / np.sqrt((x @ x) * (y @ y)), -1.0, 1.0))
            align: Alignment = (
                "opposed" if r <= -ALIGNMENT_CUT else "shared" if r >= ALIGNMENT_CUT else "mixed"
            )
        else:
            rho, r, align = (np.inf if stake[0] else -np.inf), np.nan, "one-sided"
        rows.append(
            (-rho, k, IssuePriority(issue.name, _label(issue), _floats(imp), rho, r, align))
        )
    rows.sort(key=lambda row: (row[0], row[1]))
    return PairPriorities(
        (model.parties[i].name, model.parties[j].name),
        (_label(model.parties[i]), _label(model.parties[j])),
        tuple(row[2] for row in rows),
    )


def logrolls(
    model: Model,
    parties: Sequence[str] | None = None,
    top: int = 5,
    *,
    max_work: int = MAX_TRADE_WORK,
) -> tuple[PairLinkage, ...]:
    """Priorities and the ``top`` best two-issue trades of every pair of ``parties``.

    Parameters
    ----------
    model : a compiled model.
    parties : party names; pairs are taken in this order. Default: the signatories.
    top : how many trades to keep per pair (the best per pair of issues, best first).
    max_work : the most level quadruples to examine (:func:`trade_work`), checked before
        any is; memory stays bounded whatever the grids.

    Returns
    -------
    tuple of PairLinkage
        One per pair ``(parties[p], parties[q])``, ``p < q``; a pair's ``trades`` is empty when
        no logroll raises both.

    Raises
    ------
    SpaceTooLargeError
        When the search would examine more than ``max_work`` level quadruples.
    """
    if top < 0:
        raise ValueError("top must be non-negative")
    names = (
        [p.name for p, s in zip(model.parties, model.signatories) if s]
        if parties is None
        else list(parties)
    )
    _check_work(model, len(names) * (len(names) - 1) // 2, max_work)
    tables = [contributions(model, k) for k in range(len(model.issues))]
    pairs = list(combinations(names, 2))
    with task("searching for trades", trade_work(model, len(pairs)), "move") as advance:
        return tuple(
            PairLinkage(
                (a, b),
                _priorities(model, tables, *_pair(model, a, b)),
                _trades(model, tables, a, b, top, advance),
            )
            for a, b in pairs
        )


# -- the trades of one pair --------------------------------------------------------------------


def trade_work(model: Model, n_pairs: int = 1) -> int:
    """How many level quadruples ``(l_a, l_a', l_b, l_b')`` the trade search examines for
    ``n_pairs`` pairs of parties: ``n_pairs * sum over issue pairs of (L_a L_b)^2``."""
    sizes = [len(v) for v in model.level_values]
    return n_pairs * sum((x * y) ** 2 for x, y in combinations(sizes, 2))


def _check_work(model: Model, n_pairs: int, limit: int) -> None:
    work = trade_work(model, n_pairs)
    if work <= limit:
        return
    sizes = {i.name: len(v) for i, v in zip(model.issues, model.level_values)}
    a, b = sorted(sizes, key=sizes.__getitem__, reverse=True)[:2]
    raise SpaceTooLargeError(
        work,
        limit,
        f"the search for trades would compare {work:,} pairs of moves ({n_pairs} pair"
        f"{'s' if n_pairs != 1 else ''} of signatories; {a} has {sizes[a]:,} levels, {b} "
        f"{sizes[b]:,}), more than its limit of {limit:,}; give the continuous issues a "
        "coarser grid",
    )


def _trades(model: Model, tables, a: str, b: str, top: int, advance) -> tuple[Trade, ...]:
    i, j = _pair(model, a, b)
    pair_tables = [t[:, [i, j]] for t in tables]  # per issue: (L, 2) contributions of i, j
    found = []
    for x, y in combinations(range(len(model.issues)), 2):
        best = _best(pair_tables[x], pair_tables[y], _to_allowed(model, x, y, (i, j)))
        advance((len(tables[x]) * len(tables[y])) ** 2)
        if best is not None:
            found.append((best, x, y))
    found.sort(key=lambda f: (-f[0][0], -f[0][1], f[1], f[2]))
    return tuple(_trade(model, (i, j), pair_tables, x, y, q) for (_, _, q), x, y in found[:top])


#: Level quadruples of one issue pair evaluated at once (bounds the memory of the search).
_CHUNK = 1 << 18


def _moves(t: np.ndarray, rows: slice | None = None) -> np.ndarray:
    """Change of the pair's contributions from level ``l`` to level ``l'``: ``(L, L, 2)``
    (the rows ``l`` in ``rows`` only)."""
    return t[None, :, :] - t[rows if rows is not None else slice(None), None, :]


def _best(ta: np.ndarray, tb: np.ndarray, allowed: np.ndarray):
    """The best trade on issues ``(a, b)``: ``(worst gain, total gain, (la, la', lb, lb'))``,
    or None. ``ta``, ``tb``: the pair's contributions per level ``(L, 2)``; ``allowed``:
    ``(La, Lb)``. The level quadruples are examined in blocks of ``l_a`` (memory bounded by
    ``_CHUNK``); across blocks the first best is kept, as over the whole array."""
    db = _moves(tb)
    first_gives_b, second_gives_b = _gives(db)
    if not (first_gives_b.any() or second_gives_b.any()):
        return None
    dbi, dbj = db[..., 0][None, None], db[..., 1][None, None]
    la_n, lb_n = ta.shape[0], tb.shape[0]
    rows = max(1, _CHUNK // (la_n * lb_n * lb_n))
    best = None
    for r0 in range(0, la_n, rows):
        da = _moves(ta, slice(r0, r0 + rows))
        first_gives_a, second_gives_a = _gives(da)
        if not (
            (first_gives_a.any() and second_gives_b.any())
            or (second_gives_a.any() and first_gives_b.any())
        ):
            continue
        ok = (first_gives_a[:, :, None, None] & second_gives_b[None, None]) | (
            second_gives_a[:, :, None, None] & first_gives_b[None, None]
        )
        ok &= allowed[None, :, None, :]
        # a gain rounds above TOL only if it exceeds TOL / 2: round the candidates only
        gi = da[..., 0][:, :, None, None] + dbi
        ok &= gi > TOL / 2
        gj = da[..., 1][:, :, None, None] + dbj
        ok &= gj > TOL / 2
        flat = np.flatnonzero(ok)
        wi = np.round(gi.ravel()[flat], UTILITY_DECIMALS)
        wj = np.round(gj.ravel()[flat], UTILITY_DECIMALS)
        keep = (wi > TOL) & (wj > TOL)
        flat, wi, wj = flat[keep], wi[keep], wj[keep]
        if flat.size == 0:
            continue
        worst, total = np.minimum(wi, wj), wi + wj
        top = np.flatnonzero(worst == worst.max())
        pick = top[np.argmax(total[top])]  # the first of the best: ties go to the first quadruple
        if best is None or (worst[pick], total[pick]) > (best[0], best[1]):
            quad = np.unravel_index(flat[pick], ok.shape)
            best = (
                float(worst[pick]),
                float(total[pick]),
                (r0 + int(quad[0]), *(int(v) for v in quad[1:])),
            )
    return best


def _gives(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moves ``(l, l')`` on which the first party loses and the second gains, and the reverse."""
    return (d[..., 0] < -TOL) & (d[..., 1] > TOL), (d[..., 0] > TOL) & (d[..., 1] < -TOL)


def _to_allowed(model: Model, a: int, b: int, owners: tuple[int, int]) -> np.ndarray:
    """``(La, Lb)``: which *to* assignments of issues ``a``, ``b`` break no constraint and no
    red line of ``owners`` that lies wholly on ``a`` and ``b``."""
    names = {model.issues[a].name: (a, 0), model.issues[b].name: (b, 1)}
    rules = list(model.constraints) + [r.rule for r in model.red_lines if r.party in owners]
    ok = np.ones((len(model.level_values[a]), len(model.level_values[b])), dtype=bool)

    def holds(cond) -> np.ndarray:
        k, axis = names[cond.issue]
        mask = cond.level_mask(model.issues[k], model.level_values[k])
        return mask[:, None] if axis == 0 else mask[None, :]

    for rule in rules:
        if not set(rule.issues) <= names.keys():
            continue
        if isinstance(rule, Implication):
            ok &= holds(rule.consequent) | ~holds(rule.antecedent)
        else:
            ok &= holds(rule)
    return ok


def _trade(model: Model, pair: tuple[int, int], tables, a: int, b: int, quad) -> Trade:
    names = (model.parties[pair[0]].name, model.parties[pair[1]].name)
    moves = tuple(
        _move(model, names, tables[k], k, quad[2 * s], quad[2 * s + 1])
        for s, k in enumerate((a, b))
    )
    issues = {model.issues[a].name, model.issues[b].name}
    exact = not any(
        c.issue in issues
        for p in pair
        for inter in model.parties[p].interactions
        for c in inter.when
    ) and all(model.parties[p].cap is None for p in pair)
    gains = np.round(
        (tables[a][quad[1]] - tables[a][quad[0]]) + (tables[b][quad[3]] - tables[b][quad[2]]),
        UTILITY_DECIMALS,
    )
    return Trade(
        names,
        (_label(model.parties[pair[0]]), _label(model.parties[pair[1]])),
        moves,  # type: ignore[arg-type]
        _floats(gains),
        exact,
    )


def _move(model: Model, names, t: np.ndarray, k: int, frm: int, to: int) -> Move:
    changes = _floats(np.round(t[to] - t[frm], UTILITY_DECIMALS))
    issue = model.issues[k]
    return Move(
        issue.name,
        _label(issue),
        k,
        frm,
        to,
        model.level_value(k, frm),
        model.level_value(k, to),
        changes,
        names[0] if changes[0] < 0 else names[1],
    )


def _pair(model: Model, a: str, b: str) -> tuple[int, int]:
    names = model.party_names
    for name in (a, b):
        if name not in names:
            raise ValueError(f"no party {name!r}")
    if a == b:
        raise ValueError("a pair needs two different parties")
    return names.index(a), names.index(b)


def _label(x) -> str:
    return x.label or x.name


def _floats(v) -> tuple[float, float]:
    return float(v[0]), float(v[1])
