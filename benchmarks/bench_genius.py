"""Benchmark: every domain of a GENIUS corpus, zopa against NegMAS side by side.

Run on demand (not part of the tests), in the venv with the ``bench`` extra (NegMAS)::

    /tmp/benchvenv/bin/python benchmarks/bench_genius.py DIR [DIR ...]
    /tmp/benchvenv/bin/python benchmarks/bench_genius.py /tmp/genius/scenarios --max-outcomes 1e5
    /tmp/benchvenv/bin/python benchmarks/bench_genius.py DIR --clock cpu --json results.json

Every folder under the ``DIR`` arguments that holds GENIUS XML files directly is a domain: the
file whose root is ``<negotiation_template>`` is the domain, every other XML file a profile
(one party each, in file-name order). zopa imports it with :mod:`simulator.io.genius`; a
folder it cannot import is listed at the end with the reason, and not timed.

The same problem for both libraries. NegMAS is given zopa's imported utilities: one
linear-additive ufun per party whose value table for each issue is zopa's compiled table
(weight times GENIUS-normalised evaluation, one entry per option or grid point) and whose
weights are 1, so both libraries sum the same numbers (zopa then rounds to 12 decimals). The
disagreement point is each party's reservation raised to its smallest utility over all
outcomes, NegMAS's effective value (``benchmarks/README.md``, item 3), for both. Where GENIUS
caps a utility at 1 (the importer's ``cap``, for weights adding up to more than 1), both
solve the uncapped sums: NegMAS's linear ufuns have no cap. NegMAS's own GENIUS reader is
not used: it fails on some folders and keeps raw evaluations (item 7). A folder whose model
is not linear additive (constraints, red lines, interactions) is listed as not timed.

Timed, in one process, interleaved (the order alternates between repeats), solve only:
zopa ``analyze(model, concepts=["nash", "kalai", "egalitarian"])`` (enumeration, zone scan
with its blocking analysis, Pareto frontier, three solutions); NegMAS ``pareto_frontier(ufuns,
issues=...)`` then ``nash_points``, ``kalai_points`` and ``ks_points`` on that frontier. A
sample is the mean of enough back-to-back calls to last ``--sample`` seconds; each library's
time is the median of its samples after the first (the first, a warm-up, counts only when it
is the only one), up to ``--repeat`` samples or until ``--budget`` seconds per library and
domain are spent. ``--clock cpu`` times the process's CPU time instead of the wall clock: both
libraries run on one thread, and on a shared machine CPU time moves far less.

Agreement columns (the definitions differ in places; ``benchmarks/README.md``):

* frontier: the distinct utility vectors (rounded to 9 decimals), zopa's rows against
  NegMAS's points. ``=`` same set; ``=~ (+k)`` NegMAS has ``k`` more vectors, each weakly
  dominated within 1e-9 by one of zopa's (floating-point noise: README item 9); ``NO (N/Z)``.
* Nash: zopa's outcome is among NegMAS's ``nash_points`` (``=``), or has the utilities of one
  of them (``=u``: NegMAS keeps one outcome per vector, and ties are within 1e-12).
* Egal: zopa's ``egalitarian`` against NegMAS's ``kalai_points`` (the same concept: README
  item 1). The Kalai-Smorodinsky definitions differ (item 2), so KS is timed, not compared.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import statistics
import sys
import tempfile
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np

CONCEPTS = ("nash", "kalai", "egalitarian")
DECIMALS = 9
GROUPS = (  # (label, lowest outcome count, target median ratio)
    ("<100", 0, 1.0),
    ("100-1k", 100, None),
    ("1k-10k", 1_000, 10.0),
    ("10k-100k", 10_000, None),
    ("100k-1M", 100_000, 50.0),
    (">=1M", 1_000_000, 50.0),
)


# -- domains -----------------------------------------------------------------------------------
def domain_folders(roots: list[str]) -> list[Path]:
    """Every folder under ``roots`` (themselves included) holding ``*.xml`` files directly."""
    found: set[Path] = set()
    for root in map(Path, roots):
        if root.is_dir():
            found.update(p.parent for p in root.rglob("*.xml"))
    return sorted(found)


def zopa_model(folder: Path):
    """The folder imported by ``simulator.io.genius`` and compiled (raises on failure)."""
    import simulator
    from simulator.io import genius

    files = sorted(folder.glob("*.xml"))
    domains, profiles = [], []
    for f in files:
        head = f.read_bytes()[:4096].lstrip()
        if not head.startswith(b"<"):  # not XML: ANAC 2014's pareto.xml is a list of numbers
            continue
        (domains if b"<negotiation_template" in head else profiles).append(f)
    if len(domains) > 1:
        raise ValueError(f"{len(domains)} domain files")
    dom = genius.read_domain(domains[0]) if domains else None
    parsed = [genius.read_profile(f, dom) for f in profiles]
    scenario = genius.to_scenario_dict(dom, parsed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        genius.write_scenario_yaml(scenario, path)
        return simulator.load(path).model()


def same_problem(model):
    """zopa's model with NegMAS's disagreement point, and NegMAS's issues and ufuns for it."""
    import dataclasses

    from negmas.outcomes import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction

    if model.has_interactions or model.constraints or model.red_lines:
        raise ValueError("not linear additive: no NegMAS ufun built")
    tables = [
        np.zeros((len(lv), len(model.parties))) if t is None else t
        for t, lv in zip(model._tables, model.level_values)  # noqa: SLF001 -- benchmark peek
    ]
    lowest = sum(t.min(axis=0) for t in tables)
    effective = np.maximum(model.reservations, lowest)
    # GENIUS caps a utility at 1 where the weights add up to more (the importer's ``cap``);
    # NegMAS's linear ufuns have no cap: both solve the uncapped sums
    model = model.recompiled(
        parties=[
            dataclasses.replace(p, reservation=float(r), cap=None)
            for p, r in zip(model.parties, effective)
        ]
    )
    labels = [
        [str(model.level_value(k, lv)) for lv in range(len(model.level_values[k]))]
        for k in range(len(model.issues))
    ]
    names = [f"i{k}" for k in range(len(model.issues))]
    issues = [make_issue(lab, name) for lab, name in zip(labels, names)]
    ufuns = [
        LinearAdditiveUtilityFunction(
            values={
                name: dict(zip(lab, map(float, t[:, j])))
                for name, lab, t in zip(names, labels, tables)
            },
            weights={name: 1.0 for name in names},
            issues=issues,
            reserved_value=float(effective[j]),
            name=party,
        )
        for j, party in enumerate(model.party_names)
    ]
    return model, issues, ufuns


