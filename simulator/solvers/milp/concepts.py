"""Solution concepts as mixed-integer programmes (exact, without enumeration).

Each function takes a :class:`~simulator.solvers.milp.formulation.Formulation` and returns a
vector ``x`` (decode it with ``Formulation.decode``) and the concept's objective, or ``None``
when no outcome qualifies. All of them impose the structural constraints and every
signatory's red lines; "acceptable" adds every signatory's ``gain >= -ACCEPT_ATOL``.

* zone slack: ``max t`` s.t. ``g_i >= t`` (Raiffa 1982's zone, as a margin or a gap);
* utilitarian ``max sum_i u_i``; egalitarian ``max t`` s.t. ``g_i >= t``;
* Kalai-Smorodinsky: each party's best acceptable gain ``G_i`` first (one MILP each), then
  ``max t`` s.t. ``g_i >= t G_i``;
* Nash: ``max sum_i w_i log g_i``, concave, by outer approximation (Duran & Grossmann 1986):
  ``l_i <= log a + (g_i - a) / a`` for tangent points ``a`` -- a dozen per party spread
  geometrically over ``(0, G_i]`` to start, then one at each incumbent. Every relaxation's
  proven bound (HiGHS's dual bound on ``sum w_i l_i``) bounds the true optimum from above;
  the loop stops when the best incumbent's true value is within
  :func:`~simulator.solvers.milp.program.solver_tolerance` of the lowest bound (about 3e-9:
  the MIP gaps and the feasibility tolerance set on HiGHS, below which the cuts cannot
  tighten), when the relaxation returns an outcome already cut (no cut can tighten it
  further), or after ``NASH_ROUNDS`` rounds. It never fails: the result carries its proven
  gap. A tangent is finite at a gain of 0, so the relaxation could prefer an outcome that
  leaves a signatory of small power nothing (product 0) to every outcome with a positive
  product; while some acceptable outcome gives every active signatory at least ``STRICT``
  (1e-8, ten times the feasibility tolerance), the search is confined to those.

Every :class:`Pick` says how close it is: ``tolerance``, the distance from its objective to
the proven upper bound on the optimum (at least the solver's tolerance). The tie-breaking
below may pick an outcome up to ``TIE_TOL`` below the optimum; that is included.

Ties (the contract's rule) are broken as in enumeration: among outcomes within ``TIE_TOL`` of
the optimum, the largest sum of gains, then the first in enumeration order -- found by
minimising each issue's level in turn (skipped when a no-good cut shows the optimum is
unique).

References
----------
Duran, M. A., & Grossmann, I. E. (1986). An outer-approximation algorithm for a class of
mixed-integer nonlinear programs. *Mathematical Programming*, 36(3), 307-339.
https://doi.org/10.1007/BF02592064
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.solvers.lottery import ZERO_GAIN
from simulator.solvers.milp.formulation import Formulation
from simulator.solvers.milp.program import FEAS_TOL, STRICT, Program, Solved, solver_tolerance

__all__ = [
    "NASH_ROUNDS",
    "TIE_TOL",
    "Pick",
    "best_gain",
    "egalitarian",
    "exists_without",
    "kalai",
    "nash",
    "slack",
    "utilitarian",
]

#: Outcomes whose objectives (and then sums of gains) agree within this (relative) are tied:
#: ten times the solver's resolution (``solver_tolerance``, about 3e-9), below which values
#: cannot be told apart.
TIE_TOL = 1e-8
#: Nash: rounds of outer approximation at most (each one MILP); the usual case needs a few.
NASH_ROUNDS = 100
#: Tie-breaking re-solves a programme whose solution ``verify`` rejects at most this often,
#: then keeps the outcome it has (optimal within the stated tolerance, ties unbroken).
VERIFY_ROUNDS = 50
#: Nash tie-breaking accepts outcomes whose log-product is within this (relative) of the
#: optimum (the tangent cuts over-estimate the logarithm; an outcome farther below is cut off).
NASH_TIE = TIE_TOL


@dataclass(frozen=True, eq=False)
class Pick:
    """A chosen outcome: the solution vector, the concept's objective there, and how far the
    optimum may lie above it (``tolerance``: the proven bound minus the objective, at least
    :func:`~simulator.solvers.milp.program.solver_tolerance`; for Nash in units of
    ``sum_i w_i log g_i``)."""

    x: np.ndarray
    objective: float
    tolerance: float = 0.0


def _signatories(f: Formulation) -> list[int]:
    return [i for i, s in enumerate(f.model.signatories) if s]


def _program(f: Formulation, *, accept: bool, skip_line: int | None = None) -> Program:
    lines = tuple(j for j in f.model.signatory_lines if j != skip_line)
    prog = Program(f, lines)
    if accept:
        for i in _signatories(f):
            prog.accept(i)
    return prog


def _gains(f: Formulation, x: np.ndarray) -> np.ndarray:
    return f.utility @ x[: f.n] + f.gain_const()


def slack(
    f: Formulation, *, without_reservation: int | None = None, without_line: int | None = None
) -> float | None:
    """``max t`` with every signatory's gain ``>= t`` (except ``without_reservation``), over
    outcomes obeying the constraints and the signatories' red lines (except
    ``without_line``). ``None`` if nothing is feasible or no reservation is left."""
    prog = _program(f, accept=False, skip_line=without_line)
    t = prog.column()
    parties = [i for i in _signatories(f) if i != without_reservation]
    if not parties:
        return None
    for i in parties:
        a, c = prog.gain(i)
        coefs = np.zeros(prog.width)
        coefs[: f.n] = a
        coefs[t] = -1.0
        prog.row(coefs, -c, np.inf)
    obj = np.zeros(prog.width)
    obj[t] = 1.0
    res = prog.maximise(obj)
    return None if res is None else res.value


def exists_without(
    f: Formulation, *, reservation: int | None = None, line: int | None = None
) -> bool:
    """Whether some outcome meets every requirement but one -- a signatory's reservation, or
    one red line -- and fails that one: dropping it alone would add acceptable outcomes."""
    prog = _program(f, accept=False, skip_line=line)
    for i in _signatories(f):
        if i == reservation:
            prog.refuse(i)
        else:
            prog.accept(i)
    if line is not None:
        prog.broken = (line,)
    return prog.maximise(np.zeros(0)) is not None


def best_gain(f: Formulation, i: int, *, self_accepts: bool = True) -> float | None:
    """Party ``i``'s largest gain over acceptable outcomes (or, with ``self_accepts=False``,
    over feasible outcomes every *other* signatory accepts)."""
    prog = _program(f, accept=False)
    for j in _signatories(f):
        if j != i or self_accepts:
            prog.accept(j)
    a, c = prog.gain(i)
    res = prog.maximise(a)
    return None if res is None else res.value + c


# -- tie-breaking ------------------------------------------------------------------------------


def _sum_of_gains(f: Formulation) -> tuple[np.ndarray, float]:
    sig = _signatories(f)
    return f.utility[sig].sum(axis=0), float(f.gain_const()[sig].sum())


def _all_tie(f: Formulation) -> Pick | None:
    """Every acceptable outcome's Nash product is 0: the first in enumeration order."""
    res = _program(f, accept=True).maximise(np.zeros(0))
    if res is None:
        return None
    return Pick(_break_ties(f, lambda: _program(f, accept=True), res.x), -np.inf)


