"""Reads with limits: FIFOs, devices and huge files are refused with a location, the node and
depth limits apply while a file is parsed, and unreadable source documents are warnings.

Each case once hung, ran out of memory or ended in a traceback (issue 15)."""

from __future__ import annotations

import inspect
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.errors import ScenarioError
from simulator.scenario import load
from simulator.scenario.inherit import MAX_CHAIN, load_with_extends
from simulator.scenario.yamlread import MAX_DEPTH, MAX_NODES, parse_yaml, read_yaml

ROOT = Path(__file__).resolve().parents[2]
posix = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")

SCENARIO = """\
format: 1
name: limits
sources:
  doc: {file: DOC}
issues:
  deal: {options: [a, b]}
parties:
  p1:
    reservation: 0.2
    source: {ref: doc, quote: "the parties agree"}
    issues: {deal: {weight: 1, values: {a: 1, b: 0}}}
  p2:
    reservation: 0.2
    assumption: illustrative numbers
    issues: {deal: {weight: 1, values: {a: 0.5, b: 1}}}
"""


@pytest.fixture
def no_hang():
    """Fail the test (instead of hanging the suite) if it blocks for more than 10 seconds."""

    def timeout(signum, frame):
        raise TimeoutError("blocked: a read that should be refused waited instead")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def only_problem(call, *args, **kwargs):
    with pytest.raises(ScenarioError) as info:
        call(*args, **kwargs)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def zopa(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the command line in a subprocess; a regression that hangs fails after 60 s."""
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd or ROOT,
    )


def sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as stream:
        stream.truncate(size)
    return path


# -- the scenario file itself ------------------------------------------------------------


@posix
def test_a_fifo_as_the_scenario_is_refused_at_line_1(tmp_path, no_hang):
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    problem = only_problem(read_yaml, fifo)
    assert (problem.file, problem.line, problem.column) == (str(fifo), 1, 1)
    assert "named pipe, not a regular file" in problem.message


def test_a_scenario_over_4_mib_is_refused_before_it_is_read(tmp_path):
    path = sparse(tmp_path / "s.yaml", 4 * 2**20 + 1)
    problem = only_problem(read_yaml, path)
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == "the file is larger than the limit of 4 MiB; it is not read"


def test_a_50_mb_file_of_list_items_is_refused_by_size(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"format: 1\nname: x\nitems:\n" + b"  - a\n" * 9_000_000)
    problem = only_problem(read_yaml, path)
    assert (problem.line, problem.column) == (1, 1)
    assert "larger than the limit of 4 MiB" in problem.message


# -- the node and depth limits, while parsing ---------------------------------------------


def test_the_node_limit_stops_the_parse_where_it_is_passed(tmp_path):
    # 500,000 list items in 3 MB: parsing them all would take about a minute; the limit
    # stops the parse at the 1,001st value, on line 1,000 or so, not at the end of the file
    path = tmp_path / "s.yaml"
    path.write_bytes(b"format: 1\nname: x\nitems:\n" + b"  - a\n" * 500_000)
    problem = only_problem(read_yaml, path, max_nodes=1000)
    assert problem.line is not None and 990 <= problem.line <= 1010
    assert problem.message == (
        "the document has more than 1,000 values; a scenario has far fewer, and the rest of "
        "the file is not read"
    )


def test_the_default_node_limit_is_100_000():
    # a document at the default limit takes seconds to parse: check the defaults instead
    assert MAX_NODES == 100_000
    for function in (parse_yaml, read_yaml):
        assert inspect.signature(function).parameters["max_nodes"].default == MAX_NODES


def test_keys_count_as_values():
    text = "".join(f"k{i}: 1\n" for i in range(60))
    assert parse_yaml(text, "s.yaml", max_nodes=121).plain()["k59"] == 1
    problem = only_problem(parse_yaml, text, "s.yaml", max_nodes=120)
    assert problem.line == 60


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_at_the_level_past_the_limit(opening):
    closing = {"[": "]", "{a: ": "}", "- ": ""}[opening]
    text = "a: " + opening * 5000 + "x" + closing * 5000 + "\n"
    if opening == "- ":
        text = "a:\n" + "".join("  " * i + "-\n" for i in range(1, 5000)) + "  " * 5000 + "x\n"
    problem = only_problem(parse_yaml, text, "s.yaml")
    assert problem.message.startswith(f"the document is nested more than {MAX_DEPTH} levels")


def test_nesting_up_to_the_limit_is_read():
    levels = MAX_DEPTH - 1  # the top-level mapping is the first level
    doc = parse_yaml("a: " + "[" * levels + "]" * levels + "\n", "s.yaml")
    value = doc.plain()["a"]
    for _ in range(levels - 1):
        (value,) = value
    assert value == []


def test_nesting_through_aliases_is_refused():
    # each level alone is 60 deep; the alias puts one inside the other, 120 deep
    text = "a: &a " + "[" * 60 + "]" * 60 + "\nb: " + "[" * 60 + "*a" + "]" * 60 + "\n"
    problem = only_problem(parse_yaml, text, "s.yaml")
    assert "once its aliases are resolved" in problem.message
    assert problem.line == 2


# -- extends ------------------------------------------------------------------------------


@posix
def test_extends_dev_zero_is_refused_at_the_extends(tmp_path, no_hang):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    path = tmp_path / "s.yaml"
    path.write_text("name: x\nextends: /dev/zero\n")
    problem = only_problem(load_with_extends, path)
    assert (problem.file, problem.line, problem.column, problem.path) == (
        str(path),
        2,
        10,
        "extends",
    )
    assert problem.message == (
        "cannot use the base file /dev/zero: this is a character device, not a regular file; "
        "zopa reads only regular files"
    )


@posix
def test_extends_a_fifo_is_refused_without_waiting(tmp_path, no_hang):
    os.mkfifo(tmp_path / "pipe.yaml")
    path = tmp_path / "s.yaml"
    path.write_text("extends: pipe.yaml\n")
    problem = only_problem(load_with_extends, path)
    assert (problem.line, problem.column, problem.path) == (1, 10, "extends")
    assert "named pipe, not a regular file" in problem.message


def test_extends_a_huge_file_is_refused_at_the_extends(tmp_path):
    sparse(tmp_path / "base.yaml", 2**30)
    path = tmp_path / "s.yaml"
    path.write_text("extends: base.yaml\n")
    problem = only_problem(load_with_extends, path)
    assert (problem.line, problem.column, problem.path) == (1, 10, "extends")
    assert "larger than the limit of 4 MiB" in problem.message


def test_extends_a_directory_is_refused_at_the_extends(tmp_path):
    (tmp_path / "base.yaml").mkdir()
    path = tmp_path / "s.yaml"
    path.write_text("extends: base.yaml\n")
    problem = only_problem(load_with_extends, path)
    assert (problem.line, problem.path) == (1, "extends")
    assert problem.message.endswith("this is a directory, not a file")


def test_extends_chain_is_limited(tmp_path):
    for i in range(MAX_CHAIN + 5):
        (tmp_path / f"f{i}.yaml").write_text(f"extends: f{i + 1}.yaml\nk{i}: {i}\n")
    (tmp_path / f"f{MAX_CHAIN + 5}.yaml").write_text("last: 1\n")
    problem = only_problem(load_with_extends, tmp_path / "f0.yaml")
    assert problem.message == f"the extends chain is longer than {MAX_CHAIN} files"
    assert problem.file == str(tmp_path / f"f{MAX_CHAIN - 1}.yaml")
    short = load_with_extends(tmp_path / f"f{5 + 1}.yaml").plain()  # 31 files: fine
    assert short["last"] == 1 and short[f"k{MAX_CHAIN + 4}"] == MAX_CHAIN + 4


# -- source documents: a warning, never a hang or a crash ---------------------------------


def scenario_citing(folder: Path, doc: str) -> Path:
    path = folder / "s.yaml"
    path.write_text(SCENARIO.replace("DOC", json.dumps(doc)), encoding="utf-8")
    return path


def cannot_check(path: Path) -> str:
    """The one warning a scenario citing an unreadable document gets (an error if strict)."""
    (warning,) = load(path, env={}).warnings
    assert warning.message.startswith("cannot check the quote: ")
    assert (warning.line, warning.path) == (10, "parties.p1.source.quote")
    problem = only_problem(load, path, env={}, strict=True)
    assert problem == warning
    return warning.message


def test_an_8_gib_source_document_is_not_read(tmp_path):
    sparse(tmp_path / "doc.txt", 8 * 2**30)
    message = cannot_check(scenario_citing(tmp_path, "doc.txt"))
    assert message.endswith(
        "cannot be read (the file is larger than the limit of 32 MiB; it is not read)"
    )


@posix
def test_a_fifo_source_document_is_not_read(tmp_path, no_hang):
    os.mkfifo(tmp_path / "doc.txt")
    message = cannot_check(scenario_citing(tmp_path, "doc.txt"))
    assert "named pipe, not a regular file" in message


@posix
def test_dev_zero_as_a_source_document_is_not_read(tmp_path, no_hang):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    message = cannot_check(scenario_citing(tmp_path, "/dev/zero"))
    assert "character device, not a regular file" in message


def test_a_source_document_within_the_limit_is_checked(tmp_path):
    (tmp_path / "doc.txt").write_text("x " * 100_000 + "The parties  AGREE.\n")
    scenario = load(scenario_citing(tmp_path, "doc.txt"), env={})
    assert scenario.warnings == ()
    assert scenario.provenance.sourced == 2


# -- the command line: exit 2, one located line, no traceback, no wait ---------------------


@posix
def test_cli_refuses_a_fifo_scenario_and_a_fifo_base(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "s.yaml").write_text("extends: pipe.yaml\n")
    proc = zopa("check", "pipe.yaml", "s.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "pipe.yaml:1:1: this is a named pipe, not a regular file; zopa reads only regular files",
        "s.yaml:1:10: extends: cannot use the base file pipe.yaml: this is a named pipe, not a "
        "regular file; zopa reads only regular files",
    ]


@posix
def test_cli_refuses_extends_dev_zero(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    (tmp_path / "s.yaml").write_text("extends: /dev/zero\n")
    proc = zopa("run", "s.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("s.yaml:1:10: extends: cannot use the base file /dev/zero")
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr


@posix
def test_cli_import_genius_refuses_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "domain.xml")
    proc = zopa(
        "import-genius", "domain.xml", "domain.xml", "domain.xml", "-o", "s.yaml", cwd=tmp_path
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("domain.xml: cannot read the file: this is a named pipe")
    assert not (tmp_path / "s.yaml").exists()


def test_a_nul_character_in_a_path_is_a_located_problem(tmp_path):
    # YAML's "\0" escape puts a NUL in a string; the operating system refuses such paths
    path = tmp_path / "s.yaml"
    path.write_text('extends: "a\\0b.yaml"\n')
    problem = only_problem(load_with_extends, path)
    assert (problem.line, problem.column, problem.path) == (1, 10, "extends")
    assert "NUL character" in problem.message
    problem = only_problem(read_yaml, str(tmp_path / "a\0b.yaml"))
    assert problem.message == "the file name contains a NUL character"
    (warning,) = load(scenario_citing(tmp_path, "doc\0.txt"), env={}).warnings
    assert "was not found" in warning.message
