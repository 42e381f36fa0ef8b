"""Tests of simulator.errors: a problem is always one line of text."""

from __future__ import annotations

import pytest

from simulator.errors import Problem, ScenarioError, one_line, sort_problems


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain name", "plain name"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\there", "tab\\there"),
        ("bell\x07 esc\x1b[31m del\x7f nel\x85", "bell\\x07 esc\\x1b[31m del\\x7f nel\\x85"),
        ("line\u2028para\u2029end", "line\\u2028para\\u2029end"),
        ("vt\x0bff\x0cfs\x1c", "vt\\x0bff\\x0cfs\\x1c"),
        ("Kyiv – Київ “quoted” C:\\path", "Kyiv – Київ “quoted” C:\\path"),  # kept as written
    ],
)
def test_one_line_escapes_what_would_break_a_line(text, shown):
    assert one_line(text) == shown
    assert len(one_line(text).splitlines()) == 1


@pytest.mark.parametrize(
    "name",
    ["deal\nx.yaml:1:1: fake", "x.yaml:1:1: fake", "p\r\nx.yaml:2:2: forged", "a\u2028b"],
)
def test_a_problem_is_one_line_whatever_the_names(name):
    problem = Problem(f"in{name}.yaml", 3, 4, f"issues.{name}", f"unknown issue {name}")
    text = str(problem)
    assert text.splitlines() == [text]
    assert text.startswith("in")
    assert problem.path == f"issues.{name}"  # the data keeps the name as written


def test_a_scenario_error_has_one_line_per_problem():
    problems = [
        Problem("s.yaml", 1, 1, "a\nb", "one\ntwo"),
        Problem("s.yaml", 2, 1, "", "three"),
    ]
    error = ScenarioError(sort_problems(problems))
    assert str(error).splitlines() == ["s.yaml:1:1: a\\nb: one\\ntwo", "s.yaml:2:1: three"]
