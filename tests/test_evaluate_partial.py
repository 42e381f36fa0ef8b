"""``evaluate`` on a partial proposal: red lines and constraints broken by some completions
but not all (``maybe_broken``, ``maybe_broken_constraints``), worked by hand on the model of
``tests/conftest.py``.

=====================  ======  =======
outcome                Russia  Ukraine
=====================  ======  =======
member, none            0.40    0.50
member, article5        0.12    1.00
neutral, none           1.00    0.10
neutral, article5       0.72    0.60
=====================  ======  =======

Russia (reservation 0.5) has the red line ``nato not_in [member]``; Ukraine's reservation
is 0.55. Each case runs in one chunk and in chunks of one outcome (the any/all reductions are
accumulated across chunks).
"""

from __future__ import annotations

import pytest

from simulator import evaluate
from simulator.model import Condition, Implication
from tests.conftest import nato_for_guarantee

LINE = "nato not_in [member]"
RULE = Implication(
    Condition("nato", ("neutral",)),
    Condition("guarantee", ("article5",)),
    name="neutral_needs_guarantee",
)
RULE_TEXT = "if nato in [neutral] then guarantee in [article5] (neutral_needs_guarantee)"
CHUNKS = pytest.mark.parametrize("chunk_size", [1, 1 << 18])


@CHUNKS
def test_a_red_line_broken_by_some_completions_is_maybe_broken(chunk_size):
    e = evaluate(nato_for_guarantee(), {"guarantee": "none"}, chunk_size=chunk_size)
    assert e.open_issues == ("nato",)
    assert e.maybe_broken == {"russia": (LINE,), "ukraine": ()}
    assert e.broken == {"russia": (), "ukraine": ()}
    assert e.utility["russia"] == pytest.approx((0.4, 1.0))
    assert e.utility["ukraine"] == pytest.approx((0.1, 0.5))
    # Russia accepts (neutral, none) but not (member, none); Ukraine accepts neither
    assert e.accepts == {"russia": None, "ukraine": False}
    assert e.agreed is False
    assert e.constraints_ok is True
    assert e.broken_constraints == e.maybe_broken_constraints == ()


@CHUNKS
def test_a_red_line_broken_by_every_completion_is_broken(chunk_size):
    e = evaluate(nato_for_guarantee(), {"nato": "member"}, chunk_size=chunk_size)
    assert e.broken == {"russia": (LINE,), "ukraine": ()}
    assert e.maybe_broken == {"russia": (), "ukraine": ()}
    assert e.accepts["russia"] is False
    e = evaluate(nato_for_guarantee(), {"nato": "neutral"}, chunk_size=chunk_size)
    assert e.broken == e.maybe_broken == {"russia": (), "ukraine": ()}


@CHUNKS
def test_a_constraint_broken_by_some_completions_is_maybe_broken(chunk_size):
    model = nato_for_guarantee(constraints=[RULE])
    # guarantee = none: nato = member obeys the rule, nato = neutral breaks it
    e = evaluate(model, {"guarantee": "none"}, chunk_size=chunk_size)
    assert e.maybe_broken_constraints == (RULE_TEXT,)
    assert e.broken_constraints == ()
    assert e.constraints_ok is None
    # ranges, red lines and acceptance are over the completions that obey the constraints:
    # (member, none) alone, which breaks Russia's red line
    assert e.utility["russia"] == pytest.approx((0.4, 0.4))
    assert e.broken == {"russia": (LINE,), "ukraine": ()}
    assert e.maybe_broken == {"russia": (), "ukraine": ()}
    assert e.accepts == {"russia": False, "ukraine": False}
    # guarantee = article5: the rule holds whatever nato is
    e = evaluate(model, {"guarantee": "article5"}, chunk_size=chunk_size)
    assert e.maybe_broken_constraints == e.broken_constraints == ()
    assert e.constraints_ok is True
    assert e.maybe_broken == {"russia": (LINE,), "ukraine": ()}
    # Ukraine accepts both (1.0, 0.6); Russia only (neutral, article5)
    assert e.accepts == {"russia": None, "ukraine": True}
    assert e.agreed is None


@CHUNKS
def test_a_constraint_broken_by_every_completion_is_broken(chunk_size):
    model = nato_for_guarantee(constraints=[RULE, Condition("guarantee", ("none",))])
    # nato = neutral: guarantee = none breaks RULE, guarantee = article5 the second rule
    e = evaluate(model, {"nato": "neutral"}, chunk_size=chunk_size)
    assert e.constraints_ok is False and e.agreed is False
    assert e.broken_constraints == ()
    assert e.maybe_broken_constraints == (RULE_TEXT, "guarantee in [none]")
    # no completion is allowed: ranges are then over every completion
    assert e.utility["russia"] == pytest.approx((0.72, 1.0))
    e = evaluate(model, {"nato": "neutral", "guarantee": "none"}, chunk_size=chunk_size)
    assert e.broken_constraints == (RULE_TEXT,)
    assert e.maybe_broken_constraints == ()
    assert e.constraints_ok is False
