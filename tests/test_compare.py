"""zopa compare: scenarios side by side against the first, as text, Markdown, JSON and one
figure."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import simulator  # noqa: E402
from simulator.cli import main  # noqa: E402
from simulator.comparison import compare  # noqa: E402
from simulator.plots.compare import compare_data, plot_compare  # noqa: E402
from simulator.report.compare import comparison_document, comparison_json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
UKRAINE = ROOT / "scenarios" / "ukraine"
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
CAR = ROOT / "scenarios" / "examples" / "used_car.yaml"


@pytest.fixture(scope="module")
def trade():
    return compare(
        [
            UKRAINE / "nato_for_article5.yaml",
            UKRAINE / "western_guarantee.yaml",
            UKRAINE / "nato_open_door.yaml",
        ]
    )


def test_changes_are_the_issues_that_differ_from_the_reference(trade):
    assert trade.names == ("nato_for_article5", "western_guarantee", "nato_open_door")
    ref = trade.package(0, "nash")
    western = trade.package(1, "nash")
    expected = tuple(i for i in trade.issues if ref[i] != western[i])
    assert trade.changed(1, "nash") == expected and "guarantors" in expected
    assert western["guarantors"] == "western_only"
    assert trade.package(2, "nash") is None and trade.changed(2, "nash") == ()


def test_text_marks_changes_and_markdown_bolds_them(trade):
    text = comparison_document(trade).text(200)
    assert "* Western guarantors only" in text and "* Russia among" not in text
    assert "closed: red lines clash" in text and "margin 0.171" in text
    assert "Russia's red line \"Ukraine's NATO status is not NATO member or NATO door" in text
    assert "600 thousand troops" in text
    md = comparison_document(trade, markdown=True).markdown()
    assert "**Western guarantors only**" in md and "| nato_for_article5 |" not in md.split("\n")[0]


def test_json_lists_each_scenario_and_the_changes(trade):
    data = comparison_json(trade)
    assert data["reference"] == "nato_for_article5"
    assert [s["scenario"] for s in data["scenarios"]] == list(trade.names)
    assert data["changed"]["nash"]["western_guarantee"] == list(trade.changed(1, "nash"))
    assert data["scenarios"][2]["solutions"]["nash"] is None
    assert data["scenarios"][2]["zone"]["slack"] is None
    json.dumps(data, allow_nan=False)


def test_figure_draws_every_scenario_and_keeps_its_text_inside(trade):
    d = compare_data(trade)
    assert d.names == trade.names and d.slacks[2] is None
    assert len(d.parties) == 4 and all(len(row) == 3 for row in d.nash)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = plot_compare(trade)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.bbox
    drawn = [ax.get_tightbbox(renderer) for ax in fig.axes]  # what each panel really draws
    drawn += [legend.get_window_extent(renderer) for legend in fig.legends]
    drawn += [fig._suptitle.get_window_extent(renderer)] if fig._suptitle else []
    assert fig.legends  # the parties' legend is the figure's, below the panels
    for extent in drawn:
        assert extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1, extent
        assert extent.y0 >= box.y0 - 1 and extent.y1 <= box.y1 + 1, extent


def test_command_prints_and_writes_all_files(tmp_path, capsys):
    assert main(["compare", str(JOB), str(CAR)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "zopa compare: 2 scenarios, against job_offer" in text
    assert "used_car: no zone" in text
    assert main(["compare", str(JOB), str(CAR), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reference"] == "job_offer"
    assert main(["compare", str(JOB), str(CAR), "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("# zopa compare")
    out = tmp_path / "cmp"
    assert main(["compare", str(JOB), str(CAR), "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {
        "compare.md",
        "compare.json",
        "compare.png",
        "compare.svg",
    }
    assert "![each scenario's zone" in (out / "compare.md").read_text(encoding="utf-8")


def test_command_refuses_one_file_and_writing_over_an_input(tmp_path, capsys):
    assert main(["compare", str(JOB)]) == 2
    assert "at least two" in capsys.readouterr().err
    assert main(["compare", str(JOB), str(CAR), "--out", str(JOB)]) == 2  # a file, an input
    assert capsys.readouterr().err.startswith("zopa compare: ")


def test_same_scenario_twice_gets_unique_names():
    twice = compare([JOB, JOB])
    assert twice.names == ("job_offer", "job_offer (2)")
    assert twice.changed(1, "nash") == ()
    assert simulator.compare is compare  # the public API
