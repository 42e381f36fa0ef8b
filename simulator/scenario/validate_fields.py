"""Field-level checks of scenario validation: types, numbers, names, keys and citations.

A :class:`Checker` collects :class:`~simulator.errors.Problem` objects instead of raising, so
that one pass over a file reports every problem in it. Each check returns the checked Python
value, or ``None`` when the node is wrong (and the problem has been recorded), so callers can
carry on without cascading reports.

Conventions shared by every check:

- booleans are never numbers (``reservation: true`` is an error), NaN and infinities are
  rejected wherever a number is expected, and so is any number whose magnitude exceeds
  :data:`MAX_MAGNITUDE` (sums, products and logarithms of such numbers would overflow to
  infinity while solving);
- an optional key whose value is ``null`` counts as absent (as after ``extends`` removes it);
- an unknown key is reported at the key itself, with the closest known key suggested
  (:func:`difflib.get_close_matches`) and the list of keys expected there.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from simulator.errors import Problem
from simulator.scenario.provenance import Citation, Claim
from simulator.scenario.uncertain import DISTRIBUTIONS, Uncertain
from simulator.scenario.yamlread import Node, a_kind, child_path, shorten

__all__ = [
    "IDENTIFIER",
    "MAX_MAGNITUDE",
    "AnyName",
    "Checker",
    "show",
    "show_number",
    "suggestion",
]

#: The largest magnitude of any number in a scenario (ranges, points, ideals, weights, powers,
#: bonuses, red-line bounds, proposals). Utilities add weighted values and bonuses and the
#: solvers multiply, sum and take logarithms: within 1e15 every such result stays finite and
#: exact to about 1e-1 in absolute terms at worst (doubles carry 15-16 significant digits).
#: Money in single units (a world GDP is about 1e14 dollars) fits.
MAX_MAGNITUDE = 1e15
_MAGNITUDE = "1e15"  # MAX_MAGNITUDE as messages write it

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
"""Names of issues, parties, sources and proposals: a lower-case letter, then lower-case
letters, digits or underscores."""

_QUOTE_HINT = " (put it in quotes: YAML reads yes/no/on/off/true/false and numbers unquoted)"


def suggestion(name: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the known name closest to ``name``, or ``""``.

    >>> suggestion("reservaton", ["label", "reservation", "power"])
    " (did you mean 'reservation'?)"
    >>> suggestion("zzz", ["label"])
    ''
    """
    choices = [c for c in choices if isinstance(c, str)]
    matches = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in choices}
        close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
        matches = [lowered[m] for m in close]
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def show_number(x: float) -> str:
    """A number as a user wrote it: ``0.35``, ``1000``, ``.nan``, ``-.inf``.

    >>> show_number(1000.0), show_number(0.35), show_number(float("-inf"))
    ('1000', '0.35', '-.inf')
    """
    if isinstance(x, float):
        if math.isnan(x):
            return ".nan"
        if math.isinf(x):
            return ".inf" if x > 0 else "-.inf"
        if x.is_integer() and abs(x) < 1e15:
            return str(int(x))
    return shorten(x)


def show(node: Node) -> str:
    """What a node holds, for "found ..." messages: ``"a string 'abc'"``, ``"a list"``.

    >>> show(Node(True, "s.yaml", 1, 1)), show(Node([], "s.yaml", 1, 1))
    ('a boolean true', 'a list')
    """
    value = node.value
    if isinstance(value, bool):
        return f"a boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"{a_kind(node)} {show_number(value)}"
    if isinstance(value, str):
        return f"a string {shorten(value)}"
    return a_kind(node)


class AnyName(Mapping[str, None]):
    """Stands for a section (``issues``, ``parties``, ``sources``) that could not be read.

    Every name is accepted and maps to ``None``, so references into a broken section are
    neither checked nor reported as unknown (the section's own problem is reported once).
    """

    def __contains__(self, name: object) -> bool:
        return True

    def __getitem__(self, name: str) -> None:
        return None

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


