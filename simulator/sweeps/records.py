"""A batch of a sweep's records, held column by column.

:func:`~simulator.sweeps.api.run_packed` solves runs into columns -- numpy arrays, and for
a package's issue ``(codes, labels)`` -- and a list of dicts, one per run, costs more to
build than the runs cost to solve (79 keys a run on the Ukraine baseline: about 10
microseconds and 5 kB a run). A :class:`RecordBatch` keeps the columns: it is a sequence of
the records (each built when it is read), so any store with ``write(records)`` takes it,
while the stores that know it (:mod:`simulator.sweeps.store`, :func:`simulator.sweep`'s
table) read its columns without building a record. :func:`frame` turns batches into the
DataFrame that :func:`simulator.sweep` returns, with the dtypes a DataFrame of the records
would have.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np

from simulator.sweeps.fast import as_list

__all__ = ["RecordBatch", "as_records", "compact", "expand", "frame"]


class RecordBatch(Sequence[dict]):
    """Records held as ``keys`` and ``columns`` (one per key, one value per run: a numpy
    array with ``nan`` for ``None``, ``(codes, labels)`` with code ``-1`` for ``None``, or a
    list), read as dicts on demand.

    >>> import numpy as np
    >>> b = RecordBatch(["run", "x", "deal"], [np.array([0, 1]), np.array([0.5, np.nan]),
    ...                 (np.array([1, -1]), np.array(["a", "b"], dtype=object))])
    >>> len(b), b[0], b[1]
    (2, {'run': 0, 'x': 0.5, 'deal': 'b'}, {'run': 1, 'x': None, 'deal': None})
    >>> list(b[1:]) == [b[1]], b.column("x")
    (True, [0.5, None])
    """

    __slots__ = ("_all", "_start", "keys", "size")

    def __init__(self, keys: Sequence[str], columns: Sequence[Any]):
        if len(keys) != len(columns):
            raise ValueError(f"{len(keys)} keys for {len(columns)} columns")
        self.keys = list(keys)
        self._all = list(columns)
        self._start = 0
        self.size = _length(self._all[0]) if self._all else 0
        if any(_length(c) != self.size for c in self._all):
            raise ValueError("the columns of a record batch differ in length")

    @property
    def columns(self) -> list:
        """The columns, one per key (views of the batch this one was sliced from)."""
        if self._start == 0 and (not self._all or _length(self._all[0]) == self.size):
            return self._all
        part = slice(self._start, self._start + self.size)
        return [_take(c, part) for c in self._all]

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> dict: ...
    @overload
    def __getitem__(self, index: slice) -> RecordBatch: ...
    def __getitem__(self, index):
        if isinstance(index, slice):  # a view: the same columns, another range of runs
            start, stop, step = index.indices(self.size)
            if step != 1:
                return RecordBatch(self.keys, [_take(c, index) for c in self.columns])
            view = RecordBatch.__new__(RecordBatch)
            view.keys, view._all = self.keys, self._all
            view._start, view.size = self._start + start, max(0, stop - start)
            return view
        n = self.size
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError(f"record {index} of a batch of {n}")
        return {k: as_list(_take(c, slice(i, i + 1)))[0] for k, c in zip(self.keys, self.columns)}

    def __iter__(self) -> Iterator[dict]:
        keys = self.keys
        if not keys:
            return iter(())
        values = zip(*(as_list(c) for c in self.columns))
        return (dict(zip(keys, row)) for row in values)

    def column(self, key: str) -> list:
        """Column ``key`` as Python values (``None`` where a record has none)."""
        return as_list(self._column(key))

    def array(self, key: str) -> np.ndarray:
        """Column ``key`` as a numpy array: numbers as they are (``nan`` for ``None``), a
        package's issue (and a column given as a list) as an object array of its values
        (``None`` for none)."""
        return _array(self._column(key))

    def _column(self, key: str):
        return _take(self._all[self.keys.index(key)], slice(self._start, self._start + self.size))


def as_records(packed: tuple[list[str] | None, list]) -> RecordBatch | list[dict]:
    """:func:`~simulator.sweeps.api.run_packed`'s answer as records: a :class:`RecordBatch`,
    or the list of dicts itself where runs named different parameters."""
    keys, columns = packed
    if keys is None:
        return list(columns)
    return RecordBatch(keys, columns)


def compact(packed: tuple[list[str] | None, list], labels: bool = True) -> tuple:
    """:func:`~simulator.sweeps.api.run_packed`'s answer in a few large arrays, for the wire:
    ``(keys, kinds, floats, ints, labels, rest)`` -- every float column a row of ``floats``,
    every integer, boolean and label-code column a row of ``ints``, the labels of each
    package's issue in ``labels`` (left out, ``None``, with ``labels=False``: the receiver
    has them), anything else in ``rest``. Dask sends each array as one frame: two frames
    instead of 79 for a run of the Ukraine baseline, a tenth of the time to send and
    receive. :func:`expand` undoes it."""
    keys, columns = packed
    if keys is None:
        return (None, columns)
    keep = labels
    kinds, floats, ints, rest = [], [], [], []
    labels_of: list[np.ndarray] = []
    for c in columns:
        if isinstance(c, tuple):
            kinds.append("l")
            ints.append(c[0])
            labels_of.append(c[1])
        elif isinstance(c, np.ndarray) and c.dtype.kind == "f":
            kinds.append("f")
            floats.append(c)
        elif isinstance(c, np.ndarray) and c.dtype.kind in "biu":
            kinds.append(c.dtype.kind)
            ints.append(c)
        else:
            kinds.append("o")
            rest.append(c)
    n = _length(columns[0]) if columns else 0
    f = np.array(floats, dtype=float).reshape(len(floats), n)
    i = np.array(ints, dtype=np.int64).reshape(len(ints), n)
    return (keys, "".join(kinds), f, i, labels_of if keep else None, rest)


def expand(
    sent: tuple, labels: Sequence[np.ndarray] | None = None
) -> tuple[list[str] | None, list]:
    """The ``(keys, columns)`` that :func:`compact` packed (columns are views of its
    arrays), with ``labels`` where it left them out; a ``(keys, columns)`` pair itself as
    it is."""
    if len(sent) == 2:
        return sent[0], sent[1]
    keys, kinds, f, i, sent_labels, rest = sent
    if sent_labels is not None:
        labels = sent_labels
    if labels is None:
        raise ValueError("these records were sent without their labels: give labels")
    nf = ni = nl = no = 0
    columns: list = []
    for kind in kinds:
        if kind == "f":
            columns.append(f[nf])
            nf += 1
        elif kind == "o":
            columns.append(rest[no])
            no += 1
        elif kind == "l":
            columns.append((i[ni], labels[nl]))
            ni, nl = ni + 1, nl + 1
        else:
            columns.append(i[ni].astype(bool) if kind == "b" else i[ni])
            ni += 1
    return keys, columns


def frame(batches: Sequence[Sequence[dict]]):
    """One DataFrame of the records of ``batches`` (record batches or lists of dicts), in
    their order: what ``pandas.DataFrame`` of all the records gives, built from the columns
    when every batch is a :class:`RecordBatch` with the same keys.

    Dtypes as a DataFrame of dicts has them: a number column with some ``None`` is float
    with ``nan``, one whose every value is ``None`` is ``object`` of ``None``, a package's
    issue ``object`` (labels and ``None``).
    """
    import pandas as pd

    whole = [b for b in batches if len(b)]
    held = [b for b in whole if isinstance(b, RecordBatch)]
    if not held or len(held) < len(whole) or any(b.keys != held[0].keys for b in held):
        return pd.DataFrame([r for b in whole for r in b])
    spans = _spans(held)
    keys = held[0].keys
    data = {
        key: _frame_column([_take(c[k], part) for c, part in spans]) for k, key in enumerate(keys)
    }
    return pd.DataFrame(data)


def _spans(batches: list[RecordBatch]) -> list[tuple[list, slice]]:
    """The batches as ``(columns, range)``, consecutive views of one batch merged (the
    batches a job's records were cut into): a column is then sliced once per job."""
    spans: list[list] = []
    for b in batches:
        last = spans[-1] if spans else None
        if last is not None and last[0] is b._all and last[2] == b._start:
            last[2] += b.size
        else:
            spans.append([b._all, b._start, b._start + b.size])
    return [(columns, slice(start, stop)) for columns, start, stop in spans]


def _frame_column(parts: list) -> Any:
    """One column of :func:`frame` from its parts, one per batch: an array of the dtype
    pandas infers from the records' values where the kind of values is plain (numbers;
    labels all strings, all floats or all ints), else the values themselves for pandas to
    infer."""
    if all(isinstance(c, np.ndarray) and c.dtype.kind in "biuf" for c in parts):
        return _none_if_empty(np.concatenate(parts))
    if all(isinstance(c, tuple) for c in parts):
        labels = parts[0][1]
        if _same_labels([c[1] for c in parts]):
            codes = np.concatenate([c[0] for c in parts])
            kinds = {type(x) for x in labels.tolist()}
            if kinds == {str}:
                return _strings(codes, labels)
            if kinds == {int} and (codes >= 0).all():
                return labels.astype(np.int64)[codes]
            if kinds <= {int, float} and kinds:
                values = np.asarray(labels, dtype=float)[np.maximum(codes, 0)]
                values[codes < 0] = np.nan  # ints with a None: float, as pandas makes them
                return _none_if_empty(values)
    return [v for c in parts for v in as_list(c)]  # pandas infers, as from the records


def _same_labels(labels: list[np.ndarray]) -> bool:
    """Whether the label arrays are equal (copies, from the workers: compared once each)."""
    first, seen = labels[0], {id(labels[0])}
    for other in labels:
        if id(other) not in seen:
            if other.shape != first.shape or not bool((other == first).all()):
                return False
            seen.add(id(other))
    return True


def _strings(codes: np.ndarray, labels: np.ndarray):
    """Labels as the column pandas infers from strings and ``None``: with pandas' Arrow
    strings (its default from 3.0), decoded by Arrow from the codes, five times faster than
    pandas' inference; else an ``object`` array. Every value ``None``: ``object``."""
    import pandas as pd

    if (codes < 0).all():
        return np.full(codes.size, None, dtype=object)
    dtype = pd.Series(["", None]).dtype
    if getattr(dtype, "storage", None) != "pyarrow":
        return _array((codes, labels))
    import pyarrow as pa

    indices = pa.array(codes, mask=codes < 0)
    decoded = pa.DictionaryArray.from_arrays(indices, pa.array(labels.tolist())).dictionary_decode()
    return pd.array(decoded, dtype=dtype)


def _none_if_empty(column: np.ndarray) -> np.ndarray:
    """A float column whose every value is ``None`` (``nan``) is ``object`` of ``None``,
    as pandas makes a column of ``None``."""
    if column.dtype.kind == "f" and column.size and np.isnan(column).all():
        return np.full(column.size, None, dtype=object)
    return column


def _length(column) -> int:
    return len(column[0]) if isinstance(column, tuple) else len(column)


def _take(column, index: slice):
    if isinstance(column, tuple):
        return column[0][index], column[1]
    return column[index]


def _array(column) -> np.ndarray:
    if isinstance(column, tuple):
        codes, labels = column
        out = np.asarray(labels, dtype=object)[np.maximum(codes, 0)]
        out[codes < 0] = None
        return out
    if isinstance(column, list):
        return np.array(column, dtype=object)
    return column
