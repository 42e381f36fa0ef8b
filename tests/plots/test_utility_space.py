"""The utility-space figure draws a faithful sample of each layer and says what it draws."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

import simulator  # noqa: E402
from simulator.analysis import analyze  # noqa: E402
from simulator.model.compiled import ACCEPT_ATOL  # noqa: E402
from simulator.plots import utility_space as us  # noqa: E402
from simulator.plots.files import write_figures  # noqa: E402
from simulator.study import Study  # noqa: E402
from simulator.sweeps.apply import with_parameters  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "scenarios" / "examples"
RIVER = EXAMPLES / "river_treaty.yaml"  # three signatories, red lines and a constraint
JOB = EXAMPLES / "job_offer.yaml"
TRADE = ROOT / "scenarios" / "ukraine" / "nato_for_article5.yaml"


@pytest.fixture(scope="module")
def river():
    return simulator.solve_scenario(simulator.load(RIVER), near=None)


def _truth(study: Study, x: str, y: str) -> dict:
    """Every outcome of the space, by brute force: its (x, y) utilities per layer."""
    model = study.model
    levels = model.space.levels(0, model.space.count)
    u = model.utilities(levels)
    s = model.signatories
    allowed = model.constraint_mask(levels)
    acceptable = (
        allowed
        & ~model.red_line_breaks(levels)[:, model.signatory_lines].any(axis=1)
        & (u[:, s] >= model.reservations[s] - ACCEPT_ATOL).all(axis=1)
    )
    cols = [model.party_names.index(x), model.party_names.index(y)]
    return {
        "outside": u[allowed & ~acceptable][:, cols],
        "zone": u[acceptable][:, cols],
        "ruled_out": int((~allowed).sum()),
    }


def _rows(points: np.ndarray) -> Counter:
    return Counter(map(tuple, np.round(points, 9)))


def _said(label: str) -> tuple[int, int]:
    """(drawn, size) as a legend label states them."""
    if label.endswith(": none"):
        return 0, 0
    if m := re.search(r"all ([\d,]+) drawn", label):
        n = int(m[1].replace(",", ""))
        return n, n
    m = re.search(r"([\d,]+) of (?:about )?([\d,]+) drawn", label)
    assert m, label
    return int(m[1].replace(",", "")), int(m[2].replace(",", ""))


def _legend(ax) -> dict[str, tuple]:
    """Each layer's legend label and the artist that draws it."""
    handles, labels = ax.get_legend_handles_labels()
    out = {}
    for handle, label in zip(handles, labels):
        for key, start in (
            ("outside", "possible agreement outside the zone"),
            ("zone", "acceptable to every signatory"),
            ("frontier", "Pareto frontier"),
            ("ruled_out", "not drawn:"),
        ):
            if label.startswith(start):
                out[key] = (label, handle)
    return out


@pytest.mark.parametrize("cap", [40, us.MAX_POINTS])
def test_each_layer_is_a_uniform_sample_of_the_true_layer(river, cap):
    x, y = "upstream", "midstream"
    d = us.utility_space_data(river, x, y, max_points=cap)
    truth = _truth(river, x, y)
    assert d.total == river.model.space.count
    assert d.ruled_out == truth["ruled_out"] > 0
    assert d.zone.size == len(truth["zone"]) == river.analysis.zone.count
    assert d.outside.size == len(truth["outside"])
    assert d.outside.size + d.zone.size + d.ruled_out == d.total
    for name in ("outside", "zone"):
        layer = getattr(d, name)
        assert layer.exact and layer.drawn == len(layer.points) == min(cap, layer.size)
        # drawn without replacement from the layer: no row more often than it is there
        assert not _rows(layer.points) - _rows(truth[name])
    assert d.frontier.size == river.analysis.pareto.count == d.frontier.drawn
    assert _rows(d.frontier.points) == _rows(river.analysis.pareto.utilities[:, [0, 1]])


def test_sampling_is_seeded_and_reaches_every_outcome(river):
    x, y = "upstream", "downstream"
    a = us.utility_space_data(river, x, y, seed=1, max_points=10)
    b = us.utility_space_data(river, x, y, seed=1, max_points=10)
    assert np.array_equal(a.outside.points, b.outside.points)
    seen = Counter()
    for seed in range(60):
        seen += _rows(us.utility_space_data(river, x, y, seed=seed, max_points=10).zone.points)
    assert set(seen) == set(_rows(_truth(river, x, y)["zone"]))  # no outcome left out


@pytest.mark.parametrize("cap", [40, us.MAX_POINTS])
def test_the_legend_says_how_many_of_how_many_each_layer_draws(river, cap):
    d = us.utility_space_data(river, "upstream", "midstream", max_points=cap)
    ax = us.plot_utility_space(river, ax=Figure().subplots(), data=d)
    legend = _legend(ax)
    for name in ("outside", "zone", "frontier"):
        label, artist = legend[name]
        layer = getattr(d, name)
        assert _said(label) == (layer.drawn, layer.size), label
        drawn = artist.get_offsets() if name != "frontier" else artist.get_xydata()
        assert len(drawn) == len(layer.points)  # the label counts what the artist draws
    assert legend["outside"][0] == (
        "possible agreement outside the zone: "
        + (f"40 of {d.outside.size:,} drawn" if cap == 40 else f"all {d.outside.size:,} drawn")
    )
    assert legend["ruled_out"][0] == f"not drawn: {d.ruled_out:,} outcomes the constraints rule out"


