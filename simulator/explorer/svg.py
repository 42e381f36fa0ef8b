"""The explorer's two figures written directly as SVG text: the utility-space picture and the
bargaining-gap chart of one frame.

They show what :func:`~simulator.plots.utility_space.plot_utility_space` (as a panel, with
the legend under it) and :func:`~simulator.plots.gap_chart.plot_gap` draw, from the same data
(:func:`~simulator.plots.utility_space.utility_space_data`,
:func:`~simulator.plots.gap_chart.gap_data`), in the same colours and words (the legend's
:func:`~simulator.plots.utility_space.legend_labels`, the titles'
:func:`~simulator.plots.utility_space.zone_status` and
:func:`~simulator.plots.gap_chart.gap_title`). Matplotlib spends about a quarter of a second
on each figure (laying out text, saving), and a page has two figures a frame; written here,
a frame takes a few hundredths of a second. ``zopa plot`` and the ``--out`` folders keep the
matplotlib figures.

How the SVG is written:

- one user unit is a typographic point, as in matplotlib's SVG (the picture is 648 units,
  9 inches, wide); the root has a ``viewBox`` and no ``width`` or ``height``: the page
  scales it;
- text stays text (selectable, read by screen readers); where it goes is worked out from the
  advance widths of DejaVu Sans (:func:`text_width`), the font the page asks for;
- each figure has a ``<title>``; every ``id`` starts with the caller's ``prefix``, so that
  many figures can share one page;
- the dots of a layer are one ``<path>`` of zero-length segments with round caps, placed on
  a grid of a quarter of a unit (:func:`dots_path`): 20,000 dots take about 110 kB.
"""

from __future__ import annotations

import unicodedata
from html import escape

import numpy as np

from simulator.plots.gap_chart import GAP_XLABEL, GapData, gap_title
from simulator.plots.utility_space import (
    KALAI_COLOUR,
    NASH_COLOUR,
    UtilitySpaceData,
    legend_labels,
    zone_status,
)
from simulator.study import Study

__all__ = ["dots_path", "gap_svg", "text_width", "utility_space_svg"]

#: Advance widths of DejaVu Sans, characters 32 to 126, in 2048ths of the font size.
_WIDTHS = (
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716,
    1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767,
    1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690,
    799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186,
    569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075,
    1303, 690, 1303, 1716,
)  # fmt: skip

GREY, BLUE, GREEN, RED, INK = "#c7c7c7", "#1f77b4", "#2ca02c", "#d62728", "#444444"
#: The font the figures ask for when viewed alone (the page sets its own, the same first).
FONT = "DejaVu Sans, Verdana, Bitstream Vera Sans, Geneva, Arial, sans-serif"
#: Where a dot may sit: a quarter of a unit (at most an eighth of a unit off its place).
GRID = 0.25
#: Ascent and descent of DejaVu Sans, in font sizes (where a line's top and bottom are).
ASCENT, DESCENT = 0.76, 0.24


def text_width(text: str, size: float) -> float:
    """The width of ``text`` set in DejaVu Sans at ``size`` (in the size's units); a
    character outside ASCII counts as a wide letter (a full em when East Asian wide).

    >>> text_width("0.0", 10), round(text_width("Russia", 8), 1)
    (15.9, 26.1)
    """
    total = 0
    for char in text:
        code = ord(char)
        if 32 <= code < 127:
            total += _WIDTHS[code - 32]
        elif unicodedata.east_asian_width(char) in "WF":
            total += 2048
        else:
            total += 1430
    return round(total * size / 2048, 1)


