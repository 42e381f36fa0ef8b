"""The ``zopa`` command line (console script, and ``python -m simulator``).

Exit codes: 0 success; 2 bad input (a scenario error, a bad option, a space too large to
enumerate), with the problems on standard error and never a traceback; 1 an unexpected
internal error, reported in one line.

Only :mod:`argparse` is imported at start-up: numpy, scipy and matplotlib load when a command
needs them, so ``zopa --help`` is quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from simulator import __version__, jsonsafe
from simulator.errors import UsageError  # errors live below the CLI and the explorer

__all__ = ["main"]

REPORTING = "see 'Reporting a problem' in README.md"
"""Where the internal-error message sends users (the README says what to include)."""

RUN_FILES = (
    "report.md",
    "result.json",
    "utility_space.png",
    "utility_space.svg",
    "bargaining_gap.png",
    "bargaining_gap.svg",
)
EXPLAIN_FILES = ("explain.md", "explain.json", "compatibility_graph.png", "compatibility_graph.svg")
SIMULATE_FILES = ("trace.csv", "result.json", "offers.png", "offers.svg")
COMPARE_FILES = ("compare.md", "compare.json", "compare.png", "compare.svg")


class _Renamed(argparse.Action):
    """An option renamed: stores its value under the new option's ``dest``, with a note on
    standard error naming the new option."""

    def __call__(self, parser, namespace, values, option_string=None):
        new = "--" + self.dest.replace("_", "-")
        print(
            f"{parser.prog}: {option_string} is deprecated and will be removed; use {new}",
            file=sys.stderr,
        )
        setattr(namespace, self.dest, values)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zopa",
        description="Find where agreement is possible in a multi-issue negotiation: the zone "
        "of possible agreement, what blocks it, and the Nash, Kalai-Smorodinsky, egalitarian "
        "and utilitarian agreements.",
        epilog="Scenario format: docs/reference/scenario-format.md. Exit codes: 0 ok, "
        "2 bad input, 1 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"zopa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def sources_option(p):
        p.add_argument(
            "--sources",
            action="append",
            default=[],
            metavar="DIR",
            help="directory to look for source documents in (repeatable; also $ZOPA_SOURCES)",
        )
        p.add_argument(
            "--confine",
            action="store_true",
            help="refuse extends and source files outside the scenario's folder (for files "
            "you did not write; also $ZOPA_CONFINE=1)",
        )

    run = sub.add_parser("run", help="solve a scenario and print its report")
    run.add_argument("file", help="scenario file (YAML)")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.add_argument(
        "--out", metavar="DIR", help="also write report.md, result.json and the figures into DIR"
    )
    run.add_argument(
        "--strict", action="store_true", help="fail on unverifiable quotes and unsourced numbers"
    )
    run.add_argument(
        "--method",
        choices=("auto", "enumerate", "milp"),
        help="how to solve (default: the scenario's solve.method, else auto)",
    )
    run.add_argument(
        "--near",
        default="1%",
        metavar="TOL",
        help="report, for each solution, the values every issue takes among the acceptable "
        "outcomes within TOL of the concept's optimum: a percentage (1%%, the default) or a "
        "fraction (0.01); 0 shows exact ties only",
    )
    sources_option(run)

    check = sub.add_parser("check", help="validate scenario files only")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument(
        "--strict", action="store_true", help="fail on unverifiable quotes and unsourced numbers"
    )
    sources_option(check)

    cmp = sub.add_parser(
        "compare",
        help="scenarios side by side: zone, margin, what closes it, each package's changes",
        description="Solve two or more scenarios and line them up against the first: whether "
        "a zone exists, its margin or gap and size, what closes it, and each solution "
        "concept's package issue by issue with what changed from the first marked.",
    )
    cmp.add_argument(
        "files", nargs="+", metavar="FILE", help="scenario files; the first is the reference"
    )
    cmp_format = cmp.add_mutually_exclusive_group()
    cmp_format.add_argument("--json", action="store_true", help="print the comparison as JSON")
    cmp_format.add_argument(
        "--markdown", action="store_true", help="print the comparison as Markdown"
    )
    cmp.add_argument(
        "--out", metavar="DIR", help="also write compare.md, compare.json and compare.png/svg"
    )
    cmp.add_argument(
        "--concepts",
        metavar="LIST",
        help="the packages to line up, comma-separated (default: nash,kalai,egalitarian,"
        "utilitarian)",
    )
    cmp.add_argument(
        "--method",
        choices=("auto", "enumerate", "milp"),
        help="how to solve (default: each scenario's solve.method, else auto)",
    )
    cmp.add_argument(
        "--strict", action="store_true", help="fail on unverifiable quotes and unsourced numbers"
    )
    sources_option(cmp)
    ex = sub.add_parser(
        "explain",
        help="why there is no zone and what would open one: who could agree with whom, "
        "the cheapest concessions, the trades that raise both",
        description="Explain a scenario's zone: the compatibility graph (which pairs and "
        "groups could agree on their own, and the veto players), the smallest packages of "
        "concessions that would open a closed zone, ranked by cost, and for each pair of "
        "signatories the two-issue trades that raise both.",
    )
    ex.add_argument("file", help="scenario file (YAML)")
    ex.add_argument("--json", action="store_true", help="print the explanation as JSON")
    ex.add_argument(
        "--out", metavar="DIR", help="also write explain.md, explain.json and the graph into DIR"
    )
    ex.add_argument(
        "--max-size",
        type=int,
        default=2,
        metavar="N",
        help="most concessions in a package (default 2; every combination is tried)",
    )
    ex.add_argument("--top", type=int, default=5, metavar="N", help="packages to show (default 5)")
    ex.add_argument(
        "--trades", type=int, default=3, metavar="N", help="trades per pair (default 3)"
    )
    ex.add_argument(
        "--strict", action="store_true", help="fail on unverifiable quotes and unsourced numbers"
    )
    sources_option(ex)

    ev = sub.add_parser("evaluate", help="evaluate one agreement against the scenario")
    ev.add_argument("file", help="scenario file (YAML)")
    group = ev.add_mutually_exclusive_group()
    group.add_argument("--proposal", metavar="NAME", help="start from a proposal of the file")
    group.add_argument(
        "--solution",
        choices=("nash", "kalai", "egalitarian", "utilitarian"),
        help="start from the scenario's solution under this concept (as zopa run finds it)",
    )
    ev.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="ISSUE=VALUE",
        dest="settings",
        help="fix an issue (repeatable; over --proposal or --solution: change that issue); "
        "issues not fixed stay open",
    )
    ev.add_argument("--json", action="store_true", help="print the evaluation as JSON")
    sources_option(ev)

    sim = sub.add_parser("simulate", help="simulate the talks round by round")
    sim.add_argument("file", help="scenario file (YAML)")
    sim.add_argument("--protocol", choices=("alternating", "mediated"), default="alternating")
    sim.add_argument(
        "--strategy",
        action="append",
        default=[],
        metavar="PARTY=NAME",
        help="a signatory's strategy: boulware, linear (default), conceder, zeuthen, "
        "tit_for_tat or hardliner (repeatable)",
    )
    sim.add_argument("--rounds", type=int, default=100, help="the deadline (default 100)")
    sim.add_argument(
        "--discount",
        type=float,
        metavar="D",
        help="every party's discount factor per round, in (0, 1] (default: each party's "
        "discount in the scenario, else 1): an agreement at round t is worth D^t u",
    )
    sim.add_argument(
        "--undiscounted",
        action="store_true",
        help="agents bargain on undiscounted utilities, as if time cost nothing (the "
        "agreement is still reported discounted)",
    )
    sim.add_argument("--seed", type=int, help="seed of the belief noise")
    sim.add_argument(
        "--noise",
        type=float,
        default=0.0,
        help="sd of each agent's errors about the others' utilities",
    )
    sim.add_argument(
        "--mediator",
        metavar="PARTY",
        help="mediated protocol: the party that mediates (default: neutral)",
    )
    sim.add_argument(
        "--out", metavar="DIR", help="also write trace.csv, result.json and offers.png/svg into DIR"
    )
    sim.add_argument("--json", action="store_true", help="print the result as JSON")
    sources_option(sim)

    init = sub.add_parser(
        "init",
        help="write a commented starter scenario that passes zopa check",
        description="Write a commented starter scenario: two issues (a number and a choice), "
        "N parties pulling different ways, a red line, a proposal. It passes zopa check "
        "--strict; edit it into your own negotiation.",
    )
    init.add_argument("file", help="the scenario file to write (YAML); never overwritten")
    init.add_argument(
        "--parties", type=int, default=2, metavar="N", help="how many parties (2 to 8, default 2)"
    )
    init.add_argument("--name", default="My negotiation", help="the scenario's name")
    imp = sub.add_parser(
        "import-genius", help="convert a GENIUS domain and its utility profiles into a scenario"
    )
    imp.add_argument("domain", metavar="DOMAIN", help="GENIUS domain file (XML)")
    imp.add_argument(
        "profiles", nargs="+", metavar="PROFILE", help="utility profile files (XML), one a party"
    )
    imp.add_argument("-o", "--output", required=True, metavar="FILE", help="scenario to write")
    imp.add_argument("--name", help="scenario name (default: the domain's name)")
    imp.add_argument(
        "--party",
        action="append",
        metavar="NAME",
        dest="parties",
        help="party names, one per profile in order (default: the profile file names)",
    )
    sw = sub.add_parser(
        "sweep",
        help="run a scenario many times over a grid or samples of its uncertain numbers",
        description="Run a scenario many times (a grid with --vary, samples of its uncertain "
        "numbers with --samples, or both) and write one row per run to --out, chunk by chunk "
        "as runs finish. OUT.csv is one CSV file; OUT.parquet is a directory of part files "
        "(read it with pandas.read_parquet(OUT)). An interrupted sweep is finished with "
        "--resume and the same options.",
    )
    sw.add_argument("file", help="scenario file (YAML)")
    sw.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="PATH=LO:HI:N",
        help="N evenly spaced values of a parameter from LO to HI inclusive, e.g. "
        "parties.candidate.reservation=0.3:0.6:7 (repeatable: a grid)",
    )
    sw.add_argument("--samples", type=int, metavar="N", help="draw N sets of the uncertain numbers")
    sw.add_argument(
        "--sampling",
        choices=("lhs", "random"),
        default="lhs",
        help="how the samples are drawn: Latin hypercube (default) or plain random",
    )
    sw.add_argument(  # the name before --sampling, kept for one release
        "--method",
        choices=("lhs", "random"),
        dest="sampling",
        action=_Renamed,
        help=argparse.SUPPRESS,
    )
    sw.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="seed of the samples (default: a fresh one, recorded with the output)",
    )
    sw.add_argument(
        "--out",
        required=True,
        metavar="OUT",
        help="results.csv (a CSV file) or results.parquet (a directory of Parquet parts)",
    )
    sw.add_argument(
        "--workers",
        type=int,
        metavar="K",
        help="run on a local Dask cluster of K processes (1: serially in this process; "
        "default: serially below 100,000 runs, else one process per CPU)",
    )
    sw.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on an existing Dask cluster (tcp://...)"
    )
    sw.add_argument(
        "--resume",
        action="store_true",
        help="finish an interrupted sweep in OUT (same options as the first time)",
    )
    sw.add_argument(
        "--batch", type=int, default=200, metavar="B", help="runs per batch (default 200)"
    )
    sw.add_argument(
        "--report",
        metavar="DIR",
        help="also write the robustness summary (report.md, robustness.json: P(zone), the most "
        "frequent Nash packages, what moves the margin) and the sweep's figures to DIR",
    )
    sw.add_argument(
        "--sobol",
        type=int,
        metavar="N",
        help="with --report: also estimate Sobol' sensitivity indices of the margin from "
        "N (d + 2) fresh runs, N a power of two (e.g. 256)",
    )
    sources_option(sw)
    from simulator.explorer.command import add_parser as add_explore  # argparse only

    add_explore(sub)
    return parser


def _load(path: str, sources: Sequence[str], strict: bool = False, confine: bool = False):
    from simulator.scenario import load

    return load(path, sources=sources, strict=strict, confine=confine or None)


def _write_json(out_dir: str | Path, name: str, data) -> Path:
    """Write ``data`` as indented JSON to ``out_dir/name``; returns the directory."""
    out = Path(out_dir)
    (out / name).write_text(jsonsafe.dumps(data, indent=2) + "\n", encoding="utf-8")
    return out


def _check_out(out: str | None, scenario, names: Sequence[str]) -> tuple[str, ...]:
    """Refuse a bad ``--out`` folder before any work (:mod:`simulator.io.output`); returns
    the scenario's input files, never to be written over (none without ``--out``)."""
    if not out:
        return ()
    from simulator.io.output import check_output_dir, input_files

    inputs = input_files(scenario)
    check_output_dir(out, names, inputs)
    return inputs


