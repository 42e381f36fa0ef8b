"""Labels drawn as written.

A scenario's labels -- its name, the parties', issues' and options' labels, units -- are
plain text, and so is every text zopa puts around them. Matplotlib would read some of them
as markup: a string with two unescaped ``$`` is *mathtext* (``"Price (US$ per unit), cost
($)"`` draws its middle in italics without spaces, and ``"a $\\frac$ b"`` fails to draw at
all), and under ``text.usetex`` every text goes through LaTeX, where ``%``, ``&``, ``_``,
``#`` and ``\\`` are commands. Escaping cannot fix this one string at a time: ``\\$`` is
drawn as ``$`` only inside a string that mathtext parses, and as a backslash and a dollar in
one it does not. So zopa's figures switch both off, text by text (``parse_math`` and
``usetex`` of each :class:`matplotlib.text.Text`): :func:`literal` on an Axes or a Figure
once its texts exist. Every plot function of :mod:`simulator.plots` calls it on the Axes it
draws into before returning; the writers call it on the whole figure (title, legend) before
laying it out.
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["literal"]

A = TypeVar("A")


def literal(artist: A) -> A:
    """Make every text in ``artist`` (an Axes, a Figure, any artist) draw as written: no
    mathtext, no TeX. Returns ``artist``.

    Texts added later are not covered: call it again after adding them.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> _ = ax.set_title("Price (US$ per unit), cost ($)")
    >>> literal(ax).title.get_parse_math()
    False
    """
    from matplotlib.text import Text

    for text in artist.findobj(Text):  # type: ignore[attr-defined]
        text.set_parse_math(False)
        text.set_usetex(False)
    return artist
