"""Negotiating agents: what each party believes, how far it concedes, what it offers.

Agents play on the *lawful* outcomes (:mod:`simulator.dynamics.outcomes`): those that obey
the constraints and every signatory's red lines, which are public like the reservations. An
:class:`Agent` knows its own utility exactly and the other signatories' up to Gaussian noise
(standard deviation ``noise``, drawn once).

**Time costs.** With discount factors ``delta_i < 1`` an agreement at round ``t`` is worth
``v_i(x, t) = delta_i^t u_i(x)`` to party ``i``, while walking away keeps its reservation
``d_i``: the zone shrinks every round and, at some round, closes for good. Agents bargain on
these discounted values (``discounted=True``, the default where a factor is set): they
accept, offer and measure gains in ``v``, and time-based agents concede by the round at
which they believe the zone closes (discount factors and reservations are public).
With ``discounted=False`` they bargain on ``u`` and only the report discounts.

Its *strategy* sets its aspiration ``a_t``, the value it still insists on at round ``t``:

* time-based concession (Faratin, Sierra & Jennings 1998), between its best acceptable
  utility ``b`` and its reservation ``r``, reaching ``r`` at its horizon ``T`` (the last
  round at which an offer can still be agreed; with discounting, no later than the last
  round at which some outcome is believed worth its reservation to every signatory):

  .. math:: a(t) = r + (b - r)\\,\\bigl(1 - (t/T)^{1/e}\\bigr),

  ``boulware`` (``e = 0.2``, holds out until near the deadline), ``linear`` (``e = 1``),
  ``conceder`` (``e = 5``, concedes early);
* ``tit_for_tat`` -- relative tit-for-tat (Faratin et al. 1998): concede what an opponent
  conceded, in this agent's values, between its last two offers (with several opponents,
  the largest such concession). Its opening concessions (before two offers of one opponent
  are seen) are ``(b - r)/T`` a turn, and every positive concession is at least the step
  that changes its offer (down to the value of the next outcome it would rather offer, not
  merely its next lower value), so that on a discrete set of outcomes a concession always
  moves the offer and the other side sees it. At its horizon it accepts anything acceptable
  rather than walk away (an opponent with a single acceptable outcome cannot concede, and
  copying its zero would lose the zone);
* ``hardliner`` -- ``a = delta^t b - 10^{-6}``: nothing but its best;
* ``zeuthen`` -- Zeuthen's (1930) risk-based concession. With standing offers ``x_i`` (own)
  and ``x_j`` (the other's), party ``i``'s willingness to risk conflict is

  .. math:: \\rho_i = \\frac{v_i(x_i) - v_i(x_j)}{v_i(x_i) - d_i};

  the party with the smaller risk concedes (both on a tie), by the least amount that
  reverses the comparison. For two parties ``rho_i <= rho_j`` iff the Nash product of
  ``x_i`` is at most that of ``x_j`` (Harsanyi 1956), so the agent concedes exactly when
  ``P(x_i) <= P(x_j)`` and concedes to the outcome of largest own value with ``P > P(x_j)``,
  where ``P(x) = prod_k g_k(x)^{w_k}`` over the signatories (gains ``g = v - d`` clipped at
  0, the others' from its beliefs; ``w`` the normalised bargaining powers, equal by
  default: with powers set, Zeuthen agents end at the weighted Nash solution, the one
  :func:`simulator.analyze` reports). The same test defines the many-party rule.

Offering and accepting are common to all strategies: at aspiration ``a`` an agent proposes,
among the outcomes acceptable to itself with ``v_i >= a``, first those it believes every
other signatory accepts (believed ``v_j >= d_j``), then the one maximising the product of the
other signatories' believed gains (ties: their sum, then its own value, then the first
outcome); it accepts an offer acceptable to itself with ``v_i >= a``. Aspirations never fall
below the reservation, so no agent accepts below it; no lawful outcome crosses a red line.

References
----------
Faratin, P., Sierra, C., & Jennings, N. R. (1998). Negotiation decision functions for
autonomous agents. *Robotics and Autonomous Systems*, 24(3-4), 159-182.
https://doi.org/10.1016/S0921-8890(98)00029-3

Zeuthen, F. (1930). *Problems of Monopoly and Economic Warfare*. London: Routledge.

Harsanyi, J. C. (1956). Approaches to the bargaining problem before and after the theory of
games. *Econometrica*, 24(2), 144-157. https://doi.org/10.2307/1905748
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.dynamics.outcomes import OutcomeTable
from simulator.model.compiled import ACCEPT_ATOL

__all__ = [
    "EXPONENTS",
    "HARDLINER_EPSILON",
    "STRATEGIES",
    "Agent",
    "Turn",
    "accepts",
    "horizon",
    "make_agent",
    "next_aspiration",
    "propose",
    "time_aspiration",
    "zeuthen_risk",
]

STRATEGIES = ("boulware", "linear", "conceder", "zeuthen", "tit_for_tat", "hardliner")
#: Concession exponents ``e`` of the time-based strategies.
EXPONENTS = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}
HARDLINER_EPSILON = 1e-6
#: Slack when comparing a value with an aspiration.
_TOL = 1e-12


@dataclass(frozen=True, eq=False)
class Agent:
    """One signatory's knowledge and strategy.

    Attributes
    ----------
    party : index into ``model.parties``; ``name`` its name.
    strategy : one of :data:`STRATEGIES`.
    beliefs : ``(n_rows, n_parties)``: exact utilities in column ``party``, noisy
        estimates elsewhere, over the lawful outcomes.
    acceptable : ``(n_rows,)`` the lawful outcomes at or above its own reservation.
    reservations : every party's reservation (public).
    signatories : indices of every signatory (this party included).
    power : ``(n_signatories,)`` the signatories' bargaining powers, normalised (public).
    deltas : ``(n_parties,)`` the discount factors it bargains with (all 1 when it bargains
        on undiscounted utilities).
    best : its best acceptable utility at round 0 (``-inf`` if nothing is acceptable).
    order : its acceptable outcomes, most attractive offer first at round 0 (see the module
        docstring); used as is while no discounting changes the order.
    zone_end : with discounting, the last round at which some outcome acceptable to it is
        still believed worth its reservation to every signatory (``inf`` without).
    """

    party: int
    name: str
    strategy: str
    beliefs: np.ndarray
    acceptable: np.ndarray
    reservations: np.ndarray
    signatories: np.ndarray
    power: np.ndarray
    deltas: np.ndarray
    best: float
    order: np.ndarray
    zone_end: float = math.inf

    @property
    def utility(self) -> np.ndarray:
        return self.beliefs[:, self.party]

    @property
    def reservation(self) -> float:
        return float(self.reservations[self.party])

    @property
    def discounting(self) -> bool:
        return bool((self.deltas < 1.0).any())

    def values(self, rows: np.ndarray, t: int) -> np.ndarray:
        """Its own value ``delta^t u`` of ``rows`` at round ``t``."""
        return self.deltas[self.party] ** t * self.utility[rows]

    def gains(self, rows: np.ndarray, t: int) -> np.ndarray:
        """Believed gains ``delta_k^t u_k - d_k`` of every signatory at round ``t``."""
        sig = self.signatories
        return self.deltas[sig] ** t * self.beliefs[np.ix_(rows, sig)] - self.reservations[sig]

    def nash_products(self, rows: np.ndarray, t: int = 0) -> np.ndarray:
        """Believed weighted Nash products ``prod_k max(g_k, 0)^{w_k}`` at round ``t``."""
        g = np.maximum(self.gains(rows, t), 0.0)
        return np.prod(g**self.power, axis=1)


@dataclass(frozen=True)
class Turn:
    """What an agent sees when it acts: round ``t`` of ``deadline``; ``last``, the last round
    at which an offer can still be agreed (where aspirations reach the reservation); the
    standing offer, its own last offer and every offer so far as ``(proposer, row)``."""

    t: int
    deadline: int
    standing: int | None
    own_last: int | None
    offers: Sequence[tuple[int, int]]
    last: int | None = None
    lag: int = 0  # rounds between an offer and its acceptance by every signatory

    @property
    def end(self) -> int:
        return self.deadline - 1 if self.last is None else self.last


def _offer_key(agent_party: int, beliefs, reservations, deltas, sig, rows, t):
    """Sort keys (last is primary) ranking ``rows`` as offers, most attractive first."""
    others = sig[sig != agent_party]
    g = deltas[others] ** t * beliefs[np.ix_(rows, others)] - reservations[others]
    ok = (g >= -ACCEPT_ATOL).all(axis=1)
    prod = np.prod(np.maximum(g, 0.0), axis=1)
    own = deltas[agent_party] ** t * beliefs[rows, agent_party]
    return (rows, -own, -g.sum(axis=1), -prod, ~ok)


def make_agent(
    table: OutcomeTable,
    party: int,
    name: str,
    signatories: np.ndarray,
    strategy: str = "linear",
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
    power: np.ndarray | None = None,
    deltas: np.ndarray | None = None,
) -> Agent:
    """An agent for ``party``; with ``noise > 0`` its beliefs about every other party get
    independent ``N(0, noise^2)`` errors per outcome, drawn from ``rng``. ``power`` gives
    the signatories' bargaining powers (default equal), ``deltas`` every party's discount
    factor to bargain with (default 1: no time cost)."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; known: {', '.join(STRATEGIES)}")
    beliefs = table.utilities  # read-only: shared by every agent unless noise is added
    if noise > 0:
        if rng is None:
            raise ValueError("noise needs a random generator")
        beliefs = beliefs.copy()
        others = [k for k in range(beliefs.shape[1]) if k != party]
        beliefs[:, others] += rng.normal(0.0, noise, size=(beliefs.shape[0], len(others)))
        beliefs.setflags(write=False)
    sig = np.asarray(signatories, dtype=np.intp)
    w = np.ones(sig.size) if power is None else np.asarray(power, dtype=float)
    w = w / w.sum()
    d = np.ones(beliefs.shape[1]) if deltas is None else np.asarray(deltas, dtype=float)
    acceptable = table.acceptable[:, party]
    idx = np.flatnonzero(acceptable)
    order = idx[np.lexsort(_offer_key(party, beliefs, table.reservations, d, sig, idx, 0))]
    best = float(beliefs[idx, party].max()) if idx.size else -np.inf
    res = table.reservations
    zone_end = _zone_end(beliefs[np.ix_(idx, sig)], res[sig], d[sig])
    return Agent(party, name, strategy, beliefs, acceptable, res, sig, w, d, best, order, zone_end)


