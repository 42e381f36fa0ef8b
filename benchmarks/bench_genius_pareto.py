"""Benchmark: GENIUS's own Pareto frontiers (``pareto.xml``) against zopa's, domain by domain.

Run on demand (not part of the tests)::

    python benchmarks/bench_genius_pareto.py DIR [DIR ...] [--timeout 600]

ANAC 2014's non-linear domains (``anac/y2014/10issues`` ... ``50issues`` and the ``S-1N...``
family) ship, beside the domain and its two profiles, a ``pareto.xml``: not XML but GENIUS's
Pareto frontier of the two profiles, one ``u1, u2`` pair per line, rounded to 8 digits. Their
spaces (10^10 to 10^50 outcomes) are far too large to enumerate, so zopa solves them with the
MILP (:mod:`simulator.solvers.milp`: the hyper-rectangles are interaction terms over integer
issues). For every folder under ``DIR`` holding a ``pareto.xml``, this imports the domain
(:mod:`simulator.io.genius`, as ``zopa import-genius`` does), solves it once with
``analyze(model, method="milp")`` in a fresh process (``--timeout`` seconds at most), and
compares zopa's frontier with GENIUS's, point by point within 1e-6 (the file's rounding).
GENIUS's file lists the frontier of every outcome; zopa's holds the outcomes acceptable to both
(utility at least the reservation, which the ``...withRV`` domains set above 0), so GENIUS's
points are counted among the acceptable ones. It also says where zopa's Nash and Kalai-
Smorodinsky points sit among GENIUS's frontier points. Time is wall-clock, including the import.

Where the two differ, ``GENIUS's dominated by zopa's`` counts GENIUS's points that one of
zopa's weakly dominates (GENIUS's file is then not the true frontier: for 10^30 outcomes it was
searched, not enumerated), and the last column re-evaluates zopa's Nash and KS outcomes from
the profiles' XML with :func:`independent_utility`, written apart from the importer: the
largest difference from zopa's utilities.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TOL = 1e-6


def read_pareto(path: Path) -> np.ndarray:
    """GENIUS's frontier: one ``u1, u2`` pair per non-empty line."""
    rows = [line.split(",") for line in path.read_text().splitlines() if line.strip()]
    return np.array([[float(a), float(b)] for a, b in rows])


def solve(folder: Path) -> dict:
    """Import and solve one folder (run in a child process)."""
    import simulator
    from simulator.io import genius

    files = sorted(f for f in folder.glob("*.xml") if f.read_bytes()[:64].lstrip()[:1] == b"<")
    domains = [f for f in files if b"<negotiation_template" in f.read_bytes()[:4096]]
    dom = genius.read_domain(domains[0])
    profiles = [genius.read_profile(f, dom) for f in files if f not in domains]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        genius.write_scenario_yaml(genius.to_scenario_dict(dom, profiles), path)
        model = simulator.load(path).model()
    a = simulator.analyze(model, concepts=("nash", "kalai"), method="milp")
    seconds = time.perf_counter() - t0
    sol = {
        c: None if s is None else [s.utilities[p] for p in model.party_names]
        for c, s in a.solutions.items()
    }
    chosen = {
        c: None if s is None else {k: float(v) for k, v in s.outcome.items()}
        for c, s in a.solutions.items()
    }
    return {
        "outcomes": model.space.count,
        "frontier": a.pareto.utilities.tolist(),
        "complete": a.pareto.complete,
        "reservations": [float(r) for r in model.reservations],
        "solutions": sol,
        "outcomes_chosen": chosen,
        "profiles": [str(f) for f in files if f not in domains],
        "seconds": seconds,
    }


def matched(ours: np.ndarray, theirs: np.ndarray) -> tuple[int, int]:
    """How many of our points are among theirs, and of theirs among ours (within TOL)."""
    if not len(ours) or not len(theirs):
        return 0, 0
    near = (np.abs(ours[:, None, :] - theirs[None, :, :]) <= TOL).all(axis=2)
    return int(near.any(axis=1).sum()), int(near.any(axis=0).sum())


