"""The explorer page: one self-contained HTML file; and ``zopa explore``, which writes it."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import simulator
from simulator.cli import main
from simulator.explorer import compute_frames, render_html
from simulator.explorer.page import SLACK_MEANING, format_slack, format_value

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
CAR = ROOT / "scenarios" / "examples" / "used_car.yaml"
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture(scope="module")
def explorer():
    return compute_frames(simulator.load(JOB), frames=5)


@pytest.fixture(scope="module")
def page(explorer) -> str:
    return render_html(explorer)


class Elements(HTMLParser):
    """Every start tag's attributes, with the id of the container it sits in."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict, str | None]] = []
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inside = next((i for _, i in reversed(self._open) if i), None)
        self.tags.append((tag, attributes, inside))
        if tag not in {"meta", "input", "br", "img", "link", "image", "path", "use", "rect"}:
            self._open.append((tag, attributes.get("id")))

    def handle_endtag(self, tag):
        for k in range(len(self._open) - 1, -1, -1):
            if self._open[k][0] == tag:
                del self._open[k:]
                break


def _parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


def test_the_page_references_nothing_outside_itself(page):
    for attr, value in re.findall(r'\s((?:xlink:)?href|src|action|srcset)="([^"]*)"', page):
        assert value.startswith(("#", "data:")), f'{attr}="{value[:60]}"'
    assert set(re.findall(r"https?://[^\"'\s<>)]+", page)) <= NAMESPACES
    assert not re.search(r"<(link|iframe|object|embed|base)\b", page)
    assert "<script src" not in page and "@import" not in page and "@font-face" not in page
    assert all(u.startswith("#") for u in re.findall(r"url\(\s*([^)]*)\)", page))


def test_every_id_is_unique_and_every_reference_resolves(page):
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r'(?:url\(#|href="#)([^)"]+)', page):
        assert ref in ids, ref
    for needed in ("slider", "value", "status", "slack", "utility-space", "gap-chart"):
        assert needed in ids


def test_one_element_per_frame_and_only_the_scenarios_own_is_shown(page, explorer):
    tags = _parse(page).tags
    for container in ("utility-space", "gap-chart", "nash-package"):
        frames = [
            (a["data-frame"], "hidden" in a)
            for _, a, c in tags
            if "data-frame" in a and c == container
        ]
        assert [k for k, _ in frames] == [str(k) for k in range(len(explorer.frames))]
        assert [k for k, hidden in frames if not hidden] == [str(explorer.own_index)]
    assert page.count("<svg") == 2 * len(explorer.frames)


def test_the_slider_is_a_labelled_native_range_at_the_scenarios_value(page, explorer):
    tags = _parse(page).tags
    slider = next(a for t, a, _ in tags if a.get("id") == "slider")
    assert slider["type"] == "range" and slider["min"] == "0"
    assert slider["max"] == str(len(explorer.frames) - 1)
    assert slider["value"] == str(explorer.own_index)
    label = next(a for t, a, _ in tags if t == "label")
    assert label["for"] == "slider"
    assert "Candidate&#x27;s reservation (walk-away utility)" in page


def test_without_javascript_the_page_already_shows_the_scenarios_numbers(page):
    assert '<div id="status" class="open">Zone OPEN</div>' in page
    assert '<div id="slack" class="big">+0.195</div>' in page
    assert '<span id="value">0.45</span>' in page
    assert "the scenario&#x27;s own value" in page
    assert "16 of 42 possible agreements" in page
    assert "slack" in page.lower() and "bargaining gap" in page


def test_the_frame_data_matches_the_frames(page, explorer):
    text = re.search(r'<script type="application/json" id="frame-data">(.*?)</script>', page, re.S)
    data = json.loads(text.group(1))
    assert len(data) == len(explorer.frames)
    assert [d["open"] for d in data] == [f.exists for f in explorer.frames]
    assert [d["text"]["slack"] for d in data] == [format_slack(f.slack) for f in explorer.frames]
    assert data[-1]["text"]["status"] == "Zone CLOSED"
    assert data[-1]["text"]["slack"].endswith("(gap)")
    for d in data:  # every text goes to an element of the page
        assert all(f'id="{key}"' in page for key in d["text"])
    assert [d["own"] for d in data] == [f.own for f in explorer.frames]


def test_text_from_the_scenario_is_escaped(explorer):
    from dataclasses import replace

    hostile = replace(explorer, name="<b>deal</b>", description="a </script> & more")
    page = render_html(hostile)
    assert "<b>deal</b>" not in page and "&lt;b&gt;deal&lt;/b&gt;" in page
    assert page.count("</script>") == 2  # the JSON and the script, nothing else closes one


HOSTILE = """\
format: 1
name: "a <!-- b <script> c </script> d & e"
description: "ends a comment --> and a </script> here"
issues:
  price: {label: "Price <!--", unit: "</script><script>alert(1)</script>", range: [0, 10],
          grid: 3}
  deal: {label: "Deal <script>", options: [a, b]}
parties:
  buyer:
    label: "Buyer <!-- <script>"
    reservation: 0.3
    assumption: invented
    issues:
      price: {weight: 1, points: [[0, 1], [10, 0]]}
      deal: {weight: 1, values: {a: 1, b: 0}}
  seller:
    label: "Seller </script> \\u2028 & \u2029 >"
    reservation: 0.3
    assumption: invented
    issues:
      price: {weight: 1, ideal: 10}
      deal: {weight: 1, values: {a: 0, b: 1}}
"""


