"""zopa: find where agreement is possible in multi-issue, multi-party negotiations.

The public API is short: build a model (:func:`compile_model` from issues and parties),
then :func:`analyze` it or :func:`evaluate` a proposal.
Names are imported on first use, so that ``zopa --help`` starts without numpy or scipy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "analyze": "simulator.analysis",
    "evaluate": "simulator.analysis",
    "compile_model": "simulator.model",
    "ScenarioError": "simulator.errors",
    "SpaceTooLargeError": "simulator.errors",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from simulator.analysis import analyze, evaluate
    from simulator.errors import ScenarioError, SpaceTooLargeError
    from simulator.model import compile_model


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
