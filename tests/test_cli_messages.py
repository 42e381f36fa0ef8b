"""The command line's messages: one line per problem whatever the names, no numpy warnings."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from simulator import cli
from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
JOB_OFFER = ROOT / "scenarios" / "examples" / "job_offer.yaml"

CRAFTED = """\
format: 1
name: crafted names
issues:
  "deal\\nx.yaml:1:1: fake": {options: [a, b]}
  "x.yaml:1:1: fake": {options: [a, b]}
parties:
  "p1\\r\\nx.yaml:2:2: forged":
    reservation: 0.2
    assumption: "illustrative"
    issues: {deal: {weight: 1, values: {a: 1, b: 0}}}
  p2:
    reservation: 0.2
    assumption: illustrative
    issues: {deal: {weight: 1, values: {a: 0.5, b: 1}}}
proposals:
  x: {outcome: {"z\\nx.yaml:9:9: forged": a}}
"bad\\nkey": 2
"""


def test_crafted_names_cannot_forge_or_split_lines(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(CRAFTED, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) >= 6  # every name above is a problem, each on its own line
    assert all(line.startswith(f"{path}:") for line in lines), lines
    assert not any(line.startswith("x.yaml") for line in lines)
    assert any("deal\\nx.yaml:1:1: fake" in line for line in lines)
    assert any("p1\\r\\nx.yaml:2:2: forged" in line for line in lines)


@pytest.mark.skipif(sys.platform == "win32", reason="no line break in Windows file names")
def test_a_file_name_with_a_line_break_is_escaped(tmp_path, capsys):
    path = tmp_path / "s\nx.yaml:1:1: fake.yaml"
    path.write_text(CRAFTED, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert main(["check", str(tmp_path / "missing\nfile.yaml")]) == 2
    lines = capsys.readouterr().err.splitlines()
    shown = str(path).replace("\n", "\\n")
    assert all(line.startswith((shown, str(tmp_path))) for line in lines), lines
    assert lines[-1] == f"{tmp_path}/missing\\nfile.yaml: file not found"


def test_ok_line_and_usage_errors_are_one_line(tmp_path, capsys):
    path = tmp_path / "ok\nx.yaml:1:1: fake.yaml"
    path.write_bytes(JOB_OFFER.read_bytes())
    assert main(["check", str(path)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(str(path).replace("\n", "\\n") + ": ok (")
    assert main(["evaluate", str(JOB_OFFER), "--proposal", "a\nx.yaml:1:1: fake"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("zopa evaluate: no proposal 'a\\nx.yaml:1:1: fake'")


def test_internal_error_is_one_line(monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("first\nx.yaml:1:1: second")

    monkeypatch.setitem(cli.COMMANDS, "check", broken)
    assert main(["check", "x.yaml"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert "first\\nx.yaml:1:1: second" in line


# -- numpy's RuntimeWarnings ------------------------------------------------------------


def overflowing(args) -> int:
    big = np.array([1e308])
    _ = big * 10, big - big * np.inf, np.log(np.zeros(1)), np.zeros(1) / 0
    return 0


def test_commands_run_without_runtime_warnings(monkeypatch):
    monkeypatch.setattr(sys, "warnoptions", [])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cli._quietly(overflowing, None) == 0
    assert caught == []


def test_python_w_still_shows_runtime_warnings(monkeypatch):
    monkeypatch.setattr(sys, "warnoptions", ["default::RuntimeWarning"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cli._quietly(overflowing, None)
    assert caught and all(w.category is RuntimeWarning for w in caught)


HUGE_BONUS = JOB_OFFER.read_text(encoding="utf-8").replace(
    "    red_lines:\n      - {issue: salary, min: 55}\n",
    "    red_lines:\n      - {issue: salary, min: 55}\n"
    "    interactions:\n      - {when: {remote: [full]}, bonus: 1.0e+308}\n",
)


@pytest.mark.parametrize("command", [["explain"], ["simulate", "--seed", "1"], ["run"]])
def test_a_scenario_that_made_numpy_warn_prints_no_warning(tmp_path, command):
    # a bonus of 1e308 overflowed the utilities: numpy's RuntimeWarnings reached stderr
    assert "bonus: 1.0e+308" in HUGE_BONUS
    path = tmp_path / "huge.yaml"
    path.write_text(HUGE_BONUS, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", *command, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert "Warning" not in proc.stderr, proc.stderr
    if proc.returncode == 0:
        assert proc.stderr == ""
