"""Figures name things as the scenario does and keep their colours apart (issue 18): the
tornado chart and the heat map use the parties', issues' and options' labels; no party's
offers share a colour with the Nash star; the gap chart names red lines in words."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from matplotlib.colors import same_color  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import simulator  # noqa: E402
from simulator.dynamics import simulate  # noqa: E402
from simulator.plots.gap_chart import gap_data  # noqa: E402
from simulator.plots.offers import PALETTE, offers_data, plot_offers  # noqa: E402
from simulator.plots.sweep_plots import (  # noqa: E402
    parameter_label,
    plot_tornado,
    slack_heatmap_data,
    tornado_data,
)
from simulator.plots.utility_space import KALAI_COLOUR, NASH_COLOUR  # noqa: E402
from simulator.sweeps import Robustness  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
UKRAINE = ROOT / "scenarios" / "ukraine"
RIVER = ROOT / "scenarios" / "examples" / "river_treaty.yaml"
EUROPE = "parties.european_coalition.reservation"
NATO = "parties.russia.issues.nato_status.values.open_door"


@pytest.fixture(scope="module")
def base():
    return simulator.load(UKRAINE / "base.yaml", env={})


def test_parameter_labels_are_the_scenarios(base):
    assert parameter_label(EUROPE) == "European Coalition: reservation"  # from the path alone
    assert parameter_label(EUROPE, base) == "European coalition (France, UK, Germany): reservation"
    assert parameter_label(NATO, base) == (
        "Russia: value of Ukraine's NATO status = NATO door left open"
    )
    assert parameter_label("parties.ukraine.issues.army_cap.weight", base) == (
        "Ukraine: weight of Ceiling on Ukraine's armed forces"
    )
    assert parameter_label("parties.russia.issues.army_cap.points[1][0]", base.model()) == (
        "Russia: Ceiling on Ukraine's armed forces, breakpoint 2"
    )


def test_the_tornado_prints_the_partys_label(base):
    sens = pd.DataFrame({"parameter": [EUROPE, NATO], "spearman": [0.5, -0.3], "abs": [0.5, 0.3]})
    rob = Robustness(10, 0.5, pd.DataFrame(), sens)
    assert tornado_data(rob, scenario=base).labels[0].startswith("European coalition (France,")
    ax = plot_tornado(rob, ax=Figure().subplots(), scenario=base)
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert ticks[0] == "European coalition (France, UK, Germany): reservation"
    assert not any("European Coalition" in t for t in ticks)


def test_the_heatmap_axes_use_the_labels(base):
    df = pd.DataFrame(
        {EUROPE: [0.3, 0.3, 0.5, 0.5], NATO: [0.0, 1.0, 0.0, 1.0], "slack": [0.1, -0.1, 0, 0.2]}
    )
    d = slack_heatmap_data(df, EUROPE, NATO, scenario=base)
    assert d.xlabel.startswith("European coalition (France, UK, Germany)")


def test_no_speaker_shares_a_colour_with_a_solution():
    for colour in PALETTE:
        assert not same_color(colour, NASH_COLOUR) and not same_color(colour, KALAI_COLOUR)
    assert len(set(PALETTE)) == len(PALETTE)


def test_each_offer_is_coloured_by_who_made_it_and_never_as_the_nash_star():
    model = simulator.load(RIVER).model()
    sim = simulate(model, rounds=30, seed=1)
    d = offers_data(sim, model)
    trace = sim.trace.loc[sim.trace[["u_upstream", "u_midstream"]].notna().all(axis=1)]
    # an accept keeps the standing offer: its point belongs to whoever made that offer
    made = trace["proposer"].where(trace["action"].isin(["offer", "text"])).ffill()
    assert list(d.proposers) == list(made.fillna(trace["proposer"]))
    assert "accept" in set(trace["action"])  # the case that used to be mislabelled
    ax = plot_offers(sim, model, ax=Figure().subplots(), data=d)
    star = next(line for line in ax.lines if line.get_marker() == "*")
    for dots in ax.collections:  # one scatter per speaker
        for colour in np.unique(dots.get_facecolor(), axis=0):
            assert not same_color(colour, star.get_markerfacecolor())
    labels = ax.get_legend_handles_labels()[1]
    assert all(not label.endswith("spoke") for label in labels)
    assert "standing offer made by Upstream state" in labels


def test_the_gap_chart_names_a_red_line_in_words():
    study = simulator.solve_scenario(
        simulator.load(UKRAINE / "nato_open_door.yaml", env={}), near=None
    )
    (opener,) = gap_data(study).openers
    assert opener.startswith("Russia's red line \"Ukraine's NATO status is not NATO member")
    assert "not_in" not in opener