def _first_in_order(
    f: Formulation, build: Callable[[], Program], incumbent: np.ndarray, verify: Verify
) -> np.ndarray:
    """Among the outcomes ``build()`` admits, the first in enumeration order: each issue's
    level minimised in turn. ``verify`` may reject a solution (after tightening ``build``)."""
    if all(opts is not None for opts in f._option_vars):
        # a no-good cut on the incumbent's options: if nothing else qualifies, it is unique
        picked = [
            int(opts[np.argmax(incumbent[opts])]) for opts in f._option_vars if opts is not None
        ]
        others = np.zeros(f.n)
        others[picked] = 1.0

        def different() -> Program:
            prog = build()
            prog.row(others, -np.inf, len(picked) - 1)
            return prog

        if _solve_verified(different, np.zeros(0), verify) is None:
            return incumbent
    fixed: list[tuple[np.ndarray, float]] = []
    x = incumbent

    def with_fixed() -> Program:
        prog = build()
        for c, v in fixed:
            prog.row(c, -np.inf, v + 1e-9 * max(1.0, abs(v)))
        return prog

    for coef in f.order:  # each issue's place in its range: well scaled whatever its unit
        res = _solve_verified(with_fixed, -coef, verify)
        if res is not None:
            x = res.x
        fixed.append((coef, float(coef @ x[: f.n])))
    return x


