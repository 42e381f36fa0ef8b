"""zopa evaluate: starting from a solution, and naming the constraints an agreement breaks."""

from __future__ import annotations

import json
from pathlib import Path

import simulator
from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "ukraine" / "baseline.yaml"

CAPPED = """\
format: 1
name: a capped budget
issues:
  budget: {range: [0, 100], grid: 11, unit: million euros}
  venue: {options: [geneva, vienna, oslo]}
parties:
  a:
    reservation: 0.1
    assumption: test
    issues: {budget: {weight: 1, ideal: 100}, venue: {weight: 1, values: {geneva: 1, vienna: 0.5, oslo: 0}}}
  b:
    reservation: 0.1
    assumption: test
    issues: {budget: {weight: 1, ideal: 0}, venue: {weight: 1, values: {geneva: 0, vienna: 0.5, oslo: 1}}}
constraints:
  small_in_oslo:
    if: {issue: venue, in: [oslo]}
    then: {issue: budget, max: 50}
    description: the host city caps the budget
"""


def test_solution_with_one_issue_changed(capsys):
    nash = simulator.analyze(simulator.load(BASELINE).model(), ["nash"]).solutions["nash"]
    assert main(["evaluate", str(BASELINE), "--solution", "nash", "--json"]) == 0
    same = json.loads(capsys.readouterr().out)
    assert same["open_issues"] == [] and same["agreed"] is True
    assert same["utilities"]["russia"] == nash.utilities["russia"]
    args = ["evaluate", str(BASELINE), "--solution", "nash", "--set", "guarantors=western_only"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert text.startswith("the Nash solution with Who guarantees: Western guarantors only")
    assert "Who guarantees: Western guarantors only" in " ".join(text.split())
    assert main([*args, "--json"]) == 0
    changed = json.loads(capsys.readouterr().out)
    assert changed["utilities"]["russia"] < nash.utilities["russia"]


def test_starting_point_is_required_and_a_closed_zone_has_no_solution(capsys):
    assert main(["evaluate", str(BASELINE)]) == 2
    assert "--solution" in capsys.readouterr().err
    car = ROOT / "scenarios" / "examples" / "used_car.yaml"
    assert main(["evaluate", str(car), "--solution", "kalai"]) == 2
    assert "no zone" in capsys.readouterr().err


def test_broken_constraint_is_named_in_text_and_json(tmp_path, capsys):
    path = tmp_path / "capped.yaml"
    path.write_text(CAPPED, encoding="utf-8")
    rule = "if venue in [oslo] then budget <= 50 (small_in_oslo: the host city caps the budget)"
    assert main(["evaluate", str(path), "--set", "venue=oslo", "--set", "budget=80"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "not an agreement: it breaks a constraint" in text
    words = "if venue is oslo, then budget at most 50 million euros (small_in_oslo: the host city"
    assert f"Breaks the scenario's constraint \"{words}" in text
    assert main(["evaluate", str(path), "--set", "venue=oslo", "--set", "budget=80", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["broken_constraints"] == [rule] and data["agreed"] is False
    assert data["maybe_broken_constraints"] == []
    assert main(["evaluate", str(path), "--set", "venue=oslo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["broken_constraints"] == [] and data["maybe_broken_constraints"] == [rule]
    assert main(["evaluate", str(path), "--set", "venue=vienna", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["broken_constraints"] == data["maybe_broken_constraints"] == []


def test_named_red_lines_carry_their_name_into_reports():
    scenario = simulator.load(BASELINE)
    russia = scenario.parties[0]
    assert [r.name for r in russia.red_lines] == [
        "no_nato_path",
        "no_withdrawal",
        "no_nato_troops",
        "no_ceasefire_first",
    ]
    e = simulator.evaluate(scenario.model(), {"nato_status": "member"})
    assert e.broken["russia"] == ("nato_status not_in [member, open_door] (no_nato_path)",)
