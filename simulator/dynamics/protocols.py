"""Negotiation protocols: who speaks when, and when the talks end in agreement.

* :func:`alternating` -- the stacked alternating offers protocol (Aydoğan et al. 2017):
  signatories speak in order, one per round ``t = 0, 1, ...``; the speaker accepts the
  standing offer or replaces it with its own; agreement when every signatory has accepted
  the standing offer (its proposer included); no agreement after ``rounds`` rounds.
* :func:`mediated` -- Raiffa's (1982) single negotiating text: each round a mediator
  puts a text forward; each signatory accepts it or names one objection (the issue whose
  change would raise its own utility most); the mediator replaces the text by the
  single-issue change, on an objected issue, that most raises the smallest believed gain
  ``min_j (u_j - d_j)`` over the objectors (ties: the mediator's own utility if it is a
  party, else the sum of believed gains); agreement when every signatory accepts.

Both return a :class:`Transcript`; discounting and tables are the caller's business
(:func:`simulator.dynamics.simulate`).

References
----------
Aydoğan, R., Festen, D., Hindriks, K. V., & Jonker, C. M. (2017). Alternating offers
protocols for multilateral negotiation. In *Modern Approaches to Agent-based Complex
Automated Negotiation* (pp. 153-167). Springer.

Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard University Press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.dynamics.outcomes import OutcomeTable
from simulator.dynamics.strategies import Agent, Turn, accepts, next_aspiration, propose

__all__ = ["PROTOCOLS", "Step", "Transcript", "alternating", "mediated", "opening_text"]

PROTOCOLS = ("alternating", "mediated")


@dataclass(frozen=True)
class Step:
    """One round: who acted, the offer (text) standing after it, who has accepted it, and
    the objections raised (mediated protocol: ``{party: issue index}``)."""

    round: int
    proposer: str
    action: str  # "offer", "accept", "pass" or "text"
    offer: int | None
    accepted: tuple[str, ...]
    objections: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Transcript:
    """The talks: ``steps`` in order; ``agreement`` (outcome index) and ``round`` are None
    when the deadline passed without agreement."""

    steps: tuple[Step, ...]
    agreement: int | None
    round: int | None


def alternating(agents: Sequence[Agent], rounds: int) -> Transcript:
    """Stacked alternating offers among ``agents`` (the signatories, in speaking order).

    Algorithm: at round ``t`` agent ``k = t mod n`` updates its aspiration
    (:func:`~simulator.dynamics.strategies.next_aspiration`); if it accepts the standing
    offer it joins the accepters, and the talks end when all ``n`` have; otherwise it offers
    :func:`~simulator.dynamics.strategies.propose` at its aspiration, which becomes the
    standing offer with itself as the only accepter (an agent with nothing acceptable passes).
    """
    n = len(agents)
    aspiration: list[float | None] = [None] * n
    own_last: list[int | None] = [None] * n
    offers: list[tuple[int, int]] = []
    standing: int | None = None
    accepted: list[int] = []
    steps: list[Step] = []
    for t in range(rounds):
        k = t % n
        agent = agents[k]
        turn = Turn(t, rounds, standing, own_last[k], tuple(offers))
        a = next_aspiration(agent, aspiration[k], turn)
        aspiration[k] = a
        if standing is not None and k not in accepted and accepts(agent, standing, a):
            accepted.append(k)
            names = tuple(agents[i].name for i in accepted)
            steps.append(Step(t, agent.name, "accept", standing, names))
            if len(accepted) == n:
                return Transcript(tuple(steps), standing, t)
            continue
        offer = propose(agent, a)
        if offer is None:
            names = tuple(agents[i].name for i in accepted)
            steps.append(Step(t, agent.name, "pass", standing, names))
            continue
        standing, accepted, own_last[k] = offer, [k], offer
        offers.append((agent.party, offer))
        steps.append(Step(t, agent.name, "offer", offer, (agent.name,)))
        if n == 1:
            return Transcript(tuple(steps), standing, t)
    return Transcript(tuple(steps), None, None)


def opening_text(
    table: OutcomeTable, beliefs: np.ndarray, signatories: np.ndarray, start: str
) -> int:
    """The mediator's first text: ``"utilitarian"`` -- the largest sum of believed
    signatory utilities; ``"nash"`` -- the largest believed Nash product
    ``prod_j (u_j - d_j)``; both over the outcomes that obey the constraints and every
    signatory's red lines and give every signatory a non-negative believed gain (failing
    that, the first non-empty of: those obeying constraints and red lines, those obeying the
    constraints, every outcome), ties to the first outcome."""
    if start not in ("utilitarian", "nash"):
        raise ValueError(f"unknown opening text {start!r}; use 'utilitarian' or 'nash'")
    u = beliefs[:, signatories]
    g = u - table.reservations[signatories]
    lawful = table.allowed & table.permitted[:, signatories].all(axis=1)
    for pool in (lawful & (g >= 0).all(axis=1), lawful, table.allowed, np.ones_like(lawful)):
        if pool.any():
            break
    score = np.prod(np.maximum(g, 0.0), axis=1) if start == "nash" else u.sum(axis=1)
    if start == "nash" and not (score[pool] > 0).any():
        score = u.sum(axis=1)
    return int(np.argmax(np.where(pool, score, -np.inf)))


def _objection(agent: Agent, table: OutcomeTable, text: int) -> int | None:
    """The issue whose change raises the agent's utility most, among changes that obey the
    constraints and its red lines (None if no change helps)."""
    u = agent.utility
    best_gain, best_issue = 0.0, None
    for k in range(len(table.sizes)):
        nb = table.neighbours(text, k)
        nb = nb[table.permitted[nb, agent.party]]
        if nb.size and float(u[nb].max() - u[text]) > best_gain + 1e-12:
            best_gain, best_issue = float(u[nb].max() - u[text]), k
    return best_issue


def mediated(
    table: OutcomeTable,
    agents: Sequence[Agent],
    rounds: int,
    beliefs: np.ndarray,
    mediator: int | None = None,
    mediator_name: str = "mediator",
    start: str = "utilitarian",
) -> Transcript:
    """Raiffa's single-negotiating-text procedure.

    Parameters
    ----------
    table : the enumerated outcomes.
    agents : the signatories.
    rounds : deadline: at most this many texts.
    beliefs : ``(n_outcomes, n_parties)`` the mediator's beliefs about every utility.
    mediator : party index of a partisan mediator (ties go to its utility), None if neutral.
    start : opening text, ``"utilitarian"`` or ``"nash"`` (:func:`opening_text`).
    """
    sig = np.array([a.party for a in agents], dtype=np.intp)
    text = opening_text(table, beliefs, sig, start)
    aspiration: list[float | None] = [None] * len(agents)
    steps: list[Step] = []
    for t in range(rounds):
        yes: list[str] = []
        objections: list[tuple[str, int]] = []
        objectors: list[int] = []
        for k, agent in enumerate(agents):
            turn = Turn(t, rounds, text, None, ())
            a = next_aspiration(agent, aspiration[k], turn)
            aspiration[k] = a
            if accepts(agent, text, a):
                yes.append(agent.name)
                continue
            objectors.append(agent.party)
            issue = _objection(agent, table, text)
            if issue is not None:
                objections.append((agent.name, issue))
        steps.append(Step(t, mediator_name, "text", text, tuple(yes), tuple(objections)))
        if len(yes) == len(agents):
            return Transcript(tuple(steps), text, t)
        text = _revise(table, beliefs, text, objectors, [i for _, i in objections], sig, mediator)
    return Transcript(tuple(steps), None, None)


def _revise(table, beliefs, text, objectors, issues, sig, mediator) -> int:
    if not issues:
        return text
    cand = np.unique(np.concatenate([table.neighbours(text, k) for k in set(issues)]))
    cand = cand[table.allowed[cand] & (cand != text)]
    if cand.size == 0:
        return text
    obj = np.asarray(objectors, dtype=np.intp)
    gain = beliefs[np.ix_(cand, obj)] - table.reservations[obj]
    low = gain.min(axis=1)
    now = float((beliefs[text, obj] - table.reservations[obj]).min())
    if mediator is not None:
        tie = beliefs[cand, mediator]
    else:
        tie = (beliefs[np.ix_(cand, sig)] - table.reservations[sig]).sum(axis=1)
    best = int(np.lexsort((cand, -tie, -low))[0])
    return int(cand[best]) if low[best] > now + 1e-12 else text
