"""Benchmark: zopa against NegMAS -- Pareto frontier, Nash and Kalai-type points.

Run on demand (not part of the tests), in a venv with the ``bench`` extra::

    python3 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install -e '.[bench]'
    /tmp/benchvenv/bin/python benchmarks/bench_vs_negmas.py                 # 10^3 .. 10^6
    /tmp/benchvenv/bin/python benchmarks/bench_vs_negmas.py --max 5 --limit 60
    /tmp/benchvenv/bin/python benchmarks/bench_vs_negmas.py --genius DIR [DIR ...]

Random cases: identical linear-additive domains for both libraries -- 2, 3 and 4 parties,
issues of 10 options (10^k outcomes for k issues), table values and weights drawn from a seeded
``numpy.random.Generator``, a reservation per party in [0.45, 0.55] (zopa ``reservation``,
NegMAS ``reserved_value``). Weights are normalised once, in Python, and handed to both
libraries, so both compute bit-identical utilities.

GENIUS cases: each ``--genius`` folder (domain + profile XMLs), plus any folder holding GENIUS
XML found under the installed ``negmas`` package (the 0.16 wheel ships none). NegMAS parses it;
zopa uses ``simulator.io.genius`` if present, else a model built from NegMAS's parsed ufuns.

Each library runs in a fresh subprocess (JSON over stdout), so that the peak resident set
(``ru_maxrss``) is per library. The time is the solve only (models are built before the clock
starts): NegMAS ``pareto_frontier(ufuns, issues=...)`` (its recommended end-to-end path:
enumerate, evaluate, filter rational, ``pareto_frontier_numpy``) then ``nash_points``,
``kalai_points`` and ``ks_points`` on that frontier; zopa one ``analyze(model,
concepts=["nash", "kalai", "egalitarian"])`` (which also does the zone scan with its blocking
analysis). NegMAS is skipped where its time, extrapolated from the smaller sizes, exceeds
``--limit`` seconds.

Definitional differences (read from negmas 0.16 ``preferences/ops.py``; see benchmarks/README.md)
-------------------------------------------------------------------------------------------------
1. Names. NegMAS ``kalai_points`` is Kalai (1977) *proportional/egalitarian*: it maximises the
   smallest gain ``min_i (u_i - r_i)``. That is zopa's ``egalitarian``, not zopa's ``kalai``.
   The Kalai-Smorodinsky solution is NegMAS ``ks_points``. We compare kalai_points with zopa
   egalitarian ("Egal" column) and ks_points with zopa kalai ("KS" column).
2. Kalai-Smorodinsky. zopa maximises ``min_i g_i / G_i`` with ``G_i`` the best gain over the
   *acceptable* outcomes. NegMAS ``ks_points`` takes the ideal point from ``ufun.minmax()`` over
   *all* outcomes (``above_reserve=False``), and instead of maximising the smallest ratio it
   minimises the *spread* ``max_i a_i - min_i a_i`` of the ratios ``a_i = g_i / (max_i - r_i)``.
   On a finite frontier these are different solutions (they coincide only where an exactly
   balanced point exists). We therefore also recompute NegMAS's definition from zopa's frontier
   arrays ("KS-neg-def" check): that must match ``ks_points`` exactly.
3. Disagreement point. NegMAS uses ``reserved_value`` as the disagreement point only if it is
   at least the ufun's minimum utility; below that (and for ``None``/``-inf``/NaN) it uses the
   minimum utility over all outcomes. zopa always uses ``reservation``. The random cases keep
   reservations above the minimum; for GENIUS files (reservation 0 below a positive minimum) we
   give zopa ``max(reservation, min utility)``, NegMAS's effective value.
4. Acceptance. Both libraries restrict to outcomes with ``u_i >= r_i`` for every party before
   the frontier (NegMAS ``pareto_frontier`` filters rational outcomes; ``nash_points`` itself
   would not). zopa accepts ``u >= r - 1e-9`` (``ACCEPT_ATOL``), NegMAS ``u >= r`` exactly --
   they differ only for an outcome within 1e-9 below a reservation.
5. Duplicates on the frontier. zopa keeps every outcome with an undominated utility vector,
   equal vectors included; NegMAS ``pareto_frontier_numpy`` keeps one outcome per distinct
   vector. Frontier sizes then differ while the sets of distinct vectors agree ("=v" below).
6. Ties. NegMAS returns every point within an absolute 1e-12 of the optimum (Nash compared as
   a raw product, Kalai/KS on their objective). zopa returns one outcome: relative 1e-12 on
   the objective, then larger sum of gains, then first in enumeration order. We count agreement
   when zopa's outcome is among NegMAS's points ("="), or has the same utilities as one of
   them ("=u", a tie between outcomes that NegMAS dropped as a duplicate).
7. Normalisation. None in either for these solutions: zopa normalises weights to sum to one
   (we pass normalised weights to NegMAS), NegMAS evaluates ``bias + sum w_k v_k`` as given.
   NegMAS's GENIUS reader keeps raw ``evaluation`` numbers (no division by the issue's largest
   evaluation), so its GENIUS utilities are not on [0, 1]; the solutions here are unchanged by
   scaling utility and reservation together, and the zopa model is built from the same numbers.
8. Red lines and constraints have no NegMAS counterpart; the random cases use none.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

N_OPTIONS = 10
TIE = 1e-12
CONFLICT_ISSUES = 6  # the high-conflict case: 10^6 outcomes, 4 parties


# -- domains -----------------------------------------------------------------------------------
def random_spec(n_issues: int, n_parties: int, seed: int = 0) -> dict:
    """Issues, per-party normalised weights, value tables and reservations (plain lists)."""
    rng = np.random.default_rng(seed + 1000 * n_issues + n_parties)
    issues = [(f"i{k}", [f"o{j}" for j in range(N_OPTIONS)]) for k in range(n_issues)]
    parties = []
    for p in range(n_parties):
        raw = [float(w) for w in rng.uniform(0.1, 1.0, n_issues)]
        total = sum(raw)  # the same sum zopa's Party.normalised_weights takes
        parties.append(
            {
                "name": f"p{p}",
                "weights": [w / total for w in raw],
                "values": [[float(v) for v in rng.uniform(0, 1, N_OPTIONS)] for _ in issues],
                "reservation": float(rng.uniform(0.45, 0.55)),
            }
        )
    return {"issues": issues, "parties": parties}


def conflict_spec(n_issues: int, n_parties: int, seed: int = 0) -> dict:
    """A high-conflict domain: :func:`random_spec`, with every odd party valuing each option
    ``1 - v`` where the party before it values it ``v`` (its own weights), and each
    reservation at the party's smallest utility (every outcome acceptable; NegMAS's
    disagreement point is then the same, item 3). 10^6 outcomes and 4 parties give 15,378
    frontier points."""
    spec = random_spec(n_issues, n_parties, seed)
    parties = spec["parties"]
    for odd, before in zip(parties[1::2], parties[::2]):
        odd["values"] = [[1.0 - v for v in vals] for vals in before["values"]]
    for p in parties:
        p["reservation"] = sum(w * min(v) for w, v in zip(p["weights"], p["values"]))
    return spec


def genius_spec(folder: str) -> dict:
    """A spec from NegMAS's parse of a GENIUS folder (discrete issues, linear-additive ufuns).

    NegMAS keeps the raw ``evaluation`` numbers; GENIUS (and ``simulator.io.genius``) divide
    each discrete issue's evaluations by their maximum. We apply GENIUS's normalisation here and
    give both libraries these numbers, so both solve the GENIUS problem."""
    from negmas.inout import Scenario

    sc = Scenario.from_genius_folder(folder, ignore_discount=True)
    if sc is None:
        raise ValueError(f"negmas could not load {folder}")
    issues = [(i.name, list(i.all)) for i in sc.outcome_space.issues]
    parties = []
    for u in sc.ufuns:
        if getattr(u, "_bias", 0.0):
            raise ValueError("ufun with a bias is not supported here")
        weights = [float(w) for w in u.weights]
        values = []
        for f, (_, opts) in zip(u.values, issues):
            raw = [float(f(o)) for o in opts]
            top = max(raw)
            values.append([v / top for v in raw] if top > 0 else raw)
        lo = 0.0
        for w, v in zip(weights, values):
            lo += w * min(v)
        r = u.reserved_value
        r = None if r is None or not math.isfinite(r) else float(r)
        parties.append(
            {
                "name": u.name,
                "weights": weights,
                "values": values,
                # what NegMAS is given, and its effective disagreement point (item 3)
                "negmas_reserved_value": r,
                "reservation": lo if r is None or r < lo else r,
            }
        )
    return {
        "folder": folder,
        "issues": [(n, [str(o) for o in opts]) for n, opts in issues],
        "parties": parties,
    }


def load_spec(kind: str, arg: str, n_parties: int) -> dict:
    """``random``: ``arg`` is the power of ten. ``genius``: ``arg`` is a JSON spec file written
    by the driver (so that the zopa process need not import negmas to parse the XML)."""
    if kind == "random":
        return random_spec(int(arg), n_parties)
    if kind == "conflict":
        return conflict_spec(int(arg), n_parties)
    return json.loads(Path(arg).read_text())


# -- zopa --------------------------------------------------------------------------------------
def zopa_model(spec: dict, kind: str):
    from simulator.model import DiscreteIssue, Party, TableValue, compile_model

    if kind == "genius" and importlib.util.find_spec("simulator.io.genius") is not None:
        model = _zopa_from_genius_module(spec["folder"], spec)
        if model is not None:
            return model, "simulator.io.genius"
    issues = [DiscreteIssue(n, tuple(opts)) for n, opts in spec["issues"]]
    parties = []
    for p in spec["parties"]:
        w_total = sum(p["weights"])
        parties.append(
            Party(
                p["name"],
                # zopa divides weights by their sum; keep the reservation on the same scale
                p["reservation"] / w_total if kind == "genius" else p["reservation"],
                {i.name: w for i, w in zip(issues, p["weights"])},
                {i.name: TableValue(tuple(v)) for i, v in zip(issues, p["values"])},
            )
        )
    return compile_model(issues, parties), "built from spec"


def _zopa_from_genius_module(folder: str, spec: dict):
    """The zopa model through ``simulator.io.genius`` (read_domain, read_profile,
    to_scenario_dict), profiles in NegMAS's ufun order, reservations raised to NegMAS's
    effective disagreement point (item 3). None if that fails."""
    import xml.etree.ElementTree as ET

    import simulator
    from simulator.io import genius

    try:
        files = sorted(Path(folder).glob("*.xml"))
        domain = [f for f in files if ET.parse(f).getroot().tag == "negotiation_template"]
        by_stem = {f.stem: f for f in files if f not in domain}
        stems = [p["name"] for p in spec["parties"]]
        dom = genius.read_domain(domain[0]) if domain else None
        profiles = [genius.read_profile(by_stem[st], dom) for st in stems]
        sd = genius.to_scenario_dict(dom, profiles)
        for party, p in zip(sd["parties"].values(), spec["parties"]):
            party["reservation"] = p["reservation"] / sum(p["weights"])
            # weights normalised as NegMAS's are (scaled back in run_zopa), no GENIUS cap
            party.pop("normalise_weights", None)
            party.pop("cap", None)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "scenario.yaml"
            genius.write_scenario_yaml(sd, path)
            return simulator.load(path).model()
    except Exception as e:  # noqa: BLE001 -- fall back to the spec
        print(f"simulator.io.genius failed on {folder}: {e!r}", file=sys.stderr)
        return None


def run_zopa(kind: str, arg: str, n_parties: int) -> dict:
    from simulator import analyze

    spec = load_spec(kind, arg, n_parties)
    t_build = time.perf_counter()
    model, source = zopa_model(spec, kind)
    t_build = time.perf_counter() - t_build
    # zopa divides each party's utility by its weight sum; report on NegMAS's scale
    scale = np.array([sum(p["weights"]) if kind == "genius" else 1.0 for p in spec["parties"]])
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    res = analyze(model, concepts=["nash", "kalai", "egalitarian"])
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The best utility over ALL outcomes (NegMAS's KS ideal), summed in NegMAS's order.
    tables = [t for t in model._tables]  # noqa: SLF001 -- benchmark-only peek
    best_all = [0.0] * len(model.parties)
    for t in tables:
        if t is not None:
            for j in range(len(model.parties)):
                best_all[j] += float(t[:, j].max())
    return {
        "lib": "zopa",
        "source": source,
        "outcomes": model.space.count,
        "seconds": seconds,
        "end_to_end": t_build + seconds,  # compile_model + analyze
        "peak_mib": peak,
        "base_mib": base,
        "reservations": [float(r) for r in model.reservations * scale],
        "best_all": [float(b) for b in np.asarray(best_all) * scale],
        "frontier": [
            [int(i), *map(float, u * scale)]
            for i, u in zip(res.pareto.indices, res.pareto.utilities)
        ],
        **{
            key: None if res.solutions[c] is None else res.solutions[c].index
            for key, c in (("nash", "nash"), ("kalai", "kalai"), ("egal", "egalitarian"))
        },
    }


# -- NegMAS ------------------------------------------------------------------------------------
def negmas_ufuns(spec: dict, kind: str, arg: str):
    from negmas.outcomes import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction

    issues = [make_issue(list(opts), name) for name, opts in spec["issues"]]
    ufuns = [
        LinearAdditiveUtilityFunction(
            values={
                name: dict(zip(opts, vals))
                for (name, opts), vals in zip(spec["issues"], p["values"])
            },
            weights={name: w for (name, _), w in zip(spec["issues"], p["weights"])},
            issues=issues,
            reserved_value=(
                p["reservation"]
                if kind != "genius"
                else (
                    p["negmas_reserved_value"]
                    if p["negmas_reserved_value"] is not None
                    else float("-inf")
                )
            ),
            name=p["name"],
        )
        for p in spec["parties"]
    ]
    return issues, ufuns


def run_negmas(kind: str, arg: str, n_parties: int) -> dict:
    import warnings

    from negmas.preferences.ops import kalai_points, ks_points, nash_points, pareto_frontier

    warnings.filterwarnings("ignore")  # negmas warns that large spaces are slow
    spec = load_spec(kind, arg, n_parties)
    issues, ufuns = negmas_ufuns(spec, kind, arg)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    utils, idx = pareto_frontier(ufuns, issues=issues)
    nash = nash_points(ufuns, utils, issues=issues)
    kal = kalai_points(ufuns, utils, issues=issues)
    ks = ks_points(ufuns, utils, issues=issues)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "lib": "negmas",
        "seconds": seconds,
        "peak_mib": peak,
        "base_mib": base,
        "frontier": [[int(i), *map(float, u)] for i, u in zip(idx, utils)],
        "nash": [int(idx[k]) for _, k in nash],
        "kalai": [int(idx[k]) for _, k in kal],
        "ks": [int(idx[k]) for _, k in ks],
    }


# -- comparison --------------------------------------------------------------------------------
def negmas_ks_from_arrays(z: dict) -> set[int]:
    """NegMAS's ks_points definition applied to zopa's frontier arrays."""
    f = np.asarray(z["frontier"], dtype=float)
    if f.size == 0:
        return set()
    u, r, hi = f[:, 1:], np.asarray(z["reservations"]), np.asarray(z["best_all"])
    a = (u - r) / (hi - r)
    spread = a.max(axis=1) - a.min(axis=1)
    return {int(i) for i in f[spread <= spread.min() + TIE, 0]}


def compare(z: dict, n: dict | None) -> dict[str, str]:
    if n is None:
        return {"front": "-", "nash": "-", "egal": "-", "ks": "-", "ksdef": "-"}
    # utility vectors as keys, rounded: GENIUS cases are rescaled (zopa normalises weights)
    zf = {int(row[0]): tuple(round(x, 9) for x in row[1:]) for row in z["frontier"]}
    nf = {int(row[0]): tuple(round(x, 9) for x in row[1:]) for row in n["frontier"]}
    if set(zf) == set(nf):
        front = "="
    elif set(zf.values()) == set(nf.values()):
        front = f"=v ({len(nf)}/{len(zf)})"
    else:
        front = f"NO ({len(nf)}/{len(zf)})"

    def agree(zi: int | None, ns: list[int]) -> str:
        if zi is None or not ns:
            return "=" if zi is None and not ns else "NO"
        tie = f" ({len(ns)} tied)" if len(ns) > 1 else ""
        if zi in ns:
            return "=" + tie
        if any(zf.get(zi) == nf.get(k) for k in ns):
            return "=u" + tie
        return "NO" + tie

    ks = agree(z["kalai"], n["ks"])
    if ks.startswith("NO"):
        ks = "differs" + ks[2:]  # expected: different definition (see docstring, item 2)
    ksdef = (
        "="
        if negmas_ks_from_arrays(z) & set(n["ks"])
        or (any(zf.get(i) == nf.get(k) for i in negmas_ks_from_arrays(z) for k in n["ks"]))
        else "NO"
    )
    return {
        "front": front,
        "nash": agree(z["nash"], n["nash"]),
        "egal": agree(z["egal"], n["kalai"]),
        "ks": ks,
        "ksdef": ksdef,
    }


# -- driver ------------------------------------------------------------------------------------
def sub(lib: str, kind: str, arg: str, parties: int, timeout: float) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--one", lib, kind, arg, str(parties)],
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


HEADER = (
    f"{'case':<16} {'parties':>7} {'outcomes':>10} {'NegMAS s':>16} {'zopa s':>8} "
    f"{'ratio':>7} {'NegMAS MiB':>10} {'zopa MiB':>8}  {'frontier':<14} {'Nash':<6} "
    f"{'Egal':<11} {'KS':<8} {'KS-neg-def':<10}"
)


def row(case: str, parties: int, z: dict, n: dict | None, skipped: str | None) -> str:
    c = compare(z, n)
    n_s = skipped if n is None else f"{n['seconds']:.3f}"
    q = None if n is None else n["seconds"] / z["seconds"]
    ratio = "-" if q is None else (f"{q:.0f}x" if q >= 10 else f"{q:.1f}x")
    n_mib = "-" if n is None else f"{n['peak_mib']:.0f}"
    return (
        f"{case:<16} {parties:>7} {z['outcomes']:>10,} {n_s:>16} {z['seconds']:>8.3f} "
        f"{ratio:>7} {n_mib:>10} {z['peak_mib']:>8.0f}  {c['front']:<14} {c['nash']:<6} "
        f"{c['egal']:<11} {c['ks']:<8} {c['ksdef']:<10}"
    )


def genius_folders(extra: list[str]) -> list[str]:
    found: list[str] = []
    spec = importlib.util.find_spec("negmas")
    if spec is not None and spec.origin:
        root = Path(spec.origin).parent
        dirs = sorted({p.parent for p in root.rglob("*.xml")})
        found += [str(d) for d in dirs[:2]]
    return found + list(extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=int, default=3, help="smallest power of ten")
    parser.add_argument("--max", type=int, default=6, help="largest power of ten")
    parser.add_argument("--limit", type=float, default=120.0, help="skip NegMAS above (s)")
    parser.add_argument("--genius", nargs="*", default=[], help="GENIUS folders to run too")
    parser.add_argument(
        "--conflict", action="store_true", help="only the high-conflict 10^6 x 4 case"
    )
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        lib, kind, arg, parties = args.one
        fn = run_zopa if lib == "zopa" else run_negmas
        print(json.dumps(fn(kind, arg, int(parties))))
        return

    print(HEADER, flush=True)
    bases: dict[str, float] = {}
    if args.conflict:
        args.min, args.max, args.genius = 1, 0, []  # no random cases, no GENIUS folders
    for p in () if args.conflict else (2, 3, 4):
        times: list[float] = []
        for k in range(args.min, args.max + 1):
            z = sub("zopa", "random", str(k), p, timeout=3600)
            bases["zopa"] = z["base_mib"]
            estimate = None
            if len(times) >= 2:
                estimate = times[-1] * max(10.0, times[-1] / max(times[-2], 1e-9))
            elif times:
                estimate = times[-1] * 10.0
            n, skipped = None, None
            if estimate is not None and estimate > args.limit:
                skipped = f"skip (~{estimate:.0f}s)"
            else:
                try:
                    n = sub("negmas", "random", str(k), p, timeout=max(3 * args.limit, 60))
                    times.append(n["seconds"])
                    bases["negmas"] = n["base_mib"]
                except subprocess.TimeoutExpired:
                    skipped = f"skip (>{max(3 * args.limit, 60):.0f}s)"
            print(row(f"random 10^{k}", p, z, n, skipped), flush=True)
    if args.conflict or args.max >= CONFLICT_ISSUES:
        z = sub("zopa", "conflict", str(CONFLICT_ISSUES), 4, timeout=3600)
        bases["zopa"] = z["base_mib"]
        n, skipped, wait = None, None, max(3 * args.limit, 60)
        try:
            n = sub("negmas", "conflict", str(CONFLICT_ISSUES), 4, timeout=wait)
            bases["negmas"] = n["base_mib"]
        except subprocess.TimeoutExpired:
            skipped = f"skip (>{wait:.0f}s)"
        print(row(f"conflict 10^{CONFLICT_ISSUES}", 4, z, n, skipped), flush=True)
        print(
            f"{'':<16} (zopa end to end, compile_model + analyze: {z['end_to_end']:.3f} s; "
            f"{len(z['frontier']):,} frontier points)",
            flush=True,
        )
    for folder in genius_folders(args.genius) if not args.conflict else ():
        try:
            spec_file = Path(tempfile.gettempdir()) / f"bench_vs_negmas_{Path(folder).name}.json"
            spec_file.write_text(json.dumps(genius_spec(folder)))
            z = sub("zopa", "genius", str(spec_file), 0, timeout=3600)
            n = sub("negmas", "genius", str(spec_file), 0, timeout=max(3 * args.limit, 60))
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            print(f"{Path(folder).name:<16} failed: {e}", flush=True)
            continue
        parties = len(z["reservations"])
        print(row(f"GENIUS {Path(folder).name}"[:16], parties, z, n, None), flush=True)
        if z["source"] != "built from spec":
            print(f"{'':<16} (zopa model from {z['source']})")
    print(
        f"\nPeak MiB is the whole process; after imports and model building it was already "
        f"{bases.get('negmas', float('nan')):.0f} MiB (NegMAS) and "
        f"{bases.get('zopa', float('nan')):.0f} MiB (zopa)."
    )
    print(
        "frontier: '=' same outcomes; '=v (N/Z)' same distinct utility vectors, NegMAS keeps one "
        "outcome per vector. Nash/Egal: '=' zopa's outcome among NegMAS's points, '=u' same "
        "utilities.\nEgal = NegMAS kalai_points vs zopa egalitarian; KS = NegMAS ks_points vs "
        "zopa kalai (different definitions); KS-neg-def = NegMAS's KS recomputed from zopa's "
        "frontier arrays vs ks_points."
    )


if __name__ == "__main__":
    main()