def _zone_end(u: np.ndarray, r: np.ndarray, delta: np.ndarray) -> float:
    """The last round ``t`` at which some row of ``u`` (outcomes x signatories) has
    ``delta^t u >= r`` for every signatory (``inf`` when no factor is below 1, ``-1`` when
    no row qualifies even at round 0)."""
    if not (delta < 1.0).any():
        return math.inf
    if u.shape[0] == 0:
        return -1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        last = np.floor(np.log(np.maximum(r, 1e-300) / u) / np.log(delta) + 1e-9)
    last = np.where((delta >= 1.0) | (r <= 0), np.inf, np.where(u > 0, last, -1.0))
    last = np.where(u >= r - ACCEPT_ATOL, last, -1.0)
    return float(last.min(axis=1).max())


def horizon(agent: Agent, end: int, lag: int = 0) -> int:
    """The round by which the agent's aspiration reaches its reservation: ``end``, or
    earlier with discounting, ``lag`` rounds before the last round at which some outcome is
    still believed worth its reservation to every signatory (an offer needs ``lag`` more
    rounds to be accepted by all)."""
    if math.isinf(agent.zone_end):
        return max(end, 0)
    return max(min(end, int(agent.zone_end) - lag), 0)


def time_aspiration(best: float, reservation: float, t: int, deadline: int, e: float) -> float:
    """``r + (b - r)(1 - (t/T)^(1/e))`` (Faratin et al. 1998), ``r`` from ``t >= T`` on.

    Examples
    --------
    >>> time_aspiration(1.0, 0.2, 5, 10, 1.0)
    0.6
    >>> time_aspiration(1.0, 0.2, 5, 10, 0.2) > 0.97  # Boulware holds out
    True
    >>> time_aspiration(1.0, 0.2, 10, 10, 0.2)
    0.2
    """
    frac = min(max(t / deadline, 0.0), 1.0) if deadline > 0 else 1.0
    return reservation + (best - reservation) * (1.0 - frac ** (1.0 / e))


