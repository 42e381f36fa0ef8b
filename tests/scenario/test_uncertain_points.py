"""Uncertain breakpoints: the x of a ``points`` pair written as an uncertain number.

The xs must stay strictly ascending for every value the ranges allow; a violation is a
located problem (file, line, column, path) naming the two points that can cross."""

from __future__ import annotations

import json

import pytest

import simulator
from simulator.cli import main
from simulator.errors import ScenarioError
from simulator.model.values import PiecewiseLinearValue
from simulator.scenario import load

# Line numbers of CURVE, for reading the tests:
#  1 format / 2 name / 3 issues / 4 cap / 5 deal / 6 parties / 7 russia / 8 reservation
#  9 assumption / 10 issues / 11 cap / 12 weight / 13 points (russia) / 14 deal / 15 ukraine
# 16 reservation / 17 assumption / 18 issues / 19 cap / 20 deal
CURVE = """\
format: 1
name: army caps with uncertain breakpoints
issues:
  cap: {range: [100, 900], grid: 9}
  deal: {options: [a, b]}
parties:
  russia:
    reservation: 0.3
    assumption: illustrative; breakpoints plausible +-100k
    issues:
      cap:
        weight: 2
        points: [[100, 1.0], [{value: 300, range: [200, 400]}, 0.7], [{value: 600, range: [500, 700]}, 0.3], [900, 0.0]]
      deal: {weight: 1, values: {a: 1.0, b: 0.0}}
  ukraine:
    reservation: 0.3
    assumption: illustrative
    issues:
      cap: {weight: 2, points: [[100, 0.0], [500, 0.6], [900, 1.0]]}
      deal: {weight: 1, values: {a: 0.2, b: 1.0}}
"""
RUSSIA_POINTS = (
    "[[100, 1.0], [{value: 300, range: [200, 400]}, 0.7], "
    "[{value: 600, range: [500, 700]}, 0.3], [900, 0.0]]"
)
PLAIN_POINTS = "[[100, 1.0], [300, 0.7], [600, 0.3], [900, 0.0]]"
X1 = "parties.russia.issues.cap.points[1][0]"
X2 = "parties.russia.issues.cap.points[2][0]"