def independent_utility(profile: Path, outcome: dict[str, float]) -> float:
    """A non-linear profile's utility of an outcome, straight from its XML, as GENIUS's
    ``NonlinearUtilitySpace`` computes it: the sum, over the hyper-rectangles that hold, of
    their ``utility`` times their ``weight`` and the ``<ufun>``'s (1 when absent), divided by
    the profile's ``maxutility`` and capped at 1. An ``INCLUDES`` rectangle holds when the
    outcome is inside every bound, an ``EXCLUDES`` one when it is outside at least one.
    Written apart from zopa's importer, as a check on it."""
    import xml.etree.ElementTree as ET

    from simulator.io.genius import identifier

    root = ET.parse(profile).getroot()
    names = {int(i.get("index", "0")): i.get("name", "") for i in root.iter("issue")}
    top = float(root.get("maxutility") or 0) or max(
        float(e.get("maxutility")) for e in root.iter() if e.get("maxutility")
    )

    def inside(bound) -> bool:
        value = outcome[identifier(names[int(bound.get("index", "0"))])]
        return float(bound.get("min", "-inf")) <= value <= float(bound.get("max", "inf"))

    total = 0.0
    for ufun in root.iter("ufun"):
        scale = float(ufun.get("weight", "1"))
        for box in ufun.iter("hyperRectangle"):
            inc, exc = list(box.iter("INCLUDES")), list(box.iter("EXCLUDES"))
            holds = all(map(inside, inc)) if inc else not exc or not all(map(inside, exc))
            if holds:
                total += float(box.get("utility", "0")) * float(box.get("weight", "1")) * scale
    return min(1.0, total / top)


def checked(result: dict) -> str:
    """The largest difference between zopa's utilities of its Nash and KS outcomes and
    :func:`independent_utility`'s."""
    worst = 0.0
    for concept, outcome in result["outcomes_chosen"].items():
        if outcome is None:
            continue
        for f, u in zip(result["profiles"], result["solutions"][concept]):
            worst = max(worst, abs(independent_utility(Path(f), outcome) - u))
    return f"{worst:.0e}"


def on(result: dict, concept: str, theirs: np.ndarray) -> str:
    """Whether a concept's point is one of GENIUS's frontier points."""
    u = result["solutions"].get(concept)
    if u is None:
        return "-"
    return "yes" if matched(np.array([u]), theirs)[0] else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(solve(Path(args.one))))
        return
    folders = sorted({p.parent for d in args.dirs for p in Path(d).rglob("pareto.xml")})
    print("| domain | outcomes | GENIUS points | zopa points | zopa's in GENIUS's | GENIUS's "
          "acceptable in zopa's | GENIUS's dominated by zopa's | Nash on GENIUS's | KS on "
          "GENIUS's | Nash, KS utilities vs the XML | seconds |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for folder in folders:
        theirs = read_pareto(folder / "pareto.xml")
        name = folder.name
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(folder)],
                capture_output=True, text=True, timeout=args.timeout, check=True, cwd=ROOT,
            ).stdout  # fmt: skip
        except subprocess.TimeoutExpired:
            print(f"| {name} | | {len(theirs)} | timeout ({args.timeout:g} s) | | | | | |")
            continue
        except subprocess.CalledProcessError as err:
            why = (err.stderr.strip().splitlines() or ["failed"])[-1][:120]
            print(f"| {name} | | {len(theirs)} | {why} | | | | | |")
            continue
        r = json.loads(out.strip().splitlines()[-1])
        ours = np.array(r["frontier"]).reshape(-1, 2)
        # zopa's frontier holds the acceptable outcomes only (u >= reservation, GENIUS's
        # file every outcome): GENIUS's points below a reservation are not zopa's to find
        acceptable = theirs[(theirs >= np.array(r["reservations"]) - TOL).all(axis=1)]
        a, b = matched(ours, acceptable)
        dominated = sum(bool((ours >= t - TOL).all(axis=1).any()) for t in acceptable)

        found = f"{len(ours)}" + ("" if r["complete"] else " (capped)")
        print(
            f"| {name} | {r['outcomes']:.0e} | {len(theirs)} | {found} | {a}/{len(ours)} | "
            f"{b}/{len(acceptable)} | {dominated}/{len(acceptable)} | {on(r, 'nash', theirs)} | "
            f"{on(r, 'kalai', theirs)} | {checked(r)} | {r['seconds']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
