"""Reading GENIUS XML files safely, with the line and column of every element.

:class:`XmlFile` parses one file and collects the problems found in it; the readers in
:mod:`simulator.io.genius_tree`, :mod:`simulator.io.genius_values` and
:mod:`simulator.io.genius_read` report through it, and :meth:`XmlFile.fail_if_problems` raises
them all at once.

Files are parsed with the standard library's expat parser (the parser behind
:mod:`xml.etree.ElementTree`) into ElementTree elements, recording each element's line.
``defusedxml`` is not used, so documents with a ``<!DOCTYPE`` or ``<!ENTITY`` declaration are
refused outright (no entity expansion, no external entities). Every problem found in a file is
reported together, as a :class:`~simulator.errors.ScenarioError` whose problems give the file,
the line and column, the XML path (``objective.issue[2].item[3].evaluation``: element names
with their position among same-named siblings, counted from 0, then the attribute) and what
was expected.
"""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from simulator.errors import Problem, ScenarioError
from simulator.scenario.files import MAX_SOURCE_BYTES, FileRefused, read_limited

__all__ = ["XmlFile", "children"]


class _Forbidden(Exception):
    """A DOCTYPE or ENTITY declaration met while parsing."""


_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


class XmlFile:
    """One XML file being read: its elements' positions and the problems found in it."""

    def __init__(self, path: str | os.PathLike[str]):
        self.name = str(os.fspath(path))
        self.problems: list[Problem] = []
        self.where: dict[int, tuple[int, int]] = {}

    def report(self, element: ET.Element | None, path: str, message: str) -> None:
        line, column = self.where.get(id(element), (None, None))
        self.problems.append(Problem(self.name, line, column, path, message))

    def fail_if_problems(self) -> None:
        if self.problems:
            raise ScenarioError(sorted(self.problems, key=lambda p: (p.line or 0, p.column or 0)))

    def parse(self) -> ET.Element:
        """Parse the file; raise :class:`ScenarioError` if it is unreadable or not well formed."""
        try:  # a regular file within the limit: never a FIFO that blocks or /dev/zero
            data = read_limited(self.name, MAX_SOURCE_BYTES)
        except FileRefused as err:
            self.problems.append(Problem(self.name, None, None, "", f"cannot read the file: {err}"))
            self.fail_if_problems()
        found = _DECLARATION.search(data)
        if found:
            line = data.count(b"\n", 0, found.start()) + 1
            column = found.start() - (data.rfind(b"\n", 0, found.start()) + 1) + 1
            self.problems.append(
                Problem(
                    self.name,
                    line,
                    column,
                    "",
                    f"the document contains a <!{found.group(1).decode().upper()} declaration; "
                    "DOCTYPE and ENTITY declarations are refused (entity expansion could "
                    "exhaust memory); GENIUS files do not need them: delete the declaration",
                )
            )
            self.fail_if_problems()
        parser = expat.ParserCreate()
        stack: list[ET.Element] = []
        roots: list[ET.Element] = []

        def start(tag: str, attrs: dict[str, str]) -> None:
            element = ET.Element(tag, attrs)
            self.where[id(element)] = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
            (stack[-1].append(element) if stack else roots.append(element))
            stack.append(element)

        def end(tag: str) -> None:
            stack.pop()

        def forbidden(*args: object) -> None:
            raise _Forbidden

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.StartDoctypeDeclHandler = forbidden
        parser.EntityDeclHandler = forbidden
        try:
            parser.Parse(data, True)
        except expat.ExpatError as err:
            self.problems.append(
                Problem(
                    self.name,
                    err.lineno,
                    err.offset + 1,
                    "",
                    f"not well-formed XML: {expat.ErrorString(err.code)}",
                )
            )
        except _Forbidden:
            self.problems.append(
                Problem(
                    self.name,
                    parser.CurrentLineNumber,
                    parser.CurrentColumnNumber + 1,
                    "",
                    "the document contains a DOCTYPE or ENTITY declaration; these are refused "
                    "(entity expansion could exhaust memory): delete the declaration",
                )
            )
        self.fail_if_problems()
        return roots[0]

    # -- attribute helpers -----------------------------------------------------------

    def text(self, element: ET.Element, path: str, attr: str, what: str) -> str | None:
        """A required non-empty attribute."""
        value = element.get(attr)
        if value is None:
            self.report(element, path, f"missing attribute {attr!r} ({what})")
            return None
        if not value.strip():
            self.report(element, f"{path}.{attr}", f"expected {what}; found an empty string")
            return None
        return value

    def number(
        self,
        element: ET.Element,
        path: str,
        attr: str,
        what: str,
        ok=None,
        default: float | None = None,
    ) -> float | None:
        """A numeric attribute (required unless ``default`` is given) for which ``ok`` holds."""
        raw = element.get(attr)
        if raw is None:
            if default is None:
                self.report(element, path, f"missing attribute {attr!r} ({what})")
            return default
        try:
            x = float(raw)
        except ValueError:
            x = math.nan
        if not math.isfinite(x) or "_" in raw:
            self.report(element, f"{path}.{attr}", f"expected {what}; found {raw!r}")
            return None
        if ok is not None and not ok(x):
            self.report(
                element, f"{path}.{attr}", f"{raw.strip()} is out of range; expected {what}"
            )
            return None
        return x


def children(element: ET.Element, tag: str, path: str) -> list[tuple[ET.Element, str]]:
    """``(child, path)`` for each child named ``tag``."""
    found = [c for c in element if c.tag == tag]
    prefix = f"{path}." if path else ""
    return [(c, f"{prefix}{tag}[{i}]") for i, c in enumerate(found)]
