"""A scenario compiled once for many runs that only change its numbers.

Red lines and constraints do not depend on the numbers a sweep varies (weights, values, the
x and y of points, ideals, reservations, powers), so the outcomes that obey them -- the
*feasible* set -- are enumerated once. Each party's value of each issue is kept as a vector
over the feasible outcomes; a run rebinds the numbers it changes, recomputes only the
affected vectors, and solves the zone and the solution concepts on the feasible outcomes
alone. On the Ukraine baseline that is 3,456 outcomes instead of 2,239,488.

The answers are those of :func:`simulator.analyze` by enumeration (zone existence, slack,
count; Nash, Kalai-Smorodinsky, egalitarian, utilitarian with the contract's tie-breaking),
without the blocking analysis or the frontier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from simulator.analysis import CONCEPTS
from simulator.errors import SpaceTooLargeError
from simulator.model import ACCEPT_ATOL, MAX_OUTCOMES, Model
from simulator.model.compiled import UTILITY_DECIMALS
from simulator.progress import task
from simulator.solvers.kalai import kalai_objective
from simulator.solvers.nash import nash_objective
from simulator.solvers.selection import choose
from simulator.solvers.zone import reported_slack
from simulator.sweeps.apply import rebind as _rebind
from simulator.sweeps.params import parse_path

__all__ = ["MAX_SWEEP_BYTES", "SweepModel", "feasible_bytes"]

#: Largest memory the feasible outcomes of a sweep may take (:func:`feasible_bytes` per
#: outcome); checked while they are enumerated, before the per-party vectors are built.
MAX_SWEEP_BYTES = 4 * 2**30


def feasible_bytes(model: Model) -> int:
    """Bytes a :class:`SweepModel` holds per feasible outcome: its levels and decoded values,
    the interaction bonuses and nominal utilities, each party's value vectors and their
    matrix, and one run's utilities and gains."""
    k, p = len(model.issues), len(model.parties)
    vectors = sum(len(party.values) for party in model.parties)
    return 8 * k + 8 * k + 8 * p * 4 + 16 * vectors


#: Each concept's objective over the acceptable gains (as in simulator.solvers), sharing the
#: sum of gains that breaks ties.
_OBJECTIVES = {
    "nash": lambda g, w, sums: nash_objective(g, w),
    "kalai": lambda g, w, sums: kalai_objective(g),
    "egalitarian": lambda g, w, sums: g.min(axis=1),
    "utilitarian": lambda g, w, sums: sums,
}


