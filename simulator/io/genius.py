"""Import GENIUS negotiation domains (the ANAC benchmark XML files) as zopa scenarios.

A GENIUS scenario is a *domain* file (``<negotiation_template>`` holding a
``<utility_space>`` whose ``<objective>`` lists the issues) and one *utility profile* per
party (``<utility_space>`` with the same objective tree, an evaluation of every issue, the
issue weights, a reservation value and a discount factor). GENIUS utility is linear additive
(Baarslag et al. 2013, Lin et al. 2014; ``AdditiveUtilitySpace.getUtility``):

.. math:: u(x) = \\min\\Big(1,\\; \\sum_k w_k \\, e_k(x_k)\\Big), \\qquad w_k \\ge 0,

where, for a discrete issue, ``e_k(o) = evaluation(o) / max_o' evaluation(o')`` (GENIUS
normalises item evaluations by the issue's largest one; all 0 when that is below 1e-5), and,
for an integer or real issue, ``e_k`` is the evaluator function clamped to [0, 1]. The
weights are used as written: GENIUS compares this sum with the reservation even when the
weights do not add up to 1. zopa's utility is the same additive form, with weights divided by
their sum when they add up to 1 (the usual case, where both agree) and used as given
(``normalise_weights: false``, with ``cap: 1`` when they add up to more) otherwise, so the
import is exact. Non-linear profiles (ANAC 2014) are sums of weighted hyper-rectangles over
integer issues, imported as interactions (:mod:`simulator.io.genius_nonlinear`).

1. discrete issues become discrete issues whose options are the item values, in the
   domain's order, and each party's ``values`` are its evaluations divided by their maximum;
2. integer and real issues become continuous issues (``range`` = the issue's bounds); an
   integer issue gets ``integer: true`` (only integers are valid: enumeration visits
   integers, ``--method milp`` solves on every integer, a proposal must be an integer) and a
   ``grid`` of one point per integer (up to ``integer_grid_limit``, a million by default;
   beyond, that many integers evenly spread). The evaluator becomes ``points``: the clamped
   linear function's end points and the points where it reaches 0 or 1 (a triangular
   evaluator its three corners, a constant evaluator a flat line), so zopa's piecewise-linear
   value equals GENIUS's at every number of the range;
3. ``<reservation value=..>`` becomes ``reservation`` (0 when missing) and
   ``<discount_factor value=..>`` the party's ``discount`` (1 when missing or 0, as in
   GENIUS); ``zopa simulate`` discounts with it, the static solvers ignore it;
4. each party gets ``assumption: "imported from GENIUS profile FILE"``, which covers every
   number of the party, so the scenario passes ``zopa check --strict``.

The import is split by concept; this module is its public front:

- :mod:`simulator.io.genius_xml`: safe XML parsing with line numbers, refusal of
  ``<!DOCTYPE``/``<!ENTITY``, and the problem-reporting helpers;
- :mod:`simulator.io.genius_tree`: the objective tree (issues, their kinds and bounds);
- :mod:`simulator.io.genius_values`: evaluations, evaluators, weights, reservation and
  discount (the evaluator forms accepted are listed there);
- :mod:`simulator.io.genius_nonlinear`: non-linear profiles (hyper-rectangles);
- :mod:`simulator.io.genius_read`: :func:`read_domain`, :func:`read_profile` and the
  :class:`Domain` and :class:`Profile` they return;
- this module: :func:`to_scenario_dict`, :func:`write_scenario_yaml` and :func:`identifier`.

Every problem found in a file is reported together, as a
:class:`~simulator.errors.ScenarioError` (see :mod:`simulator.io.genius_xml`).

References
----------
Baarslag, T., Hindriks, K., Jonker, C., Kraus, S., Lin, R. (2013). The first automated
negotiating agents competition (ANAC 2010). In *New Trends in Agent-Based Complex Automated
Negotiations*, 113-135. https://doi.org/10.1007/978-3-642-24696-8_7

Lin, R., Kraus, S., Baarslag, T., Tykhonov, D., Hindriks, K., Jonker, C. M. (2014). Genius: an
integrated environment for supporting the design of generic automated negotiators.
*Computational Intelligence* 30(1), 48-70. https://doi.org/10.1111/j.1467-8640.2012.00463.x

Examples
--------
>>> from simulator.io.genius import identifier
>>> identifier("External Monitor"), identifier("HardDisk"), identifier("2nd round")
('external_monitor', 'hard_disk', 'x_2nd_round')
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from simulator.errors import Problem, ScenarioError
from simulator.io.genius_nonlinear import NonlinearUtility, pieces
from simulator.io.genius_read import Domain, Profile, read_domain, read_profile
from simulator.io.genius_tree import GeniusIssue
from simulator.scenario.validate_issues import MAX_GRID

#: Weights whose sum is within this of 1 are divided by it (they add up to 1 but for
#: rounding); others are kept as given, as GENIUS keeps them.
WEIGHT_SUM_ATOL = 1e-12

__all__ = [
    "Domain",
    "GeniusIssue",
    "Profile",
    "identifier",
    "read_domain",
    "read_profile",
    "to_scenario_dict",
    "write_scenario_yaml",
]


# -- names -------------------------------------------------------------------------------


def identifier(text: str, prefix: str = "x") -> str:
    """A zopa identifier (``[a-z][a-z0-9_]*``) made from a GENIUS name.

    Accents are dropped, camel case is split (``HardDisk`` becomes ``hard_disk``), every run
    of other characters becomes ``_``; a name that does not start with a letter gets
    ``prefix + "_"`` in front, and an empty one is ``prefix``.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", ascii_text)
    name = re.sub(r"[^a-z0-9]+", "_", split.lower()).strip("_")
    if not name:
        return prefix
    return name if name[0].isalpha() else f"{prefix}_{name}"


