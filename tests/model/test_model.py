"""Issues, value functions, rules, the outcome space and compilation."""

import numpy as np
import pytest

from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Implication,
    Interaction,
    OutcomeSpace,
    Party,
    PiecewiseLinearValue,
    TableValue,
    compile_model,
)


def test_enumeration_order_is_last_issue_fastest():
    space = OutcomeSpace((2, 2, 3))
    levels = space.levels(0, space.count)
    assert levels[:4].tolist() == [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 0]]
    np.testing.assert_array_equal(space.index(levels), np.arange(12))


@pytest.mark.parametrize("chunk", [1, 5, 12, 100])
def test_chunks_cover_the_space_once_in_order(chunk):
    space = OutcomeSpace((3, 4))
    parts = list(space.chunks(chunk))
    assert [s for s, _ in parts] == list(range(0, 12, chunk))
    np.testing.assert_array_equal(np.vstack([lv for _, lv in parts]), space.levels(0, 12))


def test_continuous_grid_and_single_point_range():
    assert ContinuousIssue("c", 0, 10, grid=6).levels.tolist() == [0, 2, 4, 6, 8, 10]
    assert ContinuousIssue("c", 5, 5).levels.tolist() == [5.0]
    with pytest.raises(ValueError):
        ContinuousIssue("c", 10, 0)


def test_piecewise_linear_clamps_and_interpolates():
    v = PiecewiseLinearValue((50.0, 250.0, 1000.0), (1.0, 0.6, 0.0))
    np.testing.assert_allclose(v(np.array([0.0, 150.0, 625.0, 2000.0])), [1.0, 0.8, 0.3, 0.0])
    with pytest.raises(ValueError, match="ascending"):
        PiecewiseLinearValue((1.0, 0.0), (0.0, 1.0))


def test_ideal_value_falls_to_zero_at_the_far_end():
    v = IdealValue(250.0, 50.0, 1000.0)
    np.testing.assert_allclose(v(np.array([250.0, 1000.0, 50.0])), [1.0, 0.0, 1 - 200 / 750])


def test_conditions_on_discrete_and_continuous_issues():
    d = DiscreteIssue("d", ("a", "b", "c"))
    assert Condition("d", ("a", "c")).level_mask(d, np.arange(3)).tolist() == [True, False, True]
    assert Condition("d", ("a",), negate=True).level_mask(d, np.arange(3)).tolist() == [
        False,
        True,
        True,
    ]
    c = ContinuousIssue("c", 0.0, 1.0, grid=11)
    mask = Condition("c", low=0.3, high=0.7).level_mask(c, c.levels)
    assert mask.sum() == 5  # 0.3 .. 0.7 inclusive despite linspace rounding
    assert str(Condition("c", low=0.3)) == "c >= 0.3"


def test_weights_are_normalised_per_party_and_missing_issues_are_indifferent():
    d = DiscreteIssue("d", ("a", "b"))
    e = DiscreteIssue("e", ("x", "y"))
    p = Party(
        "p", 0.0, {"d": 3.0, "e": 1.0}, {"d": TableValue((1.0, 0.0)), "e": TableValue((0.0, 1.0))}
    )
    q = Party("q", 0.0, {"d": 5.0}, {"d": TableValue((0.0, 1.0))})
    m = compile_model([d, e], [p, q])
    u = m.utilities(m.space.levels(0, 4))
    np.testing.assert_allclose(u, [[0.75, 0.0], [1.0, 0.0], [0.0, 1.0], [0.25, 1.0]])


def test_weights_as_given_and_a_cap():
    """GENIUS's additive utility: ``min(1, sum_k w_k e_k)``, the weights not normalised."""
    d = DiscreteIssue("d", ("a", "b"))
    e = DiscreteIssue("e", ("x", "y"))
    values = {"d": TableValue((1.0, 0.5)), "e": TableValue((0.0, 1.0))}
    p = Party("p", 0.0, {"d": 0.8, "e": 0.6}, values, cap=1.0, normalise=False)
    q = Party("q", 0.0, {"d": 0.3, "e": 0.6}, values, normalise=False)
    m = compile_model([d, e], [p, q])
    u = m.utilities(m.space.levels(0, 4))
    # p: .8 + 0 | .8 + .6 capped | .4 | .4 + .6; q: .3 | .3 + .6 | .15 | .15 + .6
    np.testing.assert_allclose(u, [[0.8, 0.3], [1.0, 0.9], [0.4, 0.15], [1.0, 0.75]])
    blocks = np.vstack([u for _, _, u in m.evaluated(chunk_size=1)])
    np.testing.assert_array_equal(blocks, u)


