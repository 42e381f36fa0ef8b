"""Solution concepts against closed forms, through the whole engine (model -> analyze)."""

import math

import numpy as np
import pytest

from simulator import analyze, compile_model
from simulator.model import ContinuousIssue, Party, PiecewiseLinearValue


def pie(grid: int, second_value=None, powers=(1.0, 1.0)):
    """Split a pie: party a gets share x, party b values (1 - x) or ``second_value(x)``."""
    x = np.linspace(0, 1, grid)
    share = ContinuousIssue("share", 0.0, 1.0, grid=grid)
    ys = 1 - x if second_value is None else second_value(x)
    a = Party(
        "a",
        0.0,
        {"share": 1},
        {"share": PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0))},
        power=powers[0],
    )
    b = Party(
        "b",
        0.0,
        {"share": 1},
        {"share": PiecewiseLinearValue(tuple(x), tuple(ys))},
        power=powers[1],
    )
    return compile_model([share], [a, b])


def test_split_the_pie_nash_is_half():
    result = analyze(pie(101))
    nash = result.solutions["nash"]
    assert nash.outcome["share"] == pytest.approx(0.5)
    assert nash.utilities == pytest.approx({"a": 0.5, "b": 0.5})
    assert result.solutions["kalai"].utilities == pytest.approx({"a": 0.5, "b": 0.5})


@pytest.mark.parametrize("alpha", [0.1, 0.25, 0.3, 0.7, 0.9])
def test_split_the_pie_weighted_nash_gives_power_shares(alpha):
    result = analyze(pie(101, powers=(alpha, 1 - alpha)))
    assert result.solutions["nash"].utilities["a"] == pytest.approx(alpha)
    assert result.solutions["nash"].utilities["b"] == pytest.approx(1 - alpha)


def test_concave_frontier_nash_and_kalai_differ_as_in_closed_form():
    # S = {u2 <= 1 - u1^2}: Nash maximises u1 (1 - u1^2) at u1 = 1/sqrt(3);
    # Kalai-Smorodinsky has ideal (1, 1), so u1 = u2 = 1 - u1^2: u1 = (sqrt 5 - 1) / 2.
    grid = 20001
    result = analyze(pie(grid, second_value=lambda x: 1 - x**2), lotteries=True)
    step = 1 / (grid - 1)
    nash_u1 = result.solutions["nash"].utilities["a"]
    kalai_u1 = result.solutions["kalai"].utilities["a"]
    assert nash_u1 == pytest.approx(1 / math.sqrt(3), abs=step)
    assert kalai_u1 == pytest.approx((math.sqrt(5) - 1) / 2, abs=step)
    assert abs(nash_u1 - kalai_u1) > 0.03
    # over lotteries the set is (nearly) the same convex set: the same points
    assert result.lotteries["nash"].utilities["a"] == pytest.approx(1 / math.sqrt(3), abs=step)
    assert result.lotteries["kalai"].utilities["a"] == pytest.approx(
        (math.sqrt(5) - 1) / 2, abs=1e-6
    )
    assert result.lotteries["kalai"].utilities["b"] == pytest.approx(
        result.lotteries["kalai"].utilities["a"], abs=1e-6
    )


def test_egalitarian_and_utilitarian_on_the_pie():
    result = analyze(pie(101, second_value=lambda x: 1 - x**2))
    # utilitarian maximises x + 1 - x^2: x = 1/2
    assert result.solutions["utilitarian"].outcome["share"] == pytest.approx(0.5)
    assert result.solutions["utilitarian"].objective == pytest.approx(1.25)
    # egalitarian: the grid point maximising min(x, 1 - x^2)
    x = np.linspace(0, 1, 101)
    expected = x[np.argmax(np.minimum(x, 1 - x**2))]
    assert result.solutions["egalitarian"].outcome["share"] == pytest.approx(expected)


def test_rubinstein_shares_are_weighted_nash():
    # Rubinstein (1982): with discount factors d1, d2 the first mover's share is
    # (1 - d2) / (1 - d1 d2). As the period length shrinks the share tends to the weighted
    # Nash solution with powers proportional to 1 / log(1/d_i) (Binmore, Rubinstein & Wolinsky
    # 1986). Check that limit: r_i = -log d_i per unit time, share_1 = r2 / (r1 + r2).
    r1, r2 = 0.05, 0.15
    powers = (1 / r1, 1 / r2)
    dt = 1e-4
    d1, d2 = math.exp(-r1 * dt), math.exp(-r2 * dt)
    rubinstein = (1 - d2) / (1 - d1 * d2)
    result = analyze(pie(1001, powers=powers))
    assert result.solutions["nash"].utilities["a"] == pytest.approx(rubinstein, abs=1e-3)
    assert result.solutions["nash"].utilities["a"] == pytest.approx(0.75, abs=1e-3)
