"""Labels are drawn as written (``simulator.plots.text``): a ``$`` is a dollar sign, never
mathtext, in every figure zopa draws (issue 15, "Text that draws")."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.figure import Figure

from simulator import load
from simulator.cli import main
from simulator.plots import (
    plot_compatibility_graph,
    plot_gap,
    plot_package_frequency,
    plot_slack_distribution,
    plot_slack_heatmap,
    plot_tornado,
    plot_utility_space,
)
from simulator.plots.text import literal

matplotlib.use("Agg")

NAME = r"Deal in US$ $\frac{a}{ 50% & more_"
BUYER = "Buyer ($)"
SELLER = r"Seller $\alpha$"
PRICE = "Price (US$ per unit)"

DOLLARS = f"""\
format: 1
name: '{NAME}'
issues:
  price: {{label: '{PRICE}', unit: "$^", range: [0, 10], grid: 3}}
  deal: {{label: 'Deal $x_', options: [a, b]}}
parties:
  buyer:
    label: '{BUYER}'
    reservation: 0.3
    assumption: invented
    issues:
      price: {{weight: 1, points: [[0, 1], [10, 0]]}}
      deal: {{weight: 1, values: {{a: 1, b: 0}}}}
    red_lines:
      - {{issue: price, max: 8}}
  seller:
    label: '{SELLER}'
    reservation: 0.3
    assumption: invented
    issues:
      price: {{weight: 1, ideal: 10}}
      deal: {{weight: 1, values: {{a: 0, b: 1}}}}
"""


@pytest.fixture(scope="module")
def dollars(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dollars") / "dollars.yaml"
    path.write_text(DOLLARS, encoding="utf-8")
    return path


def _drawn_text(fig) -> str:
    """Every text ``fig`` draws, as SVG with text kept as text (one ``<text>`` per line)."""
    import io

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg")
    return unescape(" ".join(re.findall(r"<text[^>]*>(.*?)</text>", buffer.getvalue(), re.S)))


def test_literal_turns_off_mathtext_and_tex_for_every_text():
    fig = Figure()
    ax = fig.subplots()
    ax.set_title(r"a $\frac$ b")
    ax.set_xlabel("US$ 5 and $6")
    ax.plot([0, 1], label="cost ($)")
    ax.legend()
    literal(ax)
    texts = ax.findobj(matplotlib.text.Text)
    assert texts and not any(t.get_parse_math() or t.get_usetex() for t in texts)
    fig.savefig(__import__("io").BytesIO(), format="png")  # mathtext would fail on \frac
    drawn = _drawn_text(fig)
    assert r"a $\frac$ b" in drawn and "US$ 5 and $6" in drawn and "cost ($)" in drawn


def test_every_study_figure_draws_dollars_as_dollars(dollars):
    from simulator.study import solve_scenario

    study = solve_scenario(load(dollars))
    fig = Figure(figsize=(10, 6))
    plot_utility_space(study, "buyer", "seller", ax=fig.subplots())
    drawn = _drawn_text(fig)
    assert NAME in drawn and f"utility to {BUYER}" in drawn and SELLER in drawn
    fig = Figure(figsize=(10, 4))
    plot_gap(study, ax=fig.subplots())
    drawn = _drawn_text(fig)
    assert NAME in drawn and BUYER in drawn and SELLER in drawn


def test_the_graph_and_the_offers_draw_dollars_as_dollars(dollars):
    from simulator.coalitions.explanation import explain
    from simulator.dynamics import simulate
    from simulator.plots.offers import plot_offers

    scenario = load(dollars)
    model = scenario.model()
    fig = Figure(figsize=(9, 8))
    plot_compatibility_graph(explain(model).graph, ax=fig.subplots())
    drawn = _drawn_text(fig)
    assert BUYER in drawn and SELLER in drawn
    sim = simulate(model, "alternating", {}, 20, 1, 0.0, None)
    fig = Figure(figsize=(10, 6))
    plot_offers(sim, model, ax=fig.subplots())
    drawn = _drawn_text(fig)
    assert f"utility to {BUYER}" in drawn and f"utility to {SELLER}" in drawn


def test_the_sweep_figures_draw_dollars_as_dollars(dollars):
    from simulator.sweeps import robustness, sweep

    scenario = load(dollars)
    vary = {
        "parties.buyer.reservation": [0.2, 0.3, 0.4],
        "parties.seller.issues.deal.values.a": [0.0, 0.5],
    }
    df = sweep(scenario, vary)
    df["nash.deal"] = df["nash.deal"].map(lambda v: v if pd.isna(v) else f"US$ {v} $x$")
    r = robustness(df)
    for plot in (
        lambda ax: plot_slack_heatmap(df, *vary, ax=ax),
        lambda ax: plot_slack_distribution(df, ax=ax),
        lambda ax: plot_tornado(r, ax=ax),
        lambda ax: plot_package_frequency(r, ax=ax),
    ):
        fig = Figure(figsize=(8, 6))
        plot(fig.subplots())
        fig.savefig(__import__("io").BytesIO(), format="png")
        texts = fig.findobj(matplotlib.text.Text)
        assert not any(t.get_parse_math() for t in texts if "$" in t.get_text())
    assert "US$ a $x$" in _drawn_text(fig)  # the package labels


@pytest.mark.parametrize("command", ["run", "explain", "simulate"])
def test_out_with_dollars_in_the_labels_writes_every_file(dollars, tmp_path, capsys, command):
    out = tmp_path / "out"
    assert main([command, str(dollars), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4 if command != "run" else len(names) == 6
    assert sum(n.endswith(".png") for n in names) >= 1


def test_the_explorer_draws_dollars_as_dollars(dollars):
    from simulator.explorer import compute_frames

    explorer = compute_frames(load(dollars), frames=2)
    svg = unescape(explorer.frames[0].utility_space + explorer.frames[0].gap_chart)
    assert NAME in svg and BUYER in svg and SELLER in svg
