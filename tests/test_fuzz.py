"""Fuzz: hostile scenarios (hypothesis-generated, and mutations of valid ones) get a result or
located refusals from every command, within a memory limit.

The cases run in a subprocess (``python -m tests.fuzz.run_fuzz``) whose address space is
capped at ``MEMORY_LIMIT`` (``resource.RLIMIT_AS``) and whose run time is capped too: a case
that would allocate without bound fails with a MemoryError there (exit 1, a failure here), and
a hang fails by the timeout, instead of taking the machine down. The seed is fixed, so CI runs
the same cases each time; ``ZOPA_FUZZ_SEED`` and ``ZOPA_FUZZ_EXAMPLES`` explore others.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The address-space cap of the fuzz process: numpy, scipy, pandas and matplotlib reserve
#: about 1.5 GiB of virtual memory between them; a scenario may use the rest.
MEMORY_LIMIT = 4 << 30
EXAMPLES = int(os.environ.get("ZOPA_FUZZ_EXAMPLES", "120"))
SEED = int(os.environ.get("ZOPA_FUZZ_SEED", "20261201"))


def _limit() -> None:  # runs in the child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_hostile_scenarios_get_a_result_or_located_refusals_within_memory():
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.fuzz.run_fuzz",
            "--examples",
            str(EXAMPLES),
            "--seed",
            str(SEED),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        preexec_fn=_limit,
        env={**os.environ, "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"},
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    assert f"fuzz: {EXAMPLES} cases passed" in proc.stdout
