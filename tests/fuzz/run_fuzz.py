"""Run zopa's command line on hostile scenarios and check the contract (see
``tests/test_fuzz.py``, which runs this module in a subprocess under a memory limit).

For each case, every command (``check``, ``run --json``, and on some cases ``run --out``,
``evaluate``, ``explain``) must exit 0 or 2, never 1; print no traceback; write every problem
on exit 2 as ``FILE:LINE:COL: field: message`` lines (``FILE: message`` for the file as a
whole, one ``zopa CMD: ...`` line for a usage, size or solver refusal, or ``warning: ...``
lines); and print strict JSON for ``--json`` (no NaN or Infinity).

    python -m tests.fuzz.run_fuzz --examples 200 --seed 1
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.fuzz.scenarios import scenario_texts

PROBLEM = re.compile(r"^.+:\d+:\d+: \S.*$")
ALLOWED = (PROBLEM, re.compile(r"^zopa [\w-]+: \S.*$"), re.compile(r"^warning: \S.*$"))


def _strict(text: str):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def call(argv: list[str]) -> tuple[int, str, str]:
    from simulator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse
            code = exit_.code if isinstance(exit_.code, int) else 2
    return code, out.getvalue(), err.getvalue()


#: Exit codes seen per command, printed at the end (how much of the contract was exercised).
SEEN: Counter = Counter()


def check_call(argv: list[str], text: str) -> None:
    code, out, err = call(argv)
    SEEN[(argv[0], code)] += 1
    where = f"zopa {' '.join(argv)}\n--- scenario ---\n{text[:3000]}\n--- stderr ---\n{err[:3000]}"
    assert code in (0, 2), f"exit {code}: {where}"
    assert "Traceback" not in err, where
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines, f"exit 2 with nothing on stderr: {where}"
        file = argv[1]  # a problem of the whole file: "FILE: message"
        bad = [
            line
            for line in lines
            if not any(p.match(line) for p in ALLOWED) and not line.startswith(f"{file}: ")
        ]
        assert not bad, f"stderr lines not in the contract's form {bad[:3]}: {where}"
    elif "--json" in argv:
        _strict(out)


def make_test(examples: int, seed_value: int, folder: Path):
    @seed(seed_value)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(scenario_texts(), st.integers(0, 9))
    def fuzz(text: str, extra: int) -> None:
        path = folder / "case.yaml"
        path.write_text(text, encoding="utf-8")
        check_call(["check", str(path)], text)
        check_call(["run", str(path), "--json", "--near", "1%"], text)
        if extra == 0:
            check_call(["run", str(path), "--out", str(folder / "out")], text)
        elif extra == 1:
            check_call(["explain", str(path), "--max-size", "1", "--json"], text)
        elif extra == 2:
            check_call(["evaluate", str(path), "--set", "x=1", "--json"], text)
        elif extra == 3:
            check_call(["simulate", str(path), "--rounds", "10", "--json"], text)
        elif extra == 4:
            check_call(["run", str(path), "--method", "milp", "--json"], text)

    return fuzz


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        make_test(args.examples, args.seed, Path(tmp))()
    seen = ", ".join(f"{cmd} exit {code}: {n}" for (cmd, code), n in sorted(SEEN.items()))
    print(f"fuzz: {args.examples} cases passed (seed {args.seed}); {seen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
