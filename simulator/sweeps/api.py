"""Sweeps for analysts: many runs of one scenario, as a tidy table.

:func:`plan` lists the parameter sets (a grid over given values, or samples of the
scenario's uncertain numbers); :func:`run_batch` solves some of them with a
:class:`~simulator.sweeps.fast.SweepModel` (the scenario compiled once); :func:`sweep` does
both and returns a pandas DataFrame, one row per run; :func:`robustness` summarises it.
Runs are deterministic: the same plan (same seed) gives the same rows, serially or on any
number of Dask workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from simulator.analysis import CONCEPTS
from simulator.sweeps.apply import check_spans
from simulator.sweeps.fast import SweepModel
from simulator.sweeps.params import draw, grid, parse_path

__all__ = [
    "Robustness",
    "pack",
    "plan",
    "robustness",
    "run_batch",
    "run_packed",
    "sweep",
    "sweep_model",
    "unpack",
]


def plan(
    scenario,
    vary: Mapping[str, Sequence[float]] | None = None,
    samples: int | None = None,
    method: str = "lhs",
    seed: int | np.random.Generator | None = None,
) -> list[dict[str, float]]:
    """The parameter sets of a sweep: a grid over ``vary``, or ``samples`` draws of the
    scenario's uncertain numbers (``method`` ``"lhs"`` or ``"random"``); both together draw
    the samples once per grid point.

    A grid that varies the x of a point is checked here, before any run: ``ValueError`` if
    some combination of its values (with the drawn xs' ranges, when sampling) would leave a
    curve's xs not strictly increasing (:func:`~simulator.sweeps.apply.check_spans`). Drawn
    xs alone need no check: the scenario's ranges of x cannot cross.
    """
    if not vary and not samples:
        raise ValueError("give vary={path: [values]} or samples=N (or both)")
    if vary:
        _check_grid_xs(scenario, vary, bool(samples))
    points = grid(vary) if vary else [{}]
    if not samples:
        return points
    drawn = draw(scenario.uncertain, samples, method, seed)
    return [{**d, **p} for p in points for d in drawn]


def _check_grid_xs(scenario, vary: Mapping[str, Sequence[float]], sampled: bool) -> None:
    """:func:`~simulator.sweeps.apply.check_spans` on the grid's xs (lowest and highest
    value of each), with the drawn xs' ranges when ``sampled``."""
    spans = {
        path: (float(min(values)), float(max(values)))
        for path, values in vary.items()
        if len(values) and parse_path(path)["coordinate"] == 0
    }
    if not spans:
        return
    if sampled:
        for path, number in scenario.uncertain.items():
            if path not in spans and parse_path(path)["coordinate"] == 0:
                spans[path] = (number.low, number.high)
    check_spans(scenario.model(), spans)


def sweep_model(scenario, concepts: Iterable[str] = CONCEPTS) -> SweepModel:
    """The scenario compiled once for a sweep (enumerates its feasible outcomes)."""
    wanted = tuple(c for c in CONCEPTS if c in set(concepts))
    return SweepModel.build(scenario.model(), wanted, scenario.max_outcomes)


def run_batch(model: SweepModel, runs: Sequence[tuple[int, Mapping[str, float]]]) -> list[dict]:
    """Solve ``(run number, parameters)`` pairs; each record starts with its ``run``."""
    return [{"run": number, **model.run(params)} for number, params in runs]


def run_packed(model: SweepModel, runs: Sequence[tuple[int, Mapping[str, float]]]):
    """:func:`run_batch` packed for the wire (:func:`pack`): what Dask workers send back."""
    return pack(run_batch(model, runs))


def pack(records: Sequence[dict]) -> tuple[list[str], list[list]]:
    """Records as ``(keys, rows of values)``: the keys travel once per batch, not per run
    (a third less time on a 2-core machine than pickling the dictionaries)."""
    keys = list(records[0]) if records else []
    return keys, [[r[k] for k in keys] for r in records]


def unpack(packed: tuple[list[str], list[list]]) -> list[dict]:
    """The records :func:`pack` packed."""
    keys, rows = packed
    return [dict(zip(keys, row)) for row in rows]


def sweep(
    scenario,
    vary: Mapping[str, Sequence[float]] | None = None,
    *,
    samples: int | None = None,
    method: str = "lhs",
    seed: int | np.random.Generator | None = None,
    concepts: Iterable[str] = CONCEPTS,
    client=None,
    batch: int = 200,
):
    """Run a sweep and return a tidy DataFrame (one row per run).

    Parameters
    ----------
    scenario : a loaded :class:`~simulator.scenario.Scenario`.
    vary : ``{parameter path: [values]}`` for a grid (see :mod:`simulator.sweeps.params`).
    samples, method, seed : draw ``samples`` parameter sets from the scenario's uncertain
        numbers by Latin hypercube (``"lhs"``) or plain ``"random"`` sampling.
    concepts : solution concepts to report.
    client : a ``dask.distributed.Client`` to run the batches on its workers; ``None`` runs
        them here. The rows are the same either way.

    Returns
    -------
    pandas.DataFrame
        Columns: ``run``, one per parameter path, ``exists``, ``slack``, ``count``, then per
        concept ``<concept>.<issue>`` (the package, issue by issue) and
        ``<concept>.u.<party>`` (utilities); ``None`` where no zone exists.

    Examples
    --------
    >>> import simulator
    >>> s = simulator.load("scenarios/examples/job_offer.yaml")
    >>> df = sweep(s, {"parties.candidate.reservation": [0.4, 0.9]})
    >>> df[["parties.candidate.reservation", "exists"]].values.tolist()
    [[0.4, True], [0.9, False]]
    """
    import pandas as pd

    runs = list(enumerate(plan(scenario, vary, samples, method, seed)))
    model = sweep_model(scenario, concepts)
    batches = [runs[i : i + batch] for i in range(0, len(runs), batch)]
    if client is None:
        rows = [row for b in batches for row in run_batch(model, b)]
    else:
        shared = client.scatter(model, broadcast=True)
        futures = client.map(run_packed, [shared] * len(batches), batches, pure=False)
        rows = [row for result in client.gather(futures) for row in unpack(result)]
    return pd.DataFrame(rows).sort_values("run", kind="stable").reset_index(drop=True)


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
    """Summarise a sweep's DataFrame (from :func:`sweep` or ``zopa sweep``)."""
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
