"""Hypothesis strategies for zopa's domain: finite bargaining problems and small models.

* :func:`gain_arrays` -- ``(n, p)`` arrays of non-negative gains, the input of every solver in
  :mod:`simulator.solvers`. Entries mix small integers (as floats; they make ties and
  duplicate rows) with general floats in ``[0, 1]``.
* :func:`symmetric_gain_arrays` -- gain arrays closed under swapping two columns.
* :func:`powers` -- positive bargaining powers.
* :func:`models` -- small compiled models (:func:`simulator.model.compile_model`) with
  discrete and continuous issues, the three kinds of value function, red lines,
  constraints, interactions, powers and signatories; the space stays small enough to
  enumerate by brute force in a test.

These strategies are themselves tested in ``tests/test_strategies.py``.
"""

from __future__ import annotations

from math import prod

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Implication,
    Interaction,
    Model,
    Party,
    PiecewiseLinearValue,
    TableValue,
    compile_model,
)

__all__ = [
    "MAX_MODEL_OUTCOMES",
    "gain_arrays",
    "models",
    "powers",
    "symmetric_gain_arrays",
]

#: Largest outcome space :func:`models` produces.
MAX_MODEL_OUTCOMES = 500

_SMALL_INTS = st.integers(0, 3).map(float)
_UNIT_FLOATS = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)
# Values on a coarse grid tie often; general floats do not.
_COARSE = st.integers(0, 4).map(lambda k: k / 4)
_UNIT = st.one_of(_COARSE, _UNIT_FLOATS)


@st.composite
def gain_arrays(
    draw, min_parties: int = 2, max_parties: int = 4, min_rows: int = 1, max_rows: int = 60
) -> np.ndarray:
    """A finite bargaining problem: an ``(n, p)`` float array of non-negative gains.

    ``p`` is in ``[min_parties, max_parties]`` and ``n`` in ``[min_rows, max_rows]``. Each
    array is all small integers (0-3, as floats), all floats in ``[0, 1]``, or a mix; some
    arrays repeat rows on purpose (duplicates are both Pareto-optimal or both not).
    """
    p = draw(st.integers(min_parties, max_parties))
    n = draw(st.integers(min_rows, max_rows))
    kind = draw(st.sampled_from(["ints", "floats", "mixed"]))
    elements = {
        "ints": _SMALL_INTS,
        "floats": _UNIT_FLOATS,
        "mixed": st.one_of(_SMALL_INTS, _UNIT_FLOATS),
    }[kind]
    gains = draw(hnp.arrays(np.float64, (n, p), elements=elements))
    if n > 1 and draw(st.booleans()):
        # copy some rows over others: exact duplicates
        src = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n))
        dst = draw(st.lists(st.integers(0, n - 1), min_size=len(src), max_size=len(src)))
        gains[dst] = gains[src]
    return gains


@st.composite
def symmetric_gain_arrays(draw, min_parties: int = 2, max_parties: int = 4, max_rows: int = 30):
    """``(gains, i, j)``: a gain array closed under swapping columns ``i != j``.

    Built as a random array stacked on its image under the swap (rows interleaved in a
    random order), so that the swapped image of every row is also a row.
    """
    base = draw(gain_arrays(min_parties, max_parties, max_rows=max_rows))
    p = base.shape[1]
    i = draw(st.integers(0, p - 1))
    j = draw(st.integers(0, p - 1).filter(lambda k: k != i))
    swapped = base.copy()
    swapped[:, [i, j]] = base[:, [j, i]]
    both = np.vstack([base, swapped])
    order = draw(st.permutations(range(both.shape[0])))
    return both[list(order)], i, j


def powers(p: int) -> st.SearchStrategy[np.ndarray]:
    """``p`` positive bargaining powers in ``[0.1, 10]`` (coarse values included)."""
    one = st.one_of(
        st.sampled_from([0.5, 1.0, 2.0, 3.0]),
        st.floats(0.1, 10.0, allow_nan=False, allow_infinity=False),
    )
    return st.lists(one, min_size=p, max_size=p).map(lambda xs: np.array(xs, dtype=float))


# -- models -----------------------------------------------------------------------------------


@st.composite
def _issues(draw, max_issues: int, max_outcomes: int):
    n_issues = draw(st.integers(1, max_issues))
    issues = []
    sizes: list[int] = []
    for k in range(n_issues):
        # the largest size this issue may have so that the rest (at least 2 each) still fit
        room = max_outcomes // (prod(sizes) * 2 ** (n_issues - k - 1))
        if draw(st.booleans()):
            n_opt = draw(st.integers(2, max(2, min(4, room))))
            issues.append(DiscreteIssue(f"i{k}", tuple(f"o{m}" for m in range(n_opt))))
            sizes.append(n_opt)
        else:
            low = draw(st.integers(-10, 10))
            width = draw(
                st.one_of(st.integers(1, 20).map(float), st.floats(0.5, 20.0, allow_nan=False))
            )
            grid = draw(st.integers(2, max(2, min(5, room))))
            issues.append(ContinuousIssue(f"i{k}", float(low), float(low + width), grid))
            sizes.append(grid)
    return issues


