"""A tiny document model -- headings, paragraphs, bullet lists, tables -- rendered as
terminal text or as Markdown, so both reports say the same thing."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Document"]


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


@dataclass
class Document:
    """Blocks appended in order; :meth:`text` and :meth:`markdown` render them."""

    blocks: list[tuple] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(("heading", level, text))

    def para(self, text: str) -> None:
        self.blocks.append(("para", text))

    def bullets(self, items: Sequence[str]) -> None:
        if items:
            self.blocks.append(("bullets", list(items)))

    def numbered(self, items: Sequence[str]) -> None:
        if items:
            self.blocks.append(("numbered", list(items)))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.blocks.append(("table", list(header), [list(map(str, r)) for r in rows]))

    # -- renderers ---------------------------------------------------------------------------
    def text(self, width: int = 100) -> str:
        out: list[str] = []
        for block in self.blocks:
            kind = block[0]
            if kind == "heading":
                _, level, text = block
                if out and out[-1] != "":
                    out.append("")
                out += [text, {1: "=", 2: "-"}.get(level, "~") * len(text)]
            elif kind == "para":
                out += (textwrap.wrap(block[1], width) or [""]) + [""]
            elif kind == "bullets":
                for item in block[1]:
                    out += textwrap.wrap(
                        item, width, initial_indent="  - ", subsequent_indent="    "
                    )
                out.append("")
            elif kind == "numbered":
                for k, item in enumerate(block[1], 1):
                    out += textwrap.wrap(
                        item, width, initial_indent=f"  {k}. ", subsequent_indent="     "
                    )
                out.append("")
            else:
                _, header, rows = block
                widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
                out += [_row(header, widths), "  " + "  ".join("-" * w for w in widths)]
                out += [_row(r, widths) for r in rows] + [""]
        return "\n".join(out).strip("\n") + "\n"

    def markdown(self) -> str:
        out: list[str] = []
        for block in self.blocks:
            kind = block[0]
            if kind == "heading":
                out += ["#" * block[1] + " " + block[2], ""]
            elif kind == "para":
                out += [block[1], ""]
            elif kind == "bullets":
                out += [f"- {item}" for item in block[1]] + [""]
            elif kind == "numbered":
                out += [f"{k}. {item}" for k, item in enumerate(block[1], 1)] + [""]
            else:
                _, header, rows = block
                out.append("| " + " | ".join(map(_escape, header)) + " |")
                out.append("|" + "|".join("---" for _ in header) + "|")
                out += ["| " + " | ".join(map(_escape, r)) + " |" for r in rows]
                out.append("")
        return "\n".join(out)
