"""Benchmark: simulated talks -- zopa's agents against NegMAS's on the same domains.

Run on demand (not part of the tests). zopa's part needs only the main venv; the NegMAS part
needs the ``bench`` extra, in a separate venv (see benchmarks/README.md)::

    python benchmarks/bench_dynamics.py --no-negmas                 # zopa only
    python3 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install -e '.[bench]'
    /tmp/benchvenv/bin/python benchmarks/bench_dynamics.py          # 100 random + scenarios
    /tmp/benchvenv/bin/python benchmarks/bench_dynamics.py --scenarios 10 --no-ukraine

Domains
-------
* ``--scenarios N`` (100) random scenarios, half with 2 parties and half with 3, drawn from
  one ``numpy.random.default_rng(seed)``: 3-5 issues (discrete with 2-5 options, or
  continuous on a grid of 3-6 points), random weights and value functions (tables, ideal
  points, monotone piecewise-linear), reservations in [0.25, 0.55], one or two red lines per
  party (an option it refuses, a bound on a number, or an implication), zero to two
  structural constraints, equal bargaining powers; a draw is kept only if it has an open zone
  (``simulator.analyze(model).zone.exists``).
* The scenarios of ``scenarios/examples/`` that have an open zone (``job_offer``, 2 parties;
  ``river_treaty``, 3 parties with interaction bonuses; ``used_car`` has no zone).
* The scenarios of ``scenarios/ukraine/`` that have an open zone (``base.yaml`` and
  ``baseline.yaml`` are the same model; ``baseline`` adds proposals, which the talks ignore).

zopa
----
:func:`simulator.dynamics.simulate` with every signatory playing the same strategy
(``boulware``, ``linear``, ``conceder``, ``zeuthen``, ``tit_for_tat``) under each protocol
(``alternating``, ``mediated``), a deadline of ``--rounds`` (200) rounds, no noise, no
discounting. A round is one speaker's turn (alternating) or one text (mediated).

NegMAS
------
``SAOMechanism`` (stacked alternating offers) with ``one_offer_per_step=True`` and
``n_steps=--rounds``, so that a step is one negotiator's turn, as a round is in zopa (with
NegMAS's default, a step lets every negotiator act once: n times zopa's turns). Negotiators:

* ``boulware``/``linear``/``conceder``: ``AspirationNegotiator(aspiration_type=x)`` with the
  exponent matching zopa's curve ``r + (b - r)(1 - (t/T)^(1/e))``: ``x = 1/e`` = 5, 1, 0.2
  (NegMAS's own names stand for 4, 1, 0.25; ``--negmas-names`` uses them instead). NegMAS
  scales its aspiration between the best outcome and ``max(worst outcome, reserved_value)``,
  zopa between the best acceptable outcome and the reservation: the same numbers here.
* ``tit_for_tat``: ``NaiveTitForTatNegotiator`` (NegMAS's tit-for-tat; it mirrors the
  concession it sees in its own utility, assuming a zero-sum partner).
* ``zeuthen``: NegMAS 0.16 has no Zeuthen negotiator; ``NiceTitForTatNegotiator(target=
  "nash")`` (Baarslag et al. 2013: tit-for-tat towards its estimate of the Nash point, from a
  learned opponent model) is shown in its row as the nearest Nash-seeking agent. It is a
  bilateral design: it learns one opponent model, so with three or more parties it is
  out of its element, and it does not know the others' utilities as zopa's agents do.

Same utilities: each party's ``LinearAdditiveUtilityFunction`` has, per issue, a
``TableFun`` holding zopa's compiled per-level contribution (weights already applied, so
NegMAS weights are 1): the utilities are zopa's up to rounding (zopa rounds to 12
decimals). A model with interaction bonuses (``river_treaty``) is not additive: there each
party gets a ``MappingUtilityFunction`` holding zopa's utility of every lawful outcome.
Reservations are ``reserved_value``.

Red lines and constraints: the NegMAS outcome space is a ``SubsetCartesianOutcomeSpace``
holding exactly zopa's *lawful* outcomes (those obeying the constraints and every
signatory's red lines, :func:`simulator.dynamics.outcomes.outcome_table`), the set zopa's
agents play on. NegMAS's negotiators enumerate, invert and take their extreme outcomes over
that set, so they can neither offer nor accept across a red line. (The alternative, a
utility below the reservation on every unlawful outcome, changes each ufun's minimum and so
NegMAS's aspiration scale; the subset keeps the utilities identical.) Every NegMAS agreement
is checked against the lawful set and the reservations (column ``bad`` in the footer).

Measures, per domain set, strategy and protocol: agreement rate; mean rounds of the agreed
runs (round of agreement + 1 in zopa, NegMAS's ``state.step`` after agreement: both count
single turns up to and including the last acceptance); mean Euclidean distance, over the
signatories' utilities, from the agreement to the static Nash point
``simulator.analyze(model, ["nash"], method="auto").solutions["nash"].utilities`` (what
``Simulation.distance_nash`` measures to), computed for both libraries by
:meth:`Domain.distance` from the same table (zopa's is checked against
``Simulation.distance_nash``). Every agreement of either library is checked against the
lawful set and the signatories' reservations. A head-to-head table compares zopa's
alternating offers with NegMAS's SAO domain by domain, and a last table checks issue 16's
targets (zopa's agreement rate at least NegMAS's, its mean distance to Nash no larger, over
each side's agreed runs and over the domains where both agreed). ``--records FILE`` writes
one CSV row per run.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import simulator
from simulator.dynamics import simulate
from simulator.dynamics.outcomes import OutcomeTable, outcome_table
from simulator.dynamics.strategies import EXPONENTS
from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Implication,
    Model,
    Party,
    PiecewiseLinearValue,
    TableValue,
    compile_model,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "scenarios" / "examples"
UKRAINE = ROOT / "scenarios" / "ukraine"
STRATEGIES = ("boulware", "linear", "conceder", "zeuthen", "tit_for_tat")
PROTOCOLS = ("alternating", "mediated")
#: NegMAS ``PolyAspiration`` exponents matching zopa's ``(t/T)^(1/e)``.
MATCHING = {s: 1.0 / e for s, e in EXPONENTS.items()}
#: NegMAS 0.16's named curves (``POLY_ASPIRATION_EXPONENTS``), for ``--negmas-names``.
NAMED = {s: s for s in EXPONENTS}
#: What NegMAS plays in each zopa strategy's row.
NEGMAS_AGENT = {
    "boulware": "AspirationNegotiator",
    "linear": "AspirationNegotiator",
    "conceder": "AspirationNegotiator",
    "tit_for_tat": "NaiveTitForTatNegotiator",
    "zeuthen": "NiceTitForTatNegotiator(nash)",
}


# -- domains -------------------------------------------------------------------------------------
@dataclass(eq=False)
class Domain:
    """One negotiation both libraries play: the model, its lawful outcomes and its Nash point."""

    name: str
    group: str
    model: Model
    table: OutcomeTable = field(init=False)
    signatories: np.ndarray = field(init=False)
    nash: np.ndarray = field(init=False)  # the signatories' utilities of the static Nash point

    def __post_init__(self) -> None:
        m = self.model
        self.table = outcome_table(m)
        self.signatories = np.flatnonzero(m.signatories)
        sol = simulator.analyze(m, ("nash",), method="auto").solutions["nash"]
        if sol is None:
            raise ValueError(f"{self.name}: no zone")
        self.nash = np.array([sol.utilities[m.party_names[j]] for j in self.signatories])

    def unacceptable(self, row: int) -> bool:
        """Whether lawful outcome ``row`` is below some signatory's reservation."""
        return not bool(self.table.acceptable[row, self.signatories].all())

    def distance(self, row: int) -> float:
        """Distance from lawful outcome ``row`` to the Nash point (signatories' utilities)."""
        u = self.table.utilities[row, self.signatories]
        return float(np.linalg.norm(u - self.nash))


