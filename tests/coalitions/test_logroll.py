"""Logrolling (simulator.coalitions.logroll): priorities per pair, and trades that raise both."""

from __future__ import annotations

import itertools
import math
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.coalitions.logroll import (
    contributions,
    importance,
    logrolls,
    pair_priorities,
)
from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Implication,
    Interaction,
    Party,
    TableValue,
    compile_model,
)
from simulator.scenario import load
from tests.conftest import nato_for_guarantee
from tests.strategies import models

ROOT = Path(__file__).resolve().parents[2]
EXACT = 1e-12


# -- the hand-checked case: tests/conftest.py -------------------------------------------------
# Russia (weights 0.6 / 0.4): nato member 0 -> neutral 0.6; guarantee none 0.4 -> article5 0.12.
# Ukraine (weights 0.5 / 0.5): nato member 0.5 -> neutral 0.1; guarantee none 0 -> article5 0.5.
# Importance: Russia nato 0.6, guarantee 0.28; Ukraine nato 0.4, guarantee 0.5.


def test_priorities_by_hand():
    pri = pair_priorities(nato_for_guarantee(), "russia", "ukraine")
    assert pri.parties == ("russia", "ukraine")
    assert [p.issue for p in pri.issues] == ["nato", "guarantee"]  # Russia's issue first
    nato, guarantee = pri.issues
    assert nato.importance == pytest.approx((0.6, 0.4), abs=EXACT)
    assert guarantee.importance == pytest.approx((0.28, 0.5), abs=EXACT)
    assert nato.log_ratio == pytest.approx(math.log(1.5), abs=EXACT)
    assert guarantee.log_ratio == pytest.approx(math.log(0.56), abs=EXACT)
    assert nato.correlation == pytest.approx(-1.0) and guarantee.correlation == pytest.approx(-1.0)
    assert nato.alignment == guarantee.alignment == "opposed"
    assert pri.mrs("russia", "nato", "guarantee") == pytest.approx(0.6 / 0.28)
    assert pri.mrs("ukraine", "nato", "guarantee") == pytest.approx(0.4 / 0.5)


def test_importance_and_contributions_by_hand():
    model = nato_for_guarantee()
    np.testing.assert_allclose(contributions(model, 1), [[0.4, 0.0], [0.12, 0.5]], atol=EXACT)
    np.testing.assert_allclose(importance(model), [[0.6, 0.4], [0.28, 0.5]], atol=EXACT)


def test_nato_for_guarantee_trade_by_hand():
    (link,) = logrolls(nato_for_guarantee())
    assert link.parties == ("russia", "ukraine")
    (trade,) = link.trades  # the reverse moves lose Russia 0.32: the only trade
    nato, guarantee = trade.moves
    assert (nato.issue, nato.from_value, nato.to_value) == ("nato", "member", "neutral")
    assert (nato.from_level, nato.to_level) == (0, 1)
    assert nato.changes == pytest.approx((0.6, -0.4), abs=EXACT)
    assert (guarantee.issue, guarantee.from_value, guarantee.to_value) == (
        "guarantee",
        "none",
        "article5",
    )
    assert guarantee.changes == pytest.approx((-0.28, 0.5), abs=EXACT)
    # the table in conftest: (member, none) = (0.40, 0.50) -> (neutral, article5) = (0.72, 0.60)
    assert trade.gains == pytest.approx((0.32, 0.1), abs=EXACT)
    assert trade.worst_gain == pytest.approx(0.1, abs=EXACT)
    assert trade.concession("ukraine") is nato and trade.concession("russia") is guarantee
    assert nato.concedes == "ukraine" and guarantee.concedes == "russia"
    assert trade.additive_exact
    assert trade.describe("ukraine") == (
        "ukraine gives up nato (member → neutral: ukraine −0.40, russia +0.60) for guarantee "
        "(none → article5: ukraine +0.50, russia −0.28); both gain: ukraine +0.10, russia +0.32"
    )
    assert trade.describe().startswith("russia gives up guarantee (none → article5")
    with pytest.raises(KeyError):
        trade.describe("usa")


def test_unknown_or_repeated_party_is_an_error():
    model = nato_for_guarantee()
    with pytest.raises(ValueError, match="no party"):
        pair_priorities(model, "russia", "belarus")
    with pytest.raises(ValueError, match="two different"):
        logrolls(model, ["russia", "russia"])


def test_top_limits_the_trades():
    (link,) = logrolls(nato_for_guarantee(), top=0)
    assert link.trades == () and len(link.priorities.issues) == 2


