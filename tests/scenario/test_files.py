"""Tests of simulator.scenario.files: regular files only, within a size limit; confinement."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from simulator.scenario.files import (
    MAX_SCENARIO_BYTES,
    MAX_SOURCE_BYTES,
    FileRefused,
    inside,
    read_limited,
)

posix = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")


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


def refusal(path, max_bytes=MAX_SCENARIO_BYTES) -> str:
    with pytest.raises(FileRefused) as info:
        read_limited(path, max_bytes)
    return str(info.value)


def test_limits_are_megabytes_not_gigabytes():
    assert MAX_SCENARIO_BYTES == 4 * 2**20
    assert MAX_SOURCE_BYTES == 32 * 2**20


def test_a_regular_file_is_read_whole(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"format: 1\n" * 1000)
    assert read_limited(path, 10_000) == b"format: 1\n" * 1000
    assert read_limited(str(path), 10_000) == b"format: 1\n" * 1000


def test_a_file_at_the_limit_is_read_and_one_byte_more_is_not(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"x" * 100)
    assert read_limited(path, 100) == b"x" * 100
    assert refusal(path, 99) == "the file is larger than the limit of 99 bytes; it is not read"


def test_a_huge_sparse_file_is_refused_without_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as stream:
        stream.truncate(8 * 2**30)  # 8 GiB, sparse: nothing is written to disk
    assert refusal(path, MAX_SOURCE_BYTES) == (
        "the file is larger than the limit of 32 MiB; it is not read"
    )


def test_missing_file_and_directory(tmp_path):
    assert refusal(tmp_path / "nope.yaml") == "file not found"
    assert refusal(tmp_path) == "this is a directory, not a file"


@posix
def test_dev_zero_is_refused(no_hang):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    assert refusal("/dev/zero") == (
        "this is a character device, not a regular file; zopa reads only regular files"
    )


@posix
def test_a_fifo_is_refused_without_waiting(tmp_path, no_hang):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading would block forever
    assert refusal(fifo) == (
        "this is a named pipe, not a regular file; zopa reads only regular files"
    )


@posix
def test_unreadable_file(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n")
    path.chmod(0)
    try:
        assert refusal(path).startswith("the file cannot be read: ")
    finally:
        path.chmod(0o600)


def test_inside_resolves_dots(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    assert inside(folder / "a.yaml", folder)
    assert inside(folder / "sub" / ".." / "a.yaml", folder)
    assert inside(folder, folder)
    assert not inside(folder / ".." / "a.yaml", folder)
    assert not inside(tmp_path / "inside.yaml", folder)  # a prefix of the name is not inside
    assert not inside("/etc/passwd", folder)


@posix
def test_inside_resolves_symbolic_links(tmp_path):
    folder, elsewhere = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    elsewhere.mkdir()
    (elsewhere / "base.yaml").write_text("a: 1\n")
    (folder / "own.yaml").write_text("a: 1\n")
    (folder / "escape.yaml").symlink_to(elsewhere / "base.yaml")
    (folder / "door").symlink_to(elsewhere, target_is_directory=True)
    (folder / "alias.yaml").symlink_to(folder / "own.yaml")
    assert not inside(folder / "escape.yaml", folder)
    assert not inside(folder / "door" / "base.yaml", folder)
    assert inside(folder / "alias.yaml", folder)