@pytest.mark.parametrize("chunk_size", [1, 3, 100])
def test_evaluated_yields_each_chunks_levels_unless_told_not_to(chunk_size):
    d = DiscreteIssue("d", ("a", "b", "c"))
    e = DiscreteIssue("e", ("x", "y"))
    p = Party(
        "p",
        0.0,
        {"d": 1.0, "e": 1.0},
        {"d": TableValue((1.0, 0.5, 0.0)), "e": TableValue((0.0, 1.0))},
    )
    q = Party("q", 0.0, {"d": 1.0}, {"d": TableValue((0.0, 0.5, 1.0))})
    m = compile_model([d, e], [p, q])
    chunks = list(m.evaluated(chunk_size))  # levels by default
    ends = [start + u.shape[0] for start, _, u in chunks]  # contiguous, covering the space
    assert [start for start, _, _ in chunks] == [0, *ends[:-1]] and ends[-1] == 6
    for start, levels, u in chunks:
        np.testing.assert_array_equal(levels, m.space.levels(start, start + u.shape[0]))
        np.testing.assert_array_equal(u, m.utilities(levels))
    bare = list(m.evaluated(chunk_size, levels=False))  # no interactions: none built
    assert all(levels is None for _, levels, _ in bare)
    np.testing.assert_array_equal(
        np.vstack([u for _, _, u in bare]), np.vstack([u for _, _, u in chunks])
    )


def test_a_party_of_interactions_alone():
    """No weighted issue: the utility is the bonuses (GENIUS's non-linear profiles)."""
    x = ContinuousIssue("x", 0, 3, grid=4, integer=True)
    bonus = Interaction((Condition("x", low=1, high=2),), 0.7)
    always = Interaction((Condition("x", low=0),), 0.5)
    p = Party("p", 0.0, {}, {}, interactions=(bonus, always), cap=1.0)
    q = Party("q", 0.0, {"x": 1.0}, {"x": PiecewiseLinearValue((0.0, 3.0), (0.0, 1.0))})
    m = compile_model([x], [p, q])
    u = m.utilities(m.space.levels(0, 4))
    np.testing.assert_allclose(u[:, 0], [0.5, 1.0, 1.0, 0.5])


def test_chunked_utilities_equal_unchunked():
    rng = np.random.default_rng(3)
    issues = [DiscreteIssue(f"i{k}", tuple("abcd")) for k in range(4)]
    parties = [
        Party(
            f"p{j}",
            0.2,
            {i.name: float(rng.random()) for i in issues},
            {i.name: TableValue(tuple(rng.random(4))) for i in issues},
        )
        for j in range(3)
    ]
    m = compile_model(issues, parties)
    whole = m.utilities(m.space.levels(0, m.space.count))
    chunked = np.vstack([m.utilities(lv) for _, lv in m.space.chunks(37)])
    np.testing.assert_array_equal(whole, chunked)


def test_implication_mask():
    d = DiscreteIssue("d", ("a", "b"))
    e = DiscreteIssue("e", ("x", "y"))
    p = Party("p", 0.0, {"d": 1}, {"d": TableValue((1.0, 0.0))})
    rule = Implication(Condition("d", ("a",)), Condition("e", ("y",)))
    m = compile_model([d, e], [p, p.__class__("q", 0.0, {}, {})], constraints=[rule])
    assert m.constraint_mask(m.space.levels(0, 4)).tolist() == [False, True, True, True]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(parties=1), "at least two parties"),
        (dict(unknown_issue=True), "unknown issue"),
        (dict(signatories=["nobody"]), "unknown signatories"),
        (dict(wrong_kind=True), "does not fit"),
    ],
)
def test_compile_rejects_inconsistent_parts(kwargs, message):
    d = DiscreteIssue("d", ("a", "b"))
    c = ContinuousIssue("c", 0.0, 1.0)
    p = Party("p", 0.0, {"d": 1}, {"d": TableValue((1.0, 0.0))})
    q = Party("q", 0.0, {"d": 1}, {"d": TableValue((0.0, 1.0))})
    parties = [p, q][: kwargs.get("parties", 2)]
    if kwargs.get("unknown_issue"):
        parties = [p, Party("q", 0.0, {"zz": 1}, {"zz": TableValue((0.0, 1.0))})]
    if kwargs.get("wrong_kind"):
        parties = [p, Party("q", 0.0, {"c": 1}, {"c": TableValue((0.0, 1.0))})]
    with pytest.raises(ValueError, match=message):
        compile_model([d, c], parties, signatories=kwargs.get("signatories"))
