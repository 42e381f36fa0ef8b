"""Sweep results on disk, written in chunks as they arrive, so that nothing is lost.

Two formats, chosen by the name of the output:

``results.csv``
    One CSV file: the header once, then the rows of each batch appended, flushed and
    ``fsync``'ed as the batch arrives. A kill can leave at most a partial last line; readers
    here (:func:`read_results`) and :meth:`CsvStore.open` with ``resume=True`` drop it.
    The plan's fingerprint sits next to it in ``results.csv.plan.json``.
``results.parquet``
    A *directory* of part files ``part-000000.parquet``, ``part-000001.parquet``, ... one
    per batch, each written under a temporary name starting with ``.`` and then renamed
    (``os.replace``), so a part is either whole or absent. ``pandas.read_parquet(path)``
    reads the directory as one table (it skips names starting with ``.`` or ``_``). The
    fingerprint is ``results.parquet/_plan.json``. The first part is empty, written at
    creation, so the directory is readable even before any run finished.

Rows arrive in any order (parallel batches); :func:`read_results` returns them sorted by
``run``, one row per run (should a run be stored twice, its first row in file order, or part
order, is kept). On resume :meth:`done` says which run numbers are stored, and the
fingerprint (the options and a hash of the plan) must match the one stored, or
:class:`StoreError`.

One writer at a time: :func:`lock_output` takes an exclusive operating-system lock
(``fcntl.flock``) on ``OUT.lock`` beside the output, held for the whole sweep; a second
sweep on the same output, fresh or ``--resume``, is refused at once with a
:class:`StoreError` rather than made to wait (it would only repeat the first one's runs, and
a wait could last hours). The lock dies with its process, so a killed sweep never leaves a
stale lock; the lock file is removed when the sweep ends. Temporary files have unique names
(``.NAME.XXXXXXXX.tmp``), so no two writers share one.

Column kinds (``"int"``, ``"float"``, ``"bool"``, ``"str"``) are fixed when the store is
created and saved in the fingerprint file, so every part has the same schema and a column
that is empty in one batch (no zone, no package) keeps its type.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from simulator.errors import ZopaError

__all__ = [
    "CsvStore",
    "ParquetStore",
    "StoreError",
    "fingerprint",
    "lock_output",
    "open_store",
    "output_files",
    "read_plan",
    "read_results",
]

KINDS = ("int", "float", "bool", "str")
_PART = "part-{:06d}.parquet"


class StoreError(ZopaError):
    """An output that cannot be created or resumed (exists, other options, unknown format)."""


def _sidecar(path: Path) -> Path:
    return path / "_plan.json" if path.suffix == ".parquet" else Path(f"{path}.plan.json")


def _check_suffix(path: Path) -> None:
    if path.suffix not in (".csv", ".parquet"):
        raise StoreError(
            f"{path}: the output must end in .csv (one CSV file) or .parquet (a directory of "
            "Parquet part files)"
        )


def read_plan(path: str | os.PathLike[str]) -> dict | None:
    """The fingerprint stored with the output at ``path`` (``None`` if there is none)."""
    side = _sidecar(Path(path))
    try:
        return json.loads(side.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise StoreError(f"{side}: cannot read the sweep's plan file ({err})") from None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file of a unique name beside ``path``, then rename it."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.remove(tmp)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


RENAMED = {"method": "sampling"}
"""Fingerprint keys renamed since stores were first written: a stored key is read under its
new name, so that an output written before the rename can still be resumed."""


def _check_resume(path: Path, fingerprint: Mapping, columns: Mapping[str, str]) -> None:
    stored = read_plan(path)
    if stored is None:
        raise StoreError(
            f"{path} has no plan file ({_sidecar(path).name}), so it cannot be resumed; "
            "remove it to start again"
        )
    for old, new in RENAMED.items():
        if old in stored and new not in stored:
            stored[new] = stored.pop(old)
    wanted = {**fingerprint, "columns": dict(columns)}
    differ = sorted(k for k in set(stored) | set(wanted) if stored.get(k) != wanted.get(k))
    if differ:
        shown = "; ".join(
            f"{k}: {json.dumps(stored.get(k))} then, {json.dumps(wanted.get(k))} now"
            for k in differ
            if k not in ("columns", "plan_sha256", "model_sha256")
        )
        if any(k in ("columns", "model_sha256") for k in differ):
            shown = "; ".join(filter(None, [shown, "the scenario changed"]))
        if "plan_sha256" in differ and not shown:
            shown = "the planned runs differ"
        raise StoreError(
            f"cannot resume {path}: it was started with other options ({shown}); give the "
            "same options as the first time, or remove it to start again"
        )


def _cell(value) -> object:
    """A CSV cell: empty for None; a float at 15 significant digits, so that float noise
    (``0.6000000000000001`` from a grid) does not show while every value computed to 12
    decimals keeps all its digits (Parquet keeps the full binary value).

    >>> _cell(0.6000000000000001), _cell(0.16651376146799995), _cell(None), _cell(3)
    ('0.6', '0.166513761468', '', 3)
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(float(f"{value:.15g}"))
    return value


