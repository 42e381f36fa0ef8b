"""Provenance of a scenario's numbers: which rest on a quoted source, which are assumptions.

The contract asks that every ``weight``, ``values``/``points``/``ideal``, ``reservation`` and
red line carry ``source: {ref, quote}`` or ``assumption: "text"``, on the entry itself or on
its party (a party-level citation covers all of the party's entries). Validation records each
such place as a :class:`Claim`; :func:`check_provenance` then checks the quotes against the
source files and counts every number in one of five categories (:data:`CATEGORIES`):

- **sourced**: its quote was found in the source file, and nothing about it is assumed;
- **quoted, magnitude assumed** (``quoted_and_assumed``): its quote was found, but the number
  also rests on an assumption -- one stated beside the quote (the quote backs the direction or
  the ordering, the assumption the size), or, for every weight, the fact that no quote sets a
  weight: a document can say an issue matters, never how much relative to the others;
- **assumed**: it carries an assumption and no source;
- **unverified**: it quotes a source whose file cannot be found, or the quote is not in it;
- **unsourced**: it carries nothing.

Weights are also counted on their own (:attr:`Provenance.weights`).

Interactions, constraints and proposals need no provenance, but when they carry a citation
it is checked and counted the same way.

Quote comparison
----------------
Both the quote and the file are normalised before the quote is looked for
(:func:`normalise_text`): Unicode NFKC (so ``…`` is ``...`` and a non-breaking space a
space), typographic quotes and apostrophes (‘ ’ ‚ ‛ “ ” „ ‟ « » ′ ″) become ASCII ``'`` and
``"``, dashes and the minus sign (‐ ‑ ‒ – — ― −) become ``-``, runs of white space become one
space, and case is ignored. A quote may elide text with ``...``: each fragment must then occur
in the file, in order.

Finding source files
--------------------
A source's ``file`` (a name or a relative path; an absolute path is used as is) is looked up,
in order: beside the file that declares the source, beside the scenario file, in each
directory of the ``sources`` argument of :func:`~simulator.scenario.load`, in each directory
of the ``ZOPA_SOURCES`` environment variable (separated by :data:`os.pathsep`), and in the
first ``shared/seeds`` directory found walking up from the scenario's directory (at each level
``shared/seeds`` and ``../shared/seeds`` are tried). With ``load(..., confine=True)`` the
``shared/seeds`` directory is not searched and a file must lie, symbolic links resolved, in
the scenario's folder or in one of the directories given (``within`` of
:func:`find_source_file`).

Only a regular file of at most :data:`~simulator.scenario.files.MAX_SOURCE_BYTES` is read; a
larger one, a FIFO or a device is a "cannot check the quote" warning.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from simulator.errors import Problem, sort_problems
from simulator.scenario.files import MAX_SOURCE_BYTES, FileRefused, inside, read_limited
from simulator.scenario.yamlread import Node

__all__ = [
    "CATEGORIES",
    "Citation",
    "Claim",
    "Provenance",
    "ProvenanceItem",
    "Source",
    "check_provenance",
    "find_seeds",
    "find_source_file",
    "normalise_text",
    "quote_occurs",
    "search_dirs",
]

_ASCII = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)


#: The provenance categories, from best backed to least (see the module docstring).
CATEGORIES = ("sourced", "quoted_and_assumed", "assumed", "unverified", "unsourced")


@dataclass(frozen=True)
class Source:
    """A citable document declared under ``sources``.

    Attributes
    ----------
    file : str
        The file as written in the scenario.
    title : str
        Its title ("" if not given).
    path : str or None
        Where the file was found, or ``None`` if it was not (its quotes are then unverified).
    date : str
        When the document was written, as the scenario gives it ("" if not given).
    note : str
        What a reader should know about the document ("" if nothing).
    """

    file: str
    title: str = ""
    path: str | None = None
    date: str = ""
    note: str = ""


@dataclass(frozen=True, eq=False)
class Citation:
    """A ``source: {ref, quote}`` and/or an ``assumption`` given somewhere in the file.

    ``node`` locates the citation (the ``source`` mapping, else the assumption);
    ``quote_node`` the quote and ``path`` its dotted path. ``ref`` is ``None`` when only an
    assumption is given.
    """

    ref: str | None
    quote: str | None
    quote_node: Node | None
    assumption: str | None
    node: Node
    path: str = ""


@dataclass(frozen=True, eq=False)
class Claim:
    """A place that should, or does, carry provenance.

    Attributes
    ----------
    path : str
        Dotted path of the place (``parties.russia.issues.nato``).
    message : str
        The warning given when it carries nothing.
    node : Node
        Where that warning points.
    items : tuple of str
        Paths of the numbers it covers (``...nato.weight``, ``...nato.values``).
    citation : Citation or None
        Its own citation, else its party's.
    """

    path: str
    message: str
    node: Node
    items: tuple[str, ...]
    citation: Citation | None


@dataclass(frozen=True)
class ProvenanceItem:
    """How one number is backed.

    ``kind`` is ``'source'``, ``'assumption'`` or ``'none'``; ``text`` the quote, the
    assumption or ``""``; ``ref`` the source id; ``verified`` whether the quote was found in
    the source file (``None`` for assumptions and unsourced numbers); ``assumption`` an
    assumption stated beside a source (how far the quote carries the number), else ``""``.
    """

    path: str
    kind: str
    text: str
    ref: str | None = None
    verified: bool | None = None
    assumption: str = ""

    @property
    def assumed(self) -> str:
        """The assumption this number rests on, alone or beside a source (``""``: none)."""
        return self.text if self.kind == "assumption" else self.assumption

    @property
    def is_weight(self) -> bool:
        """Whether the number is a weight (``parties.P.issues.I.weight``)."""
        return self.path.endswith(".weight")

    @property
    def category(self) -> str:
        """One of :data:`CATEGORIES`: a verified quote makes a number ``sourced`` only when
        nothing about it is assumed -- no assumption beside the quote, and not a weight
        (no quote sets a weight).

        >>> ProvenanceItem("parties.p.issues.i.values", "source", "q", "s1", True).category
        'sourced'
        >>> ProvenanceItem("parties.p.issues.i.weight", "source", "q", "s1", True).category
        'quoted_and_assumed'
        >>> ProvenanceItem("parties.p.reservation", "source", "q", "s1", True, "why").category
        'quoted_and_assumed'
        >>> ProvenanceItem("parties.p.reservation", "source", "q", "s1", False, "why").category
        'unverified'
        """
        if self.kind == "none":
            return "unsourced"
        if self.kind == "assumption":
            return "assumed"
        if not self.verified:
            return "unverified"
        return "quoted_and_assumed" if self.assumption or self.is_weight else "sourced"


@dataclass(frozen=True)
class Provenance:
    """How a scenario's numbers are backed: one :class:`ProvenanceItem` per number, the
    count of each category (:data:`CATEGORIES`), and the warnings.

    ``warnings`` holds one problem per unverifiable quote and per place that carries
    nothing, sorted by file and line; ``load(..., strict=True)`` raises them as errors.
    """

    warnings: tuple[Problem, ...]
    items: tuple[ProvenanceItem, ...]

    def counts(self, weights: bool | None = None) -> dict[str, int]:
        """``{category: count}`` over every number (``weights=None``), the weights only
        (``True``) or every number but the weights (``False``), in :data:`CATEGORIES` order."""
        out = dict.fromkeys(CATEGORIES, 0)
        for item in self.items:
            if weights is None or item.is_weight == weights:
                out[item.category] += 1
        return out

    @property
    def sourced(self) -> int:
        """Numbers a verified quote backs with nothing assumed."""
        return self.counts()["sourced"]

    @property
    def quoted_and_assumed(self) -> int:
        """Numbers with a verified quote whose size is nonetheless assumed."""
        return self.counts()["quoted_and_assumed"]

    @property
    def assumed(self) -> int:
        """Numbers that carry only an assumption."""
        return self.counts()["assumed"]

    @property
    def unverified(self) -> int:
        """Numbers whose quote could not be checked or was not found."""
        return self.counts()["unverified"]

    @property
    def unsourced(self) -> int:
        """Numbers that carry neither a source nor an assumption."""
        return self.counts()["unsourced"]

    @property
    def weights(self) -> dict[str, int]:
        """The weights alone, by category (none is ever ``sourced``)."""
        return self.counts(weights=True)


def normalise_text(text: str) -> str:
    """Text as quotes are compared: NFKC, ASCII quotes and dashes, one space, case folded.

    >>> normalise_text("It  would \u201cnever\u201d\\ntolerate \u2013 NATO\u2019s")
    'it would "never" tolerate - nato\\'s'
    """
    text = unicodedata.normalize("NFKC", text).translate(_ASCII)
    return " ".join(text.split()).casefold()


def quote_occurs(quote: str, normalised_text: str) -> bool:
    """Whether ``quote`` occurs in a text already passed through :func:`normalise_text`.

    Fragments separated by ``...`` must occur in order; a quote with no text at all (empty,
    or only ``...``) quotes nothing and never occurs.

    >>> quote_occurs("Rejects ... ceasefires", normalise_text("it rejects temporary ceasefires"))
    True
    >>> quote_occurs("ceasefires ... rejects", normalise_text("it rejects temporary ceasefires"))
    False
    >>> quote_occurs("...", normalise_text("it rejects temporary ceasefires"))
    False
    """
    start = 0
    fragments = [f for f in (f.strip() for f in normalise_text(quote).split("...")) if f]
    if not fragments:
        return False
    for fragment in fragments:
        found = normalised_text.find(fragment, start)
        if found < 0:
            return False
        start = found + len(fragment)
    return True


def find_seeds(start: str) -> str | None:
    """The first ``shared/seeds`` (or ``../shared/seeds``) directory walking up from ``start``."""
    here = os.path.abspath(start)
    while True:
        for candidate in (
            os.path.join(here, "shared", "seeds"),
            os.path.join(here, os.pardir, "shared", "seeds"),
        ):
            if os.path.isdir(candidate):
                return os.path.normpath(candidate)
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def search_dirs(
    scenario: str,
    dirs: Iterable[str | os.PathLike[str]] = (),
    env: Mapping[str, str] | None = None,
    *,
    seeds: bool = True,
) -> list[str]:
    """The directories source files are looked for in, in order (see the module docstring).

    ``env`` defaults to :data:`os.environ`; ``seeds=False`` leaves out ``shared/seeds``.
    """
    env = os.environ if env is None else env
    here = os.path.dirname(os.path.abspath(scenario))
    found = [here, *(os.fspath(d) for d in dirs)]
    found += [d for d in env.get("ZOPA_SOURCES", "").split(os.pathsep) if d]
    shared = find_seeds(here) if seeds else None
    if shared:
        found.append(shared)
    return list(dict.fromkeys(os.path.normpath(str(d)) for d in found))


def find_source_file(
    file: str,
    declared_in: str | None,
    dirs: Sequence[str],
    *,
    within: Sequence[str] | None = None,
) -> str | None:
    """The path of a source's ``file``: beside ``declared_in``, then in ``dirs``; or ``None``.

    With ``within``, a candidate counts only if it lies (symbolic links resolved) in one of
    those folders.
    """
    if os.path.isabs(file):
        candidates = [file]
    else:
        places = [os.path.dirname(os.path.abspath(declared_in))] if declared_in else []
        candidates = [os.path.normpath(os.path.join(p, file)) for p in places + list(dirs)]
    for candidate in candidates:
        # a FIFO or a device is "found" too: reading it is then refused with the reason
        if (
            os.path.exists(candidate)
            and not os.path.isdir(candidate)
            and (within is None or any(inside(candidate, folder) for folder in within))
        ):
            return candidate
    return None


def check_provenance(
    claims: Iterable[Claim], sources: Mapping[str, Source], searched: Sequence[str] = ()
) -> Provenance:
    """Check every claim's quote against its source file and count the numbers.

    Parameters
    ----------
    claims : the places validation recorded.
    sources : the declared sources, with the paths where their files were found.
    searched : the directories that were searched (named in "not found" warnings).

    Returns
    -------
    Provenance
    """
    texts: dict[str, str | None] = {}
    verdicts: dict[int, bool] = {}
    warnings: list[Problem] = []
    items: list[ProvenanceItem] = []
    for claim in claims:
        cite = claim.citation
        if cite is None:
            warnings.append(_problem(claim.node, claim.path, claim.message))
            items += [ProvenanceItem(path, "none", "") for path in claim.items]
            continue
        if cite.ref is None:
            items += [
                ProvenanceItem(path, "assumption", cite.assumption or "") for path in claim.items
            ]
            continue
        if id(cite) not in verdicts:
            problem = _verify(cite, sources[cite.ref], texts, searched)
            verdicts[id(cite)] = problem is None
            if problem is not None:
                warnings.append(problem)
        items += [
            ProvenanceItem(
                path,
                "source",
                cite.quote or "",
                cite.ref,
                verdicts[id(cite)],
                cite.assumption or "",
            )
            for path in claim.items
        ]
    return Provenance(warnings=tuple(sort_problems(warnings)), items=tuple(items))


def _problem(node: Node, path: str, message: str) -> Problem:
    return Problem(node.file, node.line, node.column, path, message)


def _verify(
    cite: Citation, source: Source, texts: dict[str, str | None], searched: Sequence[str]
) -> Problem | None:
    """``None`` if the citation's quote is in its source file, else the warning to give."""
    node = cite.quote_node or cite.node
    path = cite.path
    if source.path is None:
        where = ", ".join(searched) if searched else "nowhere"
        return _problem(
            node,
            path,
            f"cannot check the quote: file {source.file!r} of source "
            f"{cite.ref!r} was not found (looked beside the scenario and in: {where}; "
            "add directories with --sources DIR or ZOPA_SOURCES)",
        )
    if source.path not in texts:
        try:
            data = read_limited(source.path, MAX_SOURCE_BYTES)
            texts[source.path] = normalise_text(data.decode("utf-8", errors="replace"))
        except FileRefused as error:
            texts[source.path] = None
            reason = str(error)
            return _problem(
                node,
                path,
                f"cannot check the quote: {source.path} of source "
                f"{cite.ref!r} cannot be read ({reason})",
            )
    text = texts[source.path]
    if text is None:
        return _problem(
            node,
            path,
            f"cannot check the quote: {source.path} of source {cite.ref!r} cannot be read",
        )
    if not quote_occurs(cite.quote or "", text):
        shown = cite.quote if len(cite.quote or "") <= 60 else (cite.quote or "")[:57] + "..."
        return _problem(
            node,
            path,
            f"quote {shown!r} was not found in source {cite.ref!r} "
            f"({source.path}); quotes are compared ignoring case, white space and "
            "typographic quotes and dashes",
        )
    return None
