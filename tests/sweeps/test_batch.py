"""Batches of runs solved at once (:mod:`simulator.sweeps.batch`) give exactly what
:func:`simulator.analyze` gives on each recompiled negotiation: the zone, the slack, the
count, and each concept's outcome and utilities, float for float, ties included."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import simulator
from simulator.model import DiscreteIssue, IdealValue, Party, TableValue, compile_model
from simulator.sweeps import batch, plan, sweep_model
from simulator.sweeps.api import run_batch, run_packed, unpack
from simulator.sweeps.apply import with_parameters
from simulator.sweeps.fast import SweepModel
from simulator.sweeps.tables import exact_utilities, terms
from tests.strategies import models

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"

_COARSE = st.integers(0, 4).map(lambda k: k / 4)  # values on a coarse grid: ties
_UNIT = st.one_of(_COARSE, st.floats(0.0, 1.0, allow_nan=False))


def _between(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, exclude_min=True, exclude_max=True).filter(
        lambda x: low < x < high
    )


def _x_of_point(xs: tuple[float, ...], j: int) -> st.SearchStrategy[float]:
    """An x for point ``j`` that keeps the xs increasing whatever the other points' xs drawn
    the same way: the point's own x, or one within half the gap to each neighbour."""
    here = xs[j]
    low = (xs[j - 1] + here) / 2 if j > 0 else here - 5.0
    high = (here + xs[j + 1]) / 2 if j + 1 < len(xs) else here + 5.0
    return st.one_of(st.just(here), _between(low, high))


def parameter_paths(model) -> dict[str, st.SearchStrategy[float]]:
    """Every number of ``model`` a sweep can vary, with values inside its domain."""
    out: dict[str, st.SearchStrategy[float]] = {}
    for party in model.parties:
        at = f"parties.{party.name}"
        out[f"{at}.reservation"] = st.one_of(_UNIT, st.floats(0.9, 1.0))  # high: no zone
        out[f"{at}.power"] = st.one_of(st.sampled_from([0.5, 1.0, 2.0]), st.floats(0.1, 5.0))
        for issue, fn in party.values.items():
            if issue not in party.weights:
                continue
            where = f"{at}.issues.{issue}"
            out[f"{where}.weight"] = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), _UNIT)
            if isinstance(fn, TableValue):
                for option in model.issues[model.issue_names.index(issue)].options:
                    out[f"{where}.values.{option}"] = _UNIT
            elif isinstance(fn, IdealValue):
                out[f"{where}.ideal"] = st.floats(fn.low, fn.high, allow_nan=False)
            else:
                for j in range(len(fn.xs)):
                    out[f"{where}.points[{j}][1]"] = _UNIT
                    out[f"{where}.points[{j}][0]"] = _x_of_point(fn.xs, j)
    return out


@st.composite
def parameter_sets(draw, model, max_paths: int = 4, max_runs: int = 8) -> list[dict]:
    """Runs of a sweep of ``model``: 1 to ``max_paths`` of its numbers, each run giving each a
    value in its domain (coarse values make ties, high reservations closed zones)."""
    paths = parameter_paths(model)
    chosen = draw(
        st.lists(st.sampled_from(sorted(paths)), min_size=1, max_size=max_paths, unique=True)
    )
    runs = st.fixed_dictionaries({p: paths[p] for p in chosen})
    return draw(st.lists(runs, min_size=1, max_size=max_runs))


def test_parameter_sets_apply_to_the_model():
    """The strategy's runs are valid: every one recompiles."""

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def check(data):
        model = data.draw(models())
        for params in data.draw(parameter_sets(model)):
            with_parameters(model, params)

    check()


def assert_run_is_analyze(model, sm: SweepModel, solved, r: int, params) -> None:
    """Run ``r`` of a solved batch is ``analyze`` of the recompiled model: the same zone,
    the same chosen outcome per concept and the same utilities, float for float."""
    a = simulator.analyze(with_parameters(model, params), sm.concepts)
    assert bool(solved.exists[r]) == a.zone.exists
    assert int(solved.count[r]) == a.zone.count
    if a.zone.slack is None:
        assert math.isnan(solved.slack[r])
    else:
        assert float(solved.slack[r]) == a.zone.slack
    for c, concept in enumerate(sm.concepts):
        sol = a.solutions[concept]
        row = int(solved.rows[r, c])
        if sol is None:
            assert row == -1, concept
            continue
        index = int(model.space.index(sm.feasible[row][None, :])[0])
        assert index == sol.index, concept
        assert dict(zip(model.party_names, solved.utilities[r, c].tolist())) == dict(
            sol.utilities
        ), concept


@pytest.fixture(params=["affine", "direct"])
def mode(request, monkeypatch):
    """Solve through the affine gains (groups of any size) or the exact gains of every pair
    (:data:`simulator.sweeps.batch.MIN_GROUP`)."""
    monkeypatch.setattr(batch, "MIN_GROUP", 0 if request.param == "affine" else 10**9)
    return request.param


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_batch_rows_are_analyze_rows(mode, data):
    model = data.draw(models())
    runs = data.draw(parameter_sets(model))
    sm = SweepModel.build(model)
    solved = batch.solve(sm, runs)
    for r, params in enumerate(runs):
        assert_run_is_analyze(model, sm, solved, r, params)


