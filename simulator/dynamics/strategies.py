"""Negotiating agents: what each party believes, how far it concedes, what it offers.

An :class:`Agent` knows its own utility over every outcome exactly and the other signatories'
utilities up to Gaussian noise (standard deviation ``noise``, drawn once). Its *strategy*
sets its aspiration ``a_t``, the utility it still insists on at round ``t``:

* time-based concession (Faratin, Sierra & Jennings 1998), between its best acceptable
  utility ``b`` and its reservation ``r``, with deadline ``T``:

  .. math:: a(t) = r + (b - r)\\,\\bigl(1 - (t/T)^{1/e}\\bigr),

  ``boulware`` (``e = 0.2``, holds out until near the deadline), ``linear`` (``e = 1``),
  ``conceder`` (``e = 5``, concedes early);
* ``tit_for_tat`` -- relative tit-for-tat (Faratin et al. 1998): concede, as a fraction of
  ``b - r``, what the last opponent conceded in this agent's utility between its last two
  offers; until two offers of the same opponent are seen, concede ``(b - r)/T`` a turn;
* ``hardliner`` -- ``a = b - 10^{-6}``, never lower;
* ``zeuthen`` -- Zeuthen's (1930) risk-based concession. With standing offers ``x_i`` (own)
  and ``x_j`` (the other's), party ``i``'s willingness to risk conflict is

  .. math:: \\rho_i = \\frac{u_i(x_i) - u_i(x_j)}{u_i(x_i) - d_i};

  the party with the smaller risk concedes (both on a tie), by the least amount that
  reverses the comparison. For two parties ``rho_i <= rho_j`` iff the Nash product of
  ``x_i`` is at most that of ``x_j`` (Harsanyi 1956), so the agent concedes exactly when
  ``prod_k g_k(x_i) <= prod_k g_k(x_j)`` (over every signatory ``k``, gains ``g = u - d``
  clipped at 0, others' from its beliefs) and concedes to the outcome of largest own utility
  whose Nash product exceeds that of ``x_j``; the same test defines the many-party rule.

Offering and accepting are common to all strategies: at aspiration ``a`` an agent proposes,
among the outcomes acceptable to itself with ``u_i >= a``, the one maximising the product of
the other signatories' believed gains (ties: their sum, then own utility, then the first
outcome); it accepts an offer that is acceptable to itself with ``u_i >= a``. Aspirations
never fall below the reservation, so no agent accepts below it or across a red line.

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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.dynamics.outcomes import OutcomeTable

__all__ = [
    "EXPONENTS",
    "HARDLINER_EPSILON",
    "STRATEGIES",
    "Agent",
    "Turn",
    "accepts",
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
#: Slack when comparing a utility with an aspiration.
_TOL = 1e-12


@dataclass(frozen=True, eq=False)
class Agent:
    """One signatory's knowledge and strategy.

    Attributes
    ----------
    party : index into ``model.parties``; ``name`` its name.
    strategy : one of :data:`STRATEGIES`.
    beliefs : ``(n_outcomes, n_parties)``: exact utilities in column ``party``, noisy
        estimates elsewhere.
    acceptable : ``(n_outcomes,)`` the outcomes acceptable to this party.
    reservations : every party's reservation (public).
    signatories : indices of every signatory (this party included).
    best : its best acceptable utility (``-inf`` if nothing is acceptable to it).
    order : acceptable outcomes, most attractive offer first (see the module docstring).
    """

    party: int
    name: str
    strategy: str
    beliefs: np.ndarray
    acceptable: np.ndarray
    reservations: np.ndarray
    signatories: np.ndarray
    best: float
    order: np.ndarray

    @property
    def utility(self) -> np.ndarray:
        return self.beliefs[:, self.party]

    @property
    def reservation(self) -> float:
        return float(self.reservations[self.party])

    def nash_products(self, indices: np.ndarray) -> np.ndarray:
        """Believed Nash products ``prod_k max(u_k - d_k, 0)`` over the signatories."""
        g = self.beliefs[np.ix_(indices, self.signatories)] - self.reservations[self.signatories]
        return np.prod(np.maximum(g, 0.0), axis=1)


@dataclass(frozen=True)
class Turn:
    """What an agent sees when it acts: round ``t`` of ``deadline``, the standing offer,
    its own last offer and every offer so far as ``(proposer, outcome)``."""

    t: int
    deadline: int
    standing: int | None
    own_last: int | None
    offers: Sequence[tuple[int, int]]


def make_agent(
    table: OutcomeTable,
    party: int,
    name: str,
    signatories: np.ndarray,
    strategy: str = "linear",
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
) -> Agent:
    """An agent for ``party``; with ``noise > 0`` its beliefs about every other party get
    independent ``N(0, noise^2)`` errors per outcome, drawn from ``rng``."""
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
    acceptable = table.acceptable[:, party]
    sig = np.asarray(signatories, dtype=np.intp)
    others = sig[sig != party]
    idx = np.flatnonzero(acceptable)
    g = beliefs[np.ix_(idx, others)] - table.reservations[others]
    prod = np.prod(np.maximum(g, 0.0), axis=1)
    order = idx[np.lexsort((idx, -beliefs[idx, party], -g.sum(axis=1), -prod))]
    best = float(beliefs[idx, party].max()) if idx.size else -np.inf
    return Agent(party, name, strategy, beliefs, acceptable, table.reservations, sig, best, order)


def time_aspiration(best: float, reservation: float, t: int, deadline: int, e: float) -> float:
    """``r + (b - r)(1 - (t/T)^(1/e))`` (Faratin et al. 1998).

    Examples
    --------
    >>> time_aspiration(1.0, 0.2, 5, 10, 1.0)
    0.6
    >>> time_aspiration(1.0, 0.2, 5, 10, 0.2) > 0.97  # Boulware holds out
    True
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
        return time_aspiration(b, r, turn.t, turn.deadline, EXPONENTS[agent.strategy])
    if agent.strategy == "hardliner" or previous is None:
        return max(b - HARDLINER_EPSILON, r) if agent.strategy == "hardliner" else b
    if agent.strategy == "tit_for_tat":
        return max(previous - _tft_concession(agent, turn) * (b - r), r)
    return _zeuthen(agent, previous, turn)


