"""Shared fixtures: a small hand-checked negotiation."""

import pytest

from simulator.model import Condition, DiscreteIssue, Party, TableValue, compile_model


def nato_for_guarantee(ukraine_reservation: float = 0.55, **kwargs):
    """Two issues, two parties; utilities worked by hand in the tests.

    =====================  ======  =======
    outcome                Russia  Ukraine
    =====================  ======  =======
    member, none            0.40    0.50
    member, article5        0.12    1.00
    neutral, none           1.00    0.10
    neutral, article5       0.72    0.60
    =====================  ======  =======
    """
    nato = DiscreteIssue("nato", ("member", "neutral"))
    guarantee = DiscreteIssue("guarantee", ("none", "article5"))
    russia = Party(
        "russia",
        0.5,
        {"nato": 0.6, "guarantee": 0.4},
        {"nato": TableValue((0.0, 1.0)), "guarantee": TableValue((1.0, 0.3))},
        red_lines=(Condition("nato", options=("member",), negate=True),),
    )
    ukraine = Party(
        "ukraine",
        ukraine_reservation,
        {"nato": 1.0, "guarantee": 1.0},
        {"nato": TableValue((1.0, 0.2)), "guarantee": TableValue((0.0, 1.0))},
    )
    return compile_model([nato, guarantee], [russia, ukraine], **kwargs)


@pytest.fixture
def small_model():
    return nato_for_guarantee()
