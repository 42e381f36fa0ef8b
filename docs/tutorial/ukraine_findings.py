"""The Ukraine tutorial's numbers, tables and figures, computed from the scenarios.

Every table and figure in ``docs/tutorial/ukraine-case-study.md`` between a pair of markers

    <!-- BEGIN GENERATED: NAME -->
    ...
    <!-- END GENERATED: NAME -->

is written by this script, and ``tests/test_tutorial_findings.py`` fails when the page differs
from what the script computes now (a scenario, the engine or a report changed): the numbers
cannot go stale. Figures carry a fingerprint of what they were drawn from (the numbers they
show, the plotting code and this script) in their PNG metadata, checked the same way.

What it computes:

- ``zopa check`` on every Ukraine scenario (how each number is backed);
- for the baseline: the zone, the solutions, how sharp each package is, the proposals;
- for every variant and every alternative *reading* of the documents: zone open or closed,
  margin, acceptable outcomes, what closes it, and what changes in the Nash package;
- the findings' robustness: ``scenarios/ukraine/uncertain.yaml`` declares every range that
  base.yaml states (reservations, powers, weights, values, army-cap breakpoints); a seeded
  Latin-hypercube sweep over all of them measures how often the zone exists, how often
  Russia takes part in the Nash guarantee, and how often the Nash package keeps each issue's
  baseline value.

Run from the repository root::

    python docs/tutorial/ukraine_findings.py            # rewrite the page and the figures
    python docs/tutorial/ukraine_findings.py --check    # exit 1 if anything is stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "scenarios" / "ukraine"
PAGE = Path(__file__).resolve().parent / "ukraine-case-study.md"
IMG = Path(__file__).resolve().parent / "img"
#: The robustness sweep: draws over every stated range, and its seed.
SAMPLES = 2000
SEED = 2025
#: PNG metadata key holding a figure's fingerprint.
FINGERPRINT_KEY = "zopa-fingerprint"

#: The policy variants: each makes one term binding on every agreement, or moves numbers.
VARIANTS = [
    ("baseline.yaml", "the base model, with the proposals on the table"),
    ("nato_open_door.yaml", "every agreement keeps Kyiv's NATO path"),
    ("nato_for_article5.yaml", "every agreement trades NATO for an Article-5-like guarantee"),
    ("ceasefire_current_line.yaml", "a ceasefire on the current line first"),
    ("european_reassurance_force.yaml", "a European reassurance force in Ukraine"),
    (
        "reduced_us_backing.yaml",
        "less US backing: Kyiv's and Europe's walk-away values fall, Russia's rises",
    ),
    ("russia_in_guarantee.yaml", "Russia takes part in every guarantee"),
    ("eu_accession_sweetener.yaml", "EU accession in every agreement"),
]
#: Other readings of the same documents: each changes a red line or who must sign.
READINGS = [
    ("no_binding_restriction.yaml", 'Ukraine rejects "any binding restriction" (004, literally)'),
    ("western_guarantee.yaml", "Kyiv's Article-5-like guarantee must be Western (001)"),
    (
        "who_guarantees.yaml",
        "Western guarantors for Kyiv, and Russia's part in any guarantee (004) as its red line",
    ),
    ("russia_recognition.yaml", "Russia's recognition demand (001) as a red line"),
    ("russia_core_demands.yaml", 'recognition and "Donbas is Russian" (001) as red lines'),
    (
        "ceasefire_as_preference.yaml",
        "Russia's ceasefire objection as a preference, not a red line",
    ),
    ("without_europe.yaml", "the European coalition does not sign"),
    ("nato_and_eu_consent.yaml", "NATO and the EU-27 must consent to what is theirs to give"),
]

BEGIN = "<!-- BEGIN GENERATED: {} -->"
END = "<!-- END GENERATED: {} -->"


# -- solving -------------------------------------------------------------------------------
@cache
def study(name: str, sharp: bool = False):
    """A scenario of the folder, solved as ``zopa run`` solves it (env={}: sources are the
    shipped copies); ``sharp`` also measures how sharp each solution is, as ``zopa run``
    does (the tables do not need it)."""
    import simulator

    return simulator.solve_scenario(
        simulator.load(FOLDER / name, env={}), near=0.01 if sharp else None
    )


def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _zone(st) -> tuple[str, str]:
    """("open" / "closed: ...", margin text)."""
    z = st.analysis.zone
    if z.exists:
        return "open", f"{z.slack:.3f}"
    if z.slack is None:
        return "closed: red lines incompatible", "-"
    return "closed: bargaining gap", f"gap {-z.slack:.3f}"


def _nash_changes(st, against) -> str:
    nash = st.analysis.solutions.get("nash")
    if nash is None:
        return "no zone"
    from simulator.report.plain import label_of, show_value

    issues = {i.name: i for i in st.model.issues}
    diff = [
        f"{label_of(issues[k])}: {show_value(issues[k], v)}"
        for k, v in nash.outcome.items()
        if against.get(k) != v
    ]
    return ", ".join(diff) if diff else "same"


def _requirement(st, b) -> str:
    """A blocker in words: "Russia's "<its red line>"" or "Russia's reservation 0.45"."""
    from simulator.report.plain import show_rule

    labels = {p.name: p.label or p.name for p in st.model.parties}
    if b.line is None:
        return f"{labels[b.party]}'s {b.requirement.removeprefix('red_line: ')}"
    return f'{labels[b.party]}\'s "{show_rule(st.model.red_lines[b.line].rule, st.model.issues)}"'


def _blockers(st) -> str:
    z = st.analysis.zone
    opening = [b for b in z.blocking if b.opens] if not z.exists else []
    if not z.exists:
        if not opening:
            return "several requirements at once"
        return "; ".join(_requirement(st, b) for b in opening)
    return ""


def scenario_table(rows: list[tuple[str, str]], first: str) -> str:
    base_nash = study("base.yaml").analysis.solutions["nash"].outcome
    out = [
        f"| {first} | file | zone | margin | acceptable outcomes | closed by "
        "| Nash package vs base |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, words in rows:
        st = study(name)
        zone, margin = _zone(st)
        out.append(
            f"| {words} | `{name}` | {zone} | {margin} | {st.analysis.zone.count:,} | "
            f"{_blockers(st) or '-'} | {_nash_changes(st, base_nash)} |"
        )
    return "\n".join(out) + "\n"


def _broken_where_allowed(model, lines: list[int]) -> bool:
    """Whether some outcome the constraints allow breaks one of the red lines ``lines``."""
    for _start, levels, _u in model.evaluated():
        allowed = model.constraint_mask(levels)
        if model.red_line_breaks(levels)[allowed][:, lines].any():
            return True
    return False


def trade_vs_baseline() -> str:
    """What ``nato_for_article5`` shares with the baseline, number for number, and what it
    does not (section 4)."""
    import numpy as np

    from simulator.plots.utility_space import utility_space_data

    base, trade = study("baseline.yaml"), study("nato_for_article5.yaml")
    zb, zt = base.analysis.zone, trade.analysis.zone
    fb, ft = base.analysis.pareto, trade.analysis.pareto
    same, differ = [], []
    if zb.count == zt.count:
        same.append(f"{zb.count:,} acceptable outcomes")
    else:
        differ.append(f"{zb.count:,} acceptable outcomes in the baseline, {zt.count:,} here")
    if zb.slack == zt.slack:
        same.append(f"margin {zb.slack:.3f}")
    else:
        differ.append(f"margin {zb.slack:.3f} in the baseline, {zt.slack:.3f} here")
    if np.array_equal(fb.indices, ft.indices) and np.array_equal(fb.utilities, ft.utilities):
        same.append(f"the Pareto frontier ({fb.count:,} outcomes)")
    else:
        differ.append("the Pareto frontier")
    solutions = [
        {c: (s.outcome, s.utilities) for c, s in st.analysis.solutions.items()}
        for st in (base, trade)
    ]
    if solutions[0] == solutions[1]:
        same.append(f"all {len(solutions[0])} solutions (packages and utilities)")
    else:
        differ.append("the solutions")
    ruled = [utility_space_data(st).ruled_out for st in (base, trade)]
    if ruled[0] != ruled[1]:
        differ.append(
            f"of the {base.model.space.count:,} outcomes, the constraints rule out {ruled[1]:,} "
            f"instead of {ruled[0]:,} (the grey dots of the "
            "utility-space figure are drawn from those left)"
        )
    kept = {b.requirement for b in zt.blocking}
    gone = [b for b in zb.blocking if b.requirement not in kept]
    if gone:
        lines = [b.line for b in gone if b.line is not None]
        why = "dropping one of them alone no longer widens the zone"
        if len(lines) == len(gone) and not _broken_where_allowed(trade.model, lines):
            why = "the constraints exclude all that those red lines exclude, so " + why
        differ.append(
            'the report\'s "What narrows the zone" no longer lists '
            + " and ".join(_requirement(base, b).replace("'s \"", "'s red line \"") for b in gone)
            + ": "
            + why
        )
    if base.scenario.proposals and not trade.scenario.proposals:
        differ.append(
            f"the baseline also evaluates the {len(base.scenario.proposals)} proposals on the "
            "table, which the variant does not carry"
        )
    text = ""
    if same:
        listed = ", ".join(same[:-1]) + " and " + same[-1] if len(same) > 1 else same[0]
        text = f"The same as in the baseline, number for number: {listed}."
    if differ:
        text += (" " if text else "") + "Not the same:\n\n"
        text += "\n".join(f"- {d};" for d in differ[:-1]) + ("\n" if len(differ) > 1 else "")
        text += f"- {differ[-1]}."
    return text + "\n"


# -- report excerpts -----------------------------------------------------------------------
def _section(name: str, heading: str) -> str:
    """One section of ``zopa run``'s terminal report, heading included."""
    from simulator.report.document import Document
    from simulator.report.text import build_document

    doc = build_document(study(name, sharp=True))
    start = next(i for i, b in enumerate(doc.blocks) if b[0] == "heading" and b[2] == heading)
    level = doc.blocks[start][1]
    stop = next(
        (
            i
            for i in range(start + 1, len(doc.blocks))
            if doc.blocks[i][0] == "heading" and doc.blocks[i][1] <= level
        ),
        len(doc.blocks),
    )
    return Document(doc.blocks[start:stop]).text()


