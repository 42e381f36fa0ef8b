"""Importing GENIUS non-linear profiles (ANAC 2014): hyper-rectangles over integer issues.

The files are written here, small enough to enumerate (3 issues of 5 integers); the expected
utilities come from :func:`genius_utility`, a direct transcription of GENIUS's
``NonlinearUtilitySpace.getUtility`` (``min(1, sum / maxutility)``, the sum over
``InclusiveHyperRectangle``s holding inside every bound and ``ExclusiveHyperRectangle``s
holding outside at least one), independent of the importer.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.analysis_milp import analyze_milp
from simulator.cli import main
from simulator.errors import ScenarioError
from simulator.io.genius import read_domain, read_profile, to_scenario_dict
from simulator.io.genius_nonlinear import HyperRectangle, pieces
from tests.solvers.milp.test_methods_agree import check_methods_agree

ISSUES = "".join(
    f'<issue etype="integer" index="{i}" name="i{i}" type="integer" vtype="integer" '
    f'lowerbound="0" upperbound="4"/>\n'
    for i in (1, 2, 3)
)
DOMAIN = f"""<negotiation_template><utility_space number_of_issues="3">
<objective etype="objective" index="0" name="root" type="objective">
{ISSUES}</objective></utility_space></negotiation_template>
"""


def profile(rectangles: str, top: float, extra: str = "") -> str:
    return f"""<utility_space type="nonlinear">
<objective etype="objective" index="0" name="root" type="objective">
{ISSUES}<utility maxutility="{top}">
<ufun type="PlainUfun" weight="1" aggregation="sum">
{rectangles}</ufun>
</utility>
</objective>
{extra}</utility_space>
"""


#: The sum reaches 6 + 10 + 3 + 1 = 20 > maxutility 10: the cap at 1 binds.
ONE = profile(
    """<hyperRectangle utility="6">
  <INCLUDES index="1" min="1" max="3"/><INCLUDES index="2" min="0" max="2"/>
</hyperRectangle>
<hyperRectangle utility="5" weight="2"><INCLUDES index="3" min="4" max="4"/></hyperRectangle>
<hyperRectangle utility="3">
  <EXCLUDES index="1" min="0" max="2"/><EXCLUDES index="3" min="1" max="4"/>
</hyperRectangle>
<hyperRectangle utility="1"></hyperRectangle>
""",
    10,
    '<reservation value="0.3"/><discount_factor value="0.9"/>\n',
)
TWO = profile(
    """<hyperRectangle utility="8"><INCLUDES index="1" min="0" max="1"/></hyperRectangle>
<hyperRectangle utility="4"><EXCLUDES index="2" min="2" max="4"/></hyperRectangle>
<hyperRectangle utility="2">
  <INCLUDES index="2" min="3" max="4"/><INCLUDES index="3" min="0" max="1"/>
</hyperRectangle>
""",
    8,
    '<reservation value="0.2"/>\n',
)


def genius_utility(text: str, outcome: dict[int, int]) -> float:
    """GENIUS's utility of an outcome (issue index -> integer) under a non-linear profile."""
    utility = ET.fromstring(text).find("objective/utility")
    ufun = utility.find("ufun")
    total = 0.0
    for rect in ufun.findall("hyperRectangle"):
        value = float(rect.get("utility")) * float(rect.get("weight", "1"))
        inc, exc = rect.findall("INCLUDES"), rect.findall("EXCLUDES")

        def inside(b) -> bool:
            return int(b.get("min")) <= outcome[int(b.get("index"))] <= int(b.get("max"))

        if exc:
            holds = any(not inside(b) for b in exc)
        else:
            holds = all(inside(b) for b in inc)
        total += value * holds
    total *= float(ufun.get("weight", "1"))
    return min(1.0, total / float(utility.get("maxutility")))


def write(tmp_path: Path, **files: str) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.xml"
        path.write_text(text)
        paths.append(path)
    return paths


def imported(tmp_path: Path, one: str = ONE, two: str = TWO) -> simulator.Scenario:
    files = write(tmp_path, domain=DOMAIN, one=one, two=two)
    out = tmp_path / "scenario.yaml"
    assert main(["import-genius", *map(str, files), "-o", str(out)]) == 0
    return simulator.load(out, strict=True, env={})