def write(tmp_path, text: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def with_points(points: str) -> str:
    assert RUSSIA_POINTS in CURVE
    return CURVE.replace(RUSSIA_POINTS, points, 1)


def problems_of(tmp_path, text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load(write(tmp_path, text), env={})
    prefix = str(tmp_path) + "/"
    return [str(p).replace(prefix, "") for p in info.value.problems]


def test_uncertain_xs_load_with_their_nominal_values(tmp_path):
    s = load(write(tmp_path, CURVE), env={})
    assert set(s.uncertain) == {X1, X2}
    assert (s.uncertain[X1].low, s.uncertain[X1].value, s.uncertain[X1].high) == (200, 300, 400)
    assert s.uncertain[X2].distribution == "uniform"
    russia = next(p for p in s.parties if p.name == "russia")
    assert russia.values["cap"] == PiecewiseLinearValue(
        (100.0, 300.0, 600.0, 900.0), (1.0, 0.7, 0.3, 0.0)
    )


def test_an_x_and_its_y_may_both_be_uncertain(tmp_path):
    points = "[[100, 1.0], [{distribution: triangular, range: [200, 400], mode: 250}, {value: 0.7, range: [0.6, 0.8]}], [900, 0.0]]"
    s = load(write(tmp_path, with_points(points)), env={})
    assert set(s.uncertain) == {X1, "parties.russia.issues.cap.points[1][1]"}
    russia = next(p for p in s.parties if p.name == "russia")
    assert russia.values["cap"].xs == (100.0, 250.0, 900.0)


def test_an_x_range_may_lie_outside_the_issue_range(tmp_path):
    points = (
        "[[{value: 50, range: [0, 99]}, 1.0], [600, 0.3], [{value: 1000, range: [950, 1200]}, 0.0]]"
    )
    s = load(write(tmp_path, with_points(points)), env={})
    assert s.uncertain["parties.russia.issues.cap.points[2][0]"].high == 1200


def test_run_solves_the_nominal_curve(tmp_path, capsys):
    """``zopa run`` on the file with uncertain xs answers as on the same file with plain xs."""
    assert main(["run", str(write(tmp_path, CURVE, "uncertain.yaml")), "--json"]) == 0
    uncertain = json.loads(capsys.readouterr().out)
    plain = write(tmp_path, with_points(PLAIN_POINTS), "plain.yaml")
    assert main(["run", str(plain), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == uncertain
    a = simulator.analyze(load(plain, env={}).model())
    assert uncertain["zopa"]["count"] == a.zone.count


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (  # two ranges overlap
            "[[100, 1.0], [{value: 300, range: [200, 550]}, 0.7], [{value: 600, range: [500, 700]}, 0.3], [900, 0.0]]",
            "s.yaml:13:71: parties.russia.issues.cap.points[2][0]: points[1] and points[2] can "
            "cross: the x of points[1] can be from 200 to 550 and the x of points[2] can be from "
            "500 to 700; points must stay sorted by x, strictly ascending, for every value the "
            "ranges allow: expected the highest x of points[1] (550) below the lowest x of "
            "points[2] (500)",
        ),
        (  # a range reaches a plain x after it
            "[[100, 1.0], [{value: 300, range: [200, 400]}, 0.7], [380, 0.3], [900, 0.0]]",
            "s.yaml:13:71: parties.russia.issues.cap.points[2][0]: points[1] and points[2] can "
            "cross: the x of points[1] can be from 200 to 400 and the x of points[2] is 380; "
            "points must stay sorted by x, strictly ascending, for every value the ranges allow: "
            "expected the highest x of points[1] (400) below the lowest x of points[2] (380)",
        ),
        (  # a range reaches a plain x before it
            "[[250, 1.0], [{value: 300, range: [200, 400]}, 0.7], [900, 0.0]]",
            "s.yaml:13:31: parties.russia.issues.cap.points[1][0]: points[0] and points[1] can "
            "cross: the x of points[0] is 250 and the x of points[1] can be from 200 to 400; "
            "points must stay sorted by x, strictly ascending, for every value the ranges allow: "
            "expected the highest x of points[0] (250) below the lowest x of points[1] (200)",
        ),
        (  # ranges that only touch would allow two equal xs: strictly ascending is required
            "[[100, 1.0], [{value: 300, range: [200, 500]}, 0.7], [{value: 600, range: [500, 700]}, 0.3], [900, 0.0]]",
            "s.yaml:13:71: parties.russia.issues.cap.points[2][0]: points[1] and points[2] can "
            "cross: the x of points[1] can be from 200 to 500 and the x of points[2] can be from "
            "500 to 700; points must stay sorted by x, strictly ascending, for every value the "
            "ranges allow: expected the highest x of points[1] (500) below the lowest x of "
            "points[2] (500)",
        ),
    ],
    ids=["ranges-overlap", "range-reaches-next", "range-reaches-previous", "ranges-touch"],
)
def test_xs_that_can_cross_are_located_errors(tmp_path, points, expected):
    assert problems_of(tmp_path, with_points(points)) == [expected]


def test_every_crossing_pair_is_reported(tmp_path):
    points = "[[100, 1.0], [{value: 300, range: [200, 550]}, 0.7], [{value: 600, range: [500, 700]}, 0.3], [650, 0.0]]"
    found = problems_of(tmp_path, with_points(points))
    assert [p.split(": ")[1] for p in found] == [X2, "parties.russia.issues.cap.points[3][0]"]
    assert "points[2] and points[3] can cross" in found[1]


def test_unsorted_nominal_xs_keep_the_sorting_message(tmp_path):
    points = "[[100, 1.0], [{value: 600, range: [550, 650]}, 0.7], [{value: 300, range: [250, 350]}, 0.3]]"
    assert problems_of(tmp_path, with_points(points)) == [
        "s.yaml:13:70: parties.russia.issues.cap.points[2]: points must be sorted by x, strictly "
        "ascending: x = 300 comes after x = 600"
    ]


@pytest.mark.parametrize(
    ("x", "message"),
    [
        ("{value: 300}", "points[1][0]: missing required key 'range'"),
        ("{value: 450, range: [200, 400]}", "points[1][0].value: 450 is out of range"),
        ("{range: [400, 200]}", "points[1][0].range: expected low < high"),
        ("{range: [200, .nan]}", "points[1][0].range[1]: expected a number (x, a level"),
    ],
)
def test_malformed_uncertain_xs_are_located_errors(tmp_path, x, message):
    points = f"[[100, 1.0], [{x}, 0.7], [900, 0.0]]"
    (found,) = problems_of(tmp_path, with_points(points))
    assert found.startswith("s.yaml:13:") and message in found
