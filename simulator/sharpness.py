"""How sharp each solution is: the near-optimal outcomes, and whether the grid decides.

A solution concept picks one outcome, but a package can sit on a flat optimum: other
acceptable outcomes score almost as well and settle some issues differently. :func:`sharpness`
answers, for each concept of an :class:`~simulator.results.Analysis` solved by enumeration:

- which values each issue takes among the acceptable outcomes whose objective is within a
  relative tolerance of the optimum (:mod:`simulator.solvers.near` defines the objectives);
  one more streaming pass over the outcome space, memory bounded by the chunk size;
- for continuous issues (enumerated on a grid), whether the chosen value is an end of the
  issue's range, and what the concept picks when every continuous issue's grid gets its
  midpoints (twice as fine): a value that moves there is an artefact of the grid.

Both are exact on the enumerated grids. The MILP method solves continuous issues on their
whole interval and is not covered (every concept maps to ``None``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from simulator.model import ACCEPT_ATOL, MAX_OUTCOMES, DiscreteIssue, Model
from simulator.model.space import DEFAULT_CHUNK
from simulator.progress import task
from simulator.results import Analysis, Sharpness
from simulator.solvers.near import near_mask, objective

__all__ = ["DEFAULT_NEAR", "refined_levels", "sharpness"]

#: The default tolerance: outcomes within 1% of a concept's optimum.
DEFAULT_NEAR = 0.01


def refined_levels(model: Model) -> list[np.ndarray]:
    """Every issue's levels, with the midpoints added between a continuous issue's grid
    points (``2n - 1`` points instead of ``n``; an integer issue only the midpoints that are
    integers); discrete issues unchanged.

    >>> from simulator.model import ContinuousIssue, Party, IdealValue, compile_model
    >>> x = ContinuousIssue("x", 0, 10, grid=3)
    >>> m = compile_model([x], [Party("p", 0, {"x": 1}, {"x": IdealValue(5, 0, 10)}),
    ...                         Party("q", 0, {"x": 1}, {"x": IdealValue(0, 0, 10)})])
    >>> refined_levels(m)[0].tolist()
    [0.0, 2.5, 5.0, 7.5, 10.0]
    """
    out = []
    for issue, levels in zip(model.issues, model.level_values):
        if isinstance(issue, DiscreteIssue) or len(levels) < 2:
            out.append(levels)
        else:
            mids = (levels[:-1] + levels[1:]) / 2.0
            if issue.integer:  # an integer issue stays on integers (every one, at most)
                mids = mids[mids == np.floor(mids)]
            out.append(np.sort(np.concatenate([levels, mids])))
    return out


def sharpness(
    model: Model,
    analysis: Analysis,
    tolerance: float = DEFAULT_NEAR,
    *,
    refine: bool = True,
    chunk_size: int = DEFAULT_CHUNK,
    max_outcomes: int = MAX_OUTCOMES,
) -> dict[str, Sharpness | None]:
    """How sharp each solution of ``analysis`` is.

    Parameters
    ----------
    model : the model ``analysis`` was solved on.
    analysis : from :func:`simulator.analyze`.
    tolerance : relative tolerance in ``[0, 1)`` on each concept's objective (0.01: within
        1% of the optimum; 0: exact ties only).
    refine : also re-solve on a twice-as-fine grid of the continuous issues (one more
        enumeration of a larger space; skipped when that space exceeds ``max_outcomes`` or
        ``method="auto"`` would not enumerate it, :func:`~simulator.method_choice.choose_method`).
    chunk_size : outcomes evaluated at once.
    max_outcomes : the largest space to enumerate.

    Returns
    -------
    dict
        Per concept of ``analysis.solutions``: a :class:`~simulator.results.Sharpness`, or
        ``None`` where the concept has no solution or the analysis was not by enumeration.

    Examples
    --------
    A flat optimum: both parties value ``x`` alike except for a tiny difference, so every
    level of ``x`` is within 1% of the Nash product, while the 0.01 tolerance separates the
    options of ``deal``.

    >>> from simulator.model import (ContinuousIssue, DiscreteIssue, IdealValue, Party,
    ...                              TableValue, compile_model)
    >>> import simulator
    >>> x = ContinuousIssue("x", 0, 4, grid=5)
    >>> deal = DiscreteIssue("deal", ("a", "b"))
    >>> m = compile_model([x, deal], [
    ...     Party("p", 0, {"x": 0.001, "deal": 1},
    ...           {"x": IdealValue(0, 0, 4), "deal": TableValue((1.0, 0.2))}),
    ...     Party("q", 0, {"x": 0.001, "deal": 1},
    ...           {"x": IdealValue(4, 0, 4), "deal": TableValue((1.0, 0.3))})])
    >>> s = sharpness(m, simulator.analyze(m, ["nash"]))["nash"]
    >>> s.near_optimal["x"], s.near_optimal["deal"], s.count
    ((0.0, 4.0), ('a',), 5)
    """
    solved = {c: sol for c, sol in analysis.solutions.items() if sol is not None}
    concepts = list(solved)
    result: dict[str, Sharpness | None] = dict.fromkeys(analysis.solutions)
    if not concepts or analysis.method != "enumerate":
        return result
    if not 0.0 <= tolerance < 1.0:
        raise ValueError(f"tolerance must be in [0, 1), not {tolerance!r}")
    model.check_size(max_outcomes)
    sig = model.signatories
    res = model.reservations
    power = model.power[sig]
    ideal = (analysis.pareto.utilities[:, sig] - res[sig]).max(axis=0)
    optimum = {c: solved[c].objective for c in concepts}
    seen = {c: [np.zeros(len(v), dtype=bool) for v in model.level_values] for c in concepts}
    counts = dict.fromkeys(concepts, 0)
    lines = model.signatory_lines
    with task("finding near-optimal outcomes", model.space.count, "outcome") as advance:
        for _, levels, u in model.evaluated(chunk_size, True):
            assert levels is not None
            advance(u.shape[0])
            gains = u[:, sig] - res[sig]
            ok = (gains >= -ACCEPT_ATOL).all(axis=1)
            if model.constraints or model.red_lines:
                ok &= model.constraint_mask(levels) & ~model.red_line_breaks(levels)[:, lines].any(
                    axis=1
                )
            if not ok.any():
                continue
            g, lv = gains[ok], levels[ok]
            for c in concepts:
                score = objective(c, g, power=power, ideal=ideal, reservations=res[sig])
                close = near_mask(c, score, optimum[c], tolerance)
                if not close.any():
                    continue
                counts[c] += int(close.sum())
                for k, flags in enumerate(seen[c]):
                    flags[lv[close, k]] = True
    refined = _refined(model, analysis, concepts, max_outcomes) if refine else {}
    for c in concepts:
        chosen = solved[c].outcome
        near: dict[str, tuple] = {}
        ends: list[str] = []
        for k, (issue, flags) in enumerate(zip(model.issues, seen[c])):
            values = model.level_values[k][flags]
            if isinstance(issue, DiscreteIssue):
                near[issue.name] = tuple(issue.options[int(v)] for v in values)
            else:
                near[issue.name] = (float(values.min()), float(values.max()))
                if float(chosen[issue.name]) in (float(issue.low), float(issue.high)):
                    ends.append(issue.name)
        package, points = refined.get(c, (None, None))
        result[c] = Sharpness(c, tolerance, counts[c], near, tuple(ends), package, points)
    return result


def _refined(
    model: Model, analysis: Analysis, concepts: Iterable[str], max_outcomes: int
) -> Mapping[str, tuple[dict, dict[str, int]]]:
    """Each concept's package on the twice-as-fine grid, with that grid's point counts."""
    from simulator.analysis import analyze
    from simulator.method_choice import choose_method

    if all(isinstance(i, DiscreteIssue) for i in model.issues):
        return {}
    levels = refined_levels(model)
    size = int(np.prod([len(v) for v in levels], dtype=object))
    if size > max_outcomes:
        return {}
    finer = model.recompiled(levels=levels)
    if choose_method(finer).method != "enumerate":  # auto would not enumerate it: too slow
        return {}
    fine = analyze(finer, tuple(concepts), method="enumerate")
    points = {
        i.name: len(v) for i, v in zip(model.issues, levels) if not isinstance(i, DiscreteIssue)
    }
    return {c: (dict(s.outcome), points) for c, s in fine.solutions.items() if s is not None}
