"""A sweep written to disk as it runs, and finished after an interruption.

:func:`sweep_to` is what ``simulator.sweep(..., out=PATH)`` and ``zopa sweep`` run:

1. take the output's lock (:func:`~simulator.sweeps.store.lock_output`: one writer at a
   time, refused at once if another sweep holds it);
2. plan the runs (:func:`~simulator.sweeps.api.plan`) and compile the scenario, trying the
   first run, so that a bad value or an unknown name is a :class:`PlanError` before anything
   is written;
3. open the store (:func:`~simulator.sweeps.store.open_store`) with the plan's fingerprint:
   the options, the number of runs and hashes of the planned runs and of the compiled
   scenario. Resuming with other options, or after the scenario changed, is a
   :class:`~simulator.sweeps.store.StoreError`;
4. run the runs it does not hold yet (:func:`~simulator.sweeps.parallel.run_sweep`), each
   batch stored as it finishes, and return a :class:`StoredSweep`.

Seeds: samples drawn with ``seed=None`` get a fresh random seed, recorded in the plan file
(``read_plan(out)["seed"]``), and a resume with ``seed=None`` draws the same samples with it.
"""

from __future__ import annotations

import numbers
import os
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from simulator.analysis import CONCEPTS
from simulator.errors import ZopaError

__all__ = ["PlanError", "StoredSweep", "sweep_to"]


class PlanError(ZopaError, ValueError):
    """A sweep that cannot be planned or run on its scenario (a value outside its domain, a
    parameter the scenario lacks, no uncertain numbers to sample); raised before anything is
    written. A :class:`ValueError`, as :func:`~simulator.sweeps.api.plan` raises."""


@dataclass(frozen=True)
class StoredSweep:
    """What :func:`sweep_to` did.

    Attributes
    ----------
    out : the output (a ``.csv`` file, or a ``.parquet`` folder of part files).
    runs : runs of the plan, all stored now.
    stored_before : runs the output held already (a resume), not run again.
    run_now : runs solved by this call.
    with_zone : stored runs with a zone (of all ``runs``).
    seconds : time spent solving this call's runs.
    workers : processes they ran on (1: serially in this process).
    seed : the seed of the samples, as recorded in the plan file (``None`` without samples).
    """

    out: Path
    runs: int
    stored_before: int
    run_now: int
    with_zone: int
    seconds: float
    workers: int
    seed: int | None

    @property
    def rate(self) -> float:
        """Runs solved per second by this call (0 when no time was measured)."""
        return self.run_now / self.seconds if self.seconds > 0 else 0.0


