"""The files a scenario names: read only regular files, within a size limit, maybe confined.

A scenario names other files: the base of ``extends`` and the documents under ``sources``.
Both are read here, and nothing else reads them:

- :func:`read_limited` reads only a *regular* file (never a FIFO, a device such as
  ``/dev/zero``, a socket or a directory), and never more than a given number of bytes: the
  type is checked before the file is opened and again on the open file, which is opened
  non-blocking, so a FIFO can never make zopa wait; the size is checked from the file's
  metadata and again while reading, so a file that grows cannot slip past.
- :func:`inside` tells whether a path, once every symbolic link is resolved, lies in a folder:
  with ``load(..., confine=True)`` (``zopa ... --confine``) ``extends`` and source files must
  lie in the scenario's folder (see :func:`simulator.scenario.load`).

The limits (:data:`MAX_SCENARIO_BYTES`, :data:`MAX_SOURCE_BYTES`) are far above any real
scenario or source document and far below what would exhaust memory or time.
"""

from __future__ import annotations

import os
import stat

__all__ = ["MAX_SCENARIO_BYTES", "MAX_SOURCE_BYTES", "FileRefused", "inside", "read_limited"]

MAX_SCENARIO_BYTES = 4 * 1024 * 1024
"""The largest scenario (or ``extends`` base) file read: 4 MiB.

The largest scenario shipped with zopa is under 30 KB; 4 MiB holds any document within the
node limit (:data:`~simulator.scenario.yamlread.MAX_NODES`, 100,000 values at 40 bytes each)
and the safe YAML parser reads it in well under half a minute."""

MAX_SOURCE_BYTES = 32 * 1024 * 1024
"""The largest source document whose quotes are checked: 32 MiB of text.

A long report as plain text is a few megabytes; quote checking holds the text and its
normalised copy in memory, so this bounds it to a few hundred megabytes at worst."""

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_FLAGS |= getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class FileRefused(Exception):
    """A file that is not read: not found, not a regular file, too large or unreadable.

    ``str(error)`` is the reason, ready for a message (``'file not found'``, ``'this is a
    named pipe, not a regular file; ...'``, ...); ``exists`` is false when there is no file to
    point at (not found, or a directory).
    """

    def __init__(self, reason: str, *, exists: bool = True):
        super().__init__(reason)
        self.exists = exists


def _kind(mode: int) -> str:
    """What a non-regular file is, for messages."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _check(mode: int, size: int, max_bytes: int) -> None:
    if stat.S_ISDIR(mode):
        raise FileRefused("this is a directory, not a file", exists=False)
    if not stat.S_ISREG(mode):
        raise FileRefused(
            f"this is {_kind(mode)}, not a regular file; zopa reads only regular files"
        )
    if size > max_bytes:
        raise FileRefused(_too_large(max_bytes))


def _too_large(max_bytes: int) -> str:
    return f"the file is larger than the limit of {_size(max_bytes)}; it is not read"


def _size(n: int) -> str:
    """``4 MiB``, ``32 MiB``, ``1,000 bytes``."""
    mib = 1024 * 1024
    return f"{n // mib:,} MiB" if n % mib == 0 else f"{n:,} bytes"


def read_limited(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The content of a regular file of at most ``max_bytes`` bytes.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    max_bytes : int
        The largest size read.

    Returns
    -------
    bytes

    Raises
    ------
    FileRefused
        If the file does not exist, is a directory, a FIFO, a device or a socket, is larger
        than ``max_bytes``, or cannot be read; its text says which. Nothing blocks: a FIFO is
        refused before it is opened (and, should it appear in between, opened non-blocking).

    Examples
    --------
    >>> try:
    ...     read_limited("/dev/zero", 100)
    ... except FileRefused as error:
    ...     print(error)
    this is a character device, not a regular file; zopa reads only regular files
    """
    if "\x00" in str(os.fspath(path)):
        raise FileRefused("the file name contains a NUL character", exists=False)
    try:
        info = os.stat(path)
        _check(info.st_mode, info.st_size, max_bytes)
        fd = os.open(path, _FLAGS)
    except OSError as error:
        raise _refused(error) from None
    try:
        info = os.fstat(fd)  # the file opened may not be the file checked
        _check(info.st_mode, info.st_size, max_bytes)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # the file grew while it was read
                raise FileRefused(_too_large(max_bytes))
    except OSError as error:
        raise _refused(error) from None
    finally:
        os.close(fd)


def _refused(error: OSError) -> FileRefused:
    if isinstance(error, FileNotFoundError):
        return FileRefused("file not found", exists=False)
    if isinstance(error, IsADirectoryError):
        return FileRefused("this is a directory, not a file", exists=False)
    return FileRefused(f"the file cannot be read: {error.strerror or error}")


def inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether ``path`` lies in ``folder`` or below once symbolic links are resolved.

    A link in the folder that points outside it is outside; ``..`` cannot climb out.

    >>> inside("/srv/data/a/../b.yaml", "/srv/data")
    True
    >>> inside("/srv/data/../etc/passwd", "/srv/data")
    False
    """
    real, root = os.path.realpath(path), os.path.realpath(folder)
    try:
        return os.path.commonpath([real, root]) == root
    except ValueError:  # different drives on Windows
        return False
