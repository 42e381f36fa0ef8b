"""Tests of scenario validation: one test per class of bad input, each pinning the problem's
file, line, column, dotted path and message."""

from __future__ import annotations

import pytest

from simulator.errors import ScenarioError
from simulator.scenario import load

# Line numbers of BASE, for reading the tests:
#  1 format / 2 name / 3 issues / 4 nato / 5 options / 6 cap / 7 range / 8 parties / 9 russia
# 10 reservation / 11 assumption / 12 issues / 13 nato / 14 weight / 15 values / 16 cap
# 17 weight / 18 points / 19 ukraine / 20 reservation / 21 assumption / 22 issues / 23 nato
# 24 cap
BASE = """\
format: 1
name: demo
issues:
  nato:
    options: [member, deferred, neutral]
  cap:
    range: [50, 1000]
parties:
  russia:
    reservation: 0.35
    assumption: illustrative
    issues:
      nato:
        weight: 0.6
        values: {member: 0.0, deferred: 0.5, neutral: 1.0}
      cap:
        weight: 0.4
        points: [[50, 1.0], [1000, 0.0]]
  ukraine:
    reservation: 0.3
    assumption: illustrative
    issues:
      nato: {weight: 0.5, values: {member: 1.0, deferred: 0.6, neutral: 0.0}}
      cap: {weight: 0.5, ideal: 1000}
"""


