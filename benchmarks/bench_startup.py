"""Benchmark: start-up of the command line (targets: ``zopa --help`` < 0.3 s, ``zopa run`` on a
small scenario < 1 s).

Run on demand, with zopa installed (``pip install -e .``)::

    python benchmarks/bench_startup.py [--repeat 7]

Each command runs ``--repeat`` times in a fresh process; the table gives the median and the
slowest wall-clock time, and which heavy modules the command imported.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "scenarios" / "examples" / "job_offer.yaml"


def zopa() -> list[str]:
    exe = shutil.which("zopa")
    return [exe] if exe else [sys.executable, "-m", "simulator"]


def timed(cmd: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return times


def heavy_modules(args: list[str]) -> str:
    code = (
        "import sys, runpy, contextlib, io\n"
        f"sys.argv = ['zopa', *{args!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        runpy.run_module('simulator', run_name='__main__')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(','.join(m for m in ('numpy', 'scipy', 'matplotlib', 'pandas', 'yaml')"
        " if m in sys.modules) or '-')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    out_dir = tempfile.mkdtemp()
    cases = [
        ("zopa --help", ["--help"], 0.3),
        ("zopa run (small scenario)", ["run", str(SMALL)], 1.0),
        ("zopa run --json", ["run", str(SMALL), "--json"], 1.0),
        ("zopa run --out (with figures)", ["run", str(SMALL), "--out", out_dir], None),
    ]
    print(f"{'command':<32} {'median s':>9} {'max s':>7} {'target s':>9}  imports")
    for name, cmd_args, target in cases:
        t = timed(zopa() + cmd_args, args.repeat)
        tgt = f"{target:.1f}" if target else "-"
        print(
            f"{name:<32} {statistics.median(t):>9.3f} {max(t):>7.3f} {tgt:>9}  "
            f"{heavy_modules(cmd_args)}"
        )


if __name__ == "__main__":
    main()
