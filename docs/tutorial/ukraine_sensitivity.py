"""How much do the Ukraine baseline's findings depend on the weights?

Draws N random weight perturbations of scenarios/ukraine/baseline.yaml: every weight of every
party is multiplied by its own factor drawn uniformly from [0.5, 1.5] (the "plausible +-50%"
stated in base.yaml; weights are renormalised to sum to 1 when the model compiles). For each
draw it solves the zone and the Nash solution, then reports the share of draws with a zone,
the spread of the margin, and the most frequent Nash packages, issue by issue, as differences
from the baseline's Nash package. Reservations, values, red lines and constraints are left
unchanged.

Run from the repository root:

    python docs/tutorial/ukraine_sensitivity.py            # N=40, seed 2025
    python docs/tutorial/ukraine_sensitivity.py -n 100 --seed 7
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections import Counter

import numpy as np

import simulator
from simulator.model import compile_model

SCENARIO = "scenarios/ukraine/baseline.yaml"


def perturbed_parties(parties, rng, low=0.5, high=1.5):
    """Copies of the parties with every weight multiplied by a factor uniform in [low, high]."""
    out = []
    for p in parties:
        weights = {k: w * rng.uniform(low, high) for k, w in p.weights.items()}
        out.append(dataclasses.replace(p, weights=weights))
    return out


def fmt(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=40, help="number of random draws (default 40)")
    ap.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    args = ap.parse_args()

    scenario = simulator.load(SCENARIO)
    base = simulator.analyze(scenario.model(), concepts=["nash"])
    base_nash = base.solutions["nash"].outcome
    print(
        f"baseline: zone {'open' if base.zone.exists else 'closed'}, "
        f"slack {base.zone.slack:+.3f}, {base.zone.count:,} acceptable outcomes"
    )
    print("baseline Nash package: " + ", ".join(f"{k}={fmt(v)}" for k, v in base_nash.items()))

    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    slacks, packages, issue_changes = [], Counter(), Counter()
    zones = 0
    for _ in range(args.n):
        parties = perturbed_parties(scenario.parties, rng)
        model = compile_model(scenario.issues, parties, scenario.constraints, scenario.signatories)
        result = simulator.analyze(model, concepts=["nash"])
        slacks.append(result.zone.slack)
        if not result.zone.exists:
            packages["(no zone)"] += 1
            continue
        zones += 1
        nash = result.solutions["nash"].outcome
        diff = tuple((k, fmt(nash[k])) for k in base_nash if nash[k] != base_nash[k])
        packages[diff] += 1
        for k, _v in diff:
            issue_changes[k] += 1

    s = np.array([x for x in slacks if x is not None])
    print(
        f"\n{args.n} draws (seed {args.seed}, each weight x U[0.5, 1.5]) "
        f"in {time.perf_counter() - t0:.0f} s"
    )
    print(f"zone open in {zones} of {args.n} draws ({zones / args.n:.0%})")
    if len(s):
        print(f"slack: min {s.min():+.3f}, median {np.median(s):+.3f}, max {s.max():+.3f}")
    print("\nNash package, issues that differ from the baseline package (most frequent first):")
    for diff, n in packages.most_common(8):
        if diff == "(no zone)":
            text = "no zone"
        elif not diff:
            text = "same as baseline"
        else:
            text = ", ".join(f"{k}={v}" for k, v in diff)
        print(f"  {n:3d} draws: {text}")
    if len(packages) > 8:
        rest = sum(n for _d, n in packages.most_common()[8:])
        print(f"  {rest:3d} draws: {len(packages) - 8} other packages")
    print("\nHow often each issue's Nash option differs from the baseline (draws with a zone):")
    for k in base_nash:
        print(f"  {k:20s} {issue_changes[k]:3d} of {zones}")


if __name__ == "__main__":
    main()
