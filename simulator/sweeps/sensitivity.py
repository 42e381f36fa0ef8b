"""Variance-based (Sobol') sensitivity of the margin to a sweep's parameters.

For parameters ``X_1 .. X_d`` drawn independently and the margin ``Y = f(X)`` (the zone's
slack, :attr:`simulator.results.Zone.slack`), the first-order index of ``X_i`` is the share
of the variance of ``Y`` that ``X_i`` explains alone, and the total index the share it takes
part in, interactions included:

.. math:: S_i = \\frac{V[E(Y \\mid X_i)]}{V[Y]}, \\qquad
          S_{T_i} = \\frac{E[V(Y \\mid X_{\\sim i})]}{V[Y]}.

They are estimated by :func:`scipy.stats.sobol_indices` (Saltelli et al. 2010) from
``n (d + 2)`` evaluations on Sobol' quasi-random matrices; each evaluation is one sweep run
(:func:`simulator.sweeps.api.run_batch`), so the estimate costs ``n (d + 2)`` runs. Unlike a
rank correlation, the indices also see non-monotone effects and interactions. A run with no
outcome obeying the red lines has no margin; it counts as the smallest margin found minus
one (a zone "more than closed"), so that every evaluation is finite.

References
----------
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their
Monte Carlo estimates. *Mathematics and Computers in Simulation*, 55(1-3), 271-280.
https://doi.org/10.1016/S0378-4754(00)00270-6

Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., & Tarantola, S. (2010).
Variance based sensitivity analysis of model output. *Computer Physics Communications*,
181(2), 259-270. https://doi.org/10.1016/j.cpc.2009.09.018
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["MAX_SOBOL_RUNS", "sobol"]

#: The most sweep runs a Sobol' estimate may cost (``n (d + 2)``).
MAX_SOBOL_RUNS = 2_000_000


@dataclass(frozen=True)
class _Dist:
    """A parameter's distribution, as :func:`scipy.stats.sobol_indices` takes it."""

    ppf: Callable[[np.ndarray], np.ndarray]


def sobol(
    scenario,
    quantiles: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    *,
    n: int = 256,
    seed: int = 0,
):
    """First-order and total Sobol' indices of the margin, per parameter.

    Parameters
    ----------
    scenario : the :class:`~simulator.scenario.Scenario` swept.
    quantiles : per parameter path, its inverse CDF (uniform numbers in [0, 1] to values):
        :meth:`Uncertain.quantile <simulator.scenario.uncertain.Uncertain.quantile>`, or a
        uniform range for a grid sweep.
    n : base sample size, a power of two; the estimate costs ``n (d + 2)`` runs.
    seed : seed of the quasi-random matrices.

    Returns
    -------
    pandas.DataFrame with ``parameter``, ``first_order`` and ``total``, largest total first
    (estimates: small negative values are sampling noise around zero).

    Examples
    --------
    >>> import simulator
    >>> sc = simulator.load("scenarios/examples/job_offer.yaml")
    >>> q = {"parties.candidate.reservation": lambda u: 0.3 + 0.3 * u,
    ...      "parties.candidate.issues.salary.weight": lambda u: 0.2 + 0.6 * u}
    >>> table = sobol(sc, q, n=64)
    >>> table["parameter"].tolist()[0], bool(table["total"].iloc[0] > table["total"].iloc[1])
    ('parties.candidate.reservation', True)
    """
    import pandas as pd
    from scipy.stats import sobol_indices

    from simulator.sweeps.api import run_batch, sweep_model

    if n < 2 or n & (n - 1):
        raise ValueError(f"n must be a power of two (at least 2), not {n}")
    paths = list(quantiles)
    if not paths:
        raise ValueError("no parameter to rank")
    cost = n * (len(paths) + 2)
    if cost > MAX_SOBOL_RUNS:
        raise ValueError(
            f"a Sobol' estimate with n={n} over {len(paths)} parameters costs {cost:,} runs; "
            f"the limit is {MAX_SOBOL_RUNS:,}: lower n"
        )
    model = sweep_model(scenario, concepts=())

    def margins(x: np.ndarray) -> np.ndarray:
        runs = [(k, {p: float(x[i, k]) for i, p in enumerate(paths)}) for k in range(x.shape[1])]
        rows = run_batch(model, runs)
        return np.array([np.nan if r["slack"] is None else r["slack"] for r in rows], float)

    # Evaluate once through scipy, collecting the margins; runs without one are filled in
    # with (smallest margin - 1) before the indices are computed from the same evaluations.
    seen: list[np.ndarray] = []

    def collect(x: np.ndarray) -> np.ndarray:
        y = margins(x)
        seen.append(y)
        return np.where(np.isnan(y), 0.0, y)[None, :]

    dists = [_Dist(quantiles[p]) for p in paths]
    rng = np.random.default_rng(seed)
    first = sobol_indices(func=collect, n=n, dists=dists, rng=rng)
    values = np.concatenate(seen)
    if np.isnan(values).any():  # redo the estimate with the filled-in margins
        floor = np.nanmin(values) - 1.0 if np.isfinite(values).any() else -1.0
        it = iter(seen)

        def replay(x: np.ndarray) -> np.ndarray:
            y = next(it)
            return np.where(np.isnan(y), floor, y)[None, :]

        first = sobol_indices(func=replay, n=n, dists=dists, rng=np.random.default_rng(seed))
    table = pd.DataFrame(
        {
            "parameter": paths,
            "first_order": np.asarray(first.first_order, float).reshape(-1),
            "total": np.asarray(first.total_order, float).reshape(-1),
        }
    )
    table = table.fillna(0.0)  # a constant margin: no variance to share out
    return table.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
