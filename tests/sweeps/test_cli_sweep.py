"""``zopa sweep``: options, exit codes, refusing to overwrite, and resuming after a real kill."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from simulator import load
from simulator.cli import main
from simulator.sweeps.api import sweep
from simulator.sweeps.store import read_plan, read_results

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
UNCERTAIN = f"""\
extends: {JOB}
parties:
  candidate: {{reservation: {{value: 0.45, range: [0.3, 0.8]}}}}
  employer: {{issues: {{salary: {{weight: {{value: 0.6, range: [0.4, 0.8]}}}}}}}}
"""
RES = "parties.candidate.reservation"


@pytest.fixture
def uncertain(tmp_path):
    path = tmp_path / "uncertain_job.yaml"
    path.write_text(UNCERTAIN, encoding="utf-8")
    return path


def zopa(*args, cwd=ROOT) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "simulator", "sweep", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# -- in-process: options and exit codes ------------------------------------------------------


def test_vary_grid_to_csv(tmp_path, capsys):
    out = tmp_path / "out.csv"
    code = main(
        [
            "sweep",
            str(JOB),
            "--vary",
            f"{RES}=0.4:0.9:6",
            "--vary",
            "parties.employer.reservation=0.3:0.5:2",
            "--out",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "12 runs, " in captured.out and f"-> {out}" in captured.out
    df = read_results(out)
    assert df["run"].tolist() == list(range(12))
    assert sorted(set(df[RES].round(12))) == [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    expected = sweep(
        load(JOB), {RES: [0.4, 0.5, 0.6, 0.7, 0.8, 0.9], "parties.employer.reservation": [0.3, 0.5]}
    )
    pd.testing.assert_frame_equal(df, expected, check_dtype=False)
    assert read_plan(out)["seed"] is None


def test_samples_and_vary_combined_to_parquet(tmp_path, uncertain, capsys):
    out = tmp_path / "out.parquet"
    code = main(
        [
            "sweep",
            str(uncertain),
            "--samples",
            "50",
            "--method",
            "random",
            "--seed",
            "4",
            "--vary",
            "parties.employer.reservation=0.3:0.5:3",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert out.is_dir() and (out / "_plan.json").exists()
    df = pd.read_parquet(out)
    assert len(df) == 150
    expected = sweep(
        load(uncertain),
        {"parties.employer.reservation": [0.3, 0.4, 0.5]},
        samples=50,
        sampling="random",
        seed=4,
    )
    pd.testing.assert_frame_equal(read_results(out), expected, check_dtype=False)


def test_without_seed_a_seed_is_recorded_and_reused_on_resume(tmp_path, uncertain, capsys):
    out = tmp_path / "out.csv"
    assert main(["sweep", str(uncertain), "--samples", "20", "--out", str(out)]) == 0
    seed = read_plan(out)["seed"]
    assert isinstance(seed, int) and f"seed {seed}" in capsys.readouterr().out
    assert main(["sweep", str(uncertain), "--samples", "20", "--out", str(out), "--resume"]) == 0
    assert "20 runs (20 already stored, 0 now)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--vary", f"{RES}=0.4:0.9"], r"--vary .*expected PATH=LO:HI:N"),
        (["--vary", f"{RES}:0.4:0.9:3"], r"expected PATH=LO:HI:N"),
        (["--vary", f"{RES}=a:0.9:3"], r"expected PATH=LO:HI:N"),
        (["--vary", f"{RES}=0.4:0.9:0"], r"N must be at least 1"),
        (["--vary", "parties.candidate.salary=0:1:3"], r"is not a parameter a sweep can vary"),
        (["--vary", "parties.boss.reservation=0:1:3"], r"no party 'boss'"),
        (["--vary", "parties.candidate.issues.pension.weight=0:1:3"], r"no issue 'pension'"),
        (
            ["--vary", "parties.candidate.issues.remote.values.hybrid=0:1:3"],
            r"'hybrid' is not an option of 'remote'",
        ),
        (["--samples", "10"], r"declares no uncertain numbers"),
        ([], r"give --vary"),
        (["--vary", f"{RES}=0.4:0.9:3", "--workers", "0"], r"--workers must be at least 1"),
        (["--vary", f"{RES}=0.4:0.9:3", "--batch", "0"], r"--batch must be at least 1"),
    ],
)
def test_bad_options_exit_2(tmp_path, capsys, args, message):
    out = tmp_path / "out.csv"
    assert main(["sweep", str(JOB), *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zopa sweep: ")
    assert re.search(message, err), err
    assert not out.exists()


def test_bad_output_name_exits_2(tmp_path, capsys):
    assert (
        main(["sweep", str(JOB), "--vary", f"{RES}=0.4:0.9:3", "--out", str(tmp_path / "out.xlsx")])
        == 2
    )
    assert "must end in .csv" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["out.csv", "out.parquet"])
def test_existing_output_without_resume_exits_2(tmp_path, capsys, name):
    out = tmp_path / name
    args = ["sweep", str(JOB), "--vary", f"{RES}=0.4:0.9:3", "--out", str(out)]
    assert main(args) == 0
    before = read_results(out)
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "already exists; use --resume" in err and "or remove it" in err
    pd.testing.assert_frame_equal(read_results(out), before)


@pytest.mark.parametrize(
    "other, shown",
    [
        (["--vary", f"{RES}=0.4:0.9:4"], r"vary: .* then, .* now"),
        (["--vary", f"{RES}=0.4:0.9:3", "--samples", "5", "--seed", "2"], r"samples: null then"),
    ],
)
def test_resume_with_other_options_exits_2(tmp_path, uncertain, capsys, other, shown):
    out = tmp_path / "out.csv"
    assert main(["sweep", str(uncertain), "--vary", f"{RES}=0.4:0.9:3", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["sweep", str(uncertain), *other, "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err
    assert "cannot resume" in err and "other options" in err
    assert re.search(shown, err), err


def test_resume_with_another_seed_exits_2(tmp_path, uncertain, capsys):
    out = tmp_path / "out.parquet"
    base = ["sweep", str(uncertain), "--samples", "30", "--out", str(out)]
    assert main([*base, "--seed", "1"]) == 0
    capsys.readouterr()
    assert main([*base, "--seed", "2", "--resume"]) == 2
    assert "seed: 1 then, 2 now" in capsys.readouterr().err


def test_resume_after_the_scenario_changed_exits_2(tmp_path, uncertain, capsys):
    out = tmp_path / "out.csv"
    base = ["sweep", str(uncertain), "--vary", f"{RES}=0.4:0.9:3", "--out", str(out)]
    assert main(base) == 0
    uncertain.write_text(UNCERTAIN.replace("value: 0.6,", "value: 0.65,"), encoding="utf-8")
    capsys.readouterr()
    assert main([*base, "--resume"]) == 2
    assert "the scenario changed" in capsys.readouterr().err


# -- a real kill, then --resume ----------------------------------------------------------------


def test_resume_after_sigkill_loses_and_repeats_nothing(tmp_path, uncertain):
    samples = 6000
    for _ in range(4):  # on a very fast machine the sweep may finish first: make it longer
        out = tmp_path / f"out{samples}.csv"
        args = [
            uncertain,
            "--samples",
            samples,
            "--seed",
            7,
            "--out",
            out,
            "--workers",
            1,
            "--batch",
            50,
        ]
        proc = zopa(*args)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and out.stat().st_size and out.read_bytes().count(b"\n") > 60:
                break
            time.sleep(0.002)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        if proc.returncode == -signal.SIGKILL:
            break
        assert proc.returncode == 0
        samples *= 2
    else:
        pytest.fail("the sweep always finished before it could be killed")

    partial = pd.read_csv(out)  # readable as it is, with fewer rows than planned
    assert 50 <= len(partial) < samples
    stored = set(read_results(out)["run"])

    proc = zopa(*args, "--resume")
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert f"{len(stored):,} already stored" in stdout and f"{samples:,} runs" in stdout

    raw = pd.read_csv(out)
    assert sorted(raw["run"]) == list(range(samples))  # each planned run exactly once
    expected = sweep(load(uncertain), samples=samples, seed=7)
    pd.testing.assert_frame_equal(read_results(out), expected, check_dtype=False)
