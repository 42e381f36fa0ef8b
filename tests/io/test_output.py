"""Writing outputs (``simulator.io.output``): never over an input, all files or none."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import simulator.io.output as output
from simulator import load
from simulator.io.output import (
    OutputError,
    check_output_dir,
    check_output_file,
    input_files,
    replacing_dir,
    replacing_file,
)

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _write(tmp: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp / name).write_text(text, encoding="utf-8")


# -- the inputs of a scenario ------------------------------------------------------------------


def test_input_files_are_the_scenario_its_bases_and_its_sources(tmp_path):
    (tmp_path / "minutes.txt").write_text("The parties met.", encoding="utf-8")
    (tmp_path / "deeper").mkdir()
    base = tmp_path / "deeper" / "base.yaml"
    base.write_text(JOB.read_text(encoding="utf-8"), encoding="utf-8")
    middle = tmp_path / "middle.yaml"
    middle.write_text("extends: deeper/base.yaml\nname: middle\n", encoding="utf-8")
    top = tmp_path / "top.yaml"
    top.write_text(
        "extends: middle.yaml\nsources:\n  minutes: {file: minutes.txt}\n", encoding="utf-8"
    )
    found = input_files(load(top, env={}))
    expected = [top, middle, base, tmp_path / "minutes.txt"]
    assert found == tuple(os.path.realpath(p) for p in expected)


# -- a folder of files -------------------------------------------------------------------------


def test_a_new_folder_appears_whole_with_its_parents(tmp_path):
    out = tmp_path / "a" / "b" / "out"
    with replacing_dir(out, ["x.txt", "y.txt"]) as tmp:
        _write(tmp, {"x.txt": "x", "y.txt": "y"})
        assert not out.exists() and tmp.parent == out.parent and tmp.name.startswith(".out.")
    assert _names(out) == ["x.txt", "y.txt"]
    assert _names(out.parent) == ["out"]  # no temporary folder left


def test_an_existing_folder_gets_the_new_files_and_keeps_the_others(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    _write(out, {"x.txt": "old x", "notes.md": "mine"})
    with replacing_dir(out, ["x.txt", "y.txt"]) as tmp:
        assert tmp.parent == out and tmp.name.startswith(".zopa-tmp-")
        _write(tmp, {"x.txt": "new x", "y.txt": "new y"})
        assert (out / "x.txt").read_text() == "old x"  # nothing moves before the end
    assert _names(out) == ["notes.md", "x.txt", "y.txt"]
    assert [(out / n).read_text() for n in ("notes.md", "x.txt", "y.txt")] == [
        "mine",
        "new x",
        "new y",
    ]


def test_an_error_while_writing_leaves_the_old_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    _write(out, {"x.txt": "old x", "y.txt": "old y"})
    with pytest.raises(ZeroDivisionError), replacing_dir(out, ["x.txt", "y.txt"]) as tmp:
        _write(tmp, {"x.txt": "new x"})
        1 / 0  # noqa: B018 -- a figure that fails half-way
    assert _names(out) == ["x.txt", "y.txt"]
    assert (out / "x.txt").read_text() == "old x"
    new = tmp_path / "new"
    with pytest.raises(ZeroDivisionError), replacing_dir(new, ["x.txt"]) as tmp:
        _write(tmp, {"x.txt": "new x"})
        1 / 0  # noqa: B018
    assert _names(tmp_path) == ["out"]  # no half-made folder, no temporary one


def test_a_failed_rename_puts_the_old_files_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    _write(out, {"a.txt": "old a", "b.txt": "old b", "c.txt": "old c"})
    real_replace = os.replace
    calls = []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 4:  # a and its old copy moved, b moved aside, then b fails
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", failing)
    with pytest.raises(OutputError, match="cannot write the output"):
        with replacing_dir(out, ["a.txt", "b.txt", "c.txt"]) as tmp:
            _write(tmp, {"a.txt": "new a", "b.txt": "new b", "c.txt": "new c"})
    monkeypatch.undo()
    assert _names(out) == ["a.txt", "b.txt", "c.txt"]  # the old complete set
    assert [(out / n).read_text() for n in _names(out)] == ["old a", "old b", "old c"]


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda t: (t / "out").write_text("a file"), "this is a file, not a folder"),
        (lambda t: (t / "out" / "x.txt").mkdir(parents=True), "is a folder, where zopa writes"),
    ],
    ids=["out is a file", "a file to write is a folder"],
)
def test_bad_folders_are_refused_before_anything_is_written(tmp_path, setup, message):
    setup(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(OutputError, match=message):
        check_output_dir(tmp_path / "out", ["x.txt"])
    with pytest.raises(OutputError, match=message), replacing_dir(tmp_path / "out", ["x.txt"]):
        pytest.fail("the block must not run")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_folder_under_a_file_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("a file")
    with pytest.raises(OutputError, match=r"notes.txt is a file, not a folder"):
        check_output_dir(tmp_path / "notes.txt" / "out" / "deeper")
    with pytest.raises(OutputError, match=r"notes.txt is a file, not a folder"):
        check_output_file(tmp_path / "notes.txt" / "page.html")


def test_a_folder_that_cannot_be_written_is_refused(tmp_path, monkeypatch):
    def denied(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(output.os, "mkdir", denied)
    with pytest.raises(OutputError, match="cannot write there: permission denied"):
        with replacing_dir(tmp_path, ["x.txt"]):
            pytest.fail("the block must not run")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_a_read_only_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="permission denied"):
            with replacing_dir(out, ["x.txt"]):
                pytest.fail("the block must not run")
        with pytest.raises(OutputError, match="permission denied"):
            with replacing_file(out / "page.html"):
                pytest.fail("the block must not run")
    finally:
        out.chmod(0o755)


def test_a_folder_never_writes_over_an_input(tmp_path):
    scenario = tmp_path / "report.md"
    scenario.write_text("an input")
    with pytest.raises(OutputError, match="would write over .*report.md, an input"):
        check_output_dir(tmp_path, ["report.md"], [str(scenario)])
    with pytest.raises(OutputError, match="an input"):
        with replacing_dir(tmp_path, [], [str(scenario)]) as tmp:  # found among those written
            (tmp / "report.md").write_text("new")
    assert scenario.read_text() == "an input"
    assert _names(tmp_path) == ["report.md"]


# -- one file ----------------------------------------------------------------------------------


def test_one_file_is_replaced_in_one_rename(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("old")
    with replacing_file(page) as tmp:
        tmp.write_text("new")
        assert page.read_text() == "old" and tmp.parent == tmp_path
    assert page.read_text() == "new" and _names(tmp_path) == ["page.html"]
    with pytest.raises(ZeroDivisionError), replacing_file(page) as tmp:
        tmp.write_text("half")
        1 / 0  # noqa: B018
    assert page.read_text() == "new" and _names(tmp_path) == ["page.html"]


def test_one_file_is_not_a_folder_and_needs_its_folder(tmp_path):
    with pytest.raises(OutputError, match="this is a folder"):
        check_output_file(tmp_path)
    with pytest.raises(OutputError, match="does not exist"):
        check_output_file(tmp_path / "no" / "such" / "page.html")


def test_one_file_never_replaces_an_input_by_any_name(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("an input")
    (tmp_path / "link.yaml").symlink_to(scenario)
    os.link(scenario, tmp_path / "hard.yaml")
    (tmp_path / "folder").symlink_to(tmp_path)
    for name in ("s.yaml", "link.yaml", "hard.yaml", "folder/s.yaml", "folder/folder/s.yaml"):
        with pytest.raises(OutputError, match="an input of this command"):
            check_output_file(tmp_path / name, [str(scenario)])
    assert scenario.read_text() == "an input"
