"""Figures of a sweep (:func:`simulator.sweep`) and its summary (:func:`simulator.robustness`).

- :func:`plot_slack_heatmap`: the slack over two swept parameters, with the zone's boundary
  (slack = 0) drawn as a contour;
- :func:`plot_tornado`: which parameters move the slack most (Spearman rank correlation);
- :func:`plot_slack_distribution`: how the slack is spread over the runs;
- :func:`plot_package_frequency`: the Nash agreements that come up most often.

The *slack* of a run is the most every signatory can gain above its reservation at once: a
positive slack is a margin (a zone exists), a negative one a bargaining gap (every reservation
would have to fall that much to open a zone). Each figure has a data function, which computes
what is drawn, and a plot function taking ``ax=None`` and returning the Axes; matplotlib is
imported only when a figure is drawn.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np

from simulator.model.issues import DiscreteIssue
from simulator.plots.text import literal
from simulator.sweeps.params import parse_path

__all__ = [
    "HeatmapData",
    "PackageData",
    "SlackDistributionData",
    "TornadoData",
    "package_frequency_data",
    "parameter_label",
    "plot_package_frequency",
    "plot_slack_distribution",
    "plot_slack_heatmap",
    "plot_tornado",
    "slack_distribution_data",
    "slack_heatmap_data",
    "tornado_data",
]

#: Colours shared by the figures: red for a gap (or a push towards one), blue for a margin.
GAP, MARGIN = "#c0392b", "#2166ac"


def _words(name: str) -> str:
    return name.replace("_", " ")


def _party(name: str) -> str:
    return " ".join(w if w.isupper() else w.capitalize() for w in name.split("_"))


def parameter_label(path: str, scenario=None) -> str:
    """A parameter path made readable; with ``scenario`` (a loaded
    :class:`~simulator.scenario.Scenario` or a compiled model), in its parties', issues' and
    options' labels.

    >>> parameter_label("parties.russia.reservation")
    'Russia: reservation'
    >>> parameter_label("parties.united_states.issues.army_cap.ideal")
    'United States: ideal army cap'
    >>> parameter_label("parties.ukraine.issues.nato_status.values.open_door")
    'Ukraine: value of nato status = open door'
    >>> parameter_label("parties.russia.issues.army_cap.points[1][0]")
    'Russia: army cap, breakpoint 2'
    >>> import simulator
    >>> job = simulator.load("scenarios/examples/job_offer.yaml")
    >>> parameter_label("parties.employer.issues.salary.weight", job)
    'Employer: weight of Annual salary'
    """
    try:
        part = parse_path(path)
    except ValueError:
        return _words(path)
    parties = {p.name: p for p in getattr(scenario, "parties", ())}
    issues = {i.name: i for i in getattr(scenario, "issues", ())}
    party = parties.get(str(part["party"]))
    who = (party.label or party.name) if party else _party(str(part["party"]))
    if part["top"] == "reservation":
        return f"{who}: reservation"
    if part["top"] == "power":
        return f"{who}: bargaining power"
    found = issues.get(str(part["issue"]))
    issue = (found.label or _words(found.name)) if found else _words(str(part["issue"]))
    if part["entry"] == "weight":
        return f"{who}: weight of {issue}"
    if part["entry"] == "ideal":
        return f"{who}: ideal {issue}"
    if part["option"] is not None:
        option = str(part["option"])
        shown = found.show(option) if isinstance(found, DiscreteIssue) else _words(option)
        return f"{who}: value of {issue} = {shown.replace('_', ' ')}"
    if part.get("coordinate") == 0:
        return f"{who}: {issue}, breakpoint {int(str(part['point'])) + 1}"
    return f"{who}: {issue}, value at point {int(str(part['point'])) + 1}"


def _slack(df) -> np.ndarray:
    import pandas as pd

    return pd.to_numeric(df["slack"], errors="coerce").to_numpy(dtype=float)


# -- heat map ----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class HeatmapData:
    """The slack on the grid of two parameters: ``slack[j, i]`` at ``ys[j]``, ``xs[i]`` (the
    mean over the runs at that point; NaN where no agreement obeys the red lines)."""

    x: str
    y: str
    xs: np.ndarray
    ys: np.ndarray
    slack: np.ndarray
    runs_per_cell: int  # most runs at one grid point (> 1 when samples were drawn per point)
    xlabel: str
    ylabel: str

    @property
    def changes_sign(self) -> bool:
        """True when the zone opens somewhere on the grid and closes somewhere else."""
        s = self.slack[np.isfinite(self.slack)]
        return bool(s.size and s.min() < 0 < s.max())


def slack_heatmap_data(df, x: str, y: str, scenario=None) -> HeatmapData:
    """The slack of a sweep ``df`` tabulated over the parameters ``x`` (across) and ``y``
    (up); ``scenario`` (the swept one) names the axes in its labels (:func:`parameter_label`)."""
    import pandas as pd

    for p in (x, y):
        if p not in df.columns:
            raise ValueError(
                f"{p!r} is not a column of the sweep; swept: "
                f"{[c for c in df.columns if c.startswith('parties.')]}"
            )
    table = pd.DataFrame({"x": df[x].astype(float), "y": df[y].astype(float), "s": _slack(df)})
    grouped = table.groupby(["y", "x"])["s"]
    pivot = grouped.mean().unstack("x").sort_index().sort_index(axis=1)
    return HeatmapData(
        x=x,
        y=y,
        xs=pivot.columns.to_numpy(dtype=float),
        ys=pivot.index.to_numpy(dtype=float),
        slack=pivot.to_numpy(dtype=float),
        runs_per_cell=int(grouped.size().max()) if len(table) else 0,
        xlabel=parameter_label(x, scenario),
        ylabel=parameter_label(y, scenario),
    )


def _edges(v: np.ndarray) -> np.ndarray:
    """Cell edges around the sorted centres ``v`` (half-way between neighbours)."""
    if v.size == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[:-1] + v[1:]) / 2
    return np.concatenate([[2 * v[0] - mid[0]], mid, [2 * v[-1] - mid[-1]]])


def plot_slack_heatmap(
    df,
    x: str,
    y: str,
    ax=None,
    data: HeatmapData | None = None,
    annotate: bool | None = None,
    scenario=None,
):
    """Draw the slack over two swept parameters as a heat map; returns the Axes.

    Blue cells have a zone (the shade is the margin), red cells a bargaining gap; the black
    line is the zone's boundary, where the slack is 0. ``annotate`` writes each cell's slack
    in it (default: when the grid has at most 12 x 12 cells). ``scenario`` (the swept one)
    names the axes in its labels.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    d = data or slack_heatmap_data(df, x, y, scenario)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 5.5))
    finite = d.slack[np.isfinite(d.slack)]
    reach = float(np.abs(finite).max()) if finite.size else 1.0
    reach = reach or 1.0
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-reach, vmax=reach)
    mesh = ax.pcolormesh(
        _edges(d.xs),
        _edges(d.ys),
        np.ma.masked_invalid(d.slack),
        cmap="RdBu",
        norm=norm,
        shading="flat",
    )
    ax.set_facecolor("#dddddd")  # NaN cells: no agreement obeys the red lines
    bar = ax.figure.colorbar(mesh, ax=ax, pad=0.02)
    bar.set_label(
        "slack  (blue > 0: margin, a zone exists;\nred < 0: bargaining gap, no zone)", fontsize=8
    )
    literal(bar.ax)
    if d.changes_sign and min(d.slack.shape) >= 2:
        cs = ax.contour(d.xs, d.ys, d.slack, levels=[0.0], colors="black", linewidths=2)
        ax.clabel(cs, fmt={0.0: "slack = 0"}, fontsize=8, inline=True)
    if annotate is None:
        annotate = d.slack.shape[0] <= 12 and d.slack.shape[1] <= 12
    if annotate:
        for j, yv in enumerate(d.ys):
            for i, xv in enumerate(d.xs):
                s = d.slack[j, i]
                text = "none" if not np.isfinite(s) else f"{s:+.2f}"
                dark = np.isfinite(s) and abs(s) > 0.6 * reach
                ax.text(
                    xv,
                    yv,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                )
    ax.set_xlabel(d.xlabel)
    ax.set_ylabel(d.ylabel)
    what = f"zone open at {int((finite >= 0).sum())} of {d.slack.size} grid points"
    if d.runs_per_cell > 1:
        what += f" (mean of up to {d.runs_per_cell} runs per point)"
    if d.changes_sign:
        what += "\nblack line: the zone's boundary (slack = 0); a zone exists on its blue side"
    ax.set_title(f"Where a zone exists: the slack over two parameters\n{what}", fontsize=10)
    if np.isnan(d.slack).any():
        ax.text(
            0.01,
            -0.16,
            "grey: no agreement obeys every red line and constraint",
            transform=ax.transAxes,
            fontsize=7,
            va="top",
        )
    return literal(ax)


