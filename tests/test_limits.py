"""Sane at any size: counting, explaining, simulating and sweeping huge spaces stop by budget
(exit 2 or an estimate) before allocating, ``auto`` picks the fast method, long work shows
progress on a terminal only, and numbers ``check`` accepts never break ``run``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from simulator import load
from simulator.cli import main
from simulator.jsonsafe import dumps
from simulator.method_choice import choose_method
from simulator.model import Condition, DiscreteIssue, Party, TableValue, compile_model
from simulator.progress import shown, task
from simulator.scenario.validate_fields import MAX_MAGNITUDE

ROOT = Path(__file__).resolve().parent.parent


def scenario(grids: list[int], name: str = "fine grids") -> str:
    """Continuous issues ``x0, x1, ...`` on [0, 1] with the given grids; p wants 1, q 0."""
    issues = "".join(f"  x{k}: {{range: [0, 1], grid: {g}}}\n" for k, g in enumerate(grids))
    p = "".join(f"      x{k}: {{weight: 1, ideal: 1}}\n" for k in range(len(grids)))
    q = "".join(f"      x{k}: {{weight: {k + 1}, ideal: 0}}\n" for k in range(len(grids)))
    return (
        f"format: 1\nname: {name}\nissues:\n{issues}parties:\n"
        f"  p:\n    reservation: 0.4\n    assumption: x\n    issues:\n{p}"
        f"  q:\n    reservation: 0.4\n    assumption: x\n    issues:\n{q}"
    )


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def limited(code: str, limit_bytes: int = 1_500_000_000, timeout: int = 120):
    """Run ``code`` in a fresh interpreter whose address space is capped at ``limit_bytes``."""
    prelude = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({limit_bytes}, {limit_bytes}))
        """
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


# -- counting: budget before expanding --------------------------------------------------------


def test_count_of_three_fine_grids_is_estimated_within_memory(tmp_path):
    # 3 x 100,000 grid points: the exact programme would need ~1e10 states (4 GiB, minutes)
    path = write(tmp_path, scenario([100_000] * 3))
    proc = limited(
        f"""
        import time
        from simulator import load
        from simulator.solvers.count import count_acceptable
        model = load({str(path)!r}).model()
        t = time.perf_counter()
        c = count_acceptable(model)
        print(c.exact, c.total, c.low <= c.count <= c.high, time.perf_counter() - t)
        """
    )
    assert proc.returncode == 0, proc.stderr
    exact, total, inside, seconds = proc.stdout.split()
    assert exact == "False" and int(total) == 10**15 and inside == "True"
    assert float(seconds) < 30


# -- explain: refuse before allocating ---------------------------------------------------------


def test_explain_over_max_outcomes_exits_2_at_once(tmp_path):
    # used to allocate 149 GiB (the moves of one issue of 100,000 levels) before any check
    path = write(tmp_path, scenario([100_000] * 3))
    proc = limited(
        f"""
        import sys
        from simulator.cli import main
        sys.exit(main(["explain", {str(path)!r}]))
        """
    )
    assert proc.returncode == 2, proc.stderr
    assert "10^15" in proc.stderr or "1,000,000,000,000,000 outcomes" in proc.stderr
    assert "max_outcomes" in proc.stderr and "Traceback" not in proc.stderr


def test_explain_refuses_a_trade_search_over_too_fine_grids(tmp_path, capsys):
    # 400 x 400 x 400 = 6.4e7 outcomes (within max_outcomes), but the trade search would
    # compare 3 * 400^4 pairs of moves (it used to allocate 23.8 GiB at once)
    path = write(tmp_path, scenario([400] * 3))
    t = time.perf_counter()
    assert main(["explain", str(path)]) == 2
    err = capsys.readouterr().err
    assert time.perf_counter() - t < 10
    assert "search for trades" in err and "coarser grid" in err
    assert len(err.strip().splitlines()) == 1


def many_red_lines(n: int) -> str:
    """Two parties, a closed zone, and ``n`` red lines of p that never bind."""
    lines = "".join(f"      - {{issue: x, min: {-1 - k / 1000:.3f}}}\n" for k in range(n))
    return (
        "format: 1\nname: many red lines\nissues:\n  x: {range: [0, 10], grid: 11}\n"
        "  d: {options: [a, b, c]}\nparties:\n"
        "  p:\n    reservation: 0.6\n    assumption: x\n    issues:\n"
        "      x: {weight: 1, ideal: 10}\n      d: {weight: 1, values: {a: 1, b: 0.5, c: 0}}\n"
        f"    red_lines:\n{lines}"
        "  q:\n    reservation: 0.6\n    assumption: x\n    issues:\n"
        "      x: {weight: 1, ideal: 0}\n      d: {weight: 1, values: {a: 0, b: 0.5, c: 1}}\n"
    )


