"""Writing a study's figures to a directory (PNG and SVG).

Figures are made with :class:`matplotlib.figure.Figure` directly, not through pyplot: saving
them needs no backend, and a notebook's own backend is left alone. Every text is drawn as
written (:func:`simulator.plots.text.literal`): a ``$`` in a label is a dollar sign.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

from simulator.plots.gap_chart import plot_gap
from simulator.plots.text import literal
from simulator.plots.utility_space import plot_utility_space
from simulator.study import Study

__all__ = ["write_figures", "write_graph", "write_offers"]


def _save(fig, out: Path, stem: str) -> list[Path]:
    """Save ``fig`` as ``out/stem.png`` and ``out/stem.svg``; returns the two paths."""
    written = []
    for ext in ("png", "svg"):
        path = out / f"{stem}.{ext}"
        fig.savefig(path, dpi=120)
        written.append(path)
    return written


def write_figures(study: Study, out_dir: str | Path) -> list[Path]:
    """Draw the utility-space figure (one panel per pair of signatories) and the
    bargaining-gap chart into ``out_dir``; returns the files written."""
    from matplotlib.figure import Figure

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sig = list(study.analysis.signatories)
    if len(sig) < 2:  # one signatory: plot it against the first other party
        sig = sig + [p for p in study.analysis.parties if p not in sig][:1]
    pairs = list(combinations(sig, 2))
    if len(pairs) == 1:
        fig = Figure(figsize=(10.5, 6))
        ax = fig.subplots()
        plot_utility_space(study, *pairs[0], ax=ax)
        literal(fig).tight_layout()
    else:  # one panel per pair, one legend for all
        cols = min(3, len(pairs))
        rows = -(-len(pairs) // cols)
        fig = Figure(figsize=(6 * cols, 5.5 * rows + 1.0))
        axes = fig.subplots(rows, cols, squeeze=False)
        for ax, (x, y) in zip(axes.flat, pairs):
            plot_utility_space(study, x, y, ax=ax, legend=False)
        for ax in list(axes.flat)[len(pairs) :]:
            ax.set_visible(False)
        fig.suptitle(study.scenario.name, fontsize=12)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        key = fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8)
        literal(fig)
        below = (key.get_window_extent().height + 12) / (fig.dpi * fig.get_figheight())
        fig.tight_layout(rect=(0, below, 1, 1))  # the panels above the legend, whatever its size
    written = _save(fig, out, "utility_space")
    fig = Figure(figsize=(10, 2.2 + 0.7 * len(study.analysis.signatories)))
    plot_gap(study, ax=fig.subplots())
    literal(fig).tight_layout()
    return written + _save(fig, out, "bargaining_gap")


def write_graph(graph, out_dir: str | Path) -> list[Path]:
    """Draw the compatibility graph (:mod:`simulator.coalitions.graph`) into ``out_dir`` as
    ``compatibility_graph.png`` and ``.svg``; returns the files written."""
    from matplotlib.figure import Figure

    from simulator.plots.compat_graph import plot_compatibility_graph

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(9, 8.5))
    plot_compatibility_graph(graph, ax=fig.subplots())
    literal(fig).tight_layout()
    return _save(fig, out, "compatibility_graph")


def write_offers(sim, model, out_dir: str | Path) -> list[Path]:
    """Draw a simulated negotiation's offers (:mod:`simulator.plots.offers`) into ``out_dir``
    as ``offers.png`` and ``.svg``; returns the files written."""
    from matplotlib.figure import Figure

    from simulator.plots.offers import plot_offers

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(10, 6))
    plot_offers(sim, model, ax=fig.subplots())
    literal(fig).tight_layout()
    return _save(fig, out, "offers")
