"""zopa simulate and the offers figure."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import simulator  # noqa: E402
from simulator.cli import main  # noqa: E402
from simulator.dynamics import simulate  # noqa: E402
from simulator.plots.offers import offers_data, plot_offers  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"


def test_simulate_command_reports_and_writes_files(tmp_path, capsys):
    out = tmp_path / "out"
    args = [
        "simulate",
        str(JOB),
        "--strategy",
        "candidate=boulware",
        "--strategy",
        "employer=conceder",
        "--seed",
        "3",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "alternating protocol, Candidate: boulware, Employer: conceder" in text
    result = json.loads((out / "result.json").read_text())
    assert {"trace.csv", "result.json", "offers.png", "offers.svg"} <= {
        p.name for p in out.iterdir()
    }
    assert result["agreed"] is True and set(result["outcome"]) == {"salary", "remote", "start"}
    # the agreement is acceptable to both parties
    assert result["utilities"]["candidate"] >= 0.45 - 1e-9
    assert result["utilities"]["employer"] >= 0.4 - 1e-9
    # same seed, same result
    assert main([*args[:-2], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["round"] == result["round"]


def test_simulate_command_rejects_bad_arguments(capsys):
    assert main(["simulate", str(JOB), "--strategy", "candidate"]) == 2
    assert "PARTY=NAME" in capsys.readouterr().err
    assert main(["simulate", str(JOB), "--strategy", "candidate=stubborn"]) == 2
    assert "stubborn" in capsys.readouterr().err
    assert main(["simulate", str(JOB), "--rounds", "0"]) == 2


def test_offers_figure_follows_the_trace():
    model = simulator.load(JOB).model()
    sim = simulate(model, strategies={"candidate": "linear", "employer": "linear"}, rounds=40)
    data = offers_data(sim, model)
    standing = sim.trace[["u_candidate", "u_employer"]].dropna()
    assert data.path.shape == (len(standing), 2)
    assert (data.end is None) == (not sim.agreed)
    ax = plot_offers(sim, model, data=data)
    labels = ax.get_legend_handles_labels()[1]
    assert "static Nash agreement" in labels and "no deal: the reservations" in labels


def test_simulate_command_discounts_and_says_why_not(capsys):
    assert main(["simulate", str(JOB), "--discount", "0.95", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["bargained"] == "discounted" and data["agreed"]
    assert data["discounted"]["employer"] >= 0.4 - 1e-9  # worth more than walking away
    assert main(["simulate", str(JOB), "--discount", "0.95"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "the agents bargain on discounted values" in text
    assert (
        f"discounted (round {data['round']})" in text
        and "Annual salary = 65 thousand euros" in text
    )
    assert main(["simulate", str(JOB), "--discount", "0.95", "--undiscounted", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bargained"] == "undiscounted"
    for bad in ("0", "1.5", "-0.2"):
        assert main(["simulate", str(JOB), "--discount", bad]) == 2
        assert "--discount" in capsys.readouterr().err
    car = ROOT / "scenarios" / "examples" / "used_car.yaml"
    assert main(["simulate", str(car), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["agreed"] is False and "no zone" in data["reason"]
    assert main(["simulate", str(car)]) == 0
    assert "No agreement within 100 rounds: no outcome is acceptable" in " ".join(
        capsys.readouterr().out.split()
    )
