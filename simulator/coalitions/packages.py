"""The package finder: the smallest sets of concessions that open a closed zone.

Three kinds of concession are considered, each by one signatory:

* **drop a red line** -- the party accepts outcomes its red line forbade;
* **lower a reservation** -- by the least amount that, with the rest of the package, lets
  some outcome be accepted: for parties ``Q`` cutting together the total cut is exact,

  .. math:: \\delta(Q) = \\min_{x \\in F,\\ g_j(x) \\ge 0\\ \\forall j \\notin Q}
            \\sum_{q \\in Q} \\max(0, -g_q(x)),

  where ``F`` is the outcomes the package allows and ``g`` the gains over reservations; the
  split between the members of ``Q`` is the one at the minimising outcome;
* **fix an issue** -- settle an issue the scenario's constraints pin (``issue in [...]``) at a
  level the pin excludes. (Fixing an issue nothing pins only removes outcomes, so it never
  opens a zone.) Its cost is the utility the most affected signatory gives up on that issue
  against its best pinned level: ``max_i (max_{l in pin} t_i(l) - t_i(fixed))``.

A package is *minimal* when no proper subset of it opens the zone; the finder lists every
minimal package of at most ``max_size`` concessions, ranked by cost: fewest concessions first,
then fewest red lines dropped (a red line is a stated refusal, not a number to trade), then
the least utility given up (reservation cuts plus fixes).

**Exactness.** One pass over the outcome space groups the outcomes by which signatory red
lines they break and where the pinned issues stand; for each group it keeps the best slack
and, for every set of parties that could cut, the least total cut and where it is reached.
Every package is then a maximum or minimum over groups -- exact, with no second pass. The
packages reported are re-solved from scratch on the conceded model (:func:`simulator.analyze`)
to give the opened zone's slack, size and Nash agreement.

This is the "what would it take" question of negotiation analysis (Raiffa 1982, ch. 11; on
linking concessions across issues, Sebenius 1983).

References
----------
Raiffa, H. (1982). *The Art and Science of Negotiation.* Harvard University Press.

Sebenius, J. K. (1983). Negotiation arithmetic: adding and subtracting issues and parties.
*International Organization*, 37(2), 281-316. https://doi.org/10.1017/S002081830003438X
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np

from simulator.coalitions.concede import concede
from simulator.coalitions.logroll import contributions
from simulator.coalitions.package_results import Concession, Package, PackageSearch
from simulator.errors import SpaceTooLargeError
from simulator.model import ACCEPT_ATOL, MAX_OUTCOMES, Condition, Model
from simulator.model.space import DEFAULT_CHUNK
from simulator.progress import task

__all__ = [
    "MAX_PACKAGE_WORK",
    "Concession",
    "Package",
    "PackageSearch",
    "find_packages",
    "package_work",
]

#: The most combinations of concessions the package search examines (:func:`package_work`):
#: a few seconds. 2,000 red lines give 2 million pairs; 50 red lines and 4 signatories, 1,661.
MAX_PACKAGE_WORK = 200_000


@dataclass(frozen=True, eq=False)
class _Groups:
    """Per group of outcomes (same red lines broken, same pinned levels): best slack and,
    per set of cutting parties, the least total cut, with the outcomes that reach it."""

    breaks: np.ndarray  # (G, R) bool
    pinned: np.ndarray  # (G, P) levels of the pinned issues
    best: np.ndarray  # (G,)
    cut: np.ndarray  # (G, nQ), inf where no outcome qualifies
    cut_row: np.ndarray  # (G, nQ)


def _group_extreme(
    order: np.ndarray, starts: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per group the largest value and the position of its first occurrence, for rows
    ``order`` sorted by group (stably) and groups beginning at ``starts`` in that order."""
    v = values[order]
    top = np.maximum.reduceat(v, starts)
    hit = np.flatnonzero(v == np.repeat(top, np.diff(np.r_[starts, v.size])))
    group = np.searchsorted(starts, hit, side="right") - 1
    first = hit[np.r_[True, group[1:] != group[:-1]]]
    return top, order[first]


def _pins(model: Model) -> tuple[list[int], list[int], dict[int, np.ndarray]]:
    """Constraints that pin one issue: their indices, the pinned issues, and per pinned issue
    the mask of levels the pins allow."""
    names = model.issue_names
    pin_idx: list[int] = []
    masks: dict[int, np.ndarray] = {}
    for c, rule in enumerate(model.constraints):
        if isinstance(rule, Condition):
            k = names.index(rule.issue)
            mask = rule.level_mask(model.issues[k], model.level_values[k])
            masks[k] = masks.get(k, np.ones_like(mask)) & mask
            pin_idx.append(c)
    return pin_idx, sorted(masks), masks