Verify = Callable[[np.ndarray], bool]


def _solve_verified(
    build: Callable[[], Program], objective: np.ndarray, verify: Verify
) -> Solved | None:
    """Solve ``build()``; if ``verify`` rejects the solution (having tightened what
    ``build`` returns), solve again -- ``VERIFY_ROUNDS`` times at most, then give up:
    ``None``, as when nothing qualifies (the caller keeps the outcome it has)."""
    for _ in range(VERIFY_ROUNDS):
        res = build().maximise(objective)
        if res is None or verify(res.x):
            return res
    return None


def _break_ties(
    f: Formulation,
    build: Callable[[], Program],
    incumbent: np.ndarray,
    verify: Verify = lambda x: True,
    known: Solved | None = None,
) -> np.ndarray:
    """Largest sum of gains among ``build()``'s outcomes, then first in enumeration order.
    ``known``: that largest sum already solved for (the utilitarian's own optimum)."""
    a, c = _sum_of_gains(f)
    res = known if known is not None else _solve_verified(build, a, verify)
    best = res.value if res is not None else float(a @ incumbent[: f.n])
    x = res.x if res is not None else incumbent

    def with_sum() -> Program:
        prog = build()
        prog.row(a, best - TIE_TOL * max(1.0, abs(best + c)), np.inf)
        return prog

    return _first_in_order(f, with_sum, x, verify)


def _objective_row(prog: Program, coefs: np.ndarray, value: float) -> None:
    prog.row(coefs, value - TIE_TOL * max(1.0, abs(value)), np.inf)


def _tolerance(bound: float, objective: float) -> float:
    """How far the optimum may lie above ``objective``, given a proven ``bound``."""
    return float(max(bound + FEAS_TOL - objective, solver_tolerance(objective)))


# -- concepts ------------------------------------------------------------------------------------


def utilitarian(f: Formulation) -> Pick | None:
    """``max sum_i u_i`` over acceptable outcomes (signatories' utilities)."""
    sig = _signatories(f)
    a = f.utility[sig].sum(axis=0)
    const = float(f.utility_const[sig].sum())
    res = _program(f, accept=True).maximise(a)
    if res is None:
        return None

    def build() -> Program:
        prog = _program(f, accept=True)
        _objective_row(prog, a, res.value)
        return prog

    x = _break_ties(f, build, res.x, known=res)  # the sum of gains is its own objective
    value = float(a @ x[: f.n]) + const
    return Pick(x, value, _tolerance(res.bound + const, value))


def _maximin(f: Formulation, scale: np.ndarray) -> Pick | None:
    """``max t`` s.t. ``g_i >= t * scale_i`` over acceptable outcomes (parties with
    ``scale_i > 0``)."""
    sig = [i for i in _signatories(f) if scale[i] > 0]

    def build(floor: float | None) -> tuple[Program, int]:
        prog = _program(f, accept=True)
        t = prog.column()
        for i in sig:
            a, c = prog.gain(i)
            coefs = np.zeros(prog.width)
            coefs[: f.n] = a
            coefs[t] = -scale[i]
            prog.row(coefs, -c, np.inf)
        if floor is not None:
            coefs = np.zeros(prog.width)
            coefs[t] = 1.0
            prog.row(coefs, floor, np.inf)
        return prog, t

    prog, t = build(None)
    obj = np.zeros(prog.width)
    obj[t] = 1.0
    if not sig:
        res = prog.maximise(np.zeros(0))
        if res is None:
            return None
        x = _break_ties(f, lambda: build(None)[0], res.x)
        return Pick(x, 1.0)
    res = prog.maximise(obj)
    if res is None:
        return None
    floor = res.value - TIE_TOL * max(1.0, abs(res.value))
    x = _break_ties(f, lambda: build(floor)[0], res.x)
    g = _gains(f, x)
    value = float(min(g[i] / scale[i] for i in sig))
    return Pick(x, value, _tolerance(res.bound, value))


def egalitarian(f: Formulation) -> Pick | None:
    """``max min_i g_i`` over acceptable outcomes."""
    return _maximin(f, np.ones(len(f.model.parties)))


