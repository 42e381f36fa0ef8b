"""Tests of simulator.scenario.yamlread: safe YAML with positions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.errors import ScenarioError
from simulator.scenario.yamlread import Node, child_path, parse_yaml, read_yaml

GOOD = """\
format: 1
name: demo
issues:
  nato:
    options: [member, neutral]
  cap:
    range: [50, 1000.5]
parties:
  russia:
    reservation: 0.35
    active: true
    note: null
"""


def problem_of(text: str | bytes, filename: str = "s.yaml"):
    """The single problem parse_yaml reports for ``text``."""
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, filename)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def test_good_document_values():
    doc = parse_yaml(GOOD, "s.yaml")
    assert doc.plain() == {
        "format": 1,
        "name": "demo",
        "issues": {"nato": {"options": ["member", "neutral"]}, "cap": {"range": [50, 1000.5]}},
        "parties": {"russia": {"reservation": 0.35, "active": True, "note": None}},
    }
    assert list(doc.value) == ["format", "name", "issues", "parties"]
    assert doc.kind == "mapping"


@pytest.mark.parametrize(
    ("path", "line", "column", "kind"),
    [
        (["format"], 1, 9, "integer"),
        (["name"], 2, 7, "string"),
        (["issues"], 4, 3, "mapping"),
        (["issues", "nato", "options"], 5, 14, "list"),
        (["issues", "nato", "options", 1], 5, 23, "string"),
        (["issues", "cap", "range", 1], 7, 17, "number"),
        (["parties", "russia", "reservation"], 10, 18, "number"),
        (["parties", "russia", "active"], 11, 13, "boolean"),
        (["parties", "russia", "note"], 12, 11, "null"),
    ],
)
def test_good_document_positions(path, line, column, kind):
    node = parse_yaml(GOOD, "s.yaml")
    for step in path:
        node = node.value[step]
    assert (node.file, node.line, node.column, node.kind) == ("s.yaml", line, column, kind)


def test_key_positions():
    doc = parse_yaml(GOOD, "s.yaml")
    key = doc.value["parties"].value["russia"].keys["reservation"]
    assert (key.value, key.line, key.column) == ("reservation", 10, 5)


def test_read_yaml_names_file_as_given(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD, encoding="utf-8")
    doc = read_yaml(path)
    assert doc.file == str(path)
    assert doc.value["parties"].value["russia"].file == str(path)


def test_bom_is_ignored():
    doc = parse_yaml(b"\xef\xbb\xbfname: x\n", "s.yaml")
    assert doc.plain() == {"name": "x"}
    assert doc.value["name"].column == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 2024-01-01\n", "2024-01-01"),  # dates stay strings
        ("a: 1e-3\n", 0.001),  # YAML 1.2 float without a dot
        ("a: 0x10\n", 16),
        ("a: '1'\n", "1"),
        ("a: !!str 1\n", "1"),
        ("a: !!float 2\n", 2.0),
    ],
)
def test_scalar_typing(text, expected):
    value = parse_yaml(text, "s.yaml").plain()["a"]
    assert value == expected and type(value) is type(expected)


def test_nan_and_inf_are_kept():
    doc = parse_yaml("a: .nan\nb: .inf\nc: -.inf\n", "s.yaml").plain()
    assert math.isnan(doc["a"])
    assert doc["b"] == math.inf and doc["c"] == -math.inf


def test_duplicate_key_points_to_second_occurrence():
    problem = problem_of("a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n")
    assert (problem.file, problem.line, problem.column) == ("s.yaml", 5, 3)
    assert problem.path == "b.x"
    assert "duplicate key 'x'" in problem.message and "line 3" in problem.message


def test_python_tag_is_rejected_and_not_executed(tmp_path):
    marker = tmp_path / "executed"
    text = f'a: 1\nx: !!python/object/apply:os.system ["touch {marker}"]\n'
    problem = problem_of(text)
    assert (problem.line, problem.column, problem.path) == (2, 4, "x")
    assert "tags are not allowed" in problem.message
    assert "!!python/object/apply:os.system" in problem.message
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        "a: !!binary aGk=\n",
        "a: !custom x\n",
        "a: !!set {x}\n",
        "a: !!timestamp 2024-01-01\n",
        "a: !!python/name:os.system\n",
        "a: !!map [1]\n",
    ],
)
def test_other_tags_are_rejected(text):
    problem = problem_of(text)
    assert (problem.line, problem.column) == (1, 4)
    assert "tags are not allowed" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "column", "found"),
    [
        ("1: a\n", 1, 1, "integer 1"),
        ("a: 1\nnull: 2\n", 2, 1, "null"),
        ("a: 1\n? [x]\n: 2\n", 2, 3, "list"),
        ("true: 1\n", 1, 1, "boolean True"),
    ],
)
def test_non_string_keys_are_rejected(text, line, column, found):
    problem = problem_of(text)
    assert (problem.line, problem.column) == (line, column)
    assert f"keys must be strings; found {found}" in problem.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!int foo\n", "'foo' cannot be read as an integer"),
        ("a: !!bool maybe\n", "'maybe' cannot be read as a boolean"),
    ],
)
def test_bad_explicit_core_tag(text, message):
    problem = problem_of(text)
    assert (problem.line, problem.column, problem.message) == (1, 4, message)


def billion_laughs(levels: int = 9, fan: int = 9) -> str:
    lines = ["l0: &l0 lol"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*l{level - 1}"] * fan)
        lines.append(f"l{level}: &l{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_rejected():
    problem = problem_of(billion_laughs())
    assert "aliases" in problem.message and "100,000" in problem.message


def test_alias_limit_is_a_parameter():
    with pytest.raises(ScenarioError):
        parse_yaml(billion_laughs(levels=3, fan=3), "s.yaml", max_nodes=20)
    data = parse_yaml(billion_laughs(levels=3, fan=3), "s.yaml", max_nodes=100).plain()
    assert data["l3"] == [[["lol"] * 3] * 3] * 3


def test_recursive_alias_is_rejected():
    problem = problem_of("a: &a [1, *a]\n")
    assert "recursive alias" in problem.message


def test_small_aliases_and_merge_keys_work():
    text = (
        "defaults: &d {weight: 0.5, unit: kt}\n"
        "extra: &e {note: x, weight: 0.9}\n"
        "a: *d\n"
        "b:\n"
        "  label: B\n"
        "  <<: [*d, *e]\n"
        "  unit: km\n"
    )
    doc = parse_yaml(text, "s.yaml")
    assert doc.plain()["a"] == {"weight": 0.5, "unit": "kt"}
    b = doc.value["b"]
    assert b.plain() == {"label": "B", "weight": 0.5, "note": "x", "unit": "km"}
    assert list(b.value) == ["label", "weight", "note", "unit"]
    assert b.value["weight"].line == 1  # merged values point at the anchor
    assert b.value["unit"].line == 7


def test_merge_of_a_scalar_is_rejected():
    problem = problem_of("a: 1\nb:\n  <<: 3\n")
    assert (problem.line, problem.path) == (3, "b.<<")
    assert "merge key" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: [1, 2\nb: 3\n", 2, 2),
        ("a: 1\n b: 2\n", 2, 3),
        ("a:\n\t- 1\n", 2, 1),
        ('a: "open\n', 2, 1),
    ],
)
def test_broken_syntax_is_located(text, line, column):
    problem = problem_of(text)
    assert (problem.line, problem.column) == (line, column)
    assert problem.message.startswith("broken YAML syntax: ")


def test_binary_data_is_rejected():
    problem = problem_of(b"a: 1\nb: \x00\x01\x02\xff")
    assert (problem.line, problem.column) == (2, 4)
    assert problem.message.startswith("the file is not UTF-8 text")


def test_invalid_utf8_is_rejected():
    problem = problem_of("a: 1\nb: café\n".encode("latin-1"))
    assert (problem.line, problem.column) == (2, 7)
    assert problem.message.startswith("the file is not UTF-8 text")


def test_utf16_is_rejected():
    problem = problem_of("a: 1\n".encode("utf-16"))
    assert problem.message.startswith("the file is not UTF-8 text")


def test_control_character_is_rejected():
    problem = problem_of("a: 1\nb: x\x07\n")
    assert (problem.line, problem.column) == (2, 5)


@pytest.mark.parametrize("text", ["", b"", "\n\n", "# only a comment\n", "---\n", "\ufeff"])
def test_empty_file(text):
    problem = problem_of(text)
    assert problem.line == 1
    assert problem.message == (
        "the file is empty; expected a mapping with keys format, name, issues, parties"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- a\n- b\n", "a list"), ("hello\n", "a string"), ("3\n", "an integer"), ("null\n", "null")],
)
def test_top_level_must_be_a_mapping(text, kind):
    problem = problem_of(text)
    assert problem.line == 1
    assert "top level must be a mapping" in problem.message
    assert problem.message.endswith(f"found {kind}")


def test_several_documents_are_rejected():
    problem = problem_of("a: 1\n---\nb: 2\n")
    assert problem.line == 2
    assert "several YAML documents" in problem.message


def test_deep_nesting_is_a_problem_not_a_crash():
    problem = problem_of("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested more than 100 levels deep" in problem.message
    assert (problem.line, problem.column) == (1, 103)  # the '[' that passes the limit


def test_several_problems_are_reported_in_file_order():
    with pytest.raises(ScenarioError) as info:
        parse_yaml("a: !x 1\nb: 1\nb: 2\n1: c\n", "s.yaml")
    assert [p.line for p in info.value.problems] == [1, 3, 4]


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as info:
        read_yaml(path)
    (problem,) = info.value.problems
    assert (problem.file, problem.message) == (str(path), "file not found")


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(ScenarioError) as info:
        read_yaml(tmp_path)
    assert info.value.problems[0].message == "this is a directory, not a file"


def test_node_is_frozen():
    node = parse_yaml("a: 1\n", "s.yaml")
    with pytest.raises(AttributeError):
        node.line = 3  # type: ignore[misc]
    assert isinstance(node.value["a"], Node)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [(["a"], "a"), (["a", "b"], "a.b"), (["a", 0, "b"], "a[0].b"), ([], "")],
)
def test_child_path(parts, expected):
    path = ""
    for part in parts:
        path = child_path(path, part)
    assert path == expected


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        st.text(alphabet="ab:-[]{}&*!<>|'\"#\n ,?.0123456789", max_size=120),
    )
)
def test_arbitrary_input_gives_a_node_or_a_scenario_error(data):
    try:
        node = parse_yaml(data, "fuzz.yaml")
    except ScenarioError as error:
        assert error.problems and all(p.file == "fuzz.yaml" for p in error.problems)
    else:
        assert isinstance(node, Node) and isinstance(node.plain(), dict)
