"""A negotiation as a mixed-integer linear programme, without enumerating its outcomes.

With additive utilities every party's utility is linear in the choice of options:

* a discrete issue ``k`` has one binary ``y[k,o]`` per option, ``sum_o y[k,o] = 1``, and a
  party's value is ``sum_o v(o) y[k,o]``;
* a continuous issue ``k`` is a number ``x_k`` on its true interval, written as a convex
  combination of breakpoints ``x_k = sum_j lam[k,j] b_j`` with one binary ``s[k,j]`` per
  segment choosing where ``x_k`` lies (the "lambda" formulation of a piecewise-linear
  function, Dantzig 1960; Vielma, Ahmed & Nemhauser 2010). The breakpoints are the union of
  every party's ``points``, ideal points and every condition's bounds, so every value function
  is linear in ``lam`` and every condition on ``x_k`` is a sum of segment binaries;
* an integer issue (``ContinuousIssue.integer``) is a continuous one whose ``x_k - low``
  is also an integer variable ``m_k`` (one more row, ``m_k = sum_j lam[k,j] (b_j - low)``),
  so the MILP visits every integer of the range and nothing between -- up to ``MAX_LATTICE``
  integers (a :class:`~simulator.errors.SolverError` beyond: HiGHS cannot tell so many apart);
* a condition is an indicator ``c`` in {0, 1}, linear in the binaries; a rule that must hold
  is ``c >= 1``; an implication ``A => B`` is ``c_A <= c_B``; an interaction's bonus multiplies
  ``z <= c_l``, ``z >= sum_l c_l - (m - 1)`` (the product of binaries, linearised);
* a party's ``cap`` makes its utility a variable ``t = min(cap, L)`` (``L`` its uncapped
  utility), exact with one binary choosing which of the two is met (big-M rows whose ``M``
  is the range of ``L``): every concept then reads ``t`` as the utility.

Continuous bounds follow the enumeration's inclusive tolerance: ``min: a`` holds for
``x >= a - BOUND_ATOL`` (so a point within 1e-9 of a bound counts as inside, as on the grid).

Numbers of any scale: an issue's values ``x`` never enter a row. Rows hold utilities (in
[0, 1]), the convex weights ``lam`` and binaries; the tie-breaking order uses each value's
position in its range, ``(x - low) / (high - low)``, in [0, 1]. So a range of
``[-1e300, -1e299]`` or ``[0, 1e-12]`` gives the same, well scaled programme as ``[0, 1]``.

References
----------
Vielma, J. P., Ahmed, S., & Nemhauser, G. (2010). Mixed-integer models for nonseparable
piecewise-linear optimization. *Operations Research*, 58(2), 303-315.
https://doi.org/10.1287/opre.1090.0721
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from simulator.errors import SolverError
from simulator.model.compiled import Model
from simulator.model.issues import ContinuousIssue, DiscreteIssue
from simulator.model.rules import BOUND_ATOL, Condition, Implication, Rule
from simulator.model.values import IdealValue, PiecewiseLinearValue

__all__ = ["MAX_LATTICE", "Formulation", "RuleRows", "formulate"]

#: The most points of a lattice ``low + step m`` (an integer issue's integers, or an even
#: grid) the MILP indexes by one integer ``m``: its row ``m = sum_j lam_j (b_j - low) / step``
#: must hold within HiGHS's tolerance of 1e-9, which ``m``'s rounding error reaches near
#: 2**24 (seen from 2**24 integers up: programmes called infeasible -- no solution, reach
#: None -- and wrong answers). A larger lattice is refused, with a margin of 8.
MAX_LATTICE = 2**21


@dataclass(frozen=True, eq=False)
class RuleRows:
    """A rule as rows: ``hold`` (rows that make it hold) and ``broken`` (rows that make it
    fail), each ``(A, lo, hi)``."""

    hold: tuple[sparse.csr_matrix, np.ndarray, np.ndarray]
    broken: tuple[sparse.csr_matrix, np.ndarray, np.ndarray]


@dataclass(frozen=True, eq=False)
class Formulation:
    """The variables, structural rows and linear utilities of a model.

    Attributes
    ----------
    n : number of variables.
    integrality : 1 for binaries, 0 for continuous variables.
    lb, ub : variable bounds.
    rows : ``(A, lo, hi)`` -- one-hot choices, segment choices, interactions and the
        structural constraints (always imposed).
    utility : ``(n_parties, n)`` coefficients; ``utility_const`` the constant terms.
    red_lines : one :class:`RuleRows` per red line of ``model.red_lines``.
    levels : per issue, coefficients of its enumeration level (option index, or ``x``).
    order : per issue, coefficients of its place in enumeration order, scaled to [0, 1]
        for a continuous issue (``(x - low) / (high - low)``): what tie-breaking minimises.
    """

    model: Model
    n: int
    integrality: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    rows: tuple[sparse.csr_matrix, np.ndarray, np.ndarray]
    utility: np.ndarray
    utility_const: np.ndarray
    red_lines: tuple[RuleRows, ...]
    levels: tuple[np.ndarray, ...]
    order: tuple[np.ndarray, ...]
    _option_vars: tuple[np.ndarray | None, ...] = field(repr=False)
    #: per issue solved by segments: ``(lam, s, m)`` -- its convex weights, segment binaries
    #: and, on a lattice (an integer issue, or a grid), the index of the integer ``m`` with
    #: ``x = low + step m``; ``None`` for an issue with one binary per level
    _segments: tuple[tuple[np.ndarray, np.ndarray, int | None] | None, ...] = field(repr=False)
    #: per lattice issue, ``(low, step, count)``
    _lattices: dict[int, tuple[float, float, int]] = field(repr=False, default_factory=dict)
    #: whether HiGHS may presolve the programmes: not with a cap's big-M rows, on which
    #: HiGHS 1.16's presolve calls feasible programmes infeasible and returns suboptimal
    #: "optima" (seen: a capped utility asked to stay within 1e-8 of its cap)
    presolve: bool = True

    def gain_const(self) -> np.ndarray:
        """Constant terms of each party's gain ``u_i - d_i`` (its coefficients are
        ``utility``)."""
        return self.utility_const - self.model.reservations

    def decode(self, x: np.ndarray) -> dict[str, str | float]:
        """The outcome a solution vector describes."""
        out: dict[str, str | float] = {}
        for k, (issue, coef, opts) in enumerate(
            zip(self.model.issues, self.levels, self._option_vars)
        ):
            seg = self._segments[k]
            if opts is not None:
                out[issue.name] = self.model.level_value(k, int(np.argmax(x[opts])))
            elif seg is not None and seg[2] is not None:  # a lattice: low + step m
                low, step, count = self._lattices[k]
                m = int(min(max(np.round(x[seg[2]]), 0), count - 1))
                grid = self.model.level_values[k]
                out[issue.name] = float(grid[m]) if grid.size == count else low + step * m
            else:
                assert isinstance(issue, ContinuousIssue)
                value = float(coef @ x[: self.n])
                out[issue.name] = min(max(value, issue.low), issue.high)
        return out


class _Builder:
    def __init__(self) -> None:
        self.n = 0
        self.integrality: list[int] = []
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def add(self, count: int, integer: bool, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
        idx = np.arange(self.n, self.n + count)
        self.n += count
        self.integrality += [int(integer)] * count
        self.lb += [lo] * count
        self.ub += [hi] * count
        return idx

    def row(self, coefs: dict[int, float], lo: float, hi: float) -> None:
        self.rows.append((coefs, lo, hi))

    @staticmethod
    def matrix(rows, n: int) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
        """Rows of ``{column: coefficient}`` as a sparse matrix (repeated columns add up)."""
        r = [i for i, (coefs, _, _) in enumerate(rows) for _ in coefs]
        c = [j for coefs, _, _ in rows for j in coefs]
        v = [x for coefs, _, _ in rows for x in coefs.values()]
        a = sparse.csr_matrix((np.array(v, dtype=float), (r, c)), shape=(len(rows), n))
        lo = np.array([r[1] for r in rows], dtype=float)
        hi = np.array([r[2] for r in rows], dtype=float)
        return a, lo, hi


def _lattice(model: Model, k: int, on_grid: bool) -> tuple[float, float, int] | None:
    """``(low, step, count)`` when issue ``k``'s values form the lattice ``low + step n``,
    ``n = 0 .. count - 1``: its grid (``on_grid``, when evenly spaced, as an issue's own grid
    always is) or, for an integer issue on its range, every integer. ``None`` otherwise."""
    issue = model.issues[k]
    if on_grid:
        v = np.asarray(model.level_values[k], dtype=float)
        if v.size < 2:
            return None
        step = (v[-1] - v[0]) / (v.size - 1)
        if step > 0 and np.allclose(np.diff(v), step, rtol=1e-9, atol=0.0):
            return float(v[0]), float(step), int(v.size)
        return None
    if isinstance(issue, ContinuousIssue) and issue.integer and issue.high > issue.low:
        return float(issue.low), 1.0, int(issue.high - issue.low) + 1
    return None


def _condition_span(
    cond: Condition, lattice: tuple[float, float, int] | None, grid: np.ndarray | None
) -> tuple[float, float]:
    """Where a condition on a continuous issue holds, as ``[start, end]``.

    On the interval: ``[low - BOUND_ATOL, high + BOUND_ATOL]`` (either end infinite when
    open). On a lattice ``low + step m`` the ends are put halfway between the last lattice
    point outside and the first inside (found as enumeration finds them: on ``grid`` when
    given, else by arithmetic), so that a solution ``m`` off an integer by the solver's
    tolerance cannot cross a bound; ``(inf, inf)`` when no lattice point qualifies.
    """
    start = -np.inf if cond.low is None else cond.low - BOUND_ATOL
    end = np.inf if cond.high is None else cond.high + BOUND_ATOL
    if lattice is None:
        return start, end
    lo, step, count = lattice

    def value(m: int) -> float:
        return float(grid[m]) if grid is not None else lo + step * m

    first, last = 0, count - 1  # the lattice points inside
    if np.isfinite(start):
        if grid is not None:
            first = int(np.searchsorted(grid, start, side="left"))
        else:
            first = int(min(max(np.ceil((start - lo) / step), 0), count))
            while first > 0 and value(first - 1) >= start:
                first -= 1
            while first < count and value(first) < start:
                first += 1
    if np.isfinite(end):
        if grid is not None:
            last = int(np.searchsorted(grid, end, side="right")) - 1
        else:
            last = int(min(max(np.floor((end - lo) / step), -1), count - 1))
            while last < count - 1 and value(last + 1) <= end:
                last += 1
            while last >= 0 and value(last) > end:
                last -= 1
    if first > last:
        return np.inf, np.inf
    return (
        -np.inf if first == 0 else lo + step * (first - 0.5),
        np.inf if last == count - 1 else lo + step * (last + 0.5),
    )


def _breakpoints(
    model: Model, k: int, lo: float, hi: float, spans: list[tuple[float, float]]
) -> np.ndarray:
    """Every party's ``points`` and ``ideal`` on issue ``k``, and the ends of its conditions'
    ``spans``, within ``[lo, hi]``."""
    issue = model.issues[k]
    pts = {lo, hi}
    for party in model.parties:
        fn = party.values.get(issue.name) if issue.name in party.weights else None
        if isinstance(fn, PiecewiseLinearValue):
            pts.update(fn.xs)
        elif isinstance(fn, IdealValue):
            pts.add(fn.ideal)
    for start, end in spans:
        pts.update(p for p in (start, end) if np.isfinite(p))
    return np.array(sorted(p for p in pts if lo <= p <= hi))


def _conditions(model: Model):
    rules = list(model.constraints) + [rl.rule for rl in model.red_lines]
    for rule in rules:
        if isinstance(rule, Implication):
            yield rule.antecedent
            yield rule.consequent
        else:
            yield rule
    for party in model.parties:
        for inter in party.interactions:
            yield from inter.when


def _capped(
    b: _Builder,
    coefs: dict[int, float],
    const: float,
    cap: float,
    groups: list[np.ndarray],
) -> tuple[dict[int, float], float]:
    """The utility ``t = min(cap, L)`` of a capped party, ``L = sum coefs x + const``: a
    variable ``t`` with ``t <= cap``, ``t <= L`` and, with one binary ``d`` choosing which
    bound is met, ``t >= cap - B (1 - d)`` and ``t >= L - B d``. ``L`` lies in ``[lo, hi]``:
    each of ``groups`` (an issue's option binaries or convex weights, summing to 1) adds its
    smallest and largest coefficient, every other variable (in [0, 1]) its coefficient when
    negative or positive; ``B = max(cap - lo, hi - cap)`` makes each row void when not
    chosen. Returns ``t``'s coefficients and constant (``{t: 1}`` and 0)."""
    lo = hi = const
    rest = dict(coefs)
    for group in groups:
        values = [rest.pop(int(j), 0.0) for j in group]
        if values:
            lo, hi = lo + min(values), hi + max(values)
    lo += sum(v for v in rest.values() if v < 0)
    hi += sum(v for v in rest.values() if v > 0)
    if hi <= cap:  # the cap never binds
        return coefs, const
    if lo >= cap:  # the cap always binds: the utility is the cap
        return {}, cap
    big = max(cap - lo, hi - cap) + 1.0
    t = int(b.add(1, integer=False, lo=min(lo, cap) - 1.0, hi=cap)[0])
    d = int(b.add(1, integer=True)[0])
    minus = {j: -v for j, v in coefs.items()}
    b.row({**minus, t: 1.0}, -np.inf, const)  # t <= L
    b.row({t: 1.0, d: -big}, cap - big, np.inf)  # t >= cap - B (1 - d)
    b.row({**minus, t: 1.0, d: big}, const, np.inf)  # t >= L - B d
    return {t: 1.0}, 0.0


def formulate(model: Model, *, on_grid: bool = False) -> Formulation:
    """Build the MILP of a compiled model.

    Discrete issues take their levels (every option, or fewer in a restricted model); a
    continuous issue ranges over its whole interval (an integer issue over every integer of
    it), or -- with ``on_grid=True`` -- only over its enumeration grid: then the MILP answers
    exactly the enumeration's question (``method="auto"`` above its threshold, and the
    tests comparing the two methods). An evenly spaced grid is the lattice ``low + step m``
    with ``m`` an integer variable on top of the segments (a grid of 3,000 points costs one
    variable, not 3,000 binaries, and stays fast); other level sets get one binary per level.

    Examples
    --------
    >>> from simulator.model import DiscreteIssue, Party, TableValue, compile_model
    >>> deal = DiscreteIssue("deal", ("a", "b"))
    >>> m = compile_model([deal], [Party("p", 0, {"deal": 1}, {"deal": TableValue((1, 0))}),
    ...                            Party("q", 0, {"deal": 1}, {"deal": TableValue((0, 1))})])
    >>> f = formulate(m)
    >>> f.n, f.utility.tolist()
    (2, [[1.0, 0.0], [0.0, 1.0]])
    """
    b = _Builder()
    option_vars: list[np.ndarray | None] = []
    segments: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # k -> bp, lam, s
    integer_vars: dict[int, int | None] = {}  # k -> m (lattice issues)
    lattices: dict[int, tuple[float, float, int]] = {}
    cond_spans: dict[Condition, tuple[float, float]] = {}  # where each condition holds
    big_m = False  # whether some cap needed big-M rows
    spans: dict[int, tuple[float, float]] = {}  # k -> the values' range
    for k, issue in enumerate(model.issues):
        lattice = None if isinstance(issue, DiscreteIssue) else _lattice(model, k, on_grid)
        if isinstance(issue, DiscreteIssue) or (on_grid and lattice is None):
            y = b.add(len(model.level_values[k]), integer=True)  # one binary per level
            b.row({int(j): 1.0 for j in y}, 1.0, 1.0)
            option_vars.append(y)
        else:
            if lattice is not None:
                lo_k, step, count = lattice
                if count > MAX_LATTICE:
                    raise SolverError(
                        f"issue {issue.name!r} has {count:,} integers or grid points, more than "
                        f"the {MAX_LATTICE:,} it can tell apart"
                    )
                spans[k] = (lo_k, lo_k + step * (count - 1))
                lattices[k] = lattice
            else:
                spans[k] = (issue.low, issue.high)
            grid = np.asarray(model.level_values[k], float) if on_grid else None
            for cond in _conditions(model):
                if cond.issue == issue.name:
                    cond_spans[cond] = _condition_span(cond, lattice, grid)
            bp = _breakpoints(
                model,
                k,
                *spans[k],
                [cond_spans[c] for c in _conditions(model) if c.issue == issue.name],
            )
            lam = b.add(bp.size, integer=False)
            b.row({int(j): 1.0 for j in lam}, 1.0, 1.0)
            if bp.size > 1:
                s = b.add(bp.size - 1, integer=True)
                b.row({int(j): 1.0 for j in s}, 1.0, 1.0)
                for j, lv in enumerate(lam):  # lam_j <= s_{j-1} + s_j
                    coefs = {int(lv): 1.0}
                    if j > 0:
                        coefs[int(s[j - 1])] = -1.0
                    if j < s.size:
                        coefs[int(s[j])] = coefs.get(int(s[j]), 0.0) - 1.0
                    b.row(coefs, -np.inf, 0.0)
            else:
                s = np.zeros(0, dtype=int)
            m = None
            if lattice is not None:  # x = low + step m, m an integer: (x - low) / step = m
                lo_k, step, count = lattice
                m = int(b.add(1, integer=True, lo=0.0, hi=float(count - 1))[0])
                row = {int(j): -float((v - lo_k) / step) for j, v in zip(lam, bp)}
                row[m] = 1.0
                b.row(row, 0.0, 0.0)
            segments[k] = (bp, lam, s)
            integer_vars[k] = m
            option_vars.append(None)
    by_name = {issue.name: k for k, issue in enumerate(model.issues)}

    def indicator(cond: Condition) -> tuple[dict[int, float], float]:
        """``c = sum coefs + const`` in {0, 1}: whether the condition holds."""
        k = by_name[cond.issue]
        issue = model.issues[k]
        opts = option_vars[k]
        if opts is not None:
            mask = cond.level_mask(issue, model.level_values[k])
            return {int(j): 1.0 for j in opts[mask]}, 0.0
        bp, lam, s = segments[k]
        start, end = cond_spans[cond]
        tiny = 1e-12 * max(1.0, abs(spans[k][1] - spans[k][0]))
        if s.size == 0:  # a single point
            return {}, float(start - tiny <= bp[0] <= end + tiny)
        inside = [
            int(s[j]) for j in range(s.size) if bp[j] >= start - tiny and bp[j + 1] <= end + tiny
        ]
        return {j: 1.0 for j in inside}, 0.0

    def rule_rows(rule: Rule) -> tuple[list, list]:
        """Raw rows (coefficient dicts) that make ``rule`` hold, and that make it fail."""
        hold: list = []
        broken: list = []
        if isinstance(rule, Implication):
            ca, ka = indicator(rule.antecedent)
            cb, kb = indicator(rule.consequent)
            diff = dict(ca)
            for j, v in cb.items():
                diff[j] = diff.get(j, 0.0) - v
            hold.append((diff, -np.inf, kb - ka))  # c_A - c_B <= 0
            broken.append((ca, 1.0 - ka, np.inf))  # c_A = 1
            broken.append((cb, -np.inf, -kb))  # c_B = 0
        else:
            c, kc = indicator(rule)
            hold.append((c, 1.0 - kc, np.inf))
            broken.append((c, -np.inf, -kc))
        return hold, broken

    # utilities
    n_parties = len(model.parties)
    util: list[dict[int, float]] = [dict() for _ in range(n_parties)]
    const = np.zeros(n_parties)
    for i, party in enumerate(model.parties):
        for name, w in party.normalised_weights().items():
            k = by_name[name]
            fn = party.values[name]
            opts = option_vars[k]
            if opts is not None:
                for j, v in zip(opts, fn(model.level_values[k])):
                    util[i][int(j)] = util[i].get(int(j), 0.0) + w * float(v)
            else:
                bp, lam, _ = segments[k]
                for j, v in zip(lam, fn(bp)):
                    util[i][int(j)] = util[i].get(int(j), 0.0) + w * float(v)
        for inter in party.interactions:
            z = b.add(1, integer=False)
            zi = int(z[0])
            parts = [indicator(c) for c in inter.when]
            total: dict[int, float] = {zi: -1.0}
            total_const = 0.0
            for coefs, kc in parts:  # z <= c_l
                row = {j: -v for j, v in coefs.items()}
                row[zi] = row.get(zi, 0.0) + 1.0
                b.row(row, -np.inf, kc)
                for j, v in coefs.items():
                    total[j] = total.get(j, 0.0) + v
                total_const += kc
            b.row(total, -np.inf, len(parts) - 1 - total_const)  # sum c - z <= m - 1
            util[i][zi] = util[i].get(zi, 0.0) + inter.bonus
        if party.cap is not None:
            groups = [v for v in option_vars if v is not None]
            groups += [lam for _, lam, _ in segments.values()]
            before = b.n
            util[i], const[i] = _capped(b, util[i], float(const[i]), float(party.cap), groups)
            big_m |= b.n > before
    for rule in model.constraints:
        b.rows.extend(rule_rows(rule)[0])
    red = [rule_rows(rl.rule) for rl in model.red_lines]
    n = b.n
    rows = _Builder.matrix(b.rows, n)
    utility = np.zeros((n_parties, n))
    for i, coefs in enumerate(util):
        for j, v in coefs.items():
            utility[i, j] = v
    levels, order = [], []
    for k in range(len(model.issues)):
        coef = np.zeros(n)
        place = np.zeros(n)
        opts = option_vars[k]
        if opts is not None:  # the level's position: the enumeration order
            coef[opts] = place[opts] = np.arange(len(opts))
        else:
            bp, lam, _ = segments[k]
            coef[lam] = bp
            width = spans[k][1] - spans[k][0]
            place[lam] = (bp - spans[k][0]) / width if width > 0 else 0.0
        levels.append(coef)
        order.append(place)
    return Formulation(
        model=model,
        n=n,
        integrality=np.array(b.integrality),
        lb=np.array(b.lb),
        ub=np.array(b.ub),
        rows=rows,
        utility=utility,
        utility_const=const,
        red_lines=tuple(
            RuleRows(_Builder.matrix(hold, n), _Builder.matrix(broken, n)) for hold, broken in red
        ),
        levels=tuple(levels),
        order=tuple(order),
        _option_vars=tuple(option_vars),
        _segments=tuple(
            (segments[k][1], segments[k][2], integer_vars[k]) if k in segments else None
            for k in range(len(model.issues))
        ),
        _lattices=lattices,
        presolve=not big_m,
    )