# -- variations on the hand-checked case ------------------------------------------------------


def _two_issue_model(russia_lines=(), ukraine_lines=(), constraints=(), third_lines=(), inter=()):
    """The conftest case with a third issue and a third party (who cares about nato only)."""
    nato = DiscreteIssue("nato", ("member", "neutral"))
    guarantee = DiscreteIssue("guarantee", ("none", "article5"))
    troops = DiscreteIssue("troops", ("none", "observers"))
    russia = Party(
        "russia",
        0.5,
        {"nato": 0.6, "guarantee": 0.4},
        {"nato": TableValue((0.0, 1.0)), "guarantee": TableValue((1.0, 0.3))},
        red_lines=tuple(russia_lines),
        interactions=tuple(inter),
        label="Russia",
    )
    ukraine = Party(
        "ukraine",
        0.55,
        {"nato": 1.0, "guarantee": 1.0},
        {"nato": TableValue((1.0, 0.2)), "guarantee": TableValue((0.0, 1.0))},
        red_lines=tuple(ukraine_lines),
        label="Ukraine",
    )
    usa = Party(
        "usa", 0.1, {"nato": 1.0}, {"nato": TableValue((1.0, 0.0))}, red_lines=tuple(third_lines)
    )
    return compile_model([nato, guarantee, troops], [russia, ukraine, usa], constraints)


def _russia_ukraine_trades(model):
    (link,) = logrolls(model, ["russia", "ukraine"])
    return link.trades


def test_labels_and_the_unweighted_issue():
    model = _two_issue_model()
    pri = pair_priorities(model, "russia", "ukraine")
    assert [p.issue for p in pri.issues] == ["nato", "guarantee"]  # nobody weighs troops
    assert pri.labels == ("Russia", "Ukraine")
    (trade,) = _russia_ukraine_trades(model)
    assert trade.describe("ukraine").startswith("Ukraine gives up nato (member → neutral")
    # usa weighs nato only: one-sided, and no trade (it would have to concede on two issues)
    link = logrolls(model, ["russia", "usa"])[0]
    assert [(p.issue, p.log_ratio, p.alignment) for p in link.priorities.issues] == [
        ("guarantee", math.inf, "one-sided"),
        ("nato", pytest.approx(math.log(0.6)), "opposed"),
    ]
    assert link.trades == ()


NEUTRAL = ("neutral",)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ukraine_lines": [Condition("nato", NEUTRAL, negate=True)]},
        {"russia_lines": [Condition("guarantee", ("article5",), negate=True)]},
        {
            "ukraine_lines": [
                Implication(Condition("nato", NEUTRAL), Condition("guarantee", ("none",)))
            ]
        },
        {"constraints": [Condition("nato", ("member",))]},
    ],
    ids=["ukraine-red-line", "russia-red-line", "implication-on-both", "constraint"],
)
def test_a_rule_broken_by_the_to_assignment_excludes_the_trade(kwargs):
    assert len(_russia_ukraine_trades(_two_issue_model())) == 1
    assert _russia_ukraine_trades(_two_issue_model(**kwargs)) == ()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"third_lines": [Condition("nato", NEUTRAL, negate=True)]},  # not a party of the pair
        {
            "ukraine_lines": [
                Implication(Condition("nato", NEUTRAL), Condition("troops", ("none",)))
            ]
        },
        {
            "constraints": [
                Implication(Condition("guarantee", ("article5",)), Condition("troops", ("none",)))
            ]
        },
        {"russia_lines": [Condition("nato", NEUTRAL)]},  # the from side breaks it: allowed
        {"ukraine_lines": [Condition("troops", ("observers",))]},
    ],
    ids=["third-party", "implication-to-other-issue", "constraint-to-other-issue", "from", "other"],
)
def test_rules_the_trade_does_not_settle_alone_keep_it(kwargs):
    (trade,) = _russia_ukraine_trades(_two_issue_model(**kwargs))
    assert trade.gains == pytest.approx((0.32, 0.1), abs=EXACT)


def test_interactions_on_the_traded_issues_are_flagged():
    on_nato = Interaction((Condition("nato", NEUTRAL),), 0.05)
    on_troops = Interaction((Condition("troops", ("none",)),), 0.05)
    (flagged,) = _russia_ukraine_trades(_two_issue_model(inter=[on_nato]))
    assert not flagged.additive_exact
    (exact,) = _russia_ukraine_trades(_two_issue_model(inter=[on_troops]))
    assert exact.additive_exact


