"""Loading a scenario file: :func:`load` and the :class:`Scenario` it returns.

Loading runs in three steps, each of which reports problems with file, line, column and the
dotted path of the field:

1. read the file safely, following ``extends``
   (:func:`~simulator.scenario.inherit.load_with_extends`);
2. check every rule of the format contract, collecting all problems
   (:func:`~simulator.scenario.validate.validate`);
3. check the provenance of the numbers (:mod:`simulator.scenario.provenance`): quotes are
   looked up in the source files; unverifiable quotes and unsourced numbers are warnings, or
   errors with ``strict=True``.

Every file is read with limits (:mod:`simulator.scenario.files`): regular files only, at most
4 MiB of YAML and 32 MiB per source document. ``extends`` and source files may otherwise name
any file the user can read; ``confine=True`` (or ``ZOPA_CONFINE=1``) keeps them in the
scenario's folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from simulator.errors import Problem, ScenarioError, sort_problems
from simulator.model import Issue, Model, Party, Rule, compile_model
from simulator.scenario.inherit import load_with_extends
from simulator.scenario.provenance import (
    Provenance,
    Source,
    check_provenance,
    find_source_file,
    search_dirs,
)
from simulator.scenario.uncertain import Uncertain
from simulator.scenario.validate import validate
from simulator.scenario.yamlread import Node

__all__ = ["Proposal", "Scenario", "load"]


@dataclass(frozen=True)
class Proposal:
    """A named agreement to evaluate.

    Attributes
    ----------
    name : str
        Its identifier in the file.
    label : str
        Its label ("" if not given).
    outcome : dict
        The issues it fixes: an option (``str``) for a discrete issue, a ``float`` for a
        continuous one. Issues left out are open.
    source : str or None
        The quote it rests on, if it carries ``source: {ref, quote}``.
    source_ref : str or None
        The id of that source.
    """

    name: str
    label: str
    outcome: Mapping[str, str | float]
    source: str | None = None
    source_ref: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A validated scenario.

    Attributes
    ----------
    path : str
        The file it was loaded from, as given.
    name, description : str
        Its name and description ("" if none).
    issues : tuple of Issue
        :class:`~simulator.model.DiscreteIssue` and :class:`~simulator.model.ContinuousIssue`
        objects, in file order (with ``extends``: the base's first).
    parties : tuple of Party
        In file order, with ``label`` set.
    constraints : tuple of Rule
        The structural rules every agreement obeys.
    signatories : tuple of str
        The parties who must accept an agreement (default: all).
    concepts : tuple of str
        Solution concepts asked for, among ``zopa, pareto, nash, kalai, utilitarian,
        egalitarian`` (default: all).
    lotteries : bool
        Whether to also solve over randomised agreements.
    max_outcomes : int
        The largest outcome space to enumerate (``solve.max_outcomes``, an extension).
    method : str
        ``auto``, ``enumerate`` or ``milp`` (``solve.method``, an extension).
    uncertain : dict of str to Uncertain
        The numbers written with a range or a distribution, by dotted path (an extension);
        the scenario's parties carry their nominal values.
    proposals : dict of str to Proposal
    sources : dict of str to Source
        Declared sources, with the path where each file was found (or ``None``).
    provenance : Provenance
        How each number is backed, with the warnings.
    """

    path: str
    name: str
    description: str
    issues: tuple[Issue, ...]
    parties: tuple[Party, ...]
    constraints: tuple[Rule, ...]
    signatories: tuple[str, ...]
    concepts: tuple[str, ...]
    lotteries: bool
    max_outcomes: int
    method: str
    proposals: Mapping[str, Proposal]
    uncertain: Mapping[str, Uncertain]
    sources: Mapping[str, Source]
    provenance: Provenance

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The provenance warnings (unverifiable quotes, unsourced numbers)."""
        return self.provenance.warnings

    def model(self) -> Model:
        """The compiled model: ``compile_model(issues, parties, constraints, signatories)``."""
        return compile_model(self.issues, self.parties, self.constraints, self.signatories)


def load(
    path: str | os.PathLike[str],
    *,
    sources: Iterable[str | os.PathLike[str]] = (),
    strict: bool = False,
    env: Mapping[str, str] | None = None,
    confine: bool | None = None,
) -> Scenario:
    """Read, validate and check the provenance of a scenario file.

    Parameters
    ----------
    path : str or os.PathLike
        The scenario file (YAML, format 1; see ``docs/reference/scenario-format.md``).
    sources : iterable of paths
        Extra directories to look for source files in (after the scenario's own directory).
    strict : bool
        If true, unverifiable quotes and unsourced numbers are errors, not warnings.
    env : mapping or None
        The environment (``None``: :data:`os.environ`); its ``ZOPA_SOURCES`` (directories
        separated by :data:`os.pathsep`) is searched after ``sources``.
    confine : bool or None
        If true, ``extends`` and source files must lie in the scenario's folder or below,
        symbolic links resolved (source files may also lie in a directory of ``sources`` or
        ``ZOPA_SOURCES``, which the caller chose; ``shared/seeds`` is not searched). A file
        outside is an error at the ``extends`` or ``file`` that names it. ``None`` (the
        default): confined if the environment's ``ZOPA_CONFINE`` is set to anything but
        ``""`` or ``"0"``. Without confinement a scenario can name any file the user can read
        (an absolute path, ``../..``); confine scenarios you did not write.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With every problem found, sorted by file and line: unreadable or unsafe YAML (not a
        regular file, larger than 4 MiB, more than 100,000 values), a broken ``extends``
        chain, any breach of the contract, a file outside the folder (``confine``), or
        (``strict``) provenance warnings.

    Examples
    --------
    >>> import os, tempfile
    >>> text = '''
    ... format: 1
    ... name: demo
    ... issues:
    ...   deal: {options: [a, b]}
    ... parties:
    ...   p1:
    ...     reservation: 0.2
    ...     assumption: illustrative numbers
    ...     issues: {deal: {weight: 1, values: {a: 1, b: 0}}}
    ...   p2:
    ...     reservation: 0.2
    ...     assumption: illustrative numbers
    ...     issues: {deal: {weight: 1, values: {a: 0.5, b: 1}}}
    ... '''
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     name = os.path.join(folder, "demo.yaml")
    ...     with open(name, "w") as stream:
    ...         _ = stream.write(text)
    ...     scenario = load(name)
    >>> [i.name for i in scenario.issues], scenario.signatories, scenario.provenance.assumed
    (['deal'], ('p1', 'p2'), 6)
    """
    if env is None:
        env = os.environ
    name = str(os.fspath(path))
    if confine is None:
        confine = env.get("ZOPA_CONFINE", "") not in ("", "0")
    parsed = validate(load_with_extends(name, confine=confine))
    dirs = search_dirs(name, sources, env, seeds=not confine)
    within = dirs if confine else None  # the scenario's folder and the directories given
    outside: list[Problem] = []
    found = {}
    for sid, d in parsed.sources.items():
        where = find_source_file(d.file, d.node.file, dirs, within=within) if d.file else None
        if within is not None and d.file and where is None:
            elsewhere = find_source_file(d.file, d.node.file, dirs)
            if elsewhere is not None:
                outside.append(_outside(d.node, sid, elsewhere, dirs[0]))
        found[sid] = Source(d.file, d.title, where, d.date, d.note)
    if outside:
        raise ScenarioError(sort_problems(outside))
    provenance = check_provenance(parsed.claims, found, dirs)
    if strict and provenance.warnings:
        raise ScenarioError(provenance.warnings)  # already in file order
    proposals = {
        pid: Proposal(
            p.name,
            p.label,
            dict(p.outcome),
            p.citation.quote if p.citation else None,
            p.citation.ref if p.citation else None,
        )
        for pid, p in parsed.proposals.items()
    }
    return Scenario(
        path=name,
        name=parsed.name,
        description=parsed.description,
        issues=parsed.issues,
        parties=parsed.parties,
        constraints=parsed.constraints,
        signatories=parsed.signatories,
        concepts=parsed.concepts,
        lotteries=parsed.lotteries,
        max_outcomes=parsed.max_outcomes,
        method=parsed.method,
        proposals=proposals,
        uncertain=parsed.uncertain,
        sources=found,
        provenance=provenance,
    )


def _outside(node: Node, sid: str, path: str, folder: str) -> Problem:
    """The error for a source file that lies outside the folders confinement allows."""
    real = os.path.realpath(path)
    shown = path if real == os.path.abspath(path) else f"{path} (a link to {real})"
    return Problem(
        node.file,
        node.line,
        node.column,
        f"sources.{sid}.file",
        f"the source file {shown} is outside the scenario's folder {folder}; with --confine "
        "(confine=True) a source file must lie in that folder or below, or in a directory "
        "given with --sources DIR or ZOPA_SOURCES",
    )
