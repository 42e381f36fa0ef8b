"""Exact cases for :mod:`simulator.model` that mutation testing found unguarded
(``benchmarks/mutation.py``): how the outcome space is cut into blocks, integer grids on huge
ranges, ideal values off a zero lower bound, the bounds a proposal may take, and rule masks
per outcome -- each worked from the definitions in the docstrings."""

from __future__ import annotations

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
from simulator.model.issues import INTEGER_GRID, MAX_INTEGER
from simulator.model.rules import BOUND_ATOL, rule_words
from simulator.model.space import BLOCK
from simulator.scenario import load

# -- blocks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "lead"),
    [
        ((2,) * 16, 0),  # 2**16 = BLOCK outcomes: one block, nothing leads
        ((2,) * 17, 1),  # the trailing 16 make a block
        ((3, 2**16), 1),
        ((3, 5, 2**15), 2),  # 5 * 2**15 > BLOCK: only the last issue trails
        ((3, 2, 2**15), 1),  # 2 * 2**15 = BLOCK
        ((2**17,), 1),  # the last issue alone exceeds a block: no block at all
        ((4, 2**17), 2),
        ((), 0),
    ],
)
def test_split_is_the_fewest_leading_issues_leaving_at_most_a_block(sizes, lead):
    assert OutcomeSpace(sizes).split() == lead


def test_blocks_of_a_space_with_a_block():
    space = OutcomeSpace((3, 2**16))
    parts = list(space.blocks(chunk_size=2**16))
    assert [s for s, _, _ in parts] == [0, 2**16, 2**17]
    assert all(type(s) is int for s, _, _ in parts)
    assert [p.tolist() for _, p, _ in parts] == [[[0]], [[1]], [[2]]]
    assert parts[0][2].trailing.shape == (2**16, 1)
    # two prefixes per chunk when the chunk holds two blocks
    parts = list(space.blocks(chunk_size=2**17))
    assert [s for s, _, _ in parts] == [0, 2**17]
    assert [p.tolist() for _, p, _ in parts] == [[[0], [1]], [[2]]]