def test_labels_that_open_comments_or_scripts_cannot_break_the_page(tmp_path):
    from simulator.explorer.page import _texts

    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(HOSTILE, encoding="utf-8")
    explorer = compute_frames(simulator.load(scenario), frames=3)
    assert "<!-- <script>" in explorer.party_labels["buyer"]
    page = render_html(explorer)
    # exactly the page's two scripts, each closed once; no comment anywhere
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "<!--" not in page
    payload = re.search(
        r'<script type="application/json" id="frame-data">(.*?)</script>', page, re.S
    ).group(1)
    assert not set(payload) & {"<", ">", "&", "\u2028", "\u2029"}
    expected = [
        {"open": f.exists, "own": f.own, "text": _texts(explorer, f)} for f in explorer.frames
    ]
    assert json.loads(payload) == expected  # the same data, every label as written
    assert any("Buyer <!-- <script>" in d["text"]["nash"] for d in expected)
    assert any("Seller </script>" in d["text"]["nash"] for d in expected)


def test_script_json_escapes_what_html_reads_in_a_script():
    from simulator.explorer.page import script_json

    data = {"k<!--": ["<script>", "</script>", "a & b > c", "\u2028\u2029"]}
    text = script_json(data)
    assert json.loads(text) == data
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}


@pytest.mark.parametrize(
    "value, text", [(0.45, "0.45"), (1 / 3, "0.333"), (65.0, "65"), (-0.5, "\u22120.5")]
)
def test_values_read_as_people_write_them(value, text):
    assert format_value(value) == text


def test_slack_reads_as_margin_gap_or_nothing():
    assert format_slack(0.0) == "+0.000"
    assert format_slack(-0.2) == "\u22120.200 (gap)"
    assert format_slack(None) == "no agreement obeys every red line"


# -- the command line ------------------------------------------------------------------------


def test_zopa_explore_writes_the_page(tmp_path, capsys):
    out = tmp_path / "explorer.html"
    assert main(["explore", str(CAR), "-o", str(out), "--frames", "3"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"Wrote {out}: 3 frames of parties.seller.reservation, 1 with an open")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count('class="frame" data-frame=') == 6


def test_zopa_explore_takes_a_parameter_values_and_a_pair(tmp_path, capsys):
    out = tmp_path / "x.html"
    args = ["explore", str(JOB), "-o", str(out), "--parameter"]
    args += ["parties.employer.issues.salary.ideal", "--values", "50,65,80"]
    args += ["--x", "employer", "--y", "candidate"]
    assert main(args) == 0
    assert "3 frames of parties.employer.issues.salary.ideal" in capsys.readouterr().out
    assert "Employer&#x27;s ideal point on Annual salary (thousand euros)" in out.read_text()


def test_zopa_explore_range_keeps_the_scenarios_value(tmp_path, capsys):
    out = tmp_path / "x.html"
    assert main(["explore", str(JOB), "-o", str(out), "--range", "0.3:0.9", "--frames", "4"]) == 0
    assert "4 frames" in capsys.readouterr().out
    assert "\u25c6 the scenario&#x27;s own value" in out.read_text()


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--parameter", "parties.nobody.reservation"], "no party 'nobody'"),
        (["--parameter", "parties.candidate.salary"], "not a parameter"),
        (["--party", "nobody"], "no party 'nobody'"),
        (["--values", "0.1,abc"], "expected numbers"),
        (["--range", "0.5"], "expected LOW:HIGH"),
        (["--range", "0.9:0.1"], "is empty"),
        (["--frames", "0"], "at least 1"),
        (["--x", "nobody"], "no party 'nobody' to draw"),
        (["--parameter", "parties.employer.power", "--values", "0,1"], "must be positive"),
    ],
)
def test_zopa_explore_bad_input_exits_2(tmp_path, capsys, extra, message):
    out = tmp_path / "x.html"
    assert main(["explore", str(JOB), "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zopa explore: ") and message in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_zopa_explore_missing_file_or_unwritable_output_exits_2(tmp_path, capsys):
    assert main(["explore", str(tmp_path / "none.yaml"), "-o", str(tmp_path / "x.html")]) == 2
    bad = tmp_path / "no" / "such" / "dir" / "x.html"
    assert main(["explore", str(CAR), "-o", str(bad), "--values", "0.5"]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_zopa_explore_needs_an_output(capsys):
    with pytest.raises(SystemExit) as info:
        main(["explore", str(JOB)])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        main(["explore", str(JOB), "-o", "x.html", "--values", "1", "--range", "0:1"])


def test_the_sticky_panel_holds_the_slider_and_the_readings_only(page):
    """What stays on screen while the pictures scroll under it: the slider, the value, the
    zone's status and the slack; the explanations scroll away with the page, so that the
    panel is short enough for the picture to fit under it (the browser test measures it)."""
    tags = _parse(page).tags
    panel = page[page.index('<div class="panel"') : page.index("<noscript>")]
    for needed in ('id="slider"', 'id="value"', 'id="status"', 'id="slack"'):
        assert needed in panel
    for explanation in ('id="status-note"', 'id="count"', 'id="nash"', SLACK_MEANING[:40]):
        assert explanation not in panel
    assert ".panel { position: sticky" in page
    assert "max-height: calc(100vh - var(--bar" in page  # a picture never taller than the rest
    assert any(a.get("id") == "count" for _, a, _ in tags)