def _tie_model():
    """Two parties and two issues; the first issue is worth the same to both in every
    option: every outcome ties with another."""
    issues = [DiscreteIssue("a", ("x", "y")), DiscreteIssue("b", ("x", "y"))]
    p = Party(
        "p", 0.1, {"a": 1.0, "b": 1.0}, {"a": TableValue((0.5, 0.5)), "b": TableValue((1.0, 0.0))}
    )
    q = Party(
        "q", 0.1, {"a": 1.0, "b": 1.0}, {"a": TableValue((0.5, 0.5)), "b": TableValue((0.0, 1.0))}
    )
    return compile_model(issues, [p, q])


@pytest.mark.parametrize(
    "runs",
    [
        [{"parties.p.reservation": 0.1}, {"parties.p.reservation": 0.9}],  # a zone, none
        [{"parties.q.issues.b.values.y": 0.0}],  # every outcome ties for q
        [{"parties.p.issues.a.weight": 0.0, "parties.q.issues.b.weight": 0.0}],
        [{"parties.p.issues.a.weight": 0.0}, {"parties.p.issues.a.weight": 3.0}],
        [{"parties.p.issues.a.weight": 0.0, "parties.p.issues.b.weight": 0.0}],  # weighs nothing
        [{"parties.p.power": 0.5}, {"parties.p.power": 4.0}],
        [{"parties.q.reservation": 0.75}],  # acceptance exactly at the reservation
    ],
)
def test_exact_ties_go_to_the_first_outcome_on_the_frontier(mode, runs):
    model = _tie_model()
    sm = SweepModel.build(model)
    solved = batch.solve(sm, runs)
    for r, params in enumerate(runs):
        assert_run_is_analyze(model, sm, solved, r, params)


def test_the_ukraine_baseline_sweep_is_analyze():
    """The benchmark's sweep (three numbers, 3,456 feasible of 2.2 million outcomes)."""
    scenario = simulator.load(ROOT / "scenarios" / "ukraine" / "baseline.yaml")
    sm = sweep_model(scenario)
    rng = np.random.default_rng(1)
    runs = [
        {
            "parties.russia.reservation": float(rng.uniform(0.35, 0.55)),
            "parties.ukraine.issues.territory.weight": float(rng.uniform(0.1, 0.3)),
            "parties.russia.issues.nato_status.values.non_aligned_by_law": float(
                rng.uniform(0.5, 0.9)
            ),
        }
        for _ in range(3)
    ]
    runs.append({**runs[0], "parties.russia.reservation": 0.9})  # no zone
    solved = batch.solve(sm, runs)
    model = scenario.model()
    for r, params in enumerate(runs):
        assert_run_is_analyze(model, sm, solved, r, params)


def test_capped_and_unnormalised_parties_are_analyze(mode):
    """A party whose utility is capped, and one whose weights are used as given."""
    fields = {f.name for f in dataclasses.fields(Party)}
    if not {"cap", "normalise"} <= fields:
        pytest.skip("this version of Party has no cap or normalise")
    issues = [DiscreteIssue("a", ("x", "y", "z")), DiscreteIssue("b", ("x", "y"))]
    p = Party(
        "p",
        0.3,
        {"a": 1.0, "b": 1.0},
        {"a": TableValue((1.0, 0.6, 0.0)), "b": TableValue((0.2, 1.0))},
        cap=0.7,
    )
    q = Party(
        "q",
        0.2,
        {"a": 0.3, "b": 0.4},
        {"a": TableValue((0.0, 0.5, 1.0)), "b": TableValue((1.0, 0.0))},
        normalise=False,
    )
    model = compile_model(issues, [p, q])
    sm = SweepModel.build(model)
    runs = [
        {"parties.p.issues.a.values.y": v, "parties.q.issues.b.weight": w}
        for v in (0.0, 0.65, 1.0)
        for w in (0.0, 0.4, 0.9)
    ]
    solved = batch.solve(sm, runs)
    for r, params in enumerate(runs):
        assert_run_is_analyze(model, sm, solved, r, params)


@example(np.array([[1e-17, 1.0, -1e-17, 3.0]]))
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=12).map(lambda v: np.array([v])))
def test_row_sums_add_as_numpy_sums_a_row(row):
    """The sums of gains break ties: they must be numpy's, float for float."""
    columns = [np.repeat(row[:, k], 3) for k in range(row.shape[1])]
    assert (batch._row_sums(columns) == np.repeat(row.sum(axis=1), 3)).all()


def test_nominal_utilities_are_analyze_utilities():
    """The utilities a sweep model holds are those :func:`simulator.analyze` computes."""
    scenario = simulator.load(ROOT / "scenarios" / "ukraine" / "baseline.yaml")
    model = scenario.model()
    sm = sweep_model(scenario)
    index = model.space.index(sm.feasible)
    for start, _, u in model.evaluated(levels=False):
        inside = (index >= start) & (index < start + u.shape[0])
        assert (sm.nominal[inside] == u[index[inside] - start]).all()


