"""Read YAML safely into a tree of nodes that remember where they came from.

The lowest layer of scenario loading. :func:`parse_yaml` turns text into a :class:`Node`
tree; every node carries its file, line and column (1-based) so later checks can point at
the offending place. Nothing in a file is ever evaluated as code:

- Only the plain YAML core types are built: strings, integers, floats, booleans, null,
  mappings and lists. Any other tag (``!!python/...``, ``!!binary``, ``!custom``) is a
  :class:`~simulator.errors.Problem`, never constructed.
- Implicit typing follows PyYAML's ``SafeLoader`` (so ``yes``/``no`` are booleans and
  ``.nan``/``.inf`` are floats), except that dates stay strings and exponent floats without a
  dot (``1e-3``) are floats, as in YAML 1.2.
- The file must be a regular file of at most :data:`~simulator.scenario.files.MAX_SCENARIO_BYTES`
  bytes (:func:`read_yaml`); a FIFO, a device or a larger file is refused before it is read.
- A document of more than ``max_nodes`` values, or nested more than :data:`MAX_DEPTH` levels
  deep, is refused while it is parsed, as soon as the limit is passed.
- Aliases are resolved by sharing nodes; a document that would expand to more than
  ``max_nodes`` nodes ("billion laughs") or that contains itself is rejected before anything is
  expanded, by counting over the node graph with memoisation.
- Merge keys ``<<`` are supported as in YAML 1.1: the merged keys take the place of the ``<<``
  entry, keys given explicitly win, and with a list of mappings the earlier mapping wins.
- Keys must be strings and unique; the file must be one UTF-8 document whose top level is a
  mapping.

Every failure raises :class:`~simulator.errors.ScenarioError`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from simulator.errors import Problem, ScenarioError, sort_problems
from simulator.scenario.files import MAX_SCENARIO_BYTES, FileRefused, read_limited

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "Node",
    "a_kind",
    "child_path",
    "parse_yaml",
    "read_yaml",
    "shorten",
]

MAX_NODES = 100_000
"""Default bound on the number of nodes a document may hold, and expand to once aliases are
resolved."""

MAX_DEPTH = 100
"""The deepest nesting of mappings and lists a document may have (a scenario needs about 10)."""

_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ, _MERGE = _CORE + "map", _CORE + "seq", _CORE + "merge"
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _MERGE}
_EMPTY = "the file is empty; expected a mapping with keys format, name, issues, parties"
_KINDS = {
    dict: "mapping",
    list: "list",
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


@dataclass(frozen=True)
class Node:
    """A value read from a YAML file, with its position.

    Attributes
    ----------
    value : dict[str, Node] | list[Node] | str | int | float | bool | None
        A mapping (key order as in the file), a list, or a scalar's Python value.
    file : str
        The file the value was read from, as the path was given.
    line, column : int
        1-based position of the value's first character.
    keys : dict[str, Node]
        For a mapping, the node of each key (its position, for "unknown key" messages);
        empty otherwise.
    """

    value: Any
    file: str
    line: int
    column: int
    keys: dict[str, Node] = field(default_factory=dict, repr=False, compare=False)

    @property
    def kind(self) -> str:
        """``'mapping'``, ``'list'``, ``'string'``, ``'integer'``, ``'number'``,
        ``'boolean'`` or ``'null'``."""
        return _KINDS[type(self.value)]

    def plain(self) -> Any:
        """Return the value as plain Python objects (dicts, lists, scalars), recursively."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value

    def key_node(self, key: str) -> Node:
        """In a mapping, the node to report a problem with ``key`` at: the key itself if its
        position is known (it is for keys read from a file), else its value.

        >>> value, key = Node(1, "s.yaml", 1, 4), Node("a", "s.yaml", 1, 1)
        >>> Node({"a": value}, "s.yaml", 1, 1, {"a": key}).key_node("a") is key
        True
        >>> Node({"a": value}, "s.yaml", 1, 1).key_node("a") is value
        True
        """
        found = self.keys.get(key)
        return found if found is not None else self.value[key]


def a_kind(node: Node) -> str:
    """The node's kind with an article, for messages: ``'a list'``, ``'an integer'``, ``'null'``.

    >>> a_kind(Node(3, "s.yaml", 1, 1))
    'an integer'
    """
    if node.kind == "null":
        return "null"
    return ("an " if node.kind[0] in "aeiou" else "a ") + node.kind