def _n(value: float) -> str:
    """A coordinate in SVG: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text(
    x: float,
    y: float,
    text: str,
    size: float,
    anchor: str = "start",
    va: str = "baseline",
    fill: str | None = None,
    extra: str = "",
) -> str:
    """A line of text at ``(x, y)``: ``va`` is where ``y`` is on it (``top``, ``center``,
    ``bottom`` or ``baseline``)."""
    shift = {"top": ASCENT, "center": 0.35, "bottom": -DESCENT, "baseline": 0.0}[va] * size
    colour = f' fill="{fill}"' if fill else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y + shift)}" font-size="{_n(size)}" '
        f'text-anchor="{anchor}"{colour}{extra}>{escape(text)}</text>'
    )


def _head(width: float, height: float, prefix: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'aria-labelledby="{prefix}title" font-family="{FONT}">'
        f'<title id="{prefix}title">{escape(title)}</title>'
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#fff"/>'
    )


def dots_path(x: np.ndarray, y: np.ndarray, colour: str, diameter: float) -> str:
    """Dots of ``diameter`` at ``(x, y)`` (user units) as one ``<path>``, ``""`` when there
    are none.

    Each dot is a zero-length segment with a round cap, on a grid of :data:`GRID` units (the
    path is drawn scaled by it, so coordinates are integers); dots on the same grid point are
    drawn once, and the rest in rows, each move relative to the previous dot.

    Three dots, the first two on the same grid point:

    >>> dots_path(np.array([10.0, 10.1, 20.0]), np.array([5.0, 5.0, 5.0]), "#000", 3)
    '<path transform="scale(0.25)" fill="none" stroke="#000" stroke-width="12" \
stroke-linecap="round" d="m40 20h0m40 0h0"/>'
    """
    if not len(x):
        return ""
    ix = np.rint(np.asarray(x) / GRID).astype(np.int64)
    iy = np.rint(np.asarray(y) / GRID).astype(np.int64)
    ix -= (low := min(0, int(ix.min())))  # keys need non-negative columns
    span = int(ix.max()) + 1
    keys = np.unique(iy * span + ix)
    cells = np.column_stack([keys // span, keys % span + low])[:, ::-1]  # (x, y), row order
    steps = np.diff(cells, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    data = ("m%d %dh0" * len(steps)) % tuple(steps.ravel().tolist())
    return (
        f'<path transform="scale({GRID})" fill="none" stroke="{colour}" '
        f'stroke-width="{_n(diameter / GRID)}" stroke-linecap="round" d="{data}"/>'
    )


def _star(cx: float, cy: float, radius: float) -> str:
    """Points of a five-pointed star (matplotlib's ``*``: inner radius 0.381966 of the
    outer)."""
    angles = np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2, radius * 0.381966, radius)
    return " ".join(
        f"{_n(cx + r * np.cos(a))},{_n(cy - r * np.sin(a))}" for a, r in zip(angles, radii)
    )


def _marker(kind: str, cx: float, cy: float, size: float, style: str) -> str:
    """A matplotlib marker of ``size`` points: ``*`` star, ``D`` diamond, ``s`` square,
    ``o`` circle; ``style`` holds its fill and stroke attributes."""
    if kind == "*":
        return f'<polygon points="{_star(cx, cy, size / 2)}" {style}/>'
    if kind == "D":
        h = size * 0.7071
        corners = ((cx, cy - h), (cx + h, cy), (cx, cy + h), (cx - h, cy))
        pts = " ".join(f"{_n(a)},{_n(b)}" for a, b in corners)
        return f'<polygon points="{pts}" {style}/>'
    if kind == "s":
        h = size / 2
        return (
            f'<rect x="{_n(cx - h)}" y="{_n(cy - h)}" width="{_n(size)}" height="{_n(size)}" '
            f"{style}/>"
        )
    return f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(size / 2)}" {style}/>'


class _Axes:
    """A rectangle of the figure and the data ranges it shows."""

    def __init__(self, left, top, width, height, xlim, ylim):
        self.left, self.top, self.width, self.height = left, top, width, height
        self.xlim, self.ylim = xlim, ylim

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def x(self, u):
        (x0, x1) = self.xlim
        return self.left + (np.asarray(u, dtype=float) - x0) / (x1 - x0) * self.width

    def y(self, v):
        (y0, y1) = self.ylim
        return self.top + (y1 - np.asarray(v, dtype=float)) / (y1 - y0) * self.height

    def clip(self, prefix: str) -> str:
        return (
            f'<clipPath id="{prefix}clip"><rect x="{_n(self.left)}" y="{_n(self.top)}" '
            f'width="{_n(self.width)}" height="{_n(self.height)}"/></clipPath>'
        )

    def frame(self) -> str:
        return (
            f'<rect x="{_n(self.left)}" y="{_n(self.top)}" width="{_n(self.width)}" '
            f'height="{_n(self.height)}" fill="none" stroke="#000" stroke-width="0.8"/>'
        )


def _ticks(low: float, high: float) -> list[float]:
    """Ticks every 0.2 from 0 within ``[low, high]`` (the utility scale's 0, 0.2, ..., 1)."""
    first, last = int(np.ceil(low / 0.2 - 1e-9)), int(np.floor(high / 0.2 + 1e-9))
    return [round(k * 0.2, 10) for k in range(first, last + 1)]


def _x_axis(ax: _Axes, ticks: list[float], size: float = 10) -> str:
    """Vertical grid lines, tick marks under the axes and their labels."""
    parts = []
    for t in ticks:
        x = _n(float(ax.x(t)))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{_n(ax.top)}" y2="{_n(ax.bottom)}" '
            'stroke="#b0b0b0" stroke-opacity="0.3" stroke-width="0.8"/>'
            f'<line x1="{x}" x2="{x}" y1="{_n(ax.bottom)}" y2="{_n(ax.bottom + 3.5)}" '
            'stroke="#000" stroke-width="0.8"/>'
        )
        parts.append(_text(float(ax.x(t)), ax.bottom + 7, f"{t:.1f}", size, "middle", "top"))
    return "".join(parts)


