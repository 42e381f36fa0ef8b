"""Which method ``method="auto"`` runs: enumeration or mixed-integer programming.

Enumeration costs time in two places: the scan, linear in the outcomes (each outcome's
utilities and rules), and, with three or more signatories, the Pareto frontier of the
acceptable outcomes, which costs about ``A h s`` comparisons for ``A`` acceptable outcomes,
``h`` of them on the frontier and ``s`` signatories (sort-filter-skyline,
:mod:`simulator.solvers.pareto`). With many signatories most acceptable outcomes can be on
the frontier, and the frontier then dominates: quadratic in the outcomes. The MILP method does
not grow with the outcomes but solves a few dozen programmes, more with more signatories and
red lines (the blocking requirements are one programme each), each harder with more
signatories.

:func:`choose_method` estimates both in seconds:

.. math::

    T_{enum} = N (p k + r) c_{scan} + [s \\ge 3] \\hat A \\hat h s c_{pair}, \\qquad
    T_{milp} = (8 + 2 s + \\ell) s c_{prog},

``N`` outcomes, ``p`` parties, ``k`` issues, ``r`` rules, ``s`` signatories, ``\\ell`` their
red lines. ``\\hat A`` and ``\\hat h`` come from a pilot: a fixed-seed sample of ``PILOT``
outcomes gives the acceptable share, and the frontier of up to ``PILOT_FRONTIER`` acceptable
ones, and of nested prefixes of them, gives its growth ``h ~ n^alpha`` (a least-squares fit
in logs), extrapolated to ``\\hat A``.
Auto runs MILP above ``AUTO_THRESHOLD`` outcomes (as before) and, below it, only where
enumeration is estimated at more than ``AUTO_SECONDS`` and more than twice the MILP: the MILP
answers differ in form (continuous issues on their whole interval, no frontier beyond two
signatories, counts that may be estimates), so enumeration is kept unless clearly slower.

The constants were measured on a 2-core machine (``benchmarks/bench_methods.py --parties``;
numbers in ``benchmarks/README.md``); they decide between seconds and hours, not close calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model.compiled import ACCEPT_ATOL, Model
from simulator.solvers.pareto import pareto_mask

__all__ = ["AUTO_SECONDS", "AUTO_THRESHOLD", "MethodChoice", "choose_method"]

#: Above this many outcomes ``auto`` always runs MILP (benchmarks/bench_methods.py, 2-4 parties).
AUTO_THRESHOLD = 5_000_000
#: Below it, ``auto`` runs MILP only where enumeration is estimated at more seconds than this
#: (and at more than twice the MILP's estimate).
AUTO_SECONDS = 20.0
#: Seconds per outcome, party and issue (or rule) of the enumeration's scan.
C_SCAN = 4e-8
#: Seconds per comparison of an acceptable outcome with a frontier point, per signatory.
C_PAIR = 3e-9
#: Seconds per MILP programme, per signatory.
C_PROG = 0.04
#: Outcomes drawn by the pilot, and the most acceptable ones whose frontier it computes.
PILOT = 20_000
PILOT_FRONTIER = 2_000


@dataclass(frozen=True)
class MethodChoice:
    """The method ``auto`` picks (``"enumerate"`` or ``"milp"``) and the estimates behind
    it: seconds for each method, and the acceptable outcomes and frontier size enumeration
    would meet (``None`` where not estimated)."""

    method: str
    enumerate_seconds: float
    milp_seconds: float
    acceptable: float | None = None
    frontier: float | None = None


def choose_method(model: Model, seed: int = 0) -> MethodChoice:
    """Estimate the time of enumeration and of the MILP method on ``model``, and pick one.

    Deterministic (the pilot sample uses ``seed``); costs at most a few hundredths of a
    second.

    Examples
    --------
    >>> from simulator.model import DiscreteIssue, Party, TableValue, compile_model
    >>> deal = DiscreteIssue("deal", ("a", "b"))
    >>> m = compile_model([deal], [
    ...     Party("p", 0.5, {"deal": 1}, {"deal": TableValue((1.0, 0.0))}),
    ...     Party("q", 0.5, {"deal": 1}, {"deal": TableValue((0.6, 1.0))})])
    >>> choose_method(m).method
    'enumerate'
    """
    n = model.space.count
    sig = model.signatories
    s = int(sig.sum())
    lines = len(model.signatory_lines)
    rules = len(model.constraints) + len(model.red_lines)
    milp = (8 + 2 * s + lines) * max(s, 1) * C_PROG
    scan = float(n) * (len(model.parties) * len(model.issues) + rules) * C_SCAN
    if n > AUTO_THRESHOLD:
        return MethodChoice("milp", scan, milp)
    acceptable = frontier = None
    pareto = 0.0
    if s >= 3 and n > PILOT:
        acceptable, frontier = _pilot(model, seed)
        pareto = acceptable * frontier * s * C_PAIR
    total = scan + pareto
    method = "milp" if total > AUTO_SECONDS and total > 2 * milp else "enumerate"
    return MethodChoice(method, total, milp, acceptable, frontier)


def _pilot(model: Model, seed: int) -> tuple[float, float]:
    """Estimated acceptable outcomes and frontier size, from a sample of the space."""
    levels = model.space.sample(PILOT, seed)
    u = model.utilities(levels)
    sig = model.signatories
    ok = (
        model.constraint_mask(levels)
        & ~model.red_line_breaks(levels)[:, model.signatory_lines].any(axis=1)
        & (u[:, sig] >= model.reservations[sig] - ACCEPT_ATOL).all(axis=1)
    )
    acceptable = model.space.count * float(ok.mean())
    points = u[ok][:PILOT_FRONTIER][:, sig]
    m = points.shape[0]
    if m < 64:  # too few to fit a growth: assume every acceptable outcome is on the frontier
        return acceptable, acceptable
    # frontier sizes of nested prefixes m/16 .. m, and their growth h ~ n^alpha (least
    # squares in logs: one prefix alone is noisy)
    sizes = np.array([m // 16, m // 8, m // 4, m // 2, m])
    fronts = np.array([max(1, int(pareto_mask(points[:n]).sum())) for n in sizes])
    alpha = float(np.clip(np.polyfit(np.log(sizes), np.log(fronts), 1)[0], 0.0, 1.0))
    frontier = min(acceptable, max(fronts[-1], fronts[-1] * (acceptable / m) ** alpha))
    return acceptable, float(frontier)
