"""Benchmark: sweep throughput on the Ukraine baseline (target: 2,000 runs per second on this
2-core machine).

Run on demand::

    python benchmarks/bench_sweep.py [--runs 4000]

Each run draws three numbers (Russia's reservation, the weight Ukraine gives territory,
Russia's value of non-alignment) and solves zone, slack, count and the four concepts. The
table gives the one-time compile (enumerating the feasible outcomes), then runs per second
in this process and on a local Dask cluster of 2 workers (cluster start-up excluded).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    import simulator
    from simulator.sweeps import run_batch, sweep_model
    from simulator.sweeps.api import run_packed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000)
    args = parser.parse_args()
    scenario = simulator.load(ROOT / "scenarios" / "ukraine" / "baseline.yaml")
    t0 = time.perf_counter()
    model = sweep_model(scenario)
    compile_s = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    runs = [
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
        for i in range(args.runs)
    ]
    t0 = time.perf_counter()
    serial = run_batch(model, runs)
    serial_s = time.perf_counter() - t0
    print(f"feasible outcomes: {model.feasible.shape[0]:,} of {model.model.space.count:,}")
    print(f"{'what':<28} {'seconds':>8} {'runs/s':>8}")
    print(f"{'compile once':<28} {compile_s:>8.3f} {'-':>8}")
    print(f"{'serial, one process':<28} {serial_s:>8.3f} {args.runs / serial_s:>8.0f}")
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        Client(cluster) as client,
    ):
        shared = client.scatter(model, broadcast=True)
        batches = [runs[i : i + 500] for i in range(0, len(runs), 500)]
        client.gather(client.map(run_packed, [shared] * 2, batches[:2], pure=False))  # warm up
        t0 = time.perf_counter()
        parallel = [
            r
            for b in client.gather(client.map(run_batch, [shared] * len(batches), batches))
            for r in b
        ]
        par_s = time.perf_counter() - t0
    same = sorted(parallel, key=lambda r: r["run"]) == serial
    print(f"{'dask, 2 local workers':<28} {par_s:>8.3f} {args.runs / par_s:>8.0f}")
    print(f"parallel rows equal serial rows: {same}")


if __name__ == "__main__":
    main()