class Checker:
    """Collects problems and provenance claims while a scenario is validated.

    Attributes
    ----------
    problems : list of Problem
        Every problem found so far, in the order found.
    claims : list of Claim
        The places that should carry a source or an assumption
        (see :mod:`simulator.scenario.provenance`).
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.claims: list[Claim] = []
        self.uncertain: dict[str, Uncertain] = {}

    def report(self, node: Node, path: str, message: str) -> None:
        """Record a problem located at ``node``."""
        self.problems.append(Problem(node.file, node.line, node.column, path, message))

    # -- containers -------------------------------------------------------------------------
    def mapping(
        self,
        node: Node,
        path: str,
        expected: str,
        allowed: Sequence[str],
        required: Mapping[str, str] | None = None,
    ) -> dict[str, Node] | None:
        """Check a mapping's keys; return its entries with null values dropped.

        Parameters
        ----------
        node, path : the mapping and its dotted path.
        expected : what the mapping should be, for a "found ..." message.
        allowed : every key allowed here, in the order shown to users.
        required : required keys, each with a short description for "missing key" messages.
        """
        if not isinstance(node.value, dict):
            self.report(node, path, f"expected {expected}; found {show(node)}")
            return None
        required = required or {}
        fields: dict[str, Node] = {}
        for key, value in node.value.items():
            if key not in allowed:
                where = node.key_node(key)
                self.report(
                    where,
                    child_path(path, key),
                    f"unknown key {key!r}{suggestion(key, allowed)}; expected one of: "
                    + ", ".join(allowed),
                )
            elif value.value is not None:
                fields[key] = value
            elif key in required:
                self.report(value, child_path(path, key), f"expected {required[key]}; found null")
        for key, hint in required.items():
            if key not in node.value:
                self.report(node, path, f"missing required key {key!r} ({hint})")
        return fields

    def sequence(
        self, node: Node, path: str, expected: str, *, nonempty: bool = False
    ) -> list[Node] | None:
        """Check that ``node`` is a list (non-empty if asked); return its items."""
        if not isinstance(node.value, list):
            self.report(node, path, f"expected {expected}; found {show(node)}")
            return None
        if nonempty and not node.value:
            self.report(node, path, f"expected {expected}; found an empty list")
            return None
        return node.value

    def listed_or_named(
        self, node: Node, path: str, expected: str, what: str
    ) -> list[tuple[str, Node]] | None:
        """The items of a list, or of a mapping of names to items, each with its path.

        A list's items are at ``path[i]``; a mapping's at ``path.name``, in the mapping's
        order, each name checked as an identifier (``what`` says what it names) and an item
        that is null left out (as after ``extends`` removes it). Anything else is reported as
        not ``expected`` and gives ``None``.

        >>> c = Checker()
        >>> named = Node({"low": Node(1, "s.yaml", 2, 8), "gone": Node(None, "s.yaml", 3, 9)},
        ...              "s.yaml", 2, 3)
        >>> [(p, n.value) for p, n in c.listed_or_named(named, "caps", "caps", "cap")]
        [('caps.low', 1)]
        >>> [p for p, _ in c.listed_or_named(Node([Node(1, "s.yaml", 1, 8)], "s.yaml", 1, 7),
        ...                                  "caps", "caps", "cap")]
        ['caps[0]']
        """
        if isinstance(node.value, list):
            return [(child_path(path, i), item) for i, item in enumerate(node.value)]
        if not isinstance(node.value, dict):
            self.report(node, path, f"expected {expected}; found {show(node)}")
            return None
        items: list[tuple[str, Node]] = []
        for name, item in node.value.items():
            here = child_path(path, name)
            self.identifier(name, node.key_node(name), here, what)
            if item.value is not None:
                items.append((here, item))
        return items

    # -- scalars ----------------------------------------------------------------------------
    def number(
        self,
        node: Node,
        path: str,
        expected: str = "a number",
        ok: Callable[[float], bool] | None = None,
    ) -> float | None:
        """A finite number (not a boolean) for which ``ok`` holds; ``expected`` says which."""
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            hint = " (numbers are written without quotes)" if isinstance(value, str) else ""
            self.report(node, path, f"expected {expected}; found {show(node)}{hint}")
            return None
        try:
            x = float(value)
        except OverflowError:
            self.report(node, path, f"expected {expected}; found a number too large to use")
            return None
        if not math.isfinite(x):
            self.report(
                node,
                path,
                f"expected {expected}; found {show_number(x)} "
                "(numbers must be finite: NaN and infinity are not allowed)",
            )
            return None
        if abs(x) > MAX_MAGNITUDE:
            self.report(
                node,
                path,
                f"{show_number(value)} is out of range; every number in a scenario must lie "
                f"within [-{_MAGNITUDE}, {_MAGNITUDE}] (write such a number in a larger unit)",
            )
            return None
        if ok is not None and not ok(x):
            self.report(node, path, f"{show_number(value)} is out of range; expected {expected}")
            return None
        return x

    def quantity(
        self,
        node: Node,
        path: str,
        expected: str = "a number",
        ok: Callable[[float], bool] | None = None,
    ) -> float | None:
        """A number, or an uncertain number ``{value, range, distribution, mode, mean, sd}``
        (:mod:`simulator.scenario.uncertain`), recorded in ``self.uncertain``; returns the
        nominal value. Every number given must satisfy ``ok``."""
        if not isinstance(node.value, dict):
            return self.number(node, path, expected, ok)
        keys = ("value", "range", "distribution", "mode", "mean", "sd")
        form = f"{expected}, or an uncertain number {{value, range: [low, high]}}"
        fields = self.mapping(node, path, form, keys, {"range": "[low, high]"})
        if fields is None or "range" not in fields:
            return None
        dist = "uniform"
        if "distribution" in fields:
            dist = (
                self.reference(
                    fields["distribution"],
                    child_path(path, "distribution"),
                    DISTRIBUTIONS,
                    "distribution",
                )
                or "uniform"
            )
        bounds = self.sequence(fields["range"], child_path(path, "range"), "[low, high]")
        if bounds is None or len(bounds) != 2:
            if bounds is not None:
                self.report(
                    fields["range"],
                    child_path(path, "range"),
                    f"expected [low, high]; found a list of {len(bounds)} items",
                )
            return None
        lo = self.number(bounds[0], child_path(child_path(path, "range"), 0), expected, ok)
        hi = self.number(bounds[1], child_path(child_path(path, "range"), 1), expected, ok)
        if lo is None or hi is None:
            return None
        if not lo < hi:
            self.report(
                fields["range"],
                child_path(path, "range"),
                f"expected low < high; found [{show_number(lo)}, {show_number(hi)}]",
            )
            return None

        def inside(key: str) -> float | None:
            if key not in fields:
                return None
            x = self.number(
                fields[key],
                child_path(path, key),
                f"a number in the range [{show_number(lo)}, {show_number(hi)}]",
                lambda v: lo <= v <= hi,
            )
            return x

        mode, mean, sd = inside("mode"), inside("mean"), None
        for key, wanted in (("mode", "triangular"), ("mean", "normal"), ("sd", "normal")):
            if key in fields and dist != wanted:
                self.report(
                    fields[key],
                    child_path(path, key),
                    f"{key} is for a {wanted} distribution; this one is {dist}",
                )
                return None
        if dist == "triangular" and mode is None:
            self.report(node, path, "a triangular distribution needs mode (in the range)")
            return None
        if dist == "normal":
            if "sd" in fields:
                sd = self.number(
                    fields["sd"], child_path(path, "sd"), "a positive number", lambda v: v > 0
                )
            if mean is None or sd is None:
                if "mean" not in fields or "sd" not in fields:
                    self.report(node, path, "a normal distribution needs mean and sd")
                return None
        default = {"uniform": (lo + hi) / 2, "triangular": mode, "normal": mean}[dist]
        value = inside("value") if "value" in fields else default
        if value is None:
            return None
        self.uncertain[path] = Uncertain(path, value, lo, hi, dist, mode, mean, sd)
        return value

    def integer(
        self, node: Node, path: str, expected: str, ok: Callable[[int], bool] | None = None
    ) -> int | None:
        """An integer (not a boolean, not a float) for which ``ok`` holds."""
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(node, path, f"expected {expected}; found {show(node)}")
            return None
        if ok is not None and not ok(value):
            self.report(node, path, f"{show_number(value)} is out of range; expected {expected}")
            return None
        return value

    def string(self, node: Node, path: str, expected: str = "a non-empty string") -> str | None:
        """A string with some non-blank text."""
        value = node.value
        if not isinstance(value, str):
            hint = _QUOTE_HINT if isinstance(value, (bool, int, float)) else ""
            self.report(node, path, f"expected {expected}; found {show(node)}{hint}")
            return None
        if not value.strip():
            self.report(node, path, f"expected {expected}; found an empty string")
            return None
        return value

    def optional_string(self, fields: Mapping[str, Node], key: str, path: str) -> str:
        """The string at ``fields[key]`` (a label, description or unit), ``""`` if absent."""
        if key not in fields:
            return ""
        return self.string(fields[key], child_path(path, key), f"a string ({key})") or ""

    def boolean(self, node: Node, path: str, expected: str) -> bool | None:
        """``true`` or ``false``."""
        if not isinstance(node.value, bool):
            self.report(node, path, f"expected {expected}; found {show(node)}")
            return None
        return node.value

    # -- names ------------------------------------------------------------------------------
    def identifier(self, name: str, node: Node, path: str, what: str) -> bool:
        """Whether ``name`` (a key naming an issue, party, source or proposal) is valid."""
        if IDENTIFIER.match(name):
            return True
        fixed = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_").lstrip("0123456789_")
        fixed = fixed if IDENTIFIER.match(fixed) else ""
        example = f" (e.g. {fixed!r})" if fixed else ""
        self.report(
            node,
            path,
            f"{name!r} is not a valid {what} name; names are identifiers: a "
            f"lower-case letter, then lower-case letters, digits or '_'{example}",
        )
        return False

    def reference(self, node: Node, path: str, known: Iterable[str], what: str) -> str | None:
        """A string naming one of ``known`` (an issue, party, source, option, ...)."""
        name = self.string(node, path, f"the name of {what}")
        if name is None:
            return None
        return name if self.key_reference(name, node, path, known, what) else None

    def key_reference(
        self, key: str, node: Node, path: str, known: Iterable[str], what: str
    ) -> bool:
        """Whether a mapping key names one of ``known``; report it (at ``node``) if not."""
        if isinstance(known, AnyName):
            return True
        known = list(known)
        if key in known:
            return True
        listed = ", ".join(known) if known else "none"
        self.report(node, path, f"unknown {what} {key!r}{suggestion(key, known)}; known: {listed}")
        return False

    # -- provenance -------------------------------------------------------------------------
    def citation(
        self, fields: Mapping[str, Node], path: str, sources: Mapping[str, object]
    ) -> Citation | None:
        """The ``source: {ref, quote}`` and/or ``assumption: text`` among ``fields``."""
        ref = quote = assumption = None
        quote_node = where = None
        if "source" in fields:
            node = fields["source"]
            spath = child_path(path, "source")
            where = node
            entries = self.mapping(
                node,
                spath,
                "a citation {ref: source id, quote: text}",
                ("ref", "quote"),
                {
                    "ref": "the id of a source declared under sources",
                    "quote": "the sentence of the source this rests on",
                },
            )
            if entries is not None:
                if "ref" in entries:
                    ref = self.reference(
                        entries["ref"], child_path(spath, "ref"), sources, "source"
                    )
                if "quote" in entries:
                    quote_node = entries["quote"]
                    quote = self.string(
                        quote_node, child_path(spath, "quote"), "a quote (a non-empty string)"
                    )
        if "assumption" in fields:
            where = where or fields["assumption"]
            assumption = self.string(
                fields["assumption"],
                child_path(path, "assumption"),
                "an assumption (a non-empty string saying why)",
            )
        if where is None or (ref is None and assumption is None):
            return None
        return Citation(
            ref=ref,
            quote=quote if ref else None,
            quote_node=quote_node if ref else None,
            assumption=assumption,
            node=where,
            path=child_path(child_path(path, "source"), "quote"),
        )

    def claim(
        self,
        path: str,
        what: str,
        node: Node,
        items: Sequence[str],
        citation: Citation | None,
        *,
        required: bool = True,
    ) -> None:
        """Record that ``items`` should carry provenance (``citation``, if any, covers them);
        a place the contract does not ask about (``required=False``) is recorded only when
        it is cited."""
        if required or citation is not None:
            self.claims.append(Claim(path, what, node, tuple(items), citation))
