"""Which numbers a sweep varies, and the parameter sets it runs.

A parameter is named by its dotted path in the scenario, as in error messages::

    parties.russia.reservation
    parties.russia.power
    parties.russia.issues.nato_status.weight
    parties.russia.issues.nato_status.values.member
    parties.russia.issues.army_cap.ideal
    parties.russia.issues.army_cap.points[1][0]      # x of the second point (a breakpoint)
    parties.russia.issues.army_cap.points[1][1]      # y of the second point

:func:`grid` makes the Cartesian product of given values; :func:`draw` samples the
scenario's uncertain numbers (:mod:`simulator.scenario.uncertain`) by Latin hypercube
(``scipy.stats.qmc``, McKay, Beckman & Conover 1979) or plain random sampling, through each
number's inverse distribution function.

A point's x may move only between its neighbours' xs: the xs of a curve stay strictly
increasing (:func:`simulator.sweeps.apply.check_spans`, which :func:`simulator.sweeps.plan`
calls on a grid's values).

References
----------
McKay, M. D., Beckman, R. J., & Conover, W. J. (1979). A comparison of three methods for
selecting values of input variables in the analysis of output from a computer code.
*Technometrics*, 21(2), 239-245. https://doi.org/10.1080/00401706.1979.10489755
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence

import numpy as np

from simulator._renamed import renamed_keyword
from simulator.scenario.uncertain import Uncertain

__all__ = ["PATTERN", "draw", "grid", "parse_path"]

PATTERN = re.compile(
    r"^parties\.(?P<party>[a-z][a-z0-9_]*)\."
    r"(?:(?P<top>reservation|power)"
    r"|issues\.(?P<issue>[a-z][a-z0-9_]*)\."
    r"(?:(?P<entry>weight|ideal)|values\.(?P<option>.+)"
    r"|points\[(?P<point>\d+)\]\[(?P<coordinate>[01])\]))$"
)


def parse_path(path: str) -> dict[str, str | int | None]:
    """The parts of a parameter path; ``ValueError`` if it names nothing a sweep can vary.

    The parts are ``party``, ``top`` (``reservation`` or ``power``), ``issue``, ``entry``
    (``weight`` or ``ideal``), ``option``, ``point`` (the index J of ``points[J][...]``) and
    ``coordinate`` (0 for the x of that point, 1 for its y); those the path lacks are None.

    >>> parse_path("parties.russia.issues.nato.values.member")["option"]
    'member'
    >>> part = parse_path("parties.russia.issues.army_cap.points[2][0]")
    >>> part["point"], part["coordinate"]
    (2, 0)
    """
    m = PATTERN.match(path)
    if m is None:
        raise ValueError(
            f"{path!r} is not a parameter a sweep can vary; expected parties.P.reservation, "
            "parties.P.power, parties.P.issues.I.weight, parties.P.issues.I.values.OPTION, "
            "parties.P.issues.I.ideal, parties.P.issues.I.points[J][0] (the x of point J) or "
            "parties.P.issues.I.points[J][1] (its y)"
        )
    out: dict[str, str | int | None] = dict(m.groupdict())
    for key in ("point", "coordinate"):
        if out[key] is not None:
            out[key] = int(out[key])  # type: ignore[arg-type]
    return out


def grid(vary: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    """Every combination of the given values, the last path varying fastest.

    >>> grid({"a": [1, 2], "b": [0.5]})
    [{'a': 1.0, 'b': 0.5}, {'a': 2.0, 'b': 0.5}]
    """
    names = list(vary)
    values = [[float(v) for v in vary[n]] for n in names]
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


@renamed_keyword("method", "sampling")
def draw(
    uncertain: Mapping[str, Uncertain],
    samples: int,
    sampling: str = "lhs",
    seed: int | np.random.Generator | None = None,
) -> list[dict[str, float]]:
    """``samples`` parameter sets drawn from the uncertain numbers' distributions.

    ``sampling`` is ``"lhs"`` (a Latin hypercube: each number's range cut into ``samples``
    equally likely strata, each stratum used once) or ``"random"``. The same seed gives the
    same sets. ``method=`` is a deprecated name of ``sampling=``.
    """
    names = sorted(uncertain)
    if not names:
        raise ValueError(
            "the scenario declares no uncertain numbers to sample; write one as "
            "{value: X, range: [LOW, HIGH]} or give the values to vary"
        )
    rng = np.random.default_rng(seed)
    if sampling == "lhs":
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(names), seed=rng).random(samples)
    elif sampling == "random":
        u = rng.random((samples, len(names)))
    else:
        raise ValueError(f"unknown sampling {sampling!r}; expected lhs or random")
    columns = {
        n: np.asarray(uncertain[n].quantile(u[:, j]), dtype=float) for j, n in enumerate(names)
    }
    return [{n: float(columns[n][r]) for n in names} for r in range(samples)]