def _random_issue(rng: np.random.Generator, k: int):
    if rng.random() < 0.25:
        return ContinuousIssue(f"i{k}", 0.0, 100.0, grid=int(rng.integers(3, 7)))
    return DiscreteIssue(f"i{k}", tuple(f"o{m}" for m in range(int(rng.integers(2, 6)))))


def _random_value(rng: np.random.Generator, issue):
    if isinstance(issue, DiscreteIssue):
        return TableValue(tuple(float(v) for v in rng.uniform(0.0, 1.0, issue.n_levels)))
    if rng.random() < 0.5:
        return IdealValue(float(rng.uniform(0.0, 100.0)), 0.0, 100.0)
    ys = np.sort(rng.uniform(0.0, 1.0, 3))[:: rng.choice([1, -1])]  # rising or falling
    return PiecewiseLinearValue((0.0, 50.0, 100.0), tuple(float(y) for y in ys))


def _random_condition(rng: np.random.Generator, issue, value, refuse: bool) -> Condition:
    """``refuse``: a red line against what is worst for this value function; else any."""
    if isinstance(issue, DiscreteIssue):
        if refuse and value is not None:
            option = issue.options[int(np.argmin(value.values))]
        else:
            option = issue.options[int(rng.integers(issue.n_levels))]
        return Condition(issue.name, options=(option,), negate=refuse)
    cut = float(rng.choice(issue.levels[1:-1])) if issue.n_levels > 2 else 50.0
    if value is None:
        up = rng.random() < 0.5
    else:  # keep the better end
        v = value(np.array([0.0, 100.0]))
        up = v[1] >= v[0]
    return Condition(issue.name, low=cut) if up else Condition(issue.name, high=cut)