def _text_block(text: str) -> str:
    return "```text\n" + text.rstrip("\n") + "\n```\n"


def check_output() -> str:
    import io
    from contextlib import redirect_stdout

    from simulator.cli import main

    names = sorted(p.name for p in FOLDER.glob("*.yaml"))
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        main(["check", *(f"scenarios/ukraine/{n}" for n in names)])
    return "```text\n$ zopa check scenarios/ukraine/*.yaml\n" + buffer.getvalue() + "```\n"


def compare_output(files: list[str], concepts: str = "nash") -> str:
    """``zopa compare`` on scenarios of the folder, as the terminal prints it."""
    import io
    from contextlib import redirect_stdout

    from simulator.cli import main

    paths = [f"scenarios/ukraine/{f}" for f in files]
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        main(["compare", *paths, "--concepts", concepts])
    command = " ".join(["zopa compare", *paths, "--concepts", concepts])
    return "```text\n$ " + command + "\n" + buffer.getvalue() + "```\n"


def provenance_table() -> str:
    """The base model's numbers by category, weights apart, per party."""
    from simulator.report.text import PROVENANCE_TERMS

    st = study("base.yaml")
    prov = st.scenario.provenance
    rows = {}
    for item in prov.items:
        parts = item.path.split(".")
        owner = parts[1] if parts[0] == "parties" else "(scenario)"
        kind = "weights" if item.is_weight else "other numbers"
        rows.setdefault((owner, kind), dict.fromkeys(PROVENANCE_TERMS, 0))[item.category] += 1
    labels = {p.name: p.label or p.name for p in st.model.parties}
    out = ["| party | numbers | " + " | ".join(PROVENANCE_TERMS.values()) + " |"]
    out.append("|---|---|" + "---|" * len(PROVENANCE_TERMS))
    for (owner, kind), counts in rows.items():
        out.append(
            f"| {labels.get(owner, owner)} | {kind} | "
            + " | ".join(str(counts[c]) for c in PROVENANCE_TERMS)
            + " |"
        )
    total = prov.counts()
    out.append("| all | | " + " | ".join(f"**{total[c]}**" for c in PROVENANCE_TERMS) + " |")
    return "\n".join(out) + "\n"