def test_records_of_mixed_paths_and_the_packed_wire_form():
    sm = sweep_model(simulator.load(JOB))
    runs = [
        (0, {"parties.candidate.reservation": 0.5}),
        (1, {"parties.employer.power": 2.0}),
        (2, {"parties.candidate.reservation": 0.95}),
    ]
    records = run_batch(sm, runs)
    assert [r["run"] for r in records] == [0, 1, 2]
    for (number, params), record in zip(runs, records):
        assert record == {"run": number, **sm.run(params)}
        assert list(record)[1] == next(iter(params))
    same = [runs[0], runs[2]]
    assert unpack(run_packed(sm, same)) == run_batch(sm, same)
    assert records[2]["exists"] is False and records[2]["nash.salary"] is None
    assert records[2]["slack"] < 0 and records[2]["nash.u.candidate"] is None


def test_unknown_names_and_bad_values_fail_as_run_by_run():
    sm = sweep_model(simulator.load(JOB))
    with pytest.raises(ValueError, match="no party 'nobody'"):
        batch.solve(sm, [{"parties.nobody.reservation": 0.5}])
    with pytest.raises(ValueError, match="weight must be 0 or more"):
        batch.solve(sm, [{"parties.candidate.issues.remote.weight": -1.0}])
    with pytest.raises(ValueError, match="power"):
        batch.solve(sm, [{"parties.employer.power": 0.0}])
    with pytest.raises(ValueError, match="order of the points"):
        batch.solve(sm, [{"parties.candidate.issues.salary.points[1][0]": 0.0}])


def test_a_sweep_of_every_uncertain_number_matches_analyze():
    """Every number of the Ukraine scenario at once: one group per outcome (solved
    directly)."""
    scenario = simulator.load(ROOT / "scenarios" / "ukraine" / "uncertain.yaml")
    runs = plan(scenario, samples=2, seed=5)
    sm = sweep_model(scenario)
    solved = batch.solve(sm, runs)
    model = scenario.model()
    for r, params in enumerate(runs):
        assert_run_is_analyze(model, sm, solved, r, params)


def test_exact_utilities_of_arbitrary_outcomes_are_the_models():
    model = simulator.load(JOB).model()
    levels = model.space.levels(0, model.space.count)
    t = terms(model, levels)
    columns = np.ascontiguousarray(levels.T)
    rows = np.arange(levels.shape[0])
    got = np.column_stack([exact_utilities(t, j, columns, rows) for j in range(2)])
    ((_, _, u),) = list(model.evaluated())
    assert (got == u).all()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_shared_levels_and_partial_sums_add_the_same_floats(seed):
    """The gathered levels and the cached sums of the unchanged leading terms give the
    utilities bit for bit (Ukraine's baseline: 14 issues, the first 3 added apart)."""
    m = sweep_model(simulator.load(ROOT / "scenarios" / "ukraine" / "baseline.yaml"))
    rng = np.random.default_rng(seed)
    paths = [
        "parties.russia.issues.western_posture.values.limits_near_russia",
        "parties.united_states.issues.sanctions.weight",
        "parties.ukraine.issues.nato_status.values.non_aligned_by_law",
    ]
    path = paths[seed % 3]
    values = rng.uniform(0.0, 1.0, (5, 1))
    bound = batch.bind_values(m.model, m.terms, [path], values, False)
    n = m.feasible.shape[0]
    rows = rng.integers(0, n, 200)
    runs = rng.integers(0, 5, 200)
    levels, partial = {}, {}
    for j, changed in bound.changed.items():
        plain = exact_utilities(m.terms, j, m.columns, rows, changed, runs)
        for _ in range(2):  # filled, then read from the caches
            got = exact_utilities(
                m.terms, j, m.columns, rows, changed, runs, levels=levels, partial=partial
            )
            assert got.tobytes() == plain.tobytes()
    # a changed value: the terms after its part were summed once; a changed weight changes
    # every term of a party whose weights are divided by their total
    assert bool(partial) == (seed % 3 != 1)


def test_a_pickled_sweep_model_leaves_its_bitsets_and_solves_the_same():
    import pickle

    m = sweep_model(simulator.load(ROOT / "scenarios" / "ukraine" / "baseline.yaml"))
    params = [
        {"parties.russia.reservation": r, "parties.ukraine.reservation": 0.3} for r in (0.4, 0.5)
    ]
    before = batch.solve(m, params)
    (structure,) = m.structures.values()
    assert structure._bitsets  # two moving signatories: counted with bitsets
    copy = pickle.loads(pickle.dumps(m))
    assert not next(iter(copy.structures.values()))._bitsets
    after = batch.solve(copy, params)
    for field in dataclasses.fields(before):
        assert np.array_equal(
            getattr(before, field.name), getattr(after, field.name), equal_nan=True
        )
