"""Benchmark: ``zopa explore`` on a Ukraine scenario, end to end and phase by phase.

Run on demand::

    python benchmarks/bench_explore.py [--scenario scenarios/ukraine/nato_for_article5.yaml]
        [--party russia] [--frames 21] [--old]

First the command itself in a fresh process (``zopa explore FILE --party P -o PAGE``, its CPU
time from ``resource.getrusage``, user + system, imports included), then the same page phase
by phase in this process, CPU seconds: enumerating the space once (the outcomes a frame can
need, :mod:`simulator.explorer.solve`), the frames' analyses, the utility-space pictures'
data, and writing the two figures of every frame as SVG (:mod:`simulator.explorer.svg`).
``--old`` also times the frames solved the way they were before (one
:func:`simulator.analyze` and one :func:`~simulator.plots.utility_space.utility_space_data`
per frame, each going through the whole space), and checks that both give the same frames,
numbers and pictures.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command_cpu(scenario: Path, party: str, frames: int) -> float:
    """CPU seconds of ``zopa explore`` in a fresh process (children's rusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "simulator", "explore", str(scenario), "--party", party,
             "--frames", str(frames), "-o", str(Path(tmp) / "page.html")],
            check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/ukraine/nato_for_article5.yaml")
    parser.add_argument("--party", default="russia")
    parser.add_argument("--frames", type=int, default=21)
    parser.add_argument("--old", action="store_true", help="also time the frames as before")
    args = parser.parse_args()
    scenario_path = ROOT / args.scenario
    print(f"zopa explore {args.scenario} --party {args.party} --frames {args.frames}")
    cpu = command_cpu(scenario_path, args.party, args.frames)
    print(f"{'command, CPU s (fresh process)':<40} {cpu:>8.2f}")

    import simulator
    import simulator.explorer.frames as frames
    from simulator.explorer.solve import frame_solver
    from simulator.study import Study

    scenario = simulator.load(scenario_path)
    model = scenario.model()
    path = frames.resolve_path(model, party=args.party)
    values = frames.frame_values(model, path, args.frames)
    x, y = frames._pair(model, path, None, None)
    clock = time.process_time
    t0 = clock()
    solver = frame_solver(scenario, path, frames.FRAME_CONCEPTS)
    t1 = clock()
    assert solver is not None, "this scenario's frames are solved by MILP"
    solved = [solver.frame(v) for v in values]
    t2 = clock()
    data = [solver.space_data(s, x, y) for s in solved]
    t3 = clock()
    for k, (s, d) in enumerate(zip(solved, data)):
        frames._draw(Study(scenario, s.model, s.analysis, {}), x, y, k, d)
    t4 = clock()
    for what, seconds in [
        ("enumerate the space once", t1 - t0),
        (f"{len(values)} analyses", t2 - t1),
        (f"{len(values)} pictures' data", t3 - t2),
        (f"{2 * len(values)} figures written (SVG)", t4 - t3),
    ]:
        print(f"{what:<40} {seconds:>8.2f}")
    if args.old:
        import pytest

        t0 = clock()
        new = frames.compute_frames(scenario, path=path, values=values)
        t1 = clock()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(frames, "frame_solver", lambda *a, **k: None)
            old = frames.compute_frames(scenario, path=path, values=values)
        t2 = clock()
        print(f"{'compute_frames, CPU s':<40} {t1 - t0:>8.2f}")
        print(f"{'compute_frames as before, CPU s':<40} {t2 - t1:>8.2f}")
        print(f"same frames (numbers and pictures): {old == new}")


if __name__ == "__main__":
    main()
