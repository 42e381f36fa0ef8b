"""Counting the acceptable outcomes of a space too large to enumerate.

:func:`count_acceptable` first tries an exact dynamic programme over the issues: the state is
the vector of the signatories' partial gains; a state from which every completion is
acceptable is counted at once (the product of the remaining issues' sizes), one from which no
completion can reach every reservation is dropped. It applies when acceptability decomposes
by issue -- every constraint and signatory red line a single condition (no implication) and no
signatory has interaction bonuses or a cap -- and while it stays within its budget: at most
``max_states`` distinct states, and at most ``max_work`` candidate states for one issue,
checked *before* the issue is expanded (so a space of 10^15 outcomes costs a fraction of a
second, not gigabytes). Otherwise it estimates the share from a uniform random sample, with a 95%
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

__all__ = ["MAX_WORK", "Count", "count_acceptable"]

#: Default work budget of the exact count: candidate states examined for one issue (three
#: continuous issues of 100,000 grid points would need 10^10 for the second issue).
MAX_WORK = 20_000_000


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
    return all(p.additive for p, s in zip(model.parties, sig) if s)


def _exact(model: Model, max_states: int, max_work: int) -> int | None:
    """The exact count, or None when the programme would exceed its budget: more than
    ``max_work`` candidate states for one issue (checked before the issue is expanded), or
    more than ``max_states`` distinct states after it (checked while merging, so memory stays
    bounded by a few times ``max_states`` rows)."""
    sig = model.signatories
    res = model.reservations[sig]
    sizes = model.space.sizes
    # per issue: the allowed levels and each signatory's contribution at each level
    allowed = [np.ones(n, dtype=bool) for n in sizes]
    rules = list(model.constraints) + [model.red_lines[j].rule for j in model.signatory_lines]
    by_name = {i.name: k for k, i in enumerate(model.issues)}
    for rule in rules:
        assert not isinstance(rule, Implication)  # _decomposes() refused implications
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
    width = max(1, int(sig.sum()))
    for k, c in enumerate(contrib):
        if keys.shape[0] * len(c) > max_work:
            return None  # the budget, before anything of this issue is allocated
        merged = _Merger(max_states)
        rows = max(1, _BLOCK // (keys.shape[0] * width))  # levels expanded at once
        for r0 in range(0, len(c), rows):
            g = keys[None, :, :] + c[r0 : r0 + rows, None, :]  # (levels, states, signatories)
            done = (g + lo_rest[k + 1] >= -ACCEPT_ATOL).all(axis=2)
            if done.any():
                total += int(np.broadcast_to(counts, done.shape)[done].sum()) * n_rest[k + 1]
            live = ~done & (g + hi_rest[k + 1] >= -ACCEPT_ATOL).all(axis=2)
            if not merged.add(g[live], np.broadcast_to(counts, live.shape)[live]):
                return None
        keys, counts = merged.result()
        if keys.shape[0] == 0 or keys.shape[0] > max_states:
            return None if keys.shape[0] else int(total)
    return int(total)


#: Candidate states (times signatories) the programme evaluates in one array.
_BLOCK = 1 << 20


class _Merger:
    """Distinct states (rounded to 1e-12) and their summed counts, merged as they arrive so
    that at most about ``2 * max_states`` rows are held; ``add`` is False once the distinct
    states exceed ``max_states`` (they only grow)."""

    def __init__(self, max_states: int):
        self.max_states = max_states
        self.keys: np.ndarray | None = None
        self.counts = np.zeros(0, dtype=object)
        self.pending: list[tuple[np.ndarray, np.ndarray]] = []
        self.held = 0

    def add(self, keys: np.ndarray, counts: np.ndarray) -> bool:
        if keys.shape[0]:
            self.pending.append((np.round(keys, 12), counts))
            self.held += keys.shape[0]
        if self.held > 2 * self.max_states + _BLOCK:
            self._merge()
            return self.keys is None or self.keys.shape[0] <= self.max_states
        return True

    def _merge(self) -> None:
        parts = ([] if self.keys is None else [(self.keys, self.counts)]) + self.pending
        self.pending = []
        if not parts:
            return
        keys = np.vstack([p[0] for p in parts])
        counts = np.concatenate([p[1] for p in parts])
        order = np.lexsort(keys.T[::-1])  # rows in lexicographic order; equal rows adjacent
        keys, counts = keys[order], counts[order]
        first = np.ones(keys.shape[0], dtype=bool)
        first[1:] = (keys[1:] != keys[:-1]).any(axis=1)
        starts = np.flatnonzero(first)
        self.keys, self.held = keys[starts], starts.size
        self.counts = np.add.reduceat(counts, starts) if starts.size else counts[:0]

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        self._merge()
        if self.keys is None:
            return np.zeros((0, 0)), self.counts
        return self.keys, self.counts


def count_acceptable(
    model: Model,
    *,
    max_states: int = 500_000,
    max_work: int = MAX_WORK,
    samples: int = 200_000,
    seed: int | np.random.Generator | None = 0,
) -> Count:
    """Count (or estimate) the outcomes of the grid space acceptable to every signatory.

    Parameters
    ----------
    model : a compiled model.
    max_states : the most distinct partial-gain states the exact programme keeps.
    max_work : the most candidate states it may examine for one issue (the states so far
        times the issue's allowed levels), checked before the issue is expanded; beyond either
        budget the count is estimated. Time and memory are bounded by these two, whatever the
        size of the space.
    samples, seed : the uniform sample of the estimate.

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
        exact = _exact(model, max_states, max_work)
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
