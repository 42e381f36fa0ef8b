"""Why is there no zone, and what would open one: the three analyses of
:mod:`simulator.coalitions` together, as ``zopa explain`` reports them."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.coalitions.graph import CompatibilityGraph, compatibility_graph
from simulator.coalitions.logroll import PairLinkage, logrolls
from simulator.coalitions.packages import PackageSearch, find_packages
from simulator.model import MAX_OUTCOMES, Condition, Model

__all__ = ["Explanation", "explain"]


@dataclass(frozen=True)
class Explanation:
    """Who could agree with whom (``graph``), what would open a closed zone (``packages``;
    none when it is open) and the trades that raise both parties of each pair of signatories
    (``linkages``).

    Trades are looked for without the scenario's constraints that pin one issue (``issue in
    [...]``), which are premises a package can settle otherwise: ``outside[p][t]`` lists the
    pins that trade ``t`` of pair ``p`` steps outside (empty for most trades).
    """

    graph: CompatibilityGraph
    packages: PackageSearch
    linkages: tuple[PairLinkage, ...]
    outside: tuple[tuple[tuple[str, ...], ...], ...]


def explain(
    model: Model,
    *,
    max_size: int = 2,
    top: int = 5,
    trades: int = 3,
    max_outcomes: int = MAX_OUTCOMES,
) -> Explanation:
    """Compatibility graph, package finder and logrolls of one model.

    Parameters
    ----------
    max_size, top : the largest package examined and how many are returned
        (:func:`~simulator.coalitions.packages.find_packages`).
    trades : trades kept per pair of signatories
        (:func:`~simulator.coalitions.logroll.logrolls`).
    max_outcomes : the graph and the package finder enumerate the space; larger spaces are
        refused (:class:`~simulator.errors.SpaceTooLargeError`) before any work starts, as
        is a trade search over too fine grids
        (:data:`~simulator.coalitions.logroll.MAX_TRADE_WORK`).

    Examples
    --------
    A used car: the seller's and the buyer's reservations leave no zone; one concession
    opens it.

    >>> import simulator
    >>> model = simulator.load("scenarios/examples/used_car.yaml").model()
    >>> e = explain(model)
    >>> e.graph.zone.exists, len(e.packages.packages)
    (False, 2)
    >>> print(e.packages.packages[0].text(model.issues))
    Buyer lowers its reservation by 0.075 (from 0.550 to 0.475).
    """
    model.check_size(max_outcomes)
    pins = [r for r in model.constraints if isinstance(r, Condition)]
    unpinned = model.recompiled(
        constraints=[r for r in model.constraints if not isinstance(r, Condition)]
    )
    linkages = logrolls(unpinned, top=trades)
    return Explanation(
        graph=compatibility_graph(model, max_outcomes=max_outcomes),
        packages=find_packages(model, max_size=max_size, top=top, max_outcomes=max_outcomes),
        linkages=linkages,
        outside=tuple(tuple(_outside(model, pins, t) for t in link.trades) for link in linkages),
    )


def _outside(model: Model, pins, trade) -> tuple[str, ...]:
    """The pins that a trade's new levels break."""
    out = []
    for m in trade.moves:
        issue, levels = model.issues[m.index], model.level_values[m.index]
        out += [
            str(p)
            for p in pins
            if p.issue == m.issue and not p.level_mask(issue, levels[[m.to_level]])[0]
        ]
    return tuple(out)
