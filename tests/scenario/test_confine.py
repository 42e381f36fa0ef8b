"""``load(..., confine=True)``, ``--confine`` and ``ZOPA_CONFINE``: ``extends`` and source
files stay in the scenario's folder (source files also in the directories the user names)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.errors import ScenarioError
from simulator.scenario import load

ROOT = Path(__file__).resolve().parents[2]
posix = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")

BODY = """\
format: 1
name: confined
issues:
  deal: {options: [a, b]}
parties:
  p1:
    reservation: 0.2
    assumption: illustrative numbers
    issues: {deal: {weight: 1, values: {a: 1, b: 0}}}
  p2:
    reservation: 0.2
    assumption: illustrative numbers
    issues: {deal: {weight: 1, values: {a: 0.5, b: 1}}}
"""

CITING = """\
format: 1
name: confined
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
def tree(tmp_path):
    """``in/`` holds the scenarios; ``out/`` (beside it) a base and a document."""
    inbox, outside = tmp_path / "in", tmp_path / "out"
    (inbox / "sub").mkdir(parents=True)
    outside.mkdir()
    for folder in (inbox / "sub", outside):
        (folder / "base.yaml").write_text(BODY)
        (folder / "doc.txt").write_text("Here the parties agree.\n")
    return inbox, outside


def extending(folder: Path, base: str, name: str = "s.yaml") -> Path:
    path = folder / name
    path.write_text(f"name: variant\nextends: {json.dumps(base)}\n")
    return path


def citing(folder: Path, doc: str, name: str = "s.yaml") -> Path:
    path = folder / name
    path.write_text(CITING.replace("DOC", json.dumps(doc)))
    return path


def only_problem(path, **kwargs):
    with pytest.raises(ScenarioError) as info:
        load(path, **{"env": {}, **kwargs})
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


# -- extends ------------------------------------------------------------------------------


def test_extends_outside_loads_unless_confined(tree):
    inbox, outside = tree
    path = extending(inbox, "../out/base.yaml")
    assert load(path, env={}).name == "variant"  # any readable file, by default
    problem = only_problem(path, confine=True)
    assert (problem.file, problem.line, problem.column, problem.path) == (
        str(path),
        2,
        10,
        "extends",
    )
    assert problem.message == (
        f"the base file {outside / 'base.yaml'} is outside the scenario's folder {inbox}; "
        "with --confine (confine=True) a base must lie in that folder or below"
    )


def test_an_absolute_extends_outside_is_refused(tree):
    inbox, outside = tree
    path = extending(inbox, str(outside / "base.yaml"))
    problem = only_problem(path, confine=True)
    assert "is outside the scenario's folder" in problem.message
    assert problem.path == "extends"


def test_extends_within_the_folder_is_allowed(tree):
    inbox, _ = tree
    assert load(extending(inbox, "sub/base.yaml"), env={}, confine=True).name == "variant"
    # a base in a subfolder may climb back up, as long as it stays in the scenario's folder
    (inbox / "sub" / "mid.yaml").write_text("extends: ../top.yaml\nname: mid\n")
    (inbox / "top.yaml").write_text(BODY)
    assert load(extending(inbox, "sub/mid.yaml"), env={}, confine=True).name == "variant"


def test_a_base_may_not_climb_out_of_the_scenarios_folder(tree):
    inbox, _ = tree
    # sub/mid.yaml is inside; its own base ../../out/base.yaml is not
    (inbox / "sub" / "mid.yaml").write_text("extends: ../../out/base.yaml\n")
    problem = only_problem(extending(inbox, "sub/mid.yaml"), confine=True)
    assert problem.file == str(inbox / "sub" / "mid.yaml")
    assert "is outside the scenario's folder" in problem.message


@posix
def test_a_symbolic_link_out_of_the_folder_is_outside(tree):
    inbox, outside = tree
    (inbox / "link.yaml").symlink_to(outside / "base.yaml")
    path = extending(inbox, "link.yaml")
    assert load(path, env={}).name == "variant"
    problem = only_problem(path, confine=True)
    assert f"(a link to {(outside / 'base.yaml').resolve()})" in problem.message
    (inbox / "inner.yaml").symlink_to(inbox / "sub" / "base.yaml")  # stays inside: fine
    assert load(extending(inbox, "inner.yaml"), env={}, confine=True).name == "variant"


