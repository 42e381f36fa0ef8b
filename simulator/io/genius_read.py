"""Reading GENIUS domain and utility-profile files: :func:`read_domain` and :func:`read_profile`.

A domain gives the issues; a profile gives one party's evaluation of every issue, the issue
weights, a reservation value and a discount factor -- or, for a non-linear profile
(:mod:`simulator.io.genius_nonlinear`), its weighted hyper-rectangles -- and is checked
against its domain (same indices, names, kinds, items and bounds). Both readers report every
problem of a file at once, as a :class:`~simulator.errors.ScenarioError`.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from simulator.io.genius_nonlinear import NonlinearUtility, is_nonlinear, read_nonlinear
from simulator.io.genius_tree import GeniusIssue, find_objective, read_issues, tree_path
from simulator.io.genius_values import (
    Points,
    discrete_values,
    evaluator_points,
    read_weights,
    reservation_and_discount,
)
from simulator.io.genius_xml import XmlFile

__all__ = ["Domain", "Profile", "read_domain", "read_profile"]


@dataclass(frozen=True)
class Domain:
    """A GENIUS domain: its file, its name and its issues (empty when the issues are given in
    the profiles only)."""

    file: str
    name: str
    issues: tuple[GeniusIssue, ...]


@dataclass(frozen=True)
class Profile:
    """A party's GENIUS utility profile, normalised.

    ``weights`` and ``values`` are keyed by issue name. A discrete issue's value is a mapping
    of each item value to its evaluation divided by the issue's largest (so in [0, 1]); an
    integer or real issue's value is a tuple of ``(x, y)`` points, x ascending. ``weights``
    are as given in the file (GENIUS does not normalise them). ``issues`` is the profile's own
    objective tree, used when the domain lists no issues. A non-linear profile has no weights
    and values but ``nonlinear``, its hyper-rectangles.
    """

    file: str
    issues: tuple[GeniusIssue, ...]
    weights: Mapping[str, float]
    values: Mapping[str, Mapping[str, float] | Points]
    reservation: float = 0.0
    discount: float = 1.0
    nonlinear: NonlinearUtility | None = None


def read_domain(path: str | os.PathLike[str]) -> Domain:
    """Read a GENIUS domain file.

    Parameters
    ----------
    path : the domain XML file (``<negotiation_template>``, or a bare ``<utility_space>``).

    Returns
    -------
    Domain
        Its issues in file order; none if the objective lists no issues (the issues are
        then taken from the profiles).

    Raises
    ------
    ScenarioError
        If the file is unreadable, not well formed, declares a DOCTYPE or entities, or an
        issue is malformed.
    """
    f = XmlFile(path)
    root = f.parse()
    objective = find_objective(f, root, "domain")
    issues = [] if objective is None else read_issues(f, objective, profile=False)
    f.fail_if_problems()
    name = (objective.get("name") or "").strip() if objective is not None else ""
    return Domain(f.name, name or Path(f.name).stem, tuple(i for i, _, _ in issues))


def read_profile(path: str | os.PathLike[str], domain: Domain | None = None) -> Profile:
    """Read a GENIUS utility profile, check it against its domain, and normalise it.

    Parameters
    ----------
    path : the profile XML file (``<utility_space>``).
    domain : the domain it belongs to; when ``None``, or when the domain lists no issues, the
        profile's own objective tree defines the issues.

    Returns
    -------
    Profile
        Weights (as given), values (discrete evaluations divided by their maximum, continuous
        evaluators as points) or, for a non-linear profile, its hyper-rectangles; reservation
        (default 0) and discount factor (default 1).

    Raises
    ------
    ScenarioError
        If the file is malformed, its issues do not match the domain's, or a value is not a
        number in its range; every problem of the file is reported.
    """
    f = XmlFile(path)
    root = f.parse()
    objective = find_objective(f, root, "utility profile")
    if objective is None:
        f.fail_if_problems()
        raise AssertionError("unreachable")  # pragma: no cover
    read = read_issues(f, objective, profile=True)
    where = tree_path(objective)
    nonlinear = is_nonlinear(root, objective)
    known = {i.index: i for i in domain.issues} if domain is not None and domain.issues else None
    values: dict[str, Mapping[str, float] | Points] = {}
    seen: set[int] = set()
    targets: dict[int, GeniusIssue] = {}
    for issue, element, path in read:
        target: GeniusIssue | None = issue
        if known is not None:
            target = _match(f, issue, element, path, known, domain)  # type: ignore[arg-type]
        if target is None:
            continue
        seen.add(target.index)
        targets[target.index] = target
        if nonlinear:
            continue  # valued by the hyper-rectangles, read below
        if target.kind == "discrete":
            table = discrete_values(f, element, path, target)
            if table is not None:
                values[target.name] = table
        else:
            low = target.low if target.low is not None else issue.low
            high = target.high if target.high is not None else issue.high
            if low is None or high is None:
                f.report(
                    element,
                    path,
                    f"{target.kind} issue {target.name!r} has no bounds in the profile or the "
                    "domain; expected lowerbound and upperbound attributes",
                )
                continue
            points = evaluator_points(f, element, path, target.kind, low, high)
            if points is not None:
                values[target.name] = points
    if known is not None:
        claimed = _indices(objective)
        for index, issue in known.items():
            if index not in seen and index not in claimed:
                f.report(
                    objective,
                    where,
                    f"the profile has no issue {issue.name!r} (index {index}) of the domain "
                    f"{Path(domain.file).name}; expected every issue of the domain",  # type: ignore[union-attr]
                )
    utility = None
    weights: dict[str, float] = {}
    if nonlinear:
        utility = read_nonlinear(f, objective, where, known or targets)
    else:
        by_index = {
            i.index: (known[i.index].name if known and i.index in known else i.name)
            for i, _, _ in read
        }
        weights = read_weights(f, objective, by_index)
    reservation, discount = reservation_and_discount(f, root)
    f.fail_if_problems()
    issues = tuple(known.values()) if known is not None else tuple(i for i, _, _ in read)
    return Profile(f.name, issues, weights, values, reservation, discount, utility)


def _indices(objective: ET.Element) -> set[int]:
    """The indices the objective's issues claim, readable or not (to avoid double reports)."""
    found = set()
    for element in objective.iter("issue"):
        try:
            found.add(int(float(element.get("index", ""))))
        except ValueError:
            pass
    return found