def test_shared_interests_are_no_logroll():
    # both prefer a on issue x and b on issue y, with different weights: nothing to trade
    x, y = DiscreteIssue("x", ("a", "b")), DiscreteIssue("y", ("a", "b"))
    p = Party(
        "p", 0.0, {"x": 3.0, "y": 1.0}, {"x": TableValue((1.0, 0.0)), "y": TableValue((0.0, 1.0))}
    )
    q = Party(
        "q", 0.0, {"x": 1.0, "y": 3.0}, {"x": TableValue((0.8, 0.1)), "y": TableValue((0.2, 0.9))}
    )
    (link,) = logrolls(compile_model([x, y], [p, q]))
    assert [i.alignment for i in link.priorities.issues] == ["shared", "shared"]
    assert [i.issue for i in link.priorities.issues] == ["x", "y"]
    assert link.trades == ()


def test_continuous_issue_values_are_numbers():
    cap = ContinuousIssue("cap", 100.0, 300.0, grid=3)
    nato = DiscreteIssue("nato", ("member", "neutral"))
    russia = Party(
        "russia",
        0.0,
        {"cap": 1.0, "nato": 3.0},
        {"cap": IdealValue(100.0, 100.0, 300.0), "nato": TableValue((0.0, 1.0))},
    )
    ukraine = Party(
        "ukraine",
        0.0,
        {"cap": 3.0, "nato": 1.0},
        {"cap": IdealValue(300.0, 100.0, 300.0), "nato": TableValue((1.0, 0.0))},
    )
    (link,) = logrolls(compile_model([nato, cap], [russia, ukraine]))
    trade = link.trades[0]
    assert (trade.moves[1].from_value, trade.moves[1].to_value) == (100.0, 300.0)
    assert trade.gains == pytest.approx((0.5, 0.5))
    assert "cap (100 → 300: russia −0.25, ukraine +0.75)" in trade.describe()


# -- properties on random models --------------------------------------------------------------

_VALUE = st.one_of(st.integers(0, 4).map(lambda v: v / 4), st.floats(0.0, 1.0))


def _condition(draw, issue) -> Condition:
    if isinstance(issue, DiscreteIssue):
        chosen = draw(
            st.lists(
                st.sampled_from(issue.options), min_size=1, max_size=issue.n_levels - 1, unique=True
            )
        )
        return Condition(issue.name, tuple(chosen), negate=draw(st.booleans()))
    low, high = sorted(
        draw(st.lists(st.sampled_from(issue.levels.tolist()), min_size=2, max_size=2))
    )
    return Condition(issue.name, low=low, high=high)


def _rules(draw, issues, most: int):
    rules = []
    for _ in range(draw(st.integers(0, most))):
        a, b = draw(st.permutations(issues))[:2]
        if draw(st.booleans()):
            rules.append(Implication(_condition(draw, a), _condition(draw, b)))
        else:
            rules.append(_condition(draw, a))
    return rules


@st.composite
def dense_models(draw, interactions: bool = False):
    """2-4 issues every party weighs, 2-3 parties, red lines and constraints: unlike most
    draws of ``tests.strategies.models`` (one issue, or missing weights), trades are common."""
    issues = []
    for k in range(draw(st.integers(2, 4))):
        if draw(st.integers(0, 3)) == 0:
            issues.append(ContinuousIssue(f"i{k}", 0.0, 10.0, draw(st.integers(2, 4))))
        else:
            issues.append(
                DiscreteIssue(f"i{k}", tuple(f"o{m}" for m in range(draw(st.integers(2, 4)))))
            )
    parties: list[Party] = []
    for p in range(draw(st.integers(2, 3))):
        values = {
            i.name: TableValue(
                tuple(draw(st.lists(_VALUE, min_size=i.n_levels, max_size=i.n_levels)))
            )
            if isinstance(i, DiscreteIssue)
            else IdealValue(draw(st.sampled_from([0.0, 2.5, 10.0])), 0.0, 10.0)
            for i in issues
        }
        if parties and draw(st.booleans()):  # opposed to the first party: logrolls are likely
            values |= {
                i.name: TableValue(tuple(1.0 - v for v in parties[0].values[i.name].values))
                for i in issues
                if isinstance(i, DiscreteIssue)
            }
        weights = {i.name: float(draw(st.integers(1, 4))) for i in issues}
        inters = ()
        if interactions and draw(st.booleans()):
            inters = (Interaction((_condition(draw, draw(st.sampled_from(issues))),), 0.1),)
        lines = tuple(_rules(draw, issues, 2))
        parties.append(Party(f"p{p}", 0.0, weights, values, lines, inters))
    return compile_model(issues, parties, _rules(draw, issues, 1))