# -- the two solves ----------------------------------------------------------------------------
def solve_zopa(model):
    from simulator import analyze

    return analyze(model, concepts=CONCEPTS)


def solve_negmas(issues, ufuns):
    from negmas.preferences.ops import kalai_points, ks_points, nash_points, pareto_frontier

    utils, idx = pareto_frontier(ufuns, issues=issues)
    nash = nash_points(ufuns, utils, issues=issues)
    kal = kalai_points(ufuns, utils, issues=issues)
    ks = ks_points(ufuns, utils, issues=issues)
    return utils, idx, nash, kal, ks


CLOCK = time.perf_counter  # --clock cpu: time.process_time


def _sample(fn, calls: int) -> tuple[float, object]:
    gc.collect()
    t0 = CLOCK()
    for _ in range(calls):
        out = fn()
    return (CLOCK() - t0) / calls, out


def timed(fns: dict, repeat: int, budget: float, sample: float) -> tuple[dict, dict]:
    """Median seconds per call of each function, interleaved; and each one's first result."""
    first, calls, times, spent = {}, {}, {}, {}
    for name, fn in fns.items():
        t, first[name] = _sample(fn, 1)
        calls[name] = max(1, math.ceil(sample / max(t, 1e-9)))
        times[name], spent[name] = [t], t
    names = list(fns)
    for r in range(repeat):
        for name in names if r % 2 else names[::-1]:
            if spent[name] < budget:
                t, _ = _sample(fns[name], calls[name])
                times[name].append(t)
                spent[name] += t * calls[name]
    med = {n: statistics.median(ts[1:] if len(ts) > 1 else ts) for n, ts in times.items()}
    return med, first


# -- agreement ---------------------------------------------------------------------------------
def _key(u) -> tuple[float, ...]:
    return tuple(round(float(x), DECIMALS) + 0.0 for x in u)


def _unmatched(a: set, b: set) -> list[tuple[float, ...]]:
    """The vectors of ``a`` with no vector of ``b`` within 2e-9: equal keys first, then the
    rest one by one (keys are rounded to 1e-9, so values 1e-12 apart can get keys 1e-9
    apart)."""
    rest = a - b
    if not rest or not b:
        return sorted(rest)
    bb = np.array(sorted(b))
    return [v for v in rest if not (np.abs(bb - np.array(v)) <= 2e-9).all(axis=1).any()]


def agreement(analysis, negmas_result) -> dict[str, str]:
    utils, idx, nash, kal, _ = negmas_result
    zrows = [_key(u) for u in analysis.pareto.utilities]
    zset, nset = set(zrows), {_key(u) for u in utils}
    extra, missing = _unmatched(nset, zset), _unmatched(zset, nset)
    if not extra and not missing:
        front = "="
    else:
        z = np.array(sorted(zset)).reshape(-1, len(analysis.parties))
        noise = not missing and all(((z >= np.array(v) - 1e-9).all(axis=1)).any() for v in extra)
        front = f"=~ (+{len(extra)})" if noise else f"NO ({len(nset)}/{len(zset)})"
    by_index = dict(zip(map(int, analysis.pareto.indices), zrows))

    def agree(concept: str, points) -> str:
        sol = analysis.solutions[concept]
        ns = [int(idx[k]) for _, k in points]
        if sol is None or not ns:
            return "=" if sol is None and not ns else "NO"
        tie = f" ({len(ns)})" if len(ns) > 1 else ""
        if sol.index in ns:
            return "=" + tie
        same = not _unmatched({by_index[sol.index]}, {_key(utils[k]) for _, k in points})
        return ("=u" if same else "NO") + tie

    return {"frontier": front, "nash": agree("nash", nash), "egal": agree("egalitarian", kal)}


