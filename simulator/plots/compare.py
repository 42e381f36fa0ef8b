"""One figure for ``zopa compare``: each scenario's zone, and where its Nash package leaves
each signatory.

Left: the margin of each scenario (green; how far every reservation could rise at once) or
its bargaining gap (red, to the left of 0); a scenario whose red lines clash has no bar and
says so. Right: each signatory's utility in the scenario's Nash package (a dot per
scenario) against its reservation (a tick): how the change of terms moves who gets what.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.comparison import Comparison
from simulator.plots.text import literal

__all__ = ["CompareData", "compare_data", "plot_compare"]


@dataclass(frozen=True)
class CompareData:
    """What the figure draws: per scenario its name and slack (None: red lines clash); per
    signatory (of any scenario) its label and, per scenario, its reservation and Nash utility
    (None where it is not a signatory or there is no zone)."""

    names: tuple[str, ...]
    slacks: tuple[float | None, ...]
    parties: tuple[str, ...]
    reservations: tuple[tuple[float | None, ...], ...]  # [party][scenario]
    nash: tuple[tuple[float | None, ...], ...]  # [party][scenario]


def compare_data(c: Comparison) -> CompareData:
    """What the comparison figure draws: each party's reservation and Nash utility in every
    scenario, under the party's display label."""
    labels: dict[str, str] = {}
    for st in c.studies:
        for p in st.model.parties:
            if p.name in st.analysis.signatories:
                labels.setdefault(p.name, p.label or p.name)
    res, nash = [], []
    for party in labels:
        res.append(tuple(st.analysis.reservations.get(party) for st in c.studies))
        row = []
        for st in c.studies:
            sol = st.analysis.solutions.get("nash")
            row.append(None if sol is None else sol.utilities.get(party))
        nash.append(tuple(row))
    return CompareData(
        names=c.names,
        slacks=tuple(st.analysis.zone.slack for st in c.studies),
        parties=tuple(labels.values()),
        reservations=tuple(res),
        nash=tuple(nash),
    )


def plot_compare(c: Comparison, fig=None, data: CompareData | None = None):
    """Draw the comparison into ``fig`` (a new Figure if None); returns the Figure."""
    from matplotlib.figure import Figure

    d = data or compare_data(c)
    n = len(d.names)
    legend_rows = -(-len(d.parties) // 2)
    fig = fig or Figure(figsize=(11, 2.2 + 0.55 * n + 0.25 * legend_rows))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1, 1.6)})
    ys = list(range(n))[::-1]
    for y, slack in zip(ys, d.slacks):
        if slack is None:
            left.text(
                0, y, "  red lines clash", va="center", ha="left", fontsize=8, color="dimgrey"
            )
        else:
            left.barh(y, slack, color="#55a868" if slack >= 0 else "#c44e52", height=0.6)
            left.text(
                slack,
                y,
                f" {slack:+.3f}",
                va="center",
                ha="left" if slack >= 0 else "right",
                fontsize=8,
            )
    left.axvline(0, color="black", lw=0.8)
    left.set_yticks(ys, d.names, fontsize=8)
    left.set_xlabel("margin (+) or bargaining gap (-)", fontsize=8)
    left.set_title("Is there a zone?", fontsize=10)
    low = min([s for s in d.slacks if s is not None] + [0.0])
    high = max([s for s in d.slacks if s is not None] + [0.0])
    pad = 0.35 * max(high - low, 0.1)
    left.set_xlim(low - pad, high + 2 * pad)  # room for the labels beside the bars
    marks = "os^Dv<>p*h"
    for j, (party, res, u) in enumerate(zip(d.parties, d.reservations, d.nash)):
        offset = (j - (len(d.parties) - 1) / 2) * 0.12
        colour = f"C{j % 10}"
        pts = [(x, y + offset) for x, y in zip(u, ys) if x is not None]
        if pts:
            right.scatter(
                *zip(*pts), marker=marks[j % len(marks)], s=28, color=colour, label=party, zorder=3
            )
        ticks = [(x, y + offset) for x, y in zip(res, ys) if x is not None]
        if ticks:  # the party's reservation, in its colour, on its own row
            right.scatter(*zip(*ticks), marker="|", s=90, color=colour, zorder=2)
    right.set_yticks(ys, [""] * n)
    right.set_xlim(0, 1.02)
    right.set_xlabel("utility in the Nash package (| : the party's reservation)", fontsize=8)
    right.set_title("Who gets what under Nash", fontsize=10)
    right.grid(axis="x", color="0.9")
    bottom = 0.0
    if d.parties:  # below both panels, inside the figure
        handles, labels = right.get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=7, frameon=False)
        bottom = (0.3 + 0.25 * legend_rows) / fig.get_figheight()
    literal(fig)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    return fig
