"""zopa sweep --report DIR: the robustness summary and figures from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import simulator
from simulator.cli import main
from simulator.sweeps.sensitivity import sobol

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
GRID = [
    "--vary",
    "parties.candidate.reservation=0.3:0.6:4",
    "--vary",
    "parties.employer.reservation=0.3:0.6:3",
]


def test_a_grid_report_has_the_summary_the_ranking_and_a_heat_map(tmp_path, capsys):
    out, rep = tmp_path / "r.csv", tmp_path / "report"
    assert main(["sweep", str(JOB), *GRID, "--out", str(out), "--report", str(rep)]) == 0
    assert "Wrote" in capsys.readouterr().out
    names = sorted(p.name for p in rep.iterdir())
    for stem in ("tornado", "slack_distribution", "heatmap"):
        assert f"{stem}.png" in names and f"{stem}.svg" in names
    text = (rep / "report.md").read_text(encoding="utf-8")
    data = json.loads((rep / "robustness.json").read_text(encoding="utf-8"))
    rows = simulator.sweep(
        simulator.load(JOB),
        {
            "parties.candidate.reservation": [0.3, 0.4, 0.5, 0.6],
            "parties.employer.reservation": [0.3, 0.45, 0.6],
        },
    )
    assert data["runs"] == 12 and data["p_zone"] == pytest.approx(rows["exists"].mean())
    assert f"12 runs. A zone exists in {100 * rows['exists'].mean():.1f}% of them" in text
    assert "Candidate: reservation" in text and data["sobol"] is None
    # raising the candidate's reservation narrows the zone: a negative rank correlation
    ranked = {r["parameter"]: r["spearman"] for r in data["sensitivity"]}
    assert ranked["parties.candidate.reservation"] < 0


def test_sobol_indices_sit_beside_the_rank_correlations(tmp_path):
    out, rep = tmp_path / "r.csv", tmp_path / "report"
    args = ["sweep", str(JOB), *GRID, "--out", str(out), "--report", str(rep), "--sobol", "32"]
    assert main(args) == 0
    text = (rep / "report.md").read_text(encoding="utf-8")
    assert "Sobol' first" in text and "Sobol' total" in text
    data = json.loads((rep / "robustness.json").read_text(encoding="utf-8"))
    assert {r["parameter"] for r in data["sobol"]} == {
        "parties.candidate.reservation",
        "parties.employer.reservation",
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--sobol", "64"], "--sobol needs --report DIR"),
        (["--report", "REP", "--sobol", "100"], "--sobol must be a power of two"),
    ],
)
def test_bad_report_options_exit_2(tmp_path, capsys, extra, message):
    extra = [str(tmp_path / "rep") if a == "REP" else a for a in extra]
    assert main(["sweep", str(JOB), *GRID, "--out", str(tmp_path / "r.csv"), *extra]) == 2
    assert message in capsys.readouterr().err


def test_sobol_ranks_a_parameter_that_does_nothing_at_zero():
    scenario = simulator.load(JOB)
    quantiles = {
        "parties.candidate.reservation": lambda u: 0.3 + 0.3 * u,
        # bargaining power picks among agreements; it cannot move the margin
        "parties.candidate.power": lambda u: 1.0 + u,
    }
    table = sobol(scenario, quantiles, n=64).set_index("parameter")
    assert table.loc["parties.candidate.power", "total"] == pytest.approx(0.0, abs=1e-12)
    assert table.loc["parties.candidate.reservation", "total"] > 0.5
    with pytest.raises(ValueError, match="power of two"):
        sobol(scenario, quantiles, n=48)
