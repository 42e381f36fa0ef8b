"""The compatibility graph: who could agree with whom, who could agree among themselves, and
who alone stands in the way.

For a coalition ``S`` of parties, the outcomes it could agree on are those allowed by the
scenario's constraints and by every member's red lines (``F_S``), and its slack is

.. math:: \\mathrm{slack}(S) = \\max_{x \\in F_S} \\min_{i \\in S} \\big(u_i(x) - d_i\\big),

so ``S`` alone has a zone exactly when ``slack(S) >= 0`` (the zone of
:mod:`simulator.solvers.zone`, with ``S`` as the signatories). The *compatibility graph* has
the parties as nodes and an edge ``{i, j}`` weighted ``slack({i, j})`` wherever the two alone
would have a zone. Its maximal cliques (Bron & Kerbosch 1973, as in
:func:`networkx.find_cliques`) are the largest groups that are *pairwise* compatible; whether
such a group can agree *as a whole* is checked exactly, since pairwise zones need not share an
outcome. A *veto player* is a signatory whose absence alone would open a closed zone: the
other signatories, without its reservation and red lines, would have a zone (defined for
three or more signatories; with two, each trivially blocks). The term is Tsebelis's (2002),
read here on the zone rather than on a status quo.

All of it is exact: one pass over the outcome space computes every coalition asked for.

References
----------
Bron, C., & Kerbosch, J. (1973). Algorithm 457: finding all cliques of an undirected graph.
*Communications of the ACM*, 16(9), 575-577. https://doi.org/10.1145/362342.362367

Tsebelis, G. (2002). *Veto Players: How Political Institutions Work.* Princeton University
Press. https://doi.org/10.1515/9781400831456
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from simulator.model import ACCEPT_ATOL, MAX_OUTCOMES, Model
from simulator.model.space import DEFAULT_CHUNK
from simulator.progress import task
from simulator.solvers.zone import reported_slack

__all__ = [
    "CoalitionZone",
    "CompatibilityGraph",
    "coalition_zones",
    "compatibility_graph",
]


@dataclass(frozen=True)
class CoalitionZone:
    """The zone of a coalition on its own.

    ``slack`` is ``None`` when no outcome obeys the constraints and the members' red lines;
    ``count`` is the number of outcomes every member accepts.
    """

    members: tuple[str, ...]
    slack: float | None
    count: int

    @property
    def exists(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class CompatibilityGraph:
    """Who could agree with whom (see the module docstring).

    Attributes
    ----------
    parties : every party, in scenario order; ``labels`` their display names.
    signatories : the parties that must sign an agreement.
    pairs : the zone of every pair of parties on its own.
    cliques : the maximal cliques of the graph (groups of two or more that are pairwise
        compatible), largest first, each with its zone as a whole.
    zone : the zone of all signatories together.
    vetoes : the zone of the signatories without each one of them, in signatory order (empty
        with fewer than three signatories: then each alone can block, trivially).
    """

    parties: tuple[str, ...]
    labels: tuple[str, ...]
    signatories: tuple[str, ...]
    pairs: tuple[CoalitionZone, ...]
    cliques: tuple[CoalitionZone, ...]
    zone: CoalitionZone
    vetoes: tuple[tuple[str, CoalitionZone], ...]

    @property
    def veto_players(self) -> tuple[str, ...]:
        """Signatories whose absence alone would open the (closed) zone."""
        if self.zone.exists:
            return ()
        return tuple(p for p, z in self.vetoes if z.exists)

    def label(self, party: str) -> str:
        return self.labels[self.parties.index(party)]

    def to_networkx(self):
        """The graph as a :class:`networkx.Graph`: a node per party (attributes ``label``,
        ``signatory``, ``veto``), an edge per compatible pair (``weight`` = its slack,
        ``count`` = outcomes both accept).

        Examples
        --------
        >>> g = compatibility_graph(_example()).to_networkx()
        >>> sorted(g.edges(data="weight"))
        [('x', 'y', 0.1), ('y', 'z', 0.5)]
        """
        import networkx as nx

        g = nx.Graph()
        vetoes = set(self.veto_players)
        for name, label in zip(self.parties, self.labels):
            g.add_node(name, label=label, signatory=name in self.signatories, veto=name in vetoes)
        for pair in self.pairs:
            if pair.exists:
                g.add_edge(*pair.members, weight=pair.slack, count=pair.count)
        return g


def _example() -> Model:
    """Three parties, one issue: the doctests' example."""
    from simulator.model import DiscreteIssue, Party, TableValue, compile_model

    issue = DiscreteIssue("border", ("a", "b", "c"))
    values = {"x": (1.0, 0.6, 0.0), "y": (0.0, 0.6, 1.0), "z": (0.0, 0.0, 1.0)}
    return compile_model(
        [issue],
        [Party(n, 0.5, {"border": 1.0}, {"border": TableValue(v)}) for n, v in values.items()],
    )


