"""A scenario compiled once for many runs that only change its numbers.

Red lines and constraints do not depend on the numbers a sweep varies (weights, values, the
x and y of points, ideals, reservations, powers), so the outcomes that obey them -- the
*feasible* set -- are enumerated once, with every party's utility of each, term by term
(:mod:`simulator.sweeps.tables`). Runs are then solved many at once on the feasible
outcomes alone (:mod:`simulator.sweeps.batch`): on the Ukraine baseline 3,456 outcomes
instead of 2,239,488.

The answers are those of :func:`simulator.analyze` by enumeration on the negotiation
recompiled with each run's numbers (:func:`simulator.sweeps.apply.with_parameters`): zone
existence, slack, count; Nash, Kalai-Smorodinsky, egalitarian and utilitarian with the
contract's tie-breaking, the same outcome and the same utilities, float for float. The
blocking analysis and the frontier are not computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from simulator.analysis import CONCEPTS
from simulator.errors import SpaceTooLargeError
from simulator.model import MAX_OUTCOMES, Model
from simulator.progress import task
from simulator.sweeps.apply import rebind as _rebind
from simulator.sweeps.params import parse_path
from simulator.sweeps.tables import Terms, exact_utilities, terms

__all__ = ["MAX_SWEEP_BYTES", "SweepModel", "feasible_bytes"]

#: Largest memory the feasible outcomes of a sweep may take (:func:`feasible_bytes` per
#: outcome); checked while they are enumerated, before anything else is built.
MAX_SWEEP_BYTES = 4 * 2**30


def feasible_bytes(model: Model) -> int:
    """Bytes a :class:`SweepModel` holds per feasible outcome: its levels (twice: by
    outcome and by issue), each party's utility, sum, weighted sum and utility class, the
    interaction masks, and a kind of batch's grouping and coordinates."""
    k, p = len(model.issues), len(model.parties)
    bonuses = sum(len(party.interactions) for party in model.parties)
    return 16 * k + 8 * 4 * p + bonuses + 8 * 4 + 8 * p


