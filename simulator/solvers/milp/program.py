"""Solving a :class:`~simulator.solvers.milp.formulation.Formulation` with HiGHS.

A :class:`Program` is the formulation plus extra columns (``t``, logarithm bounds, ...) and
extra rows added by a solution concept; :meth:`Program.maximise` solves one MILP with HiGHS
through its own Python package, ``highspy`` (Huangfu & Hall 2018), which -- unlike
:func:`scipy.optimize.milp` -- sets every tolerance the answers depend on:

* ``FEAS_TOL`` (1e-9): HiGHS's ``mip_feasibility_tolerance`` (how far an integer solution
  may break a row, or a binary be from 0 or 1) and its LP ``primal_feasibility_tolerance``
  and ``dual_feasibility_tolerance``. It matches the contract's acceptance tolerance
  (``ACCEPT_ATOL``, 1e-9): a gain is accepted by the MILP down to ``-ACCEPT_ATOL - FEAS_TOL``,
  refused by enumeration below ``-ACCEPT_ATOL``. (HiGHS's defaults, which scipy cannot
  change, are 1e-6 and 1e-7.)
* ``MIP_GAP`` (1e-9 relative) and ``MIP_ABS_GAP`` (1e-9): HiGHS stops when the incumbent is
  within either of the proven bound. (scipy sets only the relative gap; HiGHS's absolute
  default is 1e-6.)

So an optimum is exact up to :func:`solver_tolerance`: ``MIP_ABS_GAP + MIP_GAP * |v| +
FEAS_TOL`` on an objective of size ``v``. Every :class:`Solved` also carries HiGHS's proven
``bound``, so a solve stopped early (time limit) is reported with its real gap.

References
----------
Huangfu, Q., & Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
*Mathematical Programming Computation*, 10(1), 119-142.
https://doi.org/10.1007/s12532-017-0130-5
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from simulator.errors import SolverError
from simulator.model.compiled import ACCEPT_ATOL
from simulator.solvers.milp.formulation import Formulation

__all__ = ["FEAS_TOL", "MIP_ABS_GAP", "MIP_GAP", "STRICT", "Program", "Solved", "solver_tolerance"]

#: Relative optimality gap asked of HiGHS (its default, 1e-4, is far too loose to break ties).
MIP_GAP = 1e-9
#: Absolute optimality gap asked of HiGHS (its default is 1e-6).
MIP_ABS_GAP = 1e-9
#: HiGHS's MIP and LP feasibility tolerances: a row may be broken, a binary be fractional, by
#: this much (HiGHS's defaults are 1e-6 for a MIP and 1e-7 for an LP).
FEAS_TOL = 1e-9
#: Margin standing for a strict inequality: ten times ``FEAS_TOL``, so that "below" really
#: means below (a gain in ``[-ACCEPT_ATOL - STRICT, -ACCEPT_ATOL)`` counts as not refused).
STRICT = 10 * FEAS_TOL
#: Seconds one programme may run; a MILP stopped by it keeps its incumbent and proven bound.
TIME_LIMIT = 600.0


def solver_tolerance(value: float) -> float:
    """How far from the optimum an objective of size ``value`` may be when HiGHS reports it
    optimal: the gaps asked for plus the feasibility tolerance (a row that bounds the
    objective may be broken by that much).

    >>> solver_tolerance(0.0) == MIP_ABS_GAP + MIP_GAP + FEAS_TOL
    True
    """
    return MIP_ABS_GAP + MIP_GAP * max(1.0, abs(value)) + FEAS_TOL


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 while HiGHS runs: it prints a banner when created and
    occasionally diagnostics from C (seen: "HighsMipSolverData::transformNewIntegerFeasible
    Solution ..."), which would corrupt ``zopa run --json`` output."""
    fd = 1  # the C library writes to the descriptor, whatever sys.stdout is
    try:
        sys.stdout.flush()
        saved = os.dup(fd)
    except (AttributeError, OSError, ValueError):  # no descriptor 1 (embedded interpreter)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


