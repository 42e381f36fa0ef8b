"""Scenario inheritance: ``extends: base.yaml`` and the deep merge behind it.

A file with a top-level ``extends`` key is read on top of its base (a path relative to the
file's directory): mappings merge key by key, recursively; any other value (lists included)
replaces the base's; a key set to ``null`` in the derived file removes the key. Chains of
``extends`` work and a cycle is an error. Every node of the result keeps the position of the
file it came from, so later problems name the right file and line.

A base is read like the scenario itself (a regular file within
:data:`~simulator.scenario.files.MAX_SCENARIO_BYTES`); a base that cannot be read is reported
at the ``extends`` that names it. A chain may be at most :data:`MAX_CHAIN` files long. With
``confine=True`` every base must lie in the scenario's folder or below, symbolic links
resolved.
"""

from __future__ import annotations

import os

from simulator.errors import Problem, ScenarioError
from simulator.scenario.files import MAX_SCENARIO_BYTES, FileRefused, inside, read_limited
from simulator.scenario.yamlread import Node, a_kind, parse_yaml, read_yaml

__all__ = ["MAX_CHAIN", "load_with_extends", "merge"]

MAX_CHAIN = 32
"""The longest ``extends`` chain, counting the scenario itself."""


def merge(base: Node, top: Node) -> Node:
    """Lay ``top`` over ``base``.

    Two mappings merge key by key (recursively; the base's keys keep their order and new keys
    follow); a key whose value in ``top`` is null is removed from the result. In every other
    case ``top`` replaces ``base``. Neither argument is changed.

    Examples
    --------
    >>> from simulator.scenario.yamlread import parse_yaml
    >>> base = parse_yaml("a: {x: 1, y: 2}\\nb: [1, 2]\\nc: 3\\n", "base.yaml")
    >>> top = parse_yaml("a: {y: 20}\\nb: [9]\\nc: null\\n", "top.yaml")
    >>> merged = merge(base, top)
    >>> merged.plain()
    {'a': {'x': 1, 'y': 20}, 'b': [9]}
    >>> merged.value["a"].value["x"].file, merged.value["a"].value["y"].file
    ('base.yaml', 'top.yaml')
    """
    if not (isinstance(base.value, dict) and isinstance(top.value, dict)):
        return top
    values = dict(base.value)
    keys = dict(base.keys)
    for name, node in top.value.items():
        if node.value is None:
            values.pop(name, None)
            keys.pop(name, None)
            continue
        values[name] = merge(values[name], node) if name in values else node
        if name in top.keys:
            keys[name] = top.keys[name]
    return Node(values, top.file, top.line, top.column, keys)


def load_with_extends(path: str | os.PathLike[str], *, confine: bool = False) -> Node:
    """Read a scenario file and, if it has ``extends``, merge it over its base (recursively).

    Parameters
    ----------
    path : str or os.PathLike
        The scenario file.
    confine : bool
        If true, every base file must lie in the scenario's folder or below (symbolic links
        resolved); one outside is an error at its ``extends``.

    Returns
    -------
    Node
        The top-level mapping, without the ``extends`` key.

    Raises
    ------
    ScenarioError
        If any file in the chain is unreadable or broken, ``extends`` is not a string, the
        base file does not exist, is not a regular file, is too large or (``confine``) lies
        outside the scenario's folder, or the chain is a cycle or longer than
        :data:`MAX_CHAIN`.
    """
    name = str(os.fspath(path))
    folder = os.path.dirname(os.path.abspath(name)) if confine else None
    return _load(name, [], read_yaml(name), folder)


def _load(name: str, chain: list[tuple[str, str]], root: Node, folder: str | None) -> Node:
    """Merge ``root`` (read from ``name``) over its bases; ``chain`` lists (real path, path as
    shown) of the files extending it; ``folder`` confines the bases, if given."""
    chain = [*chain, (os.path.realpath(name), name)]
    extends = root.value.get("extends")
    if extends is None:
        return _without_extends(root)
    if not isinstance(extends.value, str) or not extends.value.strip():
        shown = "an empty string" if isinstance(extends.value, str) else a_kind(extends)
        raise _fail(
            extends,
            f"extends must be the path of the base file, relative to this file; found {shown}",
        )
    if "\x00" in extends.value:
        raise _fail(extends, "the path of the base file contains a NUL character ('\\0')")
    base_name = os.path.normpath(os.path.join(os.path.dirname(name), extends.value))
    real = os.path.realpath(base_name)
    if real in (seen for seen, _ in chain):
        cycle = " -> ".join([shown for _, shown in chain] + [base_name])
        raise _fail(extends, f"the extends chain is a cycle: {cycle}")
    if folder is not None and not inside(base_name, folder):
        raise _fail(
            extends,
            f"the base file {_shown(base_name)} is outside the scenario's folder {folder}; with "
            "--confine (confine=True) a base must lie in that folder or below",
        )
    if len(chain) >= MAX_CHAIN:
        raise _fail(extends, f"the extends chain is longer than {MAX_CHAIN} files")
    if not os.path.exists(base_name):
        raise _fail(extends, f"the base file {base_name} was not found")
    try:
        data = read_limited(base_name, MAX_SCENARIO_BYTES)
    except FileRefused as error:
        raise _fail(extends, f"cannot use the base file {base_name}: {error}") from None
    base = parse_yaml(data, base_name)
    return merge(_load(base_name, chain, base, folder), _without_extends(root))


def _without_extends(root: Node) -> Node:
    values = {k: v for k, v in root.value.items() if k != "extends"}
    keys = {k: v for k, v in root.keys.items() if k != "extends"}
    return Node(values, root.file, root.line, root.column, keys)


def _fail(node: Node, message: str) -> ScenarioError:
    return ScenarioError([Problem(node.file, node.line, node.column, "extends", message)])


def _shown(path: str) -> str:
    """``path``, and where it leads if it goes through a symbolic link."""
    real = os.path.realpath(path)
    return path if real == os.path.abspath(path) else f"{path} (a link to {real})"