def test_utilities_are_genius_utilities_at_every_outcome(tmp_path):
    model = imported(tmp_path).model()
    assert model.space.count == 125
    levels = model.space.levels(0, model.space.count)
    u = model.utilities(levels)
    for row, lv in enumerate(levels):
        outcome = {k + 1: int(model.level_values[k][lv[k]]) for k in range(3)}
        assert u[row, 0] == pytest.approx(genius_utility(ONE, outcome), abs=1e-12)
        assert u[row, 1] == pytest.approx(genius_utility(TWO, outcome), abs=1e-12)
    assert u[:, 0].max() == 1.0  # capped: the sum reaches 20 for maxutility 10


def test_party_is_capped_interactions(tmp_path):
    scenario = imported(tmp_path)
    data = yaml.safe_load((tmp_path / "scenario.yaml").read_text())
    one = data["parties"]["one"]
    assert (one["cap"], one["issues"], one["reservation"], one["discount"]) == (1, {}, 0.3, 0.9)
    first = one["interactions"][0]
    assert first["when"] == {"i1": {"min": 1, "max": 3}, "i2": {"min": 0, "max": 2}}
    assert first["bonus"] == 0.6
    assert one["interactions"][1]["bonus"] == 1.0  # utility 5 times weight 2, over 10
    # EXCLUDES: below i1's min, above its max, or i1 inside and i3 below its min
    excludes = [i["when"] for i in one["interactions"] if "EXCLUDES" in i["description"]]
    assert excludes == [
        {"i1": {"min": 3, "max": 4}},
        {"i1": {"min": 0, "max": 2}, "i3": {"min": 0, "max": 0}},
    ]
    assert one["interactions"][-1]["when"] == {"i1": {"min": 0, "max": 4}}  # always holds
    assert [p.cap for p in scenario.parties] == [1.0, 1.0]


def test_enumeration_and_milp_agree(tmp_path):
    model = imported(tmp_path).model()
    check_methods_agree(model, skip_known_bugs=False, check_frontier=True)


def test_the_milp_solves_every_integer(tmp_path):
    """Off the grid too (``method="milp"``): an integer issue's grid is every integer."""
    model = imported(tmp_path).model()
    enumerated = simulator.analyze(model)
    solved = analyze_milp(model, ("nash", "kalai", "egalitarian", "utilitarian"), on_grid=False)
    for concept, s in enumerated.solutions.items():
        assert solved.solutions[concept].utilities == pytest.approx(s.utilities, abs=1e-7)


def test_run_picks_milp_on_a_large_space(tmp_path, capsys):
    """Seven issues of ten integers (10^7 outcomes; ANAC 2014's 10issues has 10^10): auto
    solves it by MILP, and the answer is a GENIUS utility."""
    issues = "".join(
        f'<issue index="{i}" name="x{i}" type="integer" lowerbound="0" upperbound="9"/>\n'
        for i in range(1, 8)
    )
    domain = (
        '<negotiation_template><utility_space><objective index="0" name="big">\n'
        f"{issues}</objective></utility_space></negotiation_template>\n"
    )

    def big(seed: int) -> str:
        rng = np.random.default_rng(seed)
        rects = []
        for _ in range(6):
            chosen = rng.choice(np.arange(1, 8), size=3, replace=False)
            bounds = "".join(
                f'<INCLUDES index="{i}" min="{lo}" max="{lo + rng.integers(0, 5)}"/>'
                for i, lo in zip(chosen, rng.integers(0, 5, size=3))
            )
            rects.append(
                f'<hyperRectangle utility="{rng.integers(1, 100)}">{bounds}</hyperRectangle>\n'
            )
        return (
            f'<utility_space type="nonlinear"><objective index="0" name="big">\n{issues}'
            f'<utility maxutility="150"><ufun aggregation="sum">{"".join(rects)}</ufun>'
            "</utility></objective></utility_space>\n"
        )

    files = write(tmp_path, domain=domain, a=big(1), b=big(2))
    out = tmp_path / "big.yaml"
    assert main(["import-genius", *map(str, files), "-o", str(out)]) == 0
    model = simulator.load(out).model()
    assert model.space.count == 10**7
    analysis = simulator.analyze(model, method="auto")
    assert analysis.method == "milp"
    nash = analysis.solutions["nash"]
    outcome = {k + 1: int(nash.outcome[f"x{k + 1}"]) for k in range(7)}
    assert nash.utilities["a"] == pytest.approx(genius_utility(big(1), outcome), abs=1e-9)
    assert nash.utilities["b"] == pytest.approx(genius_utility(big(2), outcome), abs=1e-9)


