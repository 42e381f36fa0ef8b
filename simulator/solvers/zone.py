"""The zone of possible agreement, computed chunk by chunk over the whole outcome space.

For outcomes ``x`` allowed by the constraints and every signatory's red lines (the
*feasible* set ``F``), signatory gains ``g_i(x) = u_i(x) - d_i`` and

.. math:: \\mathrm{slack} = \\max_{x \\in F} \\min_i g_i(x),

a zone exists iff ``slack >= 0`` (up to the acceptance tolerance) and its size is the number
of feasible outcomes with every ``g_i >= 0``. The *blocking analysis* repeats both with one
requirement removed -- one signatory's reservation, or one red line -- which costs one more
reduction per requirement on the same chunk, not another pass.

The scan is a monoid: :func:`scan_chunk` summarises one chunk as a :class:`ZoneScan`,
:func:`combine` merges two summaries (so chunks can be scanned in any order or in parallel),
and :func:`finish` turns the total into a :class:`~simulator.results.Zone`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np

from simulator.results import Blocker, Zone

__all__ = ["ZoneScan", "combine", "finish", "reported_slack", "scan_chunk"]


def reported_slack(slack: float | None, exists: bool, atol: float) -> float | None:
    """The slack as reported: 0 where the zone exists only within the tolerance.

    An outcome whose worst gain is ``>= -atol`` is accepted, so a zone can exist with a raw
    slack in ``[-atol, 0)``; it is reported as 0 to keep "the zone exists iff slack >= 0".
    """
    if exists and slack is not None and slack >= -atol:
        return max(slack, 0.0)
    return slack


@dataclass(frozen=True, eq=False)
class ZoneScan:
    """Sufficient statistics of the zone over some outcomes (see module docstring).

    Arrays indexed ``[i]`` run over signatories, ``[l]`` over signatory red lines.
    Maxima over empty sets are ``-inf``.
    """

    total: int
    feasible: int
    count: int
    slack: float
    without_reservation_count: np.ndarray  # [i]
    without_reservation_slack: np.ndarray  # [i]
    reach: np.ndarray  # [i] best gain of i over F where all others accept
    without_line_feasible: np.ndarray  # [l]
    without_line_count: np.ndarray  # [l]
    without_line_slack: np.ndarray  # [l]


def _masked_max(values: np.ndarray, mask: np.ndarray | None) -> float:
    """The largest of ``values`` where ``mask`` holds (everywhere when it is None); ``-inf``
    where it holds nowhere."""
    if mask is None:
        return float(values.max()) if values.size else -np.inf
    return float(np.max(values, where=mask, initial=-np.inf))


def _all_but_one(columns: list[np.ndarray], op) -> list[np.ndarray | None]:
    """For each ``i``, ``op`` folded over every column but ``i`` (``None`` when there is no
    other column): prefix and suffix folds, about ``3 s`` passes for ``s`` columns."""
    out: list[np.ndarray | None] = []
    acc = None
    for c in columns:
        out.append(acc)
        acc = c if acc is None else op(acc, c)
    acc = None
    for i in range(len(columns) - 1, -1, -1):
        if acc is not None:
            out[i] = acc if out[i] is None else op(out[i], acc)
        acc = columns[i] if acc is None else op(acc, columns[i])
    return out


def scan_chunk(
    gains: np.ndarray, allowed: np.ndarray, line_breaks: np.ndarray, atol: float
) -> ZoneScan:
    """Summarise one chunk of outcomes.

    Parameters
    ----------
    gains : ``(n, s)`` signatory gains over their reservations.
    allowed : ``(n,)`` outcomes obeying the structural constraints.
    line_breaks : ``(n, l)`` True where an outcome breaks a signatory red line.
    atol : acceptance tolerance: a gain ``>= -atol`` counts as accepting.

    Works column by column (one contiguous array per signatory): "every signatory but
    ``i``" accepts, and the smallest gain but ``i``'s, are prefix and suffix folds.
    """
    n, s = gains.shape
    cols = list(np.ascontiguousarray(gains.T))
    ok = [c >= -atol for c in cols]
    n_lines = line_breaks.shape[1]
    n_broken = line_breaks.sum(axis=1) if n_lines else None
    feasible = allowed if n_broken is None else allowed & (n_broken == 0)
    n_feasible = int(np.count_nonzero(feasible))
    where = None if n_feasible == n else feasible  # None: every outcome is feasible
    all_ok = reduce(np.logical_and, ok) if s else np.ones(n, dtype=bool)
    worst = reduce(np.minimum, cols) if s else np.zeros(n)
    # without one signatory's reservation: "every signatory but i accepts"
    others_ok = _all_but_one(ok, np.logical_and)
    others_min = _all_but_one(cols, np.minimum)
    wr_count = np.empty(s, dtype=np.int64)
    wr_slack = np.empty(s)
    reach = np.empty(s)
    for i in range(s):
        o = others_ok[i]
        counted = where if o is None else (o if where is None else o & where)
        wr_count[i] = n_feasible if counted is None else np.count_nonzero(counted)
        m = others_min[i]
        wr_slack[i] = (np.inf if n_feasible else -np.inf) if m is None else _masked_max(m, where)
        reach[i] = _masked_max(cols[i], counted)
    wl_feasible = np.empty(n_lines, dtype=np.int64)
    wl_count = np.empty(n_lines, dtype=np.int64)
    wl_slack = np.empty(n_lines)
    for j in range(n_lines):
        f = allowed & (n_broken - line_breaks[:, j] == 0)
        wl_feasible[j] = np.count_nonzero(f)
        wl_count[j] = np.count_nonzero(f & all_ok)
        wl_slack[j] = _masked_max(worst, f)
    return ZoneScan(
        total=n,
        feasible=n_feasible,
        count=int(np.count_nonzero(all_ok if where is None else feasible & all_ok)),
        slack=_masked_max(worst, where),
        without_reservation_count=wr_count,
        without_reservation_slack=wr_slack,
        reach=reach,
        without_line_feasible=wl_feasible,
        without_line_count=wl_count,
        without_line_slack=wl_slack,
    )


def combine(a: ZoneScan, b: ZoneScan) -> ZoneScan:
    """Summary of the union of two disjoint sets of outcomes."""
    return ZoneScan(
        total=a.total + b.total,
        feasible=a.feasible + b.feasible,
        count=a.count + b.count,
        slack=max(a.slack, b.slack),
        without_reservation_count=a.without_reservation_count + b.without_reservation_count,
        without_reservation_slack=np.maximum(
            a.without_reservation_slack, b.without_reservation_slack
        ),
        reach=np.maximum(a.reach, b.reach),
        without_line_feasible=a.without_line_feasible + b.without_line_feasible,
        without_line_count=a.without_line_count + b.without_line_count,
        without_line_slack=np.maximum(a.without_line_slack, b.without_line_slack),
    )


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def finish(
    scan: ZoneScan,
    signatories: Sequence[str],
    reservations: Sequence[float],
    lines: Sequence[tuple[str, str] | tuple[str, str, int]],
    atol: float,
) -> Zone:
    """The :class:`~simulator.results.Zone` from a whole-space summary.

    ``lines`` gives, per signatory red line, ``(party, text)`` or ``(party, text, index)``
    in scan order (``index``: the line's position in the model, kept on its blocker).
    """
    exists = scan.count > 0
    blocking: list[Blocker] = []

    def blocks(count: int) -> bool:
        return count > scan.count

    for i, name in enumerate(signatories):
        c = int(scan.without_reservation_count[i])
        if blocks(c):
            blocking.append(
                Blocker(
                    name,
                    "reservation",
                    f"reservation {reservations[i]:g}",
                    c,
                    _finite(scan.without_reservation_slack[i]),
                    opens=not exists,
                )
            )
    for j, entry in enumerate(lines):
        party, text = entry[0], entry[1]
        index = entry[2] if len(entry) > 2 else None  # type: ignore[misc]
        c = int(scan.without_line_count[j])
        if blocks(c):
            blocking.append(
                Blocker(
                    party,
                    "red_line",
                    text,
                    c,
                    _finite(scan.without_line_slack[j]),
                    opens=not exists,
                    line=index,
                )
            )
    return Zone(
        exists=exists,
        slack=reported_slack(_finite(scan.slack), exists, atol),
        count=scan.count,
        share=scan.count / scan.total if scan.total else 0.0,
        total=scan.total,
        feasible=scan.feasible,
        blocking=tuple(blocking),
        reach={
            name: (None if not np.isfinite(r) else float(r + reservations[i]))
            for i, (name, r) in enumerate(zip(signatories, scan.reach))
        },
    )