def zeuthen_risk(u_own_offer: float, u_other_offer: float, reservation: float) -> float:
    """Willingness to risk conflict ``(u(x_i) - u(x_j)) / (u(x_i) - d)`` (1 if ``u(x_i) <= d``).

    Examples
    --------
    >>> zeuthen_risk(1.0, 0.5, 0.0)
    0.5
    """
    span = u_own_offer - reservation
    return 1.0 if span <= 0 else (u_own_offer - u_other_offer) / span


def next_aspiration(agent: Agent, previous: float | None, turn: Turn) -> float:
    """The agent's aspiration at ``turn``, given its aspiration at its previous turn."""
    b, r = agent.best, agent.reservation
    if not np.isfinite(b):
        return np.inf
    if agent.strategy in EXPONENTS:
        end = horizon(agent, turn.end, turn.lag)
        return time_aspiration(b, r, turn.t, end, EXPONENTS[agent.strategy])
    if agent.strategy == "hardliner":  # its best, as it is worth at this round
        return max(float(agent.deltas[agent.party]) ** turn.t * b - HARDLINER_EPSILON, r)
    if previous is None:
        return b
    if agent.strategy == "tit_for_tat":
        if turn.t >= horizon(agent, turn.end, turn.lag):  # its last chance: take the zone
            return r
        return max(previous - _tft_concession(agent, previous, turn), r)
    return _zeuthen(agent, previous, turn)


