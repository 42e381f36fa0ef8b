"""``zopa explain``: the report in plain words, its JSON, the files of --out, bad input."""

from __future__ import annotations

import json

import pytest

from simulator.cli import main

OPEN_DOOR = "scenarios/ukraine/nato_open_door.yaml"


@pytest.fixture(scope="module")
def open_door_json():
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["explain", OPEN_DOOR, "--json"]) == 0
    return json.loads(buf.getvalue())


def test_explain_finds_the_nato_for_guarantee_deal(open_door_json):
    """Kyiv's NATO path closes the zone; the tool finds, unprompted, that settling NATO at
    non-alignment opens it, and that its agreement carries an Article-5-like guarantee."""
    data = open_door_json
    assert data["zone"]["exists"] is False
    assert data["graph"]["veto_players"] == ["russia"]
    first = data["packages"]["ranked"][0]
    assert first["concessions"] == [
        {
            "kind": "fix",
            "party": "ukraine",
            "amount": pytest.approx(first["cost"]),
            "rule": "nato_status in [member, open_door]",
            "issue": "nato_status",
            "level": "non_aligned_by_law",
        }
    ]
    assert first["nash"]["security_guarantee"] == "article5_like"
    assert first["slack"] > 0 and first["count"] > 0
    # the logroll behind it, found among Russia and Ukraine's trades, flagged as outside the pin
    (ru_ua,) = [p for p in data["logrolls"] if p["parties"] == ["russia", "ukraine"]]
    best = ru_ua["trades"][0]
    moves = {m["issue"]: m for m in best["moves"]}
    assert moves["nato_status"]["to"] in ("non_aligned_by_law", "neutral_in_constitution")
    assert moves["security_guarantee"]["to"] == "article5_like"
    assert best["outside_constraints"] == ["nato_status in [member, open_door]"]
    assert all(g > 0 for g in best["gains"].values())


def test_explain_text_reads_in_plain_words(capsys):
    assert main(["explain", "scenarios/examples/used_car.yaml"]) == 0
    out = capsys.readouterr().out
    assert "CLOSED: the best compromise still leaves some signatory 0.075 short" in out
    assert "1. Buyer lowers its reservation by 0.075 (from 0.550 to 0.475)." in out
    assert "Who could agree with whom" in out and "Trades that raise both" in out


def test_explain_open_zone(capsys):
    assert main(["explain", "scenarios/examples/river_treaty.yaml"]) == 0
    out = capsys.readouterr().out
    assert "OPEN:" in out and "Nothing needs to: the zone is open." in out
    assert "no veto players" in out


def test_explain_out_writes_report_json_and_graph(tmp_path, capsys):
    out = tmp_path / "explained"
    assert main(["explain", "scenarios/examples/river_treaty.yaml", "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "compatibility_graph.png",
        "compatibility_graph.svg",
        "explain.json",
        "explain.md",
    ]
    md = (out / "explain.md").read_text()
    assert md.startswith("# zopa explain:") and "](compatibility_graph.png)" in md
    assert (out / "compatibility_graph.png").stat().st_size > 10_000
    assert json.loads((out / "explain.json").read_text())["zone"]["exists"] is True


@pytest.mark.parametrize(
    "args, message",
    [
        (["--max-size", "0"], "--max-size must be at least 1"),
        (["--top", "0"], "--top must be at least 1"),
    ],
)
def test_explain_bad_options_exit_2(args, message, capsys):
    assert main(["explain", "scenarios/examples/used_car.yaml", *args]) == 2
    assert message in capsys.readouterr().err


def test_explain_bad_scenario_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nname: x\nissues: 3\n")
    assert main(["explain", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:3" in err and "Traceback" not in err


def test_explain_space_too_large_exits_2(tmp_path, capsys):
    """The graph and the package finder enumerate: a space over max_outcomes is refused."""
    from tests.test_cli import GOOD, write

    assert main(["explain", str(write(tmp_path, GOOD + "solve: {max_outcomes: 5}\n"))]) == 2
    assert "9 outcomes" in capsys.readouterr().err
