"""Benchmark: enumeration against mixed-integer programming, and the MILP on huge spaces.

Run on demand::

    python benchmarks/bench_methods.py            # both tables
    python benchmarks/bench_methods.py --huge     # only the 4 parties x 40 issues x 6 options case
    python benchmarks/bench_methods.py --parties  # only the many-signatories table (slow)

Table 1 solves the same random models (issues of 10 options, one red line per party and one
implication) by ``method="enumerate"``, ``"milp"`` and ``"auto"`` for 10^3 .. 10^7 outcomes and
2-4 parties; ``auto`` should never be more than 2x slower than the better of the other two.
Table 2 times each solution concept alone by MILP on 4 parties x 40 issues x 6 options
(6^40 ~ 1.3e31 outcomes) with red lines and constraints, and the peak memory of the process.
Table 3 (``--parties``) solves random models with 3-30 signatories and low reservations (a
wide zone, so a large Pareto frontier) by both methods, with what ``auto`` picks
(:func:`simulator.method_choice.choose_method`) and its estimates; enumeration is stopped
after ``--limit`` seconds. Each case runs in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np

CONCEPTS = ("nash", "kalai", "egalitarian", "utilitarian")


def build(n_issues: int, n_options: int, n_parties: int, seed: int = 0, reservation=0.5):
    from simulator.model import (
        Condition,
        DiscreteIssue,
        Implication,
        Party,
        TableValue,
        compile_model,
    )

    rng = np.random.default_rng(seed)
    options = tuple(f"o{j}" for j in range(n_options))
    issues = [DiscreteIssue(f"i{k}", options) for k in range(n_issues)]
    parties = []
    for p in range(n_parties):
        weights = {i.name: float(w) for i, w in zip(issues, rng.uniform(0.1, 1.0, n_issues))}
        values = {i.name: TableValue(tuple(rng.uniform(0, 1, n_options))) for i in issues}
        red = (Condition(issues[p % n_issues].name, options=("o0",), negate=True),)
        parties.append(Party(f"p{p}", reservation, weights, values, red_lines=red))
    constraints = [
        Implication(
            Condition(issues[0].name, ("o1",)), Condition(issues[-1].name, ("o2",), negate=True)
        )
    ]
    return compile_model(issues, parties, constraints)


def run_method(n_issues: int, n_options: int, n_parties: int, method: str) -> dict:
    from simulator import analyze

    model = build(n_issues, n_options, n_parties)
    t0 = time.perf_counter()
    result = analyze(model, CONCEPTS, method=method)
    return {
        "seconds": time.perf_counter() - t0,
        "method": result.method,
        "nash": result.solutions["nash"].index if result.solutions["nash"] else None,
        "slack": result.zone.slack,
    }


def run_crowd(n_issues: int, n_options: int, n_parties: int, res: float, method: str) -> dict:
    from simulator import analyze
    from simulator.method_choice import choose_method

    model = build(n_issues, n_options, n_parties, reservation=res)
    if method == "choice":
        c = choose_method(model)
        return {"method": c.method, "enumerate": c.enumerate_seconds, "milp": c.milp_seconds}
    t0 = time.perf_counter()
    analyze(model, CONCEPTS, method=method)
    return {"seconds": time.perf_counter() - t0}


def run_huge(concept: str) -> dict:
    from simulator.solvers.milp import concepts as mc
    from simulator.solvers.milp.formulation import formulate

    model = build(40, 6, 4)
    t0 = time.perf_counter()
    f = formulate(model)
    if concept == "slack":
        mc.slack(f)
    else:
        getattr(mc, concept)(f)  # each concept computes what it needs (ideal gains included)
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child(*args: str, timeout: float | None = None) -> dict:
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
        ).stdout
    except subprocess.TimeoutExpired:
        return {"seconds": None}
    return json.loads(out)


#: (issues, options, signatories, reservation) of the many-signatories table.
CROWDS = [
    (6, 10, 3, 0.3),
    (6, 10, 5, 0.3),
    (6, 10, 10, 0.5),
    (5, 12, 10, 0.3),
    (6, 12, 10, 0.3),
    (5, 10, 20, 0.3),
    (4, 10, 30, 0.2),
]


def crowds(limit: float) -> None:
    print(
        f"{'outcomes':>10} {'sig':>4} {'res':>4} {'enumerate s':>11} {'milp s':>7} "
        f"{'auto':>9} {'est enum':>9} {'est milp':>8}"
    )
    for k, o, p, res in CROWDS:
        args = (str(k), str(o), str(p), str(res))
        choice = child("crowd", *args, "choice")
        enum = child("crowd", *args, "enumerate", timeout=limit)["seconds"]
        milp = child("crowd", *args, "milp")["seconds"]
        shown = f"{enum:>11.2f}" if enum is not None else f"{'>' + str(int(limit)):>11}"
        print(
            f"{o**k:>10,} {p:>4} {res:>4} {shown} {milp:>7.2f} {choice['method']:>9} "
            f"{choice['enumerate']:>9.1f} {choice['milp']:>8.1f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--huge", action="store_true", help="only the 6^40 table")
    parser.add_argument("--parties", action="store_true", help="only the many-signatories table")
    parser.add_argument(
        "--limit", type=float, default=300.0, help="seconds before enumeration is stopped"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "method":
            k, o, p, m = rest
            print(json.dumps(run_method(int(k), int(o), int(p), m)))
        elif kind == "crowd":
            k, o, p, res, m = rest
            print(json.dumps(run_crowd(int(k), int(o), int(p), float(res), m)))
        else:
            import scipy.optimize  # noqa: F401 -- not part of the timed work

            print(json.dumps(run_huge(rest[0])))
        return
    if args.parties:
        crowds(args.limit)
        return
    if not args.huge:
        print(
            f"{'outcomes':>10} {'parties':>7} {'enumerate s':>11} {'milp s':>7} "
            f"{'auto s':>7} {'auto ran':>9} {'auto/best':>9} {'same':>5}"
        )
        for k in range(3, 8):
            for p in (2, 3, 4):
                r = {
                    m: child("method", str(k), "10", str(p), m)
                    for m in ("enumerate", "milp", "auto")
                }
                best = min(r["enumerate"]["seconds"], r["milp"]["seconds"])
                same = (
                    r["enumerate"]["nash"] == r["milp"]["nash"]
                    and abs(r["enumerate"]["slack"] - r["milp"]["slack"]) < 1e-7
                )
                print(
                    f"{10**k:>10,} {p:>7} {r['enumerate']['seconds']:>11.3f} "
                    f"{r['milp']['seconds']:>7.3f} {r['auto']['seconds']:>7.3f} "
                    f"{r['auto']['method']:>9} {r['auto']['seconds'] / best:>9.2f} "
                    f"{'yes' if same else 'NO':>5}",
                    flush=True,
                )
        print()
    print("4 parties x 40 issues x 6 options (6^40 outcomes), one MILP concept per process:")
    print(f"{'concept':>12} {'seconds':>8} {'peak MiB':>9}")
    for concept in ("slack", *CONCEPTS):
        r = child("huge", concept)
        print(f"{concept:>12} {r['seconds']:>8.3f} {r['peak_mib']:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
