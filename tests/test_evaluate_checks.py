"""evaluate() names what is valid when a proposal does not fit the model (no bare errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator

JOB = Path(__file__).resolve().parent.parent / "scenarios" / "examples" / "job_offer.yaml"


@pytest.fixture(scope="module")
def model():
    return simulator.load(JOB).model()


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ({"remote": "zzz"}, "'zzz' is not an option of remote (options: none, two_days, full)"),
        ({"nope": 1}, "no issue 'nope' (issues: salary, remote, start)"),
        ({"salary": "abc"}, "salary takes a number; found 'abc'"),
        ({"salary": 81}, "salary = 81 is outside the range [50, 80]"),
        ({"salary": None}, "salary takes a number; found None"),
    ],
)
def test_an_invalid_proposal_is_a_value_error_naming_what_is_valid(model, outcome, message):
    with pytest.raises(ValueError) as err:
        simulator.evaluate(model, outcome)
    assert str(err.value) == message


def test_numbers_given_as_text_are_numbers(model):
    assert simulator.evaluate(model, {"salary": "65"}).outcome == {"salary": 65.0}
    assert simulator.evaluate(model, {"salary": "65"}) == simulator.evaluate(model, {"salary": 65})