def test_without_constraints_nothing_is_ruled_out():
    study = simulator.solve_scenario(simulator.load(JOB), near=None)
    d = us.utility_space_data(study)
    assert d.ruled_out == 0 and d.outside.size + d.zone.size == d.total
    assert "ruled_out" not in _legend(us.plot_utility_space(study, ax=Figure().subplots()))


def test_a_space_too_large_to_count_is_estimated_and_says_about(river, monkeypatch):
    monkeypatch.setattr(us, "EXACT_LIMIT", 10)
    milp = dataclasses.replace(river, analysis=dataclasses.replace(river.analysis, method="milp"))
    d = us.utility_space_data(milp, max_points=200)
    assert not d.outside.exact and d.zone.exact  # the zone's size is the analysis's count
    assert d.zone.size == river.analysis.zone.count
    assert d.outside.size + d.zone.size + d.ruled_out == d.total
    labels = _legend(us.plot_utility_space(milp, ax=Figure().subplots(), data=d))
    assert " of about " in labels["outside"][0]
    assert labels["ruled_out"][0].startswith("not drawn: about ")


def test_the_ukraine_trade_draws_its_whole_zone_and_counts_what_the_constraints_allow():
    """The issue's case: 2.2 million outcomes, most ruled out by the constraints, a zone of
    thousands; a sample of the whole space drew about thirty of them."""
    study = simulator.solve_scenario(simulator.load(TRADE, env={}), near=None)
    model = study.model
    allowed = sum(int(model.constraint_mask(lv).sum()) for _, lv in model.space.chunks())
    d = us.utility_space_data(study, "russia", "ukraine")
    assert d.ruled_out == model.space.count - allowed > 0
    assert d.zone.size == study.analysis.zone.count == d.zone.drawn  # all of the zone
    assert d.outside.size == allowed - d.zone.size
    assert d.outside.drawn == us.MAX_POINTS < d.outside.size
    legend = _legend(us.plot_utility_space(study, "russia", "ukraine", ax=Figure().subplots()))
    assert legend["zone"][0].endswith(f": all {d.zone.size:,} drawn")
    assert legend["outside"][0].endswith(f": {us.MAX_POINTS:,} of {d.outside.size:,} drawn")


def _at(study: Study, path: str, value: float) -> Study:
    """``study`` with one number changed, solved again."""
    model = with_parameters(study.model, {path: value})
    return Study(study.scenario, model, analyze(model, ("nash", "kalai")), {})


def _renderer(fig):
    """Draw ``fig`` (as a PNG would be) and return its renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _inside(artist, box, renderer, slack: float = 1.0) -> bool:
    e = artist.get_window_extent(renderer)
    return (
        e.x0 >= box.x0 - slack
        and e.y0 >= box.y0 - slack
        and e.x1 <= box.x1 + slack
        and e.y1 <= box.y1 + slack
    )


@pytest.mark.parametrize("reservation", [0.0, 0.5, 1.0])
def test_the_reservation_labels_stay_inside_the_axes(reservation):
    job = simulator.solve_scenario(simulator.load(JOB), near=None)
    study = _at(
        _at(job, "parties.candidate.reservation", reservation),
        "parties.employer.reservation",
        reservation,
    )
    fig = Figure(figsize=(6, 5))
    ax = us.plot_utility_space(study, ax=fig.subplots(), legend=False)
    renderer = _renderer(fig)
    names = [t for t in ax.texts if t.get_text().endswith("'s reservation")]
    assert len(names) == 2
    for text in names:
        assert _inside(text, ax.get_window_extent(renderer), renderer), text.get_text()


@pytest.mark.parametrize("scenario", [JOB, RIVER], ids=["two", "three"])
def test_every_text_of_the_written_figure_is_inside_it(tmp_path, scenario, monkeypatch):
    """``zopa run --out``'s utility-space figure: the legend and every label inside the
    figure, the legend clear of the panels."""
    saved = []
    monkeypatch.setattr(
        "simulator.plots.files._save", lambda fig, out, stem: saved.append(fig) or []
    )
    study = simulator.solve_scenario(simulator.load(scenario), near=None)
    write_figures(study, tmp_path)
    fig = saved[0]
    renderer = _renderer(fig)
    drawn = fig.get_tightbbox(renderer)  # inches: everything drawn, texts and legends too
    width, height = fig.get_size_inches()
    assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01
    assert drawn.x1 <= width + 0.01 and drawn.y1 <= height + 0.01
    for legend in fig.legends:  # one legend for all panels: below them, not over them
        top = legend.get_window_extent(renderer).y1
        for ax in fig.axes:
            if ax.get_visible():
                assert top <= ax.get_tightbbox(renderer).y0 + 1
