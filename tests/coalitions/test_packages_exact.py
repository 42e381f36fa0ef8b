"""Exact cases for the package finder that mutation testing found unguarded
(``benchmarks/mutation.py``): the work count, the refusal above it, a search over more red
lines than one integer key holds, and a pinned issue whose pins allow nothing."""

from __future__ import annotations

from contextlib import contextmanager
from math import comb

import numpy as np
import pytest

from simulator.coalitions.packages import find_packages, package_work
from simulator.errors import SpaceTooLargeError
from simulator.model import Condition, DiscreteIssue, Party, TableValue, compile_model


def _by_hand(candidates: int, signatories: int, max_size: int) -> int:
    """Sets of at most ``max_size`` concessions: ``k`` reservation cuts (a set of ``k``
    signatories) and ``size - k`` of the candidates."""
    return sum(
        comb(candidates, size - k) * comb(signatories, k)
        for size in range(1, max_size + 1)
        for k in range(size + 1)
    )


def test_package_work_by_hand():
    # one concession: a candidate or a cut: 3 + 2; two: C(3,2) + 3*2 + C(2,2) = 10 more
    assert package_work(3, 2, 1) == 5
    assert package_work(3, 2, 2) == 15
    assert package_work(0, 1, 1) == 1
    for args in [(50, 4, 2), (7, 3, 3), (2000, 2, 2)]:
        assert package_work(*args) == _by_hand(*args)


def _blocked(n_lines: int):
    """Deal "a" suits q, "b" suits p; p forbids "a" (its first red line) and holds
    ``n_lines - 1`` red lines that forbid nothing."""
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    lines = (Condition("deal", ("a",), negate=True),) + tuple(
        Condition("deal", ("a", "b", "c")) for _ in range(n_lines - 1)
    )
    p = Party("p", 0.4, {"deal": 1}, {"deal": TableValue((0.5, 1.0, 0.0))}, red_lines=lines)
    q = Party("q", 0.4, {"deal": 1}, {"deal": TableValue((1.0, 0.0, 0.0))})
    return compile_model([deal], [p, q])


@pytest.mark.parametrize("n_lines", [1, 63])  # 63 red lines: 2**63 keys, beyond one int64
def test_dropping_the_one_red_line_that_blocks(n_lines):
    search = find_packages(_blocked(n_lines), max_size=1, top=100)
    assert not search.zone_exists
    # every single concession is examined: each red line, and a cut by p or by q
    assert search.examined == package_work(n_lines, 2, 1) == n_lines + 2
    kinds = sorted((p.concessions[0].kind, p.concessions[0].party) for p in search.packages)
    assert kinds == [("red_line", "p"), ("reservation", "q")]
    (drop,) = [p for p in search.packages if p.concessions[0].kind == "red_line"]
    assert drop.concessions[0].rule == "deal not_in [a]"
    # without the red line, "a" gives p 0.5 and q 1.0: slack 0.1, one outcome, no cost
    assert drop.cost == 0.0 and drop.count == 1 and drop.slack == pytest.approx(0.1)
    assert drop.agreement.outcome == {"deal": "a"}
    (cut,) = [p for p in search.packages if p.concessions[0].kind == "reservation"]
    assert cut.concessions[0].amount == pytest.approx(0.4)  # q gets 0 at "b"
    assert cut.agreement.outcome == {"deal": "b"}


def test_the_search_is_refused_above_its_work_limit():
    model = _blocked(3)
    assert package_work(3, 2, 2) == 15
    assert find_packages(model, max_size=2, max_work=15).examined <= 15
    with pytest.raises(SpaceTooLargeError, match="15 combinations"):
        find_packages(model, max_size=2, max_work=14)
    with pytest.raises(ValueError):
        find_packages(model, max_size=0)


def test_settling_an_issue_whose_pins_allow_nothing_costs_nothing():
    # the constraints pin "deal" to nothing at all: no outcome is feasible, and settling it
    # anywhere gives up nothing (there is no pinned level to lose)
    deal = DiscreteIssue("deal", ("a", "b"))
    p = Party("p", 0.2, {"deal": 1}, {"deal": TableValue((1.0, 0.0))})
    q = Party("q", 0.2, {"deal": 1}, {"deal": TableValue((0.5, 1.0))})
    pins = [Condition("deal", ("a",)), Condition("deal", ("b",))]
    search = find_packages(compile_model([deal], [p, q], pins), max_size=1, top=10)
    assert not search.zone_exists and search.slack is None
    # settled at "a": p gains 0.8, q 0.3 (it opens); at "b" p falls short (it does not)
    (package,) = search.packages
    (c,) = package.concessions
    assert (c.kind, c.issue, c.level, c.party) == ("fix", "deal", "a", None)
    assert c.amount == 0.0 and package.cost == 0.0
    assert c.rule == "deal in [a] and deal in [b]"
    assert np.isclose(package.slack, 0.3)


def _pinned_venue(q_venue: tuple[float, float]):
    """p refuses venue "a", which the constraints pin; the price splits p and q. Settling the
    venue at "b" opens the zone; what q gives up there is its venue value's fall."""
    venue, price = DiscreteIssue("venue", ("a", "b")), DiscreteIssue("price", ("lo", "hi"))
    weights = {"venue": 1, "price": 1}
    p = Party(
        "p",
        0.2,
        weights,
        {"venue": TableValue((0.5, 0.5)), "price": TableValue((1.0, 0.0))},
        red_lines=(Condition("venue", ("a",), negate=True),),
    )
    q = Party("q", 0.2, weights, {"venue": TableValue(q_venue), "price": TableValue((0.0, 1.0))})
    return compile_model([venue, price], [p, q], [Condition("venue", ("a",))])


@pytest.mark.parametrize(
    ("q_venue", "who", "amount", "slack"),
    [
        ((0.5, 0.5), None, 0.0, 0.05),  # nobody values the venue differently: a free fix
        ((1.0, 0.0), "q", 0.5, 0.05),  # q's half weight times 1 - 0; (b, hi) gives it 0.5
    ],
)
def test_settling_a_pinned_issue_costs_what_the_most_affected_loses(q_venue, who, amount, slack):
    search = find_packages(_pinned_venue(q_venue), max_size=1, top=10)
    assert not search.zone_exists
    fix, drop = search.packages  # both one concession; the fix drops no red line
    (c,) = fix.concessions
    assert (c.kind, c.issue, c.level, c.party, c.rule) == ("fix", "venue", "b", who, "venue in [a]")
    assert c.amount == pytest.approx(amount) and fix.cost == pytest.approx(amount)
    assert fix.red_lines_dropped == 0 and fix.slack == pytest.approx(slack)
    (d,) = drop.concessions
    assert (d.kind, d.party, d.amount, drop.cost, drop.red_lines_dropped) == (
        "red_line",
        "p",
        0.0,
        0.0,
        1,
    )


def test_the_package_scan_reports_every_outcome(monkeypatch):
    import simulator.coalitions.packages as packages

    seen = []

    @contextmanager
    def recording(desc, total=None, unit="it"):
        steps: list[int] = []
        seen.append((desc, total, steps))
        yield steps.append

    monkeypatch.setattr(packages, "task", recording)
    find_packages(_blocked(1), max_size=1)
    assert seen == [("scanning for packages", 3, [3])]
