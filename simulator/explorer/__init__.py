"""The teacher's explorer: one scenario solved along one of its numbers, as one HTML page.

:func:`compute_frames` solves and draws the scenario at each value of a parameter (by default
a signatory's reservation); :func:`render_html` turns the frames into a single self-contained
page with a slider (``zopa explore FILE -o explorer.html``). Names are imported on first use,
so that the command line can register ``zopa explore`` without loading numpy or matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator._lazy import lazy_exports

_EXPORTS = {
    "Explorer": "simulator.explorer.frames",
    "Frame": "simulator.explorer.frames",
    "compute_frames": "simulator.explorer.frames",
    "render_html": "simulator.explorer.page",
}

__all__ = ["Explorer", "Frame", "compute_frames", "render_html"]

if TYPE_CHECKING:  # pragma: no cover
    from simulator.explorer.frames import Explorer, Frame, compute_frames
    from simulator.explorer.page import render_html


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
