"""Figures of a study and of a sweep (matplotlib, imported only when a figure is drawn).

Each figure has a data function, which computes what is drawn, and a plot function taking
``ax=None`` and returning the Axes.
"""

from simulator.plots.compat_graph import graph_data, plot_compatibility_graph
from simulator.plots.gap_chart import gap_data, plot_gap
from simulator.plots.sweep_plots import (
    package_frequency_data,
    plot_package_frequency,
    plot_slack_distribution,
    plot_slack_heatmap,
    plot_tornado,
    slack_distribution_data,
    slack_heatmap_data,
    tornado_data,
)
from simulator.plots.utility_space import plot_utility_space, utility_space_data

__all__ = [
    "gap_data",
    "graph_data",
    "package_frequency_data",
    "plot_compatibility_graph",
    "plot_gap",
    "plot_package_frequency",
    "plot_slack_distribution",
    "plot_slack_heatmap",
    "plot_tornado",
    "plot_utility_space",
    "slack_distribution_data",
    "slack_heatmap_data",
    "tornado_data",
    "utility_space_data",
]
