"""Scenario inheritance: ``extends: base.yaml`` and the deep merge behind it.

A file with a top-level ``extends`` key is read on top of its base (a path relative to the
file's directory): mappings merge key by key, recursively; any other value (lists included)
replaces the base's; a key set to ``null`` in the derived file removes the key. Chains of
``extends`` work and a cycle is an error. Every node of the result keeps the position of the
file it came from, so later problems name the right file and line.
"""

from __future__ import annotations

import os

from simulator.errors import Problem, ScenarioError
from simulator.scenario.yamlread import Node, a_kind, read_yaml

__all__ = ["load_with_extends", "merge"]


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


def load_with_extends(path: str | os.PathLike[str]) -> Node:
    """Read a scenario file and, if it has ``extends``, merge it over its base (recursively).

    Parameters
    ----------
    path : str or os.PathLike
        The scenario file.

    Returns
    -------
    Node
        The top-level mapping, without the ``extends`` key.

    Raises
    ------
    ScenarioError
        If any file in the chain is unreadable or broken, ``extends`` is not a string, the
        base file does not exist, or the chain is a cycle.
    """
    return _load(str(os.fspath(path)), [])


def _load(name: str, chain: list[tuple[str, str]]) -> Node:
    """Load ``name``; ``chain`` lists (real path, path as shown) of the files extending it."""
    root = read_yaml(name)
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
    base_name = os.path.normpath(os.path.join(os.path.dirname(name), extends.value))
    real = os.path.realpath(base_name)
    if real in (seen for seen, _ in chain):
        cycle = " -> ".join([shown for _, shown in chain] + [base_name])
        raise _fail(extends, f"the extends chain is a cycle: {cycle}")
    if not os.path.exists(base_name):
        raise _fail(extends, f"the base file {base_name} was not found")
    return merge(_load(base_name, chain), _without_extends(root))


def _without_extends(root: Node) -> Node:
    values = {k: v for k, v in root.value.items() if k != "extends"}
    keys = {k: v for k, v in root.keys.items() if k != "extends"}
    return Node(values, root.file, root.line, root.column, keys)


def _fail(node: Node, message: str) -> ScenarioError:
    return ScenarioError([Problem(node.file, node.line, node.column, "extends", message)])
