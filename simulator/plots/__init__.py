"""Figures of a study (matplotlib, imported only when a figure is drawn).

Each figure has a data function, which computes what is drawn, and a plot function taking
``ax=None`` and returning the Axes.
"""

from simulator.plots.gap_chart import gap_data, plot_gap
from simulator.plots.utility_space import plot_utility_space, utility_space_data

__all__ = ["gap_data", "plot_gap", "plot_utility_space", "utility_space_data"]
