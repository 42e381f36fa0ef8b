"""Rubinstein's closed form and the finite-horizon backward induction."""

import pytest

from simulator.dynamics.rubinstein import horizon_error, rubinstein_share, simulate_rubinstein


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


@pytest.mark.parametrize("rounds", [1, 2, 3, 4, 5, 8, 9, 20, 21])
@pytest.mark.parametrize(("d1", "d2"), [(0.9, 0.8), (0.5, 0.95), (0.7, 0.7)])
def test_finite_horizon_error_is_the_closed_form(d1, d2, rounds):
    """x_T - x* is (d1 d2)^((T-1)/2) (1 - x*) for odd T and -(d1 d2)^(T/2) x* for even T: for
    odd T and 1 - x* > sqrt(d1 d2) it exceeds the (d1 d2)^(T/2) the old docstring promised."""
    x = rubinstein_share(d1, d2)
    got = simulate_rubinstein(d1, d2, pie_grid=1_000_001, rounds=rounds) - x
    grid = 1.0 / (1_000_000 * (1 - max(d1, d2)))
    assert got == pytest.approx(horizon_error(d1, d2, rounds), abs=grid)
    if rounds % 2 and 1 - x > (d1 * d2) ** 0.5:  # e.g. d1 = 0.5, d2 = 0.95
        assert got > (d1 * d2) ** (rounds / 2)  # the bound the old docstring promised