def _centred(text: str, size: float, centre: float, width: float) -> float:
    """Where to centre ``text`` near ``centre`` so that it stays inside ``[4, width - 4]``."""
    half = text_width(text, size) / 2
    return min(max(centre, 4 + half), width - 4 - half)


# -- the utility-space picture ---------------------------------------------------------------

#: The picture's size (9 by 6.4 inches, as the matplotlib figure was: the page is laid out
#: for it); the legend's font size and row height.
SPACE_WIDTH, SPACE_HEIGHT, LEGEND_SIZE, LEGEND_ROW = 648.0, 460.8, 8.0, 12.5

_MARKERS = {"nash": ("*", NASH_COLOUR, "Nash"), "kalai": ("D", KALAI_COLOUR, "Kalai-Smorodinsky")}


def _solution_style(concept: str) -> tuple[str, float, str]:
    """The marker of a concept's agreement: kind, size and style (as the matplotlib figure:
    a red star edged in black for Nash, a hollow purple diamond for Kalai-Smorodinsky)."""
    kind, colour, _ = _MARKERS[concept]
    if concept == "kalai":
        return kind, 16.0, f'fill="none" stroke="{colour}" stroke-width="2"'
    return kind, 13.0, f'fill="{colour}" stroke="#000" stroke-width="1"'


def _legend_entries(d: UtilitySpaceData, study: Study) -> list[tuple[str, str]]:
    """``(handle, label)`` per entry, in the matplotlib legend's order; a handle is drawn by
    :func:`_handle`."""
    words = legend_labels(d, study.analysis.signatories)
    two = len(study.analysis.signatories) <= 2
    entries = [("outside", words["outside"])]
    if "ruled_out" in words:
        entries.append(("", words["ruled_out"]))
    entries.append(("zone", words["zone"]))
    if "frontier" in words:
        entries.append(("frontier-line" if two else "frontier", words["frontier"]))
    entries += [("shade", words["shade"]), ("", words["grey"])]
    entries.append(("nodeal", "no deal: the reservations"))
    for concept in ("kalai", "nash"):
        if concept in d.solutions:
            entries.append((concept, f"{_MARKERS[concept][2]} agreement"))
    for concept in d.lotteries:
        entries.append((f"lottery-{concept}", f"{_MARKERS[concept][2]} over lotteries"))
    return entries


