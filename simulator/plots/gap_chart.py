"""The bargaining-gap chart: for each signatory, its reservation against the best it can get
while every other signatory still accepts.

A green bar (reservation up to that best) is room to bargain; a red bar (that best up to the
reservation) is how far the party falls short. There is a zone exactly when the bars are
green: some agreement then gives this party its reservation and satisfies everyone else.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from simulator.plots.text import literal
from simulator.study import Study

__all__ = ["GAP_XLABEL", "GapData", "gap_data", "gap_title", "plot_gap"]

#: What the chart's marks mean, under its axis.
GAP_XLABEL = (
    "utility (0 = worst, 1 = ideal on every issue)\n"
    "|  reservation: the value of no deal      o  best it can get while every other "
    "signatory accepts"
)


@dataclass(frozen=True)
class GapData:
    """Per signatory (in order): label, reservation, best while others accept (or None)."""

    labels: tuple[str, ...]
    reservations: tuple[float, ...]
    reach: tuple[float | None, ...]
    exists: bool
    slack: float | None
    openers: tuple[str, ...]  # requirements whose removal alone would open a closed zone


def gap_data(study: Study) -> GapData:
    """The chart's numbers; a requirement that would open a closed zone is named in words
    (a red line as the reports say it: :func:`simulator.model.rules.rule_words`)."""
    from simulator.model.rules import rule_words

    a, model = study.analysis, study.model
    labels = {p.name: (p.label or p.name) for p in model.parties}

    def opener(b) -> str:
        if b.line is None:
            return f"{labels[b.party]}'s {b.requirement.replace('red_line: ', 'red line ')}"
        words = rule_words(model.red_lines[b.line].rule, model.issues)
        return f'{labels[b.party]}\'s red line "{words}"'

    return GapData(
        labels=tuple(labels[s] for s in a.signatories),
        reservations=tuple(a.reservations[s] for s in a.signatories),
        reach=tuple(a.zone.reach[s] for s in a.signatories),
        exists=a.zone.exists,
        slack=a.zone.slack,
        openers=tuple(opener(b) for b in a.zone.blocking if b.opens),
    )


def gap_title(d: GapData, name: str) -> list[str]:
    """The chart's title, line by line (wrapped at 75 characters): the scenario's ``name``,
    the verdict (the zone's margin, or the gap), and the requirements that would open a
    closed zone alone (at most three named)."""
    if d.exists:
        verdict = f"zone open: every signatory can gain at least {d.slack:.2f}"
    elif d.slack is None:
        verdict = "no zone: the red lines and constraints exclude every agreement"
    else:
        verdict = (
            f"no zone: bargaining gap {-d.slack:.2f} (every reservation would have to "
            f"fall by {-d.slack:.2f} to open one)"
        )
    if d.openers:
        verdict += "\nwould open it alone: " + "; ".join(d.openers[:3])
        if len(d.openers) > 3:
            verdict += f" and {len(d.openers) - 3} more"
    lines = [name, *verdict.split("\n")]
    return [part for line in lines for part in textwrap.wrap(line, 75) or [""]]


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
            why = (
                "no agreement satisfies every red line"
                if d.slack is None
                else "the others never all accept"
            )
            ax.text(r, y, f"  {why}", va="center", fontsize=8, color="#d62728")
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
    ax.set_xlabel(GAP_XLABEL, fontsize=8)
    lines = gap_title(d, study.scenario.name)
    ax.set_title("\n".join(lines), fontsize=10)
    ax.grid(True, axis="x", alpha=0.3)
    return literal(ax)