@dataclass(eq=False)
class SweepModel:
    """Build with :meth:`SweepModel.build`; solve with :meth:`run_many` (or :meth:`run`).

    Attributes
    ----------
    model, concepts : the compiled negotiation and the concepts solved.
    feasible : ``(n, n_issues)`` levels of the feasible outcomes, in enumeration order.
    terms : the utilities' terms (:class:`~simulator.sweeps.tables.Terms`).
    nominal : ``(n, n_parties)`` every party's utility of every feasible outcome, as
        :func:`simulator.analyze` computes it.
    sums : ``(n, n_parties)`` the same before the cap and the rounding.
    raw : ``(n, n_parties)`` each party's weighted sum ``sum_k w_k v_k(x_k)`` (raw
        weights, no bonus).
    """

    model: Model
    concepts: tuple[str, ...]
    feasible: np.ndarray
    columns: np.ndarray = field(repr=False)  # the feasible levels, one row per issue
    terms: Terms = field(repr=False)
    nominal: np.ndarray = field(repr=False)
    sums: np.ndarray = field(repr=False)
    raw: np.ndarray = field(repr=False)
    #: per party, one number per feasible outcome: equal for outcomes at the same levels of
    #: every issue the party's utility depends on (their utilities are equal in every run)
    same_utility: tuple[np.ndarray, ...] = field(repr=False)
    bonus_issues: tuple[frozenset[int], ...] = field(repr=False)
    #: bounds on the terms of each party's sums (for the error bounds of batches)
    bonus_scale: np.ndarray = field(repr=False)
    column_total: np.ndarray = field(repr=False)
    raw_scale: np.ndarray = field(repr=False)
    labels: tuple[np.ndarray, ...] = field(repr=False)  # per issue, each level as shown
    #: the structure of each kind of batch (which terms its runs change), found on first use
    structures: dict = field(default_factory=dict, repr=False)
    #: ``(party, issues)`` -> the party's sum of those issues' terms for every feasible
    #: outcome, added in order (:func:`~simulator.sweeps.tables.exact_utilities`' partial)
    partials: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, model: Model, concepts=CONCEPTS, max_outcomes: int = MAX_OUTCOMES):
        """Enumerate the feasible outcomes of ``model`` once (refused above
        ``max_outcomes``, like :func:`simulator.analyze`)."""
        model.check_size(max_outcomes)
        lines = model.signatory_lines
        keep = []
        per, held = feasible_bytes(model), 0
        with task("finding feasible outcomes", model.space.count, "outcome") as advance:
            for _, prefix, block in model.space.blocks():
                levels = block.levels(prefix)
                advance(levels.shape[0])
                ok = model.constraint_mask(levels) & ~model.red_line_breaks(levels)[:, lines].any(
                    axis=1
                )
                keep.append(np.ascontiguousarray(levels[ok]))
                held += int(ok.sum())
                if held * per > MAX_SWEEP_BYTES:
                    raise SpaceTooLargeError(
                        held,
                        MAX_SWEEP_BYTES // per,
                        f"a sweep keeps every feasible outcome in memory; this scenario has "
                        f"more than {held:,} of {model.space.count:,} outcomes, which would "
                        f"take more than {MAX_SWEEP_BYTES / 2**30:.0f} GiB (at most "
                        f"{MAX_SWEEP_BYTES // per:,} fit); reduce the options or continuous "
                        "grids",
                    )
        feasible = np.vstack(keep)  # a space has at least one chunk
        columns = np.ascontiguousarray(feasible.T, dtype=np.intp)
        t = terms(model, feasible)
        n, p = feasible.shape[0], len(model.parties)
        rows = np.arange(n)
        nominal = np.column_stack([exact_utilities(t, j, columns, rows) for j in range(p)])
        sums = np.column_stack(
            [exact_utilities(t, j, columns, rows, rounded=False) for j in range(p)]
        )
        raw = np.zeros((n, p))
        raw_scale, column_total = np.zeros(p), np.zeros(p)
        k_of = {name: k for k, name in enumerate(model.issue_names)}
        for j in range(p):
            for issue, w in zip(t.names[j], t.weights[j]):
                k = k_of[issue]
                product = w * t.vectors[(j, k)]
                raw[:, j] += product[feasible[:, k]]
                raw_scale[j] += np.abs(product).max(initial=0.0)
                column_total[j] += np.abs(t.columns[(j, k)]).max(initial=0.0)
        bonus_issues: list[set[int]] = [set() for _ in range(p)]
        bonus_scale = np.zeros(p)
        for j, party in enumerate(model.parties):
            for inter in party.interactions:
                bonus_issues[j].update(k_of[c.issue] for c in inter.when)
                bonus_scale[j] += abs(inter.bonus)
        same = []
        for j in range(p):
            cols = sorted(set(t.issues_of(j)) | bonus_issues[j])
            if cols:
                same.append(np.unique(feasible[:, cols], axis=0, return_inverse=True)[1].ravel())
            else:
                same.append(np.zeros(n, dtype=np.intp))
        labels = []
        for k in range(len(model.issues)):
            shown = np.empty(len(model.level_values[k]), dtype=object)
            shown[:] = [model.level_value(k, j) for j in range(len(model.level_values[k]))]
            labels.append(shown)
        return cls(
            model=model,
            concepts=tuple(concepts),
            feasible=feasible,
            columns=columns,
            terms=t,
            nominal=nominal,
            sums=sums,
            raw=raw,
            same_utility=tuple(same),
            bonus_issues=tuple(frozenset(b) for b in bonus_issues),
            bonus_scale=bonus_scale,
            column_total=column_total,
            raw_scale=raw_scale,
            labels=tuple(labels),
        )

    def check(self, params: Mapping[str, float]) -> None:
        """``ValueError`` unless every path of ``params`` names a number of this model that
        can take its value (an unknown party, issue, option or point; a curve whose xs
        would be out of order)."""
        names = self.model.party_names
        pending: dict = {}  # (party, issue) -> the changes to its value function
        for path, value in params.items():
            part = parse_path(path)
            if part["party"] not in names:
                raise ValueError(f"{path!r}: no party {part['party']!r}")
            i = names.index(part["party"])
            if part["top"] is not None:
                continue
            issue = part["issue"]
            if issue not in self.model.parties[i].values:
                raise ValueError(f"{path!r}: party {names[i]!r} does not weigh {issue!r}")
            if part["entry"] != "weight":
                pending.setdefault((i, issue), []).append((path, part, float(value)))
        for (i, issue), changes in pending.items():
            _rebind(self.model.parties[i].values[issue], changes, self.model, issue)

    @property
    def k_of(self) -> dict[str, int]:
        """Each issue's index, by name."""
        return {name: k for k, name in enumerate(self.model.issue_names)}

    def bonus_of(self, j: int, rows: np.ndarray) -> np.ndarray:
        """Party ``j``'s interaction bonuses at outcomes ``rows``, added as in its utility."""
        out = np.zeros(len(rows))
        for party, bonus, hit in self.terms.hits:
            if party == j:
                out += bonus * hit[rows]
        return out

    # -- solving -------------------------------------------------------------------------------
    def utilities(self, params: Mapping[str, float] | None = None) -> np.ndarray:
        """Every party's utility of every feasible outcome with ``params`` applied, as
        :func:`simulator.analyze` computes them."""
        from simulator.sweeps.tables import bind

        if not params:
            return self.nominal.copy()
        self.check(params)
        bound = bind(self.model, self.terms, [params], nash=False)
        n = self.feasible.shape[0]
        rows, runs = np.arange(n), np.zeros(n, dtype=np.intp)
        out = self.nominal.copy()
        for j, changed in bound.changed.items():
            out[:, j] = exact_utilities(self.terms, j, self.columns, rows, changed, runs)
        return out

    def run(self, params: Mapping[str, float] | None = None) -> dict[str, object]:
        """Solve with ``params`` applied: a flat record (parameters, zone, each concept's
        package issue by issue and every party's utility). One run of :meth:`run_many`."""
        return self.run_many([dict(params or {})])[0]

    def run_many(self, params: Sequence[Mapping[str, float]]) -> list[dict[str, object]]:
        """Solve every parameter set at once (:func:`simulator.sweeps.batch.solve`): one
        record per set, in order, each as :meth:`run` gives it."""
        params = list(params)
        by_paths: dict[tuple[str, ...], list[int]] = {}
        for r, p in enumerate(params):
            by_paths.setdefault(tuple(p), []).append(r)
        records: list[dict[str, object]] = [{} for _ in params]
        for positions in by_paths.values():
            keys, columns = self.run_columns([params[r] for r in positions])
            for r, values in zip(positions, zip(*columns)):
                records[r] = dict(zip(keys, values))
        return records

    def run_columns(self, params: Sequence[Mapping[str, float]]) -> tuple[list[str], list[list]]:
        """:meth:`run_many`'s records column by column: ``(keys, columns)``, each column a
        list with one value per parameter set. The sets must all name the same paths in the
        same order (``ValueError`` otherwise), as the runs of a plan do."""
        keys, arrays = self.run_arrays(params)
        return keys, [as_list(column) for column in arrays]

    def run_arrays(self, params: Sequence[Mapping[str, float]]) -> tuple[list[str], list]:
        """:meth:`run_columns` compact, for the wire: each column a numpy array (``nan``
        for ``None``), a package's issue as ``(codes, labels)`` (``-1`` for ``None``);
        :func:`as_list` turns one into the list :meth:`run_columns` gives."""
        from simulator.sweeps.tables import param_values

        params = list(params)
        paths = list(params[0]) if params else []
        first = tuple(paths)
        if any(tuple(p) != first for p in params):
            raise ValueError("run_columns needs parameter sets that all name the same paths")
        return self.run_values(paths, param_values(params, paths))

    def column_labels(self) -> list[np.ndarray]:
        """The labels of the ``(codes, labels)`` columns of :meth:`run_arrays`, in order."""
        return [self.labels[k] for _ in self.concepts for k in range(len(self.model.issues))]

    def run_values(self, paths: Sequence[str], values: np.ndarray) -> tuple[list[str], list]:
        """:meth:`run_arrays` on runs given as ``values[r, c]``, run ``r``'s value of
        ``paths[c]``: no dict per run, on the way in or out."""
        from simulator.sweeps.batch import solve_values

        solved = solve_values(self, paths, values)
        m = self.model
        keys = [*paths, "exists", "slack", "count"]
        columns: list = [values[:, c].copy() for c in range(len(paths))]
        columns += [solved.exists, solved.slack, solved.count]
        for c, concept in enumerate(self.concepts):
            chosen = solved.rows[:, c]
            if self.columns.shape[1]:
                levels = self.columns[:, np.maximum(chosen, 0)]
            else:  # nothing is feasible: no run chooses anything (every code is -1)
                levels = np.zeros((self.columns.shape[0], chosen.size), dtype=np.intp)
            for k, issue in enumerate(m.issue_names):
                keys.append(f"{concept}.{issue}")
                columns.append((np.where(chosen < 0, -1, levels[k]), self.labels[k]))
            for j, name in enumerate(m.party_names):
                keys.append(f"{concept}.u.{name}")
                columns.append(solved.utilities[:, c, j])
        return keys, columns


def as_list(column) -> list:
    """One column of :meth:`SweepModel.run_arrays` (or a list, returned as is) as a list of
    Python values: ``None`` for ``nan`` and for the code ``-1`` of a package's issue."""
    if isinstance(column, list):
        return column
    if isinstance(column, tuple):
        codes, labels = column
        values = labels[np.maximum(codes, 0)].tolist()
        missing = np.flatnonzero(codes < 0)
    else:
        values = column.tolist()
        kind = column.dtype.kind
        missing = np.flatnonzero(np.isnan(column)) if kind == "f" else np.zeros(0, np.intp)
    for r in missing:
        values[r] = None
    return values
