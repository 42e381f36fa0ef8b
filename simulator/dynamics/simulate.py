"""Simulating the talks on a compiled model, once or many times.

:func:`simulate` collects the lawful outcomes once (:mod:`simulator.dynamics.outcomes`: those
obeying the constraints and every signatory's red lines), builds one
:class:`~simulator.dynamics.strategies.Agent` per signatory, runs a protocol
(:mod:`simulator.dynamics.protocols`) and measures where the talks ended against the static
solutions of :func:`simulator.analyze`: the Euclidean distance, in the signatories' utility
space, from the agreement to the (power-weighted) Nash and the Kalai-Smorodinsky outcomes.
When the talks fail, the result says why (:attr:`Simulation.reason`).

A per-round cost is a discount factor per party: an agreement at round ``t`` is worth
``delta_i^t u_i`` (Rubinstein 1982, https://doi.org/10.2307/1912531) while walking away keeps
the reservation. By default agents bargain on these discounted values wherever a factor is
set (``discounted=True``); ``discounted=False`` has them bargain on undiscounted utilities.
Both the utilities and the discounted values of the agreement are reported.

:func:`monte_carlo` repeats the talks with random strategies and belief noise;
:func:`summarize` turns its runs into agreement rate, mean rounds and mean distance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.analysis import analyze
from simulator.dynamics.outcomes import OutcomeTable, outcome_table
from simulator.dynamics.protocols import PROTOCOLS, Transcript, alternating, mediated
from simulator.dynamics.strategies import STRATEGIES, make_agent
from simulator.model.compiled import MAX_OUTCOMES, Model

__all__ = ["Simulation", "monte_carlo", "simulate", "summarize"]


@dataclass(frozen=True, eq=False)
class Simulation:
    """The record of one simulated negotiation.

    Attributes
    ----------
    trace : one row per round: ``round``, ``proposer`` (the speaker, or the mediator),
        ``action`` (``offer``, ``accept``, ``pass``, ``text``), each issue's option or
        number in the standing offer (empty when none stands), ``u_<party>`` each party's
        undiscounted utility of it, ``accepted`` (comma-separated signatories who accept it)
        and ``objections`` (mediated protocol: ``party:issue`` pairs).
    agreed : whether every signatory accepted an outcome before the deadline.
    round : the round of agreement (0-based), None without agreement.
    outcome : the agreement ``{issue: option or number}``, None without agreement.
    index : its enumeration number, None without agreement.
    utilities, discounted : every party's utility of the agreement, undiscounted and
        discounted (``delta^round u``); None without agreement.
    distance_nash, distance_kalai : Euclidean distance, over the signatories' utilities,
        from the agreement to the static Nash solution (weighted by the parties' bargaining
        powers, as :func:`simulator.analyze` solves it) and to the Kalai-Smorodinsky one;
        None without agreement or without a zone.
    protocol : ``"alternating"`` or ``"mediated"``.
    strategies : signatory name -> strategy.
    discount : party name -> discount factor.
    static : ``"nash"`` / ``"kalai"`` -> every party's utility of that static solution, None
        without a zone (what the distances are measured to; drawn by the offers plot).
    reason : without agreement, why: no lawful outcome, no zone, the time costs, hard-liners
        or the deadline; None with agreement.
    bargained : ``"discounted"`` when the agents bargained on discounted values, else
        ``"undiscounted"`` (also when no party discounts).
    rounds : the deadline.
    """

    trace: pd.DataFrame
    agreed: bool
    round: int | None
    outcome: dict[str, str | float] | None
    index: int | None
    utilities: dict[str, float] | None
    discounted: dict[str, float] | None
    distance_nash: float | None
    distance_kalai: float | None
    protocol: str
    strategies: dict[str, str]
    discount: dict[str, float]
    static: Mapping[str, dict[str, float] | None] = field(default_factory=dict)
    reason: str | None = None
    bargained: str = "undiscounted"
    rounds: int = 0


@dataclass(frozen=True, eq=False)
class _Setting:
    """What every run on one model shares: the table and the static solutions."""

    model: Model
    table: OutcomeTable
    static: dict[str, dict[str, float] | None]  # concept -> every party's utility

    def target(self, concept: str) -> np.ndarray | None:
        """The signatories' utilities of a static solution (None without a zone)."""
        u = self.static[concept]
        sig = [n for n, s in zip(self.model.party_names, self.model.signatories) if s]
        return None if u is None else np.array([u[n] for n in sig])


