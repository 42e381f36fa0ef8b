"""Benchmark: ``zopa explain``'s three analyses, and the package finder against re-solving.

Run on demand, with zopa installed (``pip install -e .``)::

    python benchmarks/bench_explain.py [--repeat 3]

For each scenario: the compatibility graph, the package finder (``max_size`` 2 and 3; its
re-solving of the packages reported included), the logrolls of every pair of signatories, and
the naive alternative to the finder's one-pass search: re-solving the whole scenario once per
single concession (``analyze`` per red line dropped, per reservation, per pinned level) --
what a user without the finder would do for packages of one concession only. Median seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from pathlib import Path

import numpy as np

from simulator.analysis import analyze
from simulator.coalitions import compatibility_graph, find_packages, logrolls
from simulator.model import Condition, compile_model
from simulator.scenario import load

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [
    "scenarios/examples/used_car.yaml",
    "scenarios/examples/river_treaty.yaml",
    "scenarios/ukraine/nato_open_door.yaml",
    "scenarios/ukraine/ceasefire_current_line.yaml",
    "scenarios/ukraine/baseline.yaml",
]


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def naive_singles(model) -> int:
    """Re-solve the model once per single concession; returns how many open the zone."""
    sig = [n for n, s in zip(model.party_names, model.signatories) if s]
    opened = 0
    for i, party in enumerate(model.parties):
        if party.name not in sig:
            continue
        for k in range(len(party.red_lines)):
            lines = party.red_lines[:k] + party.red_lines[k + 1 :]
            parties = list(model.parties)
            parties[i] = dataclasses.replace(party, red_lines=lines)
            m = compile_model(model.issues, parties, model.constraints, sig)
            opened += analyze(m, ()).zone.exists
        parties = list(model.parties)
        parties[i] = dataclasses.replace(party, reservation=-np.inf)
        m = compile_model(model.issues, parties, model.constraints, sig)
        opened += analyze(m, ()).zone.exists
    for c, rule in enumerate(model.constraints):
        if isinstance(rule, Condition) and rule.options is not None:
            issue = model.issues[model.issue_names.index(rule.issue)]
            for option in issue.options:
                rest = [r for j, r in enumerate(model.constraints) if j != c]
                m = compile_model(
                    model.issues, model.parties, [*rest, Condition(rule.issue, (option,))], sig
                )
                opened += analyze(m, ()).zone.exists
    return opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    header = (
        f"{'scenario':<34} {'outcomes':>10} {'graph':>7} {'pkg<=2':>7} {'pkg<=3':>7} "
        f"{'logroll':>8} {'naive singles':>14}"
    )
    print(header)
    print("-" * len(header))
    for rel in SCENARIOS:
        model = load(ROOT / rel).model()
        row = [
            median_time(lambda m=model: compatibility_graph(m), args.repeat),
            median_time(lambda m=model: find_packages(m, max_size=2), args.repeat),
            median_time(lambda m=model: find_packages(m, max_size=3), args.repeat),
            median_time(lambda m=model: logrolls(m), args.repeat),
            median_time(lambda m=model: naive_singles(m), 1),
        ]
        print(
            f"{Path(rel).name:<34} {model.space.count:>10,} "
            + " ".join(f"{t:>7.2f}" for t in row[:3])
            + f" {row[3]:>8.3f} {row[4]:>14.2f}"
        )


if __name__ == "__main__":
    main()
