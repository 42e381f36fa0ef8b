"""Negotiation protocols: who speaks when, and when the talks end in agreement.

Both play on the lawful outcomes (:mod:`simulator.dynamics.outcomes`): no offer and no text
ever breaks a constraint or a signatory's red line.

* :func:`alternating` -- the stacked alternating offers protocol (Aydoğan et al. 2017):
  signatories speak in order, one per round ``t = 0, 1, ...``; the speaker accepts the
  standing offer or replaces it with its own; agreement when every signatory has accepted
  the standing offer (its proposer included); no agreement after ``rounds`` rounds. An offer
  needs ``n - 1`` more rounds to be accepted, so each agent's aspiration reaches its
  reservation at its last turn no later than round ``rounds - n``.
* :func:`mediated` -- Raiffa's (1982) single negotiating text: each round a mediator
  puts a text forward; each signatory accepts it or names one objection (the issue whose
  change would raise its own value most). The mediator then improves the text for the
  objectors while **keeping what the accepters accepted**: a revision never lowers the
  believed value of a signatory who accepted the current text, and never takes a signatory
  believed to gain from it below its reservation. Among the single-issue changes on an
  objected issue that qualify it takes the one that most raises the smallest believed gain
  over the objectors (ties: the mediator's own utility if it is a party, else the sum of
  believed gains, then the first outcome); when no single change qualifies, any lawful text
  that does. When none raises the objectors' smallest gain without an accepter losing, the
  mediator puts forward the text with the largest believed Nash product that keeps every
  signatory believed to gain above its reservation (if it beats the current text's
  product; ties: the sum of believed gains, then the first outcome): the only move that may
  cost an accepter, never below its reservation, and the Nash product rises with every such
  move, so the text cannot cycle through them. When no product beats the text's (a
  signatory who gains nothing from any text makes every product 0) and the text leaves a
  signatory below its reservation, the mediator moves once into the believed zone, chosen
  the same way. Agreement when every signatory accepts.

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
from simulator.model.compiled import ACCEPT_ATOL

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
    # each agent's last turn at which what it accepts or offers can still be accepted by all
    # (n - 1 more rounds): its aspiration reaches its reservation there
    m = rounds - n
    last = [m - (m - k) % n if m >= k else 0 for k in range(n)]
    for t in range(rounds):
        k = t % n
        agent = agents[k]
        turn = Turn(t, rounds, standing, own_last[k], tuple(offers), last[k], n - 1)
        a = next_aspiration(agent, aspiration[k], turn)
        aspiration[k] = a
        if standing is not None and k not in accepted and accepts(agent, standing, a, t):
            accepted.append(k)
            names = tuple(agents[i].name for i in accepted)
            steps.append(Step(t, agent.name, "accept", standing, names))
            if len(accepted) == n:
                return Transcript(tuple(steps), standing, t)
            continue
        offer = propose(agent, a, t)
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
) -> int | None:
    """The mediator's first text: ``"utilitarian"`` -- the largest sum of believed
    signatory utilities; ``"nash"`` -- the largest believed Nash product
    ``prod_j (u_j - d_j)``; both over the lawful outcomes that give every signatory a
    non-negative believed gain, up to ``ACCEPT_ATOL`` as the zone counts (failing that,
    over every lawful outcome), ties to the first outcome; ``None`` when no outcome is
    lawful."""
    if start not in ("utilitarian", "nash"):
        raise ValueError(f"unknown opening text {start!r}; use 'utilitarian' or 'nash'")
    if table.count == 0:
        return None
    u = beliefs[:, signatories]
    g = u - table.reservations[signatories]
    pool = (g >= -ACCEPT_ATOL).all(axis=1)  # the zone's own test (Model.acceptable)
    if not pool.any():
        pool = np.ones(table.count, dtype=bool)
    score = np.prod(np.maximum(g, 0.0), axis=1) if start == "nash" else u.sum(axis=1)
    if start == "nash" and not (score[pool] > 0).any():
        score = u.sum(axis=1)
    return int(np.argmax(np.where(pool, score, -np.inf)))


def _objection(agent: Agent, table: OutcomeTable, text: int, t: int) -> int | None:
    """The issue whose change raises the agent's value most, among lawful single-issue
    changes (None if no change helps)."""
    now = float(agent.values(np.array([text]), t)[0])
    best_gain, best_issue = 0.0, None
    for k in range(len(table.sizes)):
        nb = table.neighbours(text, k)
        if nb.size:
            gain = float(agent.values(nb, t).max()) - now
            if gain > best_gain + 1e-12:
                best_gain, best_issue = gain, k
    return best_issue


def mediated(
    table: OutcomeTable,
    agents: Sequence[Agent],
    rounds: int,
    beliefs: np.ndarray,
    mediator: int | None = None,
    mediator_name: str = "mediator",
    start: str = "utilitarian",
    deltas: np.ndarray | None = None,
) -> Transcript:
    """Raiffa's single-negotiating-text procedure.

    Parameters
    ----------
    table : the lawful outcomes.
    agents : the signatories.
    rounds : deadline: at most this many texts.
    beliefs : ``(n_rows, n_parties)`` the mediator's beliefs about every utility.
    mediator : party index of a partisan mediator (ties go to its utility), None if neutral.
    start : opening text, ``"utilitarian"`` or ``"nash"`` (:func:`opening_text`).
    deltas : every party's discount factor, for the mediator's view of the values at each
        round (default 1: no time cost).
    """
    sig = np.array([a.party for a in agents], dtype=np.intp)
    w = agents[0].power if agents else np.ones(0)  # public: every agent has the same powers
    text = opening_text(table, beliefs, sig, start)
    d = np.ones(beliefs.shape[1]) if deltas is None else np.asarray(deltas, dtype=float)
    aspiration: list[float | None] = [None] * len(agents)
    steps: list[Step] = []
    for t in range(rounds):
        if text is None:  # nothing lawful: nothing to put forward
            steps.append(Step(t, mediator_name, "pass", None, ()))
            continue
        yes: list[str] = []
        accepters: list[int] = []
        objections: list[tuple[str, int]] = []
        objectors: list[int] = []
        for k, agent in enumerate(agents):
            turn = Turn(t, rounds, text, None, ())
            a = next_aspiration(agent, aspiration[k], turn)
            aspiration[k] = a
            if accepts(agent, text, a, t):
                yes.append(agent.name)
                accepters.append(agent.party)
                continue
            objectors.append(agent.party)
            issue = _objection(agent, table, text, t)
            if issue is not None:
                objections.append((agent.name, issue))
        steps.append(Step(t, mediator_name, "text", text, tuple(yes), tuple(objections)))
        if len(yes) == len(agents):
            return Transcript(tuple(steps), text, t)
        values = beliefs * d**t  # the mediator's view of every party's value at round t
        issues = [i for _, i in objections]
        text = _revise(table, values, text, accepters, objectors, issues, sig, mediator, w)
    return Transcript(tuple(steps), None, None)


def _revise(table, values, text, accepters, objectors, issues, sig, mediator, power) -> int:
    """The next text: better for the objectors, no worse for the accepters (see the module
    docstring); ``text`` itself when nothing qualifies."""
    res = table.reservations
    obj = np.asarray(objectors, dtype=np.intp)
    acc = np.asarray(accepters, dtype=np.intp)
    now = values[text]
    floor_obj = float((now[obj] - res[obj]).min())

    def allowed(cand: np.ndarray, keep_accepters: bool = True) -> np.ndarray:
        cand = cand[cand != text]
        above = sig[now[sig] >= res[sig] - ACCEPT_ATOL]  # believed to gain now: keep them there
        keep = (values[np.ix_(cand, above)] >= res[above] - ACCEPT_ATOL).all(axis=1)
        if keep_accepters:
            keep &= (values[np.ix_(cand, acc)] >= now[acc] - 1e-12).all(axis=1)
        return cand[keep]

    def qualifying(cand: np.ndarray) -> np.ndarray:
        cand = allowed(cand)
        low = (values[np.ix_(cand, obj)] - res[obj]).min(axis=1)
        return cand[low > floor_obj + 1e-12]

    cand = np.empty(0, dtype=np.int64)
    if issues:
        near = np.unique(np.concatenate([table.neighbours(text, k) for k in set(issues)]))
        cand = qualifying(near)
    if cand.size == 0:  # no single change helps without hurting an accepter: any lawful text
        cand = qualifying(np.arange(table.count))
    if cand.size == 0:
        # the objectors' smallest gain cannot rise without an accepter losing: the text with
        # the largest believed Nash product that keeps every signatory believed to gain now
        # above its reservation (Zeuthen agents concede to a text whose product beats theirs;
        # time-based ones accept it by their deadline)
        cand = allowed(np.arange(table.count), keep_accepters=False)
        product = _product(values, cand, sig, res, power)
        better = cand[product > _product(values, np.array([text]), sig, res, power)[0] + 1e-12]
        if better.size == 0:
            # no product beats the text's, as when a signatory gains nothing from any text and
            # every product is 0: if the text leaves someone below its reservation, move into
            # the believed zone (once: every later move keeps everyone there)
            if (now[sig] >= res[sig] - ACCEPT_ATOL).all():
                return text
            better = cand[(values[np.ix_(cand, sig)] >= res[sig] - ACCEPT_ATOL).all(axis=1)]
            if better.size == 0:
                return text
        product = _product(values, better, sig, res, power)
        gains = (values[np.ix_(better, sig)] - res[sig]).sum(axis=1)
        return int(better[np.lexsort((better, -gains, -product))[0]])
    low = (values[np.ix_(cand, obj)] - res[obj]).min(axis=1)
    tie = (
        values[cand, mediator]
        if mediator is not None
        else (values[np.ix_(cand, sig)] - res[sig]).sum(axis=1)
    )
    return int(cand[np.lexsort((cand, -tie, -low))[0]])


def _product(values, rows, sig, res, power) -> np.ndarray:
    """Believed weighted Nash products of ``rows``."""
    g = np.maximum(values[np.ix_(rows, sig)] - res[sig], 0.0)
    return np.prod(g**power, axis=1)
