"""The compiled model: a negotiation turned into lookup tables over issue levels.

:func:`compile_model` checks a negotiation's parts against each other and turns every value
function, rule and interaction into small arrays indexed by issue level. Evaluating a chunk
of outcomes is then a handful of vectorised table lookups:

* :meth:`Model.utilities` -- an ``(n_outcomes, n_parties)`` float array (the additive part,
  the interaction bonuses, then each party's ``cap``);
* :meth:`Model.constraint_mask` -- which outcomes obey every structural constraint;
* :meth:`Model.red_line_breaks` -- an ``(n_outcomes, n_red_lines)`` boolean array.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from simulator.errors import SpaceTooLargeError
from simulator.model.issues import DiscreteIssue, Issue
from simulator.model.party import Party
from simulator.model.rules import Condition, Implication, Rule
from simulator.model.space import DEFAULT_CHUNK, OutcomeSpace
from simulator.model.values import TableValue

__all__ = ["ACCEPT_ATOL", "MAX_OUTCOMES", "Model", "RedLine", "compile_model"]

#: Default largest space the enumeration solvers accept (a setting: pass ``max_outcomes``).
MAX_OUTCOMES = 10**8

#: Utilities are rounded to this many decimals: sums of the same terms in a different order
#: (chunked or blocked evaluation, the MILP, a restricted model) then give the same floats,
#: so outcomes with equal utilities stay equal (ties, duplicates on the Pareto frontier).
UTILITY_DECIMALS = 12

#: An outcome is acceptable to a party when ``u >= reservation - ACCEPT_ATOL``: weights
#: normalised in floating point must not turn an exact tie with the reservation into a refusal.
ACCEPT_ATOL = 1e-9


@dataclass(frozen=True)
class RedLine:
    """A red line with its owner: ``party`` is an index into ``Model.parties``."""

    party: int
    rule: Rule

    def text(self) -> str:
        return f"red_line: {self.rule}"


@dataclass(frozen=True, eq=False)
class _CompiledCondition:
    issue: int
    mask: np.ndarray  # bool per level

    def holds(self, levels: np.ndarray) -> np.ndarray:
        return self.mask[levels[:, self.issue]]


@dataclass(frozen=True, eq=False)
class _CompiledRule:
    antecedent: _CompiledCondition | None
    consequent: _CompiledCondition

    def holds(self, levels: np.ndarray) -> np.ndarray:
        ok = self.consequent.holds(levels)
        if self.antecedent is not None:
            ok = ok | ~self.antecedent.holds(levels)
        return ok


@dataclass(frozen=True, eq=False)
class Model:
    """A compiled negotiation. Build it with :func:`compile_model`.

    Attributes
    ----------
    issues, parties, constraints : the negotiation's parts, in order.
    signatories : bool array, one per party: who must accept an agreement.
    level_values : per issue, the levels enumerated -- option indices (discrete) or numbers
        (continuous); normally every option and the whole grid, fewer after :meth:`restrict`.
    red_lines : every party's red lines, flattened, with their owner.
    """

    issues: tuple[Issue, ...]
    parties: tuple[Party, ...]
    constraints: tuple[Rule, ...]
    signatories: np.ndarray
    level_values: tuple[np.ndarray, ...]
    red_lines: tuple[RedLine, ...]
    _tables: tuple[np.ndarray, ...] = field(repr=False)
    _constraints: tuple[_CompiledRule, ...] = field(repr=False)
    _red_lines: tuple[_CompiledRule, ...] = field(repr=False)
    _interactions: tuple[tuple[int, float, tuple[_CompiledCondition, ...]], ...] = field(repr=False)
    #: per party, its cap (``inf`` without one); ``None`` when no party has a cap
    _caps: np.ndarray | None = field(default=None, repr=False)

    # -- shape ------------------------------------------------------------------------------
    @property
    def space(self) -> OutcomeSpace:
        return OutcomeSpace(tuple(len(v) for v in self.level_values))

    @property
    def party_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parties)

    @property
    def issue_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.issues)

    @property
    def reservations(self) -> np.ndarray:
        return np.array([p.reservation for p in self.parties], dtype=float)

    @property
    def power(self) -> np.ndarray:
        """Bargaining powers of the signatories, normalised to sum to one (others: 0)."""
        raw = np.array([p.power for p in self.parties], dtype=float) * self.signatories
        return raw / raw.sum()

    @property
    def signatory_lines(self) -> tuple[int, ...]:
        """Indices (into :attr:`red_lines`) of the signatories' red lines: the ones that bind."""
        return tuple(j for j, rl in enumerate(self.red_lines) if self.signatories[rl.party])

    def check_size(self, max_outcomes: int = MAX_OUTCOMES) -> int:
        """The number of outcomes; :class:`SpaceTooLargeError` if above ``max_outcomes``."""
        count = self.space.count
        if count > max_outcomes:
            raise SpaceTooLargeError(count, max_outcomes)
        return count

    # -- evaluation on a chunk of levels (rows of space.levels) ------------------------------
    def utilities(self, levels: np.ndarray) -> np.ndarray:
        """Every party's utility of each outcome: ``(n_outcomes, n_parties)`` floats."""
        out = self.additive(levels, 0)
        self._add_bonuses(levels, out)
        if self._caps is not None:
            np.minimum(out, self._caps, out=out)
        return np.round(out, UTILITY_DECIMALS, out=out)

    def additive(self, levels: np.ndarray, first: int) -> np.ndarray:
        """The additive part of the utilities from issues ``first .. first + m - 1``, given
        their levels as the ``m`` columns of ``levels`` (no interaction bonuses)."""
        out = np.zeros((levels.shape[0], len(self.parties)))
        for col, table in enumerate(self._tables[first : first + levels.shape[1]]):
            if table is not None:
                out += table[levels[:, col]]
        return out

    @property
    def has_interactions(self) -> bool:
        return bool(self._interactions)

    def block_utilities(
        self, prefix: np.ndarray, trailing_part: np.ndarray, levels: np.ndarray | None
    ) -> np.ndarray:
        """Utilities of a chunk ``prefix x block`` (:meth:`OutcomeSpace.blocks`), given the
        block's additive part ``trailing_part = additive(block.trailing, prefix.shape[1])``,
        computed once per block: the leading issues add one row per prefix. ``levels`` (the
        chunk's) is needed only for interaction bonuses. Sums in a different order than
        :meth:`utilities` (leading issues, then trailing ones), then rounds the same way."""
        lead = self.additive(prefix, 0)
        out = (lead[:, None, :] + trailing_part[None, :, :]).reshape(-1, len(self.parties))
        if self._interactions:
            if levels is None:
                raise ValueError("interaction bonuses need the chunk's levels")
            self._add_bonuses(levels, out)
        if self._caps is not None:
            np.minimum(out, self._caps, out=out)
        return np.round(out, UTILITY_DECIMALS, out=out)

    def evaluated(
        self, chunk_size: int = DEFAULT_CHUNK, levels: bool = True
    ) -> Iterator[tuple[int, np.ndarray | None, np.ndarray]]:
        """Yield ``(start, levels, utilities)`` for consecutive chunks covering the whole
        space, in enumeration order, block by block (:meth:`OutcomeSpace.blocks`): the trailing
        issues' additive part is computed once per block (:meth:`block_utilities`). With
        ``levels=False`` the chunk's levels are built only if interaction bonuses need them,
        and ``None`` is yielded in their place."""
        last: object = None
        trailing_part = np.empty(0)
        build = levels or self.has_interactions
        for start, prefix, block in self.space.blocks(chunk_size):
            if block is not last:
                last, trailing_part = block, self.additive(block.trailing, prefix.shape[1])
            lv = block.levels(prefix) if build else None
            yield start, (lv if levels else None), self.block_utilities(prefix, trailing_part, lv)

    def _add_bonuses(self, levels: np.ndarray, out: np.ndarray) -> None:
        n = levels.shape[0]
        for party, bonus, conditions in self._interactions:
            hit = np.ones(n, dtype=bool)
            for cond in conditions:
                hit &= cond.holds(levels)
            out[:, party] += bonus * hit

    def constraint_mask(self, levels: np.ndarray) -> np.ndarray:
        """Which outcomes obey every structural constraint."""
        ok = np.ones(levels.shape[0], dtype=bool)
        for rule in self._constraints:
            ok &= rule.holds(levels)
        return ok

    def constraint_breaks(self, levels: np.ndarray) -> np.ndarray:
        """``(n_outcomes, n_constraints)``: True where an outcome breaks a constraint."""
        out = np.zeros((levels.shape[0], len(self._constraints)), dtype=bool)
        for j, rule in enumerate(self._constraints):
            out[:, j] = ~rule.holds(levels)
        return out

    def red_line_breaks(self, levels: np.ndarray) -> np.ndarray:
        """``(n_outcomes, n_red_lines)``: True where an outcome breaks a red line."""
        out = np.zeros((levels.shape[0], len(self._red_lines)), dtype=bool)
        for j, rule in enumerate(self._red_lines):
            out[:, j] = ~rule.holds(levels)
        return out

    # -- outcomes as users see them ----------------------------------------------------------
    def breaks_by_party(self, breaks: np.ndarray) -> np.ndarray:
        """``(n, n_parties)``: True where an outcome breaks one of that party's red lines,
        from :meth:`red_line_breaks`' ``(n, n_red_lines)``."""
        out = np.zeros((breaks.shape[0], len(self.parties)), dtype=bool)
        for j, line in enumerate(self.red_lines):
            out[:, line.party] |= breaks[:, j]
        return out

    def level_value(self, k: int, level: int) -> str | float:
        """Issue ``k`` at one of its levels, as users see it: the option (discrete) or the
        number (continuous)."""
        issue, v = self.issues[k], self.level_values[k][int(level)]
        return issue.options[int(v)] if isinstance(issue, DiscreteIssue) else float(v)

    def describe(self, levels_row: Sequence[int]) -> dict[str, str | float]:
        """The outcome at one row of levels, as ``{issue: option or number}``."""
        return {
            issue.name: self.level_value(k, level)
            for k, (issue, level) in enumerate(zip(self.issues, levels_row))
        }

    def outcome(self, index: int) -> dict[str, str | float]:
        """The outcome with enumeration number ``index``."""
        return self.describe(self.space.levels(index, index + 1)[0])

    def check_outcome(self, fixed: Mapping[str, str | float]) -> dict[str, str | float]:
        """``fixed`` checked against the issues: each key an issue, each value an option of a
        discrete issue or a number (or its text, ``"65"``) within a continuous issue's range,
        an integer for an integer issue. Returns the values as the model takes them (options
        as strings, numbers as floats); raises ``ValueError`` naming what is valid.

        >>> from simulator.model import DiscreteIssue, Party, TableValue
        >>> m = compile_model([DiscreteIssue("remote", ("none", "full"))], [
        ...     Party("a", 0.0, {"remote": 1}, {"remote": TableValue((0.0, 1.0))}),
        ...     Party("b", 0.0, {"remote": 1}, {"remote": TableValue((1.0, 0.0))})])
        >>> m.check_outcome({"remote": "hybrid"})
        Traceback (most recent call last):
        ValueError: 'hybrid' is not an option of remote (options: none, full)
        """
        by_name = {i.name: i for i in self.issues}
        out: dict[str, str | float] = {}
        for name, value in fixed.items():
            if name not in by_name:
                raise ValueError(f"no issue {name!r} (issues: {', '.join(by_name)})")
            issue = by_name[name]
            if isinstance(issue, DiscreteIssue):
                if str(value) not in issue.options:
                    raise ValueError(
                        f"{str(value)!r} is not an option of {name} "
                        f"(options: {', '.join(issue.options)})"
                    )
                out[name] = str(value)
                continue
            try:
                x = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name} takes a number; found {value!r}") from None
            if not issue.low - 1e-12 <= x <= issue.high + 1e-12:
                raise ValueError(
                    f"{name} = {x:g} is outside the range [{issue.low:g}, {issue.high:g}]"
                )
            if issue.integer and not x.is_integer():
                raise ValueError(f"{name} = {x:g} is not an integer (issue {name} takes one)")
            out[name] = x
        return out

    def restrict(self, fixed: Mapping[str, str | float]) -> Model:
        """The same negotiation with some issues fixed: ``{issue: option}`` for a discrete
        issue, ``{issue: number}`` for a continuous one (any number in its range, on the grid
        or not). The other issues keep all their levels. Invalid values raise ``ValueError``
        (see :meth:`check_outcome`)."""
        by_name = {i.name: k for k, i in enumerate(self.issues)}
        levels = list(self.level_values)
        for name, value in self.check_outcome(fixed).items():
            issue = self.issues[by_name[name]]
            if isinstance(issue, DiscreteIssue):
                levels[by_name[name]] = np.array([issue.index(str(value))])
            else:
                levels[by_name[name]] = np.array([float(value)])
        return self.recompiled(levels=levels)

    def recompiled(
        self,
        *,
        parties: Iterable[Party] | None = None,
        constraints: Iterable[Rule] | None = None,
        levels: Sequence[np.ndarray] | None = None,
    ) -> Model:
        """This model compiled again with other parties (the same names), constraints or
        issue levels; the rest, the signatories included, is kept."""
        return compile_model(
            self.issues,
            self.parties if parties is None else parties,
            self.constraints if constraints is None else constraints,
            [n for n, s in zip(self.party_names, self.signatories) if s],
            levels=self.level_values if levels is None else levels,
        )


