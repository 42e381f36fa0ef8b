"""Benchmark: sweep throughput on the Ukraine baseline, serially and on a local Dask cluster.

Run on demand::

    python benchmarks/bench_sweep.py [--runs 4000 10000 100000] [--workers 2] [--batch 200]

Each run draws three numbers (Russia's reservation, the weight Ukraine gives territory,
Russia's value of non-alignment) and solves zone, slack, count and the four concepts. The
table gives the one-time compile (enumerating the feasible outcomes), then, per number of
runs, runs per second in this process (:func:`simulator.sweeps.run_batch` on all the runs:
one record, a dict, per run) and on a local Dask cluster of ``--workers`` single-threaded
worker processes started as ``zopa sweep --workers`` starts one
(:func:`simulator.sweeps.parallel.run_sweep` with its client: batches of ``--batch`` runs,
grouped into jobs, one Dask task each, their records handed to a store -- here a list -- as
they arrive; cluster start-up excluded, like the compile). Times are wall-clock, the best of
``--repeat``; the serial path's CPU time is given too (on a machine shared with other work
it is the steadier number), timed before the cluster starts (its idle processes take a
share of the cores); ``serial sweep`` is :func:`~simulator.sweeps.parallel.run_sweep` with
``workers=1``: the cluster's path (batches, jobs, records handed to the store) in this
process, what the cluster is to beat. ``same`` says whether the cluster's records equal the
serial ones. With ``--check N``, the first ``N`` runs are also compared with
:func:`simulator.analyze` on the recompiled scenario, field by field.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def draw_runs(n: int, seed: int = 0) -> list[tuple[int, dict[str, float]]]:
    rng = np.random.default_rng(seed)
    return [
        (
            i,
            {
                "parties.russia.reservation": float(rng.uniform(0.35, 0.55)),
                "parties.ukraine.issues.territory.weight": float(rng.uniform(0.1, 0.3)),
                "parties.russia.issues.nato_status.values.non_aligned_by_law": float(
                    rng.uniform(0.5, 0.9)
                ),
            },
        )
        for i in range(n)
    ]


def check_against_analyze(scenario, records) -> int:
    """How many of ``records`` differ from :func:`simulator.analyze` (zone, slack, count,
    every concept's package and utilities, compared with ``==``)."""
    import simulator
    from simulator.sweeps.apply import with_parameters

    model = scenario.model()
    bad = 0
    for record in records:
        params = {k: v for k, v in record.items() if k.startswith("parties.")}
        a = simulator.analyze(with_parameters(model, params))
        same = (record["exists"], record["slack"], record["count"]) == (
            a.zone.exists,
            a.zone.slack,
            a.zone.count,
        )
        for concept, sol in a.solutions.items():
            for issue in model.issue_names:
                same &= record[f"{concept}.{issue}"] == (sol.outcome[issue] if sol else None)
            for party in model.party_names:
                same &= record[f"{concept}.u.{party}"] == (sol.utilities[party] if sol else None)
        bad += not same
    return bad


class Rows:
    """A store that keeps the records."""

    def __init__(self):
        self.rows: list[dict] = []

    def write(self, records):
        self.rows.extend(records)


def main() -> None:
    import simulator
    from simulator.sweeps import run_batch, sweep_model
    from simulator.sweeps.api import run_packed
    from simulator.sweeps.parallel import _local_client, run_sweep

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[4000, 10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=200, help="runs per stored batch")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many (serial)")
    parser.add_argument("--check", type=int, default=0, metavar="N")
    args = parser.parse_args()
    scenario = simulator.load(ROOT / "scenarios" / "ukraine" / "baseline.yaml")
    t0 = time.process_time()
    model = sweep_model(scenario)
    compile_s = time.process_time() - t0
    runs = draw_runs(max(args.runs))
    run_batch(model, runs[:10])  # the structure of this kind of batch, found once
    print(f"feasible outcomes: {model.feasible.shape[0]:,} of {model.model.space.count:,}")
    print(f"compile once: {compile_s:.3f} s")
    if args.check:
        bad = check_against_analyze(scenario, run_batch(model, runs[: args.check]))
        print(f"records different from analyze(): {bad} of {args.check}")
    serial: dict[int, tuple[list[dict], float, float, float]] = {}
    for n in args.runs:  # before the cluster starts: its processes would share the cores
        wall = cpu = stored = float("inf")
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            records = run_batch(model, runs[:n])
            wall = min(wall, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
            t0 = time.perf_counter()  # the same path as the cluster's, in this process
            run_sweep(model, runs[:n], Rows(), workers=1, batch=args.batch)
            stored = min(stored, time.perf_counter() - t0)
        serial[n] = (records, wall, cpu, stored)
    print(
        f"{'runs':>8} {'serial runs/s':>14} {'(CPU)':>8} {'serial sweep':>13} "
        f"{'dask runs/s':>12} {'workers':>8} {'same':>5}"
    )
    with _local_client(args.workers) as client:  # as zopa sweep --workers starts one
        client.wait_for_workers(args.workers, timeout=120)
        shared = client.scatter(model, broadcast=True)  # warm up every worker
        warm = [runs[i : i + 10] for i in range(0, 10 * args.workers, 10)]
        client.gather(client.map(run_packed, [shared] * len(warm), warm, pure=False))
        del shared
        for n in args.runs:
            par = float("inf")
            for _ in range(args.repeat):
                store = Rows()
                t0 = time.perf_counter()
                run_sweep(model, runs[:n], store, client=client, batch=args.batch)
                par = min(par, time.perf_counter() - t0)
            records, wall, cpu, stored = serial[n]
            same = sorted(store.rows, key=lambda r: r["run"]) == records
            print(
                f"{n:>8,} {n / wall:>14,.0f} {n / cpu:>8,.0f} {n / stored:>13,.0f} "
                f"{n / par:>12,.0f} {args.workers:>8} {same!s:>5}"
            )


if __name__ == "__main__":
    main()
