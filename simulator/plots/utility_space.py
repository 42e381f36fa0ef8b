"""The utility space of two parties: every possible agreement as a point (one party's utility
across, the other's up), the acceptable ones, the Pareto frontier, the disagreement point and
the Nash and Kalai-Smorodinsky agreements.

The picture is drawn in layers, each from its own sample, so that a small layer is not lost in
the sample of a large one (the 2,772 acceptable outcomes of a Ukraine scenario are 0.1% of
its 2.2 million; a sample of the whole space would draw about thirty of them):

- *outside the zone*: the outcomes the constraints allow that are not acceptable to every
  signatory (grey);
- *the zone*: the outcomes acceptable to every signatory (blue);
- *the frontier*: the Pareto-optimal acceptable outcomes (green);
- the outcomes the constraints rule out are not drawn; the legend says how many there are.

A layer above ``max_points`` outcomes is drawn from a uniform random sample without
replacement (a bottom-k sample: each outcome gets a random key, the smallest keys are kept),
and its legend entry says how many of how many are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.method_choice import AUTO_THRESHOLD
from simulator.model.compiled import ACCEPT_ATOL
from simulator.plots.text import literal
from simulator.study import Study

__all__ = [
    "Layer",
    "UtilitySpaceData",
    "layer_text",
    "legend_labels",
    "plot_utility_space",
    "utility_space_data",
    "zone_status",
]

#: Most outcomes drawn per layer; a larger layer is drawn from a random sample of this size.
MAX_POINTS = 20_000
#: Spaces up to this size are counted exactly, outcome by outcome, when the analysis did not
#: enumerate them already; larger ones solved by MILP are estimated from a random sample.
EXACT_LIMIT = AUTO_THRESHOLD
#: Colours of the solution concepts' markers (shared with :mod:`simulator.plots.offers`).
NASH_COLOUR, KALAI_COLOUR = "#d62728", "#9467bd"


@dataclass(frozen=True, eq=False)
class Layer:
    """One layer of the picture.

    Attributes
    ----------
    points : ``(n, 2)`` utilities of the points drawn (across, up).
    drawn : outcomes the points stand for (``n``, except on the frontier, where one point
        stands for every acceptable outcome with the same utilities).
    size : outcomes in the layer.
    exact : whether ``size`` is a count; false when it is estimated from a random sample.
    """

    points: np.ndarray
    drawn: int
    size: int
    exact: bool = True

    @property
    def complete(self) -> bool:
        """Every outcome of the layer is drawn."""
        return self.exact and self.drawn == self.size


@dataclass(frozen=True, eq=False)
class UtilitySpaceData:
    """What :func:`plot_utility_space` draws for the parties ``x`` (across) and ``y`` (up).

    ``outside``, ``zone`` and ``frontier`` are the layers (module docstring); ``ruled_out``
    counts the outcomes the constraints rule out (0 without constraints; estimated when
    ``outside.exact`` is false) and ``total`` all outcomes of the space.
    """

    x: str
    y: str
    outside: Layer
    zone: Layer
    frontier: Layer  # sorted by x, then y
    ruled_out: int
    total: int
    disagreement: tuple[float, float]
    solutions: dict  # concept -> (u_x, u_y) for nash / kalai (pure), where they exist
    lotteries: dict  # concept -> (u_x, u_y) expected utilities

    @property
    def points(self) -> np.ndarray:
        """Every point drawn, all layers together (``(n, 2)``)."""
        return np.vstack([self.outside.points, self.zone.points, self.frontier.points])


class _Sample:
    """A uniform random sample without replacement of at most ``cap`` rows of a stream: each
    row gets a uniform random key and the ``cap`` smallest keys are kept (bottom-k)."""

    def __init__(self, cap: int, rng: np.random.Generator) -> None:
        self.cap, self.rng = cap, rng
        self.keys = np.zeros(0)
        self.rows = np.zeros((0, 2))
        self.seen = 0

    def offer(self, rows: np.ndarray) -> None:
        self.seen += rows.shape[0]
        if not rows.shape[0]:
            return
        keys = np.concatenate([self.keys, self.rng.random(rows.shape[0])])
        rows = np.vstack([self.rows, rows])
        if keys.size > self.cap:
            keep = np.argpartition(keys, self.cap - 1)[: self.cap] if self.cap else keys[:0]
            keep = keep.astype(np.intp)
            keys, rows = keys[keep], rows[keep]
        self.keys, self.rows = keys, rows

    def layer(self, size: int | None = None, exact: bool = True) -> Layer:
        order = np.argsort(self.keys, kind="stable")  # a random order: no layer on top
        n = order.size
        return Layer(self.rows[order], n, self.seen if size is None else size, exact)


def _classify(model, levels, u):
    """Per outcome of a chunk: allowed by the constraints, and acceptable to every signatory
    (allowed, no signatory red line broken, every signatory at least at its reservation)."""
    s = model.signatories
    n = u.shape[0]
    allowed = model.constraint_mask(levels) if model.constraints else np.ones(n, dtype=bool)
    acceptable = allowed & (u[:, s] >= model.reservations[s] - ACCEPT_ATOL).all(axis=1)
    if model.signatory_lines:
        acceptable &= ~model.red_line_breaks(levels)[:, model.signatory_lines].any(axis=1)
    return allowed, acceptable


def _frontier(a, ix: int, iy: int, cap: int, rng: np.random.Generator) -> Layer:
    front, counts = a.pareto.utilities[:, [ix, iy]], a.pareto.counts
    size = int(counts.sum())
    if front.shape[0] > cap:
        keep = np.sort(rng.choice(front.shape[0], cap, replace=False))
        front, counts = front[keep], counts[keep]
    order = np.lexsort((front[:, 1], front[:, 0]))
    return Layer(front[order], int(counts.sum()), size, a.pareto.complete)


def utility_space_data(
    study: Study,
    x: str | None = None,
    y: str | None = None,
    seed: int | np.random.Generator | None = 0,
    max_points: int = MAX_POINTS,
) -> UtilitySpaceData:
    """The layers of the utility-space figure for parties ``x`` and ``y`` (default: the
    first two signatories).

    Each layer above ``max_points`` outcomes is a uniform random sample of that many (drawn
    with ``seed``). Spaces the analysis enumerated, and any up to :data:`EXACT_LIMIT`
    outcomes, are gone through once, chunk by chunk: the layers' sizes are exact counts and
    the samples are drawn from the whole layer. Larger spaces (solved by MILP) are sampled
    uniformly: ``max_points`` outcomes of the space, the layers' sizes estimated from them
    (the zone's is the analysis's count), and ``exact`` is false.

    Examples
    --------
    >>> import simulator
    >>> st = simulator.solve_scenario(simulator.load("scenarios/examples/river_treaty.yaml"))
    >>> d = utility_space_data(st, max_points=100)
    >>> (d.outside.drawn, d.outside.size), (d.zone.drawn, d.zone.size), d.ruled_out, d.total
    ((100, 244), (29, 29), 78, 351)
    """
    model, a = study.model, study.analysis
    rng = np.random.default_rng(seed)
    sig = list(a.signatories)
    x = x or sig[0]
    y = y or (sig[1] if len(sig) > 1 else [p for p in a.parties if p != x][0])
    ix, iy = a.parties.index(x), a.parties.index(y)
    total = model.space.count
    outside, zone = _Sample(max_points, rng), _Sample(max_points, rng)
    if a.method == "enumerate" or total <= EXACT_LIMIT:
        needs_levels = bool(model.constraints or model.signatory_lines)
        allowed_count = 0
        for _start, levels, u in model.evaluated(levels=needs_levels):
            allowed, acceptable = _classify(model, levels, u)
            allowed_count += int(allowed.sum())
            outside.offer(u[allowed & ~acceptable][:, [ix, iy]])
            zone.offer(u[acceptable][:, [ix, iy]])
        layers = outside.layer(), zone.layer()
        ruled_out = total - allowed_count
    else:
        levels = model.space.sample(max_points, rng)
        u = model.utilities(levels)
        allowed, acceptable = _classify(model, levels, u)
        allowed_est = round(total * allowed.mean())
        zone_size = a.zone.count
        outside.offer(u[allowed & ~acceptable][:, [ix, iy]])
        zone.offer(u[acceptable][:, [ix, iy]])
        layers = (
            outside.layer(max(allowed_est - zone_size, outside.seen), exact=False),
            zone.layer(max(zone_size, zone.seen), exact=a.zone.count_exact),
        )
        ruled_out = total - allowed_est
    return UtilitySpaceData(
        x=x,
        y=y,
        outside=layers[0],
        zone=layers[1],
        frontier=_frontier(a, ix, iy, max_points, rng),
        ruled_out=ruled_out,
        total=total,
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


def layer_text(layer: Layer) -> str:
    """How much of a layer is drawn, as the legend says it.

    >>> layer_text(Layer(np.zeros((3, 2)), 3, 3)), layer_text(Layer(np.zeros((0, 2)), 0, 0))
    ('all 3 drawn', 'none')
    >>> layer_text(Layer(np.zeros((20_000, 2)), 20_000, 214_716))
    '20,000 of 214,716 drawn'
    >>> layer_text(Layer(np.zeros((9, 2)), 9, 1_200, exact=False))
    '9 of about 1,200 drawn'
    """
    if layer.size == 0 and layer.exact:
        return "none"
    if layer.complete:
        return f"all {layer.size:,} drawn"
    return f"{layer.drawn:,} of {'' if layer.exact else 'about '}{layer.size:,} drawn"


def legend_labels(d: UtilitySpaceData, signatories) -> dict[str, str]:
    """The legend's words for the layers and the shaded box, by entry: ``outside``,
    ``ruled_out`` (only when the constraints rule some outcome out), ``zone``, ``frontier``
    (only when drawn), ``shade`` and ``grey`` (what a grey dot in the shaded box means).
    Shared by :func:`plot_utility_space` and the explorer's SVG
    (:mod:`simulator.explorer.svg`).

    >>> import simulator
    >>> st = simulator.solve_scenario(simulator.load("scenarios/examples/river_treaty.yaml"))
    >>> legend_labels(utility_space_data(st, max_points=100), st.analysis.signatories)["zone"]
    'acceptable to every signatory (the zone): all 29 drawn'
    """
    labels = {"outside": f"possible agreement outside the zone: {layer_text(d.outside)}"}
    if d.ruled_out:
        about = "" if d.outside.exact else "about "
        labels["ruled_out"] = f"not drawn: {about}{d.ruled_out:,} outcomes the constraints rule out"
    labels["zone"] = f"acceptable to every signatory (the zone): {layer_text(d.zone)}"
    sig = list(signatories)
    if len(d.frontier.points):
        labels["frontier"] = (
            (
                "Pareto frontier of the zone"
                if len(sig) <= 2
                else f"Pareto frontier, all {len(sig)} signatories"
            )
            + ": "
            + (
                layer_text(d.frontier)
                if d.frontier.exact
                else f"{d.frontier.drawn:,} traced, all drawn"
            )
        )
    labels["shade"] = "both above their reservation"
    others = any(s not in (d.x, d.y) for s in sig)  # a signatory off the axes may say no
    labels["grey"] = "grey in the shaded box: " + (
        "a red line or another signatory says no" if others else "it breaks a red line"
    )
    return labels


def zone_status(zone) -> str:
    """The zone in a few words, as the picture's title says it: ``"zone open"``, or why not."""
    if zone.exists:
        return "zone open"
    if zone.slack is None:
        return "no zone: red lines and constraints exclude everything"
    return f"no zone: bargaining gap {-zone.slack:.2f}"


