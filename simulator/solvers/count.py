"""Counting the acceptable outcomes of a space too large to enumerate.

:func:`count_acceptable` first tries an exact dynamic programme over the issues: the state is
the vector of the signatories' partial gains; a state from which every completion is
acceptable is counted at once (the product of the remaining issues' sizes), one from which no
completion can reach every reservation is dropped. It applies when acceptability decomposes
by issue -- every constraint and signatory red line a single condition (no implication) and no
signatory has interaction bonuses -- and while the number of distinct states stays below
``max_states``. Otherwise it estimates the share from a uniform random sample, with a 95%
Wilson score interval (Wilson 1927), and says so.

Partial gains are merged when equal to 1e-12 (floating-point sums of the same values in a
different order); the count is otherwise exact on the grid.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*JASA*, 22(158), 209-212. https://doi.org/10.1080/01621459.1927.10502953
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

from simulator.model.compiled import ACCEPT_ATOL, Model
from simulator.model.rules import Implication

__all__ = ["Count", "count_acceptable"]


@dataclass(frozen=True)
class Count:
    """How many outcomes of the grid space are acceptable.

    ``exact`` tells whether ``count`` is exact; when it is an estimate, ``low`` and ``high``
    bound a 95% interval for the count and ``samples`` says how many outcomes were drawn.
    """

    count: int
    total: int
    exact: bool
    low: float
    high: float
    samples: int = 0

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


def _decomposes(model: Model) -> bool:
    sig = model.signatories
    rules = list(model.constraints) + [model.red_lines[j].rule for j in model.signatory_lines]
    if any(isinstance(r, Implication) for r in rules):
        return False
    return not any(p.interactions for p, s in zip(model.parties, sig) if s)


def _exact(model: Model, max_states: int) -> int | None:
    sig = model.signatories
    res = model.reservations[sig]
    sizes = model.space.sizes
    # per issue: the allowed levels and each signatory's contribution at each level
    allowed = [np.ones(n, dtype=bool) for n in sizes]
    rules = list(model.constraints) + [model.red_lines[j].rule for j in model.signatory_lines]
    by_name = {i.name: k for k, i in enumerate(model.issues)}
    for rule in rules:
        k = by_name[rule.issue]
        allowed[k] &= rule.level_mask(model.issues[k], model.level_values[k])
    if not all(a.any() for a in allowed):
        return 0
    base = model.utilities(np.zeros((1, len(sizes)), dtype=np.int64))
    contrib = []
    for k, n in enumerate(sizes):
        levels = np.zeros((n, len(sizes)), dtype=np.int64)
        levels[:, k] = np.arange(n)
        u = model.utilities(levels) - base  # this issue's part only
        contrib.append(u[allowed[k]][:, sig])
    offset = base[0, sig] - res
    # bounds of what the remaining issues can add
    hi_rest = np.zeros((len(sizes) + 1, sig.sum()))
    lo_rest = np.zeros((len(sizes) + 1, sig.sum()))
    for k in range(len(sizes) - 1, -1, -1):
        hi_rest[k] = hi_rest[k + 1] + contrib[k].max(axis=0)
        lo_rest[k] = lo_rest[k + 1] + contrib[k].min(axis=0)
    n_rest = [prod(len(c) for c in contrib[k:]) for k in range(len(sizes) + 1)]
    keys = np.round(offset, 12)[None, :]
    counts = np.array([1], dtype=object)  # Python integers: counts may exceed 2**63
    total = 0
    for k, c in enumerate(contrib):
        next_keys, next_counts = [], []
        for row in c:
            g = keys + row
            done = (g + lo_rest[k + 1] >= -ACCEPT_ATOL).all(axis=1)
            if done.any():
                total += int(counts[done].sum()) * n_rest[k + 1]
            live = ~done & (g + hi_rest[k + 1] >= -ACCEPT_ATOL).all(axis=1)
            next_keys.append(g[live])
            next_counts.append(counts[live])
        keys = np.round(np.vstack(next_keys), 12)
        counts = np.concatenate(next_counts)
        if keys.shape[0] == 0:
            break
        keys, inverse = np.unique(keys, axis=0, return_inverse=True)
        merged = np.zeros(keys.shape[0], dtype=object)
        np.add.at(merged, inverse.ravel(), counts)
        counts = merged
        if keys.shape[0] > max_states:
            return None
    return int(total)


def count_acceptable(
    model: Model,
    *,
    max_states: int = 500_000,
    samples: int = 200_000,
    seed: int | np.random.Generator | None = 0,
) -> Count:
    """Count (or estimate) the outcomes of the grid space acceptable to every signatory.

    Examples
    --------
    >>> from simulator.model import DiscreteIssue, Party, TableValue, compile_model
    >>> issues = [DiscreteIssue(f"i{k}", ("a", "b")) for k in range(3)]
    >>> p = Party("p", 0.5, {i.name: 1 for i in issues},
    ...           {i.name: TableValue((1.0, 0.0)) for i in issues})
    >>> q = Party("q", 0.3, {i.name: 1 for i in issues},
    ...           {i.name: TableValue((0.0, 1.0)) for i in issues})
    >>> c = count_acceptable(compile_model(issues, [p, q]))
    >>> c.count, c.total, c.exact
    (3, 8, True)
    """
    total = model.space.count
    if _decomposes(model):
        exact = _exact(model, max_states)
        if exact is not None:
            return Count(exact, total, True, exact, exact)
    levels = model.space.sample(samples, seed)
    u = model.utilities(levels)
    sig = model.signatories
    lines = model.signatory_lines
    ok = (
        model.constraint_mask(levels)
        & ~model.red_line_breaks(levels)[:, lines].any(axis=1)
        & (u[:, sig] >= model.reservations[sig] - ACCEPT_ATOL).all(axis=1)
    )
    k, n, z = int(ok.sum()), samples, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = float(max(0.0, centre - half) * total)
    high = float(min(1.0, centre + half) * total)
    return Count(round(p * total), total, False, low, high, samples)
