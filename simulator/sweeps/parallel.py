"""Running a sweep's batches here or on Dask workers, storing each as it arrives.

:func:`run_sweep` takes the runs (``(run number, parameters)`` pairs, from
:func:`~simulator.sweeps.api.plan`), cuts them into batches and hands every finished batch
to a store (:mod:`simulator.sweeps.store`, or anything with a ``write(records)`` method).
Where the batches run:

- ``client`` given: on that ``dask.distributed.Client``'s workers (:func:`connected` turns a
  scheduler's address into a client);
- ``workers=1``, or ``workers=None`` and fewer than :data:`SERIAL_BELOW` runs: serially in
  this process;
- otherwise on a ``LocalCluster`` of ``workers`` (default ``os.cpu_count()``) single-threaded
  worker processes, started here and closed at the end.

Runs are solved many at once (:mod:`simulator.sweeps.batch`): consecutive batches are
grouped into *jobs* of about :data:`JOB_RUNS` runs (fewer on a cluster when a sweep is small,
so that every worker gets one: a task costs a worker 15-30 ms of round trip on a 2-core
machine, more than the overlap of a second one gains), each solved in one call -- one Dask
task -- and its records then stored batch by batch. The compiled model is sent to the
workers once (``client.scatter(..., broadcast=True)``); jobs are submitted a few at a time
per worker, travel back as compact columns (:func:`~simulator.sweeps.api.run_packed`) and
are stored in the order they finish, each batch a
:class:`~simulator.sweeps.records.RecordBatch` (columns, turned into dicts only if the store
reads them so). Each run depends only on its parameters, so the rows are the same whatever
the number of workers.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np

from simulator.analysis import CONCEPTS
from simulator.errors import ZopaError
from simulator.sweeps.api import pack_runs, run_compact, run_packed, sweep_model
from simulator.sweeps.fast import SweepModel
from simulator.sweeps.records import RecordBatch, as_records, expand

__all__ = [
    "JOB_RUNS",
    "KEEP_FREED",
    "SERIAL_BELOW",
    "SchedulerError",
    "SweepStats",
    "connected",
    "result_columns",
    "run_sweep",
]

SERIAL_BELOW = 100_000
"""With neither a client nor a number of workers, sweeps smaller than this run serially.

