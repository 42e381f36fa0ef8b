"""The compatibility graph drawn: parties around a circle, a green line between two parties who
alone would have a zone (thicker for more slack), a dashed red line between two who would not,
veto players ringed in red."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np

from simulator.coalitions.graph import CompatibilityGraph
from simulator.plots.text import literal

__all__ = ["GraphData", "graph_data", "plot_compatibility_graph"]

_GREEN, _RED, _BLUE, _GREY = "#2ca02c", "#d62728", "#1f77b4", "#9e9e9e"


@dataclass(frozen=True)
class GraphData:
    """What :func:`plot_compatibility_graph` draws."""

    labels: tuple[str, ...]
    positions: np.ndarray  # (n, 2)
    signatory: tuple[bool, ...]
    veto: tuple[bool, ...]
    edges: tuple[tuple[int, int, float | None, bool], ...]  # i, j, slack, compatible
    title: str
    notes: tuple[str, ...]


def _pair_text(slack: float | None, compatible: bool) -> str:
    if slack is None:
        return "no allowed outcome"
    return f"+{slack:.2f}" if compatible else f"gap {-slack:.2f}"


def graph_data(graph: CompatibilityGraph) -> GraphData:
    """Positions (a circle, first party at the top, clockwise) and what each edge says."""
    n = len(graph.parties)
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    positions = np.column_stack([np.cos(angles), np.sin(angles)])
    index = {p: k for k, p in enumerate(graph.parties)}
    vetoes = set(graph.veto_players)
    status = "OPEN" if graph.zone.exists else "CLOSED"
    notes = []
    for clique in graph.cliques:
        names = ", ".join(graph.label(p) for p in clique.members)
        verdict = (
            f"can agree as a group (slack +{clique.slack:.2f})"
            if clique.exists
            else "pairwise compatible, but no outcome suits all of them at once"
        )
        notes.append(f"{names}: {verdict}")
    if vetoes:
        notes.append(
            "Veto players (ringed): without any one of them the rest would have a zone: "
            + ", ".join(graph.label(p) for p in graph.veto_players)
        )
    return GraphData(
        labels=graph.labels,
        positions=positions,
        signatory=tuple(p in graph.signatories for p in graph.parties),
        veto=tuple(p in vetoes for p in graph.parties),
        edges=tuple(
            (index[z.members[0]], index[z.members[1]], z.slack, z.exists) for z in graph.pairs
        ),
        title=f"Who could agree with whom (zone for all signatories: {status})",
        notes=tuple(notes),
    )


def plot_compatibility_graph(graph: CompatibilityGraph, ax=None, data: GraphData | None = None):
    """Draw the compatibility graph; returns the Axes."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    d = data or graph_data(graph)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 8))
    pos = d.positions
    best = max([s for *_, s, ok in d.edges if ok and s is not None] or [1.0]) or 1.0
    for i, j, slack, ok in d.edges:
        (x0, y0), (x1, y1) = pos[i], pos[j]
        if ok:
            width = 1.5 + 6.0 * (slack or 0.0) / best
            ax.plot([x0, x1], [y0, y1], color=_GREEN, lw=width, zorder=1, solid_capstyle="round")
        else:
            ax.plot([x0, x1], [y0, y1], color=_RED, lw=1.2, ls=(0, (4, 3)), alpha=0.7, zorder=1)
        # label a third of the way along, so labels of crossing diagonals do not collide
        lx, ly = x0 + (x1 - x0) * 0.38, y0 + (y1 - y0) * 0.38
        ax.text(
            lx,
            ly,
            _pair_text(slack, ok),
            ha="center",
            va="center",
            fontsize=9,
            color=_GREEN if ok else _RED,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9},
            zorder=3,
        )
    for k, (x, y) in enumerate(pos):
        face = _BLUE if d.signatory[k] else _GREY
        edge, lw = (_RED, 4.0) if d.veto[k] else ("white", 1.5)
        ax.scatter([x], [y], s=900, c=face, edgecolors=edge, linewidths=lw, zorder=4)
        label = "\n".join(textwrap.wrap(d.labels[k], 22))
        if d.veto[k]:
            label += "\n(veto player)"
        ax.annotate(
            label,
            (x, y),
            xytext=(0, 26 if y >= -0.01 else -26),
            textcoords="offset points",
            ha="center",
            va="bottom" if y >= -0.01 else "top",
            fontsize=10,
            zorder=5,
        )
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.55, 1.55)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(d.title, fontsize=12)
    handles = [
        Line2D([], [], color=_GREEN, lw=4, label="the two alone have a zone (+slack)"),
        Line2D(
            [],
            [],
            color=_RED,
            lw=1.2,
            ls=(0, (4, 3)),
            label="the two alone have none (the gap, or no outcome\n"
            "their red lines and the constraints allow)",
        ),
        Line2D([], [], marker="o", ls="", color=_BLUE, markersize=10, label="signatory"),
    ]
    if not all(d.signatory):
        handles.append(
            Line2D([], [], marker="o", ls="", color=_GREY, markersize=10, label="not a signatory")
        )
    ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    if d.notes:
        ax.text(
            0.5,
            -0.02,
            "\n".join(textwrap.fill(n, 110) for n in d.notes),
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=9,
        )
    return literal(ax)
