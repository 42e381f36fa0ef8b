"""A negotiation with some numbers replaced: the same answers as the compiled-once sweep."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator
from simulator.model.values import IdealValue, PiecewiseLinearValue, TableValue
from simulator.sweeps import sweep_model
from simulator.sweeps.apply import parameter_value, with_parameters

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
RIVER = ROOT / "scenarios" / "examples" / "river_treaty.yaml"
CAR = ROOT / "scenarios" / "examples" / "used_car.yaml"

CASES = [
    (JOB, {"parties.candidate.reservation": 0.7}),
    (JOB, {"parties.candidate.reservation": 0.95}),
    (JOB, {"parties.employer.power": 3.0}),
    (JOB, {"parties.candidate.issues.remote.weight": 0.05}),
    (JOB, {"parties.candidate.issues.remote.values.two_days": 0.2}),
    (JOB, {"parties.employer.issues.salary.ideal": 65.0}),
    (JOB, {"parties.candidate.issues.salary.points[1][1]": 0.6}),
    (
        JOB,
        {"parties.candidate.reservation": 0.5, "parties.employer.issues.start.weight": 0.6},
    ),
    (CAR, {"parties.buyer.reservation": 0.3}),
    (RIVER, {"parties.upstream.reservation": 0.2}),
    (RIVER, {"parties.midstream.issues.dam.values.high": 0.9}),
]


@pytest.mark.parametrize("path, params", CASES, ids=lambda c: str(c))
def test_with_parameters_agrees_with_the_sweep_model(path, params):
    scenario = simulator.load(path)
    model = scenario.model()
    fast = sweep_model(scenario, ["nash", "kalai"]).run(params)
    result = simulator.analyze(with_parameters(model, params), ["nash", "kalai"])
    assert result.zone.exists == fast["exists"]
    assert result.zone.count == fast["count"]
    if fast["slack"] is None:
        assert result.zone.slack is None
    else:
        assert result.zone.slack == pytest.approx(fast["slack"], abs=1e-9)
    for concept in ("nash", "kalai"):
        solution = result.solutions[concept]
        if solution is None:
            assert fast[f"{concept}.u.{model.party_names[0]}"] is None
            continue
        for party, u in solution.utilities.items():
            assert u == pytest.approx(fast[f"{concept}.u.{party}"], abs=1e-9)
        for issue, option in solution.outcome.items():
            assert option == fast[f"{concept}.{issue}"]


def test_the_original_model_is_left_as_it_was():
    model = simulator.load(JOB).model()
    changed = with_parameters(
        model,
        {
            "parties.candidate.reservation": 0.9,
            "parties.candidate.issues.remote.values.full": 0.5,
            "parties.employer.issues.salary.ideal": 70.0,
            "parties.candidate.issues.salary.points[0][1]": 0.25,
        },
    )
    assert model.parties[0].reservation == 0.45
    assert changed.parties[0].reservation == 0.9
    assert changed.parties[0].values["remote"] == TableValue((0.0, 0.7, 0.5))
    assert changed.parties[1].values["salary"] == IdealValue(70.0, 50.0, 80.0)
    assert changed.parties[0].values["salary"] == PiecewiseLinearValue((50.0, 80.0), (0.25, 1.0))
    assert changed.issues == model.issues and changed.constraints == model.constraints
    assert changed.red_lines == model.red_lines
    assert (changed.signatories == model.signatories).all()


def test_no_parameters_compiles_the_same_negotiation():
    model = simulator.load(RIVER).model()
    same = with_parameters(model, {})
    a, b = simulator.analyze(model), simulator.analyze(same)
    assert a.zone == b.zone and a.solutions == b.solutions


@pytest.mark.parametrize(
    "path, value",
    [
        ("parties.candidate.reservation", 0.45),
        ("parties.employer.power", 1.0),
        ("parties.candidate.issues.remote.weight", 0.35),
        ("parties.candidate.issues.remote.values.two_days", 0.7),
        ("parties.employer.issues.salary.ideal", 50.0),
        ("parties.candidate.issues.salary.points[1][1]", 1.0),
    ],
)
def test_parameter_value_reads_the_scenario(path, value):
    assert parameter_value(simulator.load(JOB).model(), path) == value


@pytest.mark.parametrize(
    "path, message",
    [
        ("parties.candidate.salary", "not a parameter"),
        ("parties.nobody.reservation", "no party 'nobody'"),
        ("parties.candidate.issues.bonus.weight", "no issue 'bonus'"),
        ("parties.candidate.issues.remote.values.hybrid", "not an option of 'remote'"),
        ("parties.candidate.issues.remote.ideal", "has no ideal"),
        ("parties.candidate.issues.salary.values.high", "has no option values"),
        ("parties.candidate.issues.salary.points[5][1]", "no such point"),
        ("parties.employer.issues.salary.points[0][1]", "no such point"),
    ],
)
def test_bad_paths_say_what_is_wrong(path, message):
    model = simulator.load(JOB).model()
    with pytest.raises(ValueError, match=message):
        with_parameters(model, {path: 0.5})
    with pytest.raises(ValueError, match=message):
        parameter_value(model, path)


def test_numbers_a_party_refuses_are_errors():
    model = simulator.load(JOB).model()
    with pytest.raises(ValueError, match="power must be positive"):
        with_parameters(model, {"parties.employer.power": 0.0})
    with pytest.raises(ValueError, match="non-negative"):
        with_parameters(model, {"parties.employer.issues.start.weight": -1.0})
