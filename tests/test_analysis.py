"""The zone, its blocking analysis and proposal evaluation on hand-checked examples."""

import numpy as np
import pytest

from simulator import SpaceTooLargeError, analyze, compile_model, evaluate
from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Implication,
    Party,
    TableValue,
)
from tests.conftest import nato_for_guarantee


def test_open_zone_margin_count_and_solutions(small_model):
    result = analyze(small_model)
    zone = result.zone
    assert zone.exists and zone.count == 1 and zone.total == 4
    assert zone.share == 0.25
    assert zone.slack == pytest.approx(0.05)  # min(0.72 - 0.5, 0.6 - 0.55)
    for concept in ("nash", "kalai", "egalitarian", "utilitarian"):
        assert result.solutions[concept].outcome == {"nato": "neutral", "guarantee": "article5"}
    assert result.solutions["nash"].gains == pytest.approx({"russia": 0.22, "ukraine": 0.05})
    assert result.pareto.count == 1


def test_open_zone_blocking_names_what_widens_it(small_model):
    blocking = analyze(small_model).zone.blocking
    assert [(b.party, b.kind) for b in blocking] == [("ukraine", "reservation")]
    assert blocking[0].count_without == 2 and not blocking[0].opens


def test_closed_zone_gap_blocking_and_reach():
    result = analyze(nato_for_guarantee(ukraine_reservation=0.65))
    zone = result.zone
    assert not zone.exists and zone.count == 0
    assert zone.slack == pytest.approx(-0.05)  # Ukraine falls 0.05 short at (neutral, article5)
    assert [(b.party, b.requirement, b.opens) for b in zone.blocking] == [
        ("ukraine", "reservation 0.65", True)
    ]
    assert zone.reach["russia"] is None  # nothing Ukraine would accept is open to Russia
    assert zone.reach["ukraine"] == pytest.approx(0.6)
    assert all(s is None for s in result.solutions.values())


def test_red_line_that_closes_the_zone_is_named():
    # Without Russia's red line, "member" suits both; without Ukraine's reservation, "neutral"
    issues = [DiscreteIssue("nato", ("member", "neutral"))]
    russia = Party(
        "russia",
        0.3,
        {"nato": 1},
        {"nato": TableValue((0.4, 1.0))},
        red_lines=(Condition("nato", options=("member",), negate=True),),
    )
    ukraine = Party("ukraine", 0.5, {"nato": 1}, {"nato": TableValue((1.0, 0.0))})
    zone = analyze(compile_model(issues, [russia, ukraine])).zone
    assert not zone.exists
    assert zone.slack == pytest.approx(-0.5)
    assert [(b.party, b.kind) for b in zone.blocking] == [
        ("ukraine", "reservation"),
        ("russia", "red_line"),
    ]
    blocker = zone.blocking[1]
    assert blocker.party == "russia" and blocker.kind == "red_line"
    assert blocker.requirement == "red_line: nato not_in [member]"
    assert blocker.opens and blocker.count_without == 1
    assert blocker.slack_without == pytest.approx(0.1)


def test_nothing_feasible_gives_null_slack():
    issues = [DiscreteIssue("x", ("a", "b"))]
    p = Party(
        "p",
        0.0,
        {"x": 1},
        {"x": TableValue((1.0, 0.0))},
        red_lines=(Condition("x", options=("a",)),),
    )
    q = Party(
        "q",
        0.0,
        {"x": 1},
        {"x": TableValue((0.0, 1.0))},
        red_lines=(Condition("x", options=("b",)),),
    )
    zone = analyze(compile_model(issues, [p, q])).zone
    assert not zone.exists and zone.slack is None and zone.feasible == 0


def test_non_signatory_does_not_constrain(small_model):
    # make Ukraine's demands impossible but let only Russia sign
    model = nato_for_guarantee(ukraine_reservation=0.99, signatories=["russia"])
    result = analyze(model)
    assert result.zone.exists and result.zone.count == 2
    assert result.solutions["nash"].outcome == {"nato": "neutral", "guarantee": "none"}
    assert "ukraine" in result.solutions["nash"].utilities


def test_constraints_and_implications_restrict_the_space():
    model = nato_for_guarantee(
        constraints=[
            Implication(
                Condition("nato", options=("neutral",)), Condition("guarantee", options=("none",))
            )
        ]
    )
    zone = analyze(model).zone
    assert not zone.exists and zone.feasible == 1  # only (neutral, none) is feasible