def _handle(kind: str, cx: float, cy: float) -> str:
    """A legend entry's mark, centred at ``(cx, cy)`` (the big markers at 3/4 size)."""
    if kind == "outside":
        return _marker("o", cx, cy, 3.0, f'fill="{GREY}"')
    if kind == "zone":
        return _marker("o", cx, cy, 3.74, f'fill="{BLUE}"')
    if kind.startswith("frontier"):
        line = (
            f'<line x1="{_n(cx - 10)}" x2="{_n(cx + 10)}" y1="{_n(cy)}" y2="{_n(cy)}" '
            f'stroke="{GREEN}" stroke-width="1.2"/>'
            if kind == "frontier-line"
            else ""
        )
        return line + _marker("o", cx, cy, 4.0, f'fill="{GREEN}"')
    if kind == "shade":
        return (
            f'<rect x="{_n(cx - 10)}" y="{_n(cy - 3.5)}" width="20" height="7" '
            f'fill="{BLUE}" fill-opacity="0.1"/>'
        )
    if kind == "nodeal":
        return _marker("s", cx, cy, 7.0, 'fill="#000"')
    if kind in _MARKERS:
        marker, size, style = _solution_style(kind)
        return _marker(marker, cx, cy, size * 0.75, style)
    if kind.startswith("lottery-"):
        marker, colour, _ = _MARKERS[kind.removeprefix("lottery-")]
        return _marker(
            marker, cx, cy, 10.0 * 0.75, f'fill="#fff" stroke="{colour}" stroke-width="2"'
        )
    return ""


