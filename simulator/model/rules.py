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

__all__ = ["Condition", "Implication", "Rule", "describe_rule", "rule_words"]

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


def _label(issue) -> str:
    return getattr(issue, "label", "") or issue.name


def _show(issue, value) -> str:
    return issue.show(value) if issue is not None else str(value)


def _either(issue, options) -> str:
    shown = [_show(issue, o) for o in options]
    return "".join(shown) if len(shown) <= 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _condition_words(c: Condition, issues) -> str:
    issue = issues.get(c.issue)
    name = _label(issue) if issue is not None else c.issue
    if c.options is not None:
        return f"{name} {'is not' if c.negate else 'is'} {_either(issue, c.options)}"
    if c.low is not None and c.high is not None:
        return f"{name} between {_show(issue, c.low)} and {_show(issue, c.high)}"
    if c.low is not None:
        return f"{name} at least {_show(issue, c.low)}"
    if c.high is not None:
        return f"{name} at most {_show(issue, c.high)}"
    return f"{name}: any value"


def rule_words(rule: Rule, issues) -> str:
    """A rule in words, with the issues' labels, option labels and units, then its name and
    description when it has them (``issues``: the model's issues, or a mapping by name).

    >>> from simulator.model.issues import ContinuousIssue
    >>> nato = DiscreteIssue("nato", ("member", "neutral"), "NATO status",
    ...                      option_labels=("NATO member", "neutral"))
    >>> cap = ContinuousIssue("cap", 100, 900, label="Army ceiling", unit="thousand troops")
    >>> rule_words(Condition("nato", ("member",), negate=True), [nato, cap])
    'NATO status is not NATO member'
    >>> rule_words(Implication(Condition("nato", ("neutral",)), Condition("cap", low=300.0),
    ...            name="floor"), [nato, cap])
    'if NATO status is neutral, then Army ceiling at least 300 thousand troops (floor)'
    """
    if not hasattr(issues, "get"):
        issues = {i.name: i for i in issues}
    if isinstance(rule, Implication):
        text = (
            f"if {_condition_words(rule.antecedent, issues)}, "
            f"then {_condition_words(rule.consequent, issues)}"
        )
    else:
        text = _condition_words(rule, issues)
    extra = ": ".join(x for x in (rule.name, rule.description) if x)
    return f"{text} ({extra})" if extra else text
