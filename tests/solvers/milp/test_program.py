"""The HiGHS wrapper: solver chatter on file descriptor 1 never reaches zopa's output."""

import os

from simulator.solvers.milp.program import _quiet_stdout


def test_quiet_stdout_silences_writes_to_the_file_descriptor(capfd):
    with _quiet_stdout():
        os.write(1, b"HighsMipSolverData::transformNewIntegerFeasibleSolution\n")
    os.write(1, b"after\n")
    out = capfd.readouterr().out
    assert "HighsMip" not in out and "after" in out
