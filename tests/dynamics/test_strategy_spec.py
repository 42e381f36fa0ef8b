"""A specification test per negotiation strategy (simulator.dynamics.strategies), against
scripted opponents in the style of Axelrod's mock players: each test writes the history an
agent sees (its :class:`Turn`: the round, the deadline, the standing offer, every offer so
far) and checks the aspiration it answers with against the formula in the module docstring,
worked by hand.

The playing field is a pie cut on an 11-point grid: row ``i`` is ``x = i / 10``, party ``a``
values it ``x`` and party ``b`` ``1 - x``, so an offer's row is ten times ``a``'s utility.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import compile_model
from simulator.dynamics.outcomes import OutcomeTable, outcome_table
from simulator.dynamics.strategies import (
    EXPONENTS,
    HARDLINER_EPSILON,
    Agent,
    Turn,
    accepts,
    make_agent,
    next_aspiration,
    propose,
    zeuthen_risk,
)
from simulator.model import ContinuousIssue, DiscreteIssue, Party, PiecewiseLinearValue, TableValue

A, B, C = 0, 1, 2
UP = PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0))
DOWN = PiecewiseLinearValue((0.0, 1.0), (1.0, 0.0))


def pie(reservation_a: float = 0.0, reservation_b: float = 0.0, third: bool = False):
    parties = [
        Party("a", reservation_a, {"x": 1.0}, {"x": UP}),
        Party("b", reservation_b, {"x": 1.0}, {"x": DOWN}),
    ]
    if third:
        parties.append(Party("c", 0.0, {"x": 1.0}, {"x": DOWN}))
    return outcome_table(compile_model([ContinuousIssue("x", 0.0, 1.0, grid=11)], parties))


def agent(table: OutcomeTable, strategy: str, party: int = A, **kwargs) -> Agent:
    sig = np.arange(table.utilities.shape[1])
    return make_agent(table, party, "abc"[party], sig, strategy, **kwargs)


def turn(t: int, deadline: int = 11, offers=(), standing=None, own_last=None, last=None):
    """Round ``t`` of ``deadline`` (its horizon ``T = deadline - 1`` unless ``last``)."""
    return Turn(t, deadline, standing, own_last, tuple(offers), last)


# -- time-dependent concession: a(t) = r + (b - r)(1 - (t/T)^(1/e)) ----------------------------

R = 0.2  # a's reservation; its best acceptable utility is b = 1


@pytest.mark.parametrize(
    ("strategy", "half_way"),
    [
        ("boulware", R + (1 - R) * (1 - 0.5**5)),  # e = 0.2: 1/e = 5, 31/32 of the span kept
        ("linear", R + (1 - R) * 0.5),
        ("conceder", R + (1 - R) * (1 - 0.5**0.2)),  # e = 5: about 13% of the span kept
    ],
)
def test_time_dependent_aspiration_at_start_middle_and_deadline(strategy, half_way):
    me = agent(pie(R), strategy)
    assert me.best == 1.0 and me.reservation == R
    # T = 10: the deadline is 11 rounds (0 .. 10)
    assert next_aspiration(me, None, turn(0)) == pytest.approx(1.0, abs=1e-15)
    assert next_aspiration(me, None, turn(5)) == pytest.approx(half_way, abs=1e-12)
    assert next_aspiration(me, None, turn(10)) == pytest.approx(R, abs=1e-15)
    assert next_aspiration(me, None, turn(14)) == pytest.approx(R, abs=1e-15)  # after T: r
    # the horizon is the last round at which an offer can still be agreed, when given
    assert next_aspiration(me, None, turn(3, last=6)) == pytest.approx(half_way, abs=1e-12)
    # the history does not matter
    noisy = turn(5, offers=[(B, 0), (A, 9), (B, 4)], standing=4, own_last=9)
    assert next_aspiration(me, 0.3, noisy) == next_aspiration(me, None, turn(5))


def test_boulware_holds_out_and_conceder_gives_in_early():
    aspirations = {s: next_aspiration(agent(pie(R), s), None, turn(5)) for s in EXPONENTS}
    assert aspirations["boulware"] > aspirations["linear"] > aspirations["conceder"]
    assert EXPONENTS == {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}


def test_an_agent_offers_what_is_best_for_the_other_at_its_aspiration():
    me = agent(pie(R), "linear")
    a = next_aspiration(me, None, turn(5))  # 0.6
    assert propose(me, a) == 6  # x = 0.6: its least x worth 0.6, best for b
    assert accepts(me, 6, a) and accepts(me, 9, a)
    assert not accepts(me, 5, a)  # worth 0.5 < 0.6
    assert not accepts(me, 1, 0.0)  # below its reservation whatever the aspiration


# -- tit for tat --------------------------------------------------------------------------------


def test_tit_for_tat_opens_at_its_best():
    me = agent(pie(), "tit_for_tat")
    assert next_aspiration(me, None, turn(0)) == 1.0


def test_tit_for_tat_after_a_single_opponent_offer_concedes_its_opening_step():
    # no concession seen yet: (b - r) / T a turn, T = 4 here: 0.25 (more than the grid's 0.1)
    me = agent(pie(), "tit_for_tat")
    assert next_aspiration(me, 1.0, turn(1, deadline=5, offers=[(B, 0)])) == pytest.approx(0.75)


def test_tit_for_tat_copies_an_opponent_concession_of_0_2():
    me = agent(pie(), "tit_for_tat")
    # b moved from x = 0 to x = 0.2: worth 0.2 more to a
    offers = [(B, 0), (A, 10), (B, 2)]
    assert next_aspiration(me, 1.0, turn(3, offers=offers)) == pytest.approx(0.8)
    assert next_aspiration(me, 0.9, turn(3, offers=offers)) == pytest.approx(0.7)


@pytest.mark.parametrize("rows", [(2, 0), (3, 3)], ids=["hardens", "stands still"])
def test_tit_for_tat_does_not_concede_when_the_opponent_hardens_or_stands(rows):
    me = agent(pie(), "tit_for_tat")
    offers = [(B, rows[0]), (A, 9), (B, rows[1])]
    assert next_aspiration(me, 0.9, turn(3, offers=offers)) == 0.9


def test_tit_for_tat_concedes_at_least_the_step_to_its_next_offer():
    # a values the options 1, 0.6, 0.55, 0; b moves from option 2 to option 1: 0.05 more for
    # a, but a's next lower offer is worth 0.6: it concedes 0.4 (else its offer never moves)
    deal = DiscreteIssue("deal", ("o0", "o1", "o2", "o3"))
    table = outcome_table(
        compile_model(
            [deal],
            [
                Party("a", 0.0, {"deal": 1.0}, {"deal": TableValue((1.0, 0.6, 0.55, 0.0))}),
                Party("b", 0.0, {"deal": 1.0}, {"deal": TableValue((0.0, 0.5, 0.6, 1.0))}),
            ],
        )
    )
    me = agent(table, "tit_for_tat")
    offers = [(B, 2), (A, 0), (B, 1)]
    assert next_aspiration(me, 1.0, turn(3, offers=offers)) == pytest.approx(0.6)


def test_tit_for_tat_copies_the_largest_concession_among_several_opponents():
    me = agent(pie(third=True), "tit_for_tat")
    # b concedes 0.1 (x: 0 -> 0.1), c concedes 0.3 (x: 0 -> 0.3), in a's values
    offers = [(B, 0), (C, 0), (A, 10), (B, 1), (C, 3)]
    assert next_aspiration(me, 1.0, turn(5, offers=offers)) == pytest.approx(0.7)


def test_tit_for_tat_never_goes_below_its_reservation_and_takes_the_zone_at_its_horizon():
    me = agent(pie(0.3), "tit_for_tat")
    offers = [(B, 0), (A, 10), (B, 2)]
    assert next_aspiration(me, 0.35, turn(3, offers=offers)) == pytest.approx(0.3)
    hard = [(B, 2), (A, 10), (B, 0)]  # even when the opponent hardens
    assert next_aspiration(me, 0.9, turn(10, offers=hard)) == pytest.approx(0.3)
    assert next_aspiration(me, 0.9, turn(6, offers=hard, last=6)) == pytest.approx(0.3)


# -- Zeuthen -------------------------------------------------------------------------------------


def test_zeuthen_risk_by_hand():
    assert zeuthen_risk(0.7, 0.4, 0.0) == pytest.approx(3 / 7)
    assert zeuthen_risk(0.6, 0.3, 0.0) == pytest.approx(0.5)
    assert zeuthen_risk(0.8, 0.5, 0.2) == pytest.approx(0.5)
    assert zeuthen_risk(0.2, 0.1, 0.2) == 1.0  # its own offer is worth no more than d


def test_zeuthen_the_less_willing_to_risk_concedes_just_enough():
    me = agent(pie(), "zeuthen")
    # a stands at x = 0.7, b at x = 0.4. Risks: a (0.7 - 0.4) / 0.7 = 0.43 < b's
    # (0.6 - 0.3) / 0.6 = 0.5, so a concedes; to the outcome of largest value to a whose
    # Nash product beats b's offer's (0.4 * 0.6 = 0.24): x = 0.5 (0.25; x = 0.6 ties at 0.24)
    t = turn(4, standing=4, own_last=7, offers=[(A, 7), (B, 4)])
    assert next_aspiration(me, 0.7, t) == pytest.approx(0.5)
    # then the risks are reversed: a (0.5 - 0.4) / 0.5 = 0.2 > b's (0.6 - 0.5) / 0.6
    assert zeuthen_risk(0.5, 0.4, 0.0) > zeuthen_risk(0.6, 0.5, 0.0)


def test_zeuthen_conceding_never_raises_the_aspiration():
    # the outcome it would concede to (x = 0.5, as above) is worth more than its aspiration
    # already is (0.45): a concession keeps 0.45
    me = agent(pie(), "zeuthen")
    t = turn(4, standing=4, own_last=7, offers=[(A, 7), (B, 4)])
    assert next_aspiration(me, 0.45, t) == 0.45


def test_zeuthen_holds_when_the_other_must_concede():
    me = agent(pie(), "zeuthen")
    # a at x = 0.5 (product 0.25), b at x = 0.3 (0.21): b risks less and must concede
    t = turn(4, standing=3, own_last=5, offers=[(A, 5), (B, 3)])
    assert next_aspiration(me, 0.5, t) == 0.5
    other = agent(pie(), "zeuthen", party=B)
    t = turn(5, standing=5, own_last=3, offers=[(B, 3), (A, 5)])
    assert next_aspiration(other, 0.7, t) == pytest.approx(0.5)  # b concedes to x = 0.5


def test_zeuthen_concedes_to_the_standing_offer_when_nothing_beats_it():
    me = agent(pie(), "zeuthen")
    # b offers x = 0.5, the largest Nash product: nothing reverses the comparison
    t = turn(4, standing=5, own_last=7, offers=[(A, 7), (B, 5)])
    assert next_aspiration(me, 0.7, t) == pytest.approx(0.5)


def test_zeuthen_opens_at_its_best_and_waits_without_a_standing_offer():
    me = agent(pie(), "zeuthen")
    assert next_aspiration(me, None, turn(0)) == 1.0
    assert next_aspiration(me, 0.8, turn(1)) == 0.8


def test_zeuthen_with_bargaining_powers_uses_the_weighted_product():
    # powers 3:1: P(x) = x^0.75 (1 - x)^0.25. a at x = 0.9 (P = 0.520) against b at x = 0.6
    # (P = 0.542): a concedes to the largest x with P > 0.542: x = 0.8 (0.566; x = 0.7 gives
    # 0.566 too but is worth less to a; x = 0.9 falls short)
    me = agent(pie(), "zeuthen", power=np.array([3.0, 1.0]))
    products = {x: x**0.75 * (1 - x) ** 0.25 for x in (0.6, 0.7, 0.8, 0.9)}
    assert products[0.9] < products[0.6] < min(products[0.7], products[0.8])
    t = turn(4, standing=6, own_last=9, offers=[(A, 9), (B, 6)])
    assert next_aspiration(me, 0.9, t) == pytest.approx(0.8)


# -- hardliner -------------------------------------------------------------------------------------


def test_hardliner_insists_on_its_best_discounted():
    me = agent(pie(R), "hardliner")
    for t in (0, 5, 10):
        assert next_aspiration(me, 0.5, turn(t)) == pytest.approx(1.0 - HARDLINER_EPSILON)
    impatient = agent(pie(R), "hardliner", deltas=np.array([0.9, 1.0]))
    assert next_aspiration(impatient, None, turn(2)) == pytest.approx(0.81 - HARDLINER_EPSILON)
    # never below its reservation: 0.9^20 = 0.12 < 0.2
    assert next_aspiration(impatient, None, turn(20)) == pytest.approx(R)
    assert math.isclose(0.9**20, 0.1216, abs_tol=1e-4)