def random_model(rng: np.random.Generator, n_parties: int, max_tries: int = 1000) -> Model:
    """A random scenario with red lines, constraints and an open zone (redrawn until open)."""
    for _ in range(max_tries):
        issues = [_random_issue(rng, k) for k in range(int(rng.integers(3, 6)))]
        parties = []
        for j in range(n_parties):
            values = {i.name: _random_value(rng, i) for i in issues}
            weights = {i.name: float(w) for i, w in zip(issues, rng.uniform(0.1, 1.0, len(issues)))}
            lines = []
            for _ in range(int(rng.integers(1, 3))):
                a = issues[int(rng.integers(len(issues)))]
                if rng.random() < 0.7:
                    lines.append(_random_condition(rng, a, values[a.name], refuse=True))
                else:  # if a is X then b is not its worst
                    k = (issues.index(a) + 1 + int(rng.integers(len(issues) - 1))) % len(issues)
                    b = issues[k]
                    lines.append(
                        Implication(
                            _random_condition(rng, a, None, refuse=False),
                            _random_condition(rng, b, values[b.name], refuse=True),
                        )
                    )
            parties.append(
                Party(f"p{j}", float(rng.uniform(0.25, 0.55)), weights, values, tuple(lines))
            )
        rules = []
        for _ in range(int(rng.integers(0, 3))):
            a, b = (issues[int(k)] for k in rng.choice(len(issues), 2, replace=False))
            rules.append(
                Implication(
                    _random_condition(rng, a, None, refuse=False),
                    _random_condition(rng, b, None, refuse=True),
                )
            )
        model = compile_model(issues, parties, rules)
        if simulator.analyze(model, ("nash",)).zone.exists:
            return model
    raise RuntimeError(f"no open zone in {max_tries} draws")


