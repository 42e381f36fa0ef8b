"""Writing a command's output without losing anything.

Two rules hold for every file zopa writes:

1. **Never over an input.** The scenario, every file of its ``extends`` chain and its source
   documents (:func:`input_files`), or the XML files of ``import-genius``, are never
   replaced: an output path that is one of them -- compared by real path, after symbolic
   links, and by :func:`os.path.samefile` for hard links -- is an :class:`OutputError`.
2. **All or nothing.** Files are written under temporary names first, then moved into place
   with :func:`os.replace` (a rename, atomic on POSIX and Windows):

   - one file (:func:`replacing_file`): a temporary sibling ``.NAME.zopa-tmp-XXXX``, then one
     rename. The old file stays whole until the new one is complete.
   - a folder of files (:func:`replacing_dir`): when the folder does not exist, a temporary
     sibling folder ``.NAME.zopa-tmp-XXXX`` is filled and renamed to it in one step. When it
     exists, the new files are written into a temporary folder inside it (the same file
     system, so every rename below is atomic); then each old file of the same name is moved
     aside into that temporary folder and the new one moved in. Should any of those renames
     fail, the old files are moved back: the folder holds either the old complete set or the
     new complete set. Other files of the folder are never touched. (A power cut during the
     final renames, a few microseconds, can still leave a mix: only a copy-on-write file
     system could promise more.)

   An error while the files are being made (a figure that fails, a full disk) leaves the
   output as it was, and removes the temporary files.

Bad output paths are user errors with a clear message (:class:`OutputError`, exit code 2 on
the command line): an existing file where a folder is wanted, a folder where a file is
wanted, a path under a file, a folder that cannot be written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from simulator.errors import ZopaError

__all__ = [
    "OutputError",
    "check_output_dir",
    "check_not_input",
    "check_output_file",
    "input_files",
    "replacing_dir",
    "replacing_file",
]

_TMP = ".zopa-tmp-"
"""Temporary files and folders are named ``.NAME.zopa-tmp-XXXX`` beside the output ``NAME``,
or ``.zopa-tmp-XXXX`` inside an existing output folder."""


class OutputError(ZopaError):
    """An output path zopa refuses to write (exit code 2): an input of the command, a file
    where a folder is wanted (or the reverse), a path under a file, a folder it cannot
    write."""


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(path))


def _extends_chain(path: str) -> list[str]:
    """The files ``path`` extends, directly or not (as :mod:`simulator.scenario.inherit`
    resolves them: relative to the extending file's folder). Stops at a file that cannot be
    read, a cycle, or a value that is not a path: the scenario loaded, so none occurs."""
    from simulator.errors import ScenarioError
    from simulator.scenario.yamlread import read_yaml

    chain: list[str] = []
    seen = {_real(path)}
    name = path
    for _ in range(64):  # longer than any chain the loader accepts
        try:
            extends = read_yaml(name).value.get("extends")
        except ScenarioError:
            return chain
        if extends is None or not isinstance(extends.value, str) or not extends.value.strip():
            return chain
        name = os.path.normpath(os.path.join(os.path.dirname(name), extends.value))
        if _real(name) in seen:
            return chain
        seen.add(_real(name))
        chain.append(name)
    return chain


def input_files(scenario) -> tuple[str, ...]:
    """The real paths of every file a loaded scenario was read from: the scenario, the files
    of its ``extends`` chain and the source documents that were found."""
    names = [scenario.path, *_extends_chain(scenario.path)]
    names += [s.path for s in scenario.sources.values() if s.path]
    return tuple(dict.fromkeys(_real(n) for n in names))


def _is_input(path: Path, inputs: Iterable[str]) -> str | None:
    """The input ``path`` would replace, if any (same real path, or the same file)."""
    real = _real(path)
    for name in inputs:
        if real == _real(name):
            return name
        with contextlib.suppress(OSError):
            if os.path.exists(path) and os.path.samefile(path, name):
                return name
    return None


def check_not_input(path: str | os.PathLike[str], inputs: Iterable[str], option: str) -> None:
    """``OutputError`` if writing ``path`` would write over one of ``inputs``."""
    path = Path(path)
    hit = _is_input(path, inputs)
    if hit is not None:
        raise OutputError(
            f"{option} {path}: this would write over {hit}, an input of this command (zopa "
            "never overwrites its inputs); give another output path"
        )


def _why(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    if err.errno == errno.EROFS:
        return "read-only file system"
    if err.errno == errno.ENOSPC:
        return "no space left on the device"
    return err.strerror or str(err)


def _existing_file_under(path: Path) -> Path | None:
    """The first ancestor of ``path`` that exists and is not a folder, if any."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return None


def _check_parent(path: Path, option: str, *, create: bool) -> None:
    """``OutputError`` unless the folder of ``path`` exists (or, with ``create``, can be
    made): not under a file."""
    blocker = _existing_file_under(path)
    if blocker is not None:
        raise OutputError(
            f"{option} {path}: {blocker} is a file, not a folder, so nothing can be written "
            "under it; give another output path"
        )
    if not create and not path.parent.is_dir():
        raise OutputError(
            f"{option} {path}: cannot write {path}: the folder {path.parent} does not exist"
        )


def check_output_dir(
    path: str | os.PathLike[str],
    names: Iterable[str] = (),
    inputs: Iterable[str] = (),
    option: str = "--out",
) -> Path:
    """Check, before any work, that the folder ``path`` can receive the files ``names``.

    Raises
    ------
    OutputError
        ``path`` is an existing file or lies under one; one of ``path/NAME`` is a folder (or
        anything but a file) or an input.
    """
    out = Path(path)
    inputs = tuple(inputs)
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"{option} {out}: this is a file, not a folder; give a folder (it is created if needed)"
        )
    _check_parent(out, option, create=True)
    for name in names:
        _check_target(out / name, inputs, option)
    return out