def kalai(f: Formulation, ideal: np.ndarray | None = None) -> Pick | None:
    """``max min_i g_i / G_i`` over acceptable outcomes, ``G_i`` each party's best acceptable
    gain (parties with ``G_i <= 1e-12`` left out, as in enumeration)."""
    if ideal is None:
        ideal = ideal_gains(f)
        if ideal is None:
            return None
    scale = np.where(ideal > ZERO_GAIN, ideal, 0.0)
    return _maximin(f, scale)


def ideal_gains(f: Formulation) -> np.ndarray | None:
    """Each signatory's best acceptable gain (0 for others); ``None`` if no zone."""
    out = np.zeros(len(f.model.parties))
    for i in _signatories(f):
        g = best_gain(f, i)
        if g is None:
            return None
        out[i] = g
    return out


def nash(
    f: Formulation, power: np.ndarray | None = None, ideal: np.ndarray | None = None
) -> Pick | None:
    """``max sum_i w_i log g_i`` over acceptable outcomes by outer approximation.

    ``power`` is per party (normalised over the signatories); parties whose best gain is at
    most 1e-12 are left out (their factor is 0 whatever is chosen), and if all are, every
    acceptable outcome ties.

    The answer is within ``Pick.tolerance`` of the optimum of ``sum_i w_i log g_i`` (the
    distance from its value to the lowest bound the relaxations proved, at least
    :func:`~simulator.solvers.milp.program.solver_tolerance`): about 3e-9 when the outer
    approximation converges, more if it stopped after ``NASH_ROUNDS`` rounds. It never
    raises for want of convergence (see the module docstring for the stopping rule).
    Outcomes leaving an active signatory a gain below ``STRICT`` (1e-8) are considered only
    when no acceptable outcome gives each at least that (a product of 0 must not win).
    """
    if ideal is None:
        ideal = ideal_gains(f)
        if ideal is None:
            return None
    sig = _signatories(f)
    w_all = np.ones(len(f.model.parties)) if power is None else np.asarray(power, float)
    active = [i for i in sig if ideal[i] > ZERO_GAIN]
    if len(active) < len(sig):  # some signatory can gain nothing: every product is 0, all tie
        return _all_tie(f)
    w = {i: w_all[i] / sum(w_all[j] for j in sig) for i in active}
    cuts: dict[int, list[float]] = {
        i: list(np.geomspace(ideal[i] * 1e-6, ideal[i], 12)) for i in active
    }

    positive = True  # every active gain at least STRICT, while some outcome allows it

    def build(floor: float | None) -> tuple[Program, dict[int, int]]:
        prog = _program(f, accept=True)
        ell = {i: prog.column(hi=float(np.log(ideal[i])) + 1.0) for i in active}
        for i in active:
            a, c = prog.gain(i)
            if positive:
                prog.row(a, STRICT - c, np.inf)
            for pt in cuts[i]:  # l_i - g_i / pt <= log pt - 1
                coefs = np.zeros(prog.width)
                coefs[: f.n] = -a / pt
                coefs[ell[i]] = 1.0
                prog.row(coefs, -np.inf, np.log(pt) - 1.0 + c / pt)
        if floor is not None:
            coefs = np.zeros(prog.width)
            for i in active:
                coefs[ell[i]] = w[i]
            prog.row(coefs, floor, np.inf)
        return prog, ell

    def true_value(x: np.ndarray) -> float:
        g = _gains(f, x)
        if any(g[i] <= 0 for i in active):
            return -np.inf
        return float(sum(w[i] * np.log(g[i]) for i in active))

    def add_cuts(x: np.ndarray) -> bool:
        """Tangents at ``x``'s gains; whether any is new (not within 1e-12 of a cut)."""
        g = _gains(f, x)
        new = False
        for i in active:
            pt = max(float(g[i]), ideal[i] * 1e-12)
            if min(abs(pt - c) for c in cuts[i]) > 1e-12 * pt:
                cuts[i].append(pt)
                new = True
        return new

    best_x, best_val, bound = None, -np.inf, np.inf
    for _ in range(NASH_ROUNDS):
        prog, ell = build(None)
        obj = np.zeros(prog.width)
        for i in active:
            obj[ell[i]] = w[i]
        res = prog.maximise(obj)
        if res is None and positive:
            # no acceptable outcome gives every active signatory STRICT or more: every
            # product is zero or below the solver's resolution; search without the rows
            positive = False
            continue
        if res is None:
            return None
        bound = min(bound, res.bound)  # each relaxation's bound is a bound on the optimum
        val = true_value(res.x)
        if val > best_val:
            best_x, best_val = res.x, val
        # (while every incumbent has a zero gain, best_val is -inf and so is its tolerance)
        if np.isfinite(best_val) and bound - best_val <= solver_tolerance(best_val):
            break
        if not add_cuts(res.x):  # an outcome already cut: the cuts cannot tighten further
            break
    floor = best_val - TIE_TOL * max(1.0, abs(best_val))

    def verify(x: np.ndarray) -> bool:
        # The tangent cuts over-estimate log: the relaxation may admit an outcome slightly
        # worse than the optimum. Accept it within NASH_TIE (the cuts near the optimum make the
        # over-estimate quadratically small); otherwise cut it off and solve again.
        if true_value(x) >= floor - NASH_TIE * max(1.0, abs(floor)):
            return True
        # the relaxation admitted a worse outcome: tighten it and re-solve (with every cut
        # already there, x is within FEAS_TOL of the floor: nothing to tighten, accept it)
        return not add_cuts(x)

    if best_x is None:  # every acceptable outcome leaves an active signatory at zero gain
        return _all_tie(f)
    x = _break_ties(f, lambda: build(floor)[0], best_x, verify)
    polished = _polish_nash(f, x, active, np.array([w[i] for i in active]))
    if true_value(polished) >= true_value(x):
        x = polished
    value = true_value(x)
    return Pick(x, value, _tolerance(bound, value))