# -- sources ------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", ["../out/doc.txt", "OUTSIDE"])
def test_a_source_file_outside_is_an_error_when_confined(tree, doc):
    inbox, outside = tree
    path = citing(inbox, doc.replace("OUTSIDE", str(outside / "doc.txt")))
    assert load(path, env={}).warnings == ()  # found and checked, by default
    problem = only_problem(path, confine=True)
    assert (problem.line, problem.column, problem.path) == (4, 15, "sources.doc.file")
    assert problem.message == (
        f"the source file {outside / 'doc.txt'} is outside the scenario's folder {inbox}; "
        "with --confine (confine=True) a source file must lie in that folder or below, or in "
        "a directory given with --sources DIR or ZOPA_SOURCES"
    )


def test_source_files_in_the_folder_and_in_named_directories_are_allowed(tree):
    inbox, outside = tree
    assert load(citing(inbox, "sub/doc.txt"), env={}, confine=True).warnings == ()
    path = citing(inbox, "doc.txt")  # not beside the scenario: found in a named directory
    assert load(path, sources=[outside], env={}, confine=True).warnings == ()
    env = {"ZOPA_SOURCES": str(outside)}
    assert load(path, env=env, confine=True).warnings == ()


def test_a_named_directory_does_not_let_a_path_climb_out_of_it(tree, tmp_path):
    inbox, outside = tree
    (tmp_path / "secret.txt").write_text("the parties agree\n")
    path = citing(inbox, "../secret.txt")  # from out/: tmp_path/secret.txt
    assert load(path, sources=[outside], env={}).warnings == ()
    problem = only_problem(path, sources=[outside], confine=True)
    assert problem.path == "sources.doc.file"


def test_shared_seeds_are_not_searched_when_confined(tmp_path):
    seeds = tmp_path / "shared" / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "doc.txt").write_text("the parties agree\n")
    (tmp_path / "work").mkdir()
    path = citing(tmp_path / "work", "doc.txt")
    assert load(path, env={}).warnings == ()  # found by walking up to shared/seeds
    (warning,) = load(path, env={}, confine=True).warnings
    assert "was not found" in warning.message and str(seeds) not in warning.message
    assert load(path, sources=[seeds], env={}, confine=True).warnings == ()


# -- how confinement is asked for -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "confined"), [("1", True), ("yes", True), ("0", False), ("", False)]
)
def test_zopa_confine_in_the_environment(tree, value, confined):
    inbox, _ = tree
    path = extending(inbox, "../out/base.yaml")
    if confined:
        assert only_problem(path, env={"ZOPA_CONFINE": value}).path == "extends"
    else:
        assert load(path, env={"ZOPA_CONFINE": value}).name == "variant"
    assert load(path, env={"ZOPA_CONFINE": value}, confine=False).name == "variant"


def test_cli_confine_option(tree, capsys, monkeypatch):
    monkeypatch.delenv("ZOPA_CONFINE", raising=False)
    inbox, _ = tree
    path = extending(inbox, "../out/base.yaml")
    assert main(["check", str(path)]) == 0
    capsys.readouterr()
    commands = [
        ["check"],
        ["run"],
        ["explain"],
        ["evaluate", "--set", "deal=a"],
        ["simulate"],
        ["sweep", "--vary", "parties.p1.reservation=0:1:2", "--out", str(inbox / "r.csv")],
        ["explore", "-o", str(inbox / "page.html")],
    ]
    for command in commands:
        assert main([*command, "--confine", str(path)]) == 2, command
        err = capsys.readouterr().err
        assert err.startswith(f"{path}:2:10: extends: the base file "), command
        assert len(err.splitlines()) == 1
    assert sorted(p.name for p in inbox.iterdir()) == ["s.yaml", "sub"]  # nothing written


def test_cli_confine_through_the_environment(tree):
    inbox, _ = tree
    path = extending(inbox, "../out/base.yaml")
    env = {k: v for k, v in os.environ.items() if k != "ZOPA_SOURCES"}
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**env, "ZOPA_CONFINE": "1"},
    )
    assert proc.returncode == 2
    assert "is outside the scenario's folder" in proc.stderr


def test_shipped_scenarios_load_confined():
    files = sorted((ROOT / "scenarios").rglob("*.yaml"))
    assert files
    for path in files:
        scenario = load(path, env={}, confine=True)
        assert all("not found" not in w.message for w in scenario.warnings), path