def _value_function(draw, issue):
    if isinstance(issue, DiscreteIssue):
        return TableValue(
            tuple(draw(st.lists(_UNIT, min_size=issue.n_levels, max_size=issue.n_levels)))
        )
    if draw(st.booleans()):
        ideal = draw(
            st.one_of(
                st.sampled_from([issue.low, issue.high]),
                st.floats(issue.low, issue.high, allow_nan=False),
            )
        )
        return IdealValue(float(ideal), issue.low, issue.high)
    margin = (issue.high - issue.low) / 2
    xs = draw(
        st.lists(
            st.floats(issue.low - margin, issue.high + margin, allow_nan=False),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    xs = sorted(xs)
    # strictly ascending after rounding to avoid near-equal breakpoints
    xs = sorted(set(round(x, 6) for x in xs))
    ys = draw(st.lists(_UNIT, min_size=len(xs), max_size=len(xs)))
    return PiecewiseLinearValue(tuple(xs), tuple(ys))


def _condition(draw, issue) -> Condition:
    if isinstance(issue, DiscreteIssue):
        chosen = draw(
            st.lists(
                st.sampled_from(issue.options), min_size=1, max_size=issue.n_levels - 1, unique=True
            )
        )
        return Condition(issue.name, options=tuple(chosen), negate=draw(st.booleans()))
    # bounds on the grid (exact boundary cases) or anywhere in the range
    bound = st.one_of(
        st.sampled_from(issue.levels.tolist()), st.floats(issue.low, issue.high, allow_nan=False)
    )
    low = draw(st.one_of(st.none(), bound))
    high = draw(st.one_of(st.none(), bound))
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Condition(issue.name, low=low, high=high)


def _rule(draw, issues):
    if len(issues) > 1 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(issues), min_size=2, max_size=2, unique_by=id))
        return Implication(_condition(draw, a), _condition(draw, b))
    return _condition(draw, draw(st.sampled_from(issues)))


@st.composite
def _party(draw, name: str, issues, red_lines: bool, interactions: bool, caps: bool) -> Party:
    weights: dict[str, float] = {}
    values = {}
    for issue in issues:
        if draw(st.integers(0, 4)) == 0:
            continue  # indifferent: the issue is not listed
        weights[issue.name] = draw(
            st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0.0, 3.0, allow_nan=False))
        )
        values[issue.name] = _value_function(draw, issue)
    reservation = draw(
        st.one_of(st.integers(0, 8).map(lambda k: k / 10), st.floats(0.0, 0.8, allow_nan=False))
    )
    lines = ()
    if red_lines:
        lines = tuple(_rule(draw, issues) for _ in range(draw(st.integers(0, 2))))
    inters = ()
    if interactions:
        inters = tuple(
            Interaction(
                tuple(
                    _condition(draw, i)
                    for i in draw(
                        st.lists(st.sampled_from(issues), min_size=1, max_size=2, unique_by=id)
                    )
                ),
                draw(st.floats(-0.2, 0.2, allow_nan=False)),
            )
            for _ in range(draw(st.integers(0, 2)))
        )
    power = draw(st.one_of(st.just(1.0), st.floats(0.1, 5.0, allow_nan=False)))
    cap, normalise = None, True
    if caps:  # GENIUS's utilities: min(cap, sum), weights as given
        cap = draw(st.one_of(st.none(), st.sampled_from([0.5, 1.0]), st.floats(0.2, 1.2)))
        normalise = draw(st.booleans())
    return Party(
        name,
        float(reservation),
        weights,
        values,
        lines,
        inters,
        float(power),
        cap=cap,
        normalise=normalise,
    )


@st.composite
def models(
    draw,
    max_issues: int = 4,
    min_parties: int = 2,
    max_parties: int = 4,
    max_outcomes: int = MAX_MODEL_OUTCOMES,
    red_lines: bool = True,
    constraints: bool = True,
    interactions: bool = True,
    min_signatories: int = 2,
    caps: bool = False,
) -> Model:
    """A small random compiled model.

    1 to ``max_issues`` issues -- discrete with 2-4 options, or continuous with a grid of
    2-5 points -- with at most ``max_outcomes`` outcomes in all; ``min_parties`` to
    ``max_parties`` parties with random (sometimes zero, sometimes missing) weights,
    :class:`TableValue`, :class:`PiecewiseLinearValue` (ascending ``xs``, possibly beyond
    the range) and :class:`IdealValue` values, reservations in ``[0, 0.8]``, optional red
    lines (conditions and implications), interactions and powers; optional constraints;
    a random set of at least ``min_signatories`` signatories (fewer only if there are not
    that many parties). With ``caps``, parties may have a ``cap`` and weights used as given
    (``normalise=False``), as GENIUS imports do.
    """
    issues = draw(_issues(max_issues, max_outcomes))
    n_parties = draw(st.integers(min_parties, max_parties))
    parties = [
        draw(_party(f"p{j}", issues, red_lines, interactions, caps)) for j in range(n_parties)
    ]
    rules = []
    if constraints:
        rules = [_rule(draw, issues) for _ in range(draw(st.integers(0, 2)))]
    names = [p.name for p in parties]
    signatories = draw(
        st.lists(
            st.sampled_from(names),
            unique=True,
            min_size=min(min_signatories, n_parties),
            max_size=n_parties,
        )
    )
    signatories = [n for n in names if n in signatories]  # file order
    return compile_model(issues, parties, rules, signatories)
