"""Sweeping the x of a point (a breakpoint): reading, rebinding, refusing xs out of order,
and the compiled-once sweep agreeing with a recompiled analysis."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.cli import main
from simulator.model.values import PiecewiseLinearValue
from simulator.sweeps import parse_path, plan, sweep, sweep_model
from simulator.sweeps.apply import check_spans, parameter_value, rebind, with_parameters

CURVE = """\
format: 1
name: army caps with uncertain breakpoints
issues:
  cap: {range: [100, 900], grid: 17}
  deal: {options: [a, b, c]}
parties:
  russia:
    reservation: 0.45
    assumption: illustrative; breakpoints plausible +-100k
    issues:
      cap:
        weight: 2
        points: [[100, 1.0], [{value: 300, range: [200, 400]}, 0.7], [{value: 600, range: [500, 700]}, 0.3], [900, 0.0]]
      deal: {weight: 1, values: {a: 1.0, b: 0.45, c: 0.0}}
  ukraine:
    reservation: 0.4
    assumption: illustrative
    issues:
      cap: {weight: 2, points: [[100, 0.0], [{value: 500, range: [400, 600]}, 0.6], [900, 1.0]]}
      deal: {weight: 1, values: {a: 0.1, b: 0.6, c: 1.0}}
"""
X0 = "parties.russia.issues.cap.points[0][0]"
X1 = "parties.russia.issues.cap.points[1][0]"
X2 = "parties.russia.issues.cap.points[2][0]"
X3 = "parties.russia.issues.cap.points[3][0]"
Y1 = "parties.russia.issues.cap.points[1][1]"
UX1 = "parties.ukraine.issues.cap.points[1][0]"


@pytest.fixture
def scenario(tmp_path: Path):
    path = tmp_path / "curve.yaml"
    path.write_text(CURVE, encoding="utf-8")
    return simulator.load(path, env={})


def assert_same_answers(record: dict, analysis) -> None:
    """A :class:`SweepModel` run record equals ``simulator.analyze``'s zone and solutions."""
    assert record["exists"] == analysis.zone.exists
    assert record["count"] == analysis.zone.count
    if analysis.zone.slack is None:
        assert record["slack"] is None
    else:
        assert record["slack"] == pytest.approx(analysis.zone.slack, abs=1e-9)
    for concept, solution in analysis.solutions.items():
        if solution is None:
            assert record[f"{concept}.deal"] is None
            continue
        for issue, value in solution.outcome.items():
            assert record[f"{concept}.{issue}"] == value, concept
        for party, u in solution.utilities.items():
            assert record[f"{concept}.u.{party}"] == pytest.approx(u, abs=1e-9)


# -- paths ------------------------------------------------------------------------------------


def test_parse_path_names_the_x_of_a_point():
    part = parse_path(X2)
    assert (part["party"], part["issue"], part["point"], part["coordinate"]) == (
        "russia",
        "cap",
        2,
        0,
    )
    assert parse_path(Y1)["coordinate"] == 1
    assert parse_path("parties.russia.reservation")["coordinate"] is None
    with pytest.raises(ValueError, match=r"points\[J\]\[0\] \(the x of point J\)"):
        parse_path("parties.russia.issues.cap.points[1][x]")


def test_parameter_value_reads_the_nominal_x(scenario):
    model = scenario.model()
    assert [parameter_value(model, p) for p in (X0, X1, X2, X3)] == [100.0, 300.0, 600.0, 900.0]
    assert parameter_value(model, UX1) == 500.0
    assert parameter_value(model, Y1) == 0.7
    with pytest.raises(ValueError, match="no such point"):
        parameter_value(model, "parties.russia.issues.cap.points[4][0]")
    with pytest.raises(ValueError, match="no such point"):
        parameter_value(model, "parties.russia.issues.deal.points[0][0]")


# -- rebinding ----------------------------------------------------------------------------------


def changes(**values: float) -> list[tuple[str, dict, float]]:
    paths = {"x0": X0, "x1": X1, "x2": X2, "x3": X3, "y1": Y1}
    return [(paths[k], parse_path(paths[k]), v) for k, v in values.items()]


