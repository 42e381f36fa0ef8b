"""Simulated talks: Zeuthen reaches Nash, reproducibility, deadlines, acceptability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import analyze
from simulator.dynamics import STRATEGIES, monte_carlo, simulate, summarize
from simulator.errors import SpaceTooLargeError
from simulator.model import (
    ContinuousIssue,
    DiscreteIssue,
    Party,
    PiecewiseLinearValue,
    TableValue,
    compile_model,
)
from tests.strategies import models


def concave_pie(a: float, b: float, n: int, reservations=(0.0, 0.0)):
    """Split a pie on an ``n``-point grid: ``u_a = x^a``, ``u_b = (1 - x)^b``."""
    xs = np.linspace(0.0, 1.0, n)
    return compile_model(
        [ContinuousIssue("x", 0.0, 1.0, grid=n)],
        [
            Party(
                "a", reservations[0], {"x": 1}, {"x": PiecewiseLinearValue(tuple(xs), tuple(xs**a))}
            ),
            Party(
                "b",
                reservations[1],
                {"x": 1},
                {"x": PiecewiseLinearValue(tuple(xs), tuple((1 - xs) ** b))},
            ),
        ],
    )


def three_issue_model():
    """Three parties, three issues with opposed and shared interests; a zone exists."""
    issues = [
        DiscreteIssue("i0", ("o0", "o1", "o2", "o3")),
        DiscreteIssue("i1", ("o0", "o1", "o2")),
        ContinuousIssue("i2", 0.0, 10.0, grid=6),
    ]
    up = PiecewiseLinearValue((0.0, 10.0), (0.0, 1.0))
    down = PiecewiseLinearValue((0.0, 10.0), (1.0, 0.0))
    parties = [
        Party(
            "p0",
            0.3,
            {"i0": 2, "i1": 1, "i2": 1},
            {"i0": TableValue((1, 0.7, 0.3, 0)), "i1": TableValue((0, 0.5, 1)), "i2": up},
        ),
        Party(
            "p1",
            0.3,
            {"i0": 1, "i1": 2, "i2": 1},
            {"i0": TableValue((0, 0.4, 0.8, 1)), "i1": TableValue((1, 0.6, 0)), "i2": down},
        ),
        Party(
            "p2",
            0.2,
            {"i0": 1, "i1": 1, "i2": 2},
            {"i0": TableValue((0.5, 1, 0.5, 0)), "i1": TableValue((0.3, 1, 0.3)), "i2": up},
        ),
    ]
    return compile_model(issues, parties)


@pytest.mark.parametrize(
    ("a", "b", "n"),
    [(0.5, 1.0, 201), (0.3, 0.7, 101), (1.0, 0.4, 301), (0.5, 0.5, 151), (1.0, 1.0, 100)],
)
def test_zeuthen_ends_at_nash(a, b, n):
    """Harsanyi (1956): Zeuthen's concession process ends at the Nash product maximum."""
    m = concave_pie(a, b, n)
    s = simulate(m, strategies={"a": "zeuthen", "b": "zeuthen"}, rounds=4 * n)
    nash = analyze(m).solutions["nash"]
    assert s.agreed
    assert abs(s.outcome["x"] - nash.outcome["x"]) <= 1.0 / (n - 1) + 1e-12
    assert s.distance_nash is not None


def test_zeuthen_with_reservations_ends_at_nash():
    m = concave_pie(0.5, 1.0, 201, reservations=(0.2, 0.1))
    s = simulate(m, strategies={"a": "zeuthen", "b": "zeuthen"}, rounds=800)
    nash = analyze(m).solutions["nash"]
    assert s.agreed and abs(s.outcome["x"] - nash.outcome["x"]) <= 1 / 200 + 1e-12


@pytest.mark.parametrize("protocol", ["alternating", "mediated"])
def test_same_seed_same_trace(protocol):
    m = three_issue_model()
    kw = dict(
        protocol=protocol, strategies={"p0": "boulware", "p1": "tit_for_tat"}, noise=0.3, rounds=60
    )
    first, second = simulate(m, seed=7, **kw), simulate(m, seed=7, **kw)
    pd.testing.assert_frame_equal(first.trace, second.trace)
    assert first.outcome == second.outcome


def test_different_seeds_can_differ():
    m = three_issue_model()
    traces = [simulate(m, seed=s, noise=0.5, rounds=60).trace for s in range(6)]
    assert any(not traces[0].equals(t) for t in traces[1:])


@pytest.mark.parametrize("protocol", ["alternating", "mediated"])
@pytest.mark.parametrize("rounds", [1, 5, 30])
def test_deadline_respected(protocol, rounds):
    m = three_issue_model()
    s = simulate(
        m,
        protocol=protocol,
        strategies={"p0": "boulware", "p1": "boulware", "p2": "hardliner"},
        rounds=rounds,
    )
    assert len(s.trace) <= rounds
    assert s.trace["round"].max() < rounds
    assert s.round is None or s.round < rounds


