"""Sweeps for analysts: many runs of one scenario, as a tidy table.

:func:`plan` lists the parameter sets (a grid over given values, or samples of the
scenario's uncertain numbers); :func:`run_batch` solves some of them with a
:class:`~simulator.sweeps.fast.SweepModel` (the scenario compiled once); :func:`sweep` does
both and returns a pandas DataFrame, one row per run; :func:`robustness` summarises it.
Runs are deterministic: the same plan (same seed) gives the same rows, serially or on any
number of Dask workers.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from simulator._renamed import renamed_keyword
from simulator.analysis import CONCEPTS
from simulator.sweeps.apply import check_domain
from simulator.sweeps.fast import SweepModel, as_list
from simulator.sweeps.params import draw, grid, parse_path
from simulator.sweeps.tables import param_values

__all__ = [
    "MAX_RUNS",
    "Robustness",
    "pack",
    "plan",
    "plan_size",
    "robustness",
    "run_batch",
    "run_packed",
    "sweep",
    "sweep_model",
    "unpack",
]


MAX_RUNS = 1_000_000
"""The most runs one sweep plans. The plan is a list held in memory (about 0.4 kB a run,
with its fingerprint), so a larger one would exhaust it; split a larger study into several
sweeps (each its own output), or sample (``samples``) instead of a fine grid."""


def plan_size(counts: Mapping[str, int], samples: int | None = None) -> int:
    """The number of runs of a grid with ``counts[path]`` values per path, times ``samples``
    draws per grid point; ``ValueError`` above :data:`MAX_RUNS`, before anything is built.

    >>> plan_size({"a": 3, "b": 4}, samples=10)
    120
    >>> plan_size({"a": 1000, "b": 1000, "c": 1000})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: this sweep has 1,000,000,000 runs (1,000 x 1,000 x 1,000); at most 1,000,000 ...
    """
    factors = [int(n) for n in counts.values()] + ([int(samples)] if samples else [])
    total = 1
    for n in factors:
        total *= n
    if total > MAX_RUNS:
        shown = f" ({' x '.join(f'{n:,}' for n in factors)})" if len(factors) > 1 else ""
        raise ValueError(
            f"this sweep has {total:,} runs{shown}; at most {MAX_RUNS:,} can be planned "
            "at once: use fewer values, or split the sweep into several"
        )
    return total


@renamed_keyword("method", "sampling")
def plan(
    scenario,
    vary: Mapping[str, Sequence[float]] | None = None,
    samples: int | None = None,
    sampling: str = "lhs",
    seed: int | np.random.Generator | None = None,
) -> list[dict[str, float]]:
    """The parameter sets of a sweep: a grid over ``vary``, or ``samples`` draws of the
    scenario's uncertain numbers (``sampling`` ``"lhs"`` or ``"random"``; ``method=`` is its
    deprecated name); both together draw the samples once per grid point.

    The grid's values are checked here, before any run: ``ValueError`` for a value outside
    its parameter's domain (a reservation outside ``[0, 1]``, a negative weight, a ``nan``:
    :func:`~simulator.sweeps.apply.check_domain`), or if some combination of the values of
    points' xs (with the drawn xs' ranges, when sampling) would leave a curve's xs not
    strictly increasing (:func:`~simulator.sweeps.apply.check_spans`). Drawn numbers alone
    need no check: the scenario's ranges are validated when it is loaded. A plan of more
    than :data:`MAX_RUNS` runs is a ``ValueError`` too (:func:`plan_size`).
    """
    if not vary and not samples:
        raise ValueError("give vary={path: [values]} or samples=N (or both)")
    plan_size({p: len(v) for p, v in (vary or {}).items()}, samples)
    if vary:
        _check_grid(scenario, vary, bool(samples))
    points = grid(vary) if vary else [{}]
    if not samples:
        return points
    drawn = draw(scenario.uncertain, samples, sampling, seed)
    return [{**d, **p} for p in points for d in drawn]


def _check_grid(scenario, vary: Mapping[str, Sequence[float]], sampled: bool) -> None:
    """:func:`~simulator.sweeps.apply.check_domain` on the grid's values (lowest and highest
    of each; ``nan`` counts as both), with the drawn xs' ranges when ``sampled``."""
    spans = {}
    for path, values in vary.items():
        numbers = np.asarray(values, dtype=float)
        if not numbers.size:
            continue
        if not np.isfinite(numbers).all():
            bad = float(numbers[~np.isfinite(numbers)][0])
            spans[path] = (bad, bad)
        else:
            spans[path] = (float(numbers.min()), float(numbers.max()))
    if not spans:
        return
    if sampled:
        for path, number in scenario.uncertain.items():
            if path not in spans and parse_path(path)["coordinate"] == 0:
                spans[path] = (number.low, number.high)
    check_domain(scenario.model(), spans)


