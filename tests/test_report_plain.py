"""Reports speak plainly: labels instead of identifiers, units on numbers, one term per idea."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import simulator
from simulator.cli import main
from simulator.errors import ScenarioError
from simulator.model.issues import ContinuousIssue, DiscreteIssue
from simulator.report.plain import show_value
from simulator.report.text import render_text

ROOT = Path(__file__).resolve().parent.parent
TRADE = ROOT / "scenarios" / "ukraine" / "nato_for_article5.yaml"
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"


@pytest.fixture(scope="module")
def trade_report() -> str:
    study = simulator.solve_scenario(simulator.load(TRADE))
    return " ".join(render_text(study).split()), study


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def test_values_show_units_and_option_labels(trade_report):
    text, study = trade_report
    solutions = _section(text, "Solutions ---", "How sharp")
    assert "600 thousand troops" in solutions
    for issue in study.model.issues:
        if isinstance(issue, DiscreteIssue):
            # identifiers with an underscore cannot be part of a label's words
            labelled = [o for o, lab in zip(issue.options, issue.option_labels) if lab and "_" in o]
            # identifiers that have a label never appear where the label should
            for option in labelled:
                assert not re.search(rf"\b{re.escape(option)}\b", solutions), option
    assert "Article-5-like guarantee" in solutions and "article5_like" not in solutions


def test_parties_are_named_by_their_labels(trade_report):
    text, study = trade_report
    labels = ", ".join(p.label for p in study.model.parties)
    assert f"Must sign: {labels}." in text
    assert "Must sign: russia" not in text


def test_one_term_for_the_margin_and_plain_blockers(trade_report):
    text, _ = trade_report
    assert "slack" not in text.lower()
    narrows = _section(text, "What narrows the zone", "Solutions ---")
    assert "Russia's reservation 0.450: lowering it to Russia's worst outcome" in narrows
    assert "dropping it alone would widen the zone" in narrows
    assert 'red line "Line of control is not Russian withdrawal (no_withdrawal)"' in narrows


def test_how_to_read_comes_first_and_assumptions_after_the_findings(trade_report):
    text, _ = trade_report
    key = text.index("How to read this")
    assert key < text.index("Zone of possible agreement") < text.index("Solutions ---")
    block = _section(text, "How to read this", "Parties ---")
    for words in ("Utility runs from 0", "Nash:", "Kalai-Smorodinsky:", "egalitarian:"):
        assert words in block
    assert "docs/explanation/solution-concepts.md" in block
    assert text.index("Assumptions: Russia") > text.index("How sharp each package is")


def test_explain_and_simulate_use_the_same_words(capsys):
    assert main(["explain", str(ROOT / "scenarios" / "ukraine" / "nato_open_door.yaml")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "slack" not in out.lower()
    assert "Ukraine's NATO status is settled at non-aligned by law" in out
    assert main(["simulate", str(JOB), "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "thousand euros" in out and "100.0" not in out


def test_show_value_rounds_float_noise_and_keeps_units():
    cap = ContinuousIssue("cap", 0, 1, unit="share")
    assert show_value(cap, 0.6000000000000001) == "0.6 share"
    assert show_value(ContinuousIssue("n", 0, 10, integer=True), 3.0) == "3"
    plain = DiscreteIssue("venue", ("geneva", "oslo"))
    assert show_value(plain, "oslo") == "oslo"


OPTIONS = """\
format: 1
name: labelled options
issues:
  venue:
    options:
      geneva: Geneva (Palais des Nations)
      oslo:
parties:
  a:
    reservation: 0.1
    assumption: test
    issues: {venue: {weight: 1, values: {geneva: 1, oslo: 0}}}
  b:
    reservation: 0.1
    assumption: test
    issues: {venue: {weight: 1, values: {geneva: 0.5, oslo: 1}}}
"""


def test_options_may_carry_labels(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(OPTIONS, encoding="utf-8")
    sc = simulator.load(path)
    venue = sc.issues[0]
    assert venue.options == ("geneva", "oslo")
    assert venue.option_labels == ("Geneva (Palais des Nations)", "")
    text = render_text(simulator.solve_scenario(sc))
    assert "Geneva (Palais des Nations)" in text


def test_an_option_label_must_be_a_string(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(OPTIONS.replace("      oslo:\n", "      oslo: [x]\n"), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        simulator.load(path)
    assert "s.yaml:7:13: issues.venue.options.oslo: expected a label (a string)" in str(err.value)


TIE = """\
format: 1
name: A tie
description: r gets the same from every outcome.
issues:
  a: {options: [x, y, z]}
  b: {options: [u, v]}
parties:
  p:
    reservation: 0.0
    assumption: invented
    issues:
      a: {weight: 1, values: {x: 1, y: 0.5, z: 0}}
      b: {weight: 1, values: {u: 1, v: 0}}
  q:
    reservation: 0.0
    assumption: invented
    issues:
      a: {weight: 1, values: {x: 0, y: 0.5, z: 1}}
      b: {weight: 1, values: {u: 0, v: 1}}
  r:
    label: The indifferent party
    reservation: RES
    assumption: invented
    issues:
      a: {weight: 1, values: {x: 0.5, y: 0.5, z: 0.5}}
      b: {weight: 1, values: {u: 0.5, v: 0.5}}
"""


@pytest.mark.parametrize("reservation, tied", [(0.5, True), (0.4, False)])
def test_a_party_that_gains_nothing_anywhere_makes_nash_a_tie(tmp_path, reservation, tied):
    path = tmp_path / "tie.yaml"
    path.write_text(TIE.replace("RES", str(reservation)))
    text = " ".join(render_text(simulator.solve_scenario(simulator.load(path))).split())
    sentence = (
        "Nash is a tie: The indifferent party gains nothing from any acceptable outcome (the "
        "best while the others accept is the reservation), so every product of gains is 0 and "
        "all 6 acceptable outcomes tie."
    )
    assert (sentence in text) is tied
    assert ("Nash is a tie" in text) is tied
