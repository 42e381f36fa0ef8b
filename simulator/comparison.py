"""Scenarios side by side: what changes from one to the next.

:func:`compare` solves each scenario (as ``zopa run`` does) and lines them up against the
first, the *reference*: whether a zone exists, its margin or gap, its size, what closes it,
and each solution concept's package issue by issue, with every value that differs from the
reference's marked. It answers the questions a variant is written for ("what does trading
NATO for Article 5 change?") without reading two reports by hand. The reports are
:mod:`simulator.report.compare` (text, Markdown, JSON) and :mod:`simulator.plots.compare`
(one figure).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from simulator.analysis import CONCEPTS
from simulator.scenario import Scenario, load
from simulator.study import Study, solve_scenario

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True, eq=False)
class Comparison:
    """Studies side by side, the first the reference.

    Attributes
    ----------
    studies : the solved scenarios, in the order given.
    names : a short name for each (its file's stem, or its ``name`` when not from a file),
        unique.
    concepts : the solution concepts every study solved, in report order.
    issues : every issue, in the reference's order then the others' (scenarios normally share
        them).
    parties : every party, in first appearance.
    """

    studies: tuple[Study, ...]
    names: tuple[str, ...]
    concepts: tuple[str, ...]
    issues: tuple[str, ...]
    parties: tuple[str, ...]

    def package(self, k: int, concept: str) -> Mapping[str, object] | None:
        """Study ``k``'s package under ``concept`` (None without a zone)."""
        s = self.studies[k].analysis.solutions.get(concept)
        return None if s is None else s.outcome

    def changed(self, k: int, concept: str) -> tuple[str, ...]:
        """The issues on which study ``k``'s package differs from the reference's: none when
        either has no package (no zone: there is nothing to compare issue by issue)."""
        mine, ref = self.package(k, concept), self.package(0, concept)
        if mine is None or ref is None:
            return ()
        return tuple(i for i in self.issues if mine.get(i) != ref.get(i))


def _short(scenario: Scenario) -> str:
    stem = os.path.splitext(os.path.basename(scenario.path))[0] if scenario.path else ""
    return stem or scenario.name


def compare(
    scenarios: Iterable[Scenario | str | os.PathLike[str]],
    *,
    method: str | None = None,
    concepts: Iterable[str] | None = None,
    **load_options,
) -> Comparison:
    """Solve scenarios and line them up against the first.

    Parameters
    ----------
    scenarios : loaded scenarios, or paths to load (``load_options`` go to
        :func:`simulator.load`: ``sources``, ``strict``, ``confine``, ...). At least two.
    method : overrides each scenario's ``solve.method``.
    concepts : the solution concepts to line up (default: every one all scenarios solve).

    Returns
    -------
    Comparison

    Examples
    --------
    >>> c = compare(["scenarios/examples/job_offer.yaml", "scenarios/examples/used_car.yaml"])
    >>> c.names, [s.analysis.zone.exists for s in c.studies]
    (('job_offer', 'used_car'), [True, False])
    """
    loaded = [s if isinstance(s, Scenario) else load(s, **load_options) for s in scenarios]
    if len(loaded) < 2:
        raise ValueError("compare needs at least two scenarios")
    studies = tuple(solve_scenario(s, method, near=None) for s in loaded)
    names = _unique([_short(s) for s in loaded])
    wanted = CONCEPTS if concepts is None else tuple(concepts)
    unknown = set(wanted) - set(CONCEPTS)
    if unknown:
        raise ValueError(f"unknown concepts {sorted(unknown)}; known: {', '.join(CONCEPTS)}")
    solved = tuple(
        c for c in CONCEPTS if c in wanted and all(c in st.analysis.solutions for st in studies)
    )
    issues = _union([i.name for i in st.model.issues] for st in studies)
    parties = _union(st.model.party_names for st in studies)
    return Comparison(studies, tuple(names), solved, issues, parties)


def _union(groups: Iterable[Sequence[str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for group in groups for name in group))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out