# -- pieces: exclusive rectangles as disjoint conjunctions ----------------------------------


@st.composite
def rectangles(draw) -> tuple[HyperRectangle, dict[int, tuple[int, int]]]:
    ranges = {i: (0, draw(st.integers(0, 4))) for i in (1, 2, 3)}
    bounds = tuple(
        (draw(st.sampled_from((1, 2, 3))), draw(st.integers(-1, 5)), draw(st.integers(-1, 5)))
        for _ in range(draw(st.integers(0, 4)))
    )
    return HyperRectangle(1.0, bounds, draw(st.booleans())), ranges


@given(rectangles())
@settings(max_examples=200, deadline=None)
def test_pieces_hold_exactly_once_where_the_rectangle_holds(case):
    rect, ranges = case
    found = pieces(rect, ranges)
    for point in itertools.product(*(range(lo, hi + 1) for lo, hi in ranges.values())):
        x = dict(zip(ranges, point))
        inside = [lo <= x[i] <= hi for i, lo, hi in rect.bounds]
        holds = any(not s for s in inside) if rect.exclusive and inside else all(inside)
        hits = sum(all(lo <= x[i] <= hi for i, (lo, hi) in p.items()) for p in found)
        assert hits == int(holds), (x, found)


# -- what GENIUS does not read --------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            'aggregation="sum"',
            'aggregation="max"',
            "ufun[0].aggregation: unsupported aggregation 'max'; expected sum",
        ),
        (
            '<hyperRectangle utility="8">',
            '<ufun aggregation="sum"/><hyperRectangle utility="8">',
            "ufun[0].ufun[0]: nested <ufun> elements are not supported",
        ),
        (
            '<EXCLUDES index="2" min="2" max="4"/>',
            '<EXCLUDES index="2" min="2" max="4"/><INCLUDES index="1" min="0" max="1"/>',
            "GENIUS would use the EXCLUDES bounds and ignore the INCLUDES ones",
        ),
        (
            '<INCLUDES index="1" min="0" max="1"/>',
            '<INCLUDES index="7" min="0" max="1"/>',
            "hyperRectangle[0].INCLUDES[0].index: no issue has index 7; expected one of: 1, 2, 3",
        ),
        (
            '<INCLUDES index="1" min="0" max="1"/>',
            '<INCLUDES index="1" min="0" max="1.5"/>',
            "INCLUDES[0].max: 1.5 is out of range; expected an integer",
        ),
        ('maxutility="8"', 'maxutility="0"', "utility[0].maxutility: 0 is out of range"),
    ],
)
def test_unsupported_nonlinear_profiles_are_refused(tmp_path, old, new, expected):
    assert old in TWO
    domain, bad = write(tmp_path, domain=DOMAIN, bad=TWO.replace(old, new))
    with pytest.raises(ScenarioError) as info:
        read_profile(bad, read_domain(domain))
    assert expected in str(info.value)


def test_rectangles_on_a_discrete_issue_are_refused(tmp_path):
    domain = DOMAIN.replace(
        '<issue etype="integer" index="1" name="i1" type="integer" vtype="integer" '
        'lowerbound="0" upperbound="4"/>',
        '<issue index="1" name="i1" type="discrete"><item value="a"/><item value="b"/></issue>',
    )
    text = TWO.replace(
        '<issue etype="integer" index="1" name="i1" type="integer" vtype="integer" '
        'lowerbound="0" upperbound="4"/>',
        '<issue index="1" name="i1" type="discrete"><item value="a"/><item value="b"/></issue>',
    )
    d, p = write(tmp_path, domain=domain, p=text)
    with pytest.raises(ScenarioError) as info:
        read_profile(p, read_domain(d))
    assert "issue 'i1' is discrete; GENIUS reads hyper-rectangle bounds on integer issues" in str(
        info.value
    )


def test_profile_without_domain(tmp_path):
    (one, two) = write(tmp_path, one=ONE, two=TWO)
    data = to_scenario_dict(None, [read_profile(one), read_profile(two)])
    assert list(data["issues"]) == ["i1", "i2", "i3"]
    assert "non-linear utilities" in data["description"]