def sweep_model(scenario, concepts: Iterable[str] = CONCEPTS) -> SweepModel:
    """The scenario compiled once for a sweep (enumerates its feasible outcomes)."""
    wanted = tuple(c for c in CONCEPTS if c in set(concepts))
    return SweepModel.build(scenario.model(), wanted, scenario.max_outcomes)


def run_batch(model: SweepModel, runs: Sequence[tuple[int, Mapping[str, float]]]) -> list[dict]:
    """Solve ``(run number, parameters)`` pairs, all at once
    (:meth:`~simulator.sweeps.fast.SweepModel.run_many`); each record starts with its
    ``run``."""
    if not _same_paths(runs):
        records = model.run_many([params for _, params in runs])
        return [{"run": number, **record} for (number, _), record in zip(runs, records)]
    return unpack(run_packed(model, runs))


def run_packed(model: SweepModel, runs: Sequence[tuple[int, Mapping[str, float]]]):
    """:func:`run_batch`'s records packed for the wire (:func:`pack`), what Dask workers
    send back: numpy columns, a package's issues as option codes."""
    if not _same_paths(runs):
        return pack(run_batch(model, runs))
    paths = tuple(runs[0][1]) if runs else ()
    values = param_values([params for _, params in runs], paths)
    numbers = np.array([number for number, _ in runs], dtype=np.int64)
    return run_unpacked(model, paths, numbers, values)


def pack_runs(
    runs: Sequence[tuple[int, Mapping[str, float]]],
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray] | None:
    """Runs naming the same parameters as ``(paths, run numbers, values)``, two numpy arrays
    (``values[i, k]`` is run ``i``'s value of ``paths[k]``), or ``None`` if they do not: what
    travels to a Dask worker (:func:`run_unpacked`). A list of dicts would be walked item by
    item by Dask's task parser on the client, for longer than the worker takes to solve it.

    >>> pack_runs([(3, {"a": 0.5}), (4, {"a": 1.0})])
    (('a',), array([3, 4]), array([[0.5],
           [1. ]]))
    """
    if not runs or not _same_paths(runs):
        return None
    paths = tuple(runs[0][1])
    try:
        values = param_values([p for _, p in runs], paths)
    except (TypeError, ValueError):  # no number: the worker raises what a serial run raises
        return None
    numbers = np.array([number for number, _ in runs], dtype=np.int64)
    return paths, numbers, values


def run_unpacked(model: SweepModel, paths: Sequence[str], numbers: np.ndarray, values: np.ndarray):
    """:func:`run_packed` on the runs :func:`pack_runs` packed: ``(keys, columns)``."""
    keys, columns = model.run_values(list(paths), values)
    return ["run", *keys], [np.asarray(numbers, dtype=np.int64), *columns]


def run_compact(model: SweepModel, paths: Sequence[str], numbers: np.ndarray, values: np.ndarray):
    """:func:`run_unpacked`'s answer in a few arrays, without the labels of the packages'
    issues (:func:`~simulator.sweeps.records.compact`; the receiver has them:
    :meth:`SweepModel.column_labels <simulator.sweeps.fast.SweepModel.column_labels>`):
    what a Dask worker sends back."""
    from simulator.sweeps.records import compact

    return compact(run_unpacked(model, paths, numbers, values), labels=False)


def _same_paths(runs: Sequence[tuple[int, Mapping[str, float]]]) -> bool:
    """Whether every run names the same parameters in the same order (a plan's runs do)."""
    first = tuple(runs[0][1]) if runs else ()
    return all(map(first.__eq__, map(tuple, map(operator.itemgetter(1), runs))))


def pack(records: Sequence[dict]) -> tuple[list[str] | None, list]:
    """Records as ``(keys, columns)``: the keys travel once per batch, not per run, and
    the values column by column (lists, or the compact columns of
    :meth:`~simulator.sweeps.fast.SweepModel.run_arrays`). Records with different keys (runs
    naming different parameters) stay records: ``(None, records)``."""
    keys = list(records[0]) if records else []
    if any(list(r) != keys for r in records):
        return None, list(records)
    return keys, [[r[k] for r in records] for k in keys]


def unpack(packed: tuple[list[str] | None, list]) -> list[dict]:
    """The records :func:`pack` (or :func:`run_packed`) packed."""
    keys, columns = packed
    if keys is None:
        return list(columns)
    if not keys:
        return []
    return [dict(zip(keys, values)) for values in zip(*(as_list(c) for c in columns))]


