"""Values, parties and rules as a reader sees them: labels instead of identifiers, units on
every number, no float noise.

Every report (``run``, ``evaluate``, ``compare``, ``explain``, ``simulate``) shows an issue's
value through :func:`show_value`, a party through :func:`party_label` and a red line or
constraint through :func:`show_rule`, so that the same thing reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from simulator.model.issues import ContinuousIssue, DiscreteIssue, Issue, show_number
from simulator.model.rules import Rule, rule_words

__all__ = ["label_of", "party_label", "party_list", "show_number", "show_rule", "show_value"]


def label_of(obj) -> str:
    """An issue's or party's label, else its identifier."""
    return getattr(obj, "label", "") or obj.name


def show_value(issue: Issue, value) -> str:
    """An issue's value as reports show it: an option's label (else its name), a number with
    its unit and at most ten significant digits.

    >>> cap = ContinuousIssue("army_cap", 100, 900, unit="thousand troops")
    >>> show_value(cap, 600.0000000000001)
    '600 thousand troops'
    >>> show_value(DiscreteIssue("nato", ("member", "none"), option_labels=("NATO member", "")),
    ...            "member")
    'NATO member'
    """
    if isinstance(value, str) or not isinstance(issue, ContinuousIssue):
        return issue.show(value) if isinstance(issue, DiscreteIssue) else str(value)
    return issue.show(float(value))


def party_label(parties: Iterable, name: str) -> str:
    """The label of the party called ``name`` among ``parties`` (its name if unlabelled)."""
    for p in parties:
        if p.name == name:
            return label_of(p)
    return name


def party_list(parties: Iterable, names: Iterable[str]) -> str:
    """Labels of ``names`` joined by commas: ``"Russia, Ukraine"``."""
    parties = list(parties)
    return ", ".join(party_label(parties, n) for n in names)


def show_rule(rule: Rule, issues: Mapping[str, Issue] | Iterable[Issue]) -> str:
    """A red line or constraint in words, with labels and units, then its name and
    description when it has them (:func:`simulator.model.rules.rule_words`).

    >>> from simulator.model.rules import Condition
    >>> nato = DiscreteIssue("nato", ("member", "neutral"), "NATO status",
    ...                      option_labels=("NATO member", "neutral"))
    >>> show_rule(Condition("nato", ("member",), negate=True), [nato])
    'NATO status is not NATO member'
    """
    return rule_words(rule, issues)