def test_explain_refuses_a_package_search_over_its_budget(tmp_path, capsys):
    # 2,000 red lines: 2 million pairs of concessions (it ran for over ten minutes)
    path = write(tmp_path, many_red_lines(2000))
    t = time.perf_counter()
    assert main(["explain", str(path)]) == 2
    err = capsys.readouterr().err
    assert time.perf_counter() - t < 20
    assert "2,005,003 combinations" in err and "--max-size 1" in err
    assert main(["explain", "--max-size", "1", "--json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["packages"]["examined"] > 0


def test_package_work_counts_the_combinations_examined():
    from simulator.coalitions.packages import find_packages, package_work

    model = load(ROOT / "scenarios" / "examples" / "used_car.yaml").model()
    lines = len(model.signatory_lines)
    for size in (1, 2, 3):
        search = find_packages(model, max_size=size)
        assert search.examined <= package_work(lines, 2, size)


# -- evaluate, simulate, sweep: size checks before allocation ----------------------------------


def test_evaluate_with_open_issues_over_max_outcomes_exits_2(tmp_path, capsys):
    path = write(tmp_path, scenario([100_000] * 3))
    assert main(["evaluate", str(path), "--set", "x0=0.5"]) == 2
    assert "max_outcomes" in capsys.readouterr().err


def test_simulate_refuses_a_table_over_its_memory_budget(tmp_path, capsys):
    # 2.5e6 outcomes (under the outcome limit) and 30 parties: about 19 GiB of tables
    parties = "".join(
        f"  p{i}:\n    reservation: 0.1\n    assumption: x\n    issues:\n"
        f"      x0: {{weight: 1, ideal: {i % 2}}}\n      x1: {{weight: 1, ideal: 1}}\n"
        for i in range(30)
    )
    text = (
        "format: 1\nname: crowd\nissues:\n  x0: {range: [0, 1], grid: 1000}\n"
        f"  x1: {{range: [0, 1], grid: 2500}}\nparties:\n{parties}"
    )
    path = write(tmp_path, text)
    t = time.perf_counter()
    assert main(["simulate", str(path)]) == 2
    err = capsys.readouterr().err
    assert time.perf_counter() - t < 10
    assert "GiB of memory" in err and "Traceback" not in err


def test_sweep_model_refuses_feasible_outcomes_over_its_memory_budget(monkeypatch):
    import simulator.sweeps.fast as fast
    from simulator.errors import SpaceTooLargeError

    model = load(ROOT / "scenarios" / "examples" / "job_offer.yaml").model()
    monkeypatch.setattr(fast, "MAX_SWEEP_BYTES", 10 * fast.feasible_bytes(model))
    with pytest.raises(SpaceTooLargeError, match="a sweep keeps every feasible outcome"):
        fast.SweepModel.build(model)


# -- auto: the fast method when it can tell ----------------------------------------------------


def crowd(n_issues: int, n_options: int, n_parties: int, reservation: float, seed: int = 0):
    """Random additive parties, one red line each (as in benchmarks/bench_methods.py)."""
    rng = np.random.default_rng(seed)
    options = tuple(f"o{j}" for j in range(n_options))
    issues = [DiscreteIssue(f"i{k}", options) for k in range(n_issues)]
    parties = [
        Party(
            f"p{p}",
            reservation,
            {i.name: float(w) for i, w in zip(issues, rng.uniform(0.1, 1.0, n_issues))},
            {i.name: TableValue(tuple(rng.uniform(0, 1, n_options))) for i in issues},
            red_lines=(Condition(issues[p % n_issues].name, options=("o0",), negate=True),),
        )
        for p in range(n_parties)
    ]
    return compile_model(issues, parties)


@pytest.mark.parametrize(
    ("shape", "method"),
    [
        # measured (benchmarks/bench_methods.py --parties): enumeration 93 s, MILP 24 s
        ((5, 12, 10, 0.3), "milp"),
        # enumeration > 15 min (a frontier of ~4e5 points in 10 dimensions), MILP 55 s
        ((6, 12, 10, 0.3), "milp"),
        # few acceptable outcomes: enumeration 2.7 s, MILP 86 s
        ((6, 10, 10, 0.5), "enumerate"),
        # three signatories, small frontier: enumeration 0.7 s, MILP 2.4 s
        ((6, 10, 3, 0.3), "enumerate"),
        # 20 signatories, 13,000 acceptable: enumeration 14 s, MILP 36 s
        ((5, 10, 20, 0.3), "enumerate"),
    ],
)
def test_auto_picks_the_faster_method(shape, method):
    t = time.perf_counter()
    choice = choose_method(crowd(*shape))
    assert time.perf_counter() - t < 5  # the pilot is cheap
    assert choice.method == method


def test_auto_keeps_enumerating_two_parties_below_the_threshold():
    choice = choose_method(crowd(6, 10, 2, 0.1))
    assert choice.method == "enumerate" and choice.frontier is None


# -- progress: on a terminal only, never on stdout ---------------------------------------------


def test_progress_is_drawn_on_stderr_only_when_shown(monkeypatch, capsys):
    import simulator.progress as progress

    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "_TICK", 0.05)
    with task("hidden work", total=3) as advance:
        advance(3)
    assert capsys.readouterr() == ("", "")
    with shown(True), task("visible work", total=3, unit="outcome") as advance:
        time.sleep(0.2)
        advance(3)
    out, err = capsys.readouterr()
    assert out == "" and "visible work" in err


def test_cli_prints_no_progress_when_stderr_is_not_a_terminal(tmp_path, capsys):
    path = write(tmp_path, scenario([300, 300]))
    assert main(["run", "--json", str(path)]) == 0
    out, err = capsys.readouterr()
    json.loads(out)
    assert err == ""


# -- numbers check accepts must not break run --------------------------------------------------

BASE = """\
format: 1
name: hostile
issues:
  x: {range: [0, 10], grid: 11}
  d: {options: [a, b]}
parties:
  p:
    reservation: 0.3
    assumption: x
    power: 1
    issues:
      x: {weight: 1, ideal: 10}
      d: {weight: 1, values: {a: 1, b: 0}}
  q:
    reservation: 0.3
    assumption: x
    issues:
      x: {weight: 1, points: [[0, 1], [10, 0]]}
      d: {weight: 1, values: {a: 0, b: 1}}
    interactions:
      - {when: {d: [a]}, bonus: 0.1, assumption: x}
"""

HOSTILE = {
    "power": ("power: 1\n", "power: {big}\n", "parties.p.power"),
    "range": ("range: [0, 10]", "range: [-{big}, {big}]", "issues.x.range[0]"),
    "weight": ("x: {weight: 1, ideal", "x: {weight: {big}, ideal", "parties.p.issues.x.weight"),
    "points": ("[[0, 1], [10, 0]]", "[[0, 1], [{big}, 0]]", "parties.q.issues.x.points[1][0]"),
    "bonus": ("bonus: 0.1", "bonus: {big}", "parties.q.interactions[0].bonus"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_check_refuses_numbers_beyond_the_supported_magnitude(tmp_path, capsys, case):
    old, new, field = HOSTILE[case]
    path = write(tmp_path, BASE.replace(old, new.replace("{big}", "1e308")))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f": {field}: " in err and "[-1e15, 1e15]" in err
    first = err.splitlines()[0]
    assert first.startswith(f"{path}:") and first.split(":")[1].isdigit()  # FILE:LINE:COL


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_numbers_at_the_supported_magnitude_run_to_strict_json(tmp_path, capsys, case):
    old, new, _ = HOSTILE[case]
    big = f"{MAX_MAGNITUDE:.0e}"
    path = write(tmp_path, BASE.replace(old, new.replace("{big}", big)))
    assert main(["check", str(path)]) == 0
    capsys.readouterr()
    assert main(["run", "--json", "--method", "enumerate", str(path)]) == 0
    out = capsys.readouterr().out

    def refuse(token):
        raise AssertionError(f"non-JSON constant {token} in the output")

    data = json.loads(out, parse_constant=refuse)
    assert data["zopa"]["exists"] in (True, False)


def test_a_zero_gain_nash_objective_is_null_not_infinity(tmp_path, capsys):
    # p's only acceptable outcome gives it exactly its reservation: log 0 = -inf
    text = """\
format: 1
name: zero gain
issues:
  d: {options: [a, b]}
parties:
  p:
    reservation: 0.5
    assumption: x
    issues:
      d: {weight: 1, values: {a: 0.5, b: 0}}
  q:
    reservation: 0.3
    assumption: x
    issues:
      d: {weight: 1, values: {a: 0.5, b: 1}}
"""
    path = write(tmp_path, text)
    assert main(["run", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Infinity" not in out and "NaN" not in out
    assert json.loads(out)["nash"]["objective"] is None


def test_dumps_writes_every_non_finite_number_as_null():
    data = {"a": float("nan"), "b": [float("inf"), (1.0, float("-inf"))], "c": np.float64("nan")}
    assert json.loads(dumps(data)) == {"a": None, "b": [None, [1.0, None]], "c": None}
