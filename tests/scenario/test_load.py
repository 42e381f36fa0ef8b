"""Tests of simulator.scenario.load: the Scenario it returns, its model, and robustness."""

from __future__ import annotations

import copy
import dataclasses
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import analyze, evaluate
from simulator.analysis import CONCEPTS as SOLVED
from simulator.errors import ScenarioError, SpaceTooLargeError
from simulator.model import (
    MAX_OUTCOMES,
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Implication,
    Interaction,
    PiecewiseLinearValue,
    TableValue,
)
from simulator.scenario import CONCEPTS, Proposal, Scenario, load

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good.yaml"

MINIMAL = """\
format: 1
name: minimal
issues:
  deal: {options: [a, b]}
  price: {range: [0, 10]}
parties:
  buyer:
    reservation: 0.2
    issues:
      deal: {weight: 1, values: {a: 1, b: 0}}
      price: {weight: 1, ideal: 0}
  seller:
    reservation: 0.2
    issues:
      price: {weight: 1, points: [[0, 0], [10, 1]]}
"""


@pytest.fixture(scope="module")
def good() -> Scenario:
    return load(GOOD, env={})


def test_top_level_fields(good):
    assert good.path == str(GOOD)
    assert good.name == "NATO exclusion for an Article-5-like guarantee"
    assert good.description.startswith("Test scenario: Russia, Ukraine")
    assert good.signatories == ("russia", "ukraine")
    assert good.concepts == ("zopa", "pareto", "nash", "kalai")
    assert good.lotteries is False
    assert good.max_outcomes == 1_000_000


def test_issues_are_engine_objects_in_file_order(good):
    nato, guarantee, cap = good.issues
    assert nato == DiscreteIssue(
        "nato_membership",
        ("member", "deferred", "non_aligned_by_law", "neutral_in_constitution"),
        "Ukraine's NATO membership",
    )
    assert isinstance(guarantee, DiscreteIssue) and guarantee.name == "security_guarantee"
    assert cap == ContinuousIssue(
        "army_cap", 50.0, 1000.0, 20, "Ceiling on Ukraine's armed forces", "thousand troops"
    )


def test_parties_are_engine_objects(good):
    russia, ukraine, us = good.parties
    assert (russia.name, russia.label, russia.reservation, russia.power) == (
        "russia",
        "Russia",
        0.35,
        1.0,
    )
    assert russia.weights == {"nato_membership": 0.5, "security_guarantee": 0.2, "army_cap": 0.3}
    assert russia.values["nato_membership"] == TableValue((0.0, 0.2, 0.8, 1.0))
    assert russia.values["army_cap"] == PiecewiseLinearValue((50.0, 250.0, 1000.0), (1.0, 0.6, 0.0))
    assert russia.red_lines == (Condition("nato_membership", ("member",), negate=True),)
    assert russia.interactions == (
        Interaction(
            (
                Condition("nato_membership", ("neutral_in_constitution",)),
                Condition("army_cap", low=None, high=250.0),
            ),
            0.05,
        ),
    )
    assert ukraine.values["army_cap"] == IdealValue(1000.0, 50.0, 1000.0)
    assert us.label == "United States" and us.weights["army_cap"] == 0.0


def test_constraints_proposals_and_sources(good):
    assert good.constraints == (
        Implication(
            Condition("nato_membership", ("non_aligned_by_law", "neutral_in_constitution")),
            Condition("security_guarantee", ("none",), negate=True),
        ),
    )
    assert good.proposals == {
        "reported_28_points": Proposal(
            "reported_28_points",
            "28-point framework as reported",
            {"nato_membership": "neutral_in_constitution", "army_cap": 600.0},
            '"non-aligned, neutral, non-nuclear foundations of its statehood',
            "s002",
        )
    }
    assert list(good.sources) == ["s001", "s002", "s004"]
    assert good.sources["s001"].title == "Divergent paths"