def test_rebind_replaces_an_x(scenario):
    model = scenario.model()
    fn = model.parties[0].values["cap"]
    assert rebind(fn, changes(x1=250.0), model, "cap") == PiecewiseLinearValue(
        (100.0, 250.0, 600.0, 900.0), (1.0, 0.7, 0.3, 0.0)
    )
    assert rebind(fn, changes(x1=250.0, y1=0.5), model, "cap") == PiecewiseLinearValue(
        (100.0, 250.0, 600.0, 900.0), (1.0, 0.5, 0.3, 0.0)
    )
    # an end point may move beyond the issue's range
    assert rebind(fn, changes(x3=1200.0), model, "cap").xs == (100.0, 300.0, 600.0, 1200.0)


@pytest.mark.parametrize(
    "moves",
    [{"x1": 700.0, "x2": 800.0}, {"x2": 800.0, "x1": 700.0}],
    ids=["left-first", "right-first"],
)
def test_several_xs_of_a_curve_move_together(scenario, moves):
    """The result does not depend on the order: 700 alone would pass 600, but 600 moves too."""
    model = scenario.model()
    fn = model.parties[0].values["cap"]
    assert rebind(fn, changes(**moves), model, "cap").xs == (100.0, 700.0, 800.0, 900.0)
    assert with_parameters(model, {X1: 700.0, X2: 800.0}).parties[0].values["cap"].xs == (
        100.0,
        700.0,
        800.0,
        900.0,
    )


@pytest.mark.parametrize(
    ("moves", "message"),
    [
        (
            {"x1": 650.0},
            f"'{X1}': x = 650 would break the order of the points; the xs must stay strictly "
            "increasing, so this x must lie strictly between the neighbouring xs 100 "
            "(points[0][0]) and 600 (points[2][0])",
        ),
        ({"x1": 600.0}, "strictly between the neighbouring xs 100 (points[0][0]) and 600"),
        ({"x0": 300.0}, "x = 300 would break"),
        ({"x0": 300.0}, "must lie strictly below the next x, 300 (points[1][0])"),
        ({"x3": 550.0}, "must lie strictly above the previous x, 600 (points[2][0])"),
        ({"x1": 700.0, "x2": 650.0}, f"'{X1}': x = 700 would break"),
        ({"x1": 700.0, "x2": 650.0}, "neighbouring xs 100 (points[0][0]) and 650 (points[2][0])"),
    ],
)
def test_xs_out_of_order_are_refused(scenario, moves, message):
    """The message names the path and the neighbouring xs (as they would be after the move)."""
    model = scenario.model()
    fn = model.parties[0].values["cap"]
    with pytest.raises(ValueError) as err:
        rebind(fn, changes(**moves), model, "cap")
    assert message in str(err.value)
    params = {path: value for path, _, value in changes(**moves)}
    with pytest.raises(ValueError, match="would break the order of the points"):
        with_parameters(model, params)
    with pytest.raises(ValueError, match="would break the order of the points"):
        sweep_model(scenario, ["nash"]).run(params)


# -- the fast engine agrees with a recompiled analysis ------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {X1: 200.0},
        {X1: 400.0, X2: 500.0},
        {X2: 700.0, Y1: 0.4},
        {X0: 50.0, X3: 1000.0},
        {UX1: 150.0, "parties.ukraine.reservation": 0.3},
        {X1: 700.0, X2: 800.0},
    ],
)
def test_fast_engine_equals_analyze_with_an_x_changed(scenario, params):
    model = scenario.model()
    record = sweep_model(scenario).run(params)
    assert_same_answers(record, simulator.analyze(with_parameters(model, params)))


