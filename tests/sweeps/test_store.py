"""The on-disk store of sweep results: round trips, resume, partial CSV lines, atomic parts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from simulator.sweeps.store import StoreError, open_store, read_plan, read_results

COLUMNS = {"run": "int", "x": "float", "exists": "bool", "slack": "float", "deal": "str"}
FINGER = {"samples": 4, "seed": 1}


def records(numbers):
    return [
        {
            "run": i,
            "x": i / 3,
            "exists": i % 2 == 0,
            "slack": 0.1 * i if i % 2 == 0 else None,
            "deal": ("a, b" if i == 0 else "NA") if i % 2 == 0 else None,
        }
        for i in numbers
    ]


def expected(numbers):
    df = pd.DataFrame(records(numbers))
    df["slack"] = df["slack"].astype(float)
    df["deal"] = df["deal"].astype("str")
    return df


@pytest.mark.parametrize("name", ["out.csv", "out.parquet"])
def test_round_trip_in_any_order(tmp_path, name):
    path = tmp_path / name
    with open_store(path, COLUMNS, FINGER) as store:
        assert store.done() == set()
        store.write(records([2, 3]))
        store.write(records([0, 1]))
        store.write(records([4]))
    df = read_results(path)
    pd.testing.assert_frame_equal(df, expected(range(5)), check_dtype=False, rtol=1e-14)
    if name.endswith(".parquet"):
        assert df["x"].tolist() == [i / 3 for i in range(5)]  # floats exactly
    else:  # 15 significant digits: no float noise in a file people read
        assert df["x"].tolist() == [float(f"{i / 3:.15g}") for i in range(5)]
    assert df.dtypes["exists"].kind == "b"
    assert read_plan(path) == {**FINGER, "columns": COLUMNS}
    raw = pd.read_csv(path) if name.endswith(".csv") else pd.read_parquet(path)
    assert sorted(raw["run"]) == list(range(5))


@pytest.mark.parametrize("name", ["out.csv", "out.parquet"])
def test_empty_store_is_readable(tmp_path, name):
    path = tmp_path / name
    open_store(path, COLUMNS, FINGER).close()
    df = read_results(path)
    assert len(df) == 0 and list(df.columns) == list(COLUMNS)


@pytest.mark.parametrize("name", ["out.csv", "out.parquet"])
def test_resume_appends_and_knows_what_is_done(tmp_path, name):
    path = tmp_path / name
    with open_store(path, COLUMNS, FINGER) as store:
        store.write(records([0, 3]))
    with open_store(path, COLUMNS, FINGER, resume=True) as store:
        assert store.done() == {0, 3}
        store.write(records([1, 2]))
    pd.testing.assert_frame_equal(read_results(path), expected(range(4)), check_dtype=False)


@pytest.mark.parametrize("name", ["out.csv", "out.parquet"])
def test_existing_output_needs_resume(tmp_path, name):
    path = tmp_path / name
    open_store(path, COLUMNS, FINGER).close()
    with pytest.raises(StoreError, match="already exists; use --resume"):
        open_store(path, COLUMNS, FINGER)


@pytest.mark.parametrize("name", ["out.csv", "out.parquet"])
def test_resume_with_other_options_is_refused(tmp_path, name):
    path = tmp_path / name
    open_store(path, COLUMNS, FINGER).close()
    with pytest.raises(StoreError, match=r"other options \(seed: 1 then, 2 now\)"):
        open_store(path, COLUMNS, {**FINGER, "seed": 2}, resume=True)
    with pytest.raises(StoreError, match="other options"):
        open_store(path, {**COLUMNS, "y": "float"}, FINGER, resume=True)


def test_resume_of_nothing_starts(tmp_path):
    with open_store(tmp_path / "out.csv", COLUMNS, FINGER, resume=True) as store:
        assert store.done() == set()


def test_unknown_suffix(tmp_path):
    with pytest.raises(StoreError, match=r"must end in \.csv .* or \.parquet"):
        open_store(tmp_path / "out.txt", COLUMNS, FINGER)


@pytest.mark.parametrize("cut", [1, 7, 30])
def test_truncated_csv_line_is_dropped_on_resume(tmp_path, cut):
    path = tmp_path / "out.csv"
    with open_store(path, COLUMNS, FINGER) as store:
        store.write(records([0, 1, 2]))
    data = path.read_bytes()
    path.write_bytes(data[:-cut])  # a kill in the middle of the last row
    assert sorted(read_results(path)["run"]) == [0, 1]
    with open_store(path, COLUMNS, FINGER, resume=True) as store:
        assert store.done() == {0, 1}
        store.write(records([2, 3]))
    assert path.read_bytes().count(b"\n") == 5
    pd.testing.assert_frame_equal(read_results(path), expected(range(4)), check_dtype=False)


def test_truncated_csv_header_is_rewritten_on_resume(tmp_path):
    path = tmp_path / "out.csv"
    open_store(path, COLUMNS, FINGER).close()
    path.write_bytes(b"run,x,exi")
    with open_store(path, COLUMNS, FINGER, resume=True) as store:
        store.write(records([0]))
    assert read_results(path)["run"].tolist() == [0]


def test_parquet_parts_are_atomic(tmp_path, monkeypatch):
    path = tmp_path / "out.parquet"
    with open_store(path, COLUMNS, FINGER) as store:
        store.write(records([0, 1]))
        # a write that dies half-way leaves only a hidden temporary file
        import simulator.sweeps.store as mod

        def dying_replace(src, dst):
            raise KeyboardInterrupt

        monkeypatch.setattr(mod.os, "replace", dying_replace)
        with pytest.raises(KeyboardInterrupt):
            store.write(records([2, 3]))
        monkeypatch.undo()
    names = sorted(p.name for p in path.iterdir())  # an exception removes the temporary file
    assert names == ["_plan.json", "part-000000.parquet", "part-000001.parquet"]
    # a kill cannot: it leaves a hidden temporary file (of a unique name)
    (path / ".part-000002.parquet.0badf00d.tmp").write_bytes(b"half a part")
    assert sorted(pd.read_parquet(path)["run"]) == [0, 1]  # pandas skips the temporary
    with open_store(path, COLUMNS, FINGER, resume=True) as store:
        assert store.done() == {0, 1}
        store.write(records([2, 3]))
    assert not list(path.glob(".*"))
    assert sorted(pd.read_parquet(path)["run"]) == [0, 1, 2, 3]


def test_parquet_column_types_hold_for_all_empty_batches(tmp_path):
    path = tmp_path / "out.parquet"
    with open_store(path, COLUMNS, FINGER) as store:
        store.write(records([1]))  # deal and slack all null in this part
        store.write(records([0]))
    df = pd.read_parquet(path).sort_values("run")
    assert df["deal"].tolist()[0] == "a, b"
    assert json.loads((path / "_plan.json").read_text())["columns"] == COLUMNS


def test_csv_cells_carry_no_float_noise(tmp_path):
    path = tmp_path / "out.csv"
    with open_store(path, COLUMNS, FINGER) as store:
        store.write([{**records([0])[0], "x": 0.1 * 6}])  # 0.6000000000000001
    assert 0.1 * 6 != 0.6 and ",0.6," in path.read_text(encoding="utf-8")