@renamed_keyword("method", "sampling")
def sweep(
    scenario,
    vary: Mapping[str, Sequence[float]] | None = None,
    *,
    samples: int | None = None,
    sampling: str = "lhs",
    seed: int | np.random.Generator | None = None,
    concepts: Iterable[str] = CONCEPTS,
    client=None,
    workers: int | None = None,
    batch: int = 200,
    out: str | os.PathLike[str] | None = None,
    resume: bool = False,
    progress: Callable[[int], object] | None = None,
):
    """Run a sweep and return a tidy DataFrame (one row per run); with ``out``, the rows are
    written to a CSV or Parquet output as they are solved, and ``resume=True`` finishes an
    interrupted sweep.

    Parameters
    ----------
    scenario : a loaded :class:`~simulator.scenario.Scenario`.
    vary : ``{parameter path: [values]}`` for a grid (see :mod:`simulator.sweeps.params`).
    samples, sampling, seed : draw ``samples`` parameter sets from the scenario's uncertain
        numbers by Latin hypercube (``"lhs"``) or plain ``"random"`` sampling (``method=`` is
        a deprecated name of ``sampling=``). With ``out``, ``seed`` is an int or ``None``: a
        fresh seed is then drawn and recorded with the output (``read_plan(out)["seed"]``),
        and ``resume`` reuses it.
    concepts : solution concepts to report.
    client : a ``dask.distributed.Client``, or a scheduler's address (``"tcp://..."``), to run
        the batches on its workers. The rows are the same however they run.
    workers : run on a local Dask cluster of this many processes; ``None`` or ``1``: serially
        here (unless ``client`` is given; not both).
    batch : runs per batch (with ``out``, each batch is stored as it finishes).
    out : write the rows to this ``.csv`` file or ``.parquet`` folder as they are solved, as
        ``zopa sweep --out`` does (:mod:`simulator.sweeps.store`); an existing output is
        refused unless ``resume``.
    resume : with ``out``, finish an interrupted sweep: only the runs not stored yet are run.
        The options and the scenario must be those of the first call, else ``StoreError``.
    progress : called with a number of runs as they are solved (a progress bar's
        ``update``); with ``out``, first with the number already stored.

    Returns
    -------
    pandas.DataFrame
        Columns: ``run``, one per parameter path, ``exists``, ``slack``, ``count``, then per
        concept ``<concept>.<issue>`` (the package, issue by issue) and
        ``<concept>.u.<party>`` (utilities); empty (``nan``) where no zone exists. With
        ``out``, the whole stored table, read back
        (:func:`~simulator.sweeps.store.read_results`): the same columns and types, except
        that a CSV keeps floats to 15 significant digits (``0.6`` for
        ``0.6000000000000001``) and that an issue with options whose column is empty in
        every run is a string column (``object`` without ``out``).

    Raises
    ------
    ValueError
        A plan that cannot be run (:func:`plan`; with ``out``, a
        :class:`~simulator.sweeps.stored.PlanError`); bad ``batch`` or ``workers``.
    StoreError
        With ``out``: it exists (without ``resume``), another sweep is writing it, or the
        resume has other options or another scenario than the first call.

    Examples
    --------
    >>> import simulator
    >>> s = simulator.load("scenarios/examples/job_offer.yaml")
    >>> df = sweep(s, {"parties.candidate.reservation": [0.4, 0.9]})
    >>> df[["parties.candidate.reservation", "exists"]].values.tolist()
    [[0.4, True], [0.9, False]]

    Written to disk, interrupted after 3 of 6 runs, and finished:

    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = tempfile.TemporaryDirectory()
    >>> out = Path(folder.name) / "runs.csv"
    >>> grid = {"parties.candidate.reservation": [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]}
    >>> whole = sweep(s, grid, out=out, batch=2)
    >>> lines = out.read_text().splitlines(keepends=True)
    >>> _ = out.write_text("".join(lines[:4]))  # the header and runs 0, 1, 2
    >>> ran = []
    >>> sweep(s, grid, out=out, batch=2, resume=True, progress=ran.append).equals(whole)
    True
    >>> ran  # 3 stored before, then the batches of the 3 others
    [3, 2, 1]
    >>> folder.cleanup()
    """
    if resume and out is None:
        raise ValueError("resume=True finishes a sweep stored at out=PATH; give out")
    if client is None and workers is None:
        workers = 1
    if out is not None:
        from simulator.sweeps.store import read_results
        from simulator.sweeps.stored import sweep_to

        sweep_to(
            scenario,
            out,
            vary,
            samples=samples,
            sampling=sampling,
            seed=seed,  # type: ignore[arg-type]  # sweep_to refuses a Generator
            concepts=concepts,
            client=client,
            workers=workers,
            batch=batch,
            resume=resume,
            progress=progress,
        )
        return read_results(out)

    from simulator.sweeps.parallel import connected, run_sweep
    from simulator.sweeps.records import frame

    if client is not None and workers is not None:
        raise ValueError("give client= (a Dask cluster) or workers= (a local one), not both")
    runs = list(enumerate(plan(scenario, vary, samples, sampling, seed)))
    model = sweep_model(scenario, concepts)
    batches: list[Sequence[dict]] = []

    class _Rows:  # a store that keeps the batches (columns: no dict per run)
        def write(self, records: Sequence[dict]) -> None:
            batches.append(records)

    with connected(client) as dask_client:
        run_sweep(
            model,
            runs,
            _Rows(),
            client=dask_client,
            workers=workers,
            progress=progress,
            batch=batch,
        )
    return frame(batches).sort_values("run", kind="stable").reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class Robustness:
    """How a sweep's findings hold up.

    Attributes
    ----------
    runs : number of runs.
    p_zone : share of runs with a zone.
    packages : the most frequent Nash packages: a DataFrame with the issues' columns,
        ``runs`` and ``share`` (most frequent first).
    sensitivity : parameters ranked by ``|spearman|``, the absolute Spearman rank correlation
        between the parameter and the slack across runs (a monotone, scale-free measure of
        how much it moves the slack); a DataFrame with ``parameter``, ``spearman`` and
        ``abs``.
    """

    runs: int
    p_zone: float
    packages: object
    sensitivity: object