# -- robustness ----------------------------------------------------------------------------
@cache
def sweep_results():
    import simulator

    scenario = simulator.load(FOLDER / "uncertain.yaml", env={})
    return simulator.sweep(scenario, samples=SAMPLES, seed=SEED)


def _russia_takes_part(df):
    return df["nash.guarantors"].isin(["with_russia", "russian_veto"])


def robustness_numbers() -> dict:
    """The measured frequencies the tutorial quotes (see the module docstring)."""
    import numpy as np

    df = sweep_results()
    with_zone = df[df["exists"].astype(bool)]
    base = study("base.yaml").analysis.solutions["nash"].outcome
    issues = list(base)
    keeps = {k: float((with_zone[f"nash.{k}"] == base[k]).mean()) for k in issues}
    others = {}
    for k in issues:
        counts = with_zone.loc[with_zone[f"nash.{k}"] != base[k], f"nash.{k}"].value_counts()
        others[k] = [(_fmt(v), int(n)) for v, n in counts.head(2).items()]
    same = (with_zone[[f"nash.{k}" for k in issues]] == [base[k] for k in issues]).all(axis=1)
    slack = df["slack"].astype(float)
    part = _russia_takes_part(with_zone).astype(float)
    params = [c for c in df.columns if c.startswith("parties.")]
    from scipy.stats import spearmanr

    drivers = []
    for p in params:
        x = with_zone[p].astype(float)
        if x.nunique() > 1 and part.nunique() > 1:
            rho = float(spearmanr(x, part).statistic)
            drivers.append((abs(rho), rho, p))
    drivers.sort(reverse=True)
    from simulator.sweeps import sweep_model

    feasible = sweep_model(study("base.yaml").scenario).feasible
    fixed = [k for j, k in enumerate(issues) if len(set(feasible[:, j])) == 1]
    return {
        "fixed_by_red_lines": fixed,
        "draws": len(df),
        "parameters": len(params),
        "p_zone": float(df["exists"].astype(bool).mean()),
        "slack": [float(np.quantile(slack, q)) for q in (0.05, 0.5, 0.95)],
        "russia_takes_part": float(part.mean()) if len(with_zone) else 0.0,
        "same_package": float(same.mean()) if len(with_zone) else 0.0,
        "keeps": keeps,
        "others": others,
        "drivers": [(p, rho) for _a, rho, p in drivers[:5]],
        "base": {k: _fmt(v) for k, v in base.items()},
    }


