"""Tests of simulator.scenario.inherit: ``extends`` and the deep merge."""

from __future__ import annotations

import pytest

from simulator.errors import ScenarioError
from simulator.model import Condition, Implication
from simulator.scenario import load
from simulator.scenario.inherit import load_with_extends, merge
from simulator.scenario.yamlread import parse_yaml

BASE = """\
format: 1
name: base
description: the base scenario
issues:
  nato:
    label: NATO
    options: [member, deferred, neutral]
  cap:
    range: [50, 1000]
parties:
  russia:
    reservation: 0.35
    power: 1.0
  ukraine:
    reservation: 0.4
"""

DERIVED = """\
extends: base.yaml
name: derived
description: null
issues:
  nato:
    options: [member, neutral]
parties:
  russia:
    reservation: 0.5
    power: null
  us:
    reservation: 0.2
"""


def write(directory, name, text):
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problem_of(path):
    with pytest.raises(ScenarioError) as info:
        load_with_extends(path)
    (problem,) = info.value.problems
    return problem


@pytest.fixture
def derived(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    return write(tmp_path, "derived.yaml", DERIVED)


def test_deep_merge(derived):
    assert load_with_extends(derived).plain() == {
        "format": 1,
        "name": "derived",
        "issues": {
            "nato": {"label": "NATO", "options": ["member", "neutral"]},
            "cap": {"range": [50, 1000]},
        },
        "parties": {
            "russia": {"reservation": 0.5},
            "ukraine": {"reservation": 0.4},
            "us": {"reservation": 0.2},
        },
    }


def test_key_order_base_first_then_new_keys(derived):
    doc = load_with_extends(derived)
    assert list(doc.value) == ["format", "name", "issues", "parties"]
    assert list(doc.value["parties"].value) == ["russia", "ukraine", "us"]


def test_null_removes_key(derived):
    doc = load_with_extends(derived)
    assert "description" not in doc.value and "description" not in doc.keys
    assert "power" not in doc.value["parties"].value["russia"].value


def test_list_replaces_list(derived):
    options = load_with_extends(derived).value["issues"].value["nato"].value["options"]
    assert options.plain() == ["member", "neutral"]
    assert (options.line, options.column) == (6, 14)


def test_extends_key_is_dropped(derived):
    doc = load_with_extends(derived)
    assert "extends" not in doc.value and "extends" not in doc.keys


@pytest.mark.parametrize(
    ("path", "file", "line", "column"),
    [
        ([], "derived.yaml", 1, 1),
        (["format"], "base.yaml", 1, 9),
        (["name"], "derived.yaml", 2, 7),
        (["issues", "nato"], "derived.yaml", 6, 5),
        (["issues", "nato", "label"], "base.yaml", 6, 12),
        (["issues", "cap", "range"], "base.yaml", 9, 12),
        (["parties", "russia", "reservation"], "derived.yaml", 9, 18),
        (["parties", "ukraine", "reservation"], "base.yaml", 15, 18),
        (["parties", "us"], "derived.yaml", 12, 5),
    ],
)
def test_positions_point_to_the_right_file(derived, path, file, line, column):
    node = load_with_extends(derived)
    for step in path:
        node = node.value[step]
    assert (node.file, node.line, node.column) == (str(derived.parent / file), line, column)


def test_key_positions_follow_the_value(derived):
    doc = load_with_extends(derived)
    parties = doc.value["parties"]
    assert parties.keys["ukraine"].file.endswith("base.yaml")
    assert parties.keys["us"].file.endswith("derived.yaml")


def test_chain_of_three(tmp_path):
    write(tmp_path, "a.yaml", "name: a\nx: {p: 1, q: 1, r: 1}\nlist: [1]\n")
    write(tmp_path, "sub/b.yaml", "extends: ../a.yaml\nx: {q: 2, r: null}\n")
    c = write(tmp_path, "sub/c.yaml", "extends: b.yaml\nx: {r: 3}\nlist: [3]\n")
    doc = load_with_extends(c)
    assert doc.plain() == {"name": "a", "x": {"p": 1, "q": 2, "r": 3}, "list": [3]}
    x = doc.value["x"].value
    assert [x[k].file for k in "pqr"] == [
        str(tmp_path / "a.yaml"),
        str(tmp_path / "sub/b.yaml"),
        str(tmp_path / "sub/c.yaml"),
    ]


def test_no_extends_returns_file_as_is(tmp_path):
    path = write(tmp_path, "s.yaml", "name: s\nnote: null\n")
    assert load_with_extends(path).plain() == {"name": "s", "note": None}


def test_cycle_of_two(tmp_path):
    a = write(tmp_path, "a.yaml", "name: a\nextends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    problem = problem_of(a)
    assert problem.file == str(tmp_path / "b.yaml")
    assert (problem.line, problem.column, problem.path) == (1, 10, "extends")
    assert problem.message == (f"the extends chain is a cycle: {a} -> {tmp_path / 'b.yaml'} -> {a}")


def test_file_extending_itself(tmp_path):
    a = write(tmp_path, "a.yaml", "extends: ./a.yaml\n")
    problem = problem_of(a)
    assert "cycle" in problem.message and problem.line == 1


def test_missing_base(tmp_path):
    derived = write(tmp_path, "d.yaml", "name: d\nextends: nowhere/base.yaml\n")
    problem = problem_of(derived)
    assert (problem.file, problem.line, problem.column) == (str(derived), 2, 10)
    assert problem.message == f"the base file {tmp_path / 'nowhere/base.yaml'} was not found"


@pytest.mark.parametrize(
    ("value", "found"), [("3", "an integer"), ("[a.yaml]", "a list"), ("''", "an empty string")]
)
def test_extends_must_be_a_string(tmp_path, value, found):
    derived = write(tmp_path, "d.yaml", f"name: d\nextends: {value}\n")
    problem = problem_of(derived)
    assert (problem.line, problem.column, problem.path) == (2, 10, "extends")
    assert problem.message.endswith(f"found {found}")


def test_problem_in_base_names_the_base(tmp_path):
    write(tmp_path, "base.yaml", "name: x\nname: y\n")
    derived = write(tmp_path, "d.yaml", "extends: base.yaml\n")
    problem = problem_of(derived)
    assert (problem.file, problem.line) == (str(tmp_path / "base.yaml"), 2)


def test_missing_top_file(tmp_path):
    problem = problem_of(tmp_path / "absent.yaml")
    assert problem.message == "file not found"


@pytest.mark.parametrize(
    ("base", "top", "expected"),
    [
        ("a: {x: 1}\n", "a: 2\n", {"a": 2}),  # scalar replaces mapping
        ("a: 1\n", "a: {x: 1}\n", {"a": {"x": 1}}),  # mapping replaces scalar
        ("a: [1, 2]\n", "a: [3]\n", {"a": [3]}),  # lists are replaced, not appended
        ("a: 1\n", "b: null\n", {"a": 1}),  # null for an absent key
        ("a: {x: {y: 1, z: 2}}\n", "a: {x: {z: null}}\n", {"a": {"x": {"y": 1}}}),
    ],
)
def test_merge_cases(base, top, expected):
    merged = merge(parse_yaml(base, "base.yaml"), parse_yaml(top, "top.yaml"))
    assert merged.plain() == expected


def test_merge_leaves_arguments_unchanged():
    base = parse_yaml("a: {x: 1}\n", "base.yaml")
    top = parse_yaml("a: {x: null, y: 2}\n", "top.yaml")
    merge(base, top)
    assert base.plain() == {"a": {"x": 1}}
    assert top.plain() == {"a": {"x": None, "y": 2}}


# -- named red lines and constraints: a variant overrides one rule by name -------------------
NAMED_BASE = """\
format: 1
name: base
issues:
  nato:
    options: [member, deferred, neutral]
  cap:
    range: [50, 1000]
parties:
  russia:
    reservation: 0.1
    assumption: illustrative
    issues:
      nato: {weight: 1, values: {member: 0, deferred: 0.5, neutral: 1}}
      cap: {weight: 1, points: [[50, 1], [1000, 0]]}
    red_lines:
      no_nato: {issue: nato, not_in: [member]}
      small_army: {issue: cap, max: 800}
  ukraine:
    reservation: 0.1
    assumption: illustrative
    issues:
      nato: {weight: 1, values: {member: 1, deferred: 0.6, neutral: 0}}
      cap: {weight: 1, ideal: 1000}
constraints:
  freeze:
    if: {issue: nato, in: [neutral]}
    then: {issue: cap, max: 600}
  floor: {issue: cap, min: 100}
"""


def load_variant(tmp_path, variant):
    write(tmp_path, "base.yaml", NAMED_BASE)
    return load(write(tmp_path, "variant.yaml", variant), env={})


def test_a_variant_removes_one_named_red_line_and_adds_another(tmp_path):
    variant = """\
extends: base.yaml
parties:
  russia:
    red_lines:
      no_nato: null
      no_deferral: {issue: nato, not_in: [deferred], assumption: a new red line}
"""
    russia = load_variant(tmp_path, variant).parties[0]
    # the base's remaining names first, in base order, then the new ones
    assert russia.red_lines == (
        Condition("cap", high=800.0),
        Condition("nato", ("deferred",), negate=True),
    )


def test_a_variant_changes_one_key_of_a_named_red_line(tmp_path):
    variant = """\
extends: base.yaml
parties:
  russia:
    red_lines:
      no_nato: {not_in: [member, deferred]}   # a list inside a rule still replaces
      small_army: {max: null, min: 200}
"""
    russia = load_variant(tmp_path, variant).parties[0]
    assert russia.red_lines == (
        Condition("nato", ("member", "deferred"), negate=True),
        Condition("cap", low=200.0),
    )


def test_a_variant_overrides_a_named_constraint(tmp_path):
    variant = """\
extends: base.yaml
constraints:
  freeze:
    then: {max: 400}
  floor: null
"""
    scenario = load_variant(tmp_path, variant)
    assert scenario.constraints == (
        Implication(Condition("nato", ("neutral",)), Condition("cap", high=400.0)),
    )


def test_turning_in_into_not_in_needs_the_old_key_nulled(tmp_path):
    variant = """\
extends: base.yaml
constraints:
  freeze:
    if: {not_in: [member]}
"""
    with pytest.raises(ScenarioError) as info:
        load_variant(tmp_path, variant)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == (str(tmp_path / "variant.yaml"), 4, 10)
    assert problem.path == "constraints.freeze.if.not_in"
    assert problem.message == "give either in or not_in, not both"
    fixed = variant.replace("{not_in: [member]}", "{in: null, not_in: [member]}")
    (freeze, _) = load_variant(tmp_path, fixed).constraints
    assert freeze == Implication(
        Condition("nato", ("member",), negate=True), Condition("cap", high=600.0)
    )


def test_a_problem_in_a_named_rule_names_the_file_that_wrote_it(tmp_path):
    variant = """\
extends: base.yaml
parties:
  russia:
    red_lines:
      no_nato: {not_in: [membr]}
"""
    with pytest.raises(ScenarioError) as info:
        load_variant(tmp_path, variant)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == (str(tmp_path / "variant.yaml"), 5, 26)
    assert problem.path == "parties.russia.red_lines.no_nato.not_in[0]"


def test_a_list_of_rules_replaces_a_named_mapping_as_a_whole(tmp_path):
    variant = """\
extends: base.yaml
parties:
  russia:
    red_lines:
      - {issue: cap, max: 300}
"""
    russia = load_variant(tmp_path, variant).parties[0]
    assert russia.red_lines == (Condition("cap", high=300.0),)
