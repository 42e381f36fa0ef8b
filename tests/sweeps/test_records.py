"""A sweep's records held by columns (:mod:`simulator.sweeps.records`) are the records: read
one by one, stored as CSV or Parquet, or made into :func:`simulator.sweep`'s DataFrame, they
give what the list of dicts gives, dtypes included."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator
from simulator.sweeps import plan, sweep_model
from simulator.sweeps.api import run_batch, run_packed
from simulator.sweeps.parallel import result_columns
from simulator.sweeps.records import RecordBatch, as_records, frame
from simulator.sweeps.store import open_store, read_results
from tests.strategies import models

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
BASELINE = ROOT / "scenarios" / "ukraine" / "baseline.yaml"


def _runs(path: Path, vary):
    scenario = simulator.load(path)
    return scenario, sweep_model(scenario), list(enumerate(plan(scenario, vary)))


CASES = {
    # a continuous issue (salary: floats as labels) and a run without a zone
    "job, one run without a zone": (JOB, {"parties.candidate.reservation": [0.4, 0.9]}),
    # no run has a zone: every concept's columns are None
    "job, no zone at all": (JOB, {"parties.candidate.reservation": [0.95, 0.99]}),
    "ukraine baseline": (
        BASELINE,
        {
            "parties.russia.reservation": [0.35, 0.45, 0.6],
            "parties.ukraine.issues.territory.weight": [0.1, 0.3],
        },
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_batch_reads_as_the_records(case):
    _, model, runs = _runs(*CASES[case])
    records = run_batch(model, runs)
    held = as_records(run_packed(model, runs))
    assert isinstance(held, RecordBatch)
    assert list(held) == records and len(held) == len(records)
    assert [held[i] for i in range(-len(held), len(held))] == records + records
    assert list(held[1:]) == records[1:] and list(held[:0]) == []
    assert held.column("exists") == [r["exists"] for r in records]
    with pytest.raises(IndexError):
        held[len(records)]


@pytest.mark.parametrize("case", CASES)
def test_the_frame_of_batches_is_the_frame_of_the_records(case):
    _, model, runs = _runs(*CASES[case])
    records = run_batch(model, runs)
    cuts = [0, 1, len(runs) // 2, len(runs)]
    held = [as_records(run_packed(model, runs[a:b])) for a, b in zip(cuts, cuts[1:])]
    expected = pd.DataFrame(records)
    got = frame(held)
    pd.testing.assert_frame_equal(got, expected, check_dtype=True, check_exact=True)
    assert list(got.dtypes) == list(expected.dtypes)


def test_no_zone_columns_are_none_as_from_the_records():
    _, model, runs = _runs(*CASES["job, no zone at all"])
    got = frame([as_records(run_packed(model, runs))])
    assert got["nash.u.candidate"].dtype == object and got["nash.u.candidate"].isna().all()
    assert got["nash.salary"].tolist() == [None, None]


def test_mixed_batches_fall_back_to_the_records():
    _, model, runs = _runs(*CASES["job, one run without a zone"])
    records = run_batch(model, runs)
    got = frame([as_records(run_packed(model, runs[:1])), records[1:]])
    pd.testing.assert_frame_equal(got, pd.DataFrame(records))
    assert frame([]).empty


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(models(max_issues=3, max_parties=3), st.data())
def test_frames_agree_on_random_models(model, data):
    """Any model: discrete and continuous issues, parties outside the signatories."""
    from simulator.sweeps.fast import SweepModel

    sm = SweepModel.build(model)
    j = data.draw(st.integers(0, len(model.parties) - 1))
    values = data.draw(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4))
    runs = [(i, {f"parties.{model.party_names[j]}.reservation": v}) for i, v in enumerate(values)]
    records = run_batch(sm, runs)
    held = as_records(run_packed(sm, runs))
    assert list(held) == records
    pd.testing.assert_frame_equal(frame([held]), pd.DataFrame(records), check_exact=True)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_stores_write_a_batch_as_its_records(tmp_path, suffix):
    scenario, model, runs = _runs(*CASES["ukraine baseline"])
    columns = result_columns(model, runs[0][1])
    outputs = {}
    for name, records in {
        "dicts": run_batch(model, runs),
        "columns": as_records(run_packed(model, runs)),
    }.items():
        path = tmp_path / f"{name}{suffix}"
        with open_store(path, columns, {"plan": "same"}) as store:
            store.write(records)
        outputs[name] = read_results(path)
        if suffix == ".csv":
            outputs[name + " text"] = path.read_bytes()
    pd.testing.assert_frame_equal(outputs["columns"], outputs["dicts"], check_exact=True)
    if suffix == ".csv":
        assert outputs["columns text"] == outputs["dicts text"]


def test_a_batch_checks_its_columns():
    with pytest.raises(ValueError, match="2 keys for 1 columns"):
        RecordBatch(["a", "b"], [np.zeros(2)])
    with pytest.raises(ValueError, match="differ in length"):
        RecordBatch(["a", "b"], [np.zeros(2), np.zeros(3)])
    assert list(RecordBatch([], [])) == [] and len(RecordBatch([], [])) == 0


def test_sweep_returns_the_frame_of_the_records():
    """simulator.sweep builds its DataFrame from the columns; the records give the same."""
    scenario, model, runs = _runs(*CASES["ukraine baseline"])
    df = simulator.sweep(scenario, CASES["ukraine baseline"][1])
    pd.testing.assert_frame_equal(df, pd.DataFrame(run_batch(model, runs)), check_exact=True)


def test_a_sweep_with_nothing_feasible_has_rows_without_a_zone():
    """A constraint and a red line that exclude each other: nothing is feasible. Before, the
    sweep's columns indexed the (empty) feasible set and raised IndexError."""
    from simulator.model import Condition, DiscreteIssue, Party, compile_model
    from simulator.sweeps.fast import SweepModel

    issue = DiscreteIssue("i0", ("o0", "o1"))
    only_o1 = (Condition("i0", ("o0",), negate=True),)
    parties = [Party("p0", 0.0, {}, {}), Party("p1", 0.0, {}, {}, red_lines=only_o1)]
    model = compile_model([issue], parties, constraints=(Condition("i0", ("o0",)),))
    assert not simulator.analyze(model).zone.exists
    runs = [(0, {"parties.p0.reservation": 0.1}), (1, {"parties.p0.reservation": 0.2})]
    records = run_batch(SweepModel.build(model), runs)
    assert [(r["exists"], r["count"], r["slack"], r["nash.i0"]) for r in records] == [
        (False, 0, None, None),
        (False, 0, None, None),
    ]