def test_hardliners_without_zone_never_agree():
    # each wants the whole pie and reserves more than half: no zone
    m = concave_pie(1.0, 1.0, 51, reservations=(0.6, 0.6))
    assert not analyze(m).zone.exists
    for protocol in ("alternating", "mediated"):
        s = simulate(
            m, protocol=protocol, strategies={"a": "hardliner", "b": "hardliner"}, rounds=200
        )
        assert not s.agreed and s.outcome is None and s.distance_nash is None
        assert len(s.trace) == 200


def test_hardliner_against_conceder_gets_its_best():
    # b's reservation is below its utility of a's best, so the conceder gives in by the deadline
    m = concave_pie(1.0, 1.0, 101, reservations=(0.0, -0.1))
    s = simulate(m, strategies={"a": "hardliner", "b": "conceder"}, rounds=100)
    assert s.agreed and s.utilities["a"] >= 1.0 - 1e-6
    offers = s.trace[(s.trace["proposer"] == "a") & (s.trace["action"] == "offer")]
    assert (offers["u_a"] >= 1.0 - 1e-6).all()


def test_linear_pair_agrees_and_reports_discounting():
    m = concave_pie(1.0, 1.0, 101)
    s = simulate(m, rounds=50, discount={"a": 0.9, "b": 0.95})
    assert s.agreed and s.round is not None
    assert s.discounted["a"] == pytest.approx(0.9**s.round * s.utilities["a"])
    assert s.discounted["b"] == pytest.approx(0.95**s.round * s.utilities["b"])
    assert list(s.trace.columns) == [
        "round",
        "proposer",
        "action",
        "x",
        "u_a",
        "u_b",
        "accepted",
        "objections",
    ]


def test_mediator_party_and_neutral():
    m = three_issue_model()
    for mediator in (None, "p2"):
        s = simulate(m, protocol="mediated", mediator=mediator, rounds=60)
        assert s.agreed
        assert set(s.trace["proposer"]) == {mediator or "mediator"}
    s = simulate(m, protocol="mediated", start="nash", rounds=60)
    assert s.agreed


def test_bad_inputs():
    m = three_issue_model()
    with pytest.raises(ValueError, match="protocol"):
        simulate(m, protocol="auction")
    with pytest.raises(ValueError, match="strategy"):
        simulate(m, strategies={"p0": "greedy"})
    with pytest.raises(ValueError, match="mediator"):
        simulate(m, protocol="mediated", mediator="nobody")
    big = compile_model(
        [ContinuousIssue(f"i{k}", 0.0, 1.0, grid=11) for k in range(7)],  # 19.5 million
        [
            Party(n, 0.0, {"i0": 1}, {"i0": PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0))})
            for n in "ab"
        ],
    )
    with pytest.raises(SpaceTooLargeError, match="obeys the constraints"):
        simulate(big)


def test_monte_carlo_and_summary():
    m = three_issue_model()
    runs = monte_carlo(m, 12, noise=0.2, seed=3, rounds=40)
    assert list(runs.columns) == [
        "run",
        "strategies",
        "noise",
        "agreed",
        "rounds",
        "distance_nash",
        "distance_kalai",
    ]
    assert len(runs) == 12
    assert runs.equals(monte_carlo(m, 12, noise=0.2, seed=3, rounds=40))
    total = summarize(runs)
    assert total.loc["all", "runs"] == 12
    assert total.loc["all", "agreement_rate"] == pytest.approx(runs["agreed"].mean())
    assert len(summarize(runs, by="strategies")) == runs["strategies"].nunique()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    models(),
    st.sampled_from(["alternating", "mediated"]),
    st.lists(st.sampled_from(STRATEGIES), min_size=4, max_size=4),
    st.sampled_from([0.0, 0.2]),
    st.integers(0, 2**32 - 1),
)
def test_agreement_is_acceptable_to_every_signatory(model, protocol, plan, noise, seed):
    sig = [n for n, s in zip(model.party_names, model.signatories) if s]
    s = simulate(
        model, protocol=protocol, strategies=dict(zip(sig, plan)), rounds=40, noise=noise, seed=seed
    )
    assert len(s.trace) <= 40
    if not s.agreed:
        assert s.outcome is None
        return
    levels = model.space.levels(s.index, s.index + 1)
    u = model.utilities(levels)[0]
    assert model.constraint_mask(levels)[0]
    breaks = model.red_line_breaks(levels)[0]
    for j, line in enumerate(model.red_lines):
        if model.signatories[line.party]:
            assert not breaks[j]
    res = model.reservations
    assert (u[model.signatories] >= res[model.signatories] - 1e-9).all()
    assert analyze(model).zone.exists