def sweep_to(
    scenario,
    out: str | os.PathLike[str],
    vary: Mapping[str, Sequence[float]] | None = None,
    *,
    samples: int | None = None,
    sampling: str = "lhs",
    seed: int | None = None,
    concepts: Iterable[str] = CONCEPTS,
    client=None,
    workers: int | None = None,
    batch: int = 200,
    resume: bool = False,
    progress: Callable[[int], object] | None = None,
    recorded_vary: Mapping[str, object] | None = None,
) -> StoredSweep:
    """Run a sweep into the output ``out``, batch by batch, or finish one with ``resume``.

    Parameters
    ----------
    scenario : a loaded :class:`~simulator.scenario.Scenario`.
    out : ``NAME.csv`` (one CSV file) or ``NAME.parquet`` (a folder of Parquet part files);
        see :mod:`simulator.sweeps.store`. The plan file and, while it runs, a lock file sit
        beside it (:func:`~simulator.sweeps.store.output_files`).
    vary, samples, sampling, seed, concepts : as :func:`simulator.sweeps.api.sweep`; ``seed``
        is an int (recorded with the output) or ``None`` (a fresh one with samples, recorded;
        on resume, the one recorded).
    client : a ``dask.distributed.Client``, or a scheduler's address (``"tcp://..."``) to
        connect to for the sweep; ``None`` decides by ``workers``.
    workers : ``1`` serially here; ``K > 1`` a local Dask cluster of ``K`` processes;
        ``None`` serially below :data:`~simulator.sweeps.parallel.SERIAL_BELOW` runs, else one
        process per CPU.
    batch : runs per batch, the unit of storage (a kill loses at most the batches in flight).
    resume : finish the sweep stored at ``out``, running only the runs it lacks; it must have
        been started with the same options and scenario. Without it an existing output is
        refused. Resuming an output that does not exist starts it.
    progress : called first with the number of runs already stored (0 when starting), then
        with the number of runs of each batch as it is stored; the calls add up to the
        plan's runs.
    recorded_vary : how the plan file records ``vary`` (default: the values); the command line
        records its ``PATH=LO:HI:N`` as ``[LO, HI, N]``.

    Returns
    -------
    StoredSweep

    Raises
    ------
    PlanError
        The plan is empty or refused (:func:`~simulator.sweeps.api.plan`), or its first run
        names a party, issue or option the scenario lacks. Nothing is written.
    StoreError
        The output exists (without ``resume``), is locked by another sweep, was started with
        other options or another scenario, or cannot be written.
    SchedulerError
        ``client`` is an address where no scheduler answers.
    """
    from simulator.io.output import check_not_input, input_files
    from simulator.sweeps.api import plan, sweep_model
    from simulator.sweeps.parallel import connected, result_columns, run_sweep
    from simulator.sweeps.store import (
        fingerprint,
        lock_output,
        open_store,
        output_files,
        read_plan,
        read_results,
    )

    if seed is not None:
        if not isinstance(seed, numbers.Integral):
            raise TypeError(
                "a sweep written to disk takes an int seed (recorded, so that a resume draws "
                f"the same samples) or None, not {type(seed).__name__}"
            )
        seed = int(seed)
    if batch < 1:
        raise ValueError(f"batch must be at least 1, not {batch}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if client is not None and workers is not None:
        raise ValueError("give client= (a Dask cluster) or workers= (a local one), not both")
    out = Path(out)
    inputs = input_files(scenario)
    for path in output_files(out):
        check_not_input(path, inputs, "out")
    values = {p: [float(v) for v in vs] for p, vs in (vary or {}).items()}
    with lock_output(out):  # one writer at a time, for the whole sweep
        if samples and seed is None:  # a fresh seed, recorded so that a resume finds it
            stored = read_plan(out) if resume else None
            seed = stored.get("seed") if stored else None
            seed = secrets.randbits(32) if seed is None else seed
        try:
            runs = list(enumerate(plan(scenario, values, samples, sampling, seed)))
            if not runs:
                raise ValueError("the sweep has no runs: give at least one value per path")
            model = sweep_model(scenario, concepts)
            model.run(runs[0][1])  # an unknown party, issue or option fails here, not mid-sweep
        except PlanError:
            raise
        except ValueError as err:
            raise PlanError(str(err)) from None
        options: dict[str, object] = {
            "vary": dict(recorded_vary) if recorded_vary is not None else values,
            "samples": samples,
            "sampling": sampling if samples else None,
            "seed": seed if samples else None,
        }
        if tuple(model.concepts) != tuple(CONCEPTS):  # recorded only when not all of them
            options["concepts"] = list(model.concepts)
        columns = result_columns(model, runs[0][1])
        with open_store(out, columns, fingerprint(model, runs, options), resume) as store:
            done = store.done()
            todo = [r for r in runs if r[0] not in done]
            if progress is not None:
                progress(len(done))
            with connected(client) as dask_client:
                stats = run_sweep(
                    model,
                    todo,
                    store,
                    client=dask_client,
                    workers=workers,
                    progress=progress,
                    batch=batch,
                )
        if done:  # the rows stored before this resume count too
            exists = read_results(out)["exists"].astype(bool)
            total, with_zone = len(exists), int(exists.sum())
        else:
            total, with_zone = stats.runs, stats.with_zone
    return StoredSweep(
        out=out,
        runs=total,
        stored_before=len(done),
        run_now=stats.runs,
        with_zone=with_zone,
        seconds=stats.seconds,
        workers=stats.workers,
        seed=seed if samples else None,
    )
