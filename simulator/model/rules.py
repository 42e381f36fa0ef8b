"""Conditions and rules: the building blocks of constraints, red lines and interactions.

A :class:`Condition` restricts one issue: to a set of options (``in`` / ``not_in``) for a
discrete issue, or to ``[min, max]`` for a continuous one (either bound optional, both
inclusive). A rule is either a condition, which must hold, or an :class:`Implication`
``if A then B``, which holds unless ``A`` holds and ``B`` does not.

Rules compile to boolean masks over an issue's levels, so that evaluating a rule on a
chunk of outcomes is a table lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.model.issues import DiscreteIssue, Issue

__all__ = ["Condition", "Implication", "Rule", "describe_rule"]

#: Continuous bounds are compared with this absolute slack, so that grid points computed
#: in floating point (``linspace``) fall inside a bound they equal mathematically.
BOUND_ATOL = 1e-9


@dataclass(frozen=True)
class Condition:
    """A condition on one issue.

    Exactly one form is used: ``options`` with ``negate`` for a discrete issue
    (``in: options``, or ``not_in: options`` when ``negate``), or ``low``/``high`` bounds for
    a continuous issue.

    Examples
    --------
    >>> c = Condition("nato", options=("member",), negate=True)
    >>> str(c)
    'nato not_in [member]'
    >>> c.level_mask(DiscreteIssue("nato", ("member", "neutral")), np.array([0, 1])).tolist()
    [False, True]
    """

    issue: str
    options: tuple[str, ...] | None = None
    negate: bool = False
    low: float | None = None
    high: float | None = None
    #: The rule's name (a named red line or constraint) and description: labels for
    #: reports, never part of what the rule means (not compared).
    name: str = field(default="", compare=False)
    description: str = field(default="", compare=False)

    def level_mask(self, issue: Issue, levels: np.ndarray) -> np.ndarray:
        """Whether the condition holds at each level of ``issue``."""
        levels = np.asarray(levels)
        if isinstance(issue, DiscreteIssue):
            if self.options is None:
                raise ValueError(f"condition on discrete issue {issue.name!r} needs options")
            chosen = np.isin(levels, [issue.index(o) for o in self.options])
            return ~chosen if self.negate else chosen
        if self.options is not None:
            raise ValueError(f"condition on continuous issue {issue.name!r} needs min/max")
        x = levels.astype(float)
        mask = np.ones(x.shape, dtype=bool)
        if self.low is not None:
            mask &= x >= self.low - BOUND_ATOL
        if self.high is not None:
            mask &= x <= self.high + BOUND_ATOL
        return mask

    def __str__(self) -> str:
        if self.options is not None:
            return f"{self.issue} {'not_in' if self.negate else 'in'} [{', '.join(self.options)}]"
        parts = []
        if self.low is not None:
            parts.append(f">= {self.low:g}")
        if self.high is not None:
            parts.append(f"<= {self.high:g}")
        return f"{self.issue} {' and '.join(parts) or 'any'}"

    @property
    def issues(self) -> tuple[str, ...]:
        return (self.issue,)


@dataclass(frozen=True)
class Implication:
    """``if antecedent then consequent``: violated only when the antecedent holds and the
    consequent does not.

    >>> str(Implication(Condition("a", ("x",)), Condition("b", ("y",))))
    'if a in [x] then b in [y]'
    """

    antecedent: Condition
    consequent: Condition
    name: str = field(default="", compare=False)
    description: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"if {self.antecedent} then {self.consequent}"

    @property
    def issues(self) -> tuple[str, ...]:
        return (self.antecedent.issue, self.consequent.issue)


Rule = Condition | Implication


def describe_rule(rule: Rule) -> str:
    """A rule as reports show it: its text, then its name and description when it has them.

    >>> describe_rule(Condition("venue", ("oslo",), negate=True))
    'venue not_in [oslo]'
    >>> describe_rule(Condition("venue", ("oslo",), True, name="no_oslo", description="too far"))
    'venue not_in [oslo] (no_oslo: too far)'
    """
    note = ": ".join(t for t in (rule.name, " ".join(rule.description.split())) if t)
    return f"{rule} ({note})" if note else str(rule)