def child_path(path: str, key: str | int) -> str:
    """Extend a dotted field path by a mapping key or a list index.

    >>> child_path(child_path(child_path("", "constraints"), 0), "if")
    'constraints[0].if'
    """
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class _Loader(yaml.SafeLoader):
    """SafeLoader's scanner, parser and composer; resolvers without dates, with 1e-3 floats.

    The composer counts the nodes it builds and their depth, and stops with a
    :class:`~simulator.errors.ScenarioError` as soon as ``max_nodes`` or :data:`MAX_DEPTH` is
    passed, before the rest of the file is parsed. The depth is checked twice: in the file
    before a node is composed (so that composing never recurses too deep), and once aliases
    are resolved after it is composed (an alias may put a deep value deep inside another;
    anchors come before their aliases, so a node's children are complete by then).
    """

    def __init__(self, stream: str, filename: str, max_nodes: int):
        super().__init__(stream)
        self.filename = filename
        self.max_nodes = max_nodes
        self.composed = 0
        self.depth = 0
        self.heights: dict[int, int] = {}  # id(node) -> levels below it, aliases resolved

    def _refuse(self, mark: yaml.Mark, message: str) -> ScenarioError:
        return _fail(self.filename, mark.line + 1, mark.column + 1, message)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(AliasEvent):  # a shared node: counted by _count, not here
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        mark = self.peek_event().start_mark
        self.composed += 1
        if self.composed > self.max_nodes:
            raise self._refuse(
                mark,
                f"the document has more than {self.max_nodes:,} values; a scenario has far "
                "fewer, and the rest of the file is not read",
            )
        deep = (
            f"the document is nested more than {MAX_DEPTH} levels deep (mappings and lists "
            "inside each other{}); a scenario needs far fewer"
        )
        if self.depth >= MAX_DEPTH:
            raise self._refuse(mark, deep.format(""))
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            children = []
        height = 1 + max((self.heights.get(id(c), 0) for c in children), default=0)
        if height > MAX_DEPTH:
            raise self._refuse(mark, deep.format(", once its aliases are resolved"))
        self.heights[id(node)] = height
        return node  # type: ignore[no-any-return]


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag in _SCALAR_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _FLOAT, re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789")
)
_SAFE = SafeConstructor()


def read_yaml(
    path: str | os.PathLike[str],
    *,
    max_nodes: int = MAX_NODES,
    max_bytes: int = MAX_SCENARIO_BYTES,
) -> Node:
    """Read a YAML file whose top level is a mapping; see :func:`parse_yaml`.

    Only a regular file of at most ``max_bytes`` bytes is read
    (:func:`~simulator.scenario.files.read_limited`): a FIFO, a device or a larger file is
    refused without waiting or reading it.

    Raises
    ------
    ScenarioError
        If the file cannot be read (``file not found``, a directory, not a regular file, too
        large, ...; located at line 1, column 1 when the file exists) or :func:`parse_yaml`
        rejects it.
    """
    name = str(os.fspath(path))
    try:
        data = read_limited(path, max_bytes)
    except FileRefused as error:
        where = 1 if error.exists else None
        raise _fail(name, where, where, str(error)) from None
    return parse_yaml(data, name, max_nodes=max_nodes)


