"""The public API: ``simulator.__all__``, the lazy export table and docs/reference/api.md agree."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import simulator

ROOT = Path(__file__).resolve().parent.parent


def test_all_and_the_lazy_export_table_agree():
    assert sorted(simulator.__all__) == sorted(simulator._EXPORTS)
    assert len(set(simulator.__all__)) == len(simulator.__all__)
    for name, module in simulator._EXPORTS.items():
        assert getattr(simulator, name) is getattr(importlib.import_module(module), name)


def test_type_checking_imports_name_every_export():
    tree = ast.parse((ROOT / "simulator" / "__init__.py").read_text(encoding="utf-8"))
    guarded = next(n for n in tree.body if isinstance(n, ast.If))
    imported = {
        alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == simulator._EXPORTS


def test_api_page_is_what_the_script_writes():
    run = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "reference" / "make_api.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    page = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    for name in simulator.__all__:
        assert f"### `simulator.{name}`" in page
