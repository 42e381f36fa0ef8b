"""The talks as a path: each standing offer of a simulation in two parties' utility space,
with the reservations, the static Nash and Kalai-Smorodinsky agreements and where the talks
ended."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.plots.text import literal
from simulator.plots.utility_space import KALAI_COLOUR, NASH_COLOUR

__all__ = ["PALETTE", "OffersData", "offers_data", "plot_offers"]

#: The speakers' colours: matplotlib's ``tab10`` without the red and the purple of the Nash
#: and Kalai-Smorodinsky markers and the grey of the path, so that no party's offers share a
#: colour with a solution. More speakers than colours cycle through them.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#8c564b", "#e377c2", "#bcbd22", "#17becf")


@dataclass(frozen=True, eq=False)
class OffersData:
    """What :func:`plot_offers` draws for parties ``x`` (across) and ``y`` (up)."""

    x: str
    y: str
    path: np.ndarray  # (rounds, 2) utilities of the standing offer, round by round
    proposers: tuple[str, ...]  # per round, who made the standing offer (or the mediator's text)
    end: tuple[float, float] | None  # the agreement, None without one
    reservations: tuple[float, float]
    nash: tuple[float, float] | None
    kalai: tuple[float, float] | None
    colours: dict  # speaker -> colour of its offers (parties in the model's order)


def offers_data(simulation, model, x: str | None = None, y: str | None = None) -> OffersData:
    """The offer path of a :class:`~simulator.dynamics.Simulation` for two parties (default:
    the first two signatories)."""
    sig = [p.name for p, s in zip(model.parties, model.signatories) if s]
    x = x or sig[0]
    y = y or (sig[1] if len(sig) > 1 else [p for p in model.party_names if p != x][0])
    trace = simulation.trace
    cols = [f"u_{x}", f"u_{y}"]
    rows = trace[trace[cols].notna().all(axis=1)]
    path = rows[cols].to_numpy(dtype=float)
    res = dict(zip(model.party_names, map(float, model.reservations)))
    static = simulation.static
    if not static:  # a Simulation built by hand: solve for the static solutions here
        from simulator.analysis import analyze

        sols = analyze(model, ["nash", "kalai"]).solutions
        static = {c: None if s is None else s.utilities for c, s in sols.items()}

    def point(concept):
        u = static[concept]
        return None if u is None else (u[x], u[y])

    end = None
    if simulation.agreed and simulation.utilities:
        end = (simulation.utilities[x], simulation.utilities[y])
    speaker = trace["proposer"].astype(str)
    if "action" in trace:  # who made the offer that stands: an accept or a pass keeps it
        made = trace["action"].isin(["offer", "text"])
        speaker = speaker.where(made).ffill().fillna(speaker)
    proposers = tuple(speaker.loc[rows.index])
    speakers = [p for p in model.party_names if p in proposers]
    speakers += sorted(set(proposers) - set(speakers))  # a mediator, say
    return OffersData(
        x,
        y,
        path,
        proposers,
        end,
        (res[x], res[y]),
        point("nash"),
        point("kalai"),
        {who: PALETTE[k % len(PALETTE)] for k, who in enumerate(speakers)},
    )


def plot_offers(
    simulation,
    model,
    x: str | None = None,
    y: str | None = None,
    ax=None,
    data: OffersData | None = None,
):
    """Draw the offers moving through utility space; returns the Axes."""
    import matplotlib.pyplot as plt

    d = data or offers_data(simulation, model, x, y)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 6))
    labels = {p.name: (p.label or p.name) for p in model.parties}
    if len(d.path):
        ax.plot(d.path[:, 0], d.path[:, 1], "-", c="#999999", lw=1, zorder=1)
        for who, colour in d.colours.items():
            mine = np.array([p == who for p in d.proposers])
            ax.scatter(
                d.path[mine, 0],
                d.path[mine, 1],
                s=22,
                color=colour,
                label=f"standing offer made by {labels.get(who, f'the {who}')}",
                zorder=2,
            )
        ax.annotate("start", d.path[0], textcoords="offset points", xytext=(6, 6), fontsize=8)
    rx, ry = d.reservations
    ax.axvline(rx, c="#444444", ls="--", lw=0.8)
    ax.axhline(ry, c="#444444", ls="--", lw=0.8)
    ax.plot([rx], [ry], "ks", ms=7, label="no deal: the reservations")
    if d.kalai:
        ax.plot(
            *d.kalai,
            "D",
            ms=12,
            mfc="none",
            mec=KALAI_COLOUR,
            mew=2,
            label="static Kalai-Smorodinsky agreement",
        )
    if d.nash:
        ax.plot(*d.nash, "*", ms=14, c=NASH_COLOUR, mec="black", label="static Nash agreement")
    if d.end:
        ax.plot(
            *d.end,
            "o",
            ms=14,
            mfc="none",
            mec="black",
            mew=2,
            label=f"agreement (round {simulation.round})",
        )
    outcome = "agreement" if simulation.agreed else "no agreement before the deadline"
    ax.set_title(f"Simulated talks ({simulation.protocol}): {outcome}", fontsize=10)
    ax.set_xlabel(f"utility to {labels.get(d.x, d.x)}")
    ax.set_ylabel(f"utility to {labels.get(d.y, d.y)}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
    ax.grid(True, alpha=0.3)
    return literal(ax)