A run takes about 50 microseconds here (20,000 runs/s on the Ukraine baseline, one core), and
starting and closing a local cluster about 3 to 4 s: below 10^5 runs a cluster cannot win
that back on a few cores (``benchmarks/bench_sweep.py``)."""

KEEP_FREED = 64 * 2**20
"""Freed memory a local cluster's worker keeps for reuse before giving it back to the
system (``MALLOC_TRIM_THRESHOLD_``; see :func:`_local_client`)."""

JOB_RUNS = 4096
"""Runs solved in one call (one Dask task): enough to amortise the call, the task (a few
milliseconds of the client's time each) and the transfer, and the most
:func:`~simulator.sweeps.batch.solve` takes at once (its ``MAX_RUNS``); batches are grouped
into jobs of about this many runs."""


class SchedulerError(ZopaError):
    """A Dask scheduler that cannot be reached at the address given."""


@contextlib.contextmanager
def connected(client) -> Iterator:
    """The ``dask.distributed.Client`` to run on, for the block: ``client`` itself (or
    ``None``), or for a scheduler's address (``"tcp://host:8786"``) a client connected to it
    for the block and closed at its end.

    Raises
    ------
    SchedulerError
        The scheduler at the address cannot be reached (within 30 seconds).
    """
    if not isinstance(client, str):
        yield client
        return
    from dask.distributed import Client

    try:
        own = Client(client, timeout=30)
    except (OSError, TimeoutError) as err:
        raise SchedulerError(f"cannot reach the scheduler {client}: {err}") from None
    try:
        yield own
    finally:
        own.close()


@dataclass(frozen=True)
class SweepStats:
    """What :func:`run_sweep` did: ``runs`` solved, ``with_zone`` of them with a zone, in
    ``seconds``, on ``workers`` processes (1: serially here)."""

    runs: int
    with_zone: int
    seconds: float
    workers: int

    @property
    def rate(self) -> float:
        """Runs per second (0 when no time was measured)."""
        return self.runs / self.seconds if self.seconds > 0 else 0.0


def result_columns(model: SweepModel, parameters: Iterable[str]) -> dict[str, str]:
    """The columns of a sweep's rows, in order, with their kinds (``"int"``, ``"float"``,
    ``"bool"``, ``"str"``): ``run``, the parameters, ``exists``, ``slack``, ``count``, then
    per concept the package (``str`` for an issue with options) and the utilities."""
    from simulator.model import DiscreteIssue

    columns = {"run": "int", **{p: "float" for p in parameters}}
    columns.update(exists="bool", slack="float", count="int")
    m = model.model
    for concept in model.concepts:
        for name, issue in zip(m.issue_names, m.issues):
            columns[f"{concept}.{name}"] = "str" if isinstance(issue, DiscreteIssue) else "float"
        for name in m.party_names:
            columns[f"{concept}.u.{name}"] = "float"
    return columns


def run_sweep(
    scenario_or_model,
    runs: Sequence[tuple[int, Mapping[str, float]]],
    store,
    client=None,
    workers: int | None = None,
    progress: Callable[[int], object] | None = None,
    *,
    batch: int = 200,
    concepts: Iterable[str] = CONCEPTS,
) -> SweepStats:
    """Solve ``runs`` and ``store.write`` each batch's records as it finishes.

    Parameters
    ----------
    scenario_or_model : a loaded scenario (compiled here with ``concepts``) or a
        :class:`~simulator.sweeps.fast.SweepModel`.
    runs : ``(run number, parameters)`` pairs, e.g. ``list(enumerate(plan(...)))`` less the
        runs a store already holds.
    store : has ``write(records)``; gets each batch's records (dicts starting with
        ``run``), in the order batches finish, as a sequence: a
        :class:`~simulator.sweeps.records.RecordBatch` (its columns readable without
        building the dicts) or a list.
    client : a ``dask.distributed.Client`` to run on; ``None`` decides by ``workers``.
    workers : ``1`` serially here; ``K > 1`` a local cluster of ``K`` processes; ``None``
        serially below :data:`SERIAL_BELOW` runs, else one process per CPU.
    progress : called with the number of runs of each finished batch.
    batch : runs per batch.

    Returns
    -------
    SweepStats

    Examples
    --------
    >>> import simulator
    >>> from simulator.sweeps import plan
    >>> s = simulator.load("scenarios/examples/job_offer.yaml")
    >>> rows = []
    >>> class Rows:
    ...     def write(self, records):
    ...         rows.extend(records)
    >>> runs = list(enumerate(plan(s, {"parties.candidate.reservation": [0.4, 0.9]})))
    >>> run_sweep(s, runs, Rows()).with_zone, [r["exists"] for r in rows]
    (1, [True, False])
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, not {batch}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    model = (
        scenario_or_model
        if isinstance(scenario_or_model, SweepModel)
        else sweep_model(scenario_or_model, concepts)
    )
    runs = list(runs)
    batches = [runs[i : i + batch] for i in range(0, len(runs), batch)]
    counter = _Counter(store, progress)
    start = time.perf_counter()
    if client is not None:
        n = _on_client(client, model, batches, counter)
    else:
        if workers is None:
            workers = 1 if len(runs) < SERIAL_BELOW else os.cpu_count() or 1
        if workers == 1 or len(batches) <= 1:
            for job in _jobs(batches, JOB_RUNS):
                _store(counter, as_records(run_packed(model, [r for b in job for r in b])), job)
            n = 1
        else:
            with _local_client(workers) as local:
                n = _on_client(local, model, batches, counter)
    return SweepStats(counter.runs, counter.with_zone, time.perf_counter() - start, n)