def _legend(entries: list[tuple[str, str]], top: float, width: float) -> tuple[str, float]:
    """The legend under the axes, in two columns filled top to bottom (one when two do not
    fit the width), centred; returns its SVG and its height."""
    handle, gap, between = 24.0, 4.0, 18.0
    for columns in (2, 1):
        rows = -(-len(entries) // columns)
        cols = [entries[c * rows : (c + 1) * rows] for c in range(columns)]
        widths = [handle + gap + max(text_width(t, LEGEND_SIZE) for _, t in col) for col in cols]
        total = sum(widths) + between * (columns - 1)
        if total <= width - 8 or columns == 1:
            break
    parts = []
    x = max(4.0, (width - total) / 2)
    for col, w in zip(cols, widths):
        for r, (kind, label) in enumerate(col):
            cy = top + (r + 0.5) * LEGEND_ROW
            parts.append(_handle(kind, x + handle / 2, cy))
            parts.append(_text(x + handle + gap, cy, label, LEGEND_SIZE, va="center"))
        x += w + between
    return "".join(parts), rows * LEGEND_ROW


def _reservation_labels(ax: _Axes, d: UtilitySpaceData, lx: str, ly: str) -> str:
    """The names of the two dashed lines, inside the axes and away from the zone (as the
    matplotlib figure's): ``x``'s along its line at the top, on its left; ``y``'s below its
    line at the right end -- unless a line is too close to the axes' edge for that."""
    dx, dy = d.disagreement
    (x0, x1), (y0, y1) = ax.xlim, ax.ylim
    left = (dx - x0) / (x1 - x0) > 0.04
    below = (dy - y0) / (y1 - y0) > 0.06
    halo = (
        ' stroke="#fff" stroke-width="3" stroke-opacity="0.7" stroke-linejoin="round" '
        'paint-order="stroke"'
    )
    size = 8.0
    # rotated a quarter turn: the line reads upwards and ends 4 units under the axes' top
    base = float(ax.x(dx)) + (-3 - DESCENT * size if left else 3 + ASCENT * size)
    top = ax.top + 4
    name = f"{lx}'s reservation"
    vertical = (
        f'<text transform="translate({_n(base)} {_n(top)}) rotate(-90)" font-size="{_n(size)}" '
        f'text-anchor="end" fill="{INK}"{halo}>{escape(name)}</text>'
    )
    y = float(ax.y(dy)) + (3 if below else -3)
    horizontal = _text(
        ax.right - 4,
        y,
        f"{ly}'s reservation",
        size,
        "end",
        "top" if below else "bottom",
        INK,
        halo,
    )
    return vertical + horizontal


def utility_space_svg(study: Study, data: UtilitySpaceData, prefix: str) -> str:
    """The utility-space picture of ``data`` (parties ``data.x`` across and ``data.y`` up)
    as SVG text, its legend under it; every ``id`` starts with ``prefix``.

    Examples
    --------
    >>> import simulator
    >>> from simulator.plots.utility_space import utility_space_data
    >>> st = simulator.solve_scenario(simulator.load("scenarios/examples/job_offer.yaml"))
    >>> svg = utility_space_svg(st, utility_space_data(st), "f0u-")
    >>> svg.startswith("<svg") and "acceptable to every signatory (the zone): all 16 drawn" in svg
    True
    """
    d = data
    parties = {p.name: (p.label or p.name) for p in study.model.parties}
    lx, ly = parties[d.x], parties[d.y]
    status = zone_status(study.analysis.zone)
    shown = np.vstack([d.points, [d.disagreement], *d.solutions.values()])
    xlim = (min(0.0, float(shown[:, 0].min()) - 0.02), max(1.02, float(shown[:, 0].max()) + 0.03))
    ylim = (min(0.0, float(shown[:, 1].min()) - 0.02), max(1.02, float(shown[:, 1].max()) + 0.03))
    xticks, yticks = _ticks(*xlim), _ticks(*ylim)
    labels = max(text_width(f"{t:.1f}", 10) for t in yticks)
    left = 6 + 10 + 4 + labels + 7  # the y label (rotated), a gap, the tick labels, the ticks
    entries = _legend_entries(d, study)
    under = 7 + 10 + 5 + 10 + 12  # tick labels, the x label, a gap: then the legend
    rows = _legend(entries, 0.0, SPACE_WIDTH)[1]
    plot = max(200.0, SPACE_HEIGHT - 36 - under - rows - 6)
    ax = _Axes(left, 36.0, SPACE_WIDTH - left - 10, plot, xlim, ylim)
    legend_top = ax.bottom + under
    legend, legend_height = _legend(entries, legend_top, SPACE_WIDTH)
    height = legend_top + legend_height + 6

    clip = f' clip-path="url(#{prefix}clip)"'
    out = [_head(SPACE_WIDTH, height, prefix, f"Utility space, {lx} against {ly}: {status}")]
    out.append(f"<defs>{ax.clip(prefix)}</defs>")
    for k, line in enumerate((f"{lx} vs {ly}:", status)):
        cx = _centred(line, 9, ax.left + ax.width / 2, SPACE_WIDTH)
        out.append(_text(cx, 8 + k * 11, line, 9, "middle", "top"))
    out.append(_x_axis(ax, xticks))
    for t in yticks:
        y = _n(float(ax.y(t)))
        out.append(
            f'<line x1="{_n(ax.left)}" x2="{_n(ax.right)}" y1="{y}" y2="{y}" '
            'stroke="#b0b0b0" stroke-opacity="0.3" stroke-width="0.8"/>'
            f'<line x1="{_n(ax.left - 3.5)}" x2="{_n(ax.left)}" y1="{y}" y2="{y}" '
            'stroke="#000" stroke-width="0.8"/>'
        )
        out.append(_text(ax.left - 7, float(ax.y(t)), f"{t:.1f}", 10, "end", "center"))
    xlabel = f"utility to {lx}  (0 = worst, 1 = ideal on every issue)"
    cx = _centred(xlabel, 10, ax.left + ax.width / 2, SPACE_WIDTH)
    out.append(_text(cx, ax.bottom + 7 + 10 + 5, xlabel, 10, "middle", "top"))
    cy = ax.top + ax.height / 2
    out.append(
        f'<text transform="translate({_n(6 + 10 * ASCENT)} {_n(cy)}) rotate(-90)" '
        f'font-size="10" text-anchor="middle">{escape(f"utility to {ly}")}</text>'
    )

    out.append(f"<g{clip}>")
    dx, dy = d.disagreement
    px, py = float(ax.x(dx)), float(ax.y(dy))
    out.append(
        f'<rect x="{_n(px)}" y="{_n(ax.top)}" width="{_n(max(0.0, ax.right - px))}" '
        f'height="{_n(max(0.0, py - ax.top))}" fill="{BLUE}" fill-opacity="0.1"/>'
    )
    for layer, colour, size in ((d.outside, GREY, 3.0), (d.zone, BLUE, 3.74)):
        out.append(dots_path(ax.x(layer.points[:, 0]), ax.y(layer.points[:, 1]), colour, size))
    front = d.frontier.points
    if len(front):
        fx, fy = ax.x(front[:, 0]), ax.y(front[:, 1])
        if len(study.analysis.signatories) <= 2:  # a curve: joined up, sorted by x then y
            line = " ".join(f"{_n(a)},{_n(b)}" for a, b in zip(fx.tolist(), fy.tolist()))
            out.append(
                f'<polyline points="{line}" fill="none" stroke="{GREEN}" stroke-width="1.2"/>'
            )
        out.append(dots_path(fx, fy, GREEN, 4.0))
    dash = 'stroke="#444444" stroke-width="0.8" stroke-dasharray="2.96 1.28"'
    out.append(
        f'<line x1="{_n(px)}" x2="{_n(px)}" y1="{_n(ax.top)}" y2="{_n(ax.bottom)}" {dash}/>'
        f'<line x1="{_n(ax.left)}" x2="{_n(ax.right)}" y1="{_n(py)}" y2="{_n(py)}" {dash}/>'
    )
    out.append(_marker("s", px, py, 7.0, 'fill="#000"'))
    for concept in ("kalai", "nash"):  # Nash drawn last: on top where the two coincide
        if concept in d.solutions:
            ux, uy = d.solutions[concept]
            kind, size, style = _solution_style(concept)
            out.append(_marker(kind, float(ax.x(ux)), float(ax.y(uy)), size, style))
    for concept, (ux, uy) in d.lotteries.items():
        kind, colour, _ = _MARKERS[concept]
        style = f'fill="#fff" stroke="{colour}" stroke-width="2"'
        out.append(_marker(kind, float(ax.x(ux)), float(ax.y(uy)), 10.0, style))
    out.append("</g>")
    out.append(_reservation_labels(ax, d, lx, ly))
    out.append(ax.frame())
    out.append(legend)
    out.append("</svg>")
    return "".join(out)


# -- the bargaining-gap chart ----------------------------------------------------------------

#: The chart's width (at least; wider when its texts need it) and its height: that of the
#: matplotlib figure, 2.2 inches and 0.7 a signatory (at least 36 units a signatory).
GAP_WIDTH, GAP_BASE, GAP_ROW = 684.0, 2.2 * 72, 0.7 * 72


def gap_svg(study: Study, data: GapData, prefix: str) -> str:
    """The bargaining-gap chart of ``data`` as SVG text: per signatory (top to bottom, in
    order) a tick at its reservation, a dot at the best it can get while every other
    signatory accepts, and a green bar (room) or a red one (short by) between them; the
    title says the verdict and what would open a closed zone. Every ``id`` starts with
    ``prefix``.

    Examples
    --------
    >>> import simulator
    >>> from simulator.plots.gap_chart import gap_data
    >>> st = simulator.solve_scenario(simulator.load("scenarios/examples/job_offer.yaml"))
    >>> svg = gap_svg(st, gap_data(st), "f0g-")
    >>> "room 0.36" in svg, "short by" in svg
    (True, False)
    """
    d = data
    n = len(d.labels)
    title = gap_title(d, study.scenario.name)
    top = 6 + len(title) * 12 + 6
    left = 8 + max([text_width(label, 10) for label in d.labels] + [20.0]) + 7
    xlim, ylim = (0.0, 1.15), (-0.7, n - 0.3)

    rows: list[tuple[int, float, float | None, str, str, float]] = []
    # per signatory: row, reservation, best, the text right of the marks, its colour, its x
    for row, (r, best) in enumerate(zip(d.reservations, d.reach)):
        if best is None:
            why = (
                "no agreement satisfies every red line"
                if d.slack is None
                else "the others never all accept"
            )
            rows.append((row, r, best, why, RED, r))
        elif best >= r:
            rows.append((row, r, best, f"room {best - r:.2f}", "", best))
        else:
            rows.append((row, r, best, f"short by {r - best:.2f}", "", r))
    width = GAP_WIDTH
    plot = width - left - 12
    # a text right of its mark must end inside the figure: narrower axes, else a wider figure
    for *_, text, _, at in rows:
        room = width - 6 - left - 5 - text_width(text, 8)
        if at > 0 and at / 1.15 * plot > room:
            plot = max(room * 1.15 / at, (width - left - 12) * 0.6)
    need = max(
        [left + at / 1.15 * plot + 5 + text_width(text, 8) + 6 for *_, text, _, at in rows]
        + [text_width(line, 10) + 8 for line in title]
        + [text_width(line, 8) + 8 for line in GAP_XLABEL.split("\n")]
    )
    width = max(width, need)
    under = 7 + 10 + 5 + 2 * 9.6 + 6  # tick labels, a gap, the two lines of the x label
    ax = _Axes(left, top, plot, max(GAP_BASE + GAP_ROW * n - top - under, 36 * n), xlim, ylim)
    height = ax.bottom + under
    bar = ax.height / (n + 0.4) / 2  # half a row, as matplotlib's bars (0.5 of a unit)

    out = [_head(width, height, prefix, "Bargaining gap. " + " ".join(title))]
    out.append(f"<defs>{ax.clip(prefix)}</defs>")
    for k, line in enumerate(title):
        cx = _centred(line, 10, ax.left + ax.width / 2, width)
        out.append(_text(cx, 6 + k * 12, line, 10, "middle", "top"))
    out.append(_x_axis(ax, _ticks(*xlim)))
    for k, line in enumerate(GAP_XLABEL.split("\n")):
        cx = _centred(line, 8, ax.left + ax.width / 2, width)
        out.append(_text(cx, ax.bottom + 7 + 10 + 5 + k * 9.6, line, 8, "middle", "top"))
    out.append(f'<g clip-path="url(#{prefix}clip)">')
    marks = []
    for row, r, best, text, colour, at in rows:
        y = float(ax.y(n - 1 - row))
        if best is not None:
            low, high = sorted((r, best))
            fill = GREEN if best >= r else RED
            out.append(
                f'<rect x="{_n(float(ax.x(low)))}" y="{_n(y - bar / 2)}" '
                f'width="{_n(float(ax.x(high) - ax.x(low)))}" height="{_n(bar)}" '
                f'fill="{fill}" fill-opacity="0.8"/>'
            )
        rx = _n(float(ax.x(r)))
        marks.append(
            f'<line x1="{rx}" x2="{rx}" y1="{_n(y - 11)}" y2="{_n(y + 11)}" stroke="#000" '
            'stroke-width="2"/>'
        )
        if best is not None:
            marks.append(_marker("o", float(ax.x(best)), y, 5.0, 'fill="#000"'))
        marks.append(_text(float(ax.x(at)) + 5, y, text, 8, va="center", fill=colour or None))
    out.append("</g>")
    out.extend(marks)
    for row, label in enumerate(d.labels):
        y = float(ax.y(n - 1 - row))
        out.append(
            f'<line x1="{_n(ax.left - 3.5)}" x2="{_n(ax.left)}" y1="{_n(y)}" y2="{_n(y)}" '
            'stroke="#000" stroke-width="0.8"/>'
        )
        out.append(_text(ax.left - 7, y, label, 10, "end", "center"))
    out.append(ax.frame())
    out.append("</svg>")
    return "".join(out)
