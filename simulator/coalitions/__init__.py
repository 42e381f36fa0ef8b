"""Why is there no zone, and what would open one: coalitions, linkage and concessions.

* :mod:`~simulator.coalitions.graph` -- the compatibility graph (who could agree with whom),
  its maximal cliques and the veto players;
* :mod:`~simulator.coalitions.logroll` -- per pair of parties, where their priorities differ and
  the two-issue trades that raise both;
* :mod:`~simulator.coalitions.packages` -- the smallest sets of concessions that open a closed
  zone, ranked by cost;
* :mod:`~simulator.coalitions.explanation` -- the three together (``zopa explain``).
"""

from simulator.coalitions.explanation import Explanation, explain
from simulator.coalitions.graph import CoalitionZone, CompatibilityGraph, compatibility_graph
from simulator.coalitions.logroll import PairLinkage, logrolls, pair_priorities
from simulator.coalitions.packages import Concession, Package, PackageSearch, find_packages

__all__ = [
    "CoalitionZone",
    "CompatibilityGraph",
    "Concession",
    "Explanation",
    "Package",
    "PackageSearch",
    "PairLinkage",
    "compatibility_graph",
    "explain",
    "find_packages",
    "logrolls",
    "pair_priorities",
]