def coalition_zones(
    model: Model,
    coalitions: Iterable[Sequence[str]],
    *,
    chunk_size: int = DEFAULT_CHUNK,
    max_outcomes: int = MAX_OUTCOMES,
) -> tuple[CoalitionZone, ...]:
    """The zone of each coalition on its own, in one pass over the outcome space.

    A coalition is a sequence of party names; only its members' reservations and red lines
    count (plus the scenario's constraints).

    Examples
    --------
    >>> [z.slack for z in coalition_zones(_example(), [["x", "y"], ["x", "z"], ["y"]])]
    [0.1, -0.5, 0.5]
    """
    model.check_size(max_outcomes)
    names = model.party_names
    groups = [tuple(c) for c in coalitions]
    for group in groups:
        unknown = set(group) - set(names)
        if unknown or not group:
            raise ValueError(f"unknown parties in coalition {group}: {sorted(unknown)}")
    cols = [np.array([names.index(p) for p in g]) for g in groups]
    res = model.reservations
    best = np.full(len(groups), -np.inf)
    count = np.zeros(len(groups), dtype=np.int64)
    with task("scanning coalitions", model.space.count, "outcome") as advance:
        for _, levels, u in model.evaluated(chunk_size):
            assert levels is not None  # evaluated yields the levels unless told not to
            advance(u.shape[0])
            allowed = model.constraint_mask(levels)
            gains = u - res
            broken = model.breaks_by_party(model.red_line_breaks(levels))
            for k, c in enumerate(cols):
                ok = allowed & ~broken[:, c].any(axis=1)
                if not ok.any():
                    continue
                worst = gains[ok][:, c].min(axis=1)
                best[k] = max(best[k], float(worst.max()))
                count[k] += int(np.count_nonzero(worst >= -ACCEPT_ATOL))
    out = []
    for g, b, n in zip(groups, best, count):
        slack = reported_slack(float(b) if np.isfinite(b) else None, bool(n > 0), ACCEPT_ATOL)
        out.append(CoalitionZone(g, slack, int(n)))
    return tuple(out)


def compatibility_graph(
    model: Model, *, chunk_size: int = DEFAULT_CHUNK, max_outcomes: int = MAX_OUTCOMES
) -> CompatibilityGraph:
    """The compatibility graph of a model: pairs, maximal cliques and veto players.

    Two passes over the outcome space: one for every pair, the signatories together and the
    signatories without each one; one for the maximal cliques of three or more parties.

    Examples
    --------
    Three parties on one issue: ``x`` wants ``a``, ``z`` wants ``c``, ``y`` could live with
    ``b`` or ``c``:

    >>> g = compatibility_graph(_example())
    >>> g.zone.exists, [z.members for z in g.cliques], g.veto_players
    (False, [('x', 'y'), ('y', 'z')], ('x', 'z'))
    """
    import networkx as nx

    names = model.party_names
    sig = tuple(n for n, s in zip(names, model.signatories) if s)
    pairs = list(combinations(names, 2))
    # with two signatories each trivially blocks: veto players need three or more
    leave_one_out = [tuple(p for p in sig if p != v) for v in sig] if len(sig) > 2 else []
    first = coalition_zones(
        model, [*pairs, sig, *leave_one_out], chunk_size=chunk_size, max_outcomes=max_outcomes
    )
    pair_zones = first[: len(pairs)]
    zone = first[len(pairs)]
    vetoes = tuple(zip(sig, first[len(pairs) + 1 :]))

    g = nx.Graph()
    g.add_nodes_from(names)
    g.add_edges_from(z.members for z in pair_zones if z.exists)
    order = {n: i for i, n in enumerate(names)}
    cliques = sorted(
        (tuple(sorted(c, key=order.__getitem__)) for c in nx.find_cliques(g) if len(c) > 1),
        key=lambda c: (-len(c), [order[p] for p in c]),
    )
    known = {frozenset(z.members): z for z in (*pair_zones, zone)}
    todo = [c for c in cliques if frozenset(c) not in known]
    if todo:
        for z in coalition_zones(model, todo, chunk_size=chunk_size, max_outcomes=max_outcomes):
            known[frozenset(z.members)] = z
    clique_zones = tuple(
        CoalitionZone(c, known[frozenset(c)].slack, known[frozenset(c)].count) for c in cliques
    )
    return CompatibilityGraph(
        parties=names,
        labels=tuple(p.label or p.name for p in model.parties),
        signatories=sig,
        pairs=tuple(pair_zones),
        cliques=clique_zones,
        zone=zone,
        vetoes=vetoes,
    )
