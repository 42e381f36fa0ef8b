"""Simulated talks reach the zone when there is one: red lines are public, the mediator's
single text keeps what was accepted, tit-for-tat moves, discounting costs, and a failure says
why (issue 16's cases, each with the scenario that showed it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import simulator
from simulator import analyze
from simulator.dynamics import simulate
from simulator.dynamics.outcomes import outcome_table
from simulator.dynamics.protocols import _revise
from simulator.dynamics.strategies import _next_step, make_agent, propose
from simulator.model import (
    Condition,
    DiscreteIssue,
    Interaction,
    Party,
    TableValue,
    compile_model,
)
from tests.strategies import models

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
UKRAINE = ROOT / "scenarios" / "ukraine" / "nato_for_article5.yaml"
TIME_BASED = ("boulware", "linear", "conceder")
REACHING = (*TIME_BASED, "zeuthen")


def _everyone(model, strategy: str) -> dict[str, str]:
    return {n: strategy for n, s in zip(model.party_names, model.signatories) if s}


def two_outcome_zone():
    """p0 likes a and b best, but p1's red line rules them out; the zone is {c, d}. Before
    the fix p0 offered a (across p1's red line) for 500 rounds while p1 offered Nash."""
    deal = DiscreteIssue("deal", ("a", "b", "c", "d", "e"))
    p0 = Party("p0", 0.3, {"deal": 1}, {"deal": TableValue((1.0, 0.9, 0.6, 0.5, 0.0))})
    p1 = Party(
        "p1",
        0.3,
        {"deal": 1},
        {"deal": TableValue((0.9, 1.0, 0.5, 0.8, 0.2))},
        red_lines=(Condition("deal", ("a", "b"), negate=True),),
    )
    return compile_model([deal], [p0, p1])


@pytest.mark.parametrize("protocol", ["alternating", "mediated"])
def test_zeuthen_pair_with_a_red_line_ends_at_nash(protocol):
    model = two_outcome_zone()
    assert analyze(model).zone.count == 2
    s = simulate(model, protocol, _everyone(model, "zeuthen"), rounds=200)
    assert s.agreed and s.distance_nash == pytest.approx(0.0, abs=1e-12)
    offered = s.trace.loc[s.trace["action"].isin(["offer", "text"]), "deal"]
    assert not offered.isin(["a", "b"]).any()  # nothing across p1's red line, ever


def test_the_table_holds_only_lawful_outcomes():
    model = simulator.load(UKRAINE).model()
    table = outcome_table(model)
    zone = analyze(model)
    assert table.count == zone.zone.feasible == 3456  # not 2,239,488
    assert table.total == 2_239_488


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(models(max_issues=3, min_parties=2, max_parties=2), st.sampled_from(REACHING))
def test_two_parties_with_red_lines_agree_in_the_zone(model, strategy):
    assume(model.signatory_lines and analyze(model).zone.exists)
    for protocol in ("alternating", "mediated"):
        s = simulate(model, protocol, _everyone(model, strategy), rounds=200)
        assert s.agreed, (protocol, s.reason)
        if strategy == "zeuthen":  # Zeuthen pairs end at Nash, red lines or not
            assert s.distance_nash == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    models(max_issues=3, min_parties=3, max_parties=3, min_signatories=3),
    st.sampled_from(REACHING),
)
def test_three_parties_with_red_lines_agree_in_the_zone(model, strategy):
    assume(model.signatory_lines and analyze(model).zone.exists)
    for protocol in ("alternating", "mediated"):
        s = simulate(model, protocol, _everyone(model, strategy), rounds=200)
        assert s.agreed, (protocol, s.reason)


def a_signatory_gains_nothing_anywhere():
    """CI's hypothesis case: p0 gains nothing from any outcome, so every Nash product is 0.
    The zone is the one text (o0, o0), where p1 reaches 0.25 >= 0.2 and p2 its reservation of
    of 5e-324 within the zone's tolerance. Before the fix the mediator opened on (o0, o3) (its
    opening pool asked for exact gains, not the zone's tolerance) and kept it, good for p2 but
    under p1's reservation, for all 200 rounds: no product beat its 0 and no change for p1
    spared accepter p2."""
    i0 = DiscreteIssue("i0", ("o0", "o1", "o2"))
    i1 = DiscreteIssue("i1", ("o0", "o1", "o2", "o3"))
    p0 = Party("p0", 0.0, {}, {})
    o0 = (Condition("i0", ("o0",)), Condition("i1", ("o0",)))
    p1 = Party(
        "p1",
        0.2,
        {},
        {},
        red_lines=(Condition("i0", ("o0",)),),
        interactions=(Interaction((o0[0],), 0.125), Interaction((o0[1],), 0.125)),
    )
    p2 = Party("p2", 5e-324, {"i1": 1.0}, {"i1": TableValue((0.0, 0.0, 0.0, 0.25))})
    return compile_model([i0, i1], [p0, p1, p2])


