"""The report of ``zopa sweep --report DIR``: how the findings hold up over the sweep.

``report.md`` gives the runs and the share with a zone, the margin's spread, the most
frequent Nash packages, and the parameters ranked by how much they move the margin (Spearman
rank correlation with the margin, and, when measured, the Sobol' first-order and total
indices, :mod:`simulator.sweeps.sensitivity`); ``robustness.json`` holds the same numbers in
full precision; the figures are the sensitivity ranking (``tornado``), the margin's
distribution (``slack_distribution``) and, for a grid over two parameters, the margin over
both (``heatmap``), each as PNG and SVG.
"""

from __future__ import annotations

from typing import Any

from simulator.report.document import Document

__all__ = ["SWEEP_REPORT_FILES", "sweep_document", "write_sweep_report"]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def sweep_document(df, rob, scenario, sobol=None, labels=None) -> Document:
    """The report as a :class:`~simulator.report.document.Document`."""
    import pandas as pd

    from simulator.plots.sweep_plots import parameter_label

    doc = Document()
    doc.heading(f"zopa sweep: {scenario.name}", 1)
    slack = pd.to_numeric(df["slack"], errors="coerce")
    doc.para(
        f"{rob.runs:,} runs. A zone exists in {_pct(rob.p_zone)} of them. "
        "The margin is how much every signatory's reservation could rise at once with an "
        "agreement left; a negative margin is a bargaining gap."
    )
    if slack.notna().any():
        q = slack.quantile([0.05, 0.5, 0.95])
        doc.para(
            f"Margin: median {q[0.5]:+.3f}; 90% of runs between {q[0.05]:+.3f} and "
            f"{q[0.95]:+.3f}"
            + (
                f"; {int(slack.isna().sum()):,} runs with no outcome obeying the red lines."
                if slack.isna().any()
                else "."
            )
        )
    if len(rob.packages):
        doc.heading("Most frequent Nash packages")
        issues = [c for c in rob.packages.columns if c not in ("runs", "share")]
        by_name = {i.name: i for i in scenario.issues}
        from simulator.report.plain import label_of, show_value

        rows = []
        for _, r in rob.packages.iterrows():
            words = ", ".join(
                f"{label_of(by_name[k])}: {show_value(by_name[k], r[k])}"
                for k in issues
                if k in by_name and r[k] is not None and r[k] == r[k]
            )
            rows.append([f"{int(r['runs']):,}", _pct(float(r["share"])), words])
        doc.table(["runs", "share", "package"], rows)
    doc.heading("What moves the margin")
    sens = rob.sensitivity
    sob = {} if sobol is None else {r["parameter"]: r for _, r in sobol.iterrows()}
    header = ["parameter", "Spearman"] + (["Sobol' first", "Sobol' total"] if sob else [])
    rows = []
    for _, r in sens.iterrows():
        row = [parameter_label(r["parameter"], scenario), f"{r['spearman']:+.2f}"]
        if sob:
            s = sob.get(r["parameter"])
            row += ["-", "-"] if s is None else [f"{s['first_order']:.2f}", f"{s['total']:.2f}"]
        rows.append(row)
    doc.table(header, rows[:25])
    note = (
        "Spearman: the rank correlation between the parameter and the margin over the runs "
        "(+1: raising it always widens the zone)."
    )
    if sob:
        note += (
            " Sobol' indices: the share of the margin's variance the parameter explains alone "
            "(first) and with its interactions (total), estimated from fresh quasi-random "
            "runs; values near 0 may come out slightly negative."
        )
    if len(rows) > 25:
        note += f" {len(rows) - 25} more in robustness.json."
    doc.para(note)
    return doc


def _json(df, rob, sobol) -> dict[str, Any]:
    return {
        "runs": rob.runs,
        "p_zone": rob.p_zone,
        "packages": rob.packages.to_dict(orient="records") if len(rob.packages) else [],
        "sensitivity": rob.sensitivity.to_dict(orient="records"),
        "sobol": None if sobol is None else sobol.to_dict(orient="records"),
    }


#: Files ``write_sweep_report`` may write (checked before a sweep starts).
SWEEP_REPORT_FILES = (
    "report.md",
    "robustness.json",
    *(f"{n}.{e}" for n in ("tornado", "slack_distribution", "heatmap") for e in ("png", "svg")),
)


def write_sweep_report(
    folder, df, scenario, *, grid: tuple[str, str] | None = None, sobol=None, inputs=()
) -> list[str]:
    """Write ``report.md``, ``robustness.json`` and the figures into ``folder``, all at once
    (:func:`simulator.io.output.replacing_dir`, never over one of ``inputs``); return the
    names written."""
    from matplotlib.figure import Figure

    from simulator import jsonsafe
    from simulator.io.output import replacing_dir
    from simulator.plots.sweep_plots import (
        plot_slack_distribution,
        plot_slack_heatmap,
        plot_tornado,
    )
    from simulator.sweeps.api import robustness

    rob = robustness(df)
    written: list[str] = []
    with replacing_dir(folder, SWEEP_REPORT_FILES, inputs, "--report") as tmp:

        def save(name: str, draw) -> None:
            fig = Figure(figsize=(9, 5.5))
            ax = fig.subplots()
            draw(ax)
            fig.tight_layout()
            for ext in ("png", "svg"):
                fig.savefig(tmp / f"{name}.{ext}", dpi=110)
                written.append(f"{name}.{ext}")

        figures = []
        if len(rob.sensitivity):  # type: ignore[arg-type]  # a DataFrame
            save("tornado", lambda ax: plot_tornado(rob, ax=ax, scenario=scenario))
            figures.append(("the sensitivity ranking", "tornado.png"))
        save("slack_distribution", lambda ax: plot_slack_distribution(df, ax=ax))
        figures.append(("the margin over the runs", "slack_distribution.png"))
        if grid is not None:
            save(
                "heatmap",
                lambda ax: plot_slack_heatmap(df, grid[0], grid[1], ax=ax, scenario=scenario),
            )
            figures.append(("the margin over both parameters", "heatmap.png"))
        md = sweep_document(df, rob, scenario, sobol).markdown()
        md += "\n## Figures\n\n" + "\n\n".join(f"![{a}]({f})" for a, f in figures) + "\n"
        (tmp / "report.md").write_text(md, encoding="utf-8")
        data = jsonsafe.dumps(_json(df, rob, sobol), indent=2) + "\n"
        (tmp / "robustness.json").write_text(data, encoding="utf-8")
        written += ["report.md", "robustness.json"]
    return sorted(written)