def robustness_table() -> str:
    r = robustness_numbers()
    lo, mid, hi = r["slack"]
    lines = [
        f"{r['draws']:,} draws (Latin hypercube, seed {SEED}) over all {r['parameters']} "
        "ranges of `scenarios/ukraine/uncertain.yaml`:",
        "",
        "| finding in the base model | how often it holds over the ranges |",
        "|---|---|",
        f"| a zone exists | {r['p_zone']:.1%} of draws |",
        f"| margin (5th percentile, median, 95th) | {lo:+.3f}, {mid:+.3f}, {hi:+.3f} |",
        f"| Russia takes part in the Nash guarantee | {r['russia_takes_part']:.1%} of draws "
        "with a zone |",
        f"| the exact Nash package recurs | {r['same_package']:.1%} of draws with a zone |",
        "",
        "| issue | base Nash value | kept in | most frequent others (draws) |",
        "|---|---|---|---|",
    ]
    for k, v in r["base"].items():
        other = ", ".join(f"{o} ({n:,})" for o, n in r["others"][k]) or "-"
        lines.append(f"| {k} | {v} | {r['keeps'][k]:.1%} | {other} |")
    lines += [
        "",
        "What most decides whether Russia takes part in the guarantee (Spearman rank "
        "correlation with it, over the draws with a zone):",
        "",
    ]
    lines += [f"- `{p}`: {rho:+.2f}" for p, rho in r["drivers"]]
    return "\n".join(lines) + "\n"