def _scan(model: Model, lines, pinned, pin_idx, subsets, chunk_size) -> _Groups:
    sig = model.signatories
    res = model.reservations[sig]
    rest = model.recompiled(
        constraints=[r for c, r in enumerate(model.constraints) if c not in pin_idx]
    )
    index: dict[bytes, int] = {}
    keys: list[np.ndarray] = []
    best: list[float] = []
    cut: list[np.ndarray] = []
    cut_row: list[np.ndarray] = []
    s = int(sig.sum())
    radix = np.array([2] * len(lines) + [len(model.level_values[k]) for k in pinned], np.int64)
    packed = float(np.prod(radix.astype(float))) < 2.0**62
    place = np.cumprod(np.r_[1, radix]).astype(np.int64)[:-1] if packed else None
    with task("scanning for packages", model.space.count, "outcome") as advance:
        for start, levels, u in model.evaluated(chunk_size):
            assert levels is not None  # evaluated yields the levels unless told not to
            advance(u.shape[0])
            ok = rest.constraint_mask(levels)
            rows = start + np.flatnonzero(ok)
            levels = levels[ok]
            if not rows.size:
                continue
            gains = u[ok][:, sig] - res
            key = np.hstack(
                [model.red_line_breaks(levels)[:, lines].astype(np.int64), levels[:, pinned]]
            )
            if packed:  # one int64 per outcome: sorting it is far quicker than unique rows
                code, inv = np.unique(key @ place, return_inverse=True)
                uniq = (code[:, None] // place) % radix
            else:
                uniq, inv = np.unique(key, axis=0, return_inverse=True)
            inv = inv.reshape(-1)
            n = uniq.shape[0]
            order = np.argsort(inv, kind="stable")
            starts = np.searchsorted(inv[order], np.arange(n))
            top = np.maximum.reduceat(gains.min(axis=1)[order], starts)
            low = np.full((n, len(subsets)), np.inf)
            low_row = np.full((n, len(subsets)), -1, dtype=np.int64)
            accept = gains >= -ACCEPT_ATOL
            for q, members in enumerate(subsets):
                others = [i for i in range(s) if i not in members]
                total = np.clip(-gains[:, list(members)], 0.0, None).sum(axis=1)
                total[~accept[:, others].all(axis=1)] = np.inf
                neg, at = _group_extreme(order, starts, -total)
                low[:, q], low_row[:, q] = -neg, at
            for g in range(n):
                k = uniq[g].tobytes()
                if k not in index:
                    index[k] = len(keys)
                    keys.append(uniq[g])
                    best.append(-np.inf)
                    cut.append(np.full(len(subsets), np.inf))
                    cut_row.append(np.full(len(subsets), -1, dtype=np.int64))
                j = index[k]
                best[j] = max(best[j], float(top[g]))
                better = low[g] < cut[j]
                cut[j][better] = low[g][better]
                cut_row[j][better] = rows[low_row[g][better]]
    r = len(lines)
    k_arr = np.array(keys, dtype=np.int64).reshape(len(keys), r + len(pinned))
    return _Groups(
        breaks=k_arr[:, :r].astype(bool),
        pinned=k_arr[:, r:],
        best=np.array(best),
        cut=np.array(cut).reshape(len(keys), len(subsets)),
        cut_row=np.array(cut_row, dtype=np.int64).reshape(len(keys), len(subsets)),
    )


def find_packages(
    model: Model,
    *,
    max_size: int = 2,
    top: int = 5,
    chunk_size: int = DEFAULT_CHUNK,
    max_outcomes: int = MAX_OUTCOMES,
    max_work: int = MAX_PACKAGE_WORK,
) -> PackageSearch:
    """The smallest sets of concessions that open a closed zone, ranked by cost.

    Parameters
    ----------
    model : a compiled model.
    max_size : the most concessions in a package (every combination up to this size is
        examined, exactly).
    top : how many packages to return (and re-solve for their Nash agreement).
    max_work : the most combinations to examine (:func:`package_work`); more is refused
        (:class:`~simulator.errors.SpaceTooLargeError`) before the space is scanned.

    Returns
    -------
    PackageSearch
        With no packages when the zone is already open.

    Examples
    --------
    Russia forbids NATO membership; the scenario pins it (``nato in [member]``):

    >>> from simulator.model import DiscreteIssue, Party, TableValue, compile_model
    >>> nato = DiscreteIssue("nato", ("member", "neutral"))
    >>> russia = Party("russia", 0.5, {"nato": 1.0}, {"nato": TableValue((0.0, 1.0))},
    ...                red_lines=(Condition("nato", options=("member",), negate=True),))
    >>> ukraine = Party("ukraine", 0.3, {"nato": 1.0}, {"nato": TableValue((1.0, 0.4))})
    >>> m = compile_model([nato], [russia, ukraine], [Condition("nato", options=("member",))])
    >>> for p in find_packages(m).packages:
    ...     print(p.text())
    nato is settled at neutral, instead of 'nato in [member]'
    (ukraine gives up 0.600 of utility on it).
    russia drops its red line 'nato not_in [member]'; and russia lowers its reservation
    by 0.500 (from 0.500 to 0.000).
    """
    if max_size < 1:
        raise ValueError("max_size must be at least 1")
    model.check_size(max_outcomes)
    sig = model.signatories
    sig_idx = np.flatnonzero(sig)
    s = sig_idx.size
    lines = model.signatory_lines
    pin_idx, pinned, pin_masks = _pins(model)
    n_fixes = sum(int((~pin_masks[k]).sum()) for k in pinned)
    work = package_work(len(lines) + n_fixes, s, max_size)
    if work > max_work:
        raise SpaceTooLargeError(
            work,
            max_work,
            f"the search for packages of up to {max_size} concessions would examine {work:,} "
            f"combinations ({len(lines)} red lines and {n_fixes} other settlements of pinned "
            f"issues to drop or make), more than its limit of {max_work:,}; look for smaller "
            "packages (zopa explain --max-size 1)",
        )
    subsets = [c for k in range(1, min(max_size, s) + 1) for c in combinations(range(s), k)]
    groups = _scan(model, lines, pinned, pin_idx, subsets, chunk_size)
    pin_ok = (
        np.column_stack([pin_masks[k][groups.pinned[:, p]] for p, k in enumerate(pinned)])
        if pinned
        else np.ones((groups.best.size, 0), dtype=bool)
    )

    n_broken = groups.breaks.sum(axis=1)

    def allowed(dropped: Sequence[int], fixed: dict[int, int]) -> np.ndarray:
        # no red line broken but the dropped ones (which are distinct)
        ok = groups.breaks[:, list(dropped)].sum(axis=1) == n_broken
        for p in range(len(pinned)):
            ok &= groups.pinned[:, p] == fixed[p] if p in fixed else pin_ok[:, p]
        return ok

    base = allowed((), {})
    slack0 = float(groups.best[base].max()) if base.any() else -np.inf
    if slack0 >= -ACCEPT_ATOL:
        return PackageSearch(True, max(slack0, 0.0), max_size, 0, 0, ())

    candidates: list[tuple] = [("red_line", j) for j in range(len(lines))]
    for p, k in enumerate(pinned):
        candidates += [("fix", p, int(v)) for v in np.flatnonzero(~pin_masks[k])]
    fix_cost = {
        c: _fix_cost(model, pinned[c[1]], pin_masks[pinned[c[1]]], c[2])
        for c in candidates
        if c[0] == "fix"
    }
    # Every package up to max_size, with its least cost when it opens the zone.
    costs: dict[frozenset, float] = {}
    found: list[tuple] = []
    examined = 0
    for size in range(1, max_size + 1):
        for n_cut in range(0, size + 1):
            cut_sets = [()] if n_cut == 0 else [q for q in subsets if len(q) == n_cut]
            for combo in combinations(candidates, size - n_cut):
                fixes = [c for c in combo if c[0] == "fix"]
                if len({c[1] for c in fixes}) < len(fixes):
                    continue  # one issue settled twice
                ok = allowed(
                    [c[1] for c in combo if c[0] == "red_line"], {c[1]: c[2] for c in fixes}
                )
                if not ok.any():
                    continue
                for q in cut_sets:
                    examined += 1
                    cuts: dict[int, float] = {}
                    if not q:
                        if groups.best[ok].max() < -ACCEPT_ATOL:
                            continue
                    else:
                        col = subsets.index(q)
                        totals = groups.cut[ok, col]
                        if not np.isfinite(totals.min()):
                            continue
                        row = int(groups.cut_row[ok, col][np.argmin(totals)])
                        cuts = _deficits(model, row, [int(sig_idx[i]) for i in q])
                    ids = frozenset(combo) | {("cut", i) for i in q}
                    cost = sum(cuts.values()) + sum(fix_cost[c][1] for c in fixes)
                    costs[ids] = cost
                    if not _dominated(ids, cost, costs):
                        drops = sum(c[0] == "red_line" for c in combo)
                        found.append((size, drops, cost, combo, cuts))
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    packages = tuple(
        _package(model, lines, pinned, pin_idx, combo, cuts, fix_cost, drops, cost, max_outcomes)
        for _, drops, cost, combo, cuts in found[:top]
    )
    return PackageSearch(
        False,
        None if not np.isfinite(slack0) else slack0,
        max_size,
        examined,
        len(found),
        packages,
    )


def package_work(candidates: int, signatories: int, max_size: int) -> int:
    """How many combinations the package search examines: every set of at most ``max_size``
    concessions, of which ``n_cut`` are reservation cuts (a set of ``n_cut`` signatories) and
    the rest among ``candidates`` (red lines to drop, pinned issues to settle otherwise)."""
    total = 0
    for size in range(1, max_size + 1):
        for n_cut in range(0, size + 1):
            cut_sets = 1 if n_cut == 0 else comb(signatories, n_cut)
            total += comb(candidates, size - n_cut) * cut_sets
    return total


def _dominated(ids: frozenset, cost: float, costs: dict[frozenset, float]) -> bool:
    """Whether a proper part of the package ``ids`` opens the zone at no greater cost."""
    items = list(ids)
    return any(
        costs.get(frozenset(part), np.inf) <= cost + ACCEPT_ATOL
        for k in range(1, len(items))
        for part in combinations(items, k)
    )


def _deficits(model: Model, row: int, parties: Sequence[int]) -> dict[int, float]:
    """How far each of ``parties`` falls short of its reservation at outcome ``row``."""
    u = model.utilities(model.space.levels(row, row + 1))[0]
    res = model.reservations
    return {i: max(0.0, float(res[i] - u[i])) for i in parties}


def _fix_cost(model: Model, k: int, pin_mask: np.ndarray, level: int) -> tuple[int | None, float]:
    """The signatory that loses most by settling issue ``k`` at ``level`` instead of its best
    pinned level, and how much (``(None, 0.0)`` if nobody loses)."""
    if not pin_mask.any():  # the pins allow no level at all: nothing to give up
        return None, 0.0
    table = contributions(model, k)  # (levels, parties)
    loss = table[pin_mask].max(axis=0) - table[level]
    loss[~model.signatories] = -np.inf
    i = int(np.argmax(loss))
    return (i, float(loss[i])) if loss[i] > ACCEPT_ATOL else (None, 0.0)


def _package(model, lines, pinned, pin_idx, combo, cuts, fix_cost, drops, cost, max_outcomes):
    """Describe one package and re-solve the conceded model (its slack, size, Nash)."""
    from simulator.analysis import analyze

    names = model.party_names
    labels = [p.label or p.name for p in model.parties]
    concessions = []
    for c in combo:
        if c[0] == "red_line":
            line = model.red_lines[lines[c[1]]]
            concessions.append(
                Concession(
                    "red_line",
                    names[line.party],
                    labels[line.party],
                    0.0,
                    str(line.rule),
                    rules=(line.rule,),
                )
            )
        else:
            k, level = pinned[c[1]], c[2]
            who, amount = fix_cost[c]
            pins = [model.constraints[i] for i in pin_idx]
            concessions.append(
                Concession(
                    "fix",
                    None if who is None else names[who],
                    None if who is None else labels[who],
                    amount,
                    " and ".join(str(r) for r in pins if r.issue == model.issue_names[k]),
                    model.issue_names[k],
                    model.level_value(k, level),
                    rules=tuple(r for r in pins if r.issue == model.issue_names[k]),
                )
            )
    for i, delta in cuts.items():
        concessions.append(
            Concession(
                "reservation", names[i], labels[i], delta, reservation=float(model.reservations[i])
            )
        )
    result = analyze(concede(model, concessions), ["nash"], max_outcomes=max_outcomes)
    zone = result.zone
    if not zone.exists:  # the search and the re-solve must agree
        raise AssertionError(f"package {combo} {cuts} does not open the zone on re-solving")
    return Package(
        concessions=tuple(concessions),
        red_lines_dropped=drops,
        cost=float(cost),
        slack=float(zone.slack),
        count=zone.count,
        agreement=result.solutions["nash"],
    )
