"""Rubinstein's closed form and the finite-horizon backward induction."""

import pytest

from simulator.dynamics.rubinstein import rubinstein_share, simulate_rubinstein


@pytest.mark.parametrize(
    ("d1", "d2", "share"),
    [(0.9, 0.9, 1 / 1.9), (0.0, 0.5, 0.5), (0.5, 0.0, 1.0), (0.8, 0.5, 0.5 / 0.6)],
)
def test_closed_form(d1, d2, share):
    assert rubinstein_share(d1, d2) == pytest.approx(share)


@pytest.mark.parametrize(
    ("d1", "d2"), [(0.9, 0.9), (0.95, 0.8), (0.6, 0.9), (0.5, 0.5), (0.99, 0.9)]
)
def test_backward_induction_converges_to_closed_form(d1, d2):
    assert abs(simulate_rubinstein(d1, d2) - rubinstein_share(d1, d2)) < 1e-3


def test_short_horizon_is_not_the_limit():
    # one round: the first proposer takes the whole pie
    assert simulate_rubinstein(0.9, 0.9, rounds=1) == 1.0
    assert simulate_rubinstein(0.9, 0.9, rounds=2) == pytest.approx(0.1, abs=1e-4)


@pytest.mark.parametrize("bad", [1.0, -0.1])
def test_rejects_bad_discounts(bad):
    with pytest.raises(ValueError, match="discount"):
        rubinstein_share(bad, 0.5)
