"""The compatibility graph: pair zones, cliques and veto players against the zone solver."""

from itertools import combinations

import networkx as nx
import numpy as np
from hypothesis import given, settings

from simulator.analysis import analyze
from simulator.coalitions.graph import coalition_zones, compatibility_graph
from simulator.model import DiscreteIssue, Party, TableValue, compile_model
from tests.strategies import models


def _as_signatories(model, members):
    return compile_model(model.issues, model.parties, model.constraints, members)


@settings(max_examples=40, deadline=None)
@given(models(max_parties=4))
def test_coalition_zone_is_the_zone_with_those_signatories(model):
    names = model.party_names
    coalitions = [c for k in (1, 2, 3) for c in combinations(names, k)]
    for z in coalition_zones(model, coalitions, chunk_size=7):
        zone = analyze(_as_signatories(model, z.members), ()).zone
        assert z.count == zone.count
        assert z.exists == zone.exists
        if zone.slack is None:
            assert z.slack is None
        else:
            assert np.isclose(z.slack, zone.slack, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(models(max_parties=4))
def test_graph_edges_cliques_and_vetoes(model):
    g = compatibility_graph(model)
    graph = g.to_networkx()
    assert set(graph.nodes) == set(model.party_names)
    for pair in g.pairs:
        assert graph.has_edge(*pair.members) == pair.exists
        if pair.exists:
            assert graph.edges[pair.members]["weight"] == pair.slack >= 0
    # cliques: pairwise compatible, maximal, and each judged as a whole exactly
    for clique in g.cliques:
        assert all(graph.has_edge(a, b) for a, b in combinations(clique.members, 2))
        assert not any(
            all(graph.has_edge(o, m) for m in clique.members)
            for o in set(model.party_names) - set(clique.members)
        )
        assert clique.exists == analyze(_as_signatories(model, clique.members), ()).zone.exists
    assert len(g.cliques) == sum(1 for c in nx.find_cliques(graph) if len(c) > 1)
    # veto players: only when closed; exactly those whose absence opens the zone
    full = analyze(model, ()).zone
    assert g.zone.exists == full.exists
    sig = g.signatories
    expected = ()
    if not full.exists and len(sig) > 2:
        expected = tuple(
            v
            for v in sig
            if analyze(_as_signatories(model, [p for p in sig if p != v]), ()).zone.exists
        )
    assert g.veto_players == expected


def test_hand_checked_three_parties():
    """x wants a, z wants c, y takes b or c: x-y agree on b, y-z on c, x-z on nothing."""
    issue = DiscreteIssue("border", ("a", "b", "c"))
    values = {"x": (1.0, 0.6, 0.0), "y": (0.0, 0.6, 1.0), "z": (0.0, 0.0, 1.0)}
    model = compile_model(
        [issue],
        [Party(n, 0.5, {"border": 1.0}, {"border": TableValue(v)}) for n, v in values.items()],
    )
    g = compatibility_graph(model)
    slacks = {p.members: p.slack for p in g.pairs}
    assert np.isclose(slacks[("x", "y")], 0.1)
    assert np.isclose(slacks[("x", "z")], -0.5)
    assert np.isclose(slacks[("y", "z")], 0.5)
    assert [c.members for c in g.cliques] == [("x", "y"), ("y", "z")]
    assert not g.zone.exists and np.isclose(g.zone.slack, -0.5)
    assert g.veto_players == ("x", "z")  # without y, x and z still disagree


def test_two_signatories_have_no_veto_analysis(small_model):
    """With two signatories each blocks alone, trivially: no veto players are named."""
    g = compatibility_graph(compile_model(small_model.issues, small_model.parties))
    assert g.vetoes == () and g.veto_players == ()


def test_open_zone_has_no_veto_players(small_model):
    g = compatibility_graph(small_model)
    assert g.zone.exists and g.veto_players == ()
    assert [c.members for c in g.cliques] == [("russia", "ukraine")]


def test_a_reservation_exactly_at_the_tolerance_counts_as_reached_with_zero_slack():
    """Found by hypothesis in CI: a gain of exactly -ACCEPT_ATOL accepts, so the slack is 0.

    Before the fix the pair and the zone were reported as existing with slack -1e-9.
    """
    from simulator.model import ACCEPT_ATOL

    issue = DiscreteIssue("i", ("a", "b"))
    parties = [
        Party("p0", 0.0, {"i": 1.0}, {"i": TableValue((0.0, 0.0))}),
        Party("p1", ACCEPT_ATOL, {"i": 1.0}, {"i": TableValue((0.0, 0.0))}),
    ]
    model = compile_model([issue], parties)
    g = compatibility_graph(model)
    (pair,) = g.pairs
    assert pair.exists and pair.slack == 0.0
    zone = analyze(model, ()).zone
    assert zone.exists and zone.slack == 0.0
    assert g.to_networkx().edges["p0", "p1"]["weight"] == 0.0