def test_blocks_of_a_space_without_a_block_are_plain_ranges():
    space = OutcomeSpace((BLOCK + 3,))
    parts = list(space.blocks(chunk_size=BLOCK // 2))
    assert [s for s, _, _ in parts] == [0, BLOCK // 2, BLOCK]
    levels = np.vstack([b.levels(p) for _, p, b in parts])
    assert levels[:, 0].tolist() == list(range(BLOCK + 3))


def test_block_levels_repeat_the_prefix_and_tile_the_block():
    space = OutcomeSpace((2, 3, 2**15))
    (start, prefix, block), *_ = space.blocks(chunk_size=2**16)
    assert start == 0 and prefix.tolist() == [[0, 0], [0, 1]]
    levels = block.levels(prefix)
    np.testing.assert_array_equal(levels, space.levels(0, 2**16))


def test_a_space_of_no_issues_has_one_outcome():
    space = OutcomeSpace(())
    assert space.count == 1
    assert space.levels(0, 1).shape == (1, 0)
    assert space.index(np.zeros((3, 0), dtype=np.int64)).tolist() == [0, 0, 0]
    assert space.sample(4, seed=0).shape == (4, 0)


def test_levels_of_any_order_and_sampling_within_range():
    space = OutcomeSpace((2, 3))
    assert space.levels_of(np.array([5, 0, 3])).tolist() == [[1, 2], [0, 0], [1, 0]]
    draws = space.sample(500, seed=1)
    assert draws.shape == (500, 2)
    assert set(draws[:, 0]) == {0, 1} and set(draws[:, 1]) == {0, 1, 2}


# -- issues -------------------------------------------------------------------------------------


def test_number_of_levels():
    assert ContinuousIssue("x", 0.0, 1.0, grid=5).n_levels == 5
    assert ContinuousIssue("x", 2.0, 2.0, grid=5).n_levels == 1
    assert ContinuousIssue("x", 2.0, 2.0, grid=1).n_levels == 1
    assert DiscreteIssue("d", ("a", "b", "c")).n_levels == 3


def test_integer_levels_on_the_widest_range_are_exact():
    # width 2**54 over 128 steps: every level is low + i * 2**47, exactly (a float holds it)
    levels = ContinuousIssue("n", -(2**53), 2**53, grid=129, integer=True).levels
    assert levels.tolist() == [float(-(2**53) + i * 2**47) for i in range(129)]
    small = ContinuousIssue("n", 0, 2**53, grid=3, integer=True).levels
    assert small.tolist() == [0.0, float(2**52), float(2**53)]


def test_integer_levels_beyond_int64_arithmetic_are_exact():
    # 1,024 steps of 2**44 over 2**54: 2 * i * width reaches 2**65, beyond int64
    levels = ContinuousIssue("n", -(2**53), 2**53, grid=1025, integer=True).levels
    assert levels.tolist() == [float(-(2**53) + i * 2**44) for i in range(1025)]


def test_integer_bounds_may_reach_two_to_the_53():
    assert MAX_INTEGER == 2**53
    assert ContinuousIssue("n", -(2**53), 2**53, grid=2, integer=True).n_levels == 2
    with pytest.raises(ValueError, match="2\\*\\*53"):
        ContinuousIssue("n", 0, 2**53 + 2, grid=2, integer=True)
    with pytest.raises(ValueError, match="2\\*\\*53"):
        ContinuousIssue("n", -(2**53) - 2, 0, grid=2, integer=True)


def test_integer_level_spread_rounds_halves_up():
    # 0..10 in 4 points: 0, 10/3, 20/3, 10 -> 0, 3, 7, 10; 0..3 in 3: 0, 1.5, 3 -> 0, 2, 3
    assert ContinuousIssue("n", 0, 10, grid=4, integer=True).levels.tolist() == [0, 3, 7, 10]
    assert ContinuousIssue("n", 0, 3, grid=3, integer=True).levels.tolist() == [0, 2, 3]
    assert ContinuousIssue("n", 0, 3, grid=4, integer=True).n_integers == 4


def test_validity_of_values():
    days = ContinuousIssue("days", 0, 10, grid=11, integer=True)
    assert days.valid(3.0) and not days.valid(3.5) and not days.valid(11.0)
    x = ContinuousIssue("x", 0.0, 1.0)
    assert x.valid(0.25) and x.valid(0.0) and x.valid(1.0) and not x.valid(-0.1)


# -- value functions ----------------------------------------------------------------------------


def test_ideal_value_on_a_range_not_starting_at_zero():
    # ideal 80 on [10, 100]: the far end is 10, 70 away; 100 is 20 away: 1 - 20/70
    v = IdealValue(80.0, 10.0, 100.0)
    assert v(np.array([10.0, 80.0, 100.0, 45.0])).tolist() == pytest.approx(
        [0.0, 1.0, 1 - 20 / 70, 0.5]
    )
    # ideal 30 on [20, 120]: the far end is 120, 90 away
    w = IdealValue(30.0, 20.0, 120.0)
    assert w(np.array([20.0, 120.0, 75.0])).tolist() == pytest.approx([1 - 10 / 90, 0.0, 0.5])


def test_ideal_value_on_a_range_narrower_than_one():
    v = IdealValue(0.25, 0.0, 1.0)  # the far end is 1, 0.75 away
    assert v(np.array([0.25, 1.0, 0.0, 0.625])).tolist() == pytest.approx([1.0, 0.0, 2 / 3, 0.5])
    assert IdealValue(0.5, 0.5, 0.5)(np.array([0.5])).tolist() == [1.0]  # one point


def test_piecewise_value_with_one_point_is_constant():
    v = PiecewiseLinearValue((5.0,), (0.3,))
    assert v(np.array([-1.0, 5.0, 9.0])).tolist() == [0.3, 0.3, 0.3]
    with pytest.raises(ValueError):
        PiecewiseLinearValue((), ())
    with pytest.raises(ValueError):
        PiecewiseLinearValue((0.0, 1.0), (0.5,))


# -- rules --------------------------------------------------------------------------------------


def test_a_condition_without_bounds_holds_everywhere_and_says_so():
    x = ContinuousIssue("x", 0.0, 1.0, grid=3, label="Share")
    c = Condition("x")
    assert c.level_mask(x, x.levels).tolist() == [True, True, True]
    assert str(c) == "x any"
    assert rule_words(c, [x]) == "Share: any value"
    assert rule_words(Condition("x", low=0.5), [x]) == "Share at least 0.5"
    assert rule_words(Condition("x", high=0.5), [x]) == "Share at most 0.5"
    assert rule_words(Condition("x", low=0.2, high=0.5), [x]) == "Share between 0.2 and 0.5"


def test_options_in_words():
    d = DiscreteIssue("venue", ("oslo", "rome", "bern"), option_labels=("Oslo", "", "Bern"))
    assert rule_words(Condition("venue", ("oslo",)), [d]) == "venue is Oslo"
    assert rule_words(Condition("venue", ("oslo", "rome")), [d]) == "venue is Oslo or rome"
    assert rule_words(Condition("venue", ("oslo", "rome", "bern"), negate=True), [d]) == (
        "venue is not Oslo, rome or Bern"
    )


def test_continuous_bounds_are_inclusive_within_their_tolerance():
    x = ContinuousIssue("x", 0.0, 1.0, grid=3)
    levels = np.array([0.5 - 2e-9, 0.5 - 5e-10, 0.5, 0.5 + 5e-10, 0.5 + 2e-9])
    assert Condition("x", low=0.5).level_mask(x, levels).tolist() == [False, True, True, True, True]
    assert Condition("x", high=0.5).level_mask(x, levels).tolist() == [
        True,
        True,
        True,
        True,
        False,
    ]


def _three_yes_no():
    issues = [DiscreteIssue(n, ("no", "yes")) for n in ("a", "b", "c")]
    p = Party(
        "p",
        0.0,
        {"a": 1},
        {"a": TableValue((0.0, 1.0))},
        red_lines=(Condition("b", ("yes",)),),
    )
    q = Party(
        "q",
        0.0,
        {"c": 1},
        {"c": TableValue((1.0, 0.0))},
        red_lines=(Implication(Condition("a", ("yes",)), Condition("c", ("yes",))),),
    )
    constraints = [Condition("a", ("yes",), negate=True), Condition("c", ("no",))]
    return compile_model(issues, [p, q], constraints)


def test_constraint_and_red_line_breaks_per_outcome():
    m = _three_yes_no()
    levels = m.space.levels(0, 8)  # (a, b, c) counting in binary, "no" = 0
    a, b, c = levels.T.astype(bool)
    breaks = m.constraint_breaks(levels)
    assert breaks.shape == (8, 2)
    assert breaks[:, 0].tolist() == a.tolist()  # a must not be yes
    assert breaks[:, 1].tolist() == c.tolist()  # c must be no
    assert m.constraint_mask(levels).tolist() == (~a & ~c).tolist()
    lines = m.red_line_breaks(levels)
    assert lines.shape == (8, 2)
    assert lines[:, 0].tolist() == (~b).tolist()  # p: b must be yes
    assert lines[:, 1].tolist() == (a & ~c).tolist()  # q: if a then c
    by_party = m.breaks_by_party(lines)
    assert by_party.tolist() == lines.tolist()  # one line each, in party order
    assert m.constraint_breaks(levels[:3]).shape == (3, 2)


# -- proposals -----------------------------------------------------------------------------------


def _with_range():
    x = ContinuousIssue("x", 10.0, 20.0, grid=3)
    p = Party("p", 0.0, {"x": 1}, {"x": PiecewiseLinearValue((10.0, 20.0), (0.0, 1.0))})
    q = Party("q", 0.0, {"x": 1}, {"x": PiecewiseLinearValue((10.0, 20.0), (1.0, 0.0))})
    return compile_model([x], [p, q])


@pytest.mark.parametrize("value", [10.0 - 1e-13, 10.0, 15.5, 20.0, 20.0 + 1e-13, "12.5"])
def test_a_proposal_within_the_range_is_taken(value):
    assert _with_range().check_outcome({"x": value}) == {"x": float(value)}


@pytest.mark.parametrize("value", [9.5, 10.0 - 1e-9, 20.0 + 1e-9, 20.5])
def test_a_proposal_outside_the_range_is_refused(value):
    with pytest.raises(ValueError, match="outside the range"):
        _with_range().check_outcome({"x": value})


def test_a_restricted_model_evaluates_off_the_grid():
    sub = _with_range().restrict({"x": 12.5})
    assert sub.space.count == 1
    assert sub.utilities(sub.space.levels(0, 1)).tolist() == [[0.25, 0.75]]


# -- compiled tables ----------------------------------------------------------------------------


def test_additive_parts_from_a_given_issue():
    issues = [DiscreteIssue("a", ("x", "y")), DiscreteIssue("b", ("x", "y", "z"))]
    p = Party(
        "p",
        0.0,
        {"a": 1, "b": 3},
        {"a": TableValue((1.0, 0.0)), "b": TableValue((0.0, 0.5, 1.0))},
    )
    q = Party("q", 0.0, {"b": 1}, {"b": TableValue((1.0, 0.0, 0.0))})
    m = compile_model(issues, [p, q])
    # issue b alone (first=1): p 0.75 * v, q v
    assert m.additive(np.array([[0], [2]]), 1).tolist() == [[0.0, 1.0], [0.75, 0.0]]
    assert m.additive(np.array([[1, 1]]), 0).tolist() == [[0.375, 0.0]]
    assert m.utilities(np.array([[0, 2]])).tolist() == [[1.0, 0.0]]


# -- defaults and texts of issues -----------------------------------------------------------------


def test_a_continuous_issue_has_eleven_grid_points_by_default():
    x = ContinuousIssue("x", 0.0, 1.0)
    assert x.grid == 11 and x.n_levels == 11
    assert x.levels.tolist() == pytest.approx([k / 10 for k in range(11)])
    assert ContinuousIssue("n", 0, 20, integer=True).levels.tolist() == list(range(0, 21, 2))


def test_an_option_shows_its_label_else_its_name():
    plain = DiscreteIssue("venue", ("oslo", "rome"))
    assert plain.show("oslo") == "oslo" and plain.show("paris") == "paris"
    labelled = DiscreteIssue("venue", ("oslo", "rome"), option_labels=("Oslo", ""))
    assert labelled.show("oslo") == "Oslo"
    assert labelled.show("rome") == "rome"  # an empty label: the name
    assert labelled.show("paris") == "paris"  # not an option: shown as given


def _integer_scenario(tmp_path, high: int):
    text = f"""\
format: 1
name: integers
issues:
  days: {{range: [0, {high}], integer: true}}
parties:
  a:
    reservation: 0
    assumption: invented
    issues:
      days: {{weight: 1, points: [[0, 0], [{high}, 1]]}}
  b:
    reservation: 0
    assumption: invented
    issues:
      days: {{weight: 1, points: [[0, 1], [{high}, 0]]}}
"""
    path = tmp_path / "integers.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path, env={}).model()


@pytest.mark.parametrize(
    ("high", "levels"),
    [
        (100, list(range(101))),  # 101 integers: every one
        (101, [round(i * 101 / 100 + 1e-9) for i in range(101)]),  # 102: 101 of them spread
        (1000, list(range(0, 1001, 10))),
    ],
)
def test_an_integer_issue_without_a_grid_takes_at_most_101_integers(tmp_path, high, levels):
    assert INTEGER_GRID == 101
    model = _integer_scenario(tmp_path, high)
    assert model.issues[0].grid == min(high + 1, 101)
    assert model.level_values[0].tolist() == levels


# -- parties ----------------------------------------------------------------------------------------


def test_an_interaction_in_words():
    both = (Condition("venue", ("oslo",)), Condition("cap", low=1.0, high=2.5))
    assert str(Interaction(both, 0.5)) == "+0.5 when venue in [oslo] and cap >= 1 and <= 2.5"
    assert str(Interaction(both[:1], -0.25)) == "-0.25 when venue in [oslo]"
    assert str(Interaction((Condition("cap", high=3.0),), 0.0)) == "+0 when cap <= 3"


def test_a_party_is_additive_without_interactions_and_cap():
    values = {"d": TableValue((0.0, 1.0))}
    plain = Party("p", 0.0, {"d": 1}, values)
    assert plain.additive is True
    bonus = Interaction((Condition("d", ("y",)),), 0.1)
    assert Party("p", 0.0, {"d": 1}, values, interactions=(bonus,)).additive is False
    assert Party("p", 0.0, {"d": 1}, values, cap=1.0).additive is False
    assert Party("p", 0.0, {"d": 1}, values, cap=0.0).additive is False  # a cap of 0 is a cap


def test_normalised_weights():
    values = {"a": TableValue((0.0, 1.0)), "b": TableValue((1.0, 0.0))}
    assert Party("p", 0.0, {"a": 1, "b": 3}, values).normalised_weights() == {
        "a": 0.25,
        "b": 0.75,
    }
    raw = Party("p", 0.0, {"a": 1, "b": 3}, values, normalise=False)
    assert raw.normalised_weights() == {"a": 1, "b": 3}
    # a party that weighs nothing: every weight 0, no division by zero
    assert Party("p", 0.0, {"a": 0, "b": 0}, values).normalised_weights() == {"a": 0.0, "b": 0.0}
    assert Party("p", 0.0, {}, values).normalised_weights() == {}


def test_a_party_weighing_nothing_has_utility_zero_everywhere():
    issue = DiscreteIssue("a", ("x", "y"))
    idle = Party("idle", 0.0, {"a": 0}, {"a": TableValue((0.0, 1.0))})
    busy = Party("busy", 0.0, {"a": 2}, {"a": TableValue((0.0, 1.0))})
    m = compile_model([issue], [idle, busy])
    assert m.utilities(m.space.levels(0, 2)).tolist() == [[0.0, 0.0], [0.0, 1.0]]


# -- bounds at exactly their tolerance ----------------------------------------------------------


def test_a_bound_holds_at_exactly_its_tolerance():
    x = ContinuousIssue("x", 0.0, 1.0, grid=3)
    at_high = np.array([0.5 + BOUND_ATOL, np.nextafter(0.5 + BOUND_ATOL, 1.0)])
    assert Condition("x", high=0.5).level_mask(x, at_high).tolist() == [True, False]
    at_low = np.array([0.5 - BOUND_ATOL, np.nextafter(0.5 - BOUND_ATOL, 0.0)])
    assert Condition("x", low=0.5).level_mask(x, at_low).tolist() == [True, False]
    both = Condition("x", low=0.25, high=0.75)
    levels = np.array([0.25 - BOUND_ATOL, 0.5, 0.75 + BOUND_ATOL, 0.0, 1.0])
    assert both.level_mask(x, levels).tolist() == [True, True, True, False, False]


def test_a_proposal_at_exactly_the_ranges_tolerance_is_taken():
    model = _with_range()
    for value in (20.0 + 1e-12, 10.0 - 1e-12):
        assert model.check_outcome({"x": value}) == {"x": value}
    for value in (np.nextafter(20.0 + 1e-12, 21.0), np.nextafter(10.0 - 1e-12, 9.0)):
        with pytest.raises(ValueError, match="outside the range"):
            model.check_outcome({"x": float(value)})


@pytest.mark.parametrize("sizes", [(2, 3, 4), (3, 1, 2, 2, 5), (5, 2**14, 2, 2), (3, 2**15, 3)])
def test_the_blocks_levels_are_the_spaces_levels(sizes):
    # blocks of one, two or more trailing issues, after a prefix of none, one or two issues
    space = OutcomeSpace(sizes)
    parts = list(space.blocks(chunk_size=2**16))
    levels = np.vstack([block.levels(prefix) for _, prefix, block in parts])
    np.testing.assert_array_equal(levels, space.levels(0, space.count))
    lengths = [prefix.shape[0] * block.trailing.shape[0] for _, prefix, block in parts]
    assert [s for s, _, _ in parts] == np.cumsum([0, *lengths[:-1]]).tolist()


def test_a_compiled_models_tables_are_read_only():
    issues = [DiscreteIssue("a", ("x", "y")), DiscreteIssue("b", ("x", "y", "z"))]
    p = Party("p", 0.0, {"a": 1}, {"a": TableValue((1.0, 0.0))}, cap=0.5)
    q = Party("q", 0.0, {"b": 1}, {"b": TableValue((1.0, 0.0, 0.0))})
    m = compile_model(issues, [p, q])
    tables = [t for t in m._tables if t is not None]
    assert len(tables) == 2 and m._caps.tolist() == [0.5, np.inf]
    for array in [*tables, m._caps]:
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 9.0
    assert m.utilities(np.array([[0, 0]])).tolist() == [[0.5, 1.0]]
