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

__all__ = ["BLOCK", "DEFAULT_CHUNK", "Block", "OutcomeSpace"]

#: Outcomes per chunk: large enough to amortise numpy's overhead, small enough that a chunk's
#: working arrays stay in tens of megabytes.
DEFAULT_CHUNK = 1 << 18
#: Largest block of trailing issues enumerated once and reused (see :meth:`OutcomeSpace.blocks`).
#: A constant, not the chunk size, so that how a space is cut never depends on the chunk size.
BLOCK = 1 << 16


@dataclass(frozen=True, eq=False)
class Block:
    """Every combination of the trailing issues, enumerated once: ``(n_block, n_trailing)``."""

    trailing: np.ndarray

    def levels(self, prefix: np.ndarray) -> np.ndarray:
        """Levels of the outcomes ``prefix`` x block, in enumeration order."""
        n, k = self.trailing.shape
        g, m = prefix.shape
        # column by column into a column-major array: rules and value tables read one issue
        # (one column) at a time, which is then contiguous
        out = np.empty((g * n, m + k), dtype=np.int64, order="F")
        for j in range(m):
            out[:, j] = np.repeat(prefix[:, j], n)
        for j in range(k):
            out[:, m + j] = np.tile(self.trailing[:, j], g)
        return out


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

    def split(self) -> int:
        """How many leading issues vary from block to block: the trailing ones, enumerated
        together, make at most ``BLOCK`` outcomes (all of them when the last issue alone has
        more: then there is no block)."""
        lead = len(self.sizes)
        while lead > 0 and prod(self.sizes[lead - 1 :]) <= BLOCK:
            lead -= 1
        return lead

    def blocks(self, chunk_size: int = DEFAULT_CHUNK) -> Iterator[tuple[int, np.ndarray, Block]]:
        """The space as consecutive ``(start, prefix, block)``: each chunk is every row of
        ``prefix`` (levels of the :meth:`split` leading issues) followed by every combination
        in ``block`` (the trailing issues, enumerated once). A chunk holds about
        ``chunk_size`` outcomes, at least one block. Without a block (the last issue alone
        exceeds ``BLOCK``), chunks are plain ranges with an empty prefix."""
        lead = self.split()
        if lead == len(self.sizes):
            for start in range(0, self.count, chunk_size):
                stop = min(start + chunk_size, self.count)
                yield start, np.zeros((1, 0), dtype=np.int64), Block(self.levels(start, stop))
            return
        trailing = OutcomeSpace(self.sizes[lead:])
        block = Block(trailing.levels(0, trailing.count))
        leading = OutcomeSpace(self.sizes[:lead])
        per_chunk = max(1, chunk_size // trailing.count)
        for first in range(0, leading.count, per_chunk):
            prefix = leading.levels(first, min(first + per_chunk, leading.count))
            yield first * trailing.count, prefix, block

    def chunks(self, chunk_size: int = DEFAULT_CHUNK) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(start, levels)`` for consecutive chunks covering the whole space."""
        total = self.count
        for start in range(0, total, chunk_size):
            yield start, self.levels(start, min(start + chunk_size, total))