# -- report ------------------------------------------------------------------------------------
def _ratio(q: float | None) -> str:
    if q is None:
        return "-"
    return f"{q:.0f}x" if q >= 10 else f"{q:.1f}x"


def _ms(s: float | None) -> str:
    if s is None:
        return "-"
    return f"{s * 1e3:.3f}" if s < 0.01 else (f"{s * 1e3:.1f}" if s < 10 else f"{s * 1e3:.0f}")


def group_of(outcomes: int) -> str:
    return [label for label, low, _ in GROUPS if outcomes >= low][-1]


def footer(rows: list[dict]) -> list[str]:
    out = [
        "",
        "| size | domains | median ratio | range | frontier agree | Nash agree | Egal agree "
        "| target | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, _, target in GROUPS:
        rs = [r for r in rows if r["group"] == label and r.get("ratio")]
        if not rs:
            continue
        q = [r["ratio"] for r in rs]
        med = statistics.median(q)

        def ok(col: str, rs=rs) -> str:
            return f"{sum(r[col].startswith('=') for r in rs)}/{len(rs)}"

        met = "-" if target is None else ("yes" if med >= target else "NO")
        out.append(
            f"| {label} | {len(rs)} | {_ratio(med)} | {_ratio(min(q))} - {_ratio(max(q))} "
            f"| {ok('frontier')} | {ok('nash')} | {ok('egal')} "
            f"| {'-' if target is None else _ratio(target)} | {met} |"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", help="folders to search for GENIUS domains")
    parser.add_argument("--repeat", type=int, default=5, help="timed samples per library")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per library/domain")
    parser.add_argument("--sample", type=float, default=0.05, help="shortest sample (s)")
    parser.add_argument("--min-outcomes", type=float, default=0)
    parser.add_argument("--max-outcomes", type=float, default=1e7)
    parser.add_argument("--match", default="", help="only folders whose path contains this")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall time, or the process's CPU time (steadier on a shared machine)",
    )
    parser.add_argument("--json", help="write the rows here too")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    warnings.filterwarnings("ignore")  # NegMAS warns that large spaces are slow

    rows, failed, skipped = [], [], []
    print(
        "| domain | outcomes | parties | zopa ms | NegMAS ms | ratio | frontier "
        "(distinct) | Nash | Egal |\n|---|---|---|---|---|---|---|---|---|",
        flush=True,
    )
    for folder in domain_folders(args.dirs):
        name = str(folder).split("scenarios/")[-1]
        if args.match not in str(folder):
            continue
        try:
            model = zopa_model(folder)
        except Exception as e:  # noqa: BLE001 -- listed with the reason
            failed.append((name, " ".join(str(e).split())[:160] or repr(e)))
            continue
        n = model.space.count
        if not args.min_outcomes <= n <= args.max_outcomes:
            skipped.append((name, f"{n:,} outcomes"))
            continue
        try:
            model, issues, ufuns = same_problem(model)
        except ValueError as e:
            skipped.append((name, str(e)))
            continue
        med, first = timed(
            {"zopa": partial(solve_zopa, model), "negmas": partial(solve_negmas, issues, ufuns)},
            args.repeat,
            args.budget,
            args.sample,
        )
        row = {
            "domain": name,
            "outcomes": n,
            "parties": len(model.parties),
            "group": group_of(n),
            "zopa_s": med["zopa"],
            "negmas_s": med["negmas"],
            "ratio": med["negmas"] / med["zopa"],
            "frontier_distinct": first["zopa"].pareto.distinct,
            **agreement(first["zopa"], first["negmas"]),
        }
        rows.append(row)
        print(
            f"| {name} | {n:,} | {row['parties']} | {_ms(row['zopa_s'])} "
            f"| {_ms(row['negmas_s'])} | {_ratio(row['ratio'])} | {row['frontier']} "
            f"({row['frontier_distinct']:,}) | {row['nash']} | {row['egal']} |",
            flush=True,
        )
        del first
        gc.collect()
    print("\n".join(footer(rows)))
    if skipped:
        print("\nNot timed:\n" + "\n".join(f"- {n}: {why}" for n, why in skipped))
    if failed:
        print("\nNot importable by zopa:\n" + "\n".join(f"- {n}: {why}" for n, why in failed))
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "failed": failed}, indent=1))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
