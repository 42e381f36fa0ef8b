"""Chunked scans give the results of one scan: :func:`simulator.solvers.zone.combine` is the
merge of a monoid, and :func:`simulator.analyze` cut into many chunks equals it in one.

Every test model elsewhere is one chunk: :meth:`OutcomeSpace.blocks` never cuts a space of at
most ``BLOCK`` (65,536) outcomes, whatever ``chunk_size`` says, because the block -- the
trailing issues summed once -- is fixed so that how utilities are added never depends on the
chunk size. Here ``BLOCK`` itself is made small (as ``tests/solvers/test_count.py`` does with
its own ``_BLOCK``), so that small models are really cut; the run that is compared with uses
the same ``BLOCK``, so the two add every utility in the same order and must agree exactly.
"""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import simulator.model.space as space_module
from simulator import analyze, compile_model
from simulator.model import Condition, DiscreteIssue, Party, TableValue
from simulator.model.space import OutcomeSpace
from simulator.solvers.zone import ZoneScan, combine, scan_chunk
from tests.strategies import models

ATOL = 1e-9
FIELDS = (
    "total",
    "feasible",
    "count",
    "slack",
    "without_reservation_count",
    "without_reservation_slack",
    "reach",
    "without_line_feasible",
    "without_line_count",
    "without_line_slack",
)


def assert_same_scan(a: ZoneScan, b: ZoneScan) -> None:
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


# Gains around the acceptance threshold -ATOL (refused / accepted by the tolerance / accepted),
# ties, and general floats.
_GAIN = st.one_of(
    st.sampled_from([-1.0, -2e-9, -ATOL, -5e-10, 0.0, 0.25, 0.5, 1.0]),
    st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False),
)


@st.composite
def chunks(draw):
    """A chunk's inputs (gains, allowed, line breaks) and a cut ``k`` (``0`` and ``n``: one
    part empty)."""
    n = draw(st.integers(0, 12))
    s = draw(st.integers(1, 4))
    n_lines = draw(st.integers(0, 3))
    gains = draw(hnp.arrays(np.float64, (n, s), elements=_GAIN))
    allowed = draw(hnp.arrays(np.bool_, (n,)))
    breaks = draw(hnp.arrays(np.bool_, (n, n_lines)))
    k = draw(st.integers(0, n))
    return gains, allowed, breaks, k


@given(chunks())
@settings(max_examples=100, deadline=None)
def test_combine_of_two_parts_is_the_scan_of_their_union(chunk):
    gains, allowed, breaks, k = chunk
    whole = scan_chunk(gains, allowed, breaks, ATOL)
    head = scan_chunk(gains[:k], allowed[:k], breaks[:k], ATOL)
    tail = scan_chunk(gains[k:], allowed[k:], breaks[k:], ATOL)
    assert_same_scan(combine(head, tail), whole)
    assert_same_scan(combine(tail, head), whole)  # chunks may be scanned in any order


def test_scan_of_no_outcomes_is_the_identity_of_combine():
    # the maxima over an empty set are -inf (so max() leaves the other side), counts 0
    empty = scan_chunk(np.zeros((0, 2)), np.zeros(0, bool), np.zeros((0, 1), bool), ATOL)
    assert (empty.total, empty.feasible, empty.count, empty.slack) == (0, 0, 0, -np.inf)
    np.testing.assert_array_equal(empty.reach, [-np.inf, -np.inf])
    np.testing.assert_array_equal(empty.without_line_slack, [-np.inf])
    np.testing.assert_array_equal(empty.without_line_count, [0])
    gains = np.array([[0.5, -0.25], [0.1, 0.2]])
    one = scan_chunk(gains, np.array([True, True]), np.array([[True], [False]]), ATOL)
    assert_same_scan(combine(empty, one), one)
    assert_same_scan(combine(one, empty), one)