def _unique(name: str, taken: set[str]) -> str:
    result, n = name, 2
    while result in taken:
        result, n = f"{name}_{n}", n + 1
    taken.add(result)
    return result


# -- scenario ----------------------------------------------------------------------------


def to_scenario_dict(
    domain: Domain | None,
    profiles: Sequence[Profile],
    names: Sequence[str] | None = None,
    *,
    name: str | None = None,
    integer_grid_limit: int = MAX_GRID,
    real_grid: int = 11,
) -> dict[str, Any]:
    """A zopa scenario (format 1, as plain data) for a GENIUS domain and its profiles.

    Parameters
    ----------
    domain : the domain (``None``, or a domain without issues, when the profiles carry them).
    profiles : one profile per party, at least two, read against ``domain``.
    names : the parties' names (default: the profile file names); made into identifiers.
    name : the scenario's name (default: the domain's objective name or file name).
    integer_grid_limit : an integer issue is enumerated at every integer when it has at most
        this many (default: a million, the largest ``grid``), else at this many evenly
        spread integers.
    real_grid : points enumerated on a real issue.

    Returns
    -------
    dict
        ``format``, ``name``, ``description``, ``issues`` and ``parties``; each party has
        ``label``, ``reservation``, ``discount``, ``assumption`` and ``issues``, and
        ``normalise_weights: false`` (weights not adding up to 1), ``cap: 1`` (weights adding
        up to more than 1, or a non-linear profile) and ``interactions`` (a non-linear
        profile: its hyper-rectangles, see :mod:`simulator.io.genius_nonlinear`) where
        GENIUS needs them.

    Raises
    ------
    ScenarioError
        If the domain has no issues and the profiles disagree on them.
    ValueError
        If fewer than two profiles, or a wrong number of names, are given.
    """
    if len(profiles) < 2:
        raise ValueError(
            "a scenario needs at least two profiles (parties); GENIUS too cannot start a "
            "negotiation with one profile"
        )
    if names is not None and len(names) != len(profiles):
        raise ValueError(f"{len(names)} names given for {len(profiles)} profiles")
    issues = domain.issues if domain is not None and domain.issues else profiles[0].issues
    if not (domain is not None and domain.issues):
        _check_same_issues(profiles)
    keys: dict[str, str] = {}
    taken: set[str] = set()
    scenario_issues: dict[str, Any] = {}
    for issue in issues:
        key = keys[issue.name] = _unique(identifier(issue.name, "issue"), taken)
        scenario_issues[key] = _issue_entry(issue, integer_grid_limit, real_grid)
    parties: dict[str, Any] = {}
    taken = set()
    for i, profile in enumerate(profiles):
        label = names[i] if names is not None else Path(profile.file).stem
        party = _unique(identifier(label, "party"), taken)
        entry_of: dict[str, Any] = {
            "label": label,
            "reservation": profile.reservation,
            "discount": profile.discount,
        }
        entries: dict[str, Any] = {}
        if profile.nonlinear is not None:
            entry_of["cap"] = 1
        else:
            total = sum(profile.weights.values())
            if abs(total - 1.0) > WEIGHT_SUM_ATOL:  # GENIUS uses the weights as given
                entry_of["normalise_weights"] = False
                if total > 1.0:
                    entry_of["cap"] = 1
            for issue in issues:
                value = profile.values[issue.name]
                entry: dict[str, Any] = {"weight": profile.weights[issue.name]}
                if isinstance(value, Mapping):
                    entry["values"] = {o: value[o] for o in issue.values}
                else:
                    entry["points"] = [[x, y] for x, y in value]
                entries[keys[issue.name]] = entry
        entry_of["assumption"] = f"imported from GENIUS profile {Path(profile.file).name}"
        entry_of["issues"] = entries
        if profile.nonlinear is not None:
            entry_of["interactions"] = _interactions(profile.nonlinear, issues, keys)
        parties[party] = entry_of
    domain_name = domain.name if domain is not None else Path(profiles[0].file).stem
    source = (
        f"the GENIUS domain {Path(domain.file).name}" if domain is not None else "GENIUS profiles"
    )
    return {
        "format": 1,
        "name": name or domain_name,
        "description": (
            f"Imported from {source} with the profiles "
            + ", ".join(Path(p.file).name for p in profiles)
            + f" (zopa import-genius). Utilities are GENIUS's {_kinds(profiles)}. Each "
            "party's discount factor is kept as 'discount': zopa simulate discounts with it, "
            "the static solvers do not."
        ),
        "issues": scenario_issues,
        "parties": parties,
    }