ADDITIVE = st.one_of(models(interactions=False), dense_models())
ANY_MODEL = st.one_of(models(), dense_models(interactions=True))


def _with(rows: np.ndarray, k: int, level: int) -> np.ndarray:
    out = rows.copy()
    out[:, k] = level
    return out


@given(ADDITIVE, st.data())
@settings(max_examples=300, deadline=None)
def test_trades_raise_both_by_their_gains_from_any_outcome(model, data):
    names = model.party_names
    i, j = sorted(
        data.draw(st.lists(st.integers(0, len(names) - 1), min_size=2, max_size=2, unique=True))
    )
    (link,) = logrolls(model, [names[i], names[j]], top=100)
    base = model.space.levels(0, model.space.count)  # every outcome, as the base
    for trade in link.trades:
        assert trade.additive_exact
        (a, b) = trade.moves
        start = _with(_with(base, a.index, a.from_level), b.index, b.from_level)
        half = _with(start, a.index, a.to_level)
        end = _with(half, b.index, b.to_level)
        u0, u1, u2 = (model.utilities(r)[:, [i, j]] for r in (start, half, end))
        np.testing.assert_allclose(u2 - u0, np.broadcast_to(trade.gains, u0.shape), atol=1e-9)
        np.testing.assert_allclose(u1 - u0, np.broadcast_to(a.changes, u0.shape), atol=1e-9)
        np.testing.assert_allclose(u2 - u1, np.broadcast_to(b.changes, u0.shape), atol=1e-9)
        assert min(trade.gains) > 0
        # a true logroll: each party loses on exactly one issue, and gains on the other
        for side in (0, 1):
            assert sorted(np.sign([a.changes[side], b.changes[side]])) == [-1, 1]
        assert {a.concedes, b.concedes} == set(trade.parties)
        # the "to" assignment breaks no rule lying wholly on the two issues
        on_two = {a.issue, b.issue}
        breaks = model.red_line_breaks(end[:1])[0]
        for r, line in enumerate(model.red_lines):
            if line.party in (i, j) and set(line.rule.issues) <= on_two:
                assert not breaks[r]
        for rule in model.constraints:
            if set(rule.issues) <= on_two:
                alone = compile_model(model.issues, model.parties, [rule])
                assert alone.constraint_mask(end[:1])[0]
    gains = [(t.worst_gain, sum(t.gains)) for t in link.trades]
    assert gains == sorted(gains, key=lambda g: (-g[0], -g[1]))


def _brute_force_best(model, i, j, a, b, tol=1e-9):
    """The best worst-gain of a logroll on issues a, b by evaluating outcomes, or None."""
    la, lb = (len(model.level_values[k]) for k in (a, b))
    quads = np.array(list(itertools.product(range(la), range(la), range(lb), range(lb))))
    base = np.zeros((len(quads), len(model.issues)), dtype=np.int64)
    start = base.copy()
    start[:, a], start[:, b] = quads[:, 0], quads[:, 2]
    half = start.copy()
    half[:, a] = quads[:, 1]
    end = half.copy()
    end[:, b] = quads[:, 3]
    u0, u1, u2 = (model.utilities(r)[:, [i, j]] for r in (start, half, end))
    ca, cb = u1 - u0, u2 - u1
    i_gives_a = (ca[:, 0] < -tol) & (ca[:, 1] > tol) & (cb[:, 0] > tol) & (cb[:, 1] < -tol)
    j_gives_a = (ca[:, 0] > tol) & (ca[:, 1] < -tol) & (cb[:, 0] < -tol) & (cb[:, 1] > tol)
    ok = (i_gives_a | j_gives_a) & ((u2 - u0) > tol).all(axis=1)
    names = {model.issues[a].name, model.issues[b].name}
    breaks = model.red_line_breaks(end)
    for r, line in enumerate(model.red_lines):
        if line.party in (i, j) and set(line.rule.issues) <= names:
            ok &= ~breaks[:, r]
    for rule in model.constraints:
        if set(rule.issues) <= names:
            ok &= compile_model(model.issues, model.parties, [rule]).constraint_mask(end)
    if not ok.any():
        return None
    return float((u2 - u0)[ok].min(axis=1).max())


@given(st.one_of(models(interactions=False, max_issues=3), dense_models()))
@settings(max_examples=100, deadline=None)
def test_no_clear_logroll_is_missed(model):
    (link,) = logrolls(model, model.party_names[:2], top=100)
    found = {(t.moves[0].index, t.moves[1].index): t.worst_gain for t in link.trades}
    for a, b in itertools.combinations(range(len(model.issues)), 2):
        best = _brute_force_best(model, 0, 1, a, b)
        if best is not None:
            assert found[(a, b)] >= best - 1e-9


