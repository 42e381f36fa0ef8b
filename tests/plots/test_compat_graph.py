"""The compatibility-graph figure: its data say what the graph says, and it draws."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from simulator.coalitions.graph import compatibility_graph  # noqa: E402
from simulator.model import DiscreteIssue, Party, TableValue, compile_model  # noqa: E402
from simulator.plots.compat_graph import _pair_text, graph_data, plot_compatibility_graph  # noqa: E402


def _three():
    issue = DiscreteIssue("border", ("a", "b", "c"))
    values = {"x": (1.0, 0.6, 0.0), "y": (0.0, 0.6, 1.0), "z": (0.0, 0.0, 1.0)}
    return compile_model(
        [issue],
        [Party(n, 0.5, {"border": 1.0}, {"border": TableValue(v)}) for n, v in values.items()],
    )


def test_graph_data_marks_edges_and_vetoes():
    d = graph_data(compatibility_graph(_three()))
    assert d.veto == (True, False, True)
    assert [(i, j, ok) for i, j, _, ok in d.edges] == [(0, 1, True), (0, 2, False), (1, 2, True)]
    assert "CLOSED" in d.title
    assert any("Veto players" in n and "x, z" in n for n in d.notes)
    assert np.allclose(np.hypot(*d.positions.T), 1.0)  # on the unit circle
    assert np.allclose(d.positions[0], [0.0, 1.0])  # the first party at the top


def test_pair_text():
    assert _pair_text(0.123, True) == "+0.12"
    assert _pair_text(-0.05, False) == "gap 0.05"
    assert _pair_text(None, False) == "no allowed outcome"


def test_plot_draws_one_line_per_pair_and_a_node_per_party():
    fig = Figure()
    ax = plot_compatibility_graph(compatibility_graph(_three()), ax=fig.subplots())
    assert len(ax.lines) == 3
    assert len(ax.collections) == 3
    texts = [t.get_text() for t in ax.texts]
    assert "+0.10" in texts and "gap 0.50" in texts and "+0.50" in texts
