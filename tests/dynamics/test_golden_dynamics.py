"""Seeded simulations pinned in ``tests/golden/dynamics.json``.

Every run here is seeded, so its trace and result are reproducible to the last digit. A change
that moves any of them -- an agent that concedes differently, a mediator that revises
differently, a generator drawn in another order -- fails here on purpose: explain it in the
commit, then refresh the file with ``ZOPA_UPDATE_GOLDEN=1 python -m pytest
tests/dynamics/test_golden_dynamics.py``. Floats are rounded to 9 decimals (what a refactor
may change below that is rounding, not behaviour).
"""

from __future__ import annotations

import json
import math
import os
from functools import cache
from pathlib import Path

import pytest

from simulator import load
from simulator.dynamics import monte_carlo, simulate, summarize

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "scenarios" / "examples"
GOLDEN = ROOT / "tests" / "golden" / "dynamics.json"

#: name -> (scenario, keyword arguments of simulate)
SIMULATIONS = {
    "job_offer-alternating-linear": (
        "job_offer",
        dict(seed=7, noise=0.1, rounds=40),
    ),
    "job_offer-alternating-boulware-tit_for_tat-discounted": (
        "job_offer",
        dict(
            strategies={"candidate": "boulware", "employer": "tit_for_tat"},
            seed=1,
            noise=0.05,
            rounds=60,
            discount=0.99,
        ),
    ),
    "job_offer-mediated-partisan": (
        "job_offer",
        dict(protocol="mediated", mediator="employer", start="nash", seed=3, noise=0.1, rounds=30),
    ),
    "river_treaty-alternating-mixed": (
        "river_treaty",
        dict(
            strategies={
                "upstream": "zeuthen",
                "midstream": "conceder",
                "downstream": "tit_for_tat",
            },
            seed=11,
            noise=0.1,
            rounds=60,
        ),
    ),
    "river_treaty-mediated-neutral": (
        "river_treaty",
        dict(protocol="mediated", seed=2, noise=0.2, rounds=40),
    ),
    "used_car-no-zone": ("used_car", dict(seed=0, rounds=20)),
}

#: name -> (scenario, keyword arguments of monte_carlo)
MONTE_CARLO = {
    "job_offer-alternating": ("job_offer", dict(runs=12, noise=0.1, seed=5, rounds=40)),
    "river_treaty-mediated": (
        "river_treaty",
        dict(
            runs=8,
            strategies_choices=["linear", "zeuthen", "conceder"],
            noise=0.15,
            seed=9,
            protocol="mediated",
            rounds=40,
        ),
    ),
}


@cache
def model(name: str):
    return load(EXAMPLES / f"{name}.yaml", env={}).model()


def _round(value):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 9)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_round(v) for v in value]
    return value


def simulation_summary(name: str) -> dict:
    scenario, kwargs = SIMULATIONS[name]
    s = simulate(model(scenario), **kwargs)
    return _round(
        {
            "agreed": s.agreed,
            "round": s.round,
            "index": s.index,
            "outcome": s.outcome,
            "utilities": s.utilities,
            "discounted": s.discounted,
            "distance_nash": s.distance_nash,
            "distance_kalai": s.distance_kalai,
            "reason": s.reason,
            "bargained": s.bargained,
            # one line per round: round|proposer|action|issues...|u_<party>...|accepted|objections
            "trace": [
                "|".join(str(_round(v)) for v in row)
                for row in s.trace.astype(object).itertuples(index=False, name=None)
            ],
        }
    )


def monte_carlo_summary(name: str) -> dict:
    scenario, kwargs = MONTE_CARLO[name]
    runs = monte_carlo(model(scenario), **kwargs)
    table = summarize(runs, by="strategies")
    return _round(
        {
            "runs": runs.astype(object).to_dict(orient="records"),
            "summary": table.reset_index(names="strategies")
            .astype(object)
            .to_dict(orient="records"),
        }
    )


@pytest.fixture(scope="module")
def golden() -> dict:
    if os.environ.get("ZOPA_UPDATE_GOLDEN"):
        data = {
            "simulate": {n: simulation_summary(n) for n in SIMULATIONS},
            "monte_carlo": {n: monte_carlo_summary(n) for n in MONTE_CARLO},
        }
        GOLDEN.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_every_run_is_pinned(golden):
    assert sorted(golden) == ["monte_carlo", "simulate"]
    assert sorted(golden["simulate"]) == sorted(SIMULATIONS)
    assert sorted(golden["monte_carlo"]) == sorted(MONTE_CARLO)


def _json(value):
    """As the golden file holds it (tuples as lists, keys as strings)."""
    return json.loads(json.dumps(value, sort_keys=True))


@pytest.mark.parametrize("name", sorted(SIMULATIONS))
def test_seeded_simulation_is_as_pinned(name, golden):
    assert _json(simulation_summary(name)) == golden["simulate"][name]


@pytest.mark.parametrize("name", sorted(MONTE_CARLO))
def test_seeded_monte_carlo_is_as_pinned(name, golden):
    assert _json(monte_carlo_summary(name)) == golden["monte_carlo"][name]


def test_the_pins_cover_agreement_and_failure(golden):
    # the pins are worth having only if they are not all alike
    agreed = {n: s["agreed"] for n, s in golden["simulate"].items()}
    assert (
        agreed["used_car-no-zone"] is False
        and "no zone" in (golden["simulate"]["used_car-no-zone"]["reason"])
    )
    assert sum(agreed.values()) >= 4
    rates = [r["agreed"] for r in golden["monte_carlo"]["job_offer-alternating"]["runs"]]
    assert 0 < sum(rates) < len(rates)
