"""check_provenance (simulator.scenario.provenance) on hand-built claims: every quote that
cannot be checked is warned about -- the second citation of an unreadable file too -- and a
long quote that is not found is shortened in its message, never crashes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenario import load
from simulator.scenario.provenance import Citation, Claim, Source, check_provenance
from simulator.scenario.yamlread import Node

SCENARIO = "s.yaml"


def node(line: int, column: int = 5) -> Node:
    return Node("x", SCENARIO, line, column)


def cite(quote: str | None, line: int, ref: str = "doc") -> Citation:
    return Citation(ref, quote, node(line, 20), None, node(line), path=f"item{line}.source.quote")


def claim(citation: Citation | None, line: int) -> Claim:
    return Claim(f"item{line}", "carries nothing", node(line), (f"item{line}.values",), citation)


def test_every_citation_of_an_unreadable_file_is_warned(tmp_path):
    # a directory where the source file should be: it cannot be read. The file is tried
    # once; the second citation gets its warning from the cached failure.
    source = Source("doc.txt", path=str(tmp_path))
    prov = check_provenance([claim(cite("one", 3), 3), claim(cite("two", 7), 7)], {"doc": source})
    assert [(w.line, w.column, w.path) for w in prov.warnings] == [
        (3, 20, "item3.source.quote"),
        (7, 20, "item7.source.quote"),
    ]
    first, second = (w.message for w in prov.warnings)
    assert first == (
        f"cannot check the quote: {tmp_path} of source 'doc' cannot be read "
        "(this is a directory, not a file)"
    )
    assert second == f"cannot check the quote: {tmp_path} of source 'doc' cannot be read"
    assert [item.category for item in prov.items] == ["unverified", "unverified"]
    assert prov.counts()["unverified"] == 2


def test_one_citation_covering_two_claims_is_checked_and_warned_once(tmp_path):
    shared = cite("absent words", 4)
    (tmp_path / "doc.txt").write_text("present words\n", encoding="utf-8")
    source = Source("doc.txt", path=str(tmp_path / "doc.txt"))
    prov = check_provenance([claim(shared, 5), claim(shared, 6)], {"doc": source})
    assert len(prov.warnings) == 1
    assert prov.warnings[0].message.startswith("quote 'absent words' was not found in source")
    assert [item.verified for item in prov.items] == [False, False]


def test_a_missing_file_names_where_it_was_looked_for():
    prov = check_provenance(
        [claim(cite("q", 2), 2)], {"doc": Source("gone.txt")}, searched=["/a", "/b"]
    )
    (warning,) = prov.warnings
    assert warning.message == (
        "cannot check the quote: file 'gone.txt' of source 'doc' was not found (looked "
        "beside the scenario and in: /a, /b; add directories with --sources DIR or ZOPA_SOURCES)"
    )
    (warning,) = check_provenance([claim(cite("q", 2), 2)], {"doc": Source("gone.txt")}).warnings
    assert "(looked beside the scenario and in: nowhere;" in warning.message


@pytest.mark.parametrize(
    ("length", "shown"),
    [
        (60, "q" * 60),  # up to 60 characters: shown whole
        (61, "q" * 57 + "..."),  # longer: the first 57 and an ellipsis, 60 in all
        (500, "q" * 57 + "..."),
    ],
)
def test_a_long_quote_not_found_is_shortened_in_the_message(tmp_path, length, shown):
    (tmp_path / "doc.txt").write_text("nothing like it\n", encoding="utf-8")
    source = Source("doc.txt", path=str(tmp_path / "doc.txt"))
    prov = check_provenance([claim(cite("q" * length, 9), 9)], {"doc": source})
    (warning,) = prov.warnings
    assert warning.message == (
        f"quote {shown!r} was not found in source 'doc' ({tmp_path / 'doc.txt'}); quotes are "
        "compared ignoring case, white space and typographic quotes and dashes"
    )


def test_claims_without_citation_and_with_an_assumption_only():
    bare = claim(None, 1)
    assumed = claim(Citation(None, None, None, "a guess", node(2)), 2)
    prov = check_provenance([bare, assumed], {})
    assert [(w.line, w.path, w.message) for w in prov.warnings] == [(1, "item1", "carries nothing")]
    assert [(i.kind, i.text, i.category) for i in prov.items] == [
        ("none", "", "unsourced"),
        ("assumption", "a guess", "assumed"),
    ]


LONG_QUOTE = "Moscow is prepared to accept a ceasefire along the current line of contact " * 2


def test_a_long_misquote_in_a_scenario_is_a_warning(tmp_path: Path):
    (tmp_path / "doc.txt").write_text("Moscow rejects temporary ceasefires.\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        f"""\
format: 1
name: misquote
sources:
  doc: {{file: doc.txt}}
issues:
  nato: {{options: [member, neutral]}}
parties:
  russia:
    reservation: 0.4
    assumption: guess
    issues:
      nato:
        weight: 1
        values: {{member: 0, neutral: 1}}
        source: {{ref: doc, quote: "{LONG_QUOTE.strip()}"}}
  ukraine:
    reservation: 0.3
    assumption: guess
    issues:
      nato: {{weight: 1, values: {{member: 1, neutral: 0.5}}}}
""",
        encoding="utf-8",
    )
    scenario = load(tmp_path / "s.yaml", env={})
    (warning,) = scenario.warnings
    assert warning.path == "parties.russia.issues.nato.source.quote"
    assert warning.message.startswith(f"quote {LONG_QUOTE[:57] + '...'!r} was not found")
    assert scenario.provenance.unverified == 2  # the weight and the values it backs