def parse_yaml(text: bytes | str, filename: str, *, max_nodes: int = MAX_NODES) -> Node:
    """Parse one YAML document whose top level is a mapping into a :class:`Node` tree.

    Parameters
    ----------
    text : bytes or str
        The file's content; bytes must be UTF-8 (a leading byte-order mark is ignored).
    filename : str
        The name problems and nodes refer to.
    max_nodes : int
        The largest number of nodes the document may hold, and expand to once aliases are
        resolved.

    Returns
    -------
    Node
        The top-level mapping.

    Raises
    ------
    ScenarioError
        With every problem found: bad encoding, broken syntax, several documents, a tag, a
        non-string or duplicate key, too many nodes, too deep a nesting, an alias bomb, an
        empty file or a top level that is not a mapping.

    Examples
    --------
    >>> doc = parse_yaml("format: 1\\nname: demo\\n", "demo.yaml")
    >>> doc.value["name"].line, doc.value["name"].column
    (2, 7)
    >>> doc.plain()
    {'format': 1, 'name': 'demo'}
    """
    text = _decode(text, filename)
    try:
        root = _compose(text, filename, max_nodes)
        if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL and not root.value):
            raise _fail(filename, 1, 1, _EMPTY)
        if _count(root, {}, set(), filename) > max_nodes:
            raise _fail(
                filename,
                root.start_mark.line + 1,
                root.start_mark.column + 1,
                f"the document expands to more than {max_nodes:,} values once its "
                "aliases are resolved (an alias bomb?); it is not read",
            )
        problems: list[Problem] = []
        node = _Builder(filename, problems).build(root, "")
    except RecursionError:
        raise _fail(filename, None, None, "the document is nested too deeply") from None
    if problems:
        raise ScenarioError(sort_problems(problems))
    if not isinstance(node.value, dict):
        raise _fail(
            filename,
            node.line,
            node.column,
            "the top level must be a mapping with keys format, name, issues, parties; "
            f"found {a_kind(node)}",
        )
    return node


def _fail(file: str, line: int | None, column: int | None, message: str) -> ScenarioError:
    return ScenarioError([Problem(file, line, column, "", message)])