def _check_target(dest: Path, inputs: Iterable[str], option: str) -> None:
    if dest.is_dir():
        raise OutputError(
            f"{option} {dest.parent}: {dest} is a folder, where zopa writes the file "
            f"{dest.name}; remove it or give another output folder"
        )
    if dest.exists() and not dest.is_file():
        raise OutputError(
            f"{option} {dest.parent}: {dest} is not a regular file, where zopa writes the "
            f"file {dest.name}; remove it or give another output folder"
        )
    check_not_input(dest, inputs, option)


def _fresh(parent: Path, stem: str, make) -> Path:
    """A new temporary path ``parent/.STEM.zopa-tmp-XXXX`` (``parent/.zopa-tmp-XXXX`` without
    a stem) made by ``make`` (``os.mkdir``, or an exclusive file creation), retried on the
    rare name clash."""
    prefix = f".{stem}{_TMP}" if stem else _TMP
    for _ in range(100):
        tmp = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            make(tmp)
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(parent))  # pragma: no cover


@contextlib.contextmanager
def replacing_dir(
    path: str | os.PathLike[str],
    names: Iterable[str] = (),
    inputs: Iterable[str] = (),
    option: str = "--out",
) -> Iterator[Path]:
    """Write files into the folder ``path`` all at once: yields a temporary folder to write
    them into; on leaving the block, they replace their namesakes in ``path`` (see the
    module docstring). An exception in the block leaves ``path`` as it was.

    Parameters
    ----------
    path : the output folder (created, with its parents, if needed).
    names : the files the block will write, checked before it runs (every file written is
        checked again before it is moved).
    inputs : real paths never to write over (:func:`input_files`).
    option : the option's name, for messages.

    Raises
    ------
    OutputError
        A bad output path (:func:`check_output_dir`), or a folder that cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with replacing_dir(Path(folder) / "out", ["a.txt"]) as tmp:
    ...         _ = (tmp / "a.txt").write_text("new")
    ...     sorted(p.name for p in (Path(folder) / "out").iterdir())
    ['a.txt']
    """
    inputs = tuple(inputs)
    out = check_output_dir(path, names, inputs, option)
    existed = out.is_dir()
    try:
        if not existed:
            out.parent.mkdir(parents=True, exist_ok=True)
        tmp = _fresh(out if existed else out.parent, "" if existed else out.name, os.mkdir)
    except OSError as err:
        raise OutputError(f"{option} {out}: cannot write there: {_why(err)}") from None
    try:
        try:
            yield tmp
        except OSError as err:
            raise OutputError(f"{option} {out}: cannot write the output: {_why(err)}") from None
        written = sorted(p for p in tmp.iterdir() if p.is_file())
        for new in written:
            _check_target(out / new.name, inputs, option)
        try:
            if not existed and not out.exists():
                os.rename(tmp, out)  # the whole folder in one step
                return
            _swap_in(written, out, tmp)
        except OSError as err:
            raise OutputError(f"{option} {out}: cannot write the output: {_why(err)}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap_in(written: list[Path], out: Path, tmp: Path) -> None:
    """Move each file of ``written`` (in ``tmp``, inside or beside ``out``) to ``out``; its
    namesake there is first moved aside into ``tmp/.old``, and every move is undone if one
    fails."""
    old = tmp / ".old"
    old.mkdir()
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        for new in written:
            dest = out / new.name
            if dest.exists() or dest.is_symlink():
                os.replace(dest, old / new.name)
                moved_aside.append(new.name)
            os.replace(new, dest)
            moved_in.append(new.name)
    except OSError:
        for name in moved_in:  # undo: the old complete set again
            with contextlib.suppress(OSError):
                os.remove(out / name)
        for name in moved_aside:
            with contextlib.suppress(OSError):
                os.replace(old / name, out / name)
        raise


def check_output_file(
    path: str | os.PathLike[str], inputs: Iterable[str] = (), option: str = "-o"
) -> Path:
    """Check, before any work, that the file ``path`` can be written.

    Raises
    ------
    OutputError
        ``path`` is a folder (or anything but a file), an input, lies under a file, or its
        folder does not exist.
    """
    out = Path(path)
    if out.is_dir():
        raise OutputError(f"{option} {out}: this is a folder; give the name of a file to write")
    if out.exists() and not out.is_file():
        raise OutputError(f"{option} {out}: this is not a regular file; give another name")
    _check_parent(out, option, create=False)
    check_not_input(out, inputs, option)
    return out


@contextlib.contextmanager
def replacing_file(
    path: str | os.PathLike[str], inputs: Iterable[str] = (), option: str = "-o"
) -> Iterator[Path]:
    """Write the file ``path`` all at once: yields a temporary sibling to write; on leaving
    the block it replaces ``path`` in one rename. An exception in the block leaves ``path``
    as it was.

    Raises
    ------
    OutputError
        A bad output path (:func:`check_output_file`), or a folder that cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with replacing_file(Path(folder) / "page.html") as tmp:
    ...         _ = tmp.write_text("<p>hello</p>")
    ...     sorted(p.name for p in Path(folder).iterdir())
    ['page.html']
    """
    inputs = tuple(inputs)
    out = check_output_file(path, inputs, option)

    def create(name: Path) -> None:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))

    try:
        tmp = _fresh(out.parent, out.name, create)
    except OSError as err:
        raise OutputError(f"{option} {out}: cannot write {out}: {_why(err)}") from None
    try:
        try:
            yield tmp
        except OSError as err:
            raise OutputError(f"{option} {out}: cannot write {out}: {_why(err)}") from None
        check_output_file(out, inputs, option)  # nothing changed meanwhile
        try:
            os.replace(tmp, out)
        except OSError as err:
            raise OutputError(f"{option} {out}: cannot write {out}: {_why(err)}") from None
    finally:
        with contextlib.suppress(OSError):
            os.remove(tmp)
