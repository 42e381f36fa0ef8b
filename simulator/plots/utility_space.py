"""The utility space of two parties: every possible agreement as a point (one party's utility
across, the other's up), the acceptable ones, the Pareto frontier, the disagreement point and
the Nash and Kalai-Smorodinsky agreements."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model.compiled import ACCEPT_ATOL
from simulator.plots.text import literal
from simulator.study import Study

__all__ = ["UtilitySpaceData", "plot_utility_space", "utility_space_data"]

#: Largest number of outcomes drawn; larger spaces are drawn from a random sample.
MAX_POINTS = 20_000


@dataclass(frozen=True, eq=False)
class UtilitySpaceData:
    """What :func:`plot_utility_space` draws for the parties ``x`` (across) and ``y`` (up)."""

    x: str
    y: str
    points: np.ndarray  # (n, 2) utilities of the outcomes drawn
    acceptable: np.ndarray  # (n,) bool: acceptable to every signatory
    sampled: bool  # True when points are a random sample of the space
    frontier: np.ndarray  # (m, 2) Pareto-optimal acceptable outcomes
    disagreement: tuple[float, float]
    solutions: dict  # concept -> (u_x, u_y) for nash / kalai (pure), where they exist
    lotteries: dict  # concept -> (u_x, u_y) expected utilities


def utility_space_data(
    study: Study,
    x: str | None = None,
    y: str | None = None,
    seed: int | np.random.Generator | None = 0,
) -> UtilitySpaceData:
    """The points of the utility-space figure for parties ``x`` and ``y`` (default: the
    first two signatories). Spaces above ``MAX_POINTS`` outcomes are sampled with ``seed``."""
    model, a = study.model, study.analysis
    sig = list(a.signatories)
    x = x or sig[0]
    y = y or (sig[1] if len(sig) > 1 else [p for p in a.parties if p != x][0])
    ix, iy = a.parties.index(x), a.parties.index(y)
    sampled = model.space.count > MAX_POINTS
    if sampled:
        levels = model.space.sample(MAX_POINTS, seed)
    else:
        levels = model.space.levels(0, model.space.count)
    levels = levels[model.constraint_mask(levels)]  # only agreements the scenario allows
    u = model.utilities(levels)
    s = model.signatories
    lines = model.signatory_lines
    acceptable = ~model.red_line_breaks(levels)[:, lines].any(axis=1) & (
        u[:, s] >= model.reservations[s] - ACCEPT_ATOL
    ).all(axis=1)
    front = a.pareto.utilities[:, [ix, iy]]
    front = front[np.lexsort((front[:, 1], front[:, 0]))]
    return UtilitySpaceData(
        x=x,
        y=y,
        points=u[:, [ix, iy]],
        acceptable=acceptable,
        sampled=sampled,
        frontier=front,
        disagreement=(a.reservations[x], a.reservations[y]),
        solutions={
            c: (s_.utilities[x], s_.utilities[y])
            for c, s_ in a.solutions.items()
            if c in ("nash", "kalai") and s_ is not None
        },
        lotteries={
            c: (s_.utilities[x], s_.utilities[y]) for c, s_ in a.lotteries.items() if s_ is not None
        },
    )


_MARKERS = {"nash": ("*", "#d62728", "Nash"), "kalai": ("D", "#9467bd", "Kalai-Smorodinsky")}


def plot_utility_space(
    study: Study,
    x: str | None = None,
    y: str | None = None,
    ax=None,
    data: UtilitySpaceData | None = None,
    legend: bool = True,
):
    """Draw the utility space of two parties; returns the Axes.

    With more than two signatories the Pareto frontier (of all of them) is drawn as points,
    not a line: seen in one pair it is not a curve. ``legend=False`` leaves the legend to the
    caller (one legend for a grid of panels); labels then carry no coordinates.
    """
    import matplotlib.pyplot as plt

    d = data or utility_space_data(study, x, y)
    if ax is None:
        _, ax = plt.subplots(figsize=(10.5, 6))
    parties = {p.name: (p.label or p.name) for p in study.model.parties}
    lx, ly = parties[d.x], parties[d.y]
    rest = ~d.acceptable
    what = (
        f"random sample of {MAX_POINTS:,} of {study.model.space.count:,} outcomes"
        if d.sampled
        else "every outcome"
    )
    if study.model.constraints:
        what += " allowed by the constraints"
    ax.scatter(
        d.points[rest, 0],
        d.points[rest, 1],
        s=9,
        c="#c7c7c7",
        lw=0,
        rasterized=True,  # thousands of dots: a bitmap inside the SVG keeps it small
        label=f"possible agreement ({what})",
    )
    ax.scatter(
        d.points[d.acceptable, 0],
        d.points[d.acceptable, 1],
        s=14,
        c="#1f77b4",
        lw=0,
        rasterized=True,
        label="acceptable to every signatory (the zone)",
    )
    n_sig = len(study.analysis.signatories)
    if len(d.frontier):
        style = "o-" if n_sig <= 2 else "o"
        ax.plot(
            d.frontier[:, 0],
            d.frontier[:, 1],
            style,
            c="#2ca02c",
            ms=4,
            lw=1.2,
            label="Pareto frontier of the zone"
            if n_sig <= 2
            else f"Pareto frontier of the zone (all {n_sig} signatories)",
        )

    def at(u, v):
        return f" ({u:.2f}, {v:.2f})" if legend else ""

    dx, dy = d.disagreement
    why = (
        "a red line or constraint"
        if len(study.analysis.signatories) <= 2
        else ("a red line, a constraint or another signatory's reservation")
    )
    ax.fill_between(
        [dx, 2.0],
        dy,
        2.0,
        color="#1f77b4",
        alpha=0.10,
        lw=0,
        label=f"both above their reservation (grey points here fail {why})",
    )
    ax.axvline(dx, c="#444444", ls="--", lw=0.8)
    ax.axhline(dy, c="#444444", ls="--", lw=0.8)
    ax.plot([dx], [dy], "ks", ms=7, label="no deal: the reservations" + at(dx, dy))
    for concept in ("kalai", "nash"):  # Nash drawn last: on top where the two coincide
        if concept not in d.solutions:
            continue
        ux, uy = d.solutions[concept]
        marker, color, name = _MARKERS[concept]
        big = concept == "kalai"
        ax.plot(
            [ux],
            [uy],
            marker,
            ms=16 if big else 13,
            mfc="none" if big else color,
            mec=color if big else "black",
            mew=2 if big else 1,
            label=f"{name} agreement" + at(ux, uy),
        )
    for concept, (ux, uy) in d.lotteries.items():
        marker, color, name = _MARKERS[concept]
        ax.plot(
            [ux],
            [uy],
            marker,
            c="white",
            ms=10,
            mec=color,
            mew=2,
            label=f"{name} over lotteries" + at(ux, uy),
        )
    top = max(1.02, float(d.points[:, 1].max()) + 0.03)
    right = max(1.02, float(d.points[:, 0].max()) + 0.03)
    ax.set_xlim(min(0.0, float(d.points[:, 0].min()) - 0.02), right)
    ax.set_ylim(min(0.0, float(d.points[:, 1].min()) - 0.02), top)
    ax.text(
        dx,
        ax.get_ylim()[1],
        f" {lx}'s reservation",
        va="top",
        ha="left",
        fontsize=8,
        color="#444444",
    )
    ax.text(
        ax.get_xlim()[1],
        dy,
        f"{ly}'s reservation ",
        va="bottom",
        ha="right",
        fontsize=8,
        color="#444444",
    )
    ax.set_xlabel(f"utility to {lx}  (0 = worst, 1 = ideal on every issue)")
    ax.set_ylabel(f"utility to {ly}")
    zone = study.analysis.zone
    if zone.exists:
        status = "zone open"
    elif zone.slack is None:
        status = "no zone: red lines and constraints exclude everything"
    else:
        status = f"no zone: bargaining gap {-zone.slack:.2f}"
    if legend:
        ax.set_title(f"{study.scenario.name}\n{lx} vs {ly}: {status}", fontsize=10)
    else:  # a panel of a grid: the figure carries the scenario's name
        ax.set_title(f"{lx} vs {ly}:\n{status}", fontsize=9)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, framealpha=0.9)
    ax.grid(True, alpha=0.3)
    return literal(ax)
