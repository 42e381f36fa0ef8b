"""``simulator.sweep(..., out=PATH)``: written as it runs, resumed after an interruption with
only the missing runs, refused on other options, with the seed recorded (issue 19)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import load
from simulator.sweeps import PlanError, StoredSweep, sweep, sweep_to
from simulator.sweeps.parallel import SchedulerError
from simulator.sweeps.store import StoreError, read_plan, read_results

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
UNCERTAIN = f"""\
extends: {JOB}
parties:
  candidate: {{reservation: {{value: 0.45, range: [0.3, 0.8]}}}}
  employer: {{issues: {{salary: {{weight: {{value: 0.6, range: [0.4, 0.8]}}}}}}}}
"""
EMP = "parties.employer.reservation"
GRID = {EMP: [0.3, 0.4, 0.5]}


@pytest.fixture
def uncertain(tmp_path):
    path = tmp_path / "uncertain_job.yaml"
    path.write_text(UNCERTAIN, encoding="utf-8")
    return load(path)


def interrupt(out: Path, keep: int) -> None:
    """Leave ``out`` as a kill would: the first ``keep`` stored rows (CSV: plus a partial
    line; Parquet: the parts holding them, plus a half-written temporary part)."""
    if out.suffix == ".csv":
        lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
        out.write_text("".join(lines[: 1 + keep]) + lines[1 + keep][:7], encoding="utf-8")
        return
    kept = 0
    for part in sorted(out.glob("part-*.parquet")):
        rows = len(pd.read_parquet(part))
        if kept + rows > keep:
            part.unlink()
        else:
            kept += rows
    (out / ".part-999999.parquet.0000.tmp").write_bytes(b"PAR1 half")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_resume_runs_only_the_missing_runs_and_gives_the_uninterrupted_rows(
    tmp_path, uncertain, suffix
):
    options = {"samples": 8, "seed": 3, "batch": 4}
    whole = sweep(uncertain, GRID, out=tmp_path / f"whole{suffix}", **options)
    assert whole["run"].tolist() == list(range(24))

    out = tmp_path / f"cut{suffix}"
    sweep(uncertain, GRID, out=out, **options)
    interrupt(out, keep=12)
    assert read_results(out)["run"].tolist() == list(range(12))

    calls: list[int] = []
    resumed = sweep(uncertain, GRID, out=out, resume=True, progress=calls.append, **options)
    assert calls[0] == 12 and sum(calls[1:]) == 12  # the 12 stored runs are not run again
    pd.testing.assert_frame_equal(resumed, whole)  # row for row, type for type
    if suffix == ".csv":
        raw = pd.read_csv(out)["run"].tolist()
    else:
        raw = pd.read_parquet(out)["run"].tolist()
    assert sorted(raw) == list(range(24))  # each run stored exactly once

    in_memory = sweep(uncertain, GRID, samples=8, seed=3)
    pd.testing.assert_frame_equal(resumed, in_memory, check_exact=False, rtol=1e-12)


def test_the_stored_table_has_the_in_memory_columns_and_types(tmp_path, uncertain):
    in_memory = sweep(uncertain, GRID, samples=5, seed=1)
    for suffix in (".csv", ".parquet"):
        stored = sweep(uncertain, GRID, samples=5, seed=1, out=tmp_path / f"r{suffix}")
        assert list(stored.columns) == list(in_memory.columns)
        assert stored.dtypes.to_dict() == in_memory.dtypes.to_dict()
        exact = suffix == ".parquet"  # a CSV keeps 15 significant digits
        pd.testing.assert_frame_equal(stored, in_memory, check_exact=exact, rtol=1e-14)


def test_sweep_to_summarises_what_it_did(tmp_path, uncertain):
    out = tmp_path / "r.csv"
    first = sweep_to(uncertain, out, GRID, samples=4, seed=2, batch=2)
    assert isinstance(first, StoredSweep)
    table = read_results(out)
    assert (first.out, first.runs, first.stored_before, first.run_now) == (out, 12, 0, 12)
    assert first.with_zone == int(table["exists"].sum()) and first.seed == 2
    assert first.workers == 1 and first.seconds > 0 and first.rate > 0

    interrupt(out, keep=5)
    again = sweep_to(uncertain, out, GRID, samples=4, seed=2, batch=2, resume=True)
    assert (again.runs, again.stored_before, again.run_now) == (12, 5, 7)
    assert again.with_zone == first.with_zone


def test_an_existing_output_is_refused_without_resume(tmp_path, uncertain):
    out = tmp_path / "r.parquet"
    before = sweep(uncertain, GRID, out=out)
    with pytest.raises(StoreError, match="already exists"):
        sweep(uncertain, GRID, out=out)
    pd.testing.assert_frame_equal(read_results(out), before)


@pytest.mark.parametrize(
    "other, shown",
    [
        ({"vary": {EMP: [0.3, 0.4]}}, r"vary: .* then, .* now"),
        ({"samples": 5}, r"samples: 4 then, 5 now"),
        ({"seed": 8}, r"seed: 7 then, 8 now"),
        ({"sampling": "random"}, r'sampling: "lhs" then, "random" now'),
        ({"concepts": ["nash"]}, r'concepts: null then, \["nash"\] now'),
    ],
)
def test_a_resume_with_other_options_is_refused(tmp_path, uncertain, other, shown):
    out = tmp_path / "r.csv"
    first = {"vary": GRID, "samples": 4, "seed": 7}
    before = sweep(uncertain, out=out, **first)
    interrupt(out, keep=3)
    stored = read_results(out)
    with pytest.raises(StoreError, match="cannot resume .* other options") as err:
        sweep(uncertain, out=out, resume=True, **{**first, **other})
    assert re.search(shown, str(err.value)), err.value
    pd.testing.assert_frame_equal(read_results(out), stored)  # nothing written
    finished = sweep(uncertain, out=out, resume=True, **first)
    pd.testing.assert_frame_equal(finished, before)


def test_without_a_seed_samples_record_one_that_the_resume_reuses(tmp_path, uncertain):
    out = tmp_path / "r.csv"
    first = sweep(uncertain, samples=10, out=out, batch=3)
    seed = read_plan(out)["seed"]
    assert isinstance(seed, int)
    pd.testing.assert_frame_equal(
        first, sweep(uncertain, samples=10, seed=seed), check_exact=False, rtol=1e-12
    )
    interrupt(out, keep=4)
    done = sweep_to(uncertain, out, samples=10, batch=3, resume=True)
    assert done.seed == seed and done.stored_before == 4 and done.run_now == 6
    pd.testing.assert_frame_equal(read_results(out), first)

    other = tmp_path / "other.csv"
    sweep(uncertain, samples=10, out=other)
    assert read_plan(other)["seed"] != seed  # a fresh seed for a fresh sweep


def test_a_grid_records_no_seed_and_no_sampling(tmp_path, uncertain):
    out = tmp_path / "r.csv"
    sweep(uncertain, GRID, out=out, seed=5)
    plan = read_plan(out)
    assert (plan["seed"], plan["sampling"], plan["samples"]) == (None, None, None)
    assert plan["vary"] == GRID and "method" not in plan and "concepts" not in plan


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_store_written_with_method_still_resumes(tmp_path, uncertain, suffix):
    """Plan files written before the rename say "method"; they resume as "sampling"."""
    out = tmp_path / f"r{suffix}"
    whole = sweep(uncertain, samples=6, sampling="random", seed=4, out=out, batch=2)
    plan_file = out / "_plan.json" if suffix == ".parquet" else Path(f"{out}.plan.json")
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    plan = {("method" if k == "sampling" else k): v for k, v in plan.items()}
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    interrupt(out, keep=2)
    resumed = sweep(uncertain, samples=6, sampling="random", seed=4, out=out, resume=True)
    pd.testing.assert_frame_equal(resumed, whole)
    with pytest.raises(StoreError, match='sampling: "random" then, "lhs" now'):
        sweep(uncertain, samples=6, sampling="lhs", seed=4, out=out, resume=True)


def test_a_plan_that_cannot_run_writes_nothing(tmp_path, uncertain):
    with pytest.raises(PlanError, match="a reservation is a utility in"):
        sweep(uncertain, {EMP: [0.2, 1.5]}, out=tmp_path / "r.csv")
    with pytest.raises(ValueError, match="no party 'boss'"):  # a PlanError is a ValueError
        sweep(uncertain, {"parties.boss.reservation": [0.2]}, out=tmp_path / "r.csv")
    with pytest.raises(PlanError, match="no runs"):
        sweep(uncertain, {EMP: []}, out=tmp_path / "r.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uncertain_job.yaml"]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"resume": True}, ValueError, "give out"),
        ({"out": "r.csv", "seed": np.random.default_rng(1)}, TypeError, "int seed"),
        ({"out": "r.csv", "client": object(), "workers": 2}, ValueError, "not both"),
        ({"client": object(), "workers": 2}, ValueError, "not both"),
        ({"out": "r.csv", "batch": 0}, ValueError, "batch must be at least 1"),
        ({"out": "r.txt"}, StoreError, "must end in .csv"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(
    tmp_path, uncertain, kwargs, error, message
):
    if "out" in kwargs:
        kwargs = {**kwargs, "out": tmp_path / kwargs["out"]}
    with pytest.raises(error, match=message):
        sweep(uncertain, samples=4, **kwargs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uncertain_job.yaml"]


def test_an_unreachable_scheduler_is_a_scheduler_error(tmp_path, uncertain, monkeypatch):
    import dask.distributed

    def refuse(address, timeout):
        raise OSError(f"Timed out trying to connect to {address} after {timeout} s")

    monkeypatch.setattr(dask.distributed, "Client", refuse)
    with pytest.raises(SchedulerError, match="cannot reach the scheduler tcp://nowhere:1"):
        sweep(uncertain, samples=4, client="tcp://nowhere:1")
    out = tmp_path / "r.csv"
    with pytest.raises(SchedulerError):
        sweep(uncertain, samples=4, seed=1, client="tcp://nowhere:1", out=out)
    assert read_results(out).empty  # created, no run stored: a resume runs them all
    assert len(sweep(uncertain, samples=4, seed=1, out=out, resume=True)) == 4


def test_python_and_the_command_line_resume_each_others_samples(tmp_path, uncertain):
    from simulator.cli import main

    out = tmp_path / "r.csv"
    scenario = uncertain.path
    assert main(["sweep", scenario, "--samples", "9", "--batch", "3", "--out", str(out)]) == 0
    whole = read_results(out)
    interrupt(out, keep=3)
    resumed = sweep(uncertain, samples=9, batch=3, out=out, resume=True)  # the recorded seed
    pd.testing.assert_frame_equal(resumed, whole)

    other = tmp_path / "s.parquet"
    python = sweep(uncertain, samples=9, seed=6, batch=3, out=other)
    interrupt(other, keep=3)
    args = ["sweep", scenario, "--samples", "9", "--seed", "6", "--out", str(other), "--resume"]
    assert main(args) == 0
    pd.testing.assert_frame_equal(read_results(other), python)