def test_combine_adds_counts_and_takes_maxima_by_hand():
    # outcome 0: allowed, breaks line 0, gains (0.5, -0.25): party 1 refuses
    # outcome 1: allowed, breaks nothing, gains (0.1, 0.2): both accept
    # outcome 2: not allowed, gains (0.9, 0.9)
    gains = np.array([[0.5, -0.25], [0.1, 0.2], [0.9, 0.9]])
    allowed = np.array([True, True, False])
    breaks = np.array([[True], [False], [False]])
    parts = [
        scan_chunk(gains[i : i + 1], allowed[i : i + 1], breaks[i : i + 1], ATOL) for i in (0, 1, 2)
    ]
    total = combine(combine(parts[0], parts[1]), parts[2])
    assert (total.total, total.feasible, total.count) == (3, 1, 1)
    assert total.slack == 0.1  # min gain of the only feasible outcome
    np.testing.assert_array_equal(total.without_line_feasible, [2])  # outcomes 0 and 1
    np.testing.assert_array_equal(total.without_line_count, [1])  # outcome 0 is refused
    np.testing.assert_array_equal(total.without_line_slack, [0.1])  # max(min(.5,-.25), .1)
    # without party 0's reservation: party 1 accepts outcome 1 only; without party 1's: same
    np.testing.assert_array_equal(total.without_reservation_count, [1, 1])
    np.testing.assert_array_equal(total.without_reservation_slack, [0.2, 0.1])
    np.testing.assert_array_equal(total.reach, [0.1, 0.2])


# -- analyze, really cut into chunks ----------------------------------------------------------


@contextmanager
def block(size: int):
    """``OutcomeSpace.split`` (hence ``blocks``, ``Model.evaluated`` and the frontier by
    parts) with at most ``size`` outcomes per block of trailing issues."""
    with mock.patch.object(space_module, "BLOCK", size):
        yield


def assert_same_analysis(a, b) -> None:
    assert a.zone == b.zone  # count, slack, share, feasible, blocking, reach, ...
    assert (a.parties, a.signatories, a.reservations) == (b.parties, b.signatories, b.reservations)
    assert a.outcome_count == b.outcome_count
    np.testing.assert_array_equal(a.pareto.indices, b.pareto.indices)
    np.testing.assert_array_equal(a.pareto.utilities, b.pareto.utilities)
    np.testing.assert_array_equal(a.pareto.counts, b.pareto.counts)
    assert a.pareto.complete == b.pareto.complete
    assert a.solutions == b.solutions  # Solution is a frozen dataclass: every field


@given(models(max_outcomes=150), st.sampled_from([1, 2, 5]), st.sampled_from([1, 3, 7]))
@settings(max_examples=30, deadline=None)
def test_analysis_cut_into_chunks_equals_one_chunk(model, block_size, chunk_size):
    with block(block_size):
        cuts = list(model.space.blocks(chunk_size))
        if model.space.count > block_size * chunk_size:
            assert len(cuts) > 1  # the point of the test: the space is really cut
        one = analyze(model)  # the default chunk holds every outcome here
        assert len(list(model.space.blocks())) == 1
        chunked = analyze(model, chunk_size=chunk_size)
    assert_same_analysis(chunked, one)


def test_frontier_by_parts_cut_into_chunks():
    # no rule, no interaction: the frontier is found from the parts of the utilities (the
    # leading issues' sum and the trailing block's), in steps of chunk_size prefixes
    rng = np.random.default_rng(3)
    issues = [
        DiscreteIssue(f"i{k}", tuple(f"o{m}" for m in range(n))) for k, n in enumerate((3, 4, 5))
    ]
    parties = [
        Party(
            name,
            0.3,
            {i.name: float(rng.uniform(0.5, 2)) for i in issues},
            {i.name: TableValue(tuple(rng.uniform(0, 1, i.n_levels).round(3))) for i in issues},
        )
        for name in ("p", "q", "r")
    ]
    model = compile_model(issues, parties)
    levels = model.space.levels(0, model.space.count)
    u = model.utilities(levels)
    ok = (u >= model.reservations - ATOL).all(axis=1)
    pts = u[ok]
    dominated = (
        (pts[None, :, :] >= pts[:, None, :]).all(axis=2)
        & (pts[None, :, :] > pts[:, None, :]).any(axis=2)
    ).any(axis=1)
    with block(5):
        assert model.space.split() == 2  # blocks of the last issue's 5 options
        one = analyze(model)
        for chunk_size in (1, 5, 12):
            assert_same_analysis(analyze(model, chunk_size=chunk_size), one)
    assert one.pareto.count == int((~dominated).sum())
    assert one.zone.count == int(ok.sum())


@given(models(max_outcomes=150, red_lines=True, constraints=True))
@settings(max_examples=15, deadline=None)
def test_chunked_zone_agrees_with_brute_force(model):
    # independent of any scan: every outcome evaluated at once
    levels = model.space.levels(0, model.space.count)
    u = model.utilities(levels)
    sig = model.signatories
    lines = list(model.signatory_lines)
    gains = u[:, sig] - model.reservations[sig]
    feasible = model.constraint_mask(levels) & ~model.red_line_breaks(levels)[:, lines].any(axis=1)
    acceptable = feasible & (gains >= -ATOL).all(axis=1)
    with block(1):
        zone = analyze(model, concepts=(), chunk_size=2).zone
    assert zone.count == int(acceptable.sum())
    assert zone.feasible == int(feasible.sum())
    assert zone.total == model.space.count
    if feasible.any() and not acceptable.any():
        assert zone.slack == gains[feasible].min(axis=1).max()