def _setting(model: Model, noise: float = 0.0, max_outcomes: int = MAX_OUTCOMES) -> _Setting:
    table = outcome_table(model, noise=noise, max_outcomes=max_outcomes)
    # auto: a frontier too costly to enumerate (many signatories) is solved by MILP instead
    sols = analyze(model, ("nash", "kalai"), method="auto").solutions
    static = {
        c: None if (sol := sols[c]) is None else dict(sol.utilities) for c in ("nash", "kalai")
    }
    return _Setting(model, table, static)


def _discounts(model: Model, discount: float | Mapping[str, float] | None) -> dict[str, float]:
    out = {}
    for p in model.parties:
        d = p.extra.get("discount", 1.0) if isinstance(p.extra, Mapping) else 1.0
        if isinstance(discount, Mapping):
            d = discount.get(p.name, d)
        elif discount is not None:
            d = discount
        d = float(d)  # type: ignore[arg-type]
        if not 0.0 < d <= 1.0:
            raise ValueError(f"party {p.name!r}: discount factor must lie in (0, 1]")
        out[p.name] = d
    return out


def simulate(
    model: Model,
    protocol: str = "alternating",
    strategies: Mapping[str, str] | None = None,
    rounds: int = 100,
    seed: int | np.random.Generator | None = None,
    noise: float = 0.0,
    mediator: str | None = None,
    discount: float | Mapping[str, float] | None = None,
    start: str = "utilitarian",
    *,
    discounted: bool = True,
    max_outcomes: int = MAX_OUTCOMES,
) -> Simulation:
    """Simulate the negotiation round by round.

    Parameters
    ----------
    model : a compiled model (its space is scanned once; at most
        :data:`~simulator.dynamics.outcomes.MAX_SIMULATED_OUTCOMES` lawful outcomes).
    protocol : ``"alternating"`` (stacked alternating offers, signatories in model order)
        or ``"mediated"`` (single negotiating text).
    strategies : signatory name -> one of ``boulware``, ``linear``, ``conceder``,
        ``zeuthen``, ``tit_for_tat``, ``hardliner``; missing signatories play ``linear``.
    rounds : the deadline: rounds ``0 .. rounds - 1``.
    seed : seeds the belief noise (``numpy.random.default_rng(seed)``, called once).
    noise : standard deviation of each agent's errors about the others' utilities.
    mediator : mediated protocol: a party name (partisan mediator) or None (neutral).
    discount : a factor for every party, or per party name; default
        ``party.extra["discount"]`` where given, else 1.
    start : mediated protocol's opening text, ``"utilitarian"`` or ``"nash"``.
    discounted : agents bargain on discounted values (the default; it matters only where a
        factor is below 1); False: on undiscounted utilities, as if time cost nothing.
    max_outcomes : the largest space to scan.

    Returns
    -------
    Simulation

    Raises
    ------
    ValueError
        For an unknown protocol, strategy, party or mediator.
    SpaceTooLargeError
        For a space over ``max_outcomes`` outcomes, or too many lawful outcomes to keep.

    Examples
    --------
    >>> from simulator.model import ContinuousIssue, Party, PiecewiseLinearValue, compile_model
    >>> pie = ContinuousIssue("x", 0.0, 1.0, grid=101)
    >>> m = compile_model([pie], [
    ...     Party("a", 0.0, {"x": 1}, {"x": PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0))}),
    ...     Party("b", 0.0, {"x": 1}, {"x": PiecewiseLinearValue((0.0, 1.0), (1.0, 0.0))})])
    >>> s = simulate(m, strategies={"a": "zeuthen", "b": "zeuthen"}, rounds=400)
    >>> s.agreed, s.outcome
    (True, {'x': 0.5})
    """
    return _run(
        _setting(model, noise, max_outcomes),
        protocol,
        strategies,
        rounds,
        seed,
        noise,
        mediator,
        discount,
        start,
        discounted,
    )