# -- figures -------------------------------------------------------------------------------
def _source_files() -> list[Path]:
    import simulator

    plots = Path(simulator.__file__).resolve().parent / "plots"
    drawn_by = ("files.py", "gap_chart.py", "text.py", "utility_space.py")  # write_figures's
    return [Path(__file__).resolve(), *(plots / name for name in drawn_by)]


def fingerprint(data: str) -> str:
    """A digest of what a figure is drawn from: ``data`` (the numbers it shows), the plotting
    code and this script."""
    h = hashlib.sha256(data.encode())
    for path in _source_files():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _study_data(name: str) -> str:
    """The numbers a study's figures show: its JSON result without the provenance (which no
    figure draws)."""
    from simulator.report import result_json

    data = {k: v for k, v in result_json(study(name)).items() if k != "provenance"}
    return json.dumps(data, sort_keys=True, default=str)


def _drawn_data(name: str) -> str:
    """What a study's utility-space figure draws beyond its JSON result: each panel's layers
    (:func:`simulator.plots.utility_space.utility_space_data`), their sizes and a digest of
    their points."""
    from itertools import combinations

    from simulator.plots.utility_space import utility_space_data

    st = study(name)
    panels = []
    for x, y in combinations(st.analysis.signatories, 2):
        d = utility_space_data(st, x, y)
        layers = {"outside": d.outside, "zone": d.zone, "frontier": d.frontier}
        panels.append(
            {
                "pair": [x, y],
                "ruled_out": d.ruled_out,
                "layers": {k: [v.drawn, v.size] for k, v in layers.items()},
                "points": hashlib.sha256(d.points.round(9).tobytes()).hexdigest(),
            }
        )
    return json.dumps(panels, sort_keys=True)


def _robustness_labels() -> dict[str, str]:
    """Each issue's bar label: the issue and the base model's Nash value, in words."""
    from simulator.report.plain import label_of, show_value

    st = study("base.yaml")
    by_name = {i.name: i for i in st.model.issues}
    nash = st.analysis.solutions["nash"].outcome
    return {k: f"{label_of(by_name[k])}: {show_value(by_name[k], v)}" for k, v in nash.items()}


def _robustness_figure(path: Path, stamp: str) -> None:
    from matplotlib.figure import Figure

    r = robustness_numbers()
    words = _robustness_labels()
    issues = list(r["base"])[::-1]
    fig = Figure(figsize=(9, 5.6))
    ax = fig.subplots()
    shares = [100 * r["keeps"][k] for k in issues]
    fixed = set(r["fixed_by_red_lines"])
    colours = ["#b0b0b0" if k in fixed else "#4c72b0" for k in issues]
    ax.barh(range(len(issues)), shares, color=colours)
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(color="#4c72b0", label="decided by the numbers"),
            Patch(color="#b0b0b0", label="settled by red lines alone (cannot move)"),
        ],
        loc="lower left",
        bbox_to_anchor=(0, 1.02),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    ax.set_yticks(range(len(issues)), [words[k] for k in issues], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"% of {r['draws']:,} draws with a zone whose Nash package keeps the value")
    fig.suptitle(
        "How often the base model's Nash package keeps each issue's value\n"
        f"over every range base.yaml states ({r['parameters']} numbers varied at once)",
        fontsize=10,
    )
    for y, s in enumerate(shares):
        inside = s > 88
        ax.text(
            s - 1 if inside else s + 1,
            y,
            f"{s:.0f}%",
            va="center",
            ha="right" if inside else "left",
            fontsize=8,
            color="white" if inside else "black",
        )
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={FINGERPRINT_KEY: stamp})