def edit(*changes: tuple[str, str], text: str = BASE) -> str:
    """``text`` with each ``(old, new)`` replaced once; ``old`` must occur."""
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def problems_of(tmp_path, text: str | bytes, name: str = "s.yaml") -> list[str]:
    """The problems loading ``text`` reports, as strings, with the directory left out."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load(path, env={})
    prefix = str(tmp_path) + "/"
    return [str(p).replace(prefix, "") for p in info.value.problems]


def one_problem(tmp_path, text: str | bytes) -> str:
    found = problems_of(tmp_path, text)
    assert len(found) == 1, found
    return found[0]


def test_missing_issues_section_is_reported_once(tmp_path):
    text = edit(
        (
            "issues:\n  nato:\n    options: [member, deferred, neutral]\n  cap:\n"
            "    range: [50, 1000]\n",
            "",
        )
    )
    assert problems_of(tmp_path, text) == [
        "s.yaml:1:1: missing required key 'issues' (at least one issue)"
    ]


def test_base_is_valid(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    scenario = load(path, env={})
    assert [p.name for p in scenario.parties] == ["russia", "ukraine"]


# -- keys -------------------------------------------------------------------------------------
def test_unknown_key_suggests_the_closest(tmp_path):
    found = problems_of(tmp_path, edit(("    reservation: 0.35", "    reservaton: 0.35")))
    assert found == [
        "s.yaml:10:5: parties.russia.reservaton: unknown key 'reservaton' (did you mean "
        "'reservation'?); expected one of: label, description, reservation, power, issues, "
        "red_lines, interactions, source, assumption, discount, cap, normalise_weights",
        "s.yaml:10:5: parties.russia: missing required key 'reservation' (a number in [0, 1]: "
        "the party's utility of no agreement)",
    ]


def test_unknown_top_level_key(tmp_path):
    assert one_problem(tmp_path, edit(("name: demo", "name: demo\nisues: {}"))) == (
        "s.yaml:3:1: isues: unknown key 'isues' (did you mean 'issues'?); expected one of: "
        "format, name, description, extends, sources, issues, parties, constraints, proposals, "
        "solve"
    )


def test_missing_required_keys(tmp_path):
    found = problems_of(tmp_path, "format: 1\nname: x\n")
    assert found == [
        "s.yaml:1:1: missing required key 'issues' (at least one issue)",
        "s.yaml:1:1: missing required key 'parties' (at least two parties)",
    ]


def test_duplicate_keys_through_the_loader(tmp_path):
    text = edit(("    reservation: 0.35\n", "    reservation: 0.35\n    reservation: 0.4\n"))
    assert one_problem(tmp_path, text) == (
        "s.yaml:11:5: parties.russia.reservation: duplicate key 'reservation'; it was first "
        "given at line 10"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("  russia:", "  Russia:"),
            "s.yaml:9:3: parties.Russia: 'Russia' is not a valid party "
            "name; names are identifiers: a lower-case letter, then lower-case letters, digits or "
            "'_' (e.g. 'russia')",
        ),
        (
            ("  nato:\n    options", "  2nato:\n    options"),
            "s.yaml:4:3: issues.2nato: '2nato' is "
            "not a valid issue name; names are identifiers: a lower-case letter, then lower-case "
            "letters, digits or '_' (e.g. 'nato')",
        ),
    ],
)
def test_names_must_be_identifiers(tmp_path, change, expected):
    found = problems_of(tmp_path, edit(change))
    assert found[0] == expected


# -- types ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("reservation: 0.35", "reservation: high"),
            "s.yaml:10:18: parties.russia.reservation: "
            "expected a number in [0, 1] (the party's utility of no agreement); found a string "
            "'high' (numbers are written without quotes)",
        ),
        (
            ("weight: 0.6", "weight: true"),
            "s.yaml:14:17: parties.russia.issues.nato.weight: "
            "expected a number >= 0 (the issue's importance to the party); found a boolean true",
        ),
        (
            ("name: demo", "name: [demo]"),
            "s.yaml:2:7: name: expected a name (a non-empty string); found a list",
        ),
        (
            ("format: 1", "format: '1'"),
            "s.yaml:1:9: format: expected the integer 1 (the format version); found a string '1'",
        ),
        (
            ("format: 1", "format: 1.0"),
            "s.yaml:1:9: format: expected the integer 1 (the format version); found a number 1",
        ),
        (
            ("options: [member, deferred, neutral]", "options: member"),
            "s.yaml:5:14: "
            "issues.nato.options: expected a non-empty list of options, or a mapping of options "
            "to their labels; found a string 'member'",
        ),
        (
            ("options: [member, deferred, neutral]", "options: [member, yes]"),
            "s.yaml:5:23: "
            "issues.nato.options[1]: expected an option name (a non-empty string); found a boolean "
            "true (put it in quotes: YAML reads yes/no/on/off/true/false and numbers unquoted)",
        ),
        (
            ("issues:\n  nato", "issues: []\nold:\n  nato"),
            "s.yaml:3:9: issues: expected a mapping of issue names to issues; found a list",
        ),
        (
            ("reservation: 0.35", "reservation: null"),
            "s.yaml:10:18: parties.russia.reservation: "
            "expected a number in [0, 1]: the party's utility of no agreement; found null",
        ),
    ],
)
def test_wrong_types(tmp_path, change, expected):
    found = problems_of(tmp_path, edit(change))
    assert expected in found, found


def test_format_must_be_one(tmp_path):
    assert one_problem(tmp_path, edit(("format: 1", "format: 2"))) == (
        "s.yaml:1:9: format: unsupported format 2; this version of zopa reads format 1"
    )


# -- numbers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("reservation: 0.35", "reservation: 1.5"),
            "s.yaml:10:18: parties.russia.reservation: "
            "1.5 is out of range; expected a number in [0, 1] (the party's utility of no "
            "agreement)",
        ),
        (
            ("weight: 0.6", "weight: -1"),
            "s.yaml:14:17: parties.russia.issues.nato.weight: -1 is "
            "out of range; expected a number >= 0 (the issue's importance to the party)",
        ),
        (
            (
                "    assumption: illustrative\n    issues:\n      nato:\n        weight",
                "    assumption: illustrative\n    power: 0\n    issues:\n      nato:\n        weight",
            ),
            "s.yaml:12:12: parties.russia.power: 0 is out of range; expected a positive number "
            "(bargaining power in the weighted Nash solution)",
        ),
        (
            ("neutral: 1.0}\n", "neutral: 1.2}\n"),
            "s.yaml:15:55: "
            "parties.russia.issues.nato.values.neutral: 1.2 is out of range; expected a number in "
            "[0, 1] (the value of option 'neutral')",
        ),
        (
            ("ideal: 1000", "ideal: 2000"),
            "s.yaml:24:33: parties.ukraine.issues.cap.ideal: 2000 is "
            "out of range; expected a number in the range of issue 'cap' (range [50, 1000])",
        ),
        (
            ("range: [50, 1000]", "range: [1000, 50]"),
            "s.yaml:7:12: issues.cap.range: the range "
            "[1000, 50] is empty or a single point; expected [low, high] with low < high",
        ),
        (
            ("range: [50, 1000]", "range: [50, 1000, 2000]"),
            "s.yaml:7:12: issues.cap.range: "
            "expected a range [low, high] of two numbers; found a list of 3 items",
        ),
        (
            ("range: [50, 1000]", "range: [50, 1000]\n    grid: 1"),
            "s.yaml:8:11: "
            "issues.cap.grid: 1 is out of range; expected an integer from 2 to 1,000,000 (points "
            "enumerated on the range)",
        ),
        (
            ("points: [[50, 1.0], [1000, 0.0]]", "points: [[50, 1.5], [1000, 0.0]]"),
            "s.yaml:18:23: parties.russia.issues.cap.points[0][1]: 1.5 is out of range; expected a "
            "number in [0, 1] (y, the value at x)",
        ),
    ],
)
def test_out_of_range_numbers(tmp_path, change, expected):
    assert one_problem(tmp_path, edit(change)) == expected


@pytest.mark.parametrize(
    ("spelling", "shown"),
    [(".nan", ".nan"), (".NaN", ".nan"), (".inf", ".inf"), ("-.inf", "-.inf")],
)
def test_nan_and_infinity_are_rejected(tmp_path, spelling, shown):
    assert one_problem(tmp_path, edit(("weight: 0.6", f"weight: {spelling}"))) == (
        f"s.yaml:14:17: parties.russia.issues.nato.weight: expected a number >= 0 (the issue's "
        f"importance to the party); found {shown} (numbers must be finite: NaN and infinity are "
        "not allowed)"
    )


def test_infinity_in_a_range(tmp_path):
    assert one_problem(tmp_path, edit(("range: [50, 1000]", "range: [50, .inf]"))) == (
        "s.yaml:7:17: issues.cap.range[1]: expected a number (the high end of the range); found "
        ".inf (numbers must be finite: NaN and infinity are not allowed)"
    )


# -- issues and options -----------------------------------------------------------------------
def test_unknown_option_suggests_the_closest(tmp_path):
    text = edit(("{member: 0.0, deferred: 0.5", "{member: 0.0, deffered: 0.5"))
    assert problems_of(tmp_path, text) == [
        "s.yaml:15:17: parties.russia.issues.nato.values: values must give every option of "
        "issue 'nato'; missing: deferred",
        "s.yaml:15:31: parties.russia.issues.nato.values.deffered: option 'deffered' is not an "
        "option of issue 'nato' (did you mean 'deferred'?); options: member, deferred, neutral",
    ]


def test_unknown_issue_suggests_the_closest(tmp_path):
    text = edit(("      nato:\n        weight", "      natoo:\n        weight"))
    found = problems_of(tmp_path, text)
    assert found == [
        "s.yaml:13:7: parties.russia.issues.natoo: unknown issue 'natoo' (did you "
        "mean 'nato'?); known: nato, cap"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("options: [member, deferred, neutral]", "options: [member, deferred, member]"),
            "s.yaml:5:33: issues.nato.options[2]: option 'member' is listed twice (first at "
            "position 1); options must be distinct",
        ),
        (
            ("options: [member, deferred, neutral]", "options: []"),
            "s.yaml:5:14: "
            "issues.nato.options: expected a non-empty list of options, or a mapping of options "
            "to their labels; found an empty list",
        ),
        (
            ("    range: [50, 1000]", "    options: [a, b]\n    range: [50, 1000]"),
            "s.yaml:8:12: "
            "issues.cap.range: an issue has either options (discrete) or range (continuous), not "
            "both",
        ),
        (
            ("    range: [50, 1000]", "    label: Cap"),
            "s.yaml:7:5: issues.cap: an issue needs "
            "options (a list of options: a discrete issue) or range ([low, high]: a continuous "
            "issue)",
        ),
        (
            (
                "options: [member, deferred, neutral]",
                "options: [member, deferred, neutral]\n    grid: 3",
            ),
            "s.yaml:6:5: issues.nato.grid: grid applies to continuous issues (with "
            "range); issue 'nato' is discrete (it has options)",
        ),
    ],
)
def test_issue_definitions(tmp_path, change, expected):
    assert expected in problems_of(tmp_path, edit(change))


def test_no_issues(tmp_path):
    text = edit(
        (
            "issues:\n  nato:\n    options: [member, deferred, neutral]\n  cap:\n"
            "    range: [50, 1000]\n",
            "issues: {}\n",
        )
    )
    assert "s.yaml:3:9: issues: a scenario needs at least one issue; found none" in problems_of(
        tmp_path, text
    )


# -- value functions --------------------------------------------------------------------------
def test_unsorted_points(tmp_path):
    text = edit(
        ("points: [[50, 1.0], [1000, 0.0]]", "points: [[50, 1.0], [1000, 0.0], [500, 0.5]]")
    )
    assert one_problem(tmp_path, text) == (
        "s.yaml:18:42: parties.russia.issues.cap.points[2]: points must be sorted by x, strictly "
        "ascending: x = 500 comes after x = 1000"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("values: {member: 0.0, deferred: 0.5, neutral: 1.0}", "values: {member: 0.0}"),
            "s.yaml:15:17: parties.russia.issues.nato.values: values must give every option of issue "
            "'nato'; missing: deferred, neutral",
        ),
        (
            ("points: [[50, 1.0], [1000, 0.0]]", "values: {low: 1}"),
            "s.yaml:18:9: "
            "parties.russia.issues.cap.values: values is for discrete issues; issue 'cap' (range "
            "[50, 1000]) is continuous: give points or ideal",
        ),
        (
            ("values: {member: 0.0, deferred: 0.5, neutral: 1.0}", "ideal: 3"),
            "s.yaml:15:9: "
            "parties.russia.issues.nato.ideal: ideal is for continuous issues; issue 'nato' "
            "(options: member, deferred, neutral) is discrete: give values (a value per option)",
        ),
        (
            ("points: [[50, 1.0], [1000, 0.0]]", "points: [[50, 1.0]]\n        ideal: 50"),
            "s.yaml:19:9: parties.russia.issues.cap.ideal: give one of values, points or ideal, not "
            "points and ideal",
        ),
        (
            ("        points: [[50, 1.0], [1000, 0.0]]\n", ""),
            "s.yaml:17:9: parties.russia.issues.cap: an issue entry needs points or ideal",
        ),
        (
            ("points: [[50, 1.0], [1000, 0.0]]", "points: [[50, 1.0], [1000]]"),
            "s.yaml:18:29: "
            "parties.russia.issues.cap.points[1]: expected a point [x, y]; found a list of 1 items",
        ),
        (
            ("        weight: 0.6\n", ""),
            "s.yaml:14:9: parties.russia.issues.nato: missing "
            "required key 'weight' (a number >= 0: the issue's importance to the party)",
        ),
    ],
)
def test_value_functions(tmp_path, change, expected):
    assert one_problem(tmp_path, edit(change)) == expected


def test_all_weights_zero(tmp_path):
    text = edit(("weight: 0.6", "weight: 0"), ("weight: 0.4", "weight: 0.0"))
    assert one_problem(tmp_path, text) == (
        "s.yaml:13:7: parties.russia.issues: every weight of party 'russia' is 0: it would be "
        "indifferent to every outcome; give at least one issue a positive weight"
    )


def test_party_with_no_issue_entries(tmp_path):
    text = edit(
        (
            "      nato: {weight: 0.5, values: {member: 1.0, deferred: 0.6, neutral: 0.0}}\n"
            "      cap: {weight: 0.5, ideal: 1000}\n",
            "",
        ),
        ("    issues:\n  \n", "    issues: {}\n"),
        text=BASE + "  \n",
    )
    assert one_problem(tmp_path, text) == (
        "s.yaml:22:13: parties.ukraine.issues: party 'ukraine' weighs no issue: it would be "
        "indifferent to every outcome; give at least one issue a positive weight"
    )


def test_single_party(tmp_path):
    text = BASE[: BASE.index("  ukraine:")]
    assert one_problem(tmp_path, text) == (
        "s.yaml:9:3: parties: a scenario needs at least two parties; found 1 (russia)"
    )


# -- conditions, red lines, interactions, constraints -----------------------------------------
RULES = (
    BASE
    + """\
    red_lines:
      - {issue: cap, min: 200}