class _Counter:
    """Stores a batch's records, counts them and reports progress."""

    def __init__(self, store, progress):
        self.store, self.progress = store, progress
        self.runs = self.with_zone = 0

    def __call__(self, records: Sequence[dict]) -> None:
        self.store.write(records)
        self.runs += len(records)
        if isinstance(records, RecordBatch):
            self.with_zone += int(np.count_nonzero(records.array("exists")))
        else:
            self.with_zone += sum(bool(r["exists"]) for r in records)
        if self.progress is not None:
            self.progress(len(records))


@contextlib.contextmanager
def _local_client(workers: int):
    """A client of a local cluster of ``workers`` single-threaded worker processes.

    Dask starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``: the C allocator then
    gives freed memory back to the system at once, and the many short-lived numpy arrays of
    a batch are mapped and faulted in again and again (a quarter more time per batch on a
    2-core machine). These workers keep up to :data:`KEEP_FREED` bytes instead.

    Nor do they run Dask's statistical profiler: every 10 ms it takes the interpreter's lock
    from the thread solving a batch, which drops it at each of a batch's thousands of numpy
    calls; with it, a worker solved the Ukraine baseline's runs 15-30% slower than the
    client process (``benchmarks/bench_sweep.py``).
    """
    import logging

    import dask
    from dask.distributed import Client, LocalCluster

    environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", {})}
    environ["MALLOC_TRIM_THRESHOLD_"] = KEEP_FREED
    settings = {
        "distributed.nanny.pre-spawn-environ": environ,
        "distributed.worker.profile.enabled": False,
    }
    # a nanny takes a variable of this process's environment over its setting, and each
    # one started here before (a cluster of the user's own) left Dask's value there
    before = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    os.environ["MALLOC_TRIM_THRESHOLD_"] = str(KEEP_FREED)
    try:
        with dask.config.set(settings):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
    finally:
        if before is None:
            os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        else:
            os.environ["MALLOC_TRIM_THRESHOLD_"] = before
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def _jobs(batches: list[list], size: int) -> list[list[list]]:
    """Consecutive batches grouped into jobs of at least ``size`` runs (the last may have
    fewer), every batch in one job."""
    jobs: list[list[list]] = []
    held = size
    for b in batches:
        if held >= size:
            jobs.append([])
            held = 0
        jobs[-1].append(b)
        held += len(b)
    return jobs


def _store(counter, records: Sequence[dict], job: list[list]) -> None:
    """Store a job's records batch by batch."""
    start = 0
    for b in job:
        counter(records[start : start + len(b)])
        start += len(b)


def _on_client(client, model: SweepModel, batches, counter) -> int:
    """Run the batches on the client's workers, a job per task and a few tasks in flight
    per worker, storing each job's records as it arrives; returns the number of workers."""
    from dask.distributed import as_completed

    n = max(1, len(client.scheduler_info().get("workers", {})))
    if not batches:
        return n
    total = sum(len(b) for b in batches)
    jobs = _jobs(batches, max(1, min(JOB_RUNS, -(-total // n))))
    # a key of its own (hash=False): a key from the model's contents would be the key of
    # an earlier sweep of the same model, whose release could delete the data under this one
    shared = client.scatter(model, broadcast=True, hash=False)
    labels = model.column_labels()  # the workers send the codes of packages, not labels
    todo = iter(jobs)

    def submit(job):
        runs = [r for b in job for r in b]
        packed = pack_runs(runs)
        if packed is None:
            future = client.submit(run_packed, shared, runs, pure=False)
        else:
            future = client.submit(run_compact, shared, *packed, pure=False)
        waiting[future.key] = job
        return future

    waiting: dict = {}
    try:
        finished = as_completed([submit(job) for job in islice(todo, 4 * n)])
        for future in finished:
            packed = expand(future.result(), labels)
            _store(counter, as_records(packed), waiting.pop(future.key))
            future.release()
            for job in islice(todo, 1):
                finished.add(submit(job))
    finally:
        shared.release()
    return n