def test_views_of_a_batch_frame_as_their_records():
    """A job's records are stored batch by batch as views of one batch; the frame merges
    consecutive views, never views with a gap or out of order."""
    _, model, runs = _runs(*CASES["ukraine baseline"])
    records = run_batch(model, runs)
    held = as_records(run_packed(model, runs))
    views = [held[i : i + 2] for i in range(0, len(held), 2)]
    assert [r for v in views for r in v] == records
    assert list(held[1:][1:3]) == records[2:4] and list(held[::2]) == records[::2]
    for chosen in (views, views[::2], views[::-1], [views[1], views[0], views[2]]):
        expected = pd.DataFrame([r for v in chosen for r in v])
        pd.testing.assert_frame_equal(frame(chosen), expected, check_exact=True)


@pytest.mark.parametrize("case", CASES)
def test_what_travels_compact_expands_to_the_same_records(case):
    from simulator.sweeps.records import compact, expand

    _, model, runs = _runs(*CASES[case])
    packed = run_packed(model, runs)
    sent = compact(packed)
    assert sum(isinstance(x, np.ndarray) for x in sent) == 2  # two arrays, whatever the keys
    assert list(as_records(expand(sent))) == run_batch(model, runs)
    assert expand(packed) == packed and expand(compact((None, [{"a": 1}]))) == (None, [{"a": 1}])


def test_workers_send_codes_and_the_client_adds_its_labels():
    from simulator.sweeps.api import pack_runs, run_compact
    from simulator.sweeps.records import expand

    _, model, runs = _runs(*CASES["job, one run without a zone"])
    sent = run_compact(model, *pack_runs(runs))
    assert sent[4] is None  # no labels on the wire
    with pytest.raises(ValueError, match="without their labels"):
        expand(sent)
    assert list(as_records(expand(sent, model.column_labels()))) == run_batch(model, runs)