@settings(max_examples=40, deadline=None)
@given(
    x1=st.floats(101.0, 599.0, allow_nan=False),
    x2=st.floats(0.0, 1.0, allow_nan=False),
    ux1=st.one_of(st.sampled_from([100.5, 300.0, 500.0, 899.5]), st.floats(100.5, 899.5)),
)
def test_fast_engine_equals_analyze_for_any_xs_in_order(tmp_path_factory, x1, x2, ux1):
    """Any breakpoints in order (x2 placed between x1 and the last x): the same answers."""
    path = tmp_path_factory.getbasetemp() / "property_curve.yaml"
    if not path.exists():
        path.write_text(CURVE, encoding="utf-8")
    scenario = simulator.load(path, env={})
    x2 = x1 + (899.0 - x1) * x2 + 0.5
    params = {X1: x1, X2: x2, UX1: ux1}
    record = sweep_model(scenario).run(params)
    assert_same_answers(record, simulator.analyze(with_parameters(scenario.model(), params)))


# -- plans refuse grids that would put xs out of order ------------------------------------------


def test_check_spans_accepts_xs_that_stay_in_order(scenario):
    check_spans(scenario.model(), {X1: (150.0, 550.0), X2: (560.0, 890.0), Y1: (0.0, 1.0)})


def test_check_spans_names_the_points_that_can_cross(scenario):
    with pytest.raises(ValueError) as err:
        check_spans(scenario.model(), {X1: (200.0, 450.0), X2: (420.0, 700.0)})
    assert str(err.value) == (
        f"'{X1}': points[1] and points[2] can cross: the x of points[1] takes values from 200 "
        "to 450 and the x of points[2] takes values from 420 to 700; the xs must stay strictly "
        "increasing, so every x of points[1] must lie below every x of points[2]"
    )


def test_plan_refuses_a_grid_value_that_crosses_a_neighbour(scenario):
    with pytest.raises(ValueError, match=r"points\[1\] and points\[2\] can cross: .* is 600"):
        plan(scenario, {X1: [200.0, 400.0, 650.0]})
    with pytest.raises(ValueError, match="can cross"):  # not the first value: caught up front
        sweep(scenario, {"parties.russia.reservation": [0.3, 0.5], X1: [300.0, 600.0]})
    # two varied xs of one curve: every combination is run, so their spans must not meet
    with pytest.raises(ValueError, match=r"points\[1\] .* from 200 to 550 .* from 500 to 800"):
        plan(scenario, {X1: [200.0, 550.0], X2: [500.0, 800.0]})
    assert len(plan(scenario, {X1: [200.0, 450.0], X2: [500.0, 800.0]})) == 4


def test_plan_with_samples_checks_the_grid_against_the_drawn_ranges(scenario):
    # 450 is below the nominal 600 but inside the range [500, 700] the next x is drawn from
    with pytest.raises(ValueError, match=r"points\[2\] takes values from 500 to 700"):
        plan(scenario, {X1: [350.0, 550.0]}, samples=5, seed=1)
    assert len(plan(scenario, {X1: [350.0, 550.0]})) == 2  # without samples it stays at 600
    assert len(plan(scenario, {X1: [250.0, 450.0]}, samples=5, seed=1)) == 10


def test_samples_draw_the_xs_in_their_ranges(scenario):
    df = sweep(scenario, samples=30, seed=4, concepts=["nash"])
    for path, (low, high) in {X1: (200, 400), X2: (500, 700), UX1: (400, 600)}.items():
        assert df[path].between(low, high).all()
    model = scenario.model()
    row = df.iloc[7]
    params = {p: float(row[p]) for p in scenario.uncertain}
    analysis = simulator.analyze(with_parameters(model, params), ["nash"])
    assert bool(row["exists"]) == analysis.zone.exists and row["count"] == analysis.zone.count


def test_cli_refuses_a_crossing_grid_with_exit_2(scenario, tmp_path, capsys):
    out = tmp_path / "out.csv"
    code = main(["sweep", scenario.path, "--vary", f"{X1}=200:650:4", "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert X1 in err and "points[1] and points[2] can cross" in err and "is 600" in err
    assert not out.exists()
    assert main(["sweep", scenario.path, "--vary", f"{X1}=200:450:3", "--out", str(out)]) == 0
