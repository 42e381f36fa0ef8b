"""``sampling=`` names how samples are drawn; ``method=`` (and ``--method``) still work for
one release, with a deprecation warning naming the new name (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator import load
from simulator.cli import main
from simulator.sweeps import draw, plan, sweep
from simulator.sweeps.store import read_plan, read_results

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
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


@pytest.mark.parametrize("sampling", ["lhs", "random"])
def test_method_warns_and_draws_what_sampling_draws(uncertain, sampling):
    s = load(uncertain)
    with pytest.warns(
        DeprecationWarning, match=r"sweep\(method=...\) is deprecated; use sampling="
    ):
        old = sweep(s, samples=6, method=sampling, seed=3)
    pd.testing.assert_frame_equal(old, sweep(s, samples=6, sampling=sampling, seed=3))
    with pytest.warns(DeprecationWarning, match=r"plan\(method=...\).*use sampling="):
        assert plan(s, samples=6, method=sampling, seed=3) == plan(
            s, samples=6, sampling=sampling, seed=3
        )
    with pytest.warns(DeprecationWarning, match=r"draw\(method=...\).*use sampling="):
        assert draw(s.uncertain, 6, method=sampling, seed=3) == draw(
            s.uncertain, 6, sampling=sampling, seed=3
        )


def test_the_sampling_changes_the_rows(uncertain):
    s = load(uncertain)
    lhs = sweep(s, samples=6, seed=3)  # "lhs" by default
    pd.testing.assert_frame_equal(lhs, sweep(s, samples=6, sampling="lhs", seed=3))
    assert not lhs.equals(sweep(s, samples=6, sampling="random", seed=3))


@pytest.mark.parametrize(
    "call",
    [
        lambda s: sweep(s, samples=4, sampling="lhs", method="random"),
        lambda s: plan(s, samples=4, sampling="lhs", method="random"),
        lambda s: draw(s.uncertain, 4, sampling="lhs", method="random"),
        lambda s: draw(s.uncertain, 4, "lhs", method="random"),  # sampling given by position
    ],
)
def test_both_names_are_a_type_error(uncertain, call):
    with pytest.raises(TypeError, match="got both sampling= and its deprecated name method="):
        call(load(uncertain))


def test_an_unknown_sampling_is_refused(uncertain):
    with pytest.raises(ValueError, match="unknown sampling 'sobol'; expected lhs or random"):
        sweep(load(uncertain), samples=4, sampling="sobol")


def test_cli_sampling_and_its_deprecated_name_method(tmp_path, uncertain, capsys):
    base = ["sweep", str(uncertain), "--samples", "8", "--seed", "5"]
    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    assert main([*base, "--sampling", "random", "--out", str(new)]) == 0
    assert "deprecated" not in capsys.readouterr().err
    assert main([*base, "--method", "random", "--out", str(old)]) == 0
    err = capsys.readouterr().err
    assert "--method is deprecated" in err and "use --sampling" in err
    pd.testing.assert_frame_equal(read_results(old), read_results(new))
    assert read_plan(new)["sampling"] == "random" and "method" not in read_plan(new)
    expected = sweep(load(uncertain), samples=8, sampling="random", seed=5)
    pd.testing.assert_frame_equal(read_results(new), expected, check_exact=False, rtol=1e-12)


def test_cli_help_shows_sampling_only(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    out = capsys.readouterr().out
    assert "--sampling {lhs,random}" in out and "--method" not in out


def test_cli_resumes_a_store_written_with_method(tmp_path, uncertain, capsys):
    import json

    out = tmp_path / "r.csv"
    args = ["sweep", str(uncertain), "--samples", "9", "--seed", "2", "--batch", "3"]
    assert main([*args, "--out", str(out)]) == 0
    whole = read_results(out)
    side = Path(f"{out}.plan.json")
    plan_data = json.loads(side.read_text(encoding="utf-8"))
    plan_data["method"] = plan_data.pop("sampling")  # as zopa wrote it before the rename
    side.write_text(json.dumps(plan_data), encoding="utf-8")
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[:4]), encoding="utf-8")  # the header and 3 runs
    capsys.readouterr()
    assert main([*args, "--out", str(out), "--resume"]) == 0
    assert "9 runs (3 already stored, 6 now)" in capsys.readouterr().out
    pd.testing.assert_frame_equal(read_results(out), whole)
