"""Benchmark: sweep throughput on the Ukraine baseline, serially and on a local Dask cluster.

Run on demand::

    python benchmarks/bench_sweep.py [--runs 4000 10000 100000] [--workers 2] [--batch 200]

Each run draws three numbers (Russia's reservation, the weight Ukraine gives territory,
Russia's value of non-alignment) and solves zone, slack, count and the four concepts. The
table gives the one-time compile (enumerating the feasible outcomes), then, per number of
runs, runs per second:

- ``run_batch``: :func:`simulator.sweeps.run_batch` on all the runs in this process, one
  record (a dict of 79 keys) per run; its CPU time too (on a machine shared with other work
  it is the steadier number);
- ``serial table``: what :func:`simulator.sweep` does serially -- :func:`~simulator.sweeps.
  parallel.run_sweep` with ``workers=1`` (batches of ``--batch`` runs grouped into jobs, each
  handed to a store as it is solved, as a :class:`~simulator.sweeps.records.RecordBatch`),
  then the DataFrame of all the batches (:func:`~simulator.sweeps.records.frame`);
- ``dask table``: the same on a local Dask cluster of ``--workers`` single-threaded worker
  processes started as ``zopa sweep --workers`` starts one (cluster start-up excluded, like
  the compile): what ``simulator.sweep(..., client=client)`` does.

Times are wall-clock, the best of ``--repeat``, the serial ones timed before the cluster
starts (its idle processes take a share of the cores). ``same`` says whether the cluster's
DataFrame equals the serial one and the serial one the DataFrame of ``run_batch``'s records.
With ``--check N``, the first ``N`` runs are also compared with :func:`simulator.analyze` on
the recompiled scenario, field by field.
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


class Batches:
    """A store that keeps the batches, as :func:`simulator.sweep` does."""

    def __init__(self):
        self.batches: list = []

    def write(self, records):
        self.batches.append(records)


def main() -> None:
    import pandas as pd

    import simulator
    from simulator.sweeps import run_batch, sweep_model
    from simulator.sweeps.api import run_packed
    from simulator.sweeps.parallel import _local_client, run_sweep
    from simulator.sweeps.records import frame

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[4000, 10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=200, help="runs per stored batch")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many")
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

    def table(n, **where):
        store = Batches()
        run_sweep(model, runs[:n], store, batch=args.batch, **where)
        return frame(store.batches).sort_values("run", kind="stable").reset_index(drop=True)

    serial: dict[int, tuple] = {}
    for n in args.runs:  # before the cluster starts: its processes would share the cores
        wall = cpu = tabled = float("inf")
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            records = run_batch(model, runs[:n])
            wall = min(wall, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
            t0 = time.perf_counter()
            rows = table(n, workers=1)
            tabled = min(tabled, time.perf_counter() - t0)
        same = rows.equals(pd.DataFrame(records))
        serial[n] = (rows, wall, cpu, tabled, same)
        del records
    print(
        f"{'runs':>8} {'run_batch/s':>12} {'(CPU)':>8} {'serial table/s':>15} "
        f"{'dask table/s':>13} {'workers':>8} {'same':>5}"
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
                t0 = time.perf_counter()
                got = table(n, client=client)
                par = min(par, time.perf_counter() - t0)
            rows, wall, cpu, tabled, same = serial[n]
            same = same and got.equals(rows)
            print(
                f"{n:>8,} {n / wall:>12,.0f} {n / cpu:>8,.0f} {n / tabled:>15,.0f} "
                f"{n / par:>13,.0f} {args.workers:>8} {same!s:>5}"
            )


if __name__ == "__main__":
    main()