def _kinds(profiles: Sequence[Profile]) -> str:
    """What the profiles' utilities are, for the scenario's description."""
    nonlinear = sum(p.nonlinear is not None for p in profiles)
    kinds = []
    if nonlinear < len(profiles):
        kinds.append("linear additive utilities")
    if nonlinear:
        kinds.append(
            "non-linear utilities (the utilities of the hyper-rectangles an outcome lies in, "
            "summed, divided by maxutility and capped at 1)"
        )
    return " and ".join(kinds)


def _interactions(
    utility: NonlinearUtility, issues: Sequence[GeniusIssue], keys: Mapping[str, str]
) -> list[dict[str, Any]]:
    """A non-linear profile's hyper-rectangles as interactions: each disjoint piece of a
    rectangle (:func:`~simulator.io.genius_nonlinear.pieces`) with bonus ``utility /
    maxutility``."""
    by_index = {i.index: i for i in issues}
    ranges = {
        i.index: (int(i.low), int(i.high))  # type: ignore[arg-type]
        for i in issues
        if i.kind == "integer"
    }
    found: list[dict[str, Any]] = []
    for r, rect in enumerate(utility.rectangles):
        bonus = rect.utility / utility.max_utility
        if bonus == 0:
            continue
        parts = pieces(rect, ranges)
        for p, piece in enumerate(parts):
            when: dict[str, Any] = {
                keys[by_index[k].name]: {"min": lo, "max": hi} for k, (lo, hi) in piece.items()
            }
            if not when:  # holds everywhere: say so with the first issue's whole range
                first = issues[0]
                whole = [first.low, first.high]
                if first.kind == "integer":
                    whole = [int(x) for x in whole]  # type: ignore[arg-type]
                when[keys[first.name]] = (
                    list(first.values)
                    if first.kind == "discrete"
                    else {"min": whole[0], "max": whole[1]}
                )
            kind = "EXCLUDES" if rect.exclusive else "INCLUDES"
            where = f"hyperRectangle[{r}] ({kind}" + (
                f", part {p + 1} of {len(parts)})" if len(parts) > 1 else ")"
            )
            found.append({"when": when, "bonus": bonus, "description": where})
    return found