_MARKERS = {"nash": ("*", NASH_COLOUR, "Nash"), "kalai": ("D", KALAI_COLOUR, "Kalai-Smorodinsky")}


def _reservation_labels(ax, d: UtilitySpaceData, lx: str, ly: str) -> None:
    """Name the two dashed lines, inside the axes and away from the zone (which lies to the
    right of the vertical line and above the horizontal one): ``x``'s reservation along its
    line on the left, ``y``'s below its line at the right end -- unless the line is too close
    to the axes' edge for that."""
    dx, dy = d.disagreement
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    left = (dx - x0) / (x1 - x0) > 0.04
    below = (dy - y0) / (y1 - y0) > 0.06
    style = {
        "fontsize": 8,
        "color": "#444444",
        "textcoords": "offset points",
        "bbox": {"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
    }
    ax.annotate(
        f"{lx}'s reservation",
        (dx, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(-3 if left else 3, -4),
        rotation=90,
        ha="right" if left else "left",
        va="top",
        **style,
    )
    ax.annotate(
        f"{ly}'s reservation",
        (1.0, dy),
        xycoords=("axes fraction", "data"),
        xytext=(-4, -3 if below else 3),
        ha="right",
        va="top" if below else "bottom",
        **style,
    )


def plot_utility_space(
    study: Study,
    x: str | None = None,
    y: str | None = None,
    ax=None,
    data: UtilitySpaceData | None = None,
    legend: bool = True,
):
    """Draw the utility space of two parties; returns the Axes.

    Each layer's legend entry says how many of its outcomes are drawn (:func:`layer_text`).
    With more than two signatories the Pareto frontier (of all of them) is drawn as points,
    not a line: seen in one pair it is not a curve. ``legend=False`` leaves the legend to the
    caller (one legend for a grid of panels); labels then carry no coordinates, and none is
    longer than 64 characters, so that two columns fit across a figure 9 inches wide.
    """
    import matplotlib.pyplot as plt

    d = data or utility_space_data(study, x, y)
    if ax is None:
        _, ax = plt.subplots(figsize=(10.5, 6))
    parties = {p.name: (p.label or p.name) for p in study.model.parties}
    lx, ly = parties[d.x], parties[d.y]
    words = legend_labels(d, study.analysis.signatories)
    ax.scatter(
        d.outside.points[:, 0],
        d.outside.points[:, 1],
        s=9,
        c="#c7c7c7",
        lw=0,
        rasterized=True,  # thousands of dots: a bitmap inside the SVG keeps it small
        label=words["outside"],
    )
    if "ruled_out" in words:
        ax.plot([], [], " ", label=words["ruled_out"])
    ax.scatter(
        d.zone.points[:, 0],
        d.zone.points[:, 1],
        s=14,
        c="#1f77b4",
        lw=0,
        rasterized=True,
        label=words["zone"],
    )
    sig = study.analysis.signatories
    if len(d.frontier.points):
        ax.plot(
            d.frontier.points[:, 0],
            d.frontier.points[:, 1],
            "o-" if len(sig) <= 2 else "o",
            c="#2ca02c",
            ms=4,
            lw=1.2,
            rasterized=len(d.frontier.points) > 2000,
            label=words["frontier"],
        )

    def at(u, v):
        return f" ({u:.2f}, {v:.2f})" if legend else ""

    dx, dy = d.disagreement
    ax.fill_between([dx, 2.0], dy, 2.0, color="#1f77b4", alpha=0.10, lw=0, label=words["shade"])
    ax.plot([], [], " ", label=words["grey"])
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
    shown = np.vstack([d.points, [d.disagreement], *d.solutions.values()])
    ax.set_xlim(min(0.0, float(shown[:, 0].min()) - 0.02), max(1.02, shown[:, 0].max() + 0.03))
    ax.set_ylim(min(0.0, float(shown[:, 1].min()) - 0.02), max(1.02, shown[:, 1].max() + 0.03))
    _reservation_labels(ax, d, lx, ly)
    ax.set_xlabel(f"utility to {lx}  (0 = worst, 1 = ideal on every issue)")
    ax.set_ylabel(f"utility to {ly}")
    status = zone_status(study.analysis.zone)
    if legend:
        ax.set_title(f"{study.scenario.name}\n{lx} vs {ly}: {status}", fontsize=10)
    else:  # a panel of a grid: the figure carries the scenario's name
        ax.set_title(f"{lx} vs {ly}:\n{status}", fontsize=9)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, framealpha=0.9)
    ax.grid(True, alpha=0.3)
    return literal(ax)
