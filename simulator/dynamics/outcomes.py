"""The outcomes a simulated negotiation plays on: the *lawful* ones.

Red lines are as public as reservations, so no agent ever offers, and no mediator ever
proposes, an outcome that breaks a structural constraint or a signatory's red line: such an
outcome can never be agreed. The table keeps only the lawful outcomes

.. math:: L = \\{x : x \\text{ obeys the constraints and every signatory's red lines}\\},

found in one streaming pass over the space (memory bounded by the chunk size and ``|L|``),
each with its utilities and each party's *acceptable-to-self* flag
``x in L and u_i(x) >= d_i - 10^{-9}`` (a non-signatory's own red lines included). Agents,
protocols and the mediator only look up rows of this table; nothing is re-evaluated during
the talks. On the Ukraine baseline that is 3,456 rows instead of 2,239,488 outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.errors import SpaceTooLargeError
from simulator.model.compiled import ACCEPT_ATOL, MAX_OUTCOMES, Model
from simulator.model.space import DEFAULT_CHUNK

__all__ = [
    "MAX_SIMULATED_BYTES",
    "MAX_SIMULATED_OUTCOMES",
    "OutcomeTable",
    "bytes_per_row",
    "outcome_table",
]

#: Most lawful outcomes a simulation keeps.
MAX_SIMULATED_OUTCOMES = 5 * 10**6
#: Largest memory a simulation's tables may take (:func:`bytes_per_row` times the lawful
#: outcomes, checked while they are collected).
MAX_SIMULATED_BYTES = 2 * 2**30


def bytes_per_row(model: Model, noise: float = 0.0) -> int:
    """An upper estimate of the bytes a simulation holds per lawful outcome: the table
    (levels, utilities, index, flags) and each signatory agent's arrays (its preference
    order and gains; with ``noise``, its own noisy beliefs)."""
    k, p = len(model.issues), len(model.parties)
    s = int(model.signatories.sum())
    per = 8 * k + 8 * p + 8 + 2 * p + s * 8 * (2 + p)
    if noise > 0:
        per += s * 16 * p
    return per


@dataclass(frozen=True, eq=False)
class OutcomeTable:
    """The lawful outcomes of a model, evaluated, in enumeration order.

    Attributes
    ----------
    levels : ``(n, n_issues)`` levels of each lawful outcome.
    index : ``(n,)`` their enumeration numbers in the whole space, ascending.
    utilities : ``(n, n_parties)`` utilities.
    acceptable : ``(n, n_parties)`` at or above that party's reservation (and, for a party
        that does not sign, obeying its own red lines too).
    reservations : ``(n_parties,)``.
    sizes : levels per issue (``model.space.sizes``), to find single-issue changes.
    total : outcomes in the whole space (lawful or not).
    """

    levels: np.ndarray
    index: np.ndarray
    utilities: np.ndarray
    acceptable: np.ndarray
    reservations: np.ndarray
    sizes: tuple[int, ...]
    total: int

    @property
    def count(self) -> int:
        return int(self.levels.shape[0])

    def neighbours(self, row: int, issue: int) -> np.ndarray:
        """Rows of the lawful outcomes equal to ``row``'s except on ``issue`` (``row``
        itself included), in enumeration order."""
        stride = int(np.prod(self.sizes[issue + 1 :], dtype=np.int64))
        base = int(self.index[row]) - int(self.levels[row, issue]) * stride
        wanted = base + stride * np.arange(self.sizes[issue], dtype=np.int64)
        at = np.searchsorted(self.index, wanted)
        at = np.minimum(at, self.count - 1)
        return at[self.index[at] == wanted]


def outcome_table(
    model: Model,
    max_rows: int = MAX_SIMULATED_OUTCOMES,
    max_bytes: int = MAX_SIMULATED_BYTES,
    noise: float = 0.0,
    max_outcomes: int = MAX_OUTCOMES,
    chunk_size: int = DEFAULT_CHUNK,
) -> OutcomeTable:
    """Enumerate a model's space once and keep its lawful outcomes.

    Raises
    ------
    SpaceTooLargeError
        If the space has more than ``max_outcomes`` outcomes (checked first), or the lawful
        outcomes would be more than ``max_rows`` or take more than ``max_bytes`` (checked
        while they are collected, before they are kept).

    Examples
    --------
    >>> from simulator.model import DiscreteIssue, Party, TableValue, Condition, compile_model
    >>> deal = DiscreteIssue("deal", ("a", "b", "c"))
    >>> m = compile_model([deal], [
    ...     Party("p", 0.5, {"deal": 1}, {"deal": TableValue((1.0, 0.0, 0.5))},
    ...           red_lines=(Condition("deal", ("c",), negate=True),)),
    ...     Party("q", 0.5, {"deal": 1}, {"deal": TableValue((0.6, 1.0, 1.0))})])
    >>> t = outcome_table(m)
    >>> t.index.tolist(), t.acceptable.tolist()
    ([0, 1], [[True, True], [False, True]])
    """
    model.check_size(max_outcomes)
    per = bytes_per_row(model, noise)
    limit = min(max_rows, max_bytes // max(per, 1))
    lines = model.signatory_lines
    sig = model.signatories
    res = model.reservations
    levels, index, utils, accept = [], [], [], []
    kept = 0
    for start, lv, u in model.evaluated(chunk_size, True):
        assert lv is not None
        breaks = model.red_line_breaks(lv)
        lawful = model.constraint_mask(lv) & ~breaks[:, lines].any(axis=1)
        rows = np.flatnonzero(lawful)
        if rows.size == 0:
            continue
        kept += rows.size
        if kept > limit:
            raise SpaceTooLargeError(
                kept,
                limit,
                f"simulating the talks keeps every outcome that obeys the constraints and the "
                f"signatories' red lines; this scenario has more than {limit:,} of them "
                f"(at least {per * kept / 2**30:.1f} GiB of memory, the limit being "
                f"{min(max_bytes, per * max_rows) / 2**30:.1f} GiB) -- reduce the options or "
                "continuous grids",
            )
        ok = u[rows] >= res - ACCEPT_ATOL
        own = model.breaks_by_party(breaks[rows])
        ok &= ~own | sig  # a signatory's own red lines hold on every lawful row already
        levels.append(lv[rows])
        index.append(start + rows.astype(np.int64))
        utils.append(u[rows])
        accept.append(ok)
    n_issues, n_parties = len(model.issues), len(model.parties)
    table = OutcomeTable(
        levels=np.vstack(levels) if levels else np.zeros((0, n_issues), dtype=np.int64),
        index=np.concatenate(index) if index else np.zeros(0, dtype=np.int64),
        utilities=np.vstack(utils) if utils else np.zeros((0, n_parties)),
        acceptable=np.vstack(accept) if accept else np.zeros((0, n_parties), dtype=bool),
        reservations=res,
        sizes=model.space.sizes,
        total=model.space.count,
    )
    for a in (table.levels, table.index, table.utilities, table.acceptable):
        a.setflags(write=False)
    return table
