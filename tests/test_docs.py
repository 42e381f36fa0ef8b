"""The documentation's examples run: scenarios load, errors read as shown, commands print
what the pages say.

Conventions in ``docs/**/*.md`` (see ``docs/reference/scenario-format.md``):

- a fenced block whose first line is ``# file: NAME`` is a file: every such block is written
  into one temporary directory (``yaml`` blocks verbatim, other blocks without the marker line),
  so that ``extends:`` and source files resolve between them; a marker line containing
  ``--strict`` loads the scenario in strict mode;
- a ``text`` block right after such a ``yaml`` block, whose lines start with ``NAME:``, is the
  error that file produces: loading must raise ``ScenarioError`` and its text (with the
  temporary directory removed) must contain each line;
- every other ``yaml`` file must load and analyse;
- a ``console`` block holds ``$ zopa ...`` commands, each followed by lines its output must
  contain, compared with runs of spaces collapsed (``...`` stands for omitted output), and
  optionally ``$ echo $?`` and the exit code (0 when not shown). Commands run from the repository root; ``--out DIR`` is redirected into a
  temporary directory.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import simulator
from simulator.scenario import ScenarioError, load

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
MARKER = re.compile(r"#\s*file:\s*(\S+)(.*)")


@dataclass
class Block:
    page: Path
    lang: str
    text: str
    line: int

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(DOCS)}:{self.line}"


@dataclass
class DocFile:
    block: Block
    name: str
    strict: bool
    error: list[str] = field(default_factory=list)


def _blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    return [
        Block(page, m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1)
        for m in FENCE.finditer(text)
    ]


def _files() -> list[DocFile]:
    """Every block marked ``# file:``, each with the error lines documented after it."""
    files: list[DocFile] = []
    for page in PAGES:
        previous: DocFile | None = None
        for block in _blocks(page):
            first = block.text.split("\n", 1)[0]
            marker = MARKER.match(first)
            if marker:
                previous = DocFile(block, marker.group(1), "--strict" in marker.group(2))
                files.append(previous)
                continue
            if (
                block.lang == "text"
                and previous is not None
                and previous.block.lang == "yaml"
                and block.text.startswith(previous.name + ":")
            ):
                previous.error = [line for line in block.text.splitlines() if line.strip()]
            previous = None
    return files


FILES = _files()
SCENARIOS = [f for f in FILES if f.block.lang == "yaml"]
GOOD = [f for f in SCENARIOS if not f.error]
BAD = [f for f in SCENARIOS if f.error]
CONSOLE = [b for page in PAGES for b in _blocks(page) if b.lang == "console"]


@pytest.fixture(scope="module")
def doc_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    for f in FILES:
        text = f.block.text if f.block.lang == "yaml" else f.block.text.split("\n", 1)[1]
        (folder / f.name).write_text(text, encoding="utf-8")
    return folder


def test_docs_exist_and_have_examples():
    names = {p.relative_to(DOCS).as_posix() for p in PAGES}
    assert {
        "index.md",
        "reference/scenario-format.md",
        "reference/cli.md",
        "explanation/solution-concepts.md",
        "how-to/write-a-scenario.md",
    } <= names
    assert len(GOOD) >= 3 and len(BAD) >= 2 and len(CONSOLE) >= 5
    assert len({f.name for f in FILES}) == len(FILES), "two blocks write the same file"


def test_index_links_every_page():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for page in PAGES:
        if page.name != "index.md":
            assert page.relative_to(DOCS).as_posix() in index, page


@pytest.mark.parametrize("doc", GOOD, ids=lambda f: f.name)
def test_scenario_example_loads(doc: DocFile, doc_dir: Path):
    scenario = load(doc_dir / doc.name, strict=doc.strict, env={})
    analysis = simulator.analyze(scenario.model())
    assert analysis.outcome_count > 0


@pytest.mark.parametrize("doc", BAD, ids=lambda f: f.name)
def test_error_example_is_exact(doc: DocFile, doc_dir: Path):
    if doc.strict:  # the file is valid; only strict mode rejects it
        load(doc_dir / doc.name, env={})
    with pytest.raises(ScenarioError) as info:
        load(doc_dir / doc.name, strict=doc.strict, env={})
    shown = str(info.value).replace(str(doc_dir) + os.sep, "")
    for line in doc.error:
        assert line in shown.splitlines(), f"{doc.block.name}: {line!r} not in\n{shown}"


def _commands(block: Block) -> list[tuple[list[str], list[str], int]]:
    """``(args, expected lines, exit code)`` for each ``$ zopa`` command of a block."""
    commands: list[tuple[list[str], list[str], int]] = []
    expecting_code = False
    for line in block.text.splitlines():
        if line.startswith("$ echo $?"):
            expecting_code = True
        elif line.startswith("$ "):
            args = shlex.split(line[2:])
            assert args[0] == "zopa", f"{block.name}: only zopa commands run: {line}"
            commands.append((args[1:], [], 0))
        elif expecting_code:
            args, lines, _ = commands[-1]
            commands[-1] = (args, lines, int(line))
            expecting_code = False
        elif line.strip() and line.strip() != "...":
            commands[-1][1].append(line.strip())
    return commands


@pytest.mark.parametrize("block", CONSOLE, ids=lambda b: b.name)
def test_console_example(block: Block, tmp_path: Path):
    commands = _commands(block)
    assert commands, f"{block.name}: no command"
    for args, expected, code in commands:
        args = [
            str(tmp_path / a) if i and args[i - 1] in ("--out", "--report") else a
            for i, a in enumerate(args)
        ]
        env = {k: v for k, v in os.environ.items() if k != "ZOPA_SOURCES"}
        run = subprocess.run(
            [sys.executable, "-m", "simulator", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        output = (run.stdout + run.stderr).replace(str(tmp_path) + os.sep, "")
        assert run.returncode == code, f"{block.name}: {args}: exit {run.returncode}\n{output}"
        flat = "\n".join(_squeeze(line) for line in output.splitlines())
        for line in expected:
            assert _squeeze(line) in flat, f"{block.name}: {args}: {line!r} not in\n{output}"


def _squeeze(line: str) -> str:
    """A line with runs of white space collapsed (table columns may change width)."""
    return " ".join(line.split())
