"""Hypothesis strategies for hostile scenario files: generated scenarios, and mutations of
valid ones (the shipped examples and generated ones).

A *mutation* replaces a value anywhere in the document with one from a pool of awkward
values (huge, tiny, negative, NaN and infinite numbers, empty and multi-line strings, markup,
matplotlib mathtext, wrong types), deletes or renames a key, adds an unknown one, duplicates
a list item, or cuts the text short. Every case is a file a user could write: zopa must
answer it with a result (exit 0) or located refusals (exit 2), within time and memory.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "scenarios" / "examples").glob("*.yaml"))

#: Awkward values a mutation puts in place of any value of the document.
AWKWARD = [
    -1,
    0,
    1,
    2,
    0.5,
    1e308,
    -1e308,
    1e-308,
    5e-324,
    10**20,
    float("nan"),
    float("inf"),
    -float("inf"),
    "",
    " ",
    "x\ny",
    "a: b",
    "FILE.yaml:1:1: fake problem",
    "<!--<script>alert(1)</script>",
    "Price (US$ per unit) $x^2$",
    "ä\u2028é",
    "x" * 5000,
    None,
    True,
    [],
    {},
    [1, 2],
    {"value": 0.5, "range": [0, 1]},
    {"value": 0.5, "range": [1, 0]},
    [[0, 0], [1, 1]],
    [[1, 0], [0, 1]],
    1_000_000,
    3000,
]


def _names(draw) -> list[str]:
    return draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )


@st.composite
def generated(draw) -> dict:
    """A small scenario: 1-3 issues (discrete or continuous), 2-3 parties with weights,
    values, reservations, sometimes red lines, interactions, constraints and proposals."""
    issues: dict = {}
    for name in draw(
        st.lists(st.from_regex(r"i[a-z]{1,4}", fullmatch=True), min_size=1, max_size=3, unique=True)
    ):
        if draw(st.booleans()):
            issues[name] = {"options": _names(draw)}
        else:
            low = draw(st.integers(-100, 100))
            issues[name] = {
                "range": [low, low + draw(st.integers(1, 100))],
                "grid": draw(st.integers(2, 12)),
            }
            if draw(st.booleans()):
                issues[name]["unit"] = draw(st.sampled_from(["km", "US$", "thousand troops"]))
    parties: dict = {}
    for pname in draw(
        st.lists(st.from_regex(r"p[a-z]{1,4}", fullmatch=True), min_size=2, max_size=3, unique=True)
    ):
        entries: dict = {}
        for name, issue in issues.items():
            if "options" in issue:
                values = {o: draw(st.floats(0, 1)) for o in issue["options"]}
                entries[name] = {"weight": draw(st.floats(0.1, 3)), "values": values}
            elif draw(st.booleans()):
                low, high = issue["range"]
                entries[name] = {
                    "weight": draw(st.floats(0.1, 3)),
                    "ideal": draw(st.floats(low, high)),
                }
            else:
                low, high = issue["range"]
                entries[name] = {
                    "weight": draw(st.floats(0.1, 3)),
                    "points": [[low, draw(st.floats(0, 1))], [high, draw(st.floats(0, 1))]],
                }
        party = {"reservation": draw(st.floats(0, 0.9)), "assumption": "fuzz", "issues": entries}
        first = next(iter(issues))
        if draw(st.booleans()) and "options" in issues[first]:
            party["red_lines"] = [{"issue": first, "not_in": issues[first]["options"][:1]}]
        if draw(st.booleans()):
            party["power"] = draw(st.floats(0.1, 5))
        parties[pname] = party
    doc = {
        "format": 1,
        "name": draw(st.text(min_size=1, max_size=20)),
        "issues": issues,
        "parties": parties,
    }
    if draw(st.booleans()):
        name, issue = next(iter(issues.items()))
        value = issue["options"][0] if "options" in issue else issue["range"][0]
        doc["proposals"] = {"first": {"outcome": {name: value}}}
    return doc


def _paths(node, prefix=()):
    """Every path to a value of a parsed YAML document (keys and list positions)."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _get(doc, path):
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw, base: dict) -> dict:
    """``base`` with one to three mutations."""
    import copy

    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _get(doc, path[:-1])
        key = path[-1]
        kind = draw(
            st.sampled_from(
                ["replace", "replace", "replace", "delete", "rename", "add", "duplicate"]
            )
        )
        if kind == "replace":
            parent[key] = copy.deepcopy(draw(st.sampled_from(AWKWARD)))
        elif kind == "delete":
            del parent[key]
        elif kind == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["x\ny", "Bad Name", "a.yaml:1:1: x", "ok_name", "ä"]))] = (
                parent.pop(key)
            )
        elif kind == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "grid", "range", "options", "weight"]))] = draw(
                st.sampled_from(AWKWARD)
            )
        elif kind == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return doc


def _dump(doc) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)


@st.composite
def scenario_texts(draw) -> str:
    """The text of a hostile scenario file: generated or a shipped example, mutated or not,
    sometimes cut short."""
    if draw(st.booleans()):
        base = draw(generated())
    else:
        base = yaml.safe_load(draw(st.sampled_from(EXAMPLES)).read_text(encoding="utf-8"))
    doc = draw(mutated(base)) if draw(st.integers(0, 4)) else base
    text = _dump(doc)
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text
