"""Reports of a :class:`~simulator.study.Study`: the contract's JSON, terminal text and
Markdown."""

from simulator.report.jsonout import result_json
from simulator.report.text import render_markdown, render_text

__all__ = ["render_markdown", "render_text", "result_json"]