def random_domains(n: int, seed: int) -> list[Domain]:
    """``n`` random scenarios, alternately 2 and 3 parties, from one seeded generator."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        p = 2 + k % 2
        out.append(Domain(f"r{k:03d}", f"random {p}p", random_model(rng, p)))
    return out


def scenario_domains(folder: Path, group: str) -> tuple[list[Domain], list[str]]:
    """The scenarios of ``folder`` with an open zone, and the names of those without."""
    kept, closed = [], []
    for path in sorted(folder.glob("*.yaml")):
        model = simulator.load(path).model()
        if simulator.analyze(model, ("nash",)).zone.exists:
            kept.append(Domain(path.stem, group, model))
        else:
            closed.append(f"{folder.name}/{path.stem}")
    return kept, closed


# -- zopa ----------------------------------------------------------------------------------------
def run_zopa(d: Domain, protocol: str, strategy: str, rounds: int) -> dict:
    names = d.model.party_names
    plan = {names[j]: strategy for j in d.signatories}
    t0 = time.perf_counter()
    s = simulate(d.model, protocol=protocol, strategies=plan, rounds=rounds)
    seconds = time.perf_counter() - t0
    dist, bad = None, False
    if s.agreed:
        assert s.index is not None
        row = int(np.searchsorted(d.table.index, s.index))
        bad = d.table.index[row] != s.index or d.unacceptable(row)
        dist = d.distance(row)
        assert s.distance_nash is not None and abs(dist - s.distance_nash) < 1e-9
    return {
        "lib": f"zopa {protocol}",
        "agreed": s.agreed,
        "rounds": None if s.round is None else s.round + 1,
        "distance": dist,
        "reason": s.reason,
        "bad": bool(bad),
        "seconds": seconds,
    }


# -- NegMAS --------------------------------------------------------------------------------------
def negmas_available() -> bool:
    return importlib.util.find_spec("negmas") is not None


def negmas_setup(d: Domain):
    """NegMAS's outcome space (the lawful outcomes) and one ufun factory per signatory."""
    from negmas import make_issue
    from negmas.outcomes import SubsetCartesianOutcomeSpace
    from negmas.preferences import LinearAdditiveUtilityFunction, MappingUtilityFunction
    from negmas.preferences.value_fun import TableFun

    m, t = d.model, d.table
    sizes = m.space.sizes
    issues = tuple(make_issue(int(n), m.issue_names[k]) for k, n in enumerate(sizes))
    outcomes = [tuple(int(v) for v in row) for row in t.levels]
    space = SubsetCartesianOutcomeSpace(issues, outcomes=outcomes)
    # zopa's per-level contribution of each issue to each party's utility (weights applied)
    parts = [m.additive(np.arange(n)[:, None], k) for k, n in enumerate(sizes)]

    def ufun(j: int):
        if m.has_interactions:  # not additive: zopa's utility of every lawful outcome
            return MappingUtilityFunction(
                dict(zip(outcomes, (float(v) for v in t.utilities[:, j]))),
                outcome_space=space,
                reserved_value=float(m.reservations[j]),
                name=m.party_names[j],
            )
        return LinearAdditiveUtilityFunction(
            values=[TableFun({lv: float(p[lv, j]) for lv in range(len(p))}) for p in parts],
            weights=[1.0] * len(parts),
            outcome_space=space,
            reserved_value=float(m.reservations[j]),
            name=m.party_names[j],
        )

    rows = {o: r for r, o in enumerate(outcomes)}
    return space, ufun, rows


def negmas_agent(strategy: str, names: bool):
    from negmas.sao import AspirationNegotiator, NaiveTitForTatNegotiator, NiceTitForTatNegotiator

    if strategy in EXPONENTS:
        return AspirationNegotiator(aspiration_type=(NAMED if names else MATCHING)[strategy])
    if strategy == "tit_for_tat":
        return NaiveTitForTatNegotiator()
    return NiceTitForTatNegotiator(target="nash")


