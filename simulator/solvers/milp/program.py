"""Solving a :class:`~simulator.solvers.milp.formulation.Formulation` with HiGHS.

A :class:`Program` is the formulation plus extra columns (``t``, logarithm bounds, ...) and
extra rows added by a solution concept; :meth:`Program.maximise` solves one MILP with
:func:`scipy.optimize.milp` (HiGHS) at a relative gap of ``MIP_GAP``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from simulator.model.compiled import ACCEPT_ATOL
from simulator.solvers.milp.formulation import Formulation

__all__ = ["MIP_GAP", "STRICT", "Program", "Solved"]

#: Relative optimality gap asked of HiGHS (its default, 1e-4, is far too loose to break ties).
MIP_GAP = 1e-9
#: Margin standing for a strict inequality: larger than HiGHS's MIP feasibility tolerance
#: (1e-6), so that "below" really means below.
STRICT = 1e-5


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 while HiGHS runs: it occasionally prints diagnostics from C
    (seen: "HighsMipSolverData::transformNewIntegerFeasibleSolution ..."), which would corrupt
    ``zopa run --json`` output."""
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
    """A solution: the variable vector and the objective value (maximised)."""

    x: np.ndarray
    value: float


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
    extra_rows: list[tuple[np.ndarray, float, float]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return self.f.n + self.n_extra

    def column(self, lo: float = -np.inf, hi: float = np.inf) -> int:
        """Add a continuous column; returns its index."""
        self.n_extra += 1
        self.extra_lb.append(lo)
        self.extra_ub.append(hi)
        self.extra_rows = [(np.append(a, 0.0), lo_, hi_) for a, lo_, hi_ in self.extra_rows]
        return self.width - 1

    def row(self, coefs: np.ndarray, lo: float, hi: float) -> None:
        """Add ``lo <= coefs @ z <= hi`` (``coefs`` may be shorter: padded with zeros)."""
        full = np.zeros(self.width)
        full[: coefs.size] = coefs
        self.extra_rows.append((full, lo, hi))

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
    def _matrix(self):
        f = self.f
        blocks = [f.rows]
        blocks += [f.red_lines[j].hold for j in self.lines]
        blocks += [f.red_lines[j].broken for j in self.broken]
        a = np.vstack(
            [np.hstack([b[0], np.zeros((b[0].shape[0], self.n_extra))]) for b in blocks]
            + [np.zeros((0, self.width))]
        )
        lo = np.concatenate([b[1] for b in blocks] + [np.zeros(0)])
        hi = np.concatenate([b[2] for b in blocks] + [np.zeros(0)])
        if self.extra_rows:
            a = np.vstack([a, np.array([r[0] for r in self.extra_rows])])
            lo = np.concatenate([lo, [r[1] for r in self.extra_rows]])
            hi = np.concatenate([hi, [r[2] for r in self.extra_rows]])
        return a, lo, hi

    def maximise(self, objective: np.ndarray, time_limit: float = 600.0) -> Solved | None:
        """Maximise ``objective @ z``; ``None`` if infeasible. Raises on an unbounded or failed
        solve (a modelling error, not bad input)."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        c = np.zeros(self.width)
        c[: objective.size] = objective
        a, lo, hi = self._matrix()
        integrality = np.concatenate([self.f.integrality, np.zeros(self.n_extra)])
        bounds = Bounds(
            np.concatenate([self.f.lb, self.extra_lb]), np.concatenate([self.f.ub, self.extra_ub])
        )
        constraints = [LinearConstraint(a, lo, hi)] if a.shape[0] else []
        options = {"mip_rel_gap": MIP_GAP, "time_limit": time_limit}
        with _quiet_stdout():
            res = milp(
                -c,
                integrality=integrality,
                bounds=bounds,
                constraints=constraints,
                options=options,
            )
            if res.status == 4:  # HiGHS's presolve can fail on parallel rows: without it
                res = milp(
                    -c,
                    integrality=integrality,
                    bounds=bounds,
                    constraints=constraints,
                    options={**options, "presolve": False},
                )
        if res.status == 2:  # infeasible
            return None
        if res.x is None:
            raise RuntimeError(f"MILP solve failed: {res.message}")
        return Solved(res.x, float(-res.fun))