# -- tornado -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class TornadoData:
    """Parameters ranked by ``|spearman|`` (largest first), with their readable labels."""

    parameters: tuple[str, ...]
    labels: tuple[str, ...]
    spearman: np.ndarray
    runs: int


def tornado_data(robustness, top: int | None = 15, scenario=None) -> TornadoData:
    """The sensitivity ranking of a :class:`~simulator.sweeps.Robustness` (its ``top`` rows),
    labelled in ``scenario``'s words when given (:func:`parameter_label`)."""
    sens = robustness.sensitivity
    if top is not None:
        sens = sens.head(top)
    params = tuple(str(p) for p in sens["parameter"])
    return TornadoData(
        parameters=params,
        labels=tuple(parameter_label(p, scenario) for p in params),
        spearman=sens["spearman"].to_numpy(dtype=float),
        runs=int(robustness.runs),
    )


def plot_tornado(
    robustness, ax=None, data: TornadoData | None = None, top: int | None = 15, scenario=None
):
    """Draw the sensitivity ranking as horizontal bars, the largest on top; returns the Axes.

    A bar's length is the Spearman rank correlation between the parameter and the slack over
    the runs: +1 means that raising the parameter always widens the zone (or narrows the gap),
    -1 that it always narrows it, 0 that it makes no consistent difference. ``scenario`` (the
    swept one) labels the parameters with its parties' and issues' labels; without it they
    are read from the parameter paths ("european_coalition" as "European Coalition").
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    d = data or tornado_data(robustness, top, scenario)
    n = len(d.labels)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 1.6 + 0.38 * max(n, 1)))
    ys = np.arange(n)[::-1]  # first (largest) on top
    colors = [MARGIN if r >= 0 else GAP for r in d.spearman]
    ax.barh(ys, d.spearman, color=colors, height=0.65)
    for yv, r in zip(ys, d.spearman):
        ax.text(
            r + (0.02 if r >= 0 else -0.02),
            yv,
            f"{r:+.2f}",
            va="center",
            ha="left" if r >= 0 else "right",
            fontsize=8,
        )
    ax.set_yticks(ys)
    ax.set_yticklabels([textwrap.fill(label, 44) for label in d.labels], fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlim(-1.15, 1.15)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(
        "Spearman rank correlation between the parameter and the slack\n"
        "(-1: raising it always narrows the zone ... +1: always widens it)",
        fontsize=8,
    )
    ax.set_title(
        f"Which assumptions move the zone most ({d.runs} runs)\n"
        "ranked by |Spearman rank correlation| with the slack",
        fontsize=10,
        pad=20,  # room for the key between the title and the bars
    )
    ax.legend(
        handles=[
            Patch(color=MARGIN, label="raising it widens the zone"),
            Patch(color=GAP, label="raising it narrows the zone"),
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    ax.grid(True, axis="x", alpha=0.3)
    return literal(ax)


# -- slack distribution ------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SlackDistributionData:
    """The slack of every run with a feasible agreement, and the share of runs with a zone."""

    slack: np.ndarray
    runs: int
    p_zone: float
    no_feasible: int  # runs where no agreement obeys the red lines (no slack at all)


def slack_distribution_data(df) -> SlackDistributionData:
    """What the margin histogram draws from a sweep's rows: the finite margins, how many
    runs had a zone and how many had no outcome obeying the red lines."""
    s = _slack(df)
    exists = df["exists"].astype(bool).to_numpy()
    return SlackDistributionData(
        slack=s[np.isfinite(s)],
        runs=len(df),
        p_zone=float(exists.mean()) if len(df) else 0.0,
        no_feasible=int((~np.isfinite(s)).sum()),
    )


def plot_slack_distribution(df, ax=None, data: SlackDistributionData | None = None, bins: int = 30):
    """Draw a histogram of the slack over the runs, a line at 0 (the zone's boundary) and the
    share of runs with a zone in the title; returns the Axes."""
    import matplotlib.pyplot as plt

    d = data or slack_distribution_data(df)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    s = d.slack
    if s.size:
        lo, hi = float(min(s.min(), 0.0)), float(max(s.max(), 0.0))
        width = (hi - lo) / bins if hi > lo else 0.01
        # bins aligned on 0, so that no bin mixes gaps and margins
        edges = width * np.arange(np.floor(lo / width), np.ceil(hi / width) + 1.5)
        for part, color, what in (
            (s[s < 0], GAP, "no zone: bargaining gap"),
            (s[s >= 0], MARGIN, "zone: margin"),
        ):
            if part.size:
                ax.hist(
                    part, bins=edges, color=color, alpha=0.85, label=f"{what} ({part.size} runs)"
                )
    ax.axvline(0, color="black", lw=1.5, ls="--", label="slack = 0: the zone's boundary")
    ax.set_xlabel(
        "slack  (> 0: what every signatory can gain above its reservation at once;\n"
        "< 0: how far every reservation would have to fall to open a zone)",
        fontsize=8,
    )
    ax.set_ylabel("number of runs")
    title = f"A zone exists in {d.p_zone:.0%} of {d.runs} runs"
    if d.no_feasible:
        title += f"\n({d.no_feasible} runs: no agreement obeys every red line; not shown)"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper left", framealpha=0.9)
    ax.grid(True, axis="y", alpha=0.3)
    return literal(ax)


# -- package frequency -------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PackageData:
    """The most frequent Nash packages (most frequent first): a label saying what each differs
    in from the first, its share of all runs and its number of runs; ``varying`` the issues
    that differ among them, ``common`` the issues they all share."""

    labels: tuple[str, ...]
    shares: np.ndarray
    runs: np.ndarray
    total: int
    varying: tuple[str, ...]
    common: tuple[str, ...]


def _show(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return _words(str(v))


def package_frequency_data(robustness) -> PackageData:
    """Label each of the most frequent Nash packages of a :class:`~simulator.sweeps.Robustness`
    by what differs from the most frequent one (the first: by the issues that vary)."""
    p = robustness.packages
    if p is None or len(p) == 0:
        return PackageData((), np.zeros(0), np.zeros(0, int), int(robustness.runs), (), ())
    issues = [c for c in p.columns if c not in ("runs", "share")]
    varying = tuple(c for c in issues if p[c].astype(str).nunique() > 1)
    common = tuple(c for c in issues if c not in varying)
    first = p.iloc[0]
    labels = []
    for k in range(len(p)):
        row = p.iloc[k]
        if k == 0:
            parts = [f"{_words(c)} = {_show(row[c])}" for c in varying]
            text = "most frequent" + (" (" + ", ".join(parts) + ")" if parts else "")
        else:
            diff = [
                f"{_words(c)} = {_show(row[c])}" for c in varying if str(row[c]) != str(first[c])
            ]
            text = "as the top one but " + ", ".join(diff)
        labels.append(textwrap.fill(text, 38))
    return PackageData(
        labels=tuple(labels),
        shares=p["share"].to_numpy(dtype=float),
        runs=p["runs"].to_numpy(dtype=int),
        total=int(robustness.runs),
        varying=varying,
        common=common,
    )


def plot_package_frequency(robustness, ax=None, data: PackageData | None = None):
    """Draw the most frequent Nash packages as bars (share of all runs), the most frequent on
    top, each labelled by what differs from the most frequent one; returns the Axes."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    d = data or package_frequency_data(robustness)
    n = len(d.labels)
    if ax is None:
        height = 1.8 + sum(0.28 * (1 + lab.count("\n")) + 0.15 for lab in d.labels)
        _, ax = plt.subplots(figsize=(9, max(height, 2.5)))
    ys = np.arange(n)[::-1]
    ax.barh(ys, d.shares, color=["#1b7837"] + ["#7fbf7b"] * (n - 1), height=0.65)
    for yv, share, runs in zip(ys, d.shares, d.runs):
        ax.text(share, yv, f"  {share:.0%} ({runs} runs)", va="center", fontsize=8)
    ax.set_yticks(ys)
    ax.set_yticklabels(d.labels, fontsize=8)
    ax.set_xlim(0, max(float(d.shares.max()) * 1.35 if n else 1.0, 0.05))
    if n:
        ax.set_ylim(-0.7, n - 0.3)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_xlabel(
        f"share of all {d.total} runs in which the Nash solution picks this package", fontsize=8
    )
    if n == 0:
        ax.text(
            0.5, 0.5, "no run has a zone: no Nash agreement", ha="center", transform=ax.transAxes
        )
    note = (
        f"the other {len(d.common)} issues are settled the same way in every package shown"
        if d.common
        else ""
    )
    ax.set_title("The most frequent Nash agreements" + (f"\n{note}" if note else ""), fontsize=10)
    ax.grid(True, axis="x", alpha=0.3)
    return literal(ax)
