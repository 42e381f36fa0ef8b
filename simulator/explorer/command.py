"""``zopa explore FILE -o explorer.html``: the explorer page from the command line.

Only :mod:`argparse` is imported here at module level: the command line registers the
subcommand at start-up, and numpy, matplotlib and the solvers load when it runs.
"""

from __future__ import annotations

import argparse

__all__ = ["add_parser", "cmd_explore"]


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``explore`` subcommand to ``sub`` (an ``add_subparsers`` result)."""
    ex = sub.add_parser(
        "explore",
        help="write one self-contained HTML page with a slider over one number of a scenario",
        description="Solve a scenario at many values of one of its numbers (by default a "
        "signatory's reservation) and write one HTML file with a slider that shows the "
        "utility-space picture, the bargaining-gap chart, whether the zone is open and its "
        "slack at each value. The page needs no network and no other file.",
    )
    ex.add_argument("file", help="scenario file (YAML)")
    ex.add_argument("-o", "--output", required=True, metavar="HTML", help="the page to write")
    ex.add_argument(
        "--parameter",
        metavar="PATH",
        help="the number to vary, e.g. parties.russia.reservation or "
        "parties.russia.issues.nato_status.weight (default: --party's reservation)",
    )
    ex.add_argument(
        "--party",
        metavar="NAME",
        help="vary this party's reservation (default: the first signatory)",
    )
    values = ex.add_mutually_exclusive_group()
    values.add_argument("--values", metavar="V1,V2,...", help="the values to show, comma-separated")
    values.add_argument(
        "--range",
        metavar="LOW:HIGH",
        dest="value_range",
        help="--frames evenly spaced values from LOW to HIGH (default: the whole scale, "
        "e.g. 0:1 for a reservation), with the scenario's own value among them",
    )
    ex.add_argument(
        "--frames", type=int, default=21, metavar="N", help="how many values (default 21)"
    )
    ex.add_argument("--x", metavar="PARTY", help="party across in the utility-space picture")
    ex.add_argument("--y", metavar="PARTY", help="party up in the utility-space picture")
    ex.add_argument(
        "--sources",
        action="append",
        default=[],
        metavar="DIR",
        help="directory to look for source documents in (repeatable; also $ZOPA_SOURCES)",
    )
    ex.add_argument(
        "--confine",
        action="store_true",
        help="refuse extends and source files outside the scenario's folder (for files "
        "you did not write; also $ZOPA_CONFINE=1)",
    )
    return ex


def _numbers(text: str, option: str, separator: str) -> list[float]:
    from simulator.errors import UsageError

    try:
        return [float(v) for v in text.split(separator) if v.strip()]
    except ValueError:
        raise UsageError(
            f"{option} {text!r}: expected numbers separated by {separator!r}"
        ) from None


def cmd_explore(args) -> int:
    """Compute the frames, write the page, print one line; exit code 0 (2: bad input)."""
    import sys
    import time
    from pathlib import Path

    from simulator.errors import UsageError
    from simulator.explorer.frames import MAX_FRAMES, compute_frames, frame_values, resolve_path
    from simulator.explorer.page import render_html
    from simulator.io.output import check_output_file, input_files, replacing_file
    from simulator.scenario import load

    started = time.perf_counter()
    if not 1 <= args.frames <= MAX_FRAMES:
        raise UsageError(
            f"--frames must be at least 1 and at most {MAX_FRAMES:,} (each frame is solved, "
            f"drawn and stored in the page), not {args.frames:,}"
        )
    values = None
    if args.values is not None:
        values = _numbers(args.values, "--values", ",")
        if not values:
            raise UsageError("--values: give at least one number")
        if len(values) > MAX_FRAMES:
            raise UsageError(f"--values: at most {MAX_FRAMES:,} values, not {len(values):,}")
    scenario = load(args.file, sources=args.sources, confine=args.confine or None)
    inputs = input_files(scenario)
    check_output_file(args.output, inputs)  # before the work: never over an input
    from tqdm import tqdm

    try:
        if args.value_range is not None:
            bounds = _numbers(args.value_range, "--range", ":")
            if len(bounds) != 2:
                raise UsageError(f"--range {args.value_range!r}: expected LOW:HIGH, e.g. 0.2:0.8")
            model = scenario.model()
            path = resolve_path(model, args.parameter, args.party)
            values = list(frame_values(model, path, args.frames, *bounds))
        with tqdm(
            total=len(values) if values is not None else args.frames,
            unit="frame",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
            dynamic_ncols=True,
        ) as bar:
            explorer = compute_frames(
                scenario,
                path=args.parameter,
                values=values,
                party=args.party,
                x=args.x,
                y=args.y,
                frames=args.frames,
                progress=bar.update,
            )
    except ValueError as err:  # an unknown party, a path that names nothing, a bad value
        raise UsageError(str(err)) from None
    out = Path(args.output)
    with replacing_file(out, inputs) as tmp:  # the whole page or the old file
        tmp.write_text(render_html(explorer), encoding="utf-8")
    n = len(explorer.frames)
    opened = sum(f.exists for f in explorer.frames)
    print(
        f"Wrote {out}: {n} frame{'s' if n != 1 else ''} of {explorer.path}, "
        f"{opened} with an open zone ({time.perf_counter() - started:.1f} s)"
    )
    return 0
