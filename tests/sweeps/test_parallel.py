"""Sweeps on a real two-worker Dask cluster give exactly the serial rows."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from simulator import load
from simulator.sweeps.api import plan, sweep, sweep_model
from simulator.sweeps.parallel import SERIAL_BELOW, result_columns, run_sweep
from simulator.sweeps.store import open_store, read_results

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
UNCERTAIN = f"""\
extends: {JOB}
parties:
  candidate: {{reservation: {{value: 0.45, range: [0.3, 0.8]}}}}
  employer: {{issues: {{salary: {{weight: {{value: 0.6, range: [0.4, 0.8]}}}}}}}}
"""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "uncertain_job.yaml"
    path.write_text(UNCERTAIN, encoding="utf-8")
    return load(path)


class Rows:
    def __init__(self):
        self.rows = []

    def write(self, records):
        self.rows.extend(records)


def frame(rows):
    return pd.DataFrame(rows).sort_values("run", kind="stable").reset_index(drop=True)


def test_columns_match_the_records(scenario):
    model = sweep_model(scenario)
    params = plan(scenario, samples=1, seed=0)[0]
    record = {"run": 0, **model.run(params)}
    assert list(result_columns(model, params)) == list(record)


def test_serial_run_sweep_counts_and_reports_progress(scenario):
    runs = list(enumerate(plan(scenario, samples=300, seed=3)))
    out, seen = Rows(), []
    stats = run_sweep(scenario, runs, out, progress=seen.append, batch=64)
    assert stats.workers == 1 and stats.runs == 300 and sum(seen) == 300
    assert seen == [64, 64, 64, 64, 44]
    assert stats.with_zone == sum(r["exists"] for r in out.rows)
    assert 0 < stats.with_zone < 300  # some draws leave no zone: None cells are exercised
    assert len(runs) < SERIAL_BELOW


def test_two_worker_cluster_gives_the_serial_rows(scenario, tmp_path):
    from dask.distributed import Client, LocalCluster

    runs = list(
        enumerate(
            plan(scenario, {"parties.employer.reservation": [0.3, 0.5]}, samples=600, seed=11)
        )
    )
    serial = sweep(
        scenario, {"parties.employer.reservation": [0.3, 0.5]}, samples=600, seed=11, batch=97
    )
    assert len(serial) == 1200
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=120)  # a loaded machine can register them late
        assert len(client.scheduler_info()["workers"]) == 2
        on_cluster = sweep(
            scenario,
            {"parties.employer.reservation": [0.3, 0.5]},
            samples=600,
            seed=11,
            client=client,
            batch=97,
        )
        out = Rows()
        stats = run_sweep(scenario, runs, out, client=client, batch=50)
        model = sweep_model(scenario)
        path = tmp_path / "out.parquet"
        with open_store(path, result_columns(model, runs[0][1]), {"seed": 11}) as store:
            run_sweep(model, runs, store, client=client, batch=50)
        # one model swept again and again on one client: before, each sweep scattered it
        # under the same key (a hash of its contents) and the release of an earlier sweep's
        # copy could delete it under a later one ("lost dependencies")
        again = [Rows() for _ in range(4)]
        for rows in again:
            run_sweep(model, runs, rows, client=client, batch=50)
    assert stats.workers == 2 and stats.runs == 1200
    for rows in again:
        pd.testing.assert_frame_equal(frame(rows.rows), serial)
    pd.testing.assert_frame_equal(on_cluster, serial)
    pd.testing.assert_frame_equal(frame(out.rows), serial)
    pd.testing.assert_frame_equal(read_results(path), serial, check_dtype=False)


def test_bad_arguments(scenario):
    with pytest.raises(ValueError, match="batch"):
        run_sweep(scenario, [], Rows(), batch=0)
    with pytest.raises(ValueError, match="workers"):
        run_sweep(scenario, [], Rows(), workers=0)


def test_batches_are_solved_in_jobs_and_stored_one_by_one():
    from simulator.sweeps.parallel import _jobs

    batches = [[0] * 3, [0] * 3, [0] * 3, [0] * 2]
    assert [[len(b) for b in job] for job in _jobs(batches, 5)] == [[3, 3], [3, 2]]
    assert [[len(b) for b in job] for job in _jobs(batches, 1)] == [[3], [3], [3], [2]]
    assert _jobs([], 5) == []


def test_the_local_cluster_keeps_freed_memory_and_runs_no_profiler(monkeypatch):
    from simulator.sweeps.parallel import KEEP_FREED, _local_client

    def settings():
        import os

        import dask

        return (
            dask.config.get("distributed.worker.profile.enabled"),
            os.environ.get("MALLOC_TRIM_THRESHOLD_"),
        )

    # as a cluster of Dask's defaults started in this process before leaves it
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    with _local_client(1) as client:
        client.wait_for_workers(1, timeout=120)
        got = list(client.run(settings).values())
    assert got == [(False, str(KEEP_FREED))]
    assert os.environ["MALLOC_TRIM_THRESHOLD_"] == "65536"  # this process's, as it was