@dataclass(frozen=True, eq=False)
class Solved:
    """A solution: the variable vector, the objective value (maximised) and HiGHS's proven
    upper bound on the optimum (``bound >= value``; equal up to :func:`solver_tolerance`
    when solved to optimality, farther when the time limit stopped the search)."""

    x: np.ndarray
    value: float
    bound: float

    @property
    def gap(self) -> float:
        """``bound - value``: how much better the optimum may be."""
        return max(0.0, self.bound - self.value)


@dataclass(eq=False)
class Program:
    """A MILP under construction: a formulation, extra columns and extra rows.

    ``lines`` are the indices (into ``model.red_lines``) of red lines imposed; ``broken`` those
    forced to fail (used by the blocking analysis).
    """

    f: Formulation
    lines: tuple[int, ...]
    broken: tuple[int, ...] = ()
    n_extra: int = 0
    extra_lb: list[float] = field(default_factory=list)
    extra_ub: list[float] = field(default_factory=list)
    extra_rows: list[tuple[np.ndarray, np.ndarray, float, float]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return self.f.n + self.n_extra

    def column(self, lo: float = -np.inf, hi: float = np.inf) -> int:
        """Add a continuous column; returns its index."""
        self.n_extra += 1
        self.extra_lb.append(lo)
        self.extra_ub.append(hi)
        return self.width - 1

    def row(self, coefs: np.ndarray, lo: float, hi: float) -> None:
        """Add ``lo <= coefs @ z <= hi`` (``coefs`` may be shorter: padded with zeros)."""
        coefs = np.asarray(coefs, dtype=float)
        nz = np.flatnonzero(coefs)
        self.extra_rows.append((nz, coefs[nz], lo, hi))

    # -- common rows -----------------------------------------------------------------------
    def gain(self, i: int) -> tuple[np.ndarray, float]:
        """Party ``i``'s gain as ``(coefs, const)`` over the formulation's variables."""
        return self.f.utility[i], float(self.f.utility_const[i] - self.f.model.reservations[i])

    def accept(self, i: int) -> None:
        """Party ``i`` accepts: its gain is at least ``-ACCEPT_ATOL``."""
        a, c = self.gain(i)
        self.row(a, -ACCEPT_ATOL - c, np.inf)

    def refuse(self, i: int) -> None:
        """Party ``i`` refuses on utility: its gain is below ``-ACCEPT_ATOL - STRICT`` (strict
        inequalities need a margin above the solver's feasibility tolerance)."""
        a, c = self.gain(i)
        self.row(a, -np.inf, -ACCEPT_ATOL - c - STRICT)

    # -- solving ---------------------------------------------------------------------------
    def _matrix(self) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
        f = self.f
        blocks = [f.rows]
        blocks += [f.red_lines[j].hold for j in self.lines]
        blocks += [f.red_lines[j].broken for j in self.broken]
        # concatenated by hand: scipy.sparse.vstack costs more than a small solve
        starts, indices, data, lo, hi = [np.zeros(1, dtype=np.int64)], [], [], [], []
        offset = 0
        for m, lo_, hi_ in blocks:
            starts.append(m.indptr[1:].astype(np.int64) + offset)
            indices.append(m.indices)
            data.append(m.data)
            lo.append(lo_)
            hi.append(hi_)
            offset += m.nnz
        for nz, values, row_lo, row_hi in self.extra_rows:
            offset += nz.size
            starts.append(np.array([offset]))
            indices.append(nz)
            data.append(values)
            lo.append(np.array([row_lo]))
            hi.append(np.array([row_hi]))
        indptr = np.concatenate(starts)
        a = sparse.csr_matrix(
            (
                np.concatenate(data + [np.zeros(0)]),
                np.concatenate(indices + [np.zeros(0, dtype=np.int64)]),
                indptr,
            ),
            shape=(indptr.size - 1, self.width),
        )
        return a, np.concatenate(lo + [np.zeros(0)]), np.concatenate(hi + [np.zeros(0)])

    def maximise(self, objective: np.ndarray, time_limit: float = TIME_LIMIT) -> Solved | None:
        """Maximise ``objective @ z``; ``None`` if infeasible. A solve stopped by the time
        limit returns its incumbent (``Solved.bound`` then says how far it may be from the
        optimum). Raises :class:`~simulator.errors.SolverError` when HiGHS fails or calls the
        (always bounded) programme unbounded: numbers too badly scaled for it."""
        c = np.zeros(self.width)
        c[: objective.size] = objective
        a, lo, hi = self._matrix()
        integrality = np.concatenate([self.f.integrality, np.zeros(self.n_extra, dtype=int)])
        lb = np.concatenate([self.f.lb, self.extra_lb])
        ub = np.concatenate([self.f.ub, self.extra_ub])
        presolve = self.f.presolve  # off with a cap's big-M rows (Formulation.presolve)
        res = _solve(c, a, lo, hi, lb, ub, integrality, time_limit, presolve=presolve)
        if res == "retry" and presolve:  # presolve can fail (seen on parallel rows): without it
            res = _solve(c, a, lo, hi, lb, ub, integrality, time_limit, presolve=False)
        if res == "retry":
            raise SolverError("HiGHS reported an error")
        return res  # type: ignore[return-value]


def _solve(c, a, lo, hi, lb, ub, integrality, time_limit: float, *, presolve: bool):
    """One HiGHS run: a :class:`Solved`, ``None`` (infeasible) or ``"retry"``."""
    import highspy  # imported here: loading HiGHS is slow and only the MILP path needs it

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
    lp.col_cost_ = c
    lp.col_lower_, lp.col_upper_ = lb, ub
    lp.row_lower_, lp.row_upper_ = lo, hi
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = a.shape[1], a.shape[0]
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data
    is_mip = bool(integrality.any())
    if is_mip:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if t else highspy.HighsVarType.kContinuous
            for t in integrality
        ]
    with _quiet_stdout():
        h = highspy.Highs()
        for name, value in (
            ("output_flag", False),
            ("mip_rel_gap", MIP_GAP),
            ("mip_abs_gap", MIP_ABS_GAP),
            ("mip_feasibility_tolerance", FEAS_TOL),
            ("primal_feasibility_tolerance", FEAS_TOL),
            ("dual_feasibility_tolerance", FEAS_TOL),
            ("time_limit", float(time_limit)),
            # zopa solves hundreds of small programmes: HiGHS's thread pool and its
            # feasibility-jump heuristic cost more than they save (measured: 4x less time on
            # the tests' programmes); one thread is also deterministic
            ("threads", 1),
            ("mip_heuristic_run_feasibility_jump", False),
            ("presolve", "on" if presolve else "off"),
        ):
            h.setOptionValue(name, value)
        h.passModel(lp)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        x = np.array(h.getSolution().col_value, dtype=float)
    ms = highspy.HighsModelStatus
    if status == ms.kInfeasible:
        return None
    if status == ms.kUnboundedOrInfeasible:
        return "retry" if presolve else None  # without presolve HiGHS tells which
    if status == ms.kUnbounded:
        raise SolverError("it called the programme unbounded")
    feasible = info.primal_solution_status == highspy.kSolutionStatusFeasible
    if status == ms.kOptimal or (feasible and status in (ms.kTimeLimit, ms.kInterrupt)):
        value = float(info.objective_function_value)
        bound = float(info.mip_dual_bound) if is_mip else value
        if not np.isfinite(bound):  # no bound proven (a time limit at the root)
            bound = np.inf
        return Solved(x, value, max(bound, value))
    return "retry"