@pytest.mark.parametrize("strategy", REACHING)
def test_the_mediator_moves_into_the_zone_when_every_product_is_zero(strategy):
    model = a_signatory_gains_nothing_anywhere()
    assert analyze(model).zone.count == 1
    s = simulate(model, "mediated", _everyone(model, strategy), rounds=200)
    assert s.agreed, s.reason
    assert s.outcome == {"i0": "o0", "i1": "o0"}
    texts = s.trace[s.trace["action"] == "text"]  # the zone's text from the first on
    assert (texts["u_p1"] == 0.25).all() and (texts["i1"] == "o0").all()


def test_a_revision_enters_the_zone_when_no_product_can_rise():
    """The text (o0, o3) leaves p1 under its reservation; every product is 0, so none rises,
    and raising p1 costs accepter p2: the mediator moves into the zone all the same."""
    model = a_signatory_gains_nothing_anywhere()
    table = outcome_table(model)
    names = [model.describe(row) for row in table.levels]
    at = {(o["i0"], o["i1"]): k for k, o in enumerate(names)}
    sig = np.arange(3)
    text = at[("o0", "o3")]
    nxt = _revise(table, table.utilities, text, [0, 2], [1], [1], sig, None, np.ones(3))
    assert nxt == at[("o0", "o0")]
    # inside the zone, a text no product beats stays put
    zone = at[("o0", "o0")]
    assert _revise(table, table.utilities, zone, [0, 1], [2], [1], sig, None, np.ones(3)) == zone


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(models(max_issues=3, min_parties=2, max_parties=2))
def test_two_tit_for_tat_agents_agree(model):
    """Before, the first step down was too small to change an offer on a discrete grid: each
    side saw a concession of zero and copied it."""
    assume(analyze(model).zone.exists)
    s = simulate(model, "alternating", _everyone(model, "tit_for_tat"), rounds=200)
    assert s.agreed, s.reason


@pytest.mark.parametrize("strategy", [*REACHING, "tit_for_tat"])
def test_a_reservation_within_the_zones_tolerance_is_met(strategy):
    """CI's hypothesis case: p1 gets 0 from everything and asks 1e-9, which the zone counts
    as met (``u >= r - ACCEPT_ATOL``). Before the fix the agents asked ``u >= r - 1e-12``:
    p1 never accepted, and the talks ran out of rounds although every outcome is in the
    zone."""
    issue = DiscreteIssue("i0", ("o0", "o1"))
    model = compile_model([issue], [Party("p0", 0.0, {}, {}), Party("p1", 1e-9, {}, {})])
    assert analyze(model).zone.count == 2
    protocols = ["alternating"] if strategy == "tit_for_tat" else ["alternating", "mediated"]
    for protocol in protocols:
        s = simulate(model, protocol, _everyone(model, strategy), rounds=200)
        assert s.agreed and s.round <= 2, (protocol, s.reason)


def second_best_is_worse_for_the_other():
    """Each side's next-best outcome is worse for the other than its best (a and b for p0, f
    and e for p1); the zone is {c, d}, Nash c. Before the fix a tit-for-tat agent stepped its
    aspiration down to its next value, still offered its best (the first outcome of its
    order worth the aspiration), the other saw no concession and copied it: both held until
    their horizon (agreement at round 198 of 200)."""
    deal = DiscreteIssue("deal", ("a", "b", "c", "d", "e", "f"))
    p0 = Party("p0", 0.3, {"deal": 1}, {"deal": TableValue((1.0, 0.95, 0.62, 0.55, 0.05, 0.1))})
    p1 = Party("p1", 0.3, {"deal": 1}, {"deal": TableValue((0.1, 0.05, 0.55, 0.6, 0.95, 1.0))})
    return compile_model([deal], [p0, p1])


def test_a_tit_for_tat_concession_moves_the_offer():
    model = second_best_is_worse_for_the_other()
    s = simulate(model, "alternating", _everyone(model, "tit_for_tat"), rounds=200)
    assert s.agreed and s.round < 10, s.reason
    assert s.outcome == {"deal": "c"} and s.distance_nash == pytest.approx(0.0, abs=1e-12)
    offers = s.trace[s.trace["action"] == "offer"]
    for _, own in offers.groupby("proposer"):  # each concession changed what it offered
        assert own["deal"].ne(own["deal"].shift()).all()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(models(max_issues=3, min_parties=2, max_parties=3))