def run_negmas(d: Domain, strategy: str, rounds: int, setup, names: bool = False) -> dict:
    from negmas import SAOMechanism

    space, ufun, rows = setup
    t0 = time.perf_counter()
    mech = SAOMechanism(outcome_space=space, n_steps=rounds, one_offer_per_step=True)
    for j in d.signatories:
        neg = negmas_agent(strategy, names)
        neg.name = d.model.party_names[j]
        mech.add(neg, ufun=ufun(j))
    state = mech.run()
    agreed = state.agreement is not None
    dist, bad = None, False
    if agreed:
        row = rows.get(tuple(state.agreement))
        if row is None:  # outside the lawful set: cannot happen on a subset space
            bad = True
        else:
            bad = d.unacceptable(row)
            dist = d.distance(row)
    return {
        "lib": "NegMAS SAO",
        "agreed": agreed,
        "rounds": int(state.step) if agreed else None,
        "distance": dist,
        "reason": None if agreed else ("broken" if state.broken else "deadline"),
        "bad": bad,
        "seconds": time.perf_counter() - t0,
    }


# -- tables --------------------------------------------------------------------------------------
def _mean(xs) -> float:
    xs = [x for x in xs if x is not None]
    return float(np.mean(xs)) if xs else float("nan")


def _in(group: str, r: dict) -> bool:
    """``"random"`` stands for every random group."""
    return r["group"] == group or (group == "random" and r["group"].startswith("random"))


def _cell(runs: list[dict]) -> str:
    if not runs:
        return "– | – | –"
    rate = 100.0 * np.mean([r["agreed"] for r in runs])
    rounds = _mean(r["rounds"] for r in runs)
    dist = _mean(r["distance"] for r in runs)
    return f"{rate:.0f}% | {rounds:.1f} | {dist:.3f}"


def main_table(records: list[dict], groups: list[str], libs: list[str]) -> str:
    head = "| domains | strategy | " + " | ".join(f"{lib} agree | rounds | d_Nash" for lib in libs)
    lines = [head + " |", "|---|---|" + "---:|---:|---:|" * len(libs)]
    for g in groups:
        for s in STRATEGIES:
            sel = [r for r in records if _in(g, r) and r["strategy"] == s]
            n = len({r["domain"] for r in sel})
            cells = " | ".join(_cell([r for r in sel if r["lib"] == lib]) for lib in libs)
            lines.append(f"| {g} ({n}) | {s} | {cells} |")
    return "\n".join(lines)