def robustness(results, top: int = 5) -> Robustness:
    """Summarise a sweep's DataFrame (from :func:`sweep` or ``zopa sweep``): how often a zone
    exists, the most frequent Nash packages, and which parameters move the margin most.

    The sensitivity of a parameter is Spearman's rank correlation between its values and the
    margin (``slack``) over the runs with a margin: Pearson's correlation of the two ranks
    (tied values get their mean rank, as :func:`scipy.stats.spearmanr` computes it), which
    without ties is

    .. math:: \\rho = 1 - \\frac{6 \\sum_r d_r^2}{n (n^2 - 1)},

    ``d_r`` the difference of run ``r``'s two ranks; 0 when either is constant.

    Parameters
    ----------
    results : a sweep's rows, one per run.
    top : how many of the most frequent Nash packages to keep.

    Returns
    -------
    Robustness

    References
    ----------
    Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The Primer*. Wiley, ch. 1.2.

    Examples
    --------
    >>> import simulator
    >>> s = simulator.load("scenarios/examples/job_offer.yaml")
    >>> df = sweep(s, {"parties.candidate.reservation": [0.3, 0.45, 0.6, 0.75],
    ...                "parties.employer.reservation": [0.3, 0.5]})
    >>> r = robustness(df)
    >>> r.runs, r.p_zone
    (8, 0.875)
    >>> r.packages.iloc[0].to_dict()
    {'salary': 65.0, 'remote': 'full', 'start': 'next_month', 'runs': 3, 'share': 0.375}
    >>> r.sensitivity[["parameter", "spearman"]].round(2).values.tolist()
    [['parties.candidate.reservation', -0.83], ['parties.employer.reservation', -0.55]]
    """
    import pandas as pd
    from scipy.stats import spearmanr

    df = results
    params = [c for c in df.columns if c.startswith("parties.")]
    nash_cols = [c for c in df.columns if c.startswith("nash.") and not c.startswith("nash.u.")]
    if nash_cols:
        with_zone = df[df["exists"].astype(bool)]
        counts = (
            with_zone.groupby(nash_cols, dropna=False)
            .size()
            .sort_values(ascending=False)
            .head(top)
            .rename("runs")
            .reset_index()
        )
        counts.columns = [c.removeprefix("nash.") for c in counts.columns]
        counts["share"] = counts["runs"] / len(df)
    else:
        counts = pd.DataFrame()
    rows = []
    slack = pd.to_numeric(df["slack"], errors="coerce")
    for p in params:
        x = pd.to_numeric(df[p], errors="coerce")
        mask = x.notna() & slack.notna()
        if mask.sum() > 2 and x[mask].nunique() > 1 and slack[mask].nunique() > 1:
            rho = float(spearmanr(x[mask], slack[mask]).statistic)
        else:
            rho = 0.0
        rows.append({"parameter": p, "spearman": rho, "abs": abs(rho)})
    sens = pd.DataFrame(rows, columns=["parameter", "spearman", "abs"])
    sens = sens.sort_values("abs", ascending=False, kind="stable").reset_index(drop=True)
    return Robustness(
        len(df), float(df["exists"].astype(bool).mean()) if len(df) else 0.0, counts, sens
    )