def test_the_least_tit_for_tat_step_changes_the_offer(model):
    """Conceding :func:`_next_step` from its best moves an agent's offer to one it ranks
    higher, unless its offer already comes first in its order."""
    table = outcome_table(model)
    sig = np.flatnonzero(model.signatories)
    for j in sig:
        agent = make_agent(table, j, model.party_names[j], sig, "tit_for_tat")
        first = propose(agent, agent.best)
        if first is None:
            continue
        step = _next_step(agent, agent.best, 0)
        then = propose(agent, max(agent.best - step, agent.reservation))
        rank = {int(x): k for k, x in enumerate(agent.order)}
        assert first == agent.order[0] or rank[then] < rank[first]


@pytest.mark.parametrize("protocol", ["alternating", "mediated"])
@pytest.mark.parametrize("strategy", ["linear", "zeuthen", "tit_for_tat"])
def test_ukraine_talks_agree(protocol, strategy):
    model = simulator.load(UKRAINE).model()
    s = simulate(model, protocol, _everyone(model, strategy), rounds=200)
    assert s.agreed, s.reason
    if strategy == "zeuthen" and protocol == "alternating":
        assert s.distance_nash == pytest.approx(0.0, abs=1e-9)


def test_job_offer_tit_for_tat_pair_agrees_at_nash():
    model = simulator.load(JOB).model()
    s = simulate(model, strategies=_everyone(model, "tit_for_tat"), rounds=200)
    assert s.agreed and s.distance_nash == pytest.approx(0.0, abs=1e-9)


def test_the_mediated_text_keeps_what_was_accepted_and_no_red_line_is_crossed():
    """Before, the text reached Nash, the employer accepted, then the mediator moved to
    please the candidate alone (salary 80, below the employer's reservation), then to 50
    (across the candidate's red line), and back, until the deadline."""
    model = simulator.load(JOB).model()
    s = simulate(model, "mediated", rounds=100)
    assert s.agreed
    trace = s.trace
    assert (trace["salary"] >= 55).all()  # the candidate's red line
    res = dict(zip(model.party_names, model.reservations))
    for party in model.party_names:
        u = trace[f"u_{party}"].to_numpy()
        accepted = trace["accepted"].str.split(",").apply(lambda names, p=party: p in names)
        # once a party accepts a text, the next text is worth at least as much to it
        for k in np.flatnonzero(accepted.to_numpy()[:-1]):
            assert u[k + 1] >= u[k] - 1e-12
        assert (u >= res[party] - 1e-9).all()  # no text leaves the zone it started in


def test_agents_bargain_on_discounted_values():
    """Before, with discount 0.95 the job offer agreed at round 66, worth 0.021 to the
    employer against a reservation of 0.4."""
    model = simulator.load(JOB).model()
    res = dict(zip(model.party_names, model.reservations))
    for strategy in REACHING:
        s = simulate(model, strategies=_everyone(model, strategy), discount=0.95)
        assert s.agreed and s.bargained == "discounted", (strategy, s.reason)
        assert all(s.discounted[p] >= res[p] - 1e-9 for p in res), strategy
        assert s.discounted["employer"] == pytest.approx(0.95**s.round * s.utilities["employer"])
    old = simulate(model, discount=0.95, discounted=False)
    assert old.bargained == "undiscounted" and old.agreed
    assert old.discounted["employer"] < res["employer"]  # what bargaining blind to time costs


def test_without_agreement_the_result_says_why():
    model = simulator.load(ROOT / "scenarios" / "examples" / "used_car.yaml").model()
    s = simulate(model)
    assert not s.agreed and "no zone" in s.reason
    clash = simulator.load(ROOT / "scenarios" / "ukraine" / "nato_open_door.yaml").model()
    s = simulate(clash, rounds=10)
    assert not s.agreed and "red lines" in s.reason and s.trace["action"].eq("pass").all()
    job = simulator.load(JOB).model()
    s = simulate(job, strategies=_everyone(job, "hardliner"), rounds=40)
    assert not s.agreed and "hardliner" in s.reason
    s = simulate(job, strategies=_everyone(job, "hardliner"), discount=0.95, rounds=40)
    assert not s.agreed and "discount factors" in s.reason  # the zone closes at round 7


def test_zeuthen_with_bargaining_powers_ends_at_the_weighted_nash_solution():
    model = two_outcome_zone()
    parties = [p.__class__(**{**p.__dict__, "power": w}) for p, w in zip(model.parties, (4, 1))]
    weighted = model.recompiled(parties=parties)
    s = simulate(weighted, strategies=_everyone(weighted, "zeuthen"), rounds=200)
    nash = analyze(weighted).solutions["nash"]
    assert s.agreed and s.outcome == dict(nash.outcome)
    assert s.distance_nash == pytest.approx(0.0, abs=1e-12)