def _position(data: bytes | str, index: int) -> tuple[int, int]:
    """1-based line and column of the character (or byte) at ``index``."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    head = data[:index]
    return head.count(newline) + 1, index - (head.rfind(newline) + 1) + 1  # type: ignore[arg-type]


def _decode(text: bytes | str, filename: str) -> str:
    """Return ``text`` as a string without byte-order mark, or raise if it is not UTF-8 text."""
    if isinstance(text, bytes):
        data = text.removeprefix(b"\xef\xbb\xbf")
        bad, reason = data.find(b"\x00"), "it contains NUL bytes: binary data?"
        decoded = ""
        if bad < 0:
            try:
                decoded = data.decode("utf-8")
            except UnicodeDecodeError as error:
                bad, reason = error.start, f"byte 0x{data[error.start]:02x} is not valid UTF-8"
        if bad >= 0:
            raise _fail(filename, *_position(data, bad), f"the file is not UTF-8 text ({reason})")
        text = decoded
    text = text.removeprefix("\ufeff")
    bad = text.find("\x00")
    if bad >= 0:
        raise _fail(
            filename,
            *_position(text, bad),
            "the file is not UTF-8 text (it contains NUL characters: binary data?)",
        )
    return text


def _compose(text: str, filename: str, max_nodes: int) -> yaml.Node | None:
    """Compose the single document of ``text`` into PyYAML's node graph (nothing constructed)."""
    loader = None
    try:
        loader = _Loader(text, filename, max_nodes)
        if not loader.check_node():
            return None
        root = loader.get_node()
        if loader.check_node():
            mark = loader.peek_event().start_mark
            raise _fail(
                filename,
                mark.line + 1,
                mark.column + 1,
                "the file holds several YAML documents; a scenario is one document "
                "(remove the '---' separator)",
            )
        return root
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"broken YAML syntax: {error.problem or error.context}"
        if error.context and error.problem and error.context_mark:
            message += f" ({error.context} at line {error.context_mark.line + 1})"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise _fail(filename, line, column, message) from None
    except yaml.reader.ReaderError as error:
        line, column = _position(text, error.position)
        raise _fail(
            filename,
            line,
            column,
            f"the file contains a character that is not allowed in YAML (#x{error.character:04x})",
        ) from None
    except yaml.YAMLError as error:
        raise _fail(filename, None, None, f"broken YAML: {error}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _count(node: yaml.Node, memo: dict[int, int], active: set[int], filename: str) -> int:
    """Number of nodes ``node`` expands to, counting each shared (aliased) subgraph once."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise _fail(
            filename,
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            "an alias refers to a value that contains it (a recursive alias)",
        )
    active.add(key)
    total = 1
    if isinstance(node, SequenceNode):
        total += sum(_count(item, memo, active, filename) for item in node.value)
    elif isinstance(node, MappingNode):
        for k, v in node.value:
            total += _count(k, memo, active, filename) + _count(v, memo, active, filename)
    active.discard(key)
    memo[key] = total
    return total


def shorten(value: Any) -> str:
    """``repr(value)``, cut to 40 characters for messages."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _tag_ok(node: yaml.Node) -> bool:
    """Whether ``node`` has a core tag that fits its kind (scalar, sequence or mapping)."""
    expected = {ScalarNode: _SCALAR_TAGS, SequenceNode: {_SEQ}, MappingNode: {_MAP}}
    return node.tag in expected[type(node)]


class _Builder:
    """Turn PyYAML's node graph into :class:`Node` trees, collecting problems as it goes."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.file = filename
        self.problems = problems
        self.built: dict[int, Node] = {}  # an aliased yaml node is built once and shared

    def problem(self, node: yaml.Node, path: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, path, message))

    def build(self, node: yaml.Node, path: str) -> Node:
        if id(node) not in self.built:
            self.built[id(node)] = self._build(node, path)
        return self.built[id(node)]

    def _make(self, node: yaml.Node, value: Any, keys: dict[str, Node] | None = None) -> Node:
        mark = node.start_mark
        return Node(value, self.file, mark.line + 1, mark.column + 1, keys or {})

    def _build(self, node: yaml.Node, path: str) -> Node:
        if not _tag_ok(node):
            tag = node.tag.replace(_CORE, "!!")
            self.problem(
                node,
                path,
                f"tags are not allowed in scenario files ({tag}); write "
                "plain strings, numbers, booleans, null, mappings and lists",
            )
            return self._make(node, None)
        if isinstance(node, SequenceNode):
            items = [self.build(item, child_path(path, i)) for i, item in enumerate(node.value)]
            return self._make(node, items)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        return self._make(node, self._scalar(node, path))

    def _scalar(self, node: ScalarNode, path: str) -> Any:
        try:
            if node.tag == _INT:
                return _SAFE.construct_yaml_int(node)
            if node.tag == _FLOAT:
                return _SAFE.construct_yaml_float(node)
            if node.tag == _BOOL:
                return _SAFE.bool_values[node.value.lower()]
            if node.tag == _NULL:
                return None
        except (ValueError, KeyError, IndexError):
            kind = {_INT: "an integer", _FLOAT: "a number", _BOOL: "a boolean"}[node.tag]
            self.problem(node, path, f"{shorten(node.value)} cannot be read as {kind}")
            return None
        return node.value

    def _mapping(self, node: MappingNode, path: str) -> Node:
        explicit: dict[str, Node] = {}  # key -> key node
        pairs: list[tuple[str, yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE:
                name = "<<"
            elif isinstance(key_node, ScalarNode) and key_node.tag == _STR:
                name = key_node.value
            else:
                found = self.build(key_node, path)
                if _tag_ok(key_node):  # else the tag is already reported
                    shown = (
                        found.kind
                        if found.kind in ("mapping", "list", "null")
                        else (f"{found.kind} {shorten(found.value)}")
                    )
                    self.problem(
                        key_node,
                        path,
                        f"keys must be strings; found {shown} (put the key in quotes)",
                    )
                continue
            if name in explicit:
                first = explicit[name]
                self.problem(
                    key_node,
                    child_path(path, name),
                    f"duplicate key {name!r}; it was first given at line {first.line}",
                )
                continue
            explicit[name] = self._make(key_node, name)
            pairs.append((name, key_node, value_node))
        values: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        for name, _key_node, value_node in pairs:
            if name == "<<":
                for source in self._merge_sources(value_node, path):
                    for k, v in source.value.items():
                        if k not in explicit and k not in values:
                            values[k], keys[k] = v, source.keys[k]
            else:
                values[name] = self.build(value_node, child_path(path, name))
                keys[name] = explicit[name]
        return self._make(node, values, keys)

    def _merge_sources(self, node: yaml.Node, path: str) -> list[Node]:
        merged = self.build(node, child_path(path, "<<"))
        sources = merged.value if isinstance(merged.value, list) else [merged]
        if all(isinstance(s.value, dict) for s in sources):
            return sources
        self.problem(
            node,
            child_path(path, "<<"),
            "a merge key '<<' needs a mapping or a list of mappings (usually aliases)",
        )
        return []
