"""The explorer's frames solved on the scenario enumerated once
(:mod:`simulator.explorer.solve`) are the full computation's: the same analysis, field by
field, and the same utility-space picture data, samples included."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import simulator
import simulator.explorer.frames as frames
from simulator.explorer import compute_frames
from simulator.explorer.solve import FrameSolver, frame_solver
from simulator.plots.utility_space import utility_space_data
from simulator.study import Study
from simulator.sweeps.apply import with_parameters

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "scenarios" / "examples"
UKRAINE = ROOT / "scenarios" / "ukraine" / "nato_for_article5.yaml"


def assert_same(a, b, where: str = "") -> None:
    """``a`` equals ``b``: dataclasses field by field, arrays element by element (and of
    the same kind), floats as floats."""
    if dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for field in dataclasses.fields(a):
            assert_same(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
    elif isinstance(a, np.ndarray):
        b = np.asarray(b)
        assert a.shape == b.shape and a.dtype.kind == b.dtype.kind, where
        assert (a == b).all(), where
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key}]")
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{k}]")
    else:
        assert a == b and type(a) is type(b), (where, a, b)


CASES = [
    (EXAMPLES / "job_offer.yaml", "parties.candidate.reservation", [0.0, 0.45, 0.8, 1.0]),
    (EXAMPLES / "job_offer.yaml", "parties.employer.issues.salary.weight", [0.0, 0.9, 1.7]),
    (EXAMPLES / "job_offer.yaml", "parties.candidate.issues.salary.points[1][1]", [0.0, 1.0]),
    (EXAMPLES / "job_offer.yaml", "parties.employer.issues.salary.ideal", [50.0, 80.0]),
    (EXAMPLES / "job_offer.yaml", "parties.employer.power", [0.25, 4.0]),
    (EXAMPLES / "river_treaty.yaml", "parties.upstream.reservation", [0.0, 0.5, 1.0]),
    (EXAMPLES / "used_car.yaml", None, [0.1, 0.9]),
    (UKRAINE, "parties.russia.reservation", [0.45, 0.7]),
    (UKRAINE, "parties.ukraine.issues.territory.weight", [0.0]),
]


@pytest.mark.parametrize("path, parameter, values", CASES)
def test_frames_are_the_full_analysis_and_picture(path, parameter, values):
    scenario = simulator.load(path)
    model = scenario.model()
    parameter = parameter or frames.resolve_path(model)
    solver = FrameSolver(scenario, parameter)
    x, y = frames._pair(model, parameter, None, None)
    for value in values:
        solved = solver.frame(value)
        changed = with_parameters(model, {parameter: value})
        expected = simulator.analyze(
            changed,
            frames.FRAME_CONCEPTS,
            method=scenario.method,
            max_outcomes=scenario.max_outcomes,
        )
        assert_same(solved.analysis, expected, "analysis")
        study = Study(scenario, changed, expected, {})
        assert_same(solver.space_data(solved, x, y), utility_space_data(study, x, y), "picture")


def test_compute_frames_gives_the_frames_of_the_full_computation(monkeypatch):
    scenario = simulator.load(EXAMPLES / "river_treaty.yaml")
    fast = compute_frames(scenario, frames=4)
    monkeypatch.setattr(frames, "frame_solver", lambda *args, **kwargs: None)
    assert compute_frames(scenario, frames=4) == fast  # numbers and pictures


def test_frames_solved_by_milp_are_left_to_analyze(tmp_path):
    path = tmp_path / "milp.yaml"
    path.write_text(
        f"extends: {EXAMPLES / 'job_offer.yaml'}\nsolve: {{method: milp}}\n", encoding="utf-8"
    )
    scenario = simulator.load(path)
    assert frame_solver(scenario, "parties.candidate.reservation") is None
    explorer = compute_frames(scenario, frames=3)
    assert [f.exists for f in explorer.frames] == [True, True, False]
