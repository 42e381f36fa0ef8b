"""The sweep figures: each plot function returns an Axes with the expected artists."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from simulator.plots.sweep_plots import (  # noqa: E402
    GAP,
    MARGIN,
    package_frequency_data,
    parameter_label,
    plot_package_frequency,
    plot_slack_distribution,
    plot_slack_heatmap,
    plot_tornado,
    slack_distribution_data,
    slack_heatmap_data,
    tornado_data,
)
from simulator.scenario import load  # noqa: E402
from simulator.sweeps import robustness, sweep  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
CAND, EMP = "parties.candidate.reservation", "parties.employer.reservation"


@pytest.fixture(scope="module")
def job():
    return load(JOB)


@pytest.fixture(scope="module")
def grid_df(job):
    """A 5 x 4 grid of the two reservations: the zone opens and closes on it."""
    return sweep(
        job, {CAND: [0.2, 0.4, 0.6, 0.8, 0.95], EMP: [0.2, 0.4, 0.6, 0.8]}, concepts=["nash"]
    )


@pytest.fixture(scope="module")
def three_df(job):
    """Three parameters on a grid, so the ranking has a known order."""
    return sweep(
        job,
        {
            CAND: [0.3, 0.5, 0.7, 0.9],
            EMP: [0.3, 0.5],
            "parties.employer.issues.salary.weight": [0.6, 0.61],
        },
        concepts=["nash"],
    )


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _contours(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def test_parameter_label():
    assert parameter_label(CAND) == "Candidate: reservation"
    assert parameter_label("parties.employer.issues.salary.weight") == "Employer: weight of salary"
    assert parameter_label("parties.a.issues.x.points[1][1]") == "A: x, value at point 2"


def test_heatmap_data_is_the_grid(grid_df):
    d = slack_heatmap_data(grid_df, CAND, EMP)
    assert d.xs.tolist() == [0.2, 0.4, 0.6, 0.8, 0.95]
    assert d.ys.tolist() == [0.2, 0.4, 0.6, 0.8]
    assert d.slack.shape == (4, 5)
    row = grid_df[(grid_df[CAND] == 0.6) & (grid_df[EMP] == 0.4)]
    assert d.slack[1, 2] == pytest.approx(float(row["slack"].iloc[0]))
    assert d.changes_sign and d.runs_per_cell == 1
    assert d.xlabel == "Candidate: reservation" and d.ylabel == "Employer: reservation"


def test_heatmap_draws_the_boundary_at_zero(grid_df):
    ax = plot_slack_heatmap(grid_df, CAND, EMP)
    assert isinstance(ax, plt.Axes)
    assert len(ax.collections) >= 1  # the cells
    (contour,) = _contours(ax)
    assert list(contour.levels) == [0.0]
    assert ax.get_xlabel() == "Candidate: reservation"
    assert "slack = 0" in [t.get_text() for t in ax.texts]  # the contour's label
    assert len(ax.figure.axes) == 2  # the heat map and its colour bar


def test_heatmap_without_sign_change_has_no_contour(job):
    df = sweep(job, {CAND: [0.2, 0.3], EMP: [0.2, 0.3]}, concepts=["nash"])
    assert (df["slack"] > 0).all()
    _, ax = plt.subplots()
    assert plot_slack_heatmap(df, CAND, EMP, ax=ax) is ax
    assert _contours(ax) == []


def test_heatmap_rejects_unswept_parameter(grid_df):
    with pytest.raises(ValueError, match="not a column"):
        slack_heatmap_data(grid_df, CAND, "parties.employer.power")


def test_tornado_one_bar_per_parameter_in_ranking_order(three_df):
    r = robustness(three_df)
    d = tornado_data(r)
    assert d.parameters == tuple(r.sensitivity["parameter"])
    assert d.parameters[0] == CAND
    ax = plot_tornado(r)
    bars = ax.patches
    assert len(bars) == 3
    # largest on top: bars' y decreases down the ranking, widths are the correlations
    ys = [b.get_y() for b in bars]
    assert ys == sorted(ys, reverse=True)
    assert [b.get_width() for b in bars] == pytest.approx(list(r.sensitivity["spearman"]))
    at = {t.get_position()[1]: t.get_text() for t in ax.get_yticklabels()}
    assert [at[y] for y in sorted(at, reverse=True)] == list(d.labels)
    assert "Spearman" in ax.get_xlabel() and "Spearman" in ax.get_title()
    # the sign is shown by colour: red narrows the zone, blue widens it
    for bar, rho in zip(bars, r.sensitivity["spearman"]):
        assert bar.get_facecolor() == to_rgba(MARGIN if rho >= 0 else GAP)


def test_slack_distribution(grid_df):
    d = slack_distribution_data(grid_df)
    assert d.runs == len(grid_df) and d.p_zone == pytest.approx(grid_df["exists"].mean())
    ax = plot_slack_distribution(grid_df)
    assert f"{d.p_zone:.0%}" in ax.get_title()
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == len(grid_df)  # every run is in a bar
    zero = [ln for ln in ax.lines if list(ln.get_xdata()) == [0, 0]]
    assert len(zero) == 1


def test_package_frequency(job):
    df = sweep(job, {CAND: np.linspace(0.2, 0.7, 11), EMP: [0.2, 0.4]}, concepts=["nash"])
    r = robustness(df, top=4)
    d = package_frequency_data(r)
    assert len(d.labels) == len(r.packages) == 4
    assert d.labels[0].startswith("most frequent")
    assert all(label.startswith("as the top one but") for label in d.labels[1:])
    assert "salary" in d.varying
    ax = plot_package_frequency(r)
    bars = ax.patches
    assert [b.get_width() for b in bars] == pytest.approx(list(r.packages["share"]))
    ys = [b.get_y() for b in bars]
    assert ys == sorted(ys, reverse=True)  # most frequent on top
    texts = [t.get_text() for t in ax.texts]
    assert any("%" in t and "runs" in t for t in texts)


def test_tornado_colours_by_sign():
    import pandas as pd

    from simulator.sweeps import Robustness

    sens = pd.DataFrame({"parameter": [CAND, EMP], "spearman": [0.5, -0.3], "abs": [0.5, 0.3]})
    ax = plot_tornado(Robustness(10, 0.5, pd.DataFrame(), sens))
    assert [b.get_facecolor() for b in ax.patches] == [to_rgba(MARGIN), to_rgba(GAP)]
    assert [b.get_width() for b in ax.patches] == [0.5, -0.3]