@dataclass(eq=False)
class SweepModel:
    """Build with :meth:`SweepModel.build`; call :meth:`run` once per parameter set."""

    model: Model
    concepts: tuple[str, ...]
    feasible: np.ndarray  # (n, n_issues) levels of the feasible outcomes, in enumeration order
    bonus: np.ndarray  # (n, n_parties) interaction bonuses (not swept)
    _specs: dict = field(repr=False)  # (party, issue) -> value function
    _weights: list[dict[str, float]] = field(repr=False)
    _vectors: dict = field(repr=False)  # (party, issue) -> values over the feasible outcomes
    _nominal: np.ndarray | None = field(default=None, repr=False)  # utilities, no change
    _matrices: dict = field(default_factory=dict, repr=False)
    _decoded: list | None = field(default=None, repr=False)

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
                keep.append(levels[ok])
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
        additive = model.additive(feasible, 0)
        bonus = model.utilities(feasible) - additive
        specs, vectors, weights = {}, {}, []
        for i, party in enumerate(model.parties):
            weights.append(dict(party.weights))
            for name, fn in party.values.items():
                specs[(i, name)] = fn
        self = cls(model, tuple(concepts), feasible, bonus, specs, weights, vectors)
        for key in specs:
            vectors[key] = self._vector(key, specs[key])
        # Every cache is built here, once: a model shared by threads (Dask workers in one
        # process) is then only read.
        self._matrices = {i: self._matrix(i) for i in range(len(model.parties))}
        self._nominal = np.column_stack(
            [self._column(i, weights[i], {}) for i in range(len(model.parties))]
        )
        self._decoded = self._decode()
        return self

    # -- rebinding ---------------------------------------------------------------------------
    def _vector(self, key, fn) -> np.ndarray:
        i, name = key
        k = self.model.issue_names.index(name)
        levels = self.model.level_values[k][self.feasible[:, k]]
        return np.asarray(fn(levels), dtype=float)

    def _override(self, params: Mapping[str, float]):
        """Reservations, powers, weights and value functions with ``params`` applied."""
        names = self.model.party_names
        res = self.model.reservations.copy()
        power = np.array([p.power for p in self.model.parties], dtype=float)
        weights = [dict(w) for w in self._weights]
        pending: dict = {}  # (party, issue) -> the changes to its value function
        for path, value in params.items():
            part = parse_path(path)
            if part["party"] not in names:
                raise ValueError(f"{path!r}: no party {part['party']!r}")
            i = names.index(part["party"])
            if part["top"] == "reservation":
                res[i] = value
            elif part["top"] == "power":
                power[i] = value
            else:
                issue = part["issue"]
                key = (i, issue)
                if key not in self._specs:
                    raise ValueError(f"{path!r}: party {names[i]!r} does not weigh {issue!r}")
                if part["entry"] == "weight":
                    weights[i][issue] = value
                    continue
                pending.setdefault(key, []).append((path, part, value))
        # all changes to one value function at once: several xs of a curve may move together
        changed = {
            key: _rebind(self._specs[key], changes, self.model, key[1])
            for key, changes in pending.items()
        }
        return res, power, weights, changed

    def utilities(self, params: Mapping[str, float] | None = None) -> np.ndarray:
        """Every party's utility of every feasible outcome, with ``params`` applied."""
        _, _, weights, changed = self._override(params or {})
        return self._utilities(weights, changed)

    def _utilities(self, weights, changed) -> np.ndarray:
        """Utilities with the given weights and changed value functions; parties with no
        change reuse their nominal column (a run usually touches a few numbers)."""
        u = self._nominal.copy()
        touched = {i for i, _ in changed} | {
            i for i, w in enumerate(weights) if w != self._weights[i]
        }
        for i in touched:
            u[:, i] = self._column(i, weights[i], changed)
        return u

    def _column(self, i: int, weights: Mapping[str, float], changed) -> np.ndarray:
        """Party ``i``'s utility of every feasible outcome."""
        col = self.bonus[:, i].copy()
        total = sum(weights.values())
        if total > 0:
            names, matrix = self._matrix(i)
            mine = [(j, (i, n)) for j, n in enumerate(names) if (i, n) in changed]
            if mine:
                matrix = matrix.copy()
                for j, key in mine:
                    matrix[:, j] = self._vector(key, changed[key])
            col += matrix @ (np.array([weights[n] for n in names]) / total)
        return np.round(col, UTILITY_DECIMALS, out=col)

    def _matrix(self, i: int) -> tuple[list[str], np.ndarray]:
        """Party ``i``'s nominal value vectors side by side (one column per weighed issue)."""
        if i in self._matrices:
            return self._matrices[i]
        names = list(self._weights[i])
        return names, np.column_stack([self._vectors[(i, n)] for n in names])

    # -- one run -----------------------------------------------------------------------------
    def run(self, params: Mapping[str, float] | None = None) -> dict[str, object]:
        """Solve with ``params`` applied: a flat record (parameters, zone, each concept's
        package issue by issue and every party's utility)."""
        params = dict(params or {})
        res, power, weights, changed = self._override(params)
        u = self._utilities(weights, changed)
        model = self.model
        sig = model.signatories
        # column-major: reductions across the few parties then run along contiguous columns
        gains = np.asfortranarray(u[:, sig] - res[sig])
        record: dict[str, object] = dict(params)
        slack = float(gains.min(axis=1).max()) if gains.shape[0] else None
        ok = (gains >= -ACCEPT_ATOL).all(axis=1)
        count = int(ok.sum())
        exists = count > 0
        slack = reported_slack(slack, exists, ACCEPT_ATOL)
        record.update(exists=exists, slack=slack, count=count)
        rows = np.flatnonzero(ok)
        g = np.asfortranarray(gains[rows])
        w = power[sig]
        labels = self._decoded
        issues, parties = model.issue_names, model.party_names
        sums = g.sum(axis=1)
        for concept in self.concepts:
            choice = choose(_OBJECTIVES[concept](g, w, sums), g, sums) if exists else None
            row = None if choice is None else rows[choice.row]
            for k, issue in enumerate(issues):
                record[f"{concept}.{issue}"] = None if row is None else labels[k][row]
            for j, name in enumerate(parties):
                record[f"{concept}.u.{name}"] = None if row is None else float(u[row, j])
        return record

    def _decode(self) -> list[list]:
        """Per issue, the option (or number) of every feasible outcome."""
        model = self.model
        decoded = []
        for k in range(len(model.issues)):
            shown = [model.level_value(k, j) for j in range(len(model.level_values[k]))]
            decoded.append([shown[j] for j in self.feasible[:, k]])
        return decoded