constraints:
  - if: {issue: nato, in: [neutral]}
    then: {issue: cap, max: 500}
"""
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("{issue: cap, min: 200}", "{issue: nato, min: 200}"),
            "s.yaml:26:23: "
            "parties.ukraine.red_lines[0].min: min applies to continuous issues; issue 'nato' "
            "(options: member, deferred, neutral) is discrete: use in or not_in",
        ),
        (
            ("{issue: cap, min: 200}", "{issue: cap, in: [low]}"),
            "s.yaml:26:22: "
            "parties.ukraine.red_lines[0].in: in applies to discrete issues; issue 'cap' (range "
            "[50, 1000]) is continuous: use min and/or max",
        ),
        (
            ("{issue: cap, min: 200}", "{issue: cap, min: 600, max: 500}"),
            "s.yaml:26:27: "
            "parties.ukraine.red_lines[0].min: min 600 is greater than max 500; expected min <= "
            "max",
        ),
        (
            ("{issue: cap, min: 200}", "{issue: cap}"),
            "s.yaml:26:9: parties.ukraine.red_lines[0]: "
            "a condition needs in or not_in (a discrete issue) or min and/or max (a continuous "
            "issue)",
        ),
        (
            ("{issue: cap, min: 200}", "{issue: capp, min: 200}"),
            "s.yaml:26:17: "
            "parties.ukraine.red_lines[0].issue: unknown issue 'capp' (did you mean 'cap'?); known: "
            "nato, cap",
        ),
        (
            ("{issue: nato, in: [neutral]}", "{issue: nato, in: [nuetral]}"),
            "s.yaml:28:28: "
            "constraints[0].if.in[0]: 'nuetral' is not an option of issue 'nato' (did you mean "
            "'neutral'?); options: member, deferred, neutral",
        ),
        (
            ("{issue: nato, in: [neutral]}", "{issue: nato, in: [neutral], not_in: [member]}"),
            "s.yaml:28:38: constraints[0].if.not_in: give either in or not_in, not both",
        ),
        (
            ("    then: {issue: cap, max: 500}\n", ""),
            "s.yaml:28:5: constraints[0]: missing "
            "required key 'then' (the condition that must then hold)",
        ),
        (
            ("      - {issue: cap, min: 200}", "      - cap >= 200"),
            "s.yaml:26:9: "
            "parties.ukraine.red_lines[0]: expected a rule: a condition {issue, in|not_in|min|max} "
            "or {if: condition, then: condition}; found a string 'cap >= 200'",
        ),
    ],
)
def test_conditions_and_rules(tmp_path, change, expected):
    assert one_problem(tmp_path, edit(change, text=RULES)) == expected


def test_misspelt_key_in_a_condition(tmp_path):
    text = edit(("{issue: cap, min: 200}", "{isue: cap, min: 200}"), text=RULES)
    assert problems_of(tmp_path, text) == [
        "s.yaml:26:9: parties.ukraine.red_lines[0]: missing required key 'issue' (the name of "
        "the issue the condition is on)",
        "s.yaml:26:10: parties.ukraine.red_lines[0].isue: unknown key 'isue' (did you mean "
        "'issue'?); expected one of: issue, in, not_in, min, max, description, source, "
        "assumption",
    ]


# Red lines and constraints may be a mapping of names to rules (an extension): lines 25-31.
NAMED = (
    BASE
    + """\
    red_lines:
      not_member: {issue: nato, not_in: [member]}
      floor: {issue: cap, min: 200, assumption: a floor}