@given(ANY_MODEL)
@settings(max_examples=100, deadline=None)
def test_swapping_the_pair_mirrors_priorities_and_keeps_the_trades(model):
    a, b = model.party_names[:2]
    (ab,) = logrolls(model, [a, b], top=100)
    (ba,) = logrolls(model, [b, a], top=100)
    forward = {p.issue: p for p in ab.priorities.issues}
    backward = {p.issue: p for p in ba.priorities.issues}
    assert forward.keys() == backward.keys()
    for issue, p in forward.items():
        q = backward[issue]
        assert q.log_ratio == -p.log_ratio
        assert q.importance == p.importance[::-1]
        assert q.alignment == p.alignment
        assert q.correlation == p.correlation or (
            math.isnan(p.correlation) and math.isnan(q.correlation)
        )
    assert [p.log_ratio for p in ba.priorities.issues] == [
        -p.log_ratio for p in reversed(ab.priorities.issues)
    ]
    assert len(ab.trades) == len(ba.trades)
    for s, t in zip(ab.trades, ba.trades):
        assert t.parties == s.parties[::-1] and t.gains == s.gains[::-1]
        assert t.additive_exact == s.additive_exact
        for m, n in zip(s.moves, t.moves):
            assert (n.issue, n.from_level, n.to_level, n.concedes) == (
                m.issue,
                m.from_level,
                m.to_level,
                m.concedes,
            )
            assert n.changes == m.changes[::-1]


# -- the Ukraine baseline ---------------------------------------------------------------------


def test_ukraine_baseline_finds_neutrality_for_a_guarantee():
    model = load(ROOT / "scenarios" / "ukraine" / "baseline.yaml").model()
    began = time.perf_counter()
    links = logrolls(model)
    assert time.perf_counter() - began < 2.0
    assert len(links) == 6  # four signatories
    (link,) = [x for x in links if x.parties == ("russia", "ukraine")]
    moves = [{m.issue: m for m in t.moves} for t in link.trades]
    deal = [m for m in moves if m.keys() == {"nato_status", "security_guarantee"}]
    assert deal, "no NATO-for-guarantee trade between Russia and Ukraine"
    nato, guarantee = deal[0]["nato_status"], deal[0]["security_guarantee"]
    assert nato.to_value == "non_aligned_by_law"  # Ukraine's red line rules out the constitution
    assert nato.concedes == "ukraine"
    assert (guarantee.to_value, guarantee.concedes) == ("article5_like", "russia")
    assert all(
        m["nato_status"].to_value != "neutral_in_constitution" for m in moves if "nato_status" in m
    )
    order = [p.issue for p in link.priorities.issues]
    assert order.index("nato_status") < order.index("security_guarantee")


# -- bounded work: blocks of level quadruples, and a budget -----------------------------------


@given(st.one_of(ADDITIVE, dense_models(interactions=True)))
@settings(max_examples=100, deadline=None)
def test_the_search_in_small_blocks_finds_the_same_trades(model):
    # one l_a per block (the smallest) against the whole array at once: same best, same ties
    import simulator.coalitions.logroll as lr

    whole = logrolls(model, top=10)
    original = lr._CHUNK
    try:
        lr._CHUNK = 1
        pieces = logrolls(model, top=10)
    finally:
        lr._CHUNK = original
    assert pieces == whole


def test_a_search_over_its_budget_is_refused_before_it_starts():
    from simulator.coalitions.logroll import trade_work
    from simulator.errors import SpaceTooLargeError

    cap = ContinuousIssue("cap", 0.0, 1.0, grid=31)
    share = ContinuousIssue("share", 0.0, 1.0, grid=31)
    parties = [
        Party(
            n,
            0.0,
            {"cap": 1, "share": 2 - k},
            {i: IdealValue(k, 0.0, 1.0) for i in ("cap", "share")},
        )
        for k, n in enumerate(("p", "q"))
    ]
    model = compile_model([cap, share], parties)
    assert trade_work(model) == 31**4
    began = time.perf_counter()
    with pytest.raises(SpaceTooLargeError, match="search for trades .* coarser grid"):
        logrolls(model, max_work=31**4 - 1)
    assert time.perf_counter() - began < 1.0
    assert logrolls(model, max_work=31**4)[0].trades  # at the budget: searched