def head_to_head(records: list[dict], groups: list[str], ours: str, theirs: str) -> str:
    """Domain by domain: who agreed, and on domains where both did, who came closer to Nash."""
    lines = [
        f"| domains | strategy | both agree | only {ours} | only {theirs} | neither "
        f"| d_Nash {ours} (both) | d_Nash {theirs} (both) | {ours} closer | equal "
        f"| {theirs} closer |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for g in groups:
        for s in STRATEGIES:
            sel = [r for r in records if _in(g, r) and r["strategy"] == s]
            a = {r["domain"]: r for r in sel if r["lib"] == ours}
            b = {r["domain"]: r for r in sel if r["lib"] == theirs}
            doms = sorted(set(a) & set(b))
            both = [k for k in doms if a[k]["agreed"] and b[k]["agreed"]]
            only_a = sum(a[k]["agreed"] and not b[k]["agreed"] for k in doms)
            only_b = sum(b[k]["agreed"] and not a[k]["agreed"] for k in doms)
            neither = len(doms) - len(both) - only_a - only_b
            da = [a[k]["distance"] for k in both]
            db = [b[k]["distance"] for k in both]
            closer = sum(x < y - 1e-9 for x, y in zip(da, db))
            equal = sum(abs(x - y) <= 1e-9 for x, y in zip(da, db))
            lines.append(
                f"| {g} | {s} | {len(both)} | {only_a} | {only_b} | {neither} | "
                f"{_mean(da):.3f} | {_mean(db):.3f} | {closer} | {equal} | "
                f"{len(both) - closer - equal} |"
            )
    return "\n".join(lines)


def _verdict(ok: bool, ours: float, theirs: float) -> str:
    if np.isnan(ours) or np.isnan(theirs):
        return "–"
    return "yes" if ok else f"NO ({ours:.3f} > {theirs:.3f})"


def targets(records: list[dict], groups: list[str], ours: list[str], theirs: str) -> str:
    """Issue 16's targets, per domain set and strategy, for each of ``ours``: agreement rate
    at least ``theirs``'s; mean distance to Nash no larger, over each side's agreed runs (the
    main table's means) and over the domains where both agreed (like for like)."""
    head = "| domains | strategy | " + " | ".join(
        f"{o}: agree >= | d_Nash <= (agreed) | d_Nash <= (both agreed)" for o in ours
    )
    lines = [head + " |", "|---|---|" + "---|---|---|" * len(ours)]
    met = total = 0
    for g in groups:
        for s in STRATEGIES:
            sel = [r for r in records if _in(g, r) and r["strategy"] == s]
            b = {r["domain"]: r for r in sel if r["lib"] == theirs}
            cells = []
            for lib in ours:
                a = {r["domain"]: r for r in sel if r["lib"] == lib}
                rate_a = np.mean([r["agreed"] for r in a.values()])
                rate_b = np.mean([r["agreed"] for r in b.values()])
                ok_rate = bool(rate_a >= rate_b)
                cells.append("yes" if ok_rate else f"NO ({rate_a:.0%} < {rate_b:.0%})")
                da, db = (
                    _mean(r["distance"] for r in a.values()),
                    _mean(r["distance"] for r in b.values()),
                )
                both = [k for k in a if k in b and a[k]["agreed"] and b[k]["agreed"]]
                ha = _mean(a[k]["distance"] for k in both)
                hb = _mean(b[k]["distance"] for k in both)
                checks = [ok_rate]
                for x, y in ((da, db), (ha, hb)):
                    ok = bool(x <= y + 1e-9)
                    cells.append(_verdict(ok, x, y))
                    if not (np.isnan(x) or np.isnan(y)):
                        checks.append(ok)
                met += sum(checks)
                total += len(checks)
            lines.append(f"| {g} | {s} | " + " | ".join(cells) + " |")
    lines.append(f"\n{met} of {total} comparisons met ('–': no run of one side agreed)")
    return "\n".join(lines)


def write_records(records: list[dict], path: Path) -> None:
    """One CSV row per run."""
    keys = ["domain", "group", "strategy", "lib", "agreed", "rounds", "distance", "bad"]
    keys += ["seconds", "reason"]
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        w.writerows(records)


def failures(records: list[dict], lib_prefix: str = "zopa") -> str:
    """Every run of ``lib_prefix`` that did not agree, grouped by reason."""
    out: dict[str, list[str]] = {}
    for r in records:
        if r["lib"].startswith(lib_prefix) and not r["agreed"]:
            key = f"{r['lib']}, {r['strategy']}: {r['reason']}"
            out.setdefault(key, []).append(r["domain"])
    if not out:
        return "none"
    return "\n".join(f"- {k} -- {', '.join(v)}" for k, v in sorted(out.items()))


# -- driver --------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenarios", type=int, default=100, help="random scenarios (default 100)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random scenarios")
    ap.add_argument("--rounds", type=int, default=200, help="deadline in rounds (default 200)")
    ap.add_argument("--no-negmas", action="store_true", help="run zopa's part only")
    ap.add_argument("--no-examples", action="store_true", help="leave out scenarios/examples")
    ap.add_argument("--no-ukraine", action="store_true", help="leave out scenarios/ukraine")
    ap.add_argument("--records", type=Path, help="write one CSV row per run to this file")
    ap.add_argument(
        "--negmas-names",
        action="store_true",
        help="NegMAS's named curves (boulware 4, conceder 0.25) instead of zopa's exponents",
    )
    args = ap.parse_args(argv)

    with_negmas = not args.no_negmas and negmas_available()
    t0 = time.perf_counter()
    domains = random_domains(args.scenarios, args.seed)
    closed: list[str] = []
    for folder, group, skip in (
        (EXAMPLES, "examples", args.no_examples),
        (UKRAINE, "ukraine", args.no_ukraine),
    ):
        if not skip:
            kept, shut = scenario_domains(folder, group)
            domains += kept
            closed += shut
    sizes = [d.table.count for d in domains]
    print(
        f"{len(domains)} domains ({time.perf_counter() - t0:.1f} s to build): lawful outcomes "
        f"{min(sizes)}-{max(sizes)}, median {int(np.median(sizes))}"
    )
    if closed:
        print(f"scenarios without a zone, left out: {', '.join(closed)}")

    records: list[dict] = []
    seconds = {"zopa": 0.0, "NegMAS": 0.0}
    for i, d in enumerate(domains):
        setup = negmas_setup(d) if with_negmas else None
        for s in STRATEGIES:
            runs = [run_zopa(d, p, s, args.rounds) for p in PROTOCOLS]
            seconds["zopa"] += sum(r["seconds"] for r in runs)
            if with_negmas:
                runs.append(run_negmas(d, s, args.rounds, setup, args.negmas_names))
                seconds["NegMAS"] += runs[-1]["seconds"]
            for r in runs:
                records.append({"domain": d.name, "group": d.group, "strategy": s, **r})
        if (i + 1) % 10 == 0 or i + 1 == len(domains):
            print(f"  {i + 1}/{len(domains)} domains played", flush=True)

    groups = sorted({d.group for d in domains}, key=lambda g: (not g.startswith("random"), g))
    if sum(g.startswith("random") for g in groups) > 1:
        groups.insert(sum(g.startswith("random") for g in groups), "random")
    libs = [f"zopa {p}" for p in PROTOCOLS] + (["NegMAS SAO"] if with_negmas else [])
    print()
    print(
        f"deadline {args.rounds} rounds; agree = agreement rate; rounds = mean rounds of the "
        "agreed runs; d_Nash = mean distance to the static Nash point (agreed runs)"
    )
    print()
    print(main_table(records, groups, libs))
    if with_negmas:
        print()
        print(
            "NegMAS rows: "
            + ", ".join(f"{s} = {a}" for s, a in NEGMAS_AGENT.items())
            + (" (named curves)" if args.negmas_names else " (zopa's exponents 5, 1, 0.2)")
        )
        print()
        print("Head to head, zopa alternating vs NegMAS SAO, domain by domain:")
        print()
        print(head_to_head(records, groups, "zopa alternating", "NegMAS SAO"))
        print()
        print("Targets (issue 16), zopa against NegMAS SAO:")
        print()
        print(targets(records, groups, libs[:-1], "NegMAS SAO"))
        ended: dict[str, int] = {}
        for r in records:
            if r["lib"] == "NegMAS SAO" and not r["agreed"]:
                key = f"{r['strategy']} {r['reason']}"
                ended[key] = ended.get(key, 0) + 1
        print(
            "NegMAS runs without agreement: "
            + (", ".join(f"{k} {v}" for k, v in sorted(ended.items())) or "none")
        )
    else:
        why = "--no-negmas" if args.no_negmas else "negmas is not installed"
        print(f"\nNegMAS skipped ({why}); install the `bench` extra to compare.")
    print()
    for lib in libs:
        bad = sum(r["bad"] for r in records if r["lib"] == lib)
        print(f"{lib} agreements outside the lawful set or below a reservation: {bad}")
    print()
    print("zopa runs without agreement:")
    print(failures(records))
    if args.records:
        write_records(records, args.records)
        print(f"\nper-run records: {args.records}")
    print(
        f"\nseconds: zopa {seconds['zopa']:.1f} (simulate, {len(PROTOCOLS)} protocols)"
        + (f", NegMAS {seconds['NegMAS']:.1f}" if with_negmas else "")
        + f"; total {time.perf_counter() - t0:.1f}"
    )


if __name__ == "__main__":
    main()
