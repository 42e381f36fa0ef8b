"""Strict JSON text: every JSON zopa writes goes through :func:`dumps`.

Python's :func:`json.dumps` writes ``NaN``, ``Infinity`` and ``-Infinity`` by default, which
are not JSON (RFC 8259) and which most readers refuse. A non-finite number has no JSON
spelling, so :func:`dumps` writes it as ``null`` (the reports say what ``null`` means where
one can occur, e.g. a Nash ``objective`` when some signatory gains exactly nothing: the log
of 0), and ``allow_nan=False`` guarantees nothing non-finite slips through.

Examples
--------
>>> print(dumps({"objective": float("-inf"), "gains": [0.5, float("nan")]}, indent=None))
{"objective": null, "gains": [0.5, null]}
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["dumps", "finite"]


def finite(data: Any) -> Any:
    """``data`` with every non-finite float (NaN, +-infinity) replaced by ``None``, through
    dicts, lists and tuples (tuples become lists, as JSON has them)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(v) for v in data]
    return data


def dumps(data: Any, *, indent: int | None = 2, **kwargs: Any) -> str:
    """Strict JSON for ``data`` (non-finite numbers as ``null``); ``kwargs`` go to
    :func:`json.dumps`."""
    return json.dumps(finite(data), indent=indent, allow_nan=False, **kwargs)