def _ranked(agent: Agent, t: int) -> np.ndarray:
    """Its acceptable outcomes in :func:`propose`'s order at round ``t``, most attractive
    offer first: it offers the first one worth its aspiration."""
    if not agent.discounting or t == 0:
        return agent.order
    keys = _offer_key(
        agent.party,
        agent.beliefs,
        agent.reservations,
        agent.deltas,
        agent.signatories,
        agent.order,
        t,
    )
    return agent.order[np.lexsort(keys)]


def _next_step(agent: Agent, previous: float, t: int) -> float:
    """The least concession that changes its offer: ``previous`` minus the largest value,
    below it, of an outcome :func:`propose` ranks before its current offer (the offer moves
    there); when its offer already comes first, minus its next lower value (0 when none).

    Stepping to the next lower value is not enough: the offer is the *first* outcome of the
    order worth the aspiration, so an outcome admitted further down the order leaves it where
    it was, and the other side sees no concession to copy."""
    ranked = _ranked(agent, t)
    v = agent.values(ranked, t)
    if v.size:
        ok = v >= _floor(agent, min(previous, float(v.max())))
        if ok.any():
            before = v[: int(np.argmax(ok))]  # ranked before the offer, worth less to it
            before = before[before >= agent.reservation - ACCEPT_ATOL]
            if before.size:
                return float(previous - before.max())
    lower = v[v < previous - 1e-9]
    return float(previous - lower.max()) if lower.size else 0.0


def _tft_concession(agent: Agent, previous: float, turn: Turn) -> float:
    span = agent.best - agent.reservation
    last_two: dict[int, list[int]] = {}
    for p, x in turn.offers:
        if p != agent.party:
            last_two[p] = [*last_two.get(p, [])[-1:], x]
    pairs = [np.array(xs) for xs in last_two.values() if len(xs) == 2]
    if pairs:
        # reciprocate the largest concession an opponent made in its last two offers, in
        # this agent's values (with two parties: the other's; with more, one that moved)
        copied = max(float(np.diff(agent.values(pair, turn.t))[0]) for pair in pairs)
        if copied <= 1e-12 or span <= 0:
            return 0.0
        return max(copied, _next_step(agent, previous, turn.t))
    opening = span / max(horizon(agent, turn.end, turn.lag), 1)
    return max(opening, _next_step(agent, previous, turn.t))


def _zeuthen(agent: Agent, previous: float, turn: Turn) -> float:
    s = turn.standing
    if s is None:
        return previous
    own = turn.own_last if turn.own_last is not None else propose(agent, previous, turn.t)
    if own is None:
        return previous
    np_own, np_s = agent.nash_products(np.array([own, s]), turn.t)
    if np_own > np_s:  # the other is less willing to risk conflict: it must concede
        return previous
    idx = agent.order
    better = idx[agent.nash_products(idx, turn.t) > np_s]
    if better.size == 0:  # nothing reverses the comparison: concede to the standing offer
        value = float(agent.values(np.array([s]), turn.t)[0])
        return value if agent.acceptable[s] else previous
    return min(float(agent.values(better, turn.t).max()), previous)


def propose(agent: Agent, aspiration: float, t: int = 0) -> int | None:
    """The outcome offered at ``aspiration`` in round ``t`` (None if nothing acceptable to
    the agent is worth its reservation any more)."""
    idx = agent.order
    if idx.size == 0:
        return None
    v = agent.values(idx, t)
    ok = v >= _floor(agent, min(aspiration, float(v.max())))
    if not ok.any():
        return None
    if not agent.discounting or t == 0:
        return int(idx[int(np.argmax(ok))])
    rows = idx[ok]  # the order changes with discounting: rank the candidates at round t
    keys = _offer_key(
        agent.party, agent.beliefs, agent.reservations, agent.deltas, agent.signatories, rows, t
    )
    return int(rows[np.lexsort(keys)[0]])


def accepts(agent: Agent, offer: int | None, aspiration: float, t: int = 0) -> bool:
    """Whether the agent accepts ``offer`` in round ``t``: acceptable to it, and its value
    at least the aspiration and the reservation."""
    if offer is None or not agent.acceptable[offer]:
        return False
    value = float(agent.values(np.array([offer]), t)[0])
    return value >= _floor(agent, aspiration)


def _floor(agent: Agent, aspiration: float) -> float:
    """The least value the agent takes at ``aspiration``: the aspiration (up to ``_TOL``),
    and never below its reservation as the zone counts it (``u >= r - ACCEPT_ATOL``, so
    an agent takes every outcome the zone holds for it)."""
    return max(aspiration - _TOL, agent.reservation - ACCEPT_ATOL)