class CsvStore:
    """Rows appended to one CSV file, a batch at a time (see the module docstring)."""

    def __init__(self, path: Path, columns: Mapping[str, str]):
        self.path = path
        self.columns = dict(columns)
        self._file = open(path, "a", encoding="utf-8", newline="")  # noqa: SIM115
        self._writer = csv.writer(self._file, lineterminator="\n")

    @classmethod
    def open(cls, path, columns, fingerprint, resume=False) -> CsvStore:
        path = Path(path)
        header = ",".join(columns) + "\n"
        if resume and path.exists():
            _check_resume(path, fingerprint, columns)
            _drop_partial_line(path)
            if path.stat().st_size == 0:
                _write_atomic(path, header.encode())
            else:
                with open(path, encoding="utf-8", newline="") as f:
                    found = next(csv.reader(f), [])
                if found != list(columns):
                    raise StoreError(f"cannot resume {path}: its columns are not this sweep's")
            return cls(path, columns)
        _write_atomic(_sidecar(path), _plan_bytes(fingerprint, columns))
        _write_atomic(path, header.encode())
        return cls(path, columns)

    def done(self) -> set[int]:
        """The run numbers already stored."""
        import pandas as pd

        return set(pd.read_csv(self.path, usecols=["run"])["run"].tolist())

    def write(self, records: Iterable[Mapping]) -> None:
        """Append the rows, then flush and fsync: on return they are on disk."""
        from simulator.sweeps.records import RecordBatch

        names = list(self.columns)
        if isinstance(records, RecordBatch):  # by columns: no dict per run
            rows: Iterable = zip(*(map(_cell, records.column(c)) for c in names))
        else:
            rows = ([_cell(r[c]) for c in names] for r in records)
        try:
            self._writer.writerows(rows)
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as err:  # a full disk: the rows stored so far stay, --resume goes on
            raise StoreError(f"{self.path}: cannot write more rows: {_why(err)}") from None

    def close(self) -> None:
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _drop_partial_line(path: Path) -> None:
    """Cut a last line that a kill left without its newline."""
    with open(path, "rb+") as f:
        size = f.seek(0, os.SEEK_END)
        if size == 0:
            return
        f.seek(size - 1)
        if f.read(1) == b"\n":
            return
        pos, step = size, 1 << 16
        while pos > 0:
            start = max(0, pos - step)
            f.seek(start)
            chunk = f.read(pos - start)
            nl = chunk.rfind(b"\n")
            if nl >= 0:
                f.truncate(start + nl + 1)
                break
            pos = start
        else:
            f.truncate(0)
        f.flush()
        os.fsync(f.fileno())