def _tolerance(text: str) -> float:
    """``--near``: ``"1%"`` or ``"0.01"`` as the fraction 0.01, in [0, 1)."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value < 1.0:  # also refuses nan
        raise UsageError(
            f"--near {text!r}: expected a tolerance in [0, 1) as a fraction (0.01) or a "
            "percentage below 100% (1%)"
        )
    return value


def cmd_run(args) -> int:
    from simulator.report import result_json
    from simulator.report.text import build_document
    from simulator.study import solve_scenario

    near = _tolerance(args.near)
    scenario = _load(args.file, args.sources, args.strict, confine=args.confine)
    inputs = _check_out(args.out, scenario, RUN_FILES)
    study = solve_scenario(scenario, args.method, near)
    data = result_json(study)
    doc = build_document(study)
    if args.json:
        print(jsonsafe.dumps(data, indent=2))
    else:
        print(doc.text(), end="")
    if args.out:
        from simulator.io.output import replacing_dir
        from simulator.plots.files import write_figures

        with replacing_dir(args.out, RUN_FILES, inputs) as tmp:  # all files or none
            _write_json(tmp, "result.json", data)
            figures = write_figures(study, tmp)
            md = doc.markdown()
            md += "\n## Figures\n\n" + "\n\n".join(
                f"![{f.stem.replace('_', ' ')}]({f.name})" for f in figures if f.suffix == ".png"
            )
            (tmp / "report.md").write_text(md + "\n", encoding="utf-8")
        out = Path(args.out)
        if not args.json:
            print(
                f"\nWrote {out / 'report.md'}, {out / 'result.json'} and "
                f"{len(figures)} figure files to {out}/"
            )
    return 0


def cmd_explain(args) -> int:
    from simulator.coalitions.explanation import explain
    from simulator.report.explain import explain_document, explanation_json

    for option in ("max_size", "top", "trades"):
        if getattr(args, option) < 1:
            raise UsageError(f"--{option.replace('_', '-')} must be at least 1")
    scenario = _load(args.file, args.sources, args.strict, confine=args.confine)
    inputs = _check_out(args.out, scenario, EXPLAIN_FILES)
    explanation = explain(
        scenario.model(),
        max_size=args.max_size,
        top=args.top,
        trades=args.trades,
        max_outcomes=scenario.max_outcomes,
    )
    data = explanation_json(scenario, explanation)
    doc = explain_document(scenario, explanation)
    if args.json:
        print(jsonsafe.dumps(data, indent=2))
    else:
        print(doc.text(), end="")
    if args.out:
        from simulator.io.output import replacing_dir
        from simulator.plots.files import write_graph

        with replacing_dir(args.out, EXPLAIN_FILES, inputs) as tmp:  # all files or none
            _write_json(tmp, "explain.json", data)
            figures = write_graph(explanation.graph, tmp)
            md = (
                doc.markdown()
                + "\n## Figure\n\n"
                + "".join(
                    f"![who could agree with whom]({f.name})\n"
                    for f in figures
                    if f.suffix == ".png"
                )
            )
            (tmp / "explain.md").write_text(md, encoding="utf-8")
        out = Path(args.out)
        if not args.json:
            print(f"\nWrote {out / 'explain.md'}, {out / 'explain.json'} and the graph to {out}/")
    return 0


def cmd_check(args) -> int:
    from simulator.errors import ScenarioError, one_line
    from simulator.report.text import provenance_counts

    failed = False
    for path in args.files:
        try:
            scenario = _load(path, args.sources, args.strict, confine=args.confine)
        except ScenarioError as err:
            failed = True
            print(str(err), file=sys.stderr)
            continue
        prov = scenario.provenance
        for w in prov.warnings:
            print(f"warning: {w}", file=sys.stderr)
        print(
            f"{one_line(path)}: ok ({len(scenario.issues)} issues, "
            f"{len(scenario.parties)} parties; "
            f"{provenance_counts(prov)}; weights: {provenance_counts(prov, weights=True)})"
        )
    return 2 if failed else 0


def _settings(model, settings: Sequence[str]) -> dict[str, str | float]:
    """``--set ISSUE=VALUE`` flags as an outcome the model has checked."""
    fixed: dict[str, str | float] = {}
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--set {item!r}: expected ISSUE=VALUE")
        try:
            fixed.update(model.check_outcome({name.strip(): value.strip()}))
        except ValueError as err:
            raise UsageError(f"--set {item!r}: {err}") from None
    return fixed


def cmd_evaluate(args) -> int:
    from simulator.analysis import evaluate
    from simulator.report.jsonout import evaluation_json
    from simulator.report.text import evaluation_document

    if args.proposal is None and args.solution is None and not args.settings:
        raise UsageError("give --proposal NAME, --solution CONCEPT or --set ISSUE=VALUE")
    scenario = _load(args.file, args.sources, confine=args.confine)
    model = scenario.model()
    changes = _settings(model, args.settings)
    outcome: dict = {}
    title = "agreement from --set"
    if args.proposal is not None:
        if args.proposal not in scenario.proposals:
            known = ", ".join(scenario.proposals) or "none"
            raise UsageError(f"no proposal {args.proposal!r} in {args.file} (proposals: {known})")
        proposal = scenario.proposals[args.proposal]
        outcome, title = dict(proposal.outcome), proposal.label or proposal.name
    elif args.solution is not None:
        from simulator.analysis import analyze
        from simulator.report.text import CONCEPT_NAMES

        found = analyze(
            model, [args.solution], method=scenario.method, max_outcomes=scenario.max_outcomes
        ).solutions[args.solution]
        if found is None:
            raise UsageError(
                f"{args.file} has no zone, so no {CONCEPT_NAMES[args.solution]} solution to "
                "start from"
            )
        outcome, title = dict(found.outcome), f"the {CONCEPT_NAMES[args.solution]} solution"
    if changes and (args.proposal is not None or args.solution is not None):
        from simulator.report.plain import label_of, show_value

        by_name = {i.name: i for i in model.issues}
        title += " with " + ", ".join(
            f"{label_of(by_name[k])}: {show_value(by_name[k], v)}" for k, v in changes.items()
        )
    outcome.update(changes)
    evaluation = evaluate(model, outcome, max_outcomes=scenario.max_outcomes)
    if args.json:
        print(jsonsafe.dumps(evaluation_json(evaluation), indent=2))
    else:
        print(evaluation_document(model, title, evaluation).text(), end="")
    return 0


def cmd_simulate(args) -> int:
    scenario = _load(args.file, args.sources, confine=args.confine)
    inputs = _check_out(args.out, scenario, SIMULATE_FILES)
    strategies: dict[str, str] = {}
    for item in args.strategy:
        party, sep, name = item.partition("=")
        if not sep:
            raise UsageError(f"--strategy {item!r}: expected PARTY=NAME")
        strategies[party.strip()] = name.strip()
    if args.rounds < 1:
        raise UsageError("--rounds must be at least 1")
    if args.discount is not None and not 0.0 < args.discount <= 1.0:
        raise UsageError(f"--discount {args.discount:g}: a discount factor lies in (0, 1]")
    from simulator.dynamics import simulate
    from simulator.report.simulation import simulation_document, simulation_json

    model = scenario.model()
    try:
        sim = simulate(
            model,
            args.protocol,
            strategies,
            args.rounds,
            args.seed,
            args.noise,
            args.mediator,
            args.discount,
            discounted=not args.undiscounted,
            max_outcomes=scenario.max_outcomes,
        )
    except ValueError as err:  # an unknown party, strategy or mediator
        raise UsageError(str(err)) from None
    result = simulation_json(sim)
    if args.json:
        print(jsonsafe.dumps(result, indent=2))
    else:
        print(simulation_document(sim, model, scenario.name).text(), end="")
    if args.out:
        from simulator.io.output import replacing_dir
        from simulator.plots.files import write_offers

        with replacing_dir(args.out, SIMULATE_FILES, inputs) as tmp:  # all files or none
            _write_json(tmp, "result.json", result)
            sim.trace.to_csv(tmp / "trace.csv", index=False)
            write_offers(sim, model, tmp)
        out = Path(args.out)
        if not args.json:
            print(f"Wrote trace.csv, result.json and offers.png/svg to {out}/")
    return 0


def cmd_compare(args) -> int:
    from simulator.comparison import compare
    from simulator.report.compare import comparison_document, comparison_json

    if len(args.files) < 2:
        raise UsageError("give at least two scenario FILEs to compare")
    scenarios = [_load(f, args.sources, args.strict, confine=args.confine) for f in args.files]
    inputs: tuple[str, ...] = ()
    if args.out:
        from simulator.io.output import check_output_dir, input_files

        inputs = tuple(name for s in scenarios for name in input_files(s))
        check_output_dir(args.out, COMPARE_FILES, inputs)
    concepts = None
    if args.concepts:
        from simulator.analysis import CONCEPTS

        concepts = [c.strip() for c in args.concepts.split(",") if c.strip()]
        unknown = [c for c in concepts if c not in CONCEPTS]
        if unknown or not concepts:
            raise UsageError(
                f"--concepts {args.concepts!r}: expected a comma-separated list of "
                f"{', '.join(CONCEPTS)}"
            )
    comparison = compare(scenarios, method=args.method, concepts=concepts)
    data = comparison_json(comparison)
    if args.json:
        print(jsonsafe.dumps(data, indent=2))
    elif args.markdown:
        print(comparison_document(comparison, markdown=True).markdown(), end="")
    else:
        print(comparison_document(comparison).text(), end="")
    if args.out:
        from simulator.io.output import replacing_dir
        from simulator.plots.compare import plot_compare

        with replacing_dir(args.out, COMPARE_FILES, inputs) as tmp:  # all files or none
            _write_json(tmp, "compare.json", data)
            md = comparison_document(comparison, markdown=True).markdown()
            md += "\n![each scenario's zone and Nash package](compare.png)\n"
            (tmp / "compare.md").write_text(md, encoding="utf-8")
            fig = plot_compare(comparison)
            for ext in ("png", "svg"):
                fig.savefig(tmp / f"compare.{ext}", dpi=120)
        if not (args.json or args.markdown):
            print(f"\nWrote compare.md, compare.json and compare.png/svg to {args.out}/")
    return 0


def cmd_init(args) -> int:
    from simulator.scenario.starter import MAX_STARTER_PARTIES, starter_text

    if not 2 <= args.parties <= MAX_STARTER_PARTIES:
        raise UsageError(f"--parties must be from 2 to {MAX_STARTER_PARTIES}, not {args.parties}")
    path = Path(args.file)
    if path.exists() or path.is_symlink():
        raise UsageError(f"{args.file} exists already; zopa init never overwrites a file")
    try:
        with open(path, "x", encoding="utf-8") as stream:
            stream.write(starter_text(args.parties, args.name))
    except OSError as err:
        raise UsageError(f"cannot write {args.file}: {err.strerror or err}") from None
    print(
        f"Wrote {args.file}: a starter scenario with {args.parties} parties. Next: "
        f"zopa check {args.file} --strict, then zopa run {args.file}"
    )
    return 0


def cmd_import_genius(args) -> int:
    from simulator.errors import ScenarioError
    from simulator.io.genius import (
        read_domain,
        read_profile,
        to_scenario_dict,
        write_scenario_yaml,
    )

    if len(args.profiles) < 2:
        raise UsageError(
            "give at least two PROFILE files: a scenario needs two parties (GENIUS too cannot "
            "start a negotiation with one profile)"
        )
    if args.parties is not None and len(args.parties) != len(args.profiles):
        raise UsageError(
            f"{len(args.parties)} --party names for {len(args.profiles)} profiles; "
            "give one name per profile, or none"
        )
    domain = read_domain(args.domain)
    profiles, problems = [], []  # type: ignore[var-annotated]
    for path in args.profiles:  # report the problems of every profile at once
        try:
            profiles.append(read_profile(path, domain))
        except ScenarioError as err:
            problems.extend(err.problems)
    if problems:
        raise ScenarioError(problems)
    scenario = to_scenario_dict(domain, profiles, args.parties, name=args.name)
    from simulator.io.output import replacing_file

    with replacing_file(args.output, [args.domain, *args.profiles]) as tmp:  # never an input
        write_scenario_yaml(scenario, tmp)
    checked = _load(args.output, (), strict=True)
    print(
        f"Wrote {args.output}: {len(checked.issues)} issues, "
        f"{len(checked.parties)} parties ({', '.join(p.name for p in checked.parties)})"
    )
    return 0


def cmd_sweep(args) -> int:
    """``zopa sweep``: check the options, run :func:`~simulator.sweeps.stored.sweep_to`,
    print its summary, then the ``--report``."""
    import time

    from simulator.sweeps.api import plan_size

    started = time.perf_counter()
    vary = _vary_options(args.vary)
    if not vary and not args.samples:
        raise UsageError("give --vary PATH=LO:HI:N (repeatable), --samples N, or both")
    for name, value in (
        ("--samples", args.samples),
        ("--workers", args.workers),
        ("--batch", args.batch),
    ):
        if value is not None and value < 1:
            raise UsageError(f"{name} must be at least 1, not {value}")
    if args.scheduler and args.workers:
        raise UsageError("give --workers (a local cluster) or --scheduler, not both")
    if args.sobol is not None:
        if not args.report:
            raise UsageError("--sobol needs --report DIR (the indices are part of the report)")
        if args.sobol < 2 or args.sobol & (args.sobol - 1):
            raise UsageError(f"--sobol must be a power of two (at least 2), not {args.sobol}")
    try:
        total = plan_size({p: n for p, (_, _, n) in vary.items()}, args.samples)
    except ValueError as err:  # too many runs: refused before anything is built
        raise UsageError(str(err)) from None
    scenario = _load(args.file, args.sources, confine=args.confine)
    from simulator.io.output import check_not_input, input_files
    from simulator.sweeps.store import output_files

    inputs = input_files(scenario)
    for path in output_files(args.out):
        check_not_input(path, inputs, "--out")
    if args.report:
        from simulator.io.output import check_output_dir
        from simulator.report.sweep_report import SWEEP_REPORT_FILES

        check_output_dir(args.report, SWEEP_REPORT_FILES, inputs, "--report")
    done = _sweep(args, scenario, vary, total)
    elapsed = time.perf_counter() - started
    resumed = f" ({done.stored_before:,} already stored, {done.run_now:,} now)"
    seeded = f", seed {done.seed}" if args.samples else ""
    print(
        f"{done.runs:,} runs{resumed if done.stored_before else ''}, "
        f"{done.with_zone / done.runs if done.runs else 0:.1%} with a zone, "
        f"{elapsed:.1f} s, {done.rate:,.0f} runs/s on {done.workers} "
        f"worker{'s' if done.workers > 1 else ''}"
        f"{seeded} -> {args.out}"
    )
    if args.report:
        _sweep_report(args, scenario, vary, inputs)
    return 0


def _vary_options(items: Sequence[str]) -> dict[str, list]:
    """``--vary PATH=LO:HI:N`` options as ``{path: [LO, HI, N]}``, each checked."""
    import math

    from simulator.sweeps import parse_path

    vary: dict[str, list] = {}
    for item in items:
        path, sep, spec = item.rpartition("=")
        parts = spec.split(":")
        try:
            if not sep or len(parts) != 3:
                raise ValueError
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise UsageError(
                f"--vary {item!r}: expected PATH=LO:HI:N (N values from LO to HI), e.g. "
                "parties.candidate.reservation=0.3:0.6:7"
            ) from None
        if n < 1:
            raise UsageError(f"--vary {item!r}: N must be at least 1")
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise UsageError(f"--vary {item!r}: LO and HI must be finite numbers")
        try:
            parse_path(path.strip())
        except ValueError as err:
            raise UsageError(f"--vary {item!r}: {err}") from None
        if path.strip() in vary:
            raise UsageError(f"--vary {item!r}: {path.strip()} is varied twice")
        vary[path.strip()] = [lo, hi, n]
    return vary


def _sweep(args, scenario, vary: dict[str, list], total: int):
    """The sweep itself (:func:`~simulator.sweeps.stored.sweep_to`), with a progress bar
    of ``total`` runs on a terminal; its :class:`~simulator.sweeps.stored.StoredSweep`."""
    import numpy as np
    from tqdm import tqdm

    from simulator.sweeps.stored import PlanError, sweep_to

    bars: list = []

    def advance(runs: int) -> None:  # first called with the runs already stored
        if bars:
            bars[0].update(runs)
            return
        bars.append(
            tqdm(
                total=total,
                initial=runs,
                unit="run",
                file=sys.stderr,
                disable=not sys.stderr.isatty(),
                dynamic_ncols=True,
            )
        )

    try:
        return sweep_to(
            scenario,
            args.out,
            {p: np.linspace(lo, hi, int(n)).tolist() for p, (lo, hi, n) in vary.items()},
            samples=args.samples,
            sampling=args.sampling,
            seed=args.seed,
            client=args.scheduler,
            workers=args.workers,
            batch=args.batch,
            resume=args.resume,
            progress=advance,
            recorded_vary=vary,
        )
    except PlanError as err:
        raise UsageError(str(err)) from None
    finally:
        for bar in bars:
            bar.close()


def _sweep_report(args, scenario, vary: dict[str, list], inputs) -> None:
    """``--report DIR``: the robustness summary and figures of the stored sweep."""
    from simulator.report.sweep_report import write_sweep_report
    from simulator.sweeps.store import read_results

    df = read_results(args.out)
    sobol = None
    if args.sobol:
        from simulator.sweeps.sensitivity import sobol as sobol_indices

        quantiles = {}
        if args.samples:
            quantiles.update({p: u.quantile for p, u in scenario.uncertain.items()})
        for p, (lo, hi, _) in vary.items():
            quantiles[p] = lambda u, lo=lo, hi=hi: lo + (hi - lo) * u
        try:
            sobol = sobol_indices(scenario, quantiles, n=args.sobol, seed=args.seed or 0)
        except ValueError as err:
            raise UsageError(f"--sobol: {err}") from None
    keys = list(vary)
    grid = (keys[0], keys[1]) if len(keys) == 2 and not args.samples else None
    names = write_sweep_report(args.report, df, scenario, grid=grid, sobol=sobol, inputs=inputs)
    print(f"Wrote {', '.join(names)} to {args.report}/")


def cmd_explore(args) -> int:
    from simulator.explorer.command import cmd_explore as explore

    return explore(args)


COMMANDS = {
    "simulate": cmd_simulate,
    "run": cmd_run,
    "check": cmd_check,
    "evaluate": cmd_evaluate,
    "import-genius": cmd_import_genius,
    "init": cmd_init,
    "compare": cmd_compare,
    "explain": cmd_explain,
    "sweep": cmd_sweep,
    "explore": cmd_explore,
}


def _quietly(command, args) -> int:
    """Run ``command(args)`` with :class:`RuntimeWarning` (numpy's overflow, invalid value,
    division by zero, empty slice) kept off standard error: a user gets a result or a located
    problem, never numeric noise. Scoped to the command; ``python -W ...`` (``sys.warnoptions``)
    still decides, so ``python -W default::RuntimeWarning -m simulator ...`` shows them."""
    import warnings

    with warnings.catch_warnings():
        if not sys.warnoptions:
            warnings.simplefilter("ignore", RuntimeWarning)
        return command(args)  # type: ignore[no-any-return]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    from simulator.errors import ScenarioError, ZopaError, one_line
    from simulator.io.output import OutputError
    from simulator.progress import shown

    try:
        with shown(sys.stderr.isatty()):  # progress bars on a terminal only
            return _quietly(COMMANDS[args.command], args)
    except (UsageError, OutputError) as err:
        print(f"zopa {args.command}: {one_line(str(err))}", file=sys.stderr)
        return 2
    except ZopaError as err:  # a ScenarioError is one escaped line per problem already
        if isinstance(err, ScenarioError):
            print(str(err), file=sys.stderr)
        else:  # a size, a budget or the solver: one line, named like a usage error
            print(f"zopa {args.command}: {one_line(str(err))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("zopa: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 -- the one place internal errors become text
        print(
            f"zopa: internal error ({type(err).__name__}: {one_line(str(err))}); "
            "this is a bug in zopa, "
            f"please report it ({REPORTING}: the command, the scenario file, the output and "
            "zopa --version)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