def test_model_analyses(good):
    model = good.model()
    assert model.party_names == ("russia", "ukraine", "us")
    assert model.signatories.tolist() == [True, True, False]
    result = analyze(
        model, [c for c in good.concepts if c in SOLVED], max_outcomes=good.max_outcomes
    )
    assert result.outcome_count == 4 * 3 * 20
    assert result.zone.exists and result.zone.slack > 0
    nash = result.solutions["nash"]
    assert nash.outcome["nato_membership"] != "member"  # Russia's red line
    proposal = good.proposals["reported_28_points"]
    assessment = evaluate(model, proposal.outcome)
    assert set(assessment.utility) == {"russia", "ukraine", "us"}


def test_defaults(tmp_path):
    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL)
    scenario = load(str(path), env={})
    assert scenario.signatories == ("buyer", "seller")
    assert scenario.concepts == CONCEPTS
    assert scenario.lotteries is False and scenario.max_outcomes == MAX_OUTCOMES
    assert scenario.issues[1] == ContinuousIssue("price", 0.0, 10.0, 11)
    assert [p.power for p in scenario.parties] == [1.0, 1.0]
    assert scenario.description == "" and scenario.proposals == {} and scenario.sources == {}
    assert scenario.provenance.unsourced == 8  # 2 reservations, 3 weights, 3 values
    assert len(scenario.warnings) == 5  # one per reservation and per entry
    assert analyze(scenario.model()).zone.exists


def test_scenario_is_frozen(good):
    with pytest.raises(dataclasses.FrozenInstanceError):
        good.name = "other"  # type: ignore[misc]


def test_extends_overrides_and_removes(tmp_path):
    (tmp_path / "base.yaml").write_text(MINIMAL)
    (tmp_path / "top.yaml").write_text(
        "extends: base.yaml\nname: derived\nparties:\n  buyer:\n    reservation: 0.5\n"
        "    issues:\n      deal: null\n"
    )
    scenario = load(tmp_path / "top.yaml", env={})
    assert scenario.name == "derived"
    buyer = scenario.parties[0]
    assert buyer.reservation == 0.5 and set(buyer.weights) == {"price"}


def test_file_not_found(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load(tmp_path / "absent.yaml", env={})
    assert info.value.problems[0].message == "file not found"


# -- robustness: random documents built around a valid scenario -------------------------------
BASE_DOC = yaml.safe_load(GOOD.read_text())

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.integers(),
    st.floats(allow_nan=True),
    st.sampled_from(["member", "deferred", "none", "army_cap", "russia", "s001", "nash", "", "x"]),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    ["issue", "in", "min", "max", "weight", "values", "if", "then", "ref", "quote"]
                ),
                st.text(max_size=6),
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=8,
)


def _paths(doc, prefix=()):
    """Every (container path, key) in a plain document."""
    items = (
        doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    )
    for key, value in items:
        yield (*prefix, key)
        yield from _paths(value, (*prefix, key))


def _at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


@st.composite
def mutated_documents(draw):
    """The good scenario with a few values replaced, keys renamed or entries deleted."""
    doc = copy.deepcopy(BASE_DOC)
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(doc))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _at(doc, path[:-1]), path[-1]
        action = draw(st.sampled_from(["tweak", "tweak", "replace", "delete", "rename"]))
        if action == "tweak":  # a value of the same kind: often still a valid scenario
            old = parent[key]
            parent[key] = draw(
                st.booleans()
                if isinstance(old, bool)
                else st.floats(-0.5, 1.5) | st.integers(-2, 1001)
                if isinstance(old, (int, float))
                else st.sampled_from(["member", "none", "army_cap", "russia", "s001", "nash"])
                if isinstance(old, str)
                else values
            )
        elif action == "replace":
            parent[key] = draw(values)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, dict):
            new = draw(st.one_of(st.text(max_size=8), st.just(str(key)[:-1] or "k")))
            parent[new] = parent.pop(key)
    return doc


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_random_documents_load_or_raise_scenario_error(doc):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        try:
            scenario = load(path, sources=[DATA], env={})
        except ScenarioError as error:
            assert error.problems
            assert all(p.message for p in error.problems)
            return
    model = scenario.model()  # whatever validation accepts, the engine must accept
    try:
        analyze(model, max_outcomes=20_000)
    except SpaceTooLargeError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_arbitrary_bytes_load_or_raise_scenario_error(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.yaml"
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        with pytest.raises(ScenarioError):
            load(path, env={})
