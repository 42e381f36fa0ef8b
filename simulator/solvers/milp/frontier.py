"""The Pareto frontier of two signatories by the epsilon-constraint method.

Starting from the outcome best for the first signatory (then best for the second among
those), repeatedly maximise the first signatory's gain subject to the second's exceeding the
last point's, then the second's given that (Haimes, Lasdon & Wismer 1971). Each step yields
the next frontier point; the method stops when nothing improves the second signatory or at
``cap`` points (then, or if the solver fails numerically, the frontier is reported
incomplete). Outcomes with equal utility vectors appear once (one representative).

References
----------
Haimes, Y. Y., Lasdon, L. S., & Wismer, D. A. (1971). On a bicriterion formulation of the
problems of integrated system identification and system optimization. *IEEE Transactions on
Systems, Man, and Cybernetics*, SMC-1(3), 296-297. https://doi.org/10.1109/TSMC.1971.4308298
"""

from __future__ import annotations

import numpy as np

from simulator.errors import SolverError
from simulator.solvers.milp.concepts import TIE_TOL, _program
from simulator.solvers.milp.formulation import Formulation

__all__ = ["epsilon_frontier"]

#: The next point must improve the second signatory by at least this, times the largest
#: coefficient of its utility (1 for utilities in [0, 1]): a hundred times the solver's
#: feasibility tolerance (``program.FEAS_TOL``, 1e-9), which would otherwise let the last
#: point be found again (a binary or convex weight off by 1e-9 moves a utility by 1e-9 times
#: its coefficient). Frontier points closer than this in the second signatory's gain are
#: merged.
STEP = 1e-7


def epsilon_frontier(
    f: Formulation, a: int, b: int, cap: int = 200
) -> tuple[list[np.ndarray], bool]:
    """Frontier outcomes (solution vectors, ``a`` descending) and whether it is complete."""
    points: list[np.ndarray] = []
    floor_b = -np.inf
    ga, ca = f.utility[a], float(f.gain_const()[a])
    gb, cb = f.utility[b], float(f.gain_const()[b])
    base = STEP * max(1.0, float(np.abs(gb).max(initial=0.0)))
    step = base
    while len(points) < cap:
        prog = _program(f, accept=True)
        if np.isfinite(floor_b):
            prog.row(gb, floor_b + step - cb, np.inf)
        try:
            first = prog.maximise(ga)
            if first is None:
                return points, True
            prog.row(ga, first.value - TIE_TOL * max(1.0, abs(first.value + ca)), np.inf)
            second = prog.maximise(gb)
        except SolverError:  # HiGHS numerical trouble near the end: report what was traced
            return points, False
        x = second.x if second is not None else first.x
        gain_b = float(gb @ x[: f.n]) + cb
        if points and gain_b < floor_b + step / 2:  # the last point again, within tolerance
            if step >= 1e3 * base:
                return points, False
            step *= 10
            continue
        points.append(x)
        floor_b = gain_b
        step = base
    return points, False
