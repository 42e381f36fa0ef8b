"""Tests of simulator.scenario.provenance: citations, quote checks, counts and lookup."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from simulator.errors import ScenarioError
from simulator.scenario import load
from simulator.scenario.provenance import find_seeds, normalise_text, quote_occurs

DATA = Path(__file__).parent / "data"
# The source documents ship with the Ukraine scenarios (copies of shared/seeds).
SEEDS = Path(__file__).resolve().parents[2] / "scenarios" / "ukraine" / "sources"

# A real sentence of 004_367adf9762f35d02.txt and one of 001_0a59ffe8bdbc1af9.txt.
QUOTE_004 = "it would never tolerate its accession to NATO"
QUOTE_001 = "rejects temporary ceasefires as deceptive respites that allow Ukraine to rearm"

SCENARIO = """\
format: 1
name: provenance
sources:
  doc: {file: DOC}
issues:
  nato: {options: [member, neutral]}
parties:
  russia:
    reservation: 0.4
    issues:
      nato:
        weight: 1
        values: {member: 0, neutral: 1}
        source: {ref: doc, quote: QUOTE}
  ukraine:
    reservation: 0.3
    assumption: illustrative
    issues:
      nato: {weight: 1, values: {member: 1, neutral: 0.5}}
"""


def verified(prov) -> int:
    """How many numbers carry a quote that was found in its source file."""
    return sum(bool(item.verified) for item in prov.items)


def write(folder: Path, doc: str, quote: str, name: str = "s.yaml") -> Path:
    path = folder / name
    text = SCENARIO.replace("DOC", doc).replace("QUOTE", json.dumps(quote))
    path.write_text(text, encoding="utf-8")
    return path


def test_counts_of_a_fully_backed_scenario():
    scenario = load(DATA / "good.yaml", sources=[SEEDS], env={})
    prov = scenario.provenance
    # 12 numbers carry a verified quote; 4 of them are weights, which no quote sets
    assert (prov.sourced, prov.quoted_and_assumed, prov.assumed) == (8, 4, 9)
    assert (prov.unverified, prov.unsourced) == (0, 0)
    assert prov.weights == {
        "sourced": 0,
        "quoted_and_assumed": 4,
        "assumed": 4,
        "unverified": 0,
        "unsourced": 0,
    }
    assert prov.warnings == ()
    assert len(prov.items) == 21
    by_path = {item.path: item for item in prov.items}
    weight = by_path["parties.russia.issues.nato_membership.weight"]
    assert (weight.kind, weight.text, weight.ref, weight.verified) == (
        "source",
        "it would never tolerate its accession to NATO",
        "s004",
        True,
    )
    assumed = by_path["parties.us.issues.army_cap.ideal"]
    assert (assumed.kind, assumed.text, assumed.verified) == (
        "assumption",
        "illustrative mediator preferences",
        None,
    )


def test_party_citation_covers_its_entries():
    prov = load(DATA / "good.yaml", sources=[SEEDS], env={}).provenance
    by_path = {item.path: item for item in prov.items}
    for path in ("parties.ukraine.reservation", "parties.ukraine.issues.nato_membership.values"):
        assert by_path[path].text.startswith("Ukraine firmly opposes")
    # an entry's own citation wins over its party's
    assert by_path["parties.ukraine.issues.army_cap.ideal"].kind == "assumption"


@pytest.mark.parametrize("layout", ["shared/seeds", "../shared/seeds"])
def test_sources_are_found_in_shared_seeds_by_walking_up(tmp_path, layout):
    # root/shared/seeds/ holds the document; the scenario sits two levels below root (or, for
    # ../shared/seeds, below a sibling of it), as in a checkout next to shared/.
    root = tmp_path / "root"
    seeds = (root / layout).resolve()
    seeds.mkdir(parents=True)
    (seeds / "doc.txt").write_text("Moscow rejects temporary ceasefires.\n")
    folder = root / "repo" / "scenarios"
    folder.mkdir(parents=True)
    scenario = load(write(folder, "doc.txt", "rejects temporary ceasefires"), env={})
    assert scenario.sources["doc"].path == str(seeds / "doc.txt")
    assert scenario.provenance.unverified == 0
    assert find_seeds(str(folder)) == str(seeds)


@pytest.mark.parametrize(
    ("doc", "quote"),
    [
        ("004_367adf9762f35d02.txt", QUOTE_004),
        ("001_0a59ffe8bdbc1af9.txt", QUOTE_001),
        ("001_0a59ffe8bdbc1af9.txt", "REJECTS   temporary\n ceasefires"),  # case, white space
        ("001_0a59ffe8bdbc1af9.txt", "realities on the ground"),  # typographic quotes around
        ("002_6a604b4123d195f7.txt", '"non-aligned, neutral, non-nuclear foundations'),
        ("001_0a59ffe8bdbc1af9.txt", "Russia declares ... rejects temporary ceasefires"),
    ],
)
def test_real_quotes_from_the_seeds_are_verified(tmp_path, doc, quote):
    scenario = load(write(tmp_path, doc, quote), sources=[SEEDS], env={})
    prov = scenario.provenance
    # the quoted entry's values are sourced; its weight is quoted with its size assumed
    assert (prov.sourced, prov.quoted_and_assumed, prov.assumed) == (1, 1, 3)
    assert (prov.unverified, prov.unsourced) == (0, 1)
    assert [w.path for w in prov.warnings] == ["parties.russia.reservation"]


def test_quote_not_found_is_a_warning_and_an_error_when_strict(tmp_path):
    (tmp_path / "doc.txt").write_text("Moscow rejects temporary ceasefires.\n")
    path = write(tmp_path, "doc.txt", "Moscow accepts everything")
    scenario = load(path, env={})
    prov = scenario.provenance
    assert (prov.sourced, prov.assumed, prov.unverified, prov.unsourced) == (0, 3, 2, 1)
    messages = [str(w).replace(str(tmp_path) + os.sep, "") for w in prov.warnings]
    assert messages == [
        "s.yaml:9:18: parties.russia.reservation: the reservation has no source or assumption; "
        "add source: {ref, quote} or assumption: \"why\" to party 'russia'",
        "s.yaml:14:35: parties.russia.issues.nato.source.quote: quote 'Moscow accepts "
        "everything' was not found in source 'doc' (doc.txt); quotes are compared ignoring "
        "case, white space and typographic quotes and dashes",
    ]
    assert scenario.warnings == prov.warnings
    with pytest.raises(ScenarioError) as info:
        load(path, strict=True, env={})
    assert info.value.problems == prov.warnings


def test_strict_accepts_a_fully_backed_scenario(tmp_path):
    (tmp_path / "doc.txt").write_text("Moscow rejects temporary ceasefires.\n")
    text = SCENARIO.replace("DOC", "doc.txt").replace("QUOTE", "rejects temporary ceasefires")
    text = text.replace("    reservation: 0.4\n", "    reservation: 0.4\n    assumption: guess\n")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    prov = load(path, strict=True, env={}).provenance
    assert (prov.sourced, prov.quoted_and_assumed, prov.assumed) == (1, 1, 4)
    assert (prov.unverified, prov.unsourced) == (0, 0)


def test_missing_source_file_makes_quotes_unverified(tmp_path):
    path = write(tmp_path, "absent.txt", "anything")
    scenario = load(path, env={})
    assert scenario.sources["doc"].path is None
    assert scenario.provenance.unverified == 2
    (warning,) = [w for w in scenario.warnings if "quote" in w.path]
    assert (warning.line, warning.column) == (14, 35)
    assert warning.message.startswith(
        "cannot check the quote: file 'absent.txt' of source 'doc' "
        "was not found (looked beside the scenario and in: "
    )


def test_unsourced_numbers_are_counted_and_warned(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        SCENARIO.replace("  doc: {file: DOC}\n", "  {}\n")
        .replace("        source: {ref: doc, quote: QUOTE}\n", "")
        .replace("sources:\n  {}\n", "")
        .replace("    assumption: illustrative\n", "")
    )
    prov = load(path, env={}).provenance
    assert (prov.sourced, prov.assumed, prov.unverified, prov.unsourced) == (0, 0, 0, 6)
    assert [(w.line, w.path) for w in prov.warnings] == [
        (7, "parties.russia.reservation"),
        (9, "parties.russia.issues.nato"),
        (13, "parties.ukraine.reservation"),
        (15, "parties.ukraine.issues.nato"),
    ]
    assert prov.warnings[1].message == (
        "the weight and values have no source or assumption; add source: {ref, quote} or "
        "assumption: \"why\" here or to party 'russia'"
    )
    with pytest.raises(ScenarioError) as info:
        load(path, strict=True, env={})
    assert len(info.value.problems) == 4


def test_red_lines_need_provenance(tmp_path):
    path = tmp_path / "s.yaml"
    text = SCENARIO.replace("DOC", "doc.txt").replace("QUOTE", "x") + (
        "    red_lines:\n      - {issue: nato, not_in: [member]}\n"
        "constraints:\n  - {issue: nato, in: [neutral]}\n"
    )
    # russia has no party-level citation: its red line is backed by nothing
    text = text.replace(
        "    reservation: 0.4\n",
        "    reservation: 0.4\n    red_lines:\n      - {issue: nato, in: [neutral]}\n",
    )
    path.write_text(text)
    prov = load(path, env={}).provenance
    items = {i.path: i for i in prov.items}
    assert items["parties.ukraine.red_lines[0]"].kind == "assumption"  # from the party
    assert items["parties.russia.red_lines[0]"].kind == "none"
    assert any(
        w.path == "parties.russia.red_lines[0]" and "red line has no source" in w.message
        for w in prov.warnings
    )
    assert "constraints[0]" not in items  # constraints need no provenance


def test_zopa_sources_environment_variable(tmp_path):
    docs = tmp_path / "library"
    docs.mkdir()
    (docs / "doc.txt").write_text("Moscow rejects temporary ceasefires.")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    path = write(folder, "doc.txt", "rejects temporary ceasefires")
    assert load(path, env={}).provenance.unverified == 2
    env = {"ZOPA_SOURCES": os.pathsep.join([str(tmp_path / "nowhere"), str(docs)])}
    scenario = load(path, env=env)
    assert scenario.sources["doc"].path == str(docs / "doc.txt")
    assert (verified(scenario.provenance), scenario.provenance.unverified) == (2, 0)


def test_sources_argument_and_lookup_order(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, text in ((first, "alpha"), (second, "beta")):
        folder.mkdir()
        (folder / "doc.txt").write_text(text)
    path = write(tmp_path, "doc.txt", "beta")
    scenario = load(path, sources=[first, second], env={"ZOPA_SOURCES": str(second)})
    assert scenario.sources["doc"].path == str(first / "doc.txt")
    assert scenario.provenance.unverified == 2  # 'beta' is not in the first file found
    (tmp_path / "doc.txt").write_text("beta")  # beside the scenario comes first
    scenario = load(path, sources=[first], env={})
    assert scenario.sources["doc"].path == str(tmp_path / "doc.txt")
    assert verified(scenario.provenance) == 2


def test_source_file_may_be_a_relative_path(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "doc.txt").write_text("Moscow rejects temporary ceasefires.")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    path = write(folder, "../docs/doc.txt", "rejects temporary ceasefires")
    scenario = load(path, env={})
    assert scenario.sources["doc"].path == str(tmp_path / "docs" / "doc.txt")
    assert verified(scenario.provenance) == 2


def test_source_declared_in_a_base_is_found_beside_the_base(tmp_path):
    base_dir = tmp_path / "base"
    base_dir.mkdir()
    (base_dir / "doc.txt").write_text("Moscow rejects temporary ceasefires.")
    write(base_dir, "doc.txt", "rejects temporary ceasefires", name="base.yaml")
    top = tmp_path / "top.yaml"
    top.write_text("extends: base/base.yaml\nname: derived\n")
    assert verified(load(top, env={}).provenance) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kyiv\u2019s  \u201cguarantees\u201d", 'kyiv\'s "guarantees"'),
        ("Putin\u2013Witkoff \u2014 talks\u2212x", "putin-witkoff - talks-x"),
        ("non\u2011aligned\u00a0status\u2026", "non-aligned status..."),
        ("  MIXED\tCase\n\nlines ", "mixed case lines"),
    ],
)
def test_normalise_text(text, expected):
    assert normalise_text(text) == expected


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("rejects temporary ceasefires", True),
        ("Rejects Temporary\nCeasefires", True),
        ("rejects ... rearm", True),
        ("rearm ... rejects", False),
        ("rejects permanent ceasefires", False),
    ],
)
def test_quote_occurs(quote, found):
    text = normalise_text("Russia rejects temporary ceasefires as respites that let Ukraine rearm.")
    assert quote_occurs(quote, text) is found


def test_an_assumption_beside_a_source_is_kept_and_reported(tmp_path):
    """A sourced entry may also state how far its quote carries the number: that assumption
    is kept on the item and listed in the report's assumptions, like any other."""
    from simulator.report.document import Document
    from simulator.report.text import provenance_section

    (tmp_path / "doc.txt").write_text("Moscow rejects temporary ceasefires.")
    text = SCENARIO.replace("DOC", "doc.txt").replace("QUOTE", '"rejects temporary ceasefires"')
    text = text.replace(
        '        source: {ref: doc, quote: "rejects temporary ceasefires"}\n',
        '        source: {ref: doc, quote: "rejects temporary ceasefires"}\n'
        "        assumption: the quote orders the options; the numbers are guesses\n",
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    scenario = load(path, env={})
    items = {i.path: i for i in scenario.provenance.items}
    weight = items["parties.russia.issues.nato.weight"]
    assert weight.kind == "source" and weight.verified
    assert (
        weight.assumption
        == weight.assumed
        == ("the quote orders the options; the numbers are guesses")
    )
    assert items["parties.ukraine.reservation"].assumed == "illustrative"
    doc = Document()
    provenance_section(doc, scenario)
    shown = doc.text()
    assert "the quote orders the options; the numbers are guesses" in shown
    assert "illustrative" in shown


def test_a_quote_with_an_assumption_beside_it_is_quoted_with_its_magnitude_assumed(tmp_path):
    text = SCENARIO.replace("DOC", "004_367adf9762f35d02.txt").replace(
        "QUOTE}", json.dumps(QUOTE_004) + "}\n        assumption: the size is a guess"
    )
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    prov = load(path, sources=[SEEDS], env={}).provenance
    by_path = {item.path: item for item in prov.items}
    values = by_path["parties.russia.issues.nato.values"]
    assert (values.kind, values.verified, values.assumption) == (
        "source",
        True,
        "the size is a guess",
    )
    assert values.category == "quoted_and_assumed"
    assert (prov.sourced, prov.quoted_and_assumed, prov.assumed) == (0, 2, 3)
    # an unverified quote stays unverified whatever is assumed beside it
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(json.dumps(QUOTE_004), '"not in the document"'), encoding="utf-8")
    prov = load(bad, sources=[SEEDS], env={}).provenance
    assert (prov.sourced, prov.quoted_and_assumed, prov.unverified) == (0, 0, 2)


def test_counts_partition_the_numbers():
    prov = load(DATA / "good.yaml", sources=[SEEDS], env={}).provenance
    counts = prov.counts()
    assert list(counts) == [
        "sourced",
        "quoted_and_assumed",
        "assumed",
        "unverified",
        "unsourced",
    ]
    assert sum(counts.values()) == len(prov.items)
    with_weights = prov.counts(weights=True)
    without = prov.counts(weights=False)
    assert {k: with_weights[k] + without[k] for k in counts} == counts
    assert with_weights["sourced"] == 0
