"""The sweep core: parameter paths, plans, the compiled-once model and robustness."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.scenario.uncertain import Uncertain
from simulator.sweeps import draw, grid, parse_path, plan, robustness, sweep, sweep_model

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
RIVER = ROOT / "scenarios" / "examples" / "river_treaty.yaml"


def uncertain_job(tmp_path: Path) -> Path:
    path = tmp_path / "uncertain_job.yaml"
    path.write_text(
        f"format: 1\nextends: {JOB}\nname: job offer, uncertain\n"
        "parties:\n"
        "  candidate:\n"
        "    reservation: {value: 0.45, range: [0.3, 0.6]}\n"
        "    issues:\n"
        "      remote: {weight: {distribution: triangular, range: [0.2, 0.5], mode: 0.35}}\n"
        "  employer:\n"
        "    reservation: {distribution: normal, mean: 0.4, sd: 0.05, range: [0.3, 0.5]}\n",
        encoding="utf-8",
    )
    return path


def test_parse_path_accepts_every_kind_and_rejects_others():
    assert parse_path("parties.p.reservation")["top"] == "reservation"
    assert parse_path("parties.p.issues.i.weight")["entry"] == "weight"
    assert parse_path("parties.p.issues.i.points[2][1]")["point"] == 2
    assert parse_path("parties.p.issues.i.points[2][1]")["coordinate"] == 1
    assert parse_path("parties.p.issues.i.points[2][0]")["coordinate"] == 0  # x of a point
    with pytest.raises(ValueError, match="not a parameter"):
        parse_path("parties.p.issues.i.points[2][2]")  # a point has only x and y
    with pytest.raises(ValueError, match="not a parameter"):
        parse_path("issues.army_cap.range")


def test_grid_is_the_cartesian_product_last_fastest():
    g = grid({"a": [1, 2], "b": [3, 4, 5]})
    assert len(g) == 6 and g[0] == {"a": 1.0, "b": 3.0} and g[1] == {"a": 1.0, "b": 4.0}


@pytest.mark.parametrize("method", ["lhs", "random"])
def test_draws_stay_in_range_and_repeat_with_the_seed(method):
    unc = {
        "u": Uncertain("u", 0.5, 0.0, 1.0),
        "t": Uncertain("t", 0.3, 0.2, 0.6, "triangular", mode=0.3),
        "n": Uncertain("n", 0.4, 0.3, 0.5, "normal", mean=0.4, sd=0.05),
    }
    a = draw(unc, 200, method, seed=7)
    assert a == draw(unc, 200, method, seed=7)
    assert a != draw(unc, 200, method, seed=8)
    for name, u in unc.items():
        xs = np.array([row[name] for row in a])
        assert (xs >= u.low).all() and (xs <= u.high).all()
    if method == "lhs":  # one draw per stratum of each range
        us = np.array([row["u"] for row in a])
        assert sorted(np.floor(us * 200).astype(int)) == list(range(200))


def test_uncertain_numbers_load_with_their_nominal_values(tmp_path):
    s = simulator.load(uncertain_job(tmp_path))
    assert set(s.uncertain) == {
        "parties.candidate.reservation",
        "parties.candidate.issues.remote.weight",
        "parties.employer.reservation",
    }
    cand = next(p for p in s.parties if p.name == "candidate")
    assert cand.reservation == 0.45 and cand.weights["remote"] == 0.35
    assert s.uncertain["parties.employer.reservation"].distribution == "normal"


@pytest.mark.parametrize(
    "text, message",
    [
        ("{value: 0.45}", "missing required key 'range'"),
        ("{value: 0.9, range: [0.3, 0.6]}", "in the range [0.3, 0.6]"),
        ("{range: [0.6, 0.3]}", "expected low < high"),
        ("{range: [0.3, 1.6]}", "out of range"),
        ("{distribution: triangular, range: [0.3, 0.6]}", "needs mode"),
        ("{distribution: gaussian, range: [0.3, 0.6]}", "unknown distribution 'gaussian'"),
        ("{range: [0.3, 0.6], sd: 0.1}", "sd is for a normal distribution"),
    ],
)
def test_bad_uncertain_numbers_are_located_errors(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"format: 1\nextends: {JOB}\nname: bad\nparties:\n  candidate:\n    reservation: {text}\n",
        encoding="utf-8",
    )
    with pytest.raises(simulator.ScenarioError) as err:
        simulator.load(path)
    assert "bad.yaml:6:" in str(err.value) and message in str(err.value)


@pytest.mark.parametrize("path", [JOB, RIVER])
def test_a_run_with_no_change_equals_the_enumerated_analysis(path):
    s = simulator.load(path)
    record = sweep_model(s).run({})
    a = simulator.analyze(s.model())
    assert record["exists"] == a.zone.exists and record["count"] == a.zone.count
    assert record["slack"] == pytest.approx(a.zone.slack, abs=1e-12)
    for concept, sol in a.solutions.items():
        for issue, value in sol.outcome.items():
            assert record[f"{concept}.{issue}"] == value
        for party, u in sol.utilities.items():
            assert record[f"{concept}.u.{party}"] == pytest.approx(u, abs=1e-12)


@pytest.mark.parametrize(
    "params",
    [
        {"parties.candidate.reservation": 0.6},
        {"parties.employer.issues.salary.weight": 0.9},
        {"parties.candidate.issues.remote.values.two_days": 0.2},
        {"parties.candidate.issues.salary.points[1][1]": 0.7},
        {"parties.employer.issues.salary.ideal": 65.0},
        {"parties.employer.power": 3.0},
    ],
)
def test_rebinding_a_number_equals_editing_the_scenario(params, tmp_path):
    """Each kind of parameter: the fast rebinding gives what a re-written scenario gives."""
    s = simulator.load(JOB)
    ((path, value),) = params.items()
    parts = parse_path(path)
    override = {"reservation": f"reservation: {value}", "power": f"power: {value}"}
    party = parts["party"]
    if parts["top"]:
        body = f"  {party}:\n    {override[parts['top']]}\n"
    else:
        issue = parts["issue"]
        if parts["entry"] == "weight":
            entry = f"{{weight: {value}}}"
        elif parts["entry"] == "ideal":
            entry = f"{{ideal: {value}}}"
        elif parts["option"]:
            entry = f"{{values: {{{parts['option']}: {value}}}}}"
        else:
            entry = f"{{points: [[50, 0.0], [80, {value}]]}}"
        body = f"  {party}:\n    issues:\n      {issue}: {entry}\n"
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        f"format: 1\nextends: {JOB}\nname: edited\nparties:\n{body}", encoding="utf-8"
    )
    expected = sweep_model(simulator.load(edited)).run({})
    got = sweep_model(s).run(params)
    for key, v in expected.items():
        if isinstance(v, float):
            assert got[key] == pytest.approx(v, abs=1e-12), key
        else:
            assert got[key] == v, key


def test_unknown_names_in_a_path_are_errors():
    model = sweep_model(simulator.load(JOB))
    with pytest.raises(ValueError, match="no party 'nobody'"):
        model.run({"parties.nobody.reservation": 0.5})
    with pytest.raises(ValueError, match="does not weigh"):
        model.run({"parties.candidate.issues.colour.weight": 0.5})
    with pytest.raises(ValueError, match="not an option"):
        model.run({"parties.candidate.issues.remote.values.hybrid": 0.5})


def test_sweep_table_and_robustness(tmp_path):
    s = simulator.load(uncertain_job(tmp_path))
    df = sweep(s, {"parties.employer.issues.salary.weight": [0.3, 0.9]}, samples=25, seed=3)
    assert len(df) == 50 and list(df["run"]) == list(range(50))
    again = sweep(s, {"parties.employer.issues.salary.weight": [0.3, 0.9]}, samples=25, seed=3)
    assert df.equals(again)
    assert {"exists", "slack", "count", "nash.salary", "nash.u.candidate"} <= set(df.columns)
    assert (df["exists"] == (df["count"] > 0)).all()
    assert ((df["slack"] >= 0) == df["exists"]).all()
    r = robustness(df)
    assert r.runs == 50 and r.p_zone == pytest.approx(df["exists"].mean())
    # the candidate's own reservation moves the slack most, and against it
    top = r.sensitivity.iloc[0]
    assert top["parameter"] == "parties.candidate.reservation" and top["spearman"] < 0
    assert r.packages["share"].is_monotonic_decreasing


def test_plan_needs_something_to_vary():
    with pytest.raises(ValueError, match="give vary"):
        plan(simulator.load(JOB))