def _run(setting, protocol, strategies, rounds, seed, noise, mediator, discount, start, discounted):
    model, table = setting.model, setting.table
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    if noise < 0:
        raise ValueError("noise must be non-negative")
    names = model.party_names
    sig = np.flatnonzero(model.signatories)
    chosen = dict(strategies or {})
    unknown = set(chosen) - {names[j] for j in sig}
    if unknown:
        raise ValueError(f"strategies for unknown signatories {sorted(unknown)}")
    bad = set(chosen.values()) - set(STRATEGIES)
    if bad:
        raise ValueError(f"unknown strategy {sorted(bad)[0]!r}; known: {', '.join(STRATEGIES)}")
    plan = {names[j]: chosen.get(names[j], "linear") for j in sig}
    factors = _discounts(model, discount)
    costly = discounted and any(factors[n] < 1.0 for n in names)
    deltas = np.array([factors[n] if costly else 1.0 for n in names])
    power = model.power[sig]
    rng = np.random.default_rng(seed)
    agents = [
        make_agent(table, j, names[j], sig, plan[names[j]], noise, rng, power, deltas) for j in sig
    ]
    if mediator is not None and protocol == "alternating":
        raise ValueError("a mediator takes part only in the mediated protocol")
    if protocol == "alternating":
        tr = alternating(agents, rounds)
    else:
        if mediator is not None and mediator not in names:
            raise ValueError(f"unknown mediator {mediator!r}")
        mi = None if mediator is None else names.index(mediator)
        beliefs = table.utilities
        if noise > 0:
            beliefs = beliefs + rng.normal(0.0, noise, size=beliefs.shape)
            if mi is not None:
                beliefs[:, mi] = table.utilities[:, mi]
        tr = mediated(table, agents, rounds, beliefs, mi, mediator or "mediator", start, deltas)
    sim = _result(setting, tr, protocol, plan, factors, rounds, costly)
    if sim.agreed:
        return sim
    reason = _why_not(setting, plan, deltas, rounds, noise, protocol)
    return Simulation(**{**sim.__dict__, "reason": reason})


def _why_not(setting: _Setting, plan, deltas, rounds, noise, protocol) -> str:
    """Why the talks ended without agreement, in a sentence."""
    model, table = setting.model, setting.table
    sig = np.flatnonzero(model.signatories)
    if table.count == 0:
        return (
            "no outcome obeys the constraints and every signatory's red lines, so no agreement "
            "is possible whatever the strategies (zopa explain says which red lines clash)"
        )
    zone = table.acceptable[:, sig].all(axis=1)
    if not zone.any():
        return (
            "no outcome is acceptable to every signatory (there is no zone), so no strategy "
            "can reach an agreement"
        )
    if (deltas[sig] < 1.0).any():
        u = table.utilities[np.ix_(np.flatnonzero(zone), sig)]
        r = table.reservations[sig]
        with np.errstate(divide="ignore", invalid="ignore"):
            lasts = np.where(
                deltas[sig] < 1.0,
                np.floor(np.log(np.maximum(r, 1e-300) / u) / np.log(deltas[sig]) + 1e-9),
                np.inf,
            )
        lasts = np.where(r <= 0, np.inf, lasts)
        last = float(lasts.min(axis=1).max())
        if last < rounds - 1:
            return (
                f"with the discount factors no outcome is worth its reservation to every "
                f"signatory after round {int(last)}, and the offers had not met by then"
            )
    hard = [n for n, s in plan.items() if s == "hardliner"]
    if hard:
        who = ", ".join(hard)
        verb = "play" if len(hard) > 1 else "plays"
        return f"{who} {verb} hardliner: a hard-liner accepts only its best outcome, and " + (
            "no outcome is every hard-liner's best that the others also accept"
            if len(hard) > 1
            else "the others did not concede that far by the deadline"
        )
    if noise > 0:
        return (
            f"with belief noise (sd {noise:g}) the agents misjudged what the others accept, and "
            f"the offers did not meet by the deadline of {rounds} rounds"
        )
    return (
        f"the offers did not meet by the deadline of {rounds} rounds under the {protocol} "
        "protocol with these strategies; a later deadline or strategies that concede more may "
        "agree"
    )