def _match(
    f: XmlFile,
    issue: GeniusIssue,
    element: ET.Element,
    path: str,
    known: Mapping[int, GeniusIssue],
    domain: Domain,
) -> GeniusIssue | None:
    """The domain issue a profile issue stands for (reported if it does not fit)."""
    where = Path(domain.file).name
    target = known.get(issue.index)
    if target is None:
        listed = ", ".join(f"{i.index} ({i.name})" for i in known.values())
        f.report(
            element,
            f"{path}.index",
            f"the domain {where} has no issue with index {issue.index}; expected one of: {listed}",
        )
        return None
    if target.name != issue.name:
        f.report(
            element,
            f"{path}.name",
            f"issue {issue.index} is named {issue.name!r} here but {target.name!r} in the "
            f"domain {where}; GENIUS matches issues by index and would read this issue as "
            f"{target.name!r} without a warning: fix the name or the index",
        )
        return None
    if target.kind != issue.kind:
        f.report(
            element,
            path,
            f"issue {issue.name!r} is {issue.kind} here but {target.kind} in the domain {where}",
        )
        return None
    if target.kind == "discrete":
        extra = [v for v in issue.values if v not in target.values]
        missing = [v for v in target.values if v not in issue.values]
        if extra:
            f.report(
                element,
                path,
                f"issue {issue.name!r} has items not in the domain {where}: "
                + ", ".join(map(repr, extra))
                + "; expected items among: "
                + ", ".join(map(repr, target.values)),
            )
        if missing:
            f.report(
                element,
                path,
                f"issue {issue.name!r} gives no evaluation for the domain's items: "
                + ", ".join(map(repr, missing)),
            )
        if extra or missing:
            return None
    elif issue.low is not None and (issue.low, issue.high) != (target.low, target.high):
        f.report(
            element,
            path,
            f"issue {issue.name!r} has bounds [{issue.low:g}, {issue.high:g}] here but "
            f"[{target.low:g}, {target.high:g}] in the domain {where}",
        )
        return None
    return target