def _tft_concession(agent: Agent, turn: Turn) -> float:
    others = [(p, x) for p, x in turn.offers if p != agent.party]
    if others:
        last_p, last = others[-1]
        same = [x for p, x in others if p == last_p]
        if len(same) >= 2 and agent.best > agent.reservation:
            u = agent.utility
            return max(float(u[last] - u[same[-2]]), 0.0) / (agent.best - agent.reservation)
    return 1.0 / max(turn.deadline, 1)


def _zeuthen(agent: Agent, previous: float, turn: Turn) -> float:
    s = turn.standing
    if s is None:
        return previous
    own = turn.own_last if turn.own_last is not None else propose(agent, previous)
    if own is None:
        return previous
    np_own, np_s = agent.nash_products(np.array([own, s]))
    if np_own > np_s:  # the other is less willing to risk conflict: it must concede
        return previous
    idx = agent.order
    better = idx[agent.nash_products(idx) > np_s]
    if better.size == 0:  # nothing reverses the comparison: concede to the standing offer
        return float(agent.utility[s]) if agent.acceptable[s] else previous
    return min(float(agent.utility[better].max()), previous)


def propose(agent: Agent, aspiration: float) -> int | None:
    """The outcome offered at ``aspiration`` (None if nothing is acceptable to the agent)."""
    if agent.order.size == 0:
        return None
    ok = agent.utility[agent.order] >= min(aspiration, agent.best) - _TOL
    return int(agent.order[int(np.argmax(ok))])


def accepts(agent: Agent, offer: int | None, aspiration: float) -> bool:
    """Whether the agent accepts ``offer``: acceptable to it and ``u >= aspiration``."""
    if offer is None:
        return False
    return bool(agent.acceptable[offer] and agent.utility[offer] >= aspiration - _TOL)