def test_interaction_bonus_applies_only_when_all_conditions_hold():
    nato = DiscreteIssue("nato", ("member", "neutral"))
    cap = ContinuousIssue("cap", 0.0, 100.0, grid=3)
    from simulator.model import Interaction

    p = Party(
        "p",
        0.0,
        {"nato": 1},
        {"nato": TableValue((0.0, 1.0))},
        interactions=(
            Interaction(
                (Condition("nato", ("neutral",)), Condition("cap", low=None, high=50.0)), 0.25
            ),
        ),
    )
    q = Party("q", 0.0, {"cap": 1}, {"cap": IdealValue(100.0, 0.0, 100.0)})
    model = compile_model([nato, cap], [p, q])
    u = model.utilities(model.space.levels(0, 6))
    np.testing.assert_allclose(u[:, 0], [0, 0, 0, 1.25, 1.25, 1.0])
    np.testing.assert_allclose(u[:, 1], [0, 0.5, 1, 0, 0.5, 1])


def test_evaluate_fixed_proposal(small_model):
    e = evaluate(small_model, {"nato": "member", "guarantee": "article5"})
    assert e.utility["russia"] == pytest.approx((0.12, 0.12))
    assert e.gain["ukraine"] == pytest.approx((0.45, 0.45))
    assert e.broken["russia"] == ("nato not_in [member]",)
    assert e.accepts == {"russia": False, "ukraine": True}
    assert e.agreed is False and e.constraints_ok is True and e.open_issues == ()


def test_evaluate_partial_proposal_gives_ranges(small_model):
    e = evaluate(small_model, {"nato": "neutral"})
    assert e.open_issues == ("guarantee",)
    assert e.utility["russia"] == pytest.approx((0.72, 1.0))
    assert e.utility["ukraine"] == pytest.approx((0.1, 0.6))
    assert e.accepts == {"russia": True, "ukraine": None}
    assert e.agreed is None


def test_evaluate_continuous_issue_off_grid_is_exact():
    cap = ContinuousIssue("cap", 0.0, 100.0, grid=3)
    p = Party("p", 0.4, {"cap": 1}, {"cap": IdealValue(0.0, 0.0, 100.0)})
    q = Party("q", 0.4, {"cap": 1}, {"cap": IdealValue(100.0, 0.0, 100.0)})
    e = evaluate(compile_model([cap], [p, q]), {"cap": 37.0})
    assert e.utility["p"] == pytest.approx((0.63, 0.63))
    assert e.utility["q"] == pytest.approx((0.37, 0.37))
    with pytest.raises(ValueError, match="outside the range"):
        evaluate(compile_model([cap], [p, q]), {"cap": 137.0})


def test_space_too_large_is_refused_at_once_with_the_count():
    issues = [DiscreteIssue(f"i{k}", tuple("abcdefghij")) for k in range(9)]
    p = Party("p", 0.0, {"i0": 1}, {"i0": TableValue(tuple(np.linspace(0, 1, 10)))})
    q = Party("q", 0.0, {"i1": 1}, {"i1": TableValue(tuple(np.linspace(1, 0, 10)))})
    model = compile_model(issues, [p, q])
    with pytest.raises(SpaceTooLargeError, match="1,000,000,000 outcomes"):
        analyze(model)
    assert analyze(model.restrict({f"i{k}": "a" for k in range(2, 9)})).zone.total == 100
    with pytest.raises(SpaceTooLargeError):
        analyze(model.restrict({"i0": "a"}), max_outcomes=1000)


def test_unknown_concept_is_an_error(small_model):
    with pytest.raises(ValueError, match="unknown concepts"):
        analyze(small_model, concepts=["nash", "shapley"])


def test_lotteries_mix_extremes_when_the_compromise_is_poor():
    deal = DiscreteIssue("deal", ("mine", "yours", "split"))
    p = Party("p", 0.0, {"deal": 1}, {"deal": TableValue((1.0, 0.0, 0.4))})
    q = Party("q", 0.0, {"deal": 1}, {"deal": TableValue((0.0, 1.0, 0.4))})
    result = analyze(compile_model([deal], [p, q]), lotteries=True)
    assert result.solutions["nash"].outcome == {"deal": "split"}
    nash = result.lotteries["nash"]
    assert nash.outcomes == ({"deal": "mine"}, {"deal": "yours"})
    assert nash.probabilities == pytest.approx((0.5, 0.5))
    assert nash.utilities == pytest.approx({"p": 0.5, "q": 0.5})
    assert result.lotteries["kalai"].utilities == pytest.approx({"p": 0.5, "q": 0.5})