def _result(setting: _Setting, tr: Transcript, protocol, plan, factors, rounds, costly):
    model, table = setting.model, setting.table
    names = model.party_names
    rows = []
    for st in tr.steps:
        row: dict[str, object] = {"round": st.round, "proposer": st.proposer, "action": st.action}
        out = model.describe(table.levels[st.offer]) if st.offer is not None else {}
        for issue in model.issue_names:
            row[issue] = out.get(issue)
        for j, n in enumerate(names):
            row[f"u_{n}"] = float(table.utilities[st.offer, j]) if st.offer is not None else np.nan
        row["accepted"] = ",".join(st.accepted)
        row["objections"] = ",".join(f"{p}:{model.issue_names[k]}" for p, k in st.objections)
        rows.append(row)
    columns = ["round", "proposer", "action", *model.issue_names]
    columns += [f"u_{n}" for n in names] + ["accepted", "objections"]
    trace = pd.DataFrame(rows, columns=columns)
    common = dict(
        trace=trace,
        protocol=protocol,
        strategies=plan,
        discount=factors,
        static=setting.static,
        bargained="discounted" if costly else "undiscounted",
        rounds=rounds,
    )
    if tr.agreement is None:
        return Simulation(
            agreed=False,
            round=None,
            outcome=None,
            index=None,
            utilities=None,
            discounted=None,
            distance_nash=None,
            distance_kalai=None,
            **common,
        )
    x, t = tr.agreement, tr.round
    u = table.utilities[x]
    us = u[model.signatories]
    dist = {
        c: None if (v := setting.target(c)) is None else float(np.linalg.norm(us - v))
        for c in ("nash", "kalai")
    }
    return Simulation(
        agreed=True,
        round=t,
        outcome=model.describe(table.levels[x]),
        index=int(table.index[x]),
        utilities={n: float(v) for n, v in zip(names, u)},
        discounted={n: float(factors[n] ** t * v) for n, v in zip(names, u)},
        distance_nash=dist["nash"],
        distance_kalai=dist["kalai"],
        **common,
    )


def monte_carlo(
    model: Model,
    runs: int,
    strategies_choices: Sequence[str] | None = None,
    noise: float = 0.1,
    seed: int | np.random.Generator | None = None,
    *,
    protocol: str = "alternating",
    rounds: int = 100,
    mediator: str | None = None,
    discount: float | Mapping[str, float] | None = None,
    discounted: bool = True,
) -> pd.DataFrame:
    """Repeat the talks ``runs`` times, each signatory drawing its strategy uniformly from
    ``strategies_choices`` (default: all of them) and its beliefs with ``noise``.

    The space is enumerated and analysed once. One generator
    (``numpy.random.default_rng(seed)``) draws every strategy and every run's noise.

    Returns
    -------
    pandas.DataFrame
        One row per run: ``run``, ``strategies`` (``"party=strategy,..."``), ``noise``,
        ``agreed``, ``rounds`` (round of agreement + 1, NaN without agreement),
        ``distance_nash``, ``distance_kalai`` (NaN when undefined).
    """
    choices = tuple(strategies_choices or STRATEGIES)
    bad = set(choices) - set(STRATEGIES)
    if bad:
        raise ValueError(f"unknown strategies {sorted(bad)}; known: {', '.join(STRATEGIES)}")
    setting = _setting(model, noise)
    rng = np.random.default_rng(seed)
    sig = [n for n, s in zip(model.party_names, model.signatories) if s]
    rows = []
    for r in range(runs):
        plan = {n: choices[int(rng.integers(len(choices)))] for n in sig}
        s = _run(
            setting,
            protocol,
            plan,
            rounds,
            rng,
            noise,
            mediator,
            discount,
            "utilitarian",
            discounted,
        )
        rows.append(
            {
                "run": r,
                "strategies": ",".join(f"{n}={v}" for n, v in plan.items()),
                "noise": noise,
                "agreed": s.agreed,
                "rounds": np.nan if s.round is None else s.round + 1,
                "distance_nash": np.nan if s.distance_nash is None else s.distance_nash,
                "distance_kalai": np.nan if s.distance_kalai is None else s.distance_kalai,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "run",
            "strategies",
            "noise",
            "agreed",
            "rounds",
            "distance_nash",
            "distance_kalai",
        ],
    )


def summarize(runs: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Agreement rate, mean rounds and mean distances (over agreed runs) of
    :func:`monte_carlo` runs: one row ``"all"``, or one row per value of column ``by``
    (e.g. ``"strategies"``)."""
    keys = np.full(len(runs), "all", dtype=object) if by is None else runs[by]
    grouped = runs.groupby(keys, sort=True)
    return pd.DataFrame(
        {
            "runs": grouped.size(),
            "agreement_rate": grouped["agreed"].mean(),
            "mean_rounds": grouped["rounds"].mean(),
            "mean_distance_nash": grouped["distance_nash"].mean(),
            "mean_distance_kalai": grouped["distance_kalai"].mean(),
        }
    )
