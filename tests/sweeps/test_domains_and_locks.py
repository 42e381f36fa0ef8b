"""Sweeps and the explorer refuse values outside their domain and plans too large to hold;
one sweep writes an output at a time, checked with real concurrent processes; and
``read_results`` keeps one row per run (issue 15, "Outputs that lose nothing")."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from simulator import load
from simulator.cli import main
from simulator.sweeps import plan
from simulator.sweeps.api import MAX_RUNS, sweep
from simulator.sweeps.store import StoreError, lock_output, open_store, read_results

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
RES = "parties.candidate.reservation"
EMP = "parties.employer.issues"
UNCERTAIN = f"""\
extends: {JOB}
parties:
  candidate: {{reservation: {{value: 0.45, range: [0.3, 0.8]}}}}
  employer: {{issues: {{salary: {{weight: {{value: 0.6, range: [0.4, 0.8]}}}}}}}}
"""


@pytest.fixture
def uncertain(tmp_path) -> Path:
    path = tmp_path / "uncertain_job.yaml"
    path.write_text(UNCERTAIN, encoding="utf-8")
    return path


# -- values outside their domain ---------------------------------------------------------------


@pytest.mark.parametrize(
    "vary, message",
    [
        ([f"{RES}=nan:1:3"], r"LO and HI must be finite numbers"),
        ([f"{RES}=0:inf:3"], r"LO and HI must be finite numbers"),
        (
            [f"{RES}=0:5:3"],
            r"a reservation is a utility in \[0, 1\]; the values given go from 0 to 5",
        ),
        ([f"{RES}=-0.1:0.5:3"], r"a reservation is a utility in \[0, 1\]"),
        ([f"{EMP}.salary.weight=-1:1:3"], r"a weight must be 0 or more"),
        (["parties.employer.power=0:2:3"], r"a bargaining power must be positive"),
        ([f"{EMP}.remote.values.full=0:2:3"], r"an option's value is a utility in \[0, 1\]"),
        (
            ["parties.candidate.issues.salary.points[1][1]=0.5:1.5:3"],
            r"a point's value \(its y\) is a utility in \[0, 1\]",
        ),
        ([f"{EMP}.salary.ideal=0:100:3"], r"an ideal must lie in its issue's range \[50, 80\]"),
        (["parties.candidate.issues.salary.points[0][0]=40:90:3"], r"can cross"),
        ([f"{RES}=0:1:1000000000"], r"1,000,000,000 runs; at most 1,000,000 can be planned"),
        (
            [f"{RES}=0:1:1000", f"{EMP}.salary.weight=0:1:1001"],
            r"1,001,000 runs \(1,000 x 1,001\); at most 1,000,000",
        ),
    ],
)
def test_vary_outside_the_domain_or_too_large_exits_2(tmp_path, capsys, vary, message):
    out = tmp_path / "out.csv"
    args = [a for v in vary for a in ("--vary", v)]
    assert main(["sweep", str(JOB), *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zopa sweep: ") and len(err.splitlines()) == 1, err
    assert re.search(message, err), err
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a lock file


def test_too_many_samples_are_refused_before_drawing(uncertain, tmp_path, capsys):
    args = ["sweep", str(uncertain), "--samples", str(MAX_RUNS + 1)]
    assert main([*args, "--out", str(tmp_path / "out.csv")]) == 2
    assert "at most 1,000,000 can be planned" in capsys.readouterr().err


def test_plan_and_sweep_refuse_values_outside_the_domain():
    job = load(JOB)
    with pytest.raises(ValueError, match=r"a reservation is a utility in \[0, 1\]"):
        plan(job, {RES: [0.5, 2.0]})
    with pytest.raises(ValueError, match="finite"):
        sweep(job, {RES: [0.5, float("nan")]})
    with pytest.raises(ValueError, match="at most 1,000,000"):
        plan(job, {RES: [0.5] * 1001, "parties.employer.reservation": [0.5] * 1000})
    assert len(plan(job, {RES: [0.0, 1.0], f"{EMP}.salary.weight": [0.0, 3.0]})) == 4


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--values", "2"], r"a reservation is a utility in \[0, 1\]; the value given is 2"),
        (["--values", "0.5,nan"], r"finite"),
        (["--range", "0:2"], r"a reservation is a utility in \[0, 1\]"),
        (
            ["--parameter", f"{EMP}.salary.weight", "--values=-1,1"],
            r"a weight must be 0 or more",
        ),
        (["--frames", "100000000"], r"--frames must be at least 1 and at most 1,000"),
        (["--values", ",".join(str(k / 2000) for k in range(1001))], r"at most 1,000 values"),
    ],
)
def test_explore_values_outside_the_domain_or_too_many_exit_2(tmp_path, capsys, extra, message):
    out = tmp_path / "x.html"
    assert main(["explore", str(JOB), "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zopa explore: ") and len(err.splitlines()) == 1, err
    assert re.search(message, err), err
    assert not out.exists()


# -- one row per run ---------------------------------------------------------------------------

COLUMNS = {"run": "int", "x": "float", "exists": "bool", "slack": "float"}


@pytest.mark.parametrize("name", ["out.csv", "out.parquet"])
def test_read_results_keeps_the_first_row_of_a_run_stored_twice(tmp_path, name):
    path = tmp_path / name
    with open_store(path, COLUMNS, {"k": 1}) as store:
        store.write([{"run": r, "x": r / 10, "exists": True, "slack": 0.1} for r in (2, 0, 1)])
        store.write([{"run": r, "x": 9.0, "exists": False, "slack": -1.0} for r in (1, 3, 0)])
    df = read_results(path)
    assert df["run"].tolist() == [0, 1, 2, 3]
    assert df["x"].tolist() == [0.0, 0.1, 0.2, 9.0]  # the row stored first wins
    pd.testing.assert_frame_equal(read_results(path), df)  # and again the same


# -- one writer at a time ----------------------------------------------------------------------


def test_a_held_lock_refuses_a_second_sweep_at_once(tmp_path, capsys):
    out = tmp_path / "out.csv"
    args = ["sweep", str(JOB), "--vary", f"{RES}=0.3:0.6:3", "--out", str(out)]
    with lock_output(out) as lock:
        assert lock.exists()
        for extra in ([], ["--resume"]):
            started = time.monotonic()
            assert main([*args, *extra]) == 2
            assert time.monotonic() - started < 30  # refused, not made to wait
            err = capsys.readouterr().err
            assert "is being written by another zopa sweep" in err and "process" in err, err
        assert not out.exists()
    assert not lock.exists()  # removed at the end
    assert main(args) == 0 and not lock.exists()


def test_a_killed_sweeps_lock_dies_with_it(tmp_path):
    out = tmp_path / "out.csv"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from simulator.sweeps.store import lock_output\n"
            f"with lock_output({str(out)!r}):\n"
            "    print('locked', flush=True); time.sleep(600)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="being written by another zopa sweep"):
            with lock_output(out):
                pass
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert Path(f"{out}.lock").exists()  # a kill leaves the file, not the lock
    with lock_output(out):
        pass


def _zopa(*args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "simulator", "sweep", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _rows(out: Path) -> int:
    return out.read_bytes().count(b"\n") if out.exists() else 0


def _each_run_once(out: Path, runs: int) -> None:
    raw = pd.read_csv(out)
    assert sorted(raw["run"]) == list(range(runs))  # no run lost, none stored twice
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporaries
    assert not Path(f"{out}.lock").exists()


def test_a_resume_while_the_sweep_runs_is_refused(tmp_path, uncertain):
    samples = 6000
    for _ in range(4):  # on a very fast machine the first may end first: make it longer
        out = tmp_path / f"out{samples}.csv"
        args = [uncertain, "--samples", samples, "--seed", 7, "--out", out]
        args += ["--workers", 1, "--batch", 50]
        first = _zopa(*args)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and first.poll() is None and _rows(out) < 60:
            time.sleep(0.01)
        second = _zopa(*args, "--resume")
        _, err2 = second.communicate(timeout=120)
        refused_while_running = first.poll() is None
        _, err1 = first.communicate(timeout=300)
        assert first.returncode == 0, err1
        if refused_while_running:
            assert second.returncode == 2, err2
            assert "is being written by another zopa sweep" in err2, err2
            _each_run_once(out, samples)
            return
        assert second.returncode in (0, 2), err2
        _each_run_once(out, samples)
        samples *= 2
    pytest.fail("the sweep always ended before the resume started")


def test_two_resumes_at_once_store_each_run_once(tmp_path, uncertain):
    out = tmp_path / "out.csv"
    args = [uncertain, "--samples", 3000, "--seed", 3, "--out", out, "--workers", 1]
    first = _zopa(*args, "--batch", 50)
    while first.poll() is None and _rows(out) < 200:
        time.sleep(0.01)
    first.kill()
    first.wait(timeout=30)
    stored = len(read_results(out))
    assert 0 < stored < 3000
    both = [_zopa(*args, "--batch", 50, "--resume") for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in both]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2]), results
    for code, err in results:
        if code == 2:
            assert "is being written by another zopa sweep" in err, err
    _each_run_once(out, 3000)
    expected = sweep(load(uncertain), samples=3000, seed=3)
    pd.testing.assert_frame_equal(read_results(out), expected, check_dtype=False)


@pytest.mark.parametrize("name", ["out.csv", "out.parquet"])
def test_two_fresh_sweeps_at_once_leave_one_whole_output(tmp_path, name):
    out = tmp_path / name
    args = ["--vary", f"{RES}=0:1:2000", "--out", out, "--workers", 1, "--batch", 50]
    both = [_zopa(JOB, *args) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in both]
    assert sorted(code for code, _ in results) == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "being written by another zopa sweep" in refused or "already exists" in refused
    df = read_results(out)
    assert df["run"].tolist() == list(range(2000))
    if name == "out.csv":
        _each_run_once(out, 2000)
    else:
        assert len(pd.read_parquet(out)) == 2000  # the raw parts: no run twice
        assert not [p for p in out.iterdir() if p.name.startswith(".")]
