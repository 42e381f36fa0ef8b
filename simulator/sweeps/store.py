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
``run``. On resume :meth:`done` says which run numbers are stored, and the fingerprint (the
options and a hash of the plan) must match the one stored, or :class:`StoreError`.

Column kinds (``"int"``, ``"float"``, ``"bool"``, ``"str"``) are fixed when the store is
created and saved in the fingerprint file, so every part has the same schema and a column
that is empty in one batch (no zone, no package) keeps its type.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from simulator.errors import ZopaError

__all__ = [
    "CsvStore",
    "ParquetStore",
    "StoreError",
    "fingerprint",
    "open_store",
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
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


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


def _check_resume(path: Path, fingerprint: Mapping, columns: Mapping[str, str]) -> None:
    stored = read_plan(path)
    if stored is None:
        raise StoreError(
            f"{path} has no plan file ({_sidecar(path).name}), so it cannot be resumed; "
            "remove it to start again"
        )
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
        names = list(self.columns)
        for r in records:
            self._writer.writerow(["" if r[c] is None else r[c] for c in names])
        self._file.flush()
        os.fsync(self._file.fileno())

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

        table = pa.Table.from_pylist(list(records), schema=self.schema)
        buf = io.BytesIO()
        pq.write_table(table, buf)
        _write_atomic(self.path / _PART.format(self._next), buf.getvalue())
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
    if path.suffix == ".csv":
        return CsvStore.open(path, columns, fingerprint, resume)
    return ParquetStore.open(path, columns, fingerprint, resume)


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
    return df.sort_values("run", kind="stable").reset_index(drop=True)


def fingerprint(model, runs, options: Mapping) -> dict:
    """What identifies a sweep for :func:`open_store`: the ``options`` (JSON-able), the
    number of runs and SHA-256 hashes of the planned runs and of the compiled model (its
    feasible outcomes, nominal utilities, reservations and powers), so that a changed
    scenario file, or base file, is noticed on resume."""
    import hashlib

    import numpy as np

    plan = [[number, sorted(params.items())] for number, params in runs]
    plan_sha = hashlib.sha256(json.dumps(plan).encode()).hexdigest()
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
