"""The zone scan of one chunk (:func:`simulator.solvers.zone.scan_chunk`) against a plain
signatory-by-signatory, line-by-line computation of every statistic."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulator.solvers.zone import scan_chunk

ATOL = 1e-9


def largest(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].max()) if mask.any() else -np.inf


def reference(gains, allowed, breaks) -> dict:
    n, s = gains.shape
    ok = gains >= -ATOL
    feasible = allowed & ~breaks.any(axis=1)
    worst = gains.min(axis=1) if s else np.zeros(n)
    out = {
        "total": n,
        "feasible": int(feasible.sum()),
        "count": int((feasible & ok.all(axis=1)).sum()),
        "slack": largest(worst, feasible),
        "without_reservation_count": [],
        "without_reservation_slack": [],
        "reach": [],
        "without_line_feasible": [],
        "without_line_count": [],
        "without_line_slack": [],
    }
    for i in range(s):
        others = [j for j in range(s) if j != i]
        others_ok = ok[:, others].all(axis=1) & feasible
        rest = gains[:, others].min(axis=1) if others else np.full(n, np.inf)
        out["without_reservation_count"].append(int(others_ok.sum()))
        out["without_reservation_slack"].append(largest(rest, feasible))
        out["reach"].append(largest(gains[:, i], others_ok))
    for j in range(breaks.shape[1]):
        f = allowed & ~np.delete(breaks, j, axis=1).any(axis=1)
        out["without_line_feasible"].append(int(f.sum()))
        out["without_line_count"].append(int((f & ok.all(axis=1)).sum()))
        out["without_line_slack"].append(largest(worst, f))
    return out


@st.composite
def chunks(draw):
    n = draw(st.integers(0, 40))
    s = draw(st.integers(1, 5))
    lines = draw(st.integers(0, 3))
    # gains on a coarse grid tie and sit exactly on the acceptance boundary
    gain = st.one_of(
        st.integers(-4, 4).map(lambda k: k / 4),
        st.sampled_from([-ATOL, -2 * ATOL]),
        st.floats(-1, 1, allow_nan=False),
    )
    gains = draw(hnp.arrays(float, (n, s), elements=gain))
    allowed = draw(hnp.arrays(bool, n, elements=st.booleans() | st.just(True)))
    breaks = draw(hnp.arrays(bool, (n, lines), elements=st.booleans() | st.just(False)))
    return gains, allowed, breaks


@given(chunks())
@settings(max_examples=300, deadline=None)
def test_scan_chunk_equals_the_plain_computation(chunk):
    gains, allowed, breaks = chunk
    got = scan_chunk(gains, allowed, breaks, ATOL)
    for name, expected in reference(gains, allowed, breaks).items():
        value = getattr(got, name)
        if isinstance(expected, list):
            assert value.tolist() == expected, name
        else:
            assert value == expected, name
