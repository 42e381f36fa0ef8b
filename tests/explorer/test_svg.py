"""The explorer's figures written as SVG: the points where their utilities say, the layers and
words of the matplotlib figures, well-formed markup that many figures can share a page with."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.analysis import analyze
from simulator.explorer.svg import GRID, dots_path, gap_svg, text_width, utility_space_svg
from simulator.plots.gap_chart import GapData, gap_data
from simulator.plots.utility_space import (
    KALAI_COLOUR,
    NASH_COLOUR,
    Layer,
    layer_text,
    utility_space_data,
)
from simulator.study import Study
from simulator.sweeps.apply import with_parameters

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def _study(reservation: float) -> Study:
    """The job offer with the candidate's reservation at ``reservation`` (open up to about
    0.9, closed at 1)."""
    job = simulator.load(JOB)
    model = with_parameters(job.model(), {"parties.candidate.reservation": reservation})
    return Study(job, model, analyze(model, ("nash", "kalai")), {})


@pytest.fixture(scope="module")
def open_study() -> Study:
    return _study(0.45)


@pytest.fixture(scope="module")
def closed_study() -> Study:
    return _study(1.0)


def _decode(path: str) -> np.ndarray:
    """The dots of a :func:`dots_path` element, in user units."""
    steps = re.findall(r"m(-?\d+) (-?\d+)h0", re.search(r' d="([^"]*)"', path).group(1))
    return np.cumsum(np.array(steps, dtype=float), axis=0) * GRID


def _paths(svg: str, colour: str) -> list[str]:
    return re.findall(rf'<path [^>]*stroke="{colour}"[^>]*/>', svg)


def _axes(svg: str) -> tuple[np.ndarray, np.ndarray]:
    """The x of the vertical grid lines and the y of the horizontal ones (ticks 0, 0.2, ...)."""
    lines = re.findall(
        r'<line x1="([\d.]+)" x2="([\d.]+)" y1="([\d.]+)" y2="([\d.]+)" stroke="#b0b0b0"', svg
    )
    xs = sorted(float(a) for a, b, c, d in lines if a == b)
    ys = sorted((float(c) for a, b, c, d in lines if c == d), reverse=True)
    return np.array(xs), np.array(ys)


def _pixel(svg: str, u: float, v: float) -> tuple[float, float]:
    """Where the utilities ``(u, v)`` are in the picture, from its grid lines at 0 and 1."""
    xs, ys = _axes(svg)
    return xs[0] + u * (xs[5] - xs[0]), ys[0] + v * (ys[5] - ys[0])


def test_dots_land_where_their_utilities_say(open_study):
    d = utility_space_data(open_study)
    known = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.25], [0.2, 0.9]])
    d = replace(d, outside=Layer(known, 4, 4))
    svg = utility_space_svg(open_study, d, "t-")
    (grey,) = _paths(svg, "#c7c7c7")
    drawn = _decode(grey)
    expected = np.array([_pixel(svg, u, v) for u, v in known])
    order = np.lexsort((expected[:, 0], expected[:, 1]))  # drawn in rows, top to bottom
    assert drawn == pytest.approx(expected[order], abs=GRID / 2 + 0.01)
    xs, _ = _axes(svg)
    assert len(xs) == 6 and np.diff(xs) == pytest.approx(np.diff(xs)[0], abs=0.02)  # 0, 0.2, ..., 1


def test_every_layer_point_is_drawn_once_per_grid_cell():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 500, 2000), rng.uniform(0, 300, 2000)
    drawn = _decode(dots_path(x, y, "#000", 3))
    cells = {(round(a / GRID), round(b / GRID)) for a, b in zip(x, y)}
    assert {(round(a / GRID), round(b / GRID)) for a, b in drawn} == cells
    assert len(drawn) == len(cells)
    assert dots_path(np.zeros(0), np.zeros(0), "#000", 3) == ""


def test_the_reservation_lines_and_the_no_deal_point_sit_at_the_reservations(open_study):
    d = utility_space_data(open_study)
    svg = utility_space_svg(open_study, d, "t-")
    px, py = _pixel(svg, *d.disagreement)
    dashed = re.findall(
        r'<line x1="([\d.]+)" x2="([\d.]+)" y1="([\d.]+)" y2="([\d.]+)" stroke="#444444"', svg
    )
    vertical = [float(a) for a, b, c, e in dashed if a == b]
    horizontal = [float(c) for a, b, c, e in dashed if c == e]
    assert vertical == pytest.approx([px], abs=0.01) and horizontal == pytest.approx([py], abs=0.01)
    square = re.search(r'<rect x="([\d.]+)" y="([\d.]+)" width="7" height="7" fill="#000"/>', svg)
    assert float(square[1]) + 3.5 == pytest.approx(px, abs=0.01)
    assert "Candidate&#x27;s reservation" in svg and "Employer&#x27;s reservation" in svg


def test_an_open_zone_draws_every_layer_and_both_agreements(open_study):
    d = utility_space_data(open_study)
    svg = utility_space_svg(open_study, d, "t-")
    for colour in ("#c7c7c7", "#1f77b4", "#2ca02c"):
        assert len(_paths(svg, colour)) == 1, colour
    assert len(_decode(_paths(svg, "#1f77b4")[0])) == d.zone.drawn == 16
    assert f'fill="{NASH_COLOUR}"' in svg and f'stroke="{KALAI_COLOUR}"' in svg
    assert "<polyline" in svg  # two signatories: the frontier is a curve
    for label in (
        f"possible agreement outside the zone: {layer_text(d.outside)}",
        "acceptable to every signatory (the zone): all 16 drawn",
        "Pareto frontier of the zone: all 5 drawn",
        "both above their reservation",
        "grey in the shaded box: it breaks a red line",
        "no deal: the reservations",
        "Kalai-Smorodinsky agreement",
        "Nash agreement",
    ):
        assert f">{label}</text>" in svg, label
    assert ">Candidate vs Employer:</text>" in svg and ">zone open</text>" in svg
    assert ">utility to Candidate  (0 = worst, 1 = ideal on every issue)</text>" in svg
    assert ">utility to Employer</text>" in svg


def test_a_closed_zone_draws_no_zone_and_no_agreement(closed_study):
    d = utility_space_data(closed_study)
    svg = utility_space_svg(closed_study, d, "t-")
    assert len(_paths(svg, "#c7c7c7")) == 1
    assert not _paths(svg, "#1f77b4") and not _paths(svg, "#2ca02c")
    assert NASH_COLOUR not in svg and KALAI_COLOUR not in svg
    assert ">acceptable to every signatory (the zone): none</text>" in svg
    assert "Nash agreement" not in svg and "Pareto frontier" not in svg
    assert ">no zone: bargaining gap 0.10</text>" in svg


def test_an_open_gap_chart_has_green_bars_from_reservation_to_best(open_study):
    g = gap_data(open_study)
    svg = gap_svg(open_study, g, "t-")
    bars = re.findall(
        r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" [^>]*fill="([^"]+)" fill-opacity', svg
    )
    assert [fill for *_, fill in bars] == ["#2ca02c", "#2ca02c"]
    xs, _ = _axes(svg)  # ticks 0, 0.2, ..., 1.0 on an axis to 1.15
    unit = (xs[5] - xs[0]) / 1.0
    for (x, w, _), r, best in zip(bars, g.reservations, g.reach):
        assert float(x) == pytest.approx(xs[0] + r * unit, abs=0.01)
        assert float(w) == pytest.approx((best - r) * unit, abs=0.02)
        assert f">room {best - r:.2f}</text>" in svg
    assert ">room 0.36</text>" in svg and "short by" not in svg
    assert ">zone open: every signatory can gain at least 0.20</text>" in svg
    assert "would open it alone" not in svg


def test_a_closed_gap_chart_has_red_bars_and_says_what_would_open_it(closed_study):
    svg = gap_svg(closed_study, gap_data(closed_study), "t-")
    assert re.findall(r'fill="(#2ca02c|#d62728)" fill-opacity', svg) == ["#d62728"] * 2
    assert ">short by 0.19</text>" in svg and ">short by 0.32</text>" in svg
    assert "no zone: bargaining gap 0.10" in svg
    assert (
        "would open it alone: Candidate&#x27;s reservation 1; Employer&#x27;s reservation 0.4"
        in svg
    )


def test_a_party_the_others_never_all_accept_is_named_in_red(open_study):
    g = GapData(("A", "B"), (0.5, 0.4), (None, 0.2), False, -0.2, ())
    svg = gap_svg(open_study, g, "t-")
    assert '<text x="' in svg and 'fill="#d62728">the others never all accept</text>' in svg
    g = replace(g, reach=(None, None), slack=None)
    svg = gap_svg(open_study, g, "t-")
    assert svg.count(">no agreement satisfies every red line</text>") == 2
    assert "no zone: the red lines and constraints exclude every agreement" in svg


@pytest.mark.parametrize("which", ["space", "gap"])
def test_figures_are_well_formed_titled_unsized_and_prefixed(open_study, which):
    if which == "space":
        svg = utility_space_svg(open_study, utility_space_data(open_study), "f3u-")
    else:
        svg = gap_svg(open_study, gap_data(open_study), "f3u-")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg" and "viewBox" in root.attrib
    assert "width" not in root.attrib and "height" not in root.attrib
    title = root.find(f"{SVG}title")
    assert title is not None and title.text and root.attrib["aria-labelledby"] == title.get("id")
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert ids and all(i.startswith("f3u-") for i in ids)
    for ref in re.findall(r"url\(#([^)]+)\)", svg):
        assert ref in ids
    texts = [el.text for el in root.iter(f"{SVG}text")]
    assert texts and all(texts)  # text stays text


def test_labels_are_escaped_and_fit_the_picture(tmp_path):
    from tests.explorer.test_page import HOSTILE

    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    study = simulator.solve_scenario(simulator.load(path))
    for svg in (
        utility_space_svg(study, utility_space_data(study), "h-"),
        gap_svg(study, gap_data(study), "h-"),
    ):
        root = ET.fromstring(svg)
        assert "<!--" not in svg and "<script" not in svg
        width = float(root.attrib["viewBox"].split()[2])
        for el in root.iter(f"{SVG}text"):
            if "transform" in el.attrib:
                continue
            x, size = float(el.get("x")), float(el.get("font-size"))
            w = text_width(el.text, size)
            start = {"start": x, "middle": x - w / 2, "end": x - w}[el.get("text-anchor")]
            assert 0 <= start and start + w <= width, el.text
    labels = [el.text for el in root.iter(f"{SVG}text")]  # the gap chart's: read as written
    assert "Buyer <!-- <script>" in labels and any("Seller </script>" in t for t in labels)


def test_text_width_is_dejavu_sans():
    assert text_width("0.0", 10) == pytest.approx(15.9, abs=0.05)
    assert text_width("W", 2048) == 2025 and text_width("\u4e2d", 10) == 10


def test_the_explorer_draws_without_matplotlib():
    code = (
        "import sys, simulator; from simulator.explorer import compute_frames, render_html; "
        f"render_html(compute_frames(simulator.load({str(JOB)!r}), frames=2)); "
        "print('matplotlib' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.split() == ["False"], proc.stderr
