"""The enumerated outcome table a simulated negotiation plays on.

Every outcome of ``model.space`` is evaluated once: utilities, the structural constraints and
each party's *acceptable-to-self* set

.. math:: A_i = \\{x : x \\text{ obeys the constraints and } i\\text{'s red lines},\\;
          u_i(x) \\ge d_i - 10^{-9}\\},

``d_i`` the party's reservation. Agents, protocols and the mediator only look up rows of
this table; nothing is re-evaluated during the talks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model.compiled import ACCEPT_ATOL, Model

__all__ = [
    "MAX_SIMULATED_BYTES",
    "MAX_SIMULATED_OUTCOMES",
    "OutcomeTable",
    "check_memory",
    "outcome_table",
    "table_bytes",
]

#: Largest outcome space a simulation enumerates.
MAX_SIMULATED_OUTCOMES = 5 * 10**6
#: Largest memory a simulation's tables may take (estimated by :func:`table_bytes`, checked
#: before anything is built).
MAX_SIMULATED_BYTES = 2 * 2**30


def table_bytes(model: Model, noise: float = 0.0) -> int:
    """An upper estimate of the bytes a simulation holds per model: the outcome table
    (levels, utilities, masks) and each signatory agent's arrays (its acceptable outcomes in
    order of preference and their gains; with ``noise``, its own noisy beliefs)."""
    k, p = len(model.issues), len(model.parties)
    s = int(model.signatories.sum())
    per = 8 * k + 8 * p + 2 * p + 1 + s * 8 * (2 + p)
    if noise > 0:
        per += s * 16 * p
    return int(model.space.count) * per


def check_memory(model: Model, noise: float = 0.0, limit: int = MAX_SIMULATED_BYTES) -> None:
    """``ValueError`` if a simulation of ``model`` would need more than ``limit`` bytes."""
    need = table_bytes(model, noise)
    if need > limit:
        raise ValueError(
            f"simulating the talks on {model.space.count:,} outcomes with "
            f"{len(model.parties)} parties would take about {need / 2**30:.1f} GiB of memory, "
            f"more than the limit of {limit / 2**30:.0f} GiB -- reduce the options or "
            "continuous grids"
        )


@dataclass(frozen=True, eq=False)
class OutcomeTable:
    """Every outcome of a model, evaluated.

    Attributes
    ----------
    levels : ``(n, n_issues)`` levels of each outcome, in enumeration order.
    utilities : ``(n, n_parties)`` utilities.
    allowed : ``(n,)`` True where every structural constraint holds.
    permitted : ``(n, n_parties)`` True where the outcome obeys the constraints and that
        party's red lines.
    acceptable : ``(n, n_parties)`` permitted and at or above that party's reservation.
    reservations : ``(n_parties,)``.
    sizes : levels per issue (``model.space.sizes``), to find single-issue changes.
    """

    levels: np.ndarray
    utilities: np.ndarray
    allowed: np.ndarray
    permitted: np.ndarray
    acceptable: np.ndarray
    reservations: np.ndarray
    sizes: tuple[int, ...]

    @property
    def count(self) -> int:
        return int(self.levels.shape[0])

    def neighbours(self, index: int, issue: int) -> np.ndarray:
        """Outcomes equal to ``index`` except on ``issue`` (every level of it, ``index`` too)."""
        stride = int(np.prod(self.sizes[issue + 1 :], dtype=np.int64))
        base = index - int(self.levels[index, issue]) * stride
        return base + stride * np.arange(self.sizes[issue], dtype=np.int64)


def outcome_table(model: Model, max_outcomes: int = MAX_SIMULATED_OUTCOMES) -> OutcomeTable:
    """Enumerate and evaluate a model's outcome space once.

    Raises
    ------
    ValueError
        If the space has more than ``max_outcomes`` outcomes.

    Examples
    --------
    >>> from simulator.model import DiscreteIssue, Party, TableValue, compile_model
    >>> deal = DiscreteIssue("deal", ("a", "b"))
    >>> m = compile_model([deal], [
    ...     Party("p", 0.5, {"deal": 1}, {"deal": TableValue((1.0, 0.0))}),
    ...     Party("q", 0.5, {"deal": 1}, {"deal": TableValue((0.6, 1.0))})])
    >>> outcome_table(m).acceptable.tolist()
    [[True, True], [False, True]]
    """
    count = model.space.count
    if count > max_outcomes:
        raise ValueError(
            f"the outcome space has {count:,} outcomes; simulating the talks enumerates it and "
            f"accepts at most {max_outcomes:,} -- reduce the options or continuous grids"
        )
    levels = model.space.levels(0, count)
    u = model.utilities(levels)
    allowed = model.constraint_mask(levels)
    breaks = model.red_line_breaks(levels)
    res = model.reservations
    permitted = np.repeat(allowed[:, None], len(model.parties), axis=1)
    for j, line in enumerate(model.red_lines):
        permitted[:, line.party] &= ~breaks[:, j]
    acceptable = permitted & (u >= res - ACCEPT_ATOL)
    for a in (levels, u, allowed, permitted, acceptable):
        a.setflags(write=False)
    return OutcomeTable(levels, u, allowed, permitted, acceptable, res, model.space.sizes)
