"""Every input check of the core says what is wrong, with the right error type.

Each case would pass unnoticed if its check were deleted: the input then either runs on
silently (a NaN power, ``method="mlip"`` enumerating, an off-by-one size limit) or fails
deeper down with a bare ``KeyError`` / ``IndexError`` / an unrelated message. The message is
part of the contract (the CLI shows it), so it is matched too.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import analyze, compile_model, evaluate
from simulator.dynamics import monte_carlo, simulate
from simulator.dynamics.outcomes import outcome_table
from simulator.dynamics.protocols import opening_text
from simulator.dynamics.strategies import make_agent
from simulator.errors import SpaceTooLargeError
from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    Implication,
    Interaction,
    Party,
    PiecewiseLinearValue,
    TableValue,
)
from simulator.solvers.lottery import nash_lottery
from simulator.solvers.nash import nash, nash_objective

DEAL = DiscreteIssue("deal", ("a", "b", "c"))
CAP = ContinuousIssue("cap", 0.0, 10.0, grid=3)
DAYS = ContinuousIssue("days", 0, 10, grid=11, integer=True)


def party(name="p", *, values=None, **kwargs) -> Party:
    values = values or {"deal": TableValue((1.0, 0.5, 0.0))}
    return Party(name, 0.2, {k: 1.0 for k in values}, values, **kwargs)


def model(*parties, constraints=(), signatories=None, issues=(DEAL, CAP, DAYS)):
    parties = parties or (party("p"), party("q", values={"deal": TableValue((0.0, 0.5, 1.0))}))
    return compile_model(issues, parties, constraints, signatories)


# -- Nash powers ------------------------------------------------------------------------------

GAINS = np.array([[0.5, 0.1], [0.2, 0.3]])
POWER = "power needs one positive finite number per party"


@pytest.mark.parametrize(
    "power",
    [
        [1.0, 0.0],
        [1.0, -1.0],
        [1.0, math.nan],
        [1.0, math.inf],
        [1.0],  # too short
        [1.0, 1.0, 1.0],  # too long
        [[1.0, 1.0]],  # not a vector
    ],
    ids=["zero", "negative", "nan", "inf", "short", "long", "2d"],
)
@pytest.mark.parametrize("solver", [nash, nash_objective, nash_lottery])
def test_a_bad_nash_power_is_refused(solver, power):
    with pytest.raises(ValueError, match=POWER):
        solver(GAINS, np.array(power))


@pytest.mark.parametrize("power", [0.0, -1.0, math.nan, math.inf, -math.inf])
def test_a_party_power_must_be_positive_and_finite(power):
    # a NaN or infinite power used to be accepted, and turned every Nash power into NaN
    with pytest.raises(ValueError, match="party 'p': power must be positive"):
        party(power=power)


# -- parts of a model -------------------------------------------------------------------------


def _bad_parts():
    """``(id, build, error, message)``: each builds an inconsistent model or part."""
    ok_q = party("q", values={"deal": TableValue((0.0, 0.5, 1.0))})
    return [
        (
            "table too short",
            lambda: model(party(values={"deal": TableValue((1.0, 0.0))}), ok_q),
            "party 'p': 'deal' needs a value per option",
        ),
        (
            "table too long",
            lambda: model(party(values={"deal": TableValue((1.0, 0.5, 0.2, 0.0))}), ok_q),
            "party 'p': 'deal' needs a value per option",
        ),
        (
            "no signatories",
            lambda: model(signatories=[]),
            "at least one party must be a signatory",
        ),
        (
            "unknown signatory",
            lambda: model(signatories=["p", "x"]),
            r"unknown signatories \['x'\]",
        ),
        ("one party", lambda: model(party()), "at least two parties"),
        ("same party names", lambda: model(party(), party()), "party names must be unique"),
        (
            "same issue names",
            lambda: model(issues=(DEAL, DiscreteIssue("deal", ("x", "y")))),
            "issue names must be unique",
        ),
        (
            "weighs an unknown issue",
            lambda: model(party(values={"nope": TableValue((1.0, 0.0))}), ok_q),
            "party 'p' weighs unknown issue 'nope'",
        ),
        (
            "table on a continuous issue",
            lambda: model(party(values={"cap": TableValue((1.0, 0.0, 0.5))}), ok_q),
            "party 'p': value function does not fit 'cap'",
        ),
        (
            "points on a discrete issue",
            lambda: model(party(values={"deal": PiecewiseLinearValue((0.0,), (1.0,))}), ok_q),
            "party 'p': value function does not fit 'deal'",
        ),
        (
            "red line on an unknown issue",
            lambda: model(party(red_lines=(Condition("nope", low=1.0),)), ok_q),
            "condition on unknown issue 'nope'",
        ),
        (
            "constraint on an unknown issue",
            lambda: model(
                constraints=(Implication(Condition("deal", ("a",)), Condition("nope", low=1)),)
            ),
            "condition on unknown issue 'nope'",
        ),
        (
            "interaction on an unknown issue",
            lambda: model(
                party(interactions=(Interaction((Condition("nope", ("a",)),), 0.1),)), ok_q
            ),
            "condition on unknown issue 'nope'",
        ),
        (
            "red line naming an unknown option",
            lambda: model(party(red_lines=(Condition("deal", ("a", "zz")),)), ok_q),
            r"'zz' is not an option of deal \(options: a, b, c\)",
        ),
        (
            "options on a continuous issue",
            lambda: model(constraints=(Condition("cap", ("a",)),)),
            "condition on continuous issue 'cap' needs min/max",
        ),
        (
            "bounds on a discrete issue",
            lambda: model(constraints=(Condition("deal", low=1.0),)),
            "condition on discrete issue 'deal' needs options",
        ),
        (
            "no value function for a weight",
            lambda: Party("p", 0.2, {"deal": 1.0, "cap": 1.0}, {"deal": TableValue((1, 0, 0))}),
            r"party 'p': no value function for \['cap'\]",
        ),
        (
            "negative weight",
            lambda: Party("p", 0.2, {"deal": -1.0}, {"deal": TableValue((1, 0, 0))}),
            "party 'p': weights must be non-negative",
        ),
        ("infinite cap", lambda: party(cap=math.inf), "party 'p': a cap must be a finite number"),
        ("no options", lambda: DiscreteIssue("d", ()), "issue 'd' has no options"),
        ("repeated option", lambda: DiscreteIssue("d", ("a", "a")), "issue 'd' repeats an option"),
        (
            "option labels",
            lambda: DiscreteIssue("d", ("a", "b"), option_labels=("A",)),
            "issue 'd' has 1 option labels for 2 options",
        ),
        (
            "reversed range",
            lambda: ContinuousIssue("c", 1.0, 0.0),
            "issue 'c': range must be finite with low <= high",
        ),
        (
            "NaN bound",
            lambda: ContinuousIssue("c", math.nan, 1.0),
            "issue 'c': range must be finite with low <= high",
        ),
        ("grid of one", lambda: ContinuousIssue("c", 0.0, 1.0, grid=1), "grid must be at least 2"),
        (
            "integer grid too fine",
            lambda: ContinuousIssue("c", 0, 3, grid=5, integer=True),
            "grid 5 exceeds the 4 integers of the range",
        ),
        (
            "fractional integer range",
            lambda: ContinuousIssue("c", 0.5, 3, integer=True),
            "an integer issue's range must be integers",
        ),
        (
            "points of unequal length",
            lambda: PiecewiseLinearValue((0.0, 1.0), (1.0,)),
            "points need as many x as y",
        ),
        ("no points", lambda: PiecewiseLinearValue((), ()), "at least one"),
        (
            "points not ascending",
            lambda: PiecewiseLinearValue((0.0, 0.0), (1.0, 0.0)),
            "strictly ascending x",
        ),
    ]


@pytest.mark.parametrize(
    ("build", "message"), [c[1:] for c in _bad_parts()], ids=[c[0] for c in _bad_parts()]
)
def test_inconsistent_parts_are_refused_with_a_clear_value_error(build, message):
    with pytest.raises(ValueError, match=message):
        build()


# -- analyse and evaluate ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda m: analyze(m, method="mlip"),
            "unknown method 'mlip'; known: auto, enumerate, milp",
        ),
        (lambda m: analyze(m, method="MILP"), "unknown method 'MILP'"),
        (lambda m: analyze(m, concepts=["nash", "shapley"]), r"unknown concepts \['shapley'\]"),
        (
            lambda m: evaluate(m, {"deal": "zz"}),
            r"'zz' is not an option of deal \(options: a, b, c\)",
        ),
        (lambda m: evaluate(m, {"cap": 11.0}), r"cap = 11 is outside the range \[0, 10\]"),
        (lambda m: evaluate(m, {"days": 2.5}), "days = 2.5 is not an integer"),
        (
            lambda m: m.restrict({"deal": "zz"}),
            r"'zz' is not an option of deal \(options: a, b, c\)",
        ),
    ],
    ids=["mlip", "upper case", "concept", "option", "range", "integer", "restrict option"],
)
def test_analysis_inputs_are_refused_with_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call(model())


def test_an_unknown_issue_in_a_proposal_is_named():
    with pytest.raises(ValueError, match=r"no issue 'nope' \(issues: deal, cap, days\)"):
        evaluate(model(), {"nope": "a"})


def test_the_size_limit_is_inclusive():
    m = model()
    n = m.space.count
    assert n == 3 * 3 * 11
    assert m.check_size(n) == n
    assert analyze(m, concepts=(), max_outcomes=n).zone.total == n
    assert evaluate(m, {}, max_outcomes=n).open_issues == ("deal", "cap", "days")
    for call in (
        lambda: m.check_size(n - 1),
        lambda: analyze(m, concepts=(), max_outcomes=n - 1),
        lambda: evaluate(m, {}, max_outcomes=n - 1),
        lambda: outcome_table(m, max_outcomes=n - 1),
    ):
        with pytest.raises(
            SpaceTooLargeError,
            match=f"has {n} outcomes, more than the enumeration limit of {n - 1}",
        ):
            call()
    # a proposal is checked on the completions it leaves open: 11 here
    assert evaluate(m, {"deal": "a", "cap": 0.0}, max_outcomes=11).open_issues == ("days",)
    with pytest.raises(SpaceTooLargeError, match="has 11 outcomes"):
        evaluate(m, {"deal": "a", "cap": 0.0}, max_outcomes=10)


# -- the talks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(protocol="auction"), "unknown protocol 'auction'; known: alternating, mediated"),
        (dict(rounds=0), "rounds must be at least 1"),
        (dict(noise=-0.1), "noise must be non-negative"),
        (dict(strategies={"x": "linear"}), r"strategies for unknown signatories \['x'\]"),
        (dict(strategies={"p": "greedy"}), "unknown strategy 'greedy'"),
        (dict(mediator="p"), "a mediator takes part only in the mediated protocol"),
        (dict(protocol="mediated", mediator="x"), "unknown mediator 'x'"),
        (dict(discount=0.0), r"party 'p': discount factor must lie in \(0, 1\]"),
        (dict(discount={"q": 1.5}), r"party 'q': discount factor must lie in \(0, 1\]"),
        (dict(protocol="mediated", start="best"), "unknown opening text 'best'"),
    ],
    ids=lambda v: str(v) if isinstance(v, dict) else "",
)
def test_simulation_inputs_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate(model(), **kwargs)


def test_monte_carlo_and_agents_refuse_unknown_strategies_and_missing_generators():
    m = model()
    with pytest.raises(ValueError, match=r"unknown strategies \['greedy'\]"):
        monte_carlo(m, 2, ["linear", "greedy"])
    table = outcome_table(m)
    sig = np.array([0, 1])
    with pytest.raises(ValueError, match="unknown strategy 'greedy'"):
        make_agent(table, 0, "p", sig, "greedy")
    with pytest.raises(ValueError, match="noise needs a random generator"):
        make_agent(table, 0, "p", sig, "linear", noise=0.1)
    with pytest.raises(ValueError, match="unknown opening text 'best'"):
        opening_text(table, table.utilities, sig, "best")
