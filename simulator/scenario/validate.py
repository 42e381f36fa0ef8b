"""Validation of a whole scenario document against the format contract.

:func:`validate` checks every rule of the format (``docs/reference/scenario-format.md``) on
the :class:`Node` tree that :func:`~simulator.scenario.inherit.load_with_extends` returns,
collects every problem, and either raises one :class:`~simulator.errors.ScenarioError`
carrying all of them (sorted by file, line and column) or returns the content as engine
objects (:class:`Parsed`).

This module holds the top level (``format``, ``name``, ``description``, ``sources``,
``constraints``, ``proposals``, ``solve``); issues and rules are checked in
:mod:`~simulator.scenario.validate_issues`, parties in
:mod:`~simulator.scenario.validate_parties`, single fields in
:mod:`~simulator.scenario.validate_fields`.

Extensions of the contract
--------------------------
- ``solve.max_outcomes``: a positive integer, the largest outcome space the enumeration
  solvers accept (default :data:`simulator.model.MAX_OUTCOMES`).
- Uncertain numbers: a weight, option value, point of a curve (its x or y), ideal, reservation
  or power may be ``{value, range, distribution, mode, mean, sd}``
  (:mod:`simulator.scenario.uncertain`).
- ``solve.method``: ``auto`` (default), ``enumerate`` or ``milp`` -- how to solve (see
  :func:`simulator.analyze`).
- ``description`` is allowed on issues, parties, proposals, red lines, constraints and
  interactions; ``source``/``assumption`` on red lines, constraints, interactions and
  proposals.
- ``grid`` is at most :data:`~simulator.scenario.validate_issues.MAX_GRID`.
- ``constraints`` and a party's ``red_lines`` may be a mapping of names to rules instead of a
  list, so that a variant (``extends``) can remove, add or change one rule by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

from simulator.errors import ScenarioError, sort_problems
from simulator.model import MAX_OUTCOMES, DiscreteIssue, Issue, Party, Rule
from simulator.scenario.provenance import Citation, Claim
from simulator.scenario.uncertain import Uncertain
from simulator.scenario.validate_fields import AnyName, Checker, show
from simulator.scenario.validate_issues import (
    check_issues,
    check_option,
    describe_issue,
)
from simulator.scenario.validate_parties import RULES, check_cited_rule, check_parties
from simulator.scenario.yamlread import Node, child_path

__all__ = ["CONCEPTS", "DeclaredSource", "Parsed", "ParsedProposal", "validate"]

CONCEPTS = ("zopa", "pareto", "nash", "kalai", "utilitarian", "egalitarian")
"""The solution concepts ``solve.concepts`` may list (all of them by default)."""

TOP_KEYS = (
    "format",
    "name",
    "description",
    "extends",
    "sources",
    "issues",
    "parties",
    "constraints",
    "proposals",
    "solve",
)
SOURCE_KEYS = ("file", "title", "date", "note")
PROPOSAL_KEYS = ("label", "description", "outcome", "source", "assumption")
SOLVE_KEYS = ("concepts", "lotteries", "signatories", "max_outcomes", "method")
METHODS = ("auto", "enumerate", "milp")


@dataclass(frozen=True)
class DeclaredSource:
    """A source as declared: its ``file``, ``title``, the node of ``file``, and the optional
    ``date`` (free text, e.g. ``2025-01``) and ``note`` (what a reader should know about it,
    e.g. that it predates the events the scenario models)."""

    file: str
    title: str
    node: Node
    date: str = ""
    note: str = ""


@dataclass(frozen=True)
class ParsedProposal:
    """A proposal as validated: the outcome maps issues to an option or a number."""

    name: str
    label: str
    description: str
    outcome: dict[str, str | float]
    citation: Citation | None


@dataclass(frozen=True)
class Parsed:
    """The content of a valid scenario, as engine objects, with its provenance claims."""

    name: str
    description: str
    sources: Mapping[str, DeclaredSource]
    issues: tuple[Issue, ...]
    parties: tuple[Party, ...]
    constraints: tuple[Rule, ...]
    signatories: tuple[str, ...]
    concepts: tuple[str, ...]
    lotteries: bool
    max_outcomes: int
    method: str
    proposals: dict[str, ParsedProposal]
    uncertain: dict[str, Uncertain]
    claims: tuple[Claim, ...]


def validate(root: Node) -> Parsed:
    """Check a scenario document against every rule of the contract.

    Parameters
    ----------
    root : Node
        The top-level mapping, as returned by
        :func:`~simulator.scenario.inherit.load_with_extends`.

    Returns
    -------
    Parsed
        The scenario's content as engine objects.

    Raises
    ------
    ScenarioError
        With every problem found, sorted by file, line and column.
    """
    c = Checker()
    fields = c.mapping(
        root,
        "",
        "a scenario: a mapping with format, name, issues, parties",
        TOP_KEYS,
        {
            "format": "the integer 1",
            "name": "the scenario's name",
            "issues": "at least one issue",
            "parties": "at least two parties",
        },
    )
    fields = fields or {}
    if "format" in fields:
        _check_format(c, fields["format"])
    name = (
        c.string(fields["name"], "name", "a name (a non-empty string)")
        if "name" in fields
        else None
    )
    description = c.optional_string(fields, "description", "")
    sources = _check_sources(c, fields["sources"]) if "sources" in fields else {}
    # a missing section is reported once; references into it are then not checked
    issues = check_issues(c, fields["issues"]) if "issues" in fields else AnyName()
    parties = (
        check_parties(c, fields["parties"], "parties", issues, sources)
        if "parties" in fields
        else AnyName()
    )
    constraints = _check_constraints(c, fields.get("constraints"), issues, sources)
    proposals = _check_proposals(c, fields.get("proposals"), issues, sources)
    solve = _check_solve(c, fields.get("solve"), parties)
    if c.problems:
        raise ScenarioError(sort_problems(c.problems))
    return Parsed(
        name=name or "",
        description=description,
        sources=dict(sources),  # type: ignore[arg-type]  # a valid scenario has no AnyName
        issues=tuple(i for i in issues.values() if i is not None),
        parties=tuple(p for p in parties.values() if p is not None),
        constraints=constraints,
        signatories=solve.get("signatories") or tuple(parties),
        concepts=solve.get("concepts", CONCEPTS),
        lotteries=solve.get("lotteries", False),
        max_outcomes=solve.get("max_outcomes", MAX_OUTCOMES),
        method=solve.get("method", "auto"),
        proposals=proposals,
        uncertain=dict(c.uncertain),
        claims=tuple(c.claims),
    )


def _check_format(c: Checker, node: Node) -> None:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int):
        c.report(node, "format", f"expected the integer 1 (the format version); found {show(node)}")
    elif value != 1:
        c.report(node, "format", f"unsupported format {value}; this version of zopa reads format 1")


def _check_sources(c: Checker, node: Node) -> Mapping[str, DeclaredSource | None]:
    if not isinstance(node.value, dict):
        c.report(
            node,
            "sources",
            f"expected a mapping of source ids to {{file, title}}; found {show(node)}",
        )
        return AnyName()
    sources: dict[str, DeclaredSource] = {}
    for sid, entry in node.value.items():
        here = child_path("sources", sid)
        c.identifier(sid, node.key_node(sid), here, "source")
        fields = c.mapping(
            entry,
            here,
            "a source {file: name, title: text}",
            SOURCE_KEYS,
            {"file": "the name of the source document's file"},
        )
        if fields is None or "file" not in fields:
            sources[sid] = DeclaredSource("", "", entry)
            continue
        file = c.string(fields["file"], child_path(here, "file"), "a file name (a string)")
        title = c.optional_string(fields, "title", here)
        date = " ".join(c.optional_string(fields, "date", here).split())
        note = " ".join(c.optional_string(fields, "note", here).split())
        sources[sid] = DeclaredSource(file or "", title, fields["file"], date, note)
    return sources


def _check_constraints(
    c: Checker,
    node: Node | None,
    issues: Mapping[str, Issue | None],
    sources: Mapping[str, DeclaredSource | None],
) -> tuple[Rule, ...]:
    if node is None:
        return ()
    items = c.listed_or_named(node, "constraints", RULES, "constraint")
    rules: list[Rule] = []
    for here, item in items or []:
        rule = check_cited_rule(c, item, here, issues, sources, "", required=False)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _check_proposals(
    c: Checker,
    node: Node | None,
    issues: Mapping[str, Issue | None],
    sources: Mapping[str, DeclaredSource | None],
) -> dict[str, ParsedProposal]:
    if node is None:
        return {}
    if not isinstance(node.value, dict):
        c.report(
            node,
            "proposals",
            f"expected a mapping of proposal names to {{label, outcome}}; found {show(node)}",
        )
        return {}
    proposals: dict[str, ParsedProposal] = {}
    for name, entry in node.value.items():
        here = child_path("proposals", name)
        c.identifier(name, node.key_node(name), here, "proposal")
        fields = c.mapping(
            entry,
            here,
            "a proposal {label, outcome: {issue: option or number}}",
            PROPOSAL_KEYS,
            {"outcome": "a mapping of issues to options or numbers"},
        )
        if fields is None or "outcome" not in fields:
            continue
        label = c.optional_string(fields, "label", here)
        description = c.optional_string(fields, "description", here)
        outcome = _check_outcome(c, fields["outcome"], child_path(here, "outcome"), issues)
        citation = c.citation(fields, here, sources)
        c.claim(here, "", entry, (here,), citation, required=False)
        if outcome is not None:
            proposals[name] = ParsedProposal(name, label, description, outcome, citation)
    return proposals


def _check_outcome(
    c: Checker, node: Node, path: str, issues: Mapping[str, Issue | None]
) -> dict[str, str | float] | None:
    if not isinstance(node.value, dict):
        c.report(
            node, path, f"expected a mapping of issues to options or numbers; found {show(node)}"
        )
        return None
    outcome: dict[str, str | float] = {}
    ok = True
    for name, value in node.value.items():
        here = child_path(path, name)
        if not c.key_reference(name, node.key_node(name), here, issues, "issue"):
            ok = False
            continue
        issue = issues[name]
        if issue is None:
            ok = False
        elif isinstance(issue, DiscreteIssue):
            option = check_option(c, value, here, issue)
            ok &= option is not None
            if option is not None:
                outcome[name] = option
        else:
            x = c.number(
                value,
                here,
                f"{'an integer' if issue.integer else 'a number'} in the range of issue "
                f"{describe_issue(issue)}",
                issue.valid,
            )
            ok &= x is not None
            if x is not None:
                outcome[name] = x
    return outcome if ok else None


class _SolveOptions(TypedDict, total=False):
    """The options of the ``solve`` section that are given and valid (an invalid one is left
    out: its problem is recorded, so the scenario is rejected)."""

    concepts: tuple[str, ...]
    lotteries: bool
    signatories: tuple[str, ...]
    max_outcomes: int
    method: str


def _check_solve(
    c: Checker, node: Node | None, parties: Mapping[str, Party | None]
) -> _SolveOptions:
    if node is None:
        return {}
    fields = c.mapping(
        node, "solve", "solver options {concepts, lotteries, signatories}", SOLVE_KEYS
    )
    if fields is None:
        return {}
    solve: _SolveOptions = {}
    if "concepts" in fields:
        names = _check_names(
            c, fields["concepts"], "solve.concepts", CONCEPTS, "solution concept", nonempty=False
        )
        if names is not None:
            solve["concepts"] = names
    if "lotteries" in fields:
        lotteries = c.boolean(
            fields["lotteries"],
            "solve.lotteries",
            "true or false (also solve over randomised agreements)",
        )
        if lotteries is not None:
            solve["lotteries"] = lotteries
    if "signatories" in fields:
        signatories = _check_names(
            c, fields["signatories"], "solve.signatories", parties, "party", nonempty=True
        )
        if signatories is not None:
            solve["signatories"] = signatories
    if "max_outcomes" in fields:
        max_outcomes = c.integer(
            fields["max_outcomes"],
            "solve.max_outcomes",
            "a positive integer (the largest outcome space to enumerate)",
            lambda n: n > 0,
        )
        if max_outcomes is not None:
            solve["max_outcomes"] = max_outcomes
    if "method" in fields:
        method = c.reference(fields["method"], "solve.method", METHODS, "method")
        if method is not None:
            solve["method"] = method
    return solve


def _check_names(
    c: Checker, node: Node, path: str, known, what: str, *, nonempty: bool
) -> tuple[str, ...] | None:
    expected = f"a {'non-empty ' if nonempty else ''}list of {what} names"
    items = c.sequence(node, path, expected, nonempty=nonempty)
    if items is None:
        return None
    names: list[str] = []
    ok = True
    for i, item in enumerate(items):
        here = child_path(path, i)
        name = c.reference(item, here, known, what)
        if name is not None and name in names:
            c.report(item, here, f"{what} {name!r} is listed twice")
            name = None
        ok &= name is not None
        if name is not None:
            names.append(name)
    return tuple(names) if ok else None