def _many_binary_issues(n_issues: int):
    """``n_issues`` yes/no issues; p wants yes on the first half, q on the rest; p's red
    line forbids no on issue 0 and a constraint forbids yes on the last issue."""
    issues = [DiscreteIssue(f"i{k}", ("no", "yes")) for k in range(n_issues)]
    half = n_issues // 2
    p = Party(
        "p",
        0.5,
        {i.name: 1.0 for i in issues[:half]},
        {i.name: TableValue((0.0, 1.0)) for i in issues[:half]},
        red_lines=(Condition("i0", ("yes",)),),
    )
    q = Party(
        "q",
        0.25,
        {i.name: 1.0 for i in issues[half:]},
        {i.name: TableValue((0.0, 1.0)) for i in issues[half:]},
    )
    last = issues[-1].name
    return compile_model(issues, [p, q], [Condition(last, ("no",))])


def test_a_space_larger_than_a_block_is_cut_at_the_real_block_size():
    # 2**17 outcomes: two blocks of 2**16 (no patching); counted by hand.
    model = _many_binary_issues(17)
    assert model.space.split() == 1 and len(list(model.space.blocks(1))) == 2
    result = analyze(model, concepts=("egalitarian",), chunk_size=1)
    zone = result.zone
    # feasible: i0 = yes, i16 = no, 15 issues free
    assert zone.feasible == 2**15
    # p (issues 0-7, i0 = yes) needs at least 4 of 8 yes: 3 or more of the 7 free;
    # q (issues 8-16, i16 = no) needs at least 0.25 * 9 = 2.25: 3 or more of the 8 free
    from math import comb

    p_ok = sum(comb(7, k) for k in range(3, 8))
    q_ok = sum(comb(8, k) for k in range(3, 9))
    assert zone.count == p_ok * q_ok
    assert result.solutions == analyze(model, concepts=("egalitarian",)).solutions
    assert zone == analyze(model, concepts=()).zone


def test_blocks_ignore_a_chunk_size_below_the_block():
    # why the hypothesis test above patches BLOCK: without it a small space is one chunk
    space = OutcomeSpace((4, 5, 6))
    assert len(list(space.blocks(1))) == 1
    with block(6):
        starts = [s for s, _, _ in space.blocks(1)]
    assert starts == list(range(0, 120, 6))
    with block(1):  # the last issue alone exceeds the block: plain ranges of chunk_size
        starts = [s for s, _, _ in space.blocks(7)]
    assert starts == list(range(0, 120, 7))


def test_frontier_by_parts_keeps_a_part_lost_only_to_rounding_at_a_large_scale():
    # p's utilities are about 1e9 (weights as given): at b, its lead part is 2e-8 short of
    # a's, less than half the spacing of floats near 1e9 (1.2e-7), so (a, x) and (b, x)
    # have the same utilities: one frontier vector of two outcomes. The parts filter must
    # keep b's part: its margin scales with the utilities (1e-9 times 1e9), not 1e-9.
    lead = DiscreteIssue("lead", ("a", "b"))
    trail = DiscreteIssue("trail", ("x", "y"))
    p = Party(
        "p",
        0.0,
        {"lead": 1.0, "trail": 1e9},
        {"lead": TableValue((0.5, 0.5 - 2e-8)), "trail": TableValue((1.0, 0.0))},
        normalise=False,
    )
    q = Party(
        "q",
        0.0,
        {"lead": 1.0, "trail": 1.0},
        {"lead": TableValue((0.5, 0.5)), "trail": TableValue((0.0, 1.0))},
        normalise=False,
    )
    model = compile_model([lead, trail], [p, q])
    whole = analyze(model, ())
    with block(2):
        assert model.space.split() == 1  # the frontier is found by parts
        parts = analyze(model, ())
    assert_same_analysis(parts, whole)
    u = model.utilities(model.space.levels(0, 4))
    assert u[0].tolist() == u[2].tolist() == [1e9 + 0.5, 0.5]  # (a, x) and (b, x)
    assert whole.pareto.indices.tolist() == [0, 1] and whole.pareto.counts.tolist() == [2, 1]