def _study_figure(name: str, kind: str, path: Path, stamp: str) -> None:
    from PIL import Image

    from simulator.plots.files import write_figures

    with tempfile.TemporaryDirectory() as tmp:
        write_figures(study(name), tmp)
        image = Image.open(Path(tmp) / f"{kind}.png")
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text(FINGERPRINT_KEY, stamp)
        image.save(path, pnginfo=info)


#: Each figure of the page: file name, what to draw it from, how to draw it.
FIGURES: dict[str, tuple[Callable[[], str], Callable[[Path, str], None]]] = {
    "ukraine-baseline-bargaining-gap.png": (
        lambda: "bargaining_gap " + _study_data("baseline.yaml"),
        lambda p, s: _study_figure("baseline.yaml", "bargaining_gap", p, s),
    ),
    "ukraine-baseline-utility-space.png": (
        lambda: "utility_space " + _study_data("baseline.yaml") + _drawn_data("baseline.yaml"),
        lambda p, s: _study_figure("baseline.yaml", "utility_space", p, s),
    ),
    "ukraine-nato-open-door-bargaining-gap.png": (
        lambda: "bargaining_gap " + _study_data("nato_open_door.yaml"),
        lambda p, s: _study_figure("nato_open_door.yaml", "bargaining_gap", p, s),
    ),
    "ukraine-robustness.png": (
        lambda: json.dumps([robustness_numbers(), _robustness_labels()], sort_keys=True),
        _robustness_figure,
    ),
}


def stale_figures() -> list[str]:
    """The figures whose fingerprint does not match what they would be drawn from now."""
    from PIL import Image

    stale = []
    for name, (data, _draw) in FIGURES.items():
        path = IMG / name
        found = Image.open(path).text.get(FINGERPRINT_KEY) if path.exists() else None
        if found != fingerprint(data()):
            stale.append(name)
    return stale


def draw_figures(names=None) -> None:
    IMG.mkdir(exist_ok=True)
    for name, (data, draw) in FIGURES.items():
        if names is None or name in names:
            draw(IMG / name, fingerprint(data()))


# -- the page ------------------------------------------------------------------------------
BLOCKS: dict[str, Callable[[], str]] = {
    "check": check_output,
    "provenance": provenance_table,
    "baseline-zone": lambda: _text_block(_section("baseline.yaml", "Zone of possible agreement")),
    "baseline-solutions": lambda: _text_block(_section("baseline.yaml", "Solutions")),
    "baseline-proposals": lambda: _text_block(_section("baseline.yaml", "Proposals")),
    "compare-trade": lambda: compare_output(
        ["nato_for_article5.yaml", "nato_open_door.yaml", "western_guarantee.yaml"]
    ),
    "trade-vs-baseline": trade_vs_baseline,
    "variants": lambda: scenario_table(VARIANTS, "variant"),
    "readings": lambda: scenario_table(READINGS, "reading"),
    "robustness": robustness_table,
}


def render(page: str) -> str:
    """``page`` with every generated block replaced by what the script computes now."""
    for name, make in BLOCKS.items():
        begin, end = BEGIN.format(name), END.format(name)
        pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end), re.S)
        if not pattern.search(page):
            raise SystemExit(f"{PAGE.name}: no block {begin} ... {end}")
        block = f"{begin}\n{make()}{end}"
        page = pattern.sub(lambda _m, text=block: text, page)
    return page


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the page or a figure is stale")
    ap.add_argument("--json", action="store_true", help="print the robustness numbers as JSON")
    args = ap.parse_args(argv)
    if args.json:
        print(json.dumps(robustness_numbers(), indent=2))
        return 0
    current = PAGE.read_text(encoding="utf-8")
    fresh = render(current)
    stale = stale_figures()
    if args.check:
        if fresh != current:
            import difflib

            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(True), fresh.splitlines(True), "page", "computed now"
                )
            )
        for name in stale:
            print(f"stale figure: {name}")
        return 1 if fresh != current or stale else 0
    PAGE.write_text(fresh, encoding="utf-8")
    draw_figures(stale)
    print(f"wrote {PAGE.relative_to(ROOT)}; redrew {len(stale)} figure(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