class ParquetStore:
    """One Parquet part file per batch in a directory (see the module docstring)."""

    def __init__(self, path: Path, columns: Mapping[str, str]):
        self.path = path
        self.columns = dict(columns)
        self.schema = _arrow_schema(columns)
        numbers = [_part_number(p) for p in path.glob("part-*.parquet")]
        self._next = max(numbers, default=-1) + 1

    @classmethod
    def open(cls, path, columns, fingerprint, resume=False) -> ParquetStore:
        path = Path(path)
        if resume and path.exists():
            _check_resume(path, fingerprint, columns)
            for tmp in path.glob(".*.tmp"):  # a part a kill left half-written
                tmp.unlink()
            return cls(path, columns)
        path.mkdir(parents=True)
        _write_atomic(_sidecar(path), _plan_bytes(fingerprint, columns))
        store = cls(path, columns)
        store.write([])  # an empty first part: the directory reads as a table from the start
        return store

    def done(self) -> set[int]:
        import pyarrow.parquet as pq

        runs: set[int] = set()
        for part in sorted(self.path.glob("part-*.parquet")):
            runs.update(pq.read_table(part, columns=["run"]).column("run").to_pylist())
        return runs

    def write(self, records: Iterable[Mapping]) -> None:
        """Write the rows as the next part file, atomically."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from simulator.sweeps.records import RecordBatch

        if isinstance(records, RecordBatch):  # by columns: no dict per run
            columns = {c: records.column(c) for c in self.columns}
            table = pa.Table.from_pydict(columns, schema=self.schema)
        else:
            table = pa.Table.from_pylist(list(records), schema=self.schema)
        buf = io.BytesIO()
        pq.write_table(table, buf)
        try:
            _write_atomic(self.path / _PART.format(self._next), buf.getvalue())
        except OSError as err:  # a full disk: the parts stored so far stay, --resume goes on
            raise StoreError(f"{self.path}: cannot write more rows: {_why(err)}") from None
        _fsync_dir(self.path)
        self._next += 1

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _part_number(part: Path) -> int:
    try:
        return int(part.name[len("part-") : -len(".parquet")])
    except ValueError:
        return -1


def _arrow_schema(columns: Mapping[str, str]):
    import pyarrow as pa

    types = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}
    return pa.schema([(name, types[kind]) for name, kind in columns.items()])


def _plan_bytes(fingerprint: Mapping, columns: Mapping[str, str]) -> bytes:
    bad = {k for k in columns.values() if k not in KINDS}
    if bad:
        raise ValueError(f"unknown column kinds {sorted(bad)}; expected {KINDS}")
    return (json.dumps({**fingerprint, "columns": dict(columns)}, indent=2) + "\n").encode()


def output_files(path: str | os.PathLike[str]) -> tuple[Path, ...]:
    """The paths a sweep writes at ``path``: the output, its plan file and its lock file."""
    path = Path(path)
    return path, _sidecar(path), Path(f"{path}.lock")


def _why(err: OSError) -> str:
    return "permission denied" if isinstance(err, PermissionError) else err.strerror or str(err)


def _file_under(path: Path) -> Path | None:
    """The first ancestor of ``path`` that exists and is not a folder, if any."""
    return next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), None)


def _lock(lock: Path, path: Path) -> int:
    """Open ``lock`` and take its exclusive lock without waiting; its descriptor."""
    for _ in range(100):
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as err:
            raise StoreError(f"{path}: cannot write there: {_why(err)}") from None
        try:
            _try_lock(fd)
        except OSError:
            os.close(fd)
            try:
                holder = lock.read_text(encoding="utf-8").strip()
            except OSError:
                holder = ""
            who = f" (process {holder})" if holder.isdigit() else ""
            raise StoreError(
                f"{path} is being written by another zopa sweep{who}, which holds {lock}; "
                "wait until it ends (then --resume finishes it if it was interrupted), or "
                "give another --out"
            ) from None
        try:  # the holder before us may have removed the file between our open and our lock
            same = os.path.samestat(os.fstat(fd), os.stat(lock))
        except OSError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        os.close(fd)
    raise StoreError(f"{path}: cannot take the lock {lock}; try again")  # pragma: no cover


def _try_lock(fd: int) -> None:
    """An exclusive lock on ``fd`` or ``OSError`` at once (``flock``; ``msvcrt`` on
    Windows)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def lock_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the exclusive lock of the sweep output at ``path`` (``.csv`` or ``.parquet``)
    for the block: the lock file ``PATH.lock`` beside it, created (with the output's folder)
    if needed and removed at the end; yields its path.

    Raises
    ------
    StoreError
        At once, if another process holds the lock (no waiting), or the output's folder
        cannot be made or written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = Path(folder) / "results.csv"
    ...     with lock_output(out) as lock:
    ...         held = lock.name, lock.exists()
    ...     held, lock.exists()
    (('results.csv.lock', True), False)
    """
    path = Path(path)
    _check_suffix(path)
    lock = Path(f"{path}.lock")
    blocker = _file_under(path)
    if blocker is not None:
        raise StoreError(f"{path}: {blocker} is a file, not a folder; give another --out")
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"{path}: cannot create its folder: {_why(err)}") from None
    fd = _lock(lock, path)
    try:
        yield lock
    finally:
        with contextlib.suppress(OSError):
            os.remove(lock)  # still locked: a waiting process sees another file, and retries
        os.close(fd)


def open_store(
    path: str | os.PathLike[str],
    columns: Mapping[str, str],
    fingerprint: Mapping,
    resume: bool = False,
) -> CsvStore | ParquetStore:
    """Create the output at ``path`` (``.csv`` or ``.parquet``), or reopen it with
    ``resume=True``.

    Parameters
    ----------
    columns : ``{column: kind}`` in order, kind one of ``"int"``, ``"float"``, ``"bool"``,
        ``"str"``.
    fingerprint : JSON-able options that identify the sweep; on resume they (and the
        columns) must equal those stored, else :class:`StoreError`.
    resume : reopen an existing output and append; without it an existing output is a
        :class:`StoreError`. Resuming an output that does not exist starts it.
    """
    path = Path(path)
    _check_suffix(path)
    if path.exists() and not resume:
        raise StoreError(
            f"{path} already exists; use --resume to finish that sweep, or remove it to start again"
        )
    blocker = _file_under(path)
    if blocker is not None:
        raise StoreError(f"{path}: {blocker} is a file, not a folder; give another --out")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".csv":
            if path.is_dir():
                raise StoreError(f"{path} is a folder; a .csv output is one file")
            return CsvStore.open(path, columns, fingerprint, resume)
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path} is a file; a .parquet output is a folder of part files")
        return ParquetStore.open(path, columns, fingerprint, resume)
    except OSError as err:
        raise StoreError(f"{path}: cannot write the sweep's output: {_why(err)}") from None


def read_results(path: str | os.PathLike[str]):
    """The rows stored at ``path`` as a DataFrame sorted by ``run`` (a partial last CSV
    line is ignored; column types come from the plan file when there is one)."""
    import pandas as pd

    path = Path(path)
    _check_suffix(path)
    if path.suffix == ".parquet":
        df = pd.read_parquet(path)
    else:
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            data = data[: data.rfind(b"\n") + 1]
        kinds = (read_plan(path) or {}).get("columns", {})
        dtypes = {"int": "int64", "float": "float64", "bool": "bool", "str": "str"}
        df = pd.read_csv(
            io.BytesIO(data),
            dtype={c: dtypes[k] for c, k in kinds.items() if k in ("str", "float")},
            keep_default_na=False,
            na_values=[""],
        )
    df = df.sort_values("run", kind="stable")  # stable: the first stored row comes first
    return df.drop_duplicates("run", keep="first").reset_index(drop=True)


def fingerprint(model, runs, options: Mapping) -> dict:
    """What identifies a sweep for :func:`open_store`: the ``options`` (JSON-able), the
    number of runs and SHA-256 hashes of the planned runs and of the compiled model (its
    feasible outcomes, nominal utilities, reservations and powers), so that a changed
    scenario file, or base file, is noticed on resume."""
    import hashlib

    import numpy as np

    plan = hashlib.sha256(b"[")  # the hash of json.dumps of the whole plan, run by run
    for k, (number, params) in enumerate(runs):
        if k:
            plan.update(b", ")
        plan.update(json.dumps([number, sorted(params.items())]).encode())
    plan.update(b"]")
    plan_sha = plan.hexdigest()
    m = model.model
    h = hashlib.sha256()
    h.update(json.dumps([list(m.party_names), list(m.issue_names)]).encode())
    for array in (
        model.feasible,
        model.utilities(),
        m.reservations,
        [p.power for p in m.parties],
    ):
        h.update(np.ascontiguousarray(array, dtype=float).tobytes())
    return {**options, "runs": len(runs), "plan_sha256": plan_sha, "model_sha256": h.hexdigest()}
