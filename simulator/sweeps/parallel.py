"""Running a sweep's batches here or on Dask workers, storing each as it arrives.

:func:`run_sweep` takes the runs (``(run number, parameters)`` pairs, from
:func:`~simulator.sweeps.api.plan`), cuts them into batches and hands every finished batch
to a store (:mod:`simulator.sweeps.store`, or anything with a ``write(records)`` method).
Where the batches run:

- ``client`` given: on that ``dask.distributed.Client``'s workers;
- ``workers=1``, or ``workers=None`` and fewer than :data:`SERIAL_BELOW` runs: serially in
  this process;
- otherwise on a ``LocalCluster`` of ``workers`` (default ``os.cpu_count()``) single-threaded
  worker processes, started here and closed at the end.

The compiled model is sent to the workers once (``client.scatter(..., broadcast=True)``);
batches are submitted a few at a time per worker and stored in the order they finish. Each
run depends only on its parameters, so the rows are the same whatever the number of workers.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

from simulator.analysis import CONCEPTS
from simulator.sweeps.api import run_batch, run_packed, sweep_model, unpack
from simulator.sweeps.fast import SweepModel

__all__ = ["SERIAL_BELOW", "SweepStats", "result_columns", "run_sweep"]

SERIAL_BELOW = 2000
"""With neither a client nor a number of workers, sweeps smaller than this run serially."""


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
    store : has ``write(records)``; gets lists of records (dicts starting with ``run``), in
        the order batches finish.
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
            for b in batches:
                counter(run_batch(model, b))
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

    def __call__(self, records: list[dict]) -> None:
        self.store.write(records)
        self.runs += len(records)
        self.with_zone += sum(bool(r["exists"]) for r in records)
        if self.progress is not None:
            self.progress(len(records))


@contextlib.contextmanager
def _local_client(workers: int):
    import logging

    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def _on_client(client, model: SweepModel, batches, counter) -> int:
    """Run the batches on the client's workers, a few in flight per worker; returns the
    number of workers."""
    from dask.distributed import as_completed

    n = max(1, len(client.scheduler_info().get("workers", {})))
    if not batches:
        return n
    shared = client.scatter(model, broadcast=True)
    todo = iter(batches)
    window = [client.submit(run_packed, shared, b, pure=False) for b in islice(todo, 4 * n)]
    finished = as_completed(window)
    for future in finished:
        counter(unpack(future.result()))
        future.release()
        for b in islice(todo, 1):
            finished.add(client.submit(run_packed, shared, b, pure=False))
    return n