def _polish_nash(f: Formulation, x: np.ndarray, active: list[int], w: np.ndarray) -> np.ndarray:
    """The Nash optimum with every binary fixed as in ``x``: exact where the cuts are not.

    The outer approximation pins the optimum's value to within about 3e-9, but the log
    product is flat at its peak, so on a continuous issue that leaves its *position* off by
    the square root of that (seen: 64.9926 for 65). With the binaries fixed, each continuous
    issue solved on its interval (not an integer issue) moves within its chosen segment,
    ``x_k = (1 - t_k) b_j + t_k b_(j+1)``; the gains are affine in ``t`` (every condition and
    interaction depends on binaries only) and ``sum_i w_i log g_i`` is concave, so projected
    Newton steps on the box ``[0, 1]^K`` reach its maximum to rounding (minimal-norm steps,
    so a direction that changes no gain is left as the tie-breaking set it). Skipped when a
    party has a ``cap``: its utility is then a variable of its own, which these steps would
    not move.
    """
    if any(p.cap is not None for p in f.model.parties):
        return x
    base = x[: f.n].copy()
    dirs, t0 = [], []
    for seg in f._segments:
        if seg is None or seg[2] is not None or seg[1].size == 0:
            continue
        lam, s, _ = seg
        j = int(np.argmax(x[s]))
        a, b = int(lam[j]), int(lam[j + 1])
        total = x[a] + x[b]
        t0.append(float(np.clip(x[b] / total, 0.0, 1.0)) if total > 0 else 0.0)
        base[lam] = 0.0
        base[a] = 1.0
        d = np.zeros(f.n)
        d[a], d[b] = -1.0, 1.0
        dirs.append(d)
    if not dirs:
        return x
    direction = np.array(dirs)
    g0 = (f.utility @ base + f.gain_const())[active]
    slope = f.utility[active] @ direction.T  # (parties, K)

    def value(t: np.ndarray) -> float:
        g = g0 + slope @ t
        return float(w @ np.log(g)) if (g > 0).all() else -np.inf

    t = np.array(t0)
    for _ in range(100):
        g = g0 + slope @ t
        if not (g > 0).all():
            return x
        grad = slope.T @ (w / g)
        hess = (slope * (w / g**2)[:, None]).T @ slope  # minus the Hessian
        free = ~(((t <= 0.0) & (grad < 0)) | ((t >= 1.0) & (grad > 0)))
        if not free.any():
            break
        step = np.zeros_like(t)
        step[free] = np.linalg.lstsq(hess[np.ix_(free, free)], grad[free], rcond=None)[0]
        current, size = value(t), 1.0
        while size > 1e-12:
            trial = np.clip(t + size * step, 0.0, 1.0)
            if value(trial) >= current:
                break
            size /= 2
        else:
            break
        moved = float(np.abs(trial - t).max())
        t = trial
        if moved <= 1e-15:
            break
    out = x.copy()
    out[: f.n] = base + direction.T @ t
    return out