def _issue_entry(issue: GeniusIssue, integer_grid_limit: int, real_grid: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"label": issue.name}
    if issue.kind == "discrete":
        entry["options"] = list(issue.values)
        return entry
    assert issue.low is not None and issue.high is not None
    if issue.kind == "integer":
        low, high = int(issue.low), int(issue.high)
        count = high - low + 1
        entry["range"] = [low, high]
        entry["integer"] = True
        entry["grid"] = min(count, integer_grid_limit)
        entry["description"] = (
            f"GENIUS integer issue, enumerated at every integer from {low} to {high}"
            if count <= integer_grid_limit
            else f"GENIUS integer issue ({count} integers), enumerated at "
            f"{integer_grid_limit} evenly spread integers (--method milp solves every integer)"
        )
    else:
        entry["range"] = [issue.low, issue.high]
        entry["grid"] = real_grid
        entry["description"] = "GENIUS real issue"
    return entry


def _check_same_issues(profiles: Sequence[Profile]) -> None:
    first = profiles[0]
    shape = [(i.name, i.kind, set(i.values), i.low, i.high) for i in first.issues]
    problems = []
    for p in profiles[1:]:
        other = [(i.name, i.kind, set(i.values), i.low, i.high) for i in p.issues]
        if other != shape:
            line = p.issues[0].line if p.issues else None
            problems.append(
                Problem(
                    p.file,
                    line,
                    None,
                    "objective",
                    "the domain lists no issues and this profile's issues differ from those "
                    f"of {Path(first.file).name}; expected the same issues, items and bounds "
                    "in every profile",
                )
            )
    if problems:
        raise ScenarioError(problems)


def write_scenario_yaml(
    scenario: Mapping[str, Any], path: str | os.PathLike[str], *, header: str | None = None
) -> None:
    """Write a scenario dict as YAML (:func:`yaml.safe_dump`), with a header comment.

    Parameters
    ----------
    scenario : the scenario, e.g. from :func:`to_scenario_dict`.
    path : the file to write (overwritten).
    header : the comment's text; by default it says the file was imported from GENIUS and
        repeats the scenario's ``description``.
    """
    import textwrap

    import yaml

    class Dumper(yaml.SafeDumper):
        """Safe dumping, with ``points`` lists written on one line."""

    def flow(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.Node:
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)

    Dumper.add_representer(_FlowList, flow)
    if header is None:
        header = "Generated by zopa import-genius from GENIUS XML files.\n" + str(
            scenario.get("description", "")
        )
    lines = [
        wrapped
        for line in header.strip().splitlines()
        for wrapped in (textwrap.wrap(line, 96) or [""])
    ]
    comment = "".join(f"# {line}".rstrip() + "\n" for line in lines)
    body = yaml.dump(
        _flow_points(scenario),
        Dumper=Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=96,
    )
    Path(path).write_text(comment + body, encoding="utf-8")


class _FlowList(list):
    """A list written in YAML flow style (``[[0, 1], [10, 0]]``)."""


def _flow_points(data: Any) -> Any:
    """A copy of ``data`` with every ``points`` list marked for flow style."""
    if isinstance(data, Mapping):
        return {
            k: _FlowList(v) if k == "points" and isinstance(v, list) else _flow_points(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_flow_points(v) for v in data]
    return data