def _compile_condition(cond: Condition, by_name: Mapping[str, int], issues, levels):
    if cond.issue not in by_name:
        raise ValueError(f"condition on unknown issue {cond.issue!r}")
    k = by_name[cond.issue]
    return _CompiledCondition(k, cond.level_mask(issues[k], levels[k]))


def _compile_rule(rule: Rule, by_name, issues, levels) -> _CompiledRule:
    if isinstance(rule, Implication):
        return _CompiledRule(
            _compile_condition(rule.antecedent, by_name, issues, levels),
            _compile_condition(rule.consequent, by_name, issues, levels),
        )
    return _CompiledRule(None, _compile_condition(rule, by_name, issues, levels))


def _default_levels(issue: Issue) -> np.ndarray:
    if isinstance(issue, DiscreteIssue):
        return np.arange(issue.n_levels)
    return issue.levels


def compile_model(
    issues: Iterable[Issue],
    parties: Iterable[Party],
    constraints: Iterable[Rule] = (),
    signatories: Iterable[str] | None = None,
    *,
    levels: Sequence[np.ndarray] | None = None,
) -> Model:
    """Check a negotiation's parts against each other and compile them to tables.

    Parameters
    ----------
    issues, parties, constraints : the negotiation.
    signatories : names of the parties who must accept; default every party.
    levels : per issue, the levels to enumerate (default: all options, the whole grid).

    Raises
    ------
    ValueError
        If a party or rule names an unknown issue or option, a value function does not fit
        its issue, or fewer than two parties are given.

    Examples
    --------
    >>> from simulator.model.values import TableValue
    >>> issue = DiscreteIssue("deal", ("a", "b"))
    >>> p1 = Party("p1", 0.5, {"deal": 1.0}, {"deal": TableValue((1.0, 0.0))})
    >>> p2 = Party("p2", 0.5, {"deal": 1.0}, {"deal": TableValue((0.2, 1.0))})
    >>> m = compile_model([issue], [p1, p2])
    >>> m.utilities(m.space.levels(0, 2)).tolist()
    [[1.0, 0.2], [0.0, 1.0]]
    """
    issues = tuple(issues)
    parties = tuple(parties)
    constraints = tuple(constraints)
    if len(parties) < 2:
        raise ValueError("a negotiation needs at least two parties")
    names = [p.name for p in parties]
    if len(set(names)) != len(names):
        raise ValueError("party names must be unique")
    by_name = {i.name: k for k, i in enumerate(issues)}
    if len(by_name) != len(issues):
        raise ValueError("issue names must be unique")
    sig_names = list(names if signatories is None else signatories)
    unknown = set(sig_names) - set(names)
    if unknown:
        raise ValueError(f"unknown signatories {sorted(unknown)}")
    if not sig_names:
        raise ValueError("at least one party must be a signatory")
    sig = np.array([n in sig_names for n in names])
    lv = tuple(
        np.asarray(v) for v in (levels if levels is not None else map(_default_levels, issues))
    )

    tables: list[np.ndarray | None] = [None] * len(issues)
    for j, party in enumerate(parties):
        for issue_name, w in party.normalised_weights().items():
            if issue_name not in by_name:
                raise ValueError(f"party {party.name!r} weighs unknown issue {issue_name!r}")
            k = by_name[issue_name]
            fn = party.values[issue_name]
            issue = issues[k]
            if isinstance(fn, TableValue) != isinstance(issue, DiscreteIssue):
                raise ValueError(
                    f"party {party.name!r}: value function does not fit {issue_name!r}"
                )
            if isinstance(fn, TableValue) and len(fn.values) != issue.n_levels:
                raise ValueError(f"party {party.name!r}: {issue_name!r} needs a value per option")
            table = tables[k]
            if table is None:
                table = tables[k] = np.zeros((len(lv[k]), len(parties)))
            table[:, j] = w * fn(lv[k])
    interactions = tuple(
        (j, inter.bonus, tuple(_compile_condition(c, by_name, issues, lv) for c in inter.when))
        for j, party in enumerate(parties)
        for inter in party.interactions
    )
    red_lines = tuple(RedLine(j, r) for j, p in enumerate(parties) for r in p.red_lines)
    caps = None
    if any(p.cap is not None for p in parties):
        caps = np.array([np.inf if p.cap is None else p.cap for p in parties], dtype=float)
        caps.setflags(write=False)
    for t in tables:
        if t is not None:
            t.setflags(write=False)
    return Model(
        issues=issues,
        parties=parties,
        constraints=constraints,
        signatories=sig,
        level_values=lv,
        red_lines=red_lines,
        _tables=tuple(tables),  # type: ignore[arg-type]
        _constraints=tuple(_compile_rule(r, by_name, issues, lv) for r in constraints),
        _red_lines=tuple(_compile_rule(r.rule, by_name, issues, lv) for r in red_lines),
        _interactions=interactions,
        _caps=caps,
    )
