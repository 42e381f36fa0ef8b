"""Benchmark: every solution concept by enumeration, 10^4 to 10^7 outcomes, 2 to 4 parties.

Run on demand (not part of the tests)::

    python benchmarks/bench_solvers.py            # the full table (10^7 takes a while)
    python benchmarks/bench_solvers.py --max 6    # up to 10^6 outcomes

Each model has random additive utilities over issues of 10 options (so 10^k outcomes for k
issues), reservations set so that about a third of the outcomes are acceptable to each party,
and one red line per party. The time is one call of ``analyze`` with every concept
(zone with blocking analysis, Pareto frontier, Nash, Kalai-Smorodinsky, egalitarian,
utilitarian); the memory is the peak resident set of a fresh process running it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np


def build(n_issues: int, n_parties: int, seed: int = 0):
    from simulator.model import Condition, DiscreteIssue, Party, TableValue, compile_model

    rng = np.random.default_rng(seed)
    options = tuple(f"o{j}" for j in range(10))
    issues = [DiscreteIssue(f"i{k}", options) for k in range(n_issues)]
    parties = []
    for p in range(n_parties):
        weights = {i.name: float(w) for i, w in zip(issues, rng.uniform(0.1, 1.0, n_issues))}
        values = {i.name: TableValue(tuple(rng.uniform(0, 1, 10))) for i in issues}
        red = (Condition(issues[p % n_issues].name, options=("o0",), negate=True),)
        parties.append(Party(f"p{p}", 0.5, weights, values, red_lines=red))
    return compile_model(issues, parties)


def run_one(n_issues: int, n_parties: int) -> dict:
    from simulator import analyze

    model = build(n_issues, n_parties)
    t0 = time.perf_counter()
    result = analyze(model, lotteries=False)
    seconds = time.perf_counter() - t0
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "outcomes": model.space.count,
        "parties": n_parties,
        "seconds": seconds,
        "peak_mib": peak_mib,
        "acceptable": result.zone.count,
        "pareto": result.pareto.count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=int, default=4, help="smallest power of ten")
    parser.add_argument("--max", type=int, default=7, help="largest power of ten")
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return
    print(
        f"{'outcomes':>10} {'parties':>7} {'seconds':>8} {'peak MiB':>9} "
        f"{'acceptable':>10} {'pareto':>7}"
    )
    for k in range(args.min, args.max + 1):
        for p in (2, 3, 4):
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(k), str(p)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            r = json.loads(out)
            print(
                f"{r['outcomes']:>10,} {r['parties']:>7} {r['seconds']:>8.3f} "
                f"{r['peak_mib']:>9.0f} {r['acceptable']:>10,} {r['pareto']:>7,}",
                flush=True,
            )


if __name__ == "__main__":
    main()
