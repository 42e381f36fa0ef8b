"""The outcome space: the Cartesian product of every issue's levels, enumerated in chunks.

Outcome number ``i`` is the mixed-radix number whose digits are the level of each issue,
issues in order with the last varying fastest (C order), exactly the contract's enumeration
order. Chunks are integer arrays of shape ``(n, n_issues)``; memory is bounded by the chunk
size, whatever the size of the space.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from math import prod

import numpy as np

__all__ = ["DEFAULT_CHUNK", "OutcomeSpace"]

#: Outcomes per chunk: large enough to amortise numpy's overhead, small enough that a chunk's
#: working arrays stay in tens of megabytes.
DEFAULT_CHUNK = 1 << 18


@dataclass(frozen=True)
class OutcomeSpace:
    """Mixed-radix enumeration of ``prod(sizes)`` outcomes.

    Examples
    --------
    >>> space = OutcomeSpace((2, 3))
    >>> space.count
    6
    >>> space.levels(0, 4).tolist()
    [[0, 0], [0, 1], [0, 2], [1, 0]]
    >>> space.index(np.array([[1, 2]])).tolist()
    [5]
    """

    sizes: tuple[int, ...]

    @property
    def count(self) -> int:
        """Number of outcomes (a Python int: exact even beyond 2**63)."""
        return prod(self.sizes)

    def levels(self, start: int, stop: int) -> np.ndarray:
        """Levels of outcomes ``start .. stop-1`` as an ``(n, n_issues)`` int array."""
        return self.levels_of(np.arange(start, stop, dtype=np.int64))

    def levels_of(self, indices: np.ndarray) -> np.ndarray:
        """Levels of the outcomes numbered ``indices`` (any order)."""
        flat = np.asarray(indices, dtype=np.int64)
        if not self.sizes:
            return np.zeros((flat.size, 0), dtype=np.int64)
        return np.stack(np.unravel_index(flat, self.sizes), axis=1)

    def index(self, levels: np.ndarray) -> np.ndarray:
        """Outcome numbers of rows of levels (inverse of :meth:`levels`)."""
        levels = np.asarray(levels, dtype=np.int64)
        if not self.sizes:
            return np.zeros(levels.shape[0], dtype=np.int64)
        return np.ravel_multi_index(tuple(levels.T), self.sizes).astype(np.int64)

    def sample(self, n: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
        """Levels of ``n`` outcomes drawn uniformly (with replacement), issue by issue: works
        for spaces of any size (no outcome number is formed)."""
        rng = np.random.default_rng(seed)
        if not self.sizes:
            return np.zeros((n, 0), dtype=np.int64)
        return np.stack([rng.integers(0, size, n) for size in self.sizes], axis=1)

    def chunks(self, chunk_size: int = DEFAULT_CHUNK) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(start, levels)`` for consecutive chunks covering the whole space."""
        total = self.count
        for start in range(0, total, chunk_size):
            yield start, self.levels(start, min(start + chunk_size, total))
