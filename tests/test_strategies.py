"""The test strategies produce what they claim (tests/strategies.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from simulator.model import (
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Implication,
    PiecewiseLinearValue,
    TableValue,
)
from tests.strategies import (
    MAX_MODEL_OUTCOMES,
    gain_arrays,
    models,
    powers,
    symmetric_gain_arrays,
)

# find() without shrinking: the test only needs some example with the feature
FIND = settings(
    database=None,
    max_examples=2000,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@given(st.data())
@settings(max_examples=100, deadline=None)
def test_gain_arrays_shape_and_range(data):
    lo = data.draw(st.integers(1, 4))
    hi = data.draw(st.integers(lo, 5))
    g = data.draw(gain_arrays(lo, hi))
    assert g.dtype == np.float64 and g.ndim == 2
    assert 1 <= g.shape[0] <= 60
    assert lo <= g.shape[1] <= hi
    assert np.isfinite(g).all()
    assert (g >= 0).all()
    # every entry is a small integer or lies in [0, 1]
    assert ((g <= 1) | ((g == np.round(g)) & (g <= 3))).all()


def test_gain_arrays_produce_ties_duplicates_and_general_floats():
    dup = find(gain_arrays(), lambda g: len({tuple(r) for r in g}) < g.shape[0], settings=FIND)
    assert len({tuple(r) for r in dup}) < dup.shape[0]
    frac = find(gain_arrays(), lambda g: ((g > 0) & (g < 1) & (g != 0.5)).any(), settings=FIND)
    assert ((frac > 0) & (frac < 1)).any()
    big = find(gain_arrays(), lambda g: (g > 1).any(), settings=FIND)
    assert (big > 1).any()
    wide = find(gain_arrays(), lambda g: g.shape[0] >= 40, settings=FIND)
    assert wide.shape[0] >= 40


@given(symmetric_gain_arrays())
@settings(max_examples=100, deadline=None)
def test_symmetric_gain_arrays_are_closed_under_the_swap(case):
    g, i, j = case
    assert i != j
    swapped = g.copy()
    swapped[:, [i, j]] = g[:, [j, i]]
    rows = sorted(map(tuple, g))
    assert sorted(map(tuple, swapped)) == rows


@given(st.integers(1, 5).flatmap(lambda p: st.tuples(st.just(p), powers(p))))
@settings(max_examples=50, deadline=None)
def test_powers_are_positive(case):
    p, w = case
    assert w.shape == (p,)
    assert (w >= 0.1).all() and (w <= 10).all()


@given(models())
@settings(max_examples=100, deadline=None)
def test_models_are_small_and_well_formed(model):
    assert 1 <= len(model.issues) <= 4
    assert model.space.count <= MAX_MODEL_OUTCOMES
    assert 2 <= len(model.parties) <= 4
    assert model.signatories.sum() >= 2
    for issue in model.issues:
        if isinstance(issue, DiscreteIssue):
            assert 2 <= issue.n_levels <= 4
        else:
            assert isinstance(issue, ContinuousIssue)
            assert 2 <= issue.grid <= 5 and issue.low < issue.high
    for party in model.parties:
        assert 0.0 <= party.reservation <= 0.8
        assert party.power > 0
        assert all(w >= 0 for w in party.weights.values())
        for name, fn in party.values.items():
            issue = model.issues[model.issue_names.index(name)]
            if isinstance(issue, DiscreteIssue):
                assert isinstance(fn, TableValue) and len(fn.values) == issue.n_levels
            else:
                assert isinstance(fn, PiecewiseLinearValue | IdealValue)
            if isinstance(fn, PiecewiseLinearValue):
                assert all(b > a for a, b in zip(fn.xs, fn.xs[1:]))
    levels = model.space.levels(0, model.space.count)
    u = model.utilities(levels)
    assert u.shape == (model.space.count, len(model.parties))
    assert np.isfinite(u).all()
    # additive part in [0, 1]; interactions add at most 2 * 0.2 either way
    assert (u >= -0.4 - 1e-12).all() and (u <= 1.4 + 1e-12).all()


@given(models(max_issues=2, max_outcomes=20, min_parties=3, max_parties=3))
@settings(max_examples=30, deadline=None)
def test_models_respect_their_parameters(model):
    assert len(model.issues) <= 2
    assert model.space.count <= 20
    assert len(model.parties) == 3


@pytest.mark.parametrize(
    "feature",
    [
        pytest.param(lambda m: len(m.red_lines) > 0, id="red line"),
        pytest.param(
            lambda m: any(isinstance(r.rule, Implication) for r in m.red_lines),
            id="implication red line",
        ),
        pytest.param(lambda m: len(m.constraints) > 0, id="constraint"),
        pytest.param(lambda m: any(p.interactions for p in m.parties), id="interaction"),
        pytest.param(
            lambda m: any(isinstance(i, ContinuousIssue) for i in m.issues), id="continuous issue"
        ),
        pytest.param(
            lambda m: any(isinstance(f, IdealValue) for p in m.parties for f in p.values.values()),
            id="ideal",
        ),
        pytest.param(
            lambda m: any(
                isinstance(f, PiecewiseLinearValue) for p in m.parties for f in p.values.values()
            ),
            id="piecewise",
        ),
        pytest.param(
            lambda m: any(w == 0 for p in m.parties for w in p.weights.values()), id="zero weight"
        ),
        pytest.param(lambda m: not m.signatories.all(), id="non-signatory"),
        pytest.param(lambda m: len({p.power for p in m.parties}) > 1, id="unequal powers"),
        pytest.param(lambda m: len(m.issues) == 4 and m.space.count > 100, id="large"),
    ],
)
def test_models_cover_every_feature(feature):
    model = find(models(), feature, settings=FIND)
    assert feature(model)