constraints:
  freeze:
    if: {issue: nato, in: [neutral]}
    then: {issue: cap, max: 500}
"""
)
LISTED = (
    BASE
    + """\
    red_lines:
      - {issue: nato, not_in: [member]}
      - {issue: cap, min: 200, assumption: a floor}
constraints:
  - if: {issue: nato, in: [neutral]}
    then: {issue: cap, max: 500}
"""
)


def _load(tmp_path, text: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load(path, env={})


def test_named_rules_load_like_a_list_in_the_mapping_order(tmp_path):
    named = _load(tmp_path, NAMED, "named.yaml")
    listed = _load(tmp_path, LISTED, "listed.yaml")
    assert named.parties == listed.parties and named.constraints == listed.constraints
    # the mapping's order, not the names' alphabetical order
    assert [r.issue for r in named.parties[1].red_lines] == ["nato", "cap"]
    assert len(named.constraints) == 1


def test_named_rules_have_dotted_provenance_paths(tmp_path):
    # russia has no party-level citation: its red line is backed by nothing
    text = edit(
        ("    assumption: illustrative\n", ""),
        ("  ukraine:", "    red_lines:\n      neutral: {issue: nato, in: [neutral]}\n  ukraine:"),
    ) + ("    red_lines:\n      no_member: {issue: nato, not_in: [member]}\n")
    scenario = _load(tmp_path, text)
    items = {i.path: i for i in scenario.provenance.items}
    assert items["parties.ukraine.red_lines.no_member"].kind == "assumption"  # from the party
    assert items["parties.russia.red_lines.neutral"].kind == "none"
    assert [w.path for w in scenario.warnings if "red line has no source" in w.message] == [
        "parties.russia.red_lines.neutral"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("{issue: cap, min: 200,", "{issue: capp, min: 200,"),
            "s.yaml:27:22: parties.ukraine.red_lines.floor.issue: unknown issue 'capp' (did you "
            "mean 'cap'?); known: nato, cap",
        ),
        (
            ("not_in: [member]", "not_in: [membr]"),
            "s.yaml:26:42: parties.ukraine.red_lines.not_member.not_in[0]: 'membr' is not an "
            "option of issue 'nato' (did you mean 'member'?); options: member, deferred, neutral",
        ),
        (
            ("{issue: nato, in: [neutral]}", "{issue: nato, in: [nuetral]}"),
            "s.yaml:30:28: constraints.freeze.if.in[0]: 'nuetral' is not an option of issue "
            "'nato' (did you mean 'neutral'?); options: member, deferred, neutral",
        ),
        (
            ("    then: {issue: cap, max: 500}\n", ""),
            "s.yaml:30:5: constraints.freeze: missing required key 'then' (the condition that "
            "must then hold)",
        ),
        (
            ("      floor:", "      No-Floor:"),
            "s.yaml:27:7: parties.ukraine.red_lines.No-Floor: 'No-Floor' is not a valid red line "
            "name; names are identifiers: a lower-case letter, then lower-case letters, digits or "
            "'_' (e.g. 'no_floor')",
        ),
        (
            ("  freeze:", "  2freeze:"),
            "s.yaml:29:3: constraints.2freeze: '2freeze' is not a valid constraint name; names "
            "are identifiers: a lower-case letter, then lower-case letters, digits or '_' (e.g. "
            "'freeze')",
        ),
        (
            ("      floor: {issue: cap, min: 200, assumption: a floor}", "      floor: cap >= 200"),
            "s.yaml:27:14: parties.ukraine.red_lines.floor: expected a rule: a condition "
            "{issue, in|not_in|min|max} or {if: condition, then: condition}; found a string "
            "'cap >= 200'",
        ),
    ],
)
def test_named_rules_problems_use_the_name_in_the_path(tmp_path, change, expected):
    assert one_problem(tmp_path, edit(change, text=NAMED)) == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    red_lines:\n      - {issue: cap, min: 200}", "    red_lines: cap >= 200"),
            "s.yaml:25:16: parties.ukraine.red_lines: expected a list of rules or a mapping of "
            "names to rules (conditions or {if, then} implications); found a string 'cap >= 200'",
        ),
        (
            (
                "constraints:\n  - if: {issue: nato, in: [neutral]}\n"
                "    then: {issue: cap, max: 500}",
                "constraints: 5",
            ),
            "s.yaml:27:14: constraints: expected a list of rules or a mapping of names to rules "
            "(conditions or {if, then} implications); found an integer 5",
        ),
    ],
)
def test_rules_must_be_a_list_or_a_mapping(tmp_path, change, expected):
    assert one_problem(tmp_path, edit(change, text=RULES)) == expected


def test_a_null_named_rule_is_left_out(tmp_path):
    text = edit(("not_member: {issue: nato, not_in: [member]}", "not_member: null"), text=NAMED)
    scenario = _load(tmp_path, text)
    assert [r.issue for r in scenario.parties[1].red_lines] == ["cap"]


def test_an_empty_mapping_is_no_rules(tmp_path):
    text = BASE + "    red_lines: {}\nconstraints: {}\n"
    scenario = _load(tmp_path, text)
    assert scenario.parties[1].red_lines == () and scenario.constraints == ()


@pytest.mark.parametrize(
    ("interaction", "expected"),
    [
        (
            "{when: {nato: [neutral], cap: {max: 250}}, bonus: .nan}",
            "s.yaml:26:59: "
            "parties.ukraine.interactions[0].bonus: expected a number (the bonus, negative for a "
            "penalty); found .nan (numbers must be finite: NaN and infinity are not allowed)",
        ),
        (
            "{when: {nato: neutral}, bonus: 0.1}",
            "s.yaml:26:23: "
            "parties.ukraine.interactions[0].when.nato: expected a list of options of issue 'nato' "
            "(options: member, deferred, neutral) (the condition holds when one is chosen); found a "
            "string 'neutral'",
        ),
        (
            "{when: {cap: [100]}, bonus: 0.1}",
            "s.yaml:26:22: "
            "parties.ukraine.interactions[0].when.cap: expected a range {min, max} on issue 'cap' "
            "(range [50, 1000]); found a list",
        ),
        (
            "{when: {nato: [neutral], kap: {max: 1}}, bonus: 0.1}",
            "s.yaml:26:34: "
            "parties.ukraine.interactions[0].when.kap: unknown issue 'kap' (did you mean 'cap'?); "
            "known: nato, cap",
        ),
        (
            "{when: {}, bonus: 0.1}",
            "s.yaml:26:16: parties.ukraine.interactions[0].when: expected "
            "a non-empty mapping of issues to a list of options or a {min, max} range; found an "
            "empty mapping",
        ),
        (
            "{when: {nato: [neutral]}}",
            "s.yaml:26:9: parties.ukraine.interactions[0]: missing "
            "required key 'bonus' (a number added to the utility when 'when' holds)",
        ),
    ],
)
def test_interactions(tmp_path, interaction, expected):
    text = BASE + f"    interactions:\n      - {interaction}\n"
    assert one_problem(tmp_path, text) == expected


# -- sources, proposals, solve ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "sources:\n  s1: {title: x}\n",
            "s.yaml:26:7: sources.s1: missing required key 'file' "
            "(the name of the source document's file)",
        ),
        (
            "sources:\n  s1: {file: a.txt, titel: x}\n",
            "s.yaml:26:21: sources.s1.titel: unknown "
            "key 'titel' (did you mean 'title'?); expected one of: file, title, date, note",
        ),
        (
            "proposals:\n  p: {outcome: {nato: nutral}}\n",
            "s.yaml:26:23: proposals.p.outcome.nato: "
            "'nutral' is not an option of issue 'nato' (did you mean 'neutral'?); options: member, "
            "deferred, neutral",
        ),
        (
            "proposals:\n  p: {outcome: {cap: 5000}}\n",
            "s.yaml:26:22: proposals.p.outcome.cap: "
            "5000 is out of range; expected a number in the range of issue 'cap' (range [50, "
            "1000])",
        ),
        (
            "proposals:\n  p: {outcome: {nat: member}}\n",
            "s.yaml:26:17: proposals.p.outcome.nat: "
            "unknown issue 'nat' (did you mean 'nato'?); known: nato, cap",
        ),
        (
            "proposals:\n  p: {label: x}\n",
            "s.yaml:26:6: proposals.p: missing required key "
            "'outcome' (a mapping of issues to options or numbers)",
        ),
        (
            "solve:\n  concepts: [nash, kalaii]\n",
            "s.yaml:26:20: solve.concepts[1]: unknown "
            "solution concept 'kalaii' (did you mean 'kalai'?); known: zopa, pareto, nash, kalai, "
            "utilitarian, egalitarian",
        ),
        (
            "solve:\n  signatories: [russia, ukrane]\n",
            "s.yaml:26:25: solve.signatories[1]: "
            "unknown party 'ukrane' (did you mean 'ukraine'?); known: russia, ukraine",
        ),
        (
            "solve:\n  signatories: [russia, russia]\n",
            "s.yaml:26:25: solve.signatories[1]: party 'russia' is listed twice",
        ),
        (
            "solve:\n  signatories: []\n",
            "s.yaml:26:16: solve.signatories: expected a non-empty "
            "list of party names; found an empty list",
        ),
        (
            "solve:\n  lotteries: 'no'\n",
            "s.yaml:26:14: solve.lotteries: expected true or false "
            "(also solve over randomised agreements); found a string 'no'",
        ),
        (
            "solve:\n  max_outcomes: 0\n",
            "s.yaml:26:17: solve.max_outcomes: 0 is out of range; "
            "expected a positive integer (the largest outcome space to enumerate)",
        ),
        (
            "solve:\n  max_outcome: 10\n",
            "s.yaml:26:3: solve.max_outcome: unknown key "
            "'max_outcome' (did you mean 'max_outcomes'?); expected one of: concepts, lotteries, "
            "signatories, max_outcomes, method",
        ),
    ],
)
def test_sources_proposals_and_solve(tmp_path, extra, expected):
    assert one_problem(tmp_path, BASE + extra) == expected


def test_unknown_source_ref_suggests_the_closest(tmp_path):
    text = edit(
        ("    assumption: illustrative\n", "    source: {ref: s01, quote: something}\n"),
        text=BASE + "sources:\n  s001: {file: a.txt}\n",
    )
    assert one_problem(tmp_path, text) == (
        "s.yaml:11:19: parties.russia.source.ref: unknown source 's01' (did you mean 's001'?); "
        "known: s001"
    )


# -- the file as a whole ----------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    assert one_problem(tmp_path, text) == (
        "s.yaml:1:1: the file is empty; expected a mapping with keys format, name, issues, parties"
    )


def test_not_a_mapping(tmp_path):
    assert one_problem(tmp_path, "- format: 1\n- name: x\n") == (
        "s.yaml:1:1: the top level must be a mapping with keys format, name, issues, parties; "
        "found a list"
    )


def test_broken_yaml(tmp_path):
    assert one_problem(
        tmp_path,
        edit(("options: [member, deferred, neutral]", "options: [member, deferred, neutral")),
    ) == (
        "s.yaml:6:6: broken YAML syntax: expected ',' or ']', but got ':' (while parsing a flow "
        "sequence at line 5)"
    )


def test_binary_data(tmp_path):
    assert one_problem(tmp_path, b"format: 1\n\x00\x01\x02\xff") == (
        "s.yaml:2:1: the file is not UTF-8 text (it contains NUL bytes: binary data?)"
    )


def test_python_tag_is_rejected(tmp_path):
    text = edit(("name: demo", "name: !!python/object/apply:os.system ['echo pwned']"))
    assert one_problem(tmp_path, text) == (
        "s.yaml:2:7: name: tags are not allowed in scenario files "
        "(!!python/object/apply:os.system); write plain strings, numbers, booleans, null, "
        "mappings and lists"
    )


def test_extends_cycle(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nformat: 1\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nname: x\n")
    with pytest.raises(ScenarioError) as info:
        load(tmp_path / "a.yaml", env={})
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column, problem.path) == (
        str(tmp_path / "b.yaml"),
        1,
        10,
        "extends",
    )
    assert problem.message == (
        f"the extends chain is a cycle: {tmp_path / 'a.yaml'} -> "
        f"{tmp_path / 'b.yaml'} -> {tmp_path / 'a.yaml'}"
    )


def test_missing_base(tmp_path):
    found = problems_of(tmp_path, "extends: nowhere.yaml\n" + BASE)
    assert found == ["s.yaml:1:10: extends: the base file nowhere.yaml was not found"]


def test_problems_in_a_base_name_the_base_file(tmp_path):
    (tmp_path / "base.yaml").write_text(edit(("reservation: 0.35", "reservation: 2")))
    found = problems_of(tmp_path, "extends: base.yaml\nname: derived\n", name="top.yaml")
    assert found == [
        "base.yaml:10:18: parties.russia.reservation: 2 is out of range; expected "
        "a number in [0, 1] (the party's utility of no agreement)"
    ]


def test_many_problems_are_reported_at_once_in_file_order(tmp_path):
    text = edit(
        ("format: 1", "format: 3"),
        ("reservation: 0.35", "reservation: -0.1"),
        ("{member: 0.0, deferred: 0.5", "{member: 0.0, deffered: 0.5"),
        ("points: [[50, 1.0], [1000, 0.0]]", "points: [[1000, 1.0], [50, 0.0]]"),
        ("ideal: 1000", "ideal: .inf"),
    )
    found = problems_of(tmp_path, text)
    assert [p.split(": ")[0] for p in found] == [
        "s.yaml:1:9",
        "s.yaml:10:18",
        "s.yaml:15:17",
        "s.yaml:15:31",
        "s.yaml:18:31",
        "s.yaml:24:33",
    ]
    assert "unsupported format 3" in found[0]
    assert "points must be sorted by x" in found[4]


def test_error_carries_structured_problems(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(edit(("reservation: 0.35", "reservation: 7")))
    with pytest.raises(ScenarioError) as info:
        load(path, env={})
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column, problem.path) == (
        str(path),
        10,
        18,
        "parties.russia.reservation",
    )
    assert str(info.value) == str(problem)
