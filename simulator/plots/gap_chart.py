"""The bargaining-gap chart: for each signatory, its reservation against the best it can get
while every other signatory still accepts.

A green bar (reservation up to that best) is room to bargain; a red bar (that best up to the
reservation) is how far the party falls short. There is a zone exactly when the bars are
green: some agreement then gives this party its reservation and satisfies everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.study import Study

__all__ = ["GapData", "gap_data", "plot_gap"]


@dataclass(frozen=True)
class GapData:
    """Per signatory (in order): label, reservation, best while others accept (or None)."""

    labels: tuple[str, ...]
    reservations: tuple[float, ...]
    reach: tuple[float | None, ...]
    exists: bool
    slack: float | None


def gap_data(study: Study) -> GapData:
    a = study.analysis
    labels = {p.name: (p.label or p.name) for p in study.model.parties}
    return GapData(
        labels=tuple(labels[s] for s in a.signatories),
        reservations=tuple(a.reservations[s] for s in a.signatories),
        reach=tuple(a.zone.reach[s] for s in a.signatories),
        exists=a.zone.exists,
        slack=a.zone.slack,
    )


def plot_gap(study: Study, ax=None, data: GapData | None = None):
    """Draw the bargaining-gap chart; returns the Axes."""
    import matplotlib.pyplot as plt

    d = data or gap_data(study)
    n = len(d.labels)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 1.2 + 0.7 * n))
    for row, (r, best) in enumerate(zip(d.reservations, d.reach)):
        y = n - 1 - row
        if best is None:
            ax.text(r, y, "  the others never all accept", va="center", fontsize=8, color="#d62728")
        elif best >= r:
            ax.barh(y, best - r, left=r, height=0.5, color="#2ca02c", alpha=0.8)
            ax.text(best, y, f"  room {best - r:.2f}", va="center", fontsize=8)
        else:
            ax.barh(y, r - best, left=best, height=0.5, color="#d62728", alpha=0.8)
            ax.text(r, y, f"  short by {r - best:.2f}", va="center", fontsize=8)
        ax.plot([r], [y], "k|", ms=22, mew=2)
        if best is not None:
            ax.plot([best], [y], "o", c="black", ms=5)
    ax.set_yticks(range(n))
    ax.set_yticklabels(list(reversed(d.labels)))
    ax.set_xlim(0, 1.15)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(
        "utility  (| = reservation, the value of no deal;  o = best it can get "
        "while every other signatory accepts)",
        fontsize=8,
    )
    if d.exists:
        verdict = f"zone open: every signatory can gain at least {d.slack:.2f}"
    elif d.slack is None:
        verdict = "no zone: the red lines and constraints exclude every agreement"
    else:
        verdict = (
            f"no zone: bargaining gap {-d.slack:.2f} (every reservation would have to "
            f"fall by {-d.slack:.2f} to open one)"
        )
    ax.set_title(f"{study.scenario.name}\n{verdict}", fontsize=10)
    ax.grid(True, axis="x", alpha=0.3)
    return ax
