"""Mutation testing of zopa's core: how many small bugs planted in the code do the tests catch?

Run on demand (not part of the test suite)::

    python benchmarks/mutation.py --sample 60 --seed 19 --workers 2
    python benchmarks/mutation.py --modules solvers --sample 20       # one group
    python benchmarks/mutation.py --list --modules analysis            # the sample, not run
    python benchmarks/mutation.py --only analysis-1a2b3c4d             # re-run given mutants

What it does:

1. Copies the repository into a scratch directory (``--workdir``, default a new temporary
   one), never touching the tree it runs from. ``--source worktree`` (the default) copies the
   working tree as it is -- committed files, uncommitted edits and untracked files such as
   new tests -- leaving out ``.git``, ``.venv`` and caches; ``--source head`` takes the
   committed tree only (``git archive HEAD``). Each worker gets a copy of its own.
2. Lists every mutant of the selected groups' modules (the operators below, on the Python
   syntax tree, applied as a one-token edit of the source text), and draws ``--sample`` of
   them per group: those whose hash of ``--seed`` and their id is smallest. The same source
   and seed give the same mutants, and editing one part of a file leaves the rest of the
   sample as it was. A mutant's id (``<module>-<hash>``) hashes its file, the text of its
   line, its place in the line and the edit, so it survives edits elsewhere in the file.
3. Checks the copy is what the tests import (the venv's editable install points at the
   original tree: ``PYTHONPATH`` puts the copy first) and runs a sanity mutant (the module
   raising on import) that must be killed.
4. Runs each module's suite once unmutated (a test that already fails there is deselected
   and reported), then each mutant: the mutated file is written into the worker's copy, the
   module's doctests and its suite (``TESTS``) run as ``pytest -x -q -p no:cacheprovider``
   (hypothesis derandomised and without its example database; no bytecode written, so a
   mutant is never masked by a stale ``.pyc``), and the file is restored. By default each
   run is a child forked from a server that has imported numpy, scipy, pandas, pytest and
   hypothesis once -- never ``simulator`` -- which saves about three seconds a run;
   ``--no-fork`` starts ``python -m pytest`` afresh instead. A failing run is a kill;
   running past the timeout (three times the unmutated run plus a minute) is a kill
   reported as a timeout.
5. Prints a table per group and per module and writes the survivors with their diffs
   (``--out``). Mutants reviewed as *equivalent* (no test could tell them apart: the
   behaviour is the same) are listed in ``EQUIVALENT`` with a reason, and left out of the
   score: ``score = killed / (mutants - equivalent)``, timeouts counted as killed.

Operators: arithmetic (``+`` / ``-``, ``*`` / ``/``), comparisons (``<`` / ``<=``,
``>`` / ``>=``, ``==`` / ``!=``), boolean (``and`` / ``or``, and on numpy masks ``&`` / ``|``;
removing ``not`` and ``~``), constants (``0`` / ``1``, other numbers ``n -> n + 1``,
``True`` / ``False``), ``return x -> return None``, a raise's guard
(``if cond: raise ...`` -> ``if False: raise ...``), augmented assignments (``+=`` / ``-=``,
``*=`` / ``/=``, ``&=`` / ``|=``). Not mutated: docstrings and other strings, type
annotations, ``assert`` statements, anything inside a ``raise`` (its message), f-strings,
``__all__``, declarations (decorators such as ``@dataclass(frozen=True)``, dataclass
``field(...)``), and calls that only log or report progress (``warn``, ``print``, ``task``).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import hashlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Groups of modules, as paths under the repository root (a folder: every module in it).
GROUPS = {
    "solvers": ["simulator/solvers"],
    "model": ["simulator/model"],
    "analysis": ["simulator/analysis.py"],
    "packages": ["simulator/coalitions/packages.py"],
    "provenance": ["simulator/scenario/provenance.py"],
}

#: The tests of each module besides its own doctests (added automatically): fast tests that
#: exercise it (hypothesis-heavy property suites are left out: a run should take seconds). A
#: folder's entry covers every module in it without an entry of its own.
_ANALYSIS = [
    "tests/test_analysis.py",
    "tests/test_invalid_inputs.py",
    "tests/test_pinned_numbers.py",
    "tests/solvers/test_closed_forms.py",
]
_EXACT = [
    "tests/solvers/test_solvers_exact.py",
    "tests/solvers/test_solvers_edges.py",
    "tests/test_analysis_exact.py",
]
TESTS: dict[str, list[str]] = {
    "simulator/solvers": [*_EXACT, *_ANALYSIS],
    "simulator/solvers/near.py": ["tests/solvers/test_solvers_exact.py", "tests/test_sharpness.py"],
    "simulator/solvers/zone.py": [
        *_EXACT,
        *_ANALYSIS,
        "tests/test_chunking.py",
        "tests/solvers/test_zone.py",
    ],
    "simulator/solvers/pareto.py": [
        *_EXACT,
        *_ANALYSIS,
        "tests/test_chunking.py",
        "tests/solvers/test_pareto.py",
    ],
    "simulator/solvers/count.py": [
        "tests/solvers/test_count_exact.py",
        "tests/solvers/test_solvers_exact.py",
        "tests/solvers/test_count.py",
        "tests/test_pinned_numbers.py",
        "tests/solvers/milp/test_issue19_variants.py",
    ],
    "simulator/solvers/milp": [
        "tests/solvers/milp/test_milp_exact.py",
        "tests/solvers/milp/test_milp_branches.py",
        "tests/solvers/milp/test_program.py",
        "tests/solvers/milp/test_formulation.py",
        "tests/solvers/milp/test_issue19_variants.py",
        "tests/solvers/milp/test_integer_issues.py",
        "tests/solvers/milp/test_milp_behaviour.py",
    ],
    "simulator/model": [
        "tests/model/test_model_exact.py",
        "tests/test_analysis_exact.py",
        *_ANALYSIS,
        "tests/model/test_model.py",
        "tests/test_evaluate_partial.py",
        "tests/test_evaluate_checks.py",
        "tests/solvers/milp/test_formulation.py",
    ],
    "simulator/analysis.py": [
        "tests/test_analysis_exact.py",
        *_ANALYSIS,
        "tests/test_chunking.py",
        "tests/test_evaluate_partial.py",
        "tests/test_evaluate_checks.py",
    ],
    "simulator/coalitions/packages.py": [
        "tests/coalitions/test_packages_exact.py",
        "tests/coalitions/test_packages.py",
    ],
    "simulator/scenario/provenance.py": [
        "tests/scenario/test_provenance.py",
        "tests/scenario/test_provenance_checks.py",
    ],
}

#: Mutants reviewed as equivalent: id -> why no test can tell them from the original (the
#: same results; at most slower, or different below the solvers' stated tolerances). An id
#: changes when its line is edited: such an entry then lapses and the mutant is reviewed again.
EQUIVALENT: dict[str, str] = {
    # simulator/analysis.py
    "analysis-adbda2a1": "PART_MARGIN 1e-9 -> 1.000000001: a wider margin only keeps more "
    "candidate parts; the same frontier, found more slowly",
    "analysis-1953a129": "_parts_split returns None for 0: both mean 'no split' (only the "
    "value's truth is read)",
    "analysis-77d2b9b1": "_merge_parts takes one prefix row more at a chunk's end; its "
    "outcomes lie outside the chunk and the `inside` filter drops them",
    "analysis-70c9b848": "_parts_split's 0 <= lead for 0 < lead: a lead of 0 gives 0 either way",
    "analysis-3bd8e5e8": "as analysis-77d2b9b1: (end + 1) // b for (end - 1) // b takes "
    "one prefix row more at a chunk's end, whose outcomes the `inside` filter drops",
    "analysis-792814f4": "_equal_rows leaves two rows ungrouped: equal utility rows are "
    "grouped again by _group (first outcome kept, counts summed)",
    "analysis-86b96582": "as analysis-792814f4 (rows.size < 3)",
    "analysis-77e36b3a": "values - 0.0 for + 0.0 before np.unique(axis=0): numpy (2.4 here) "
    "compares the values, so -0.0 and 0.0 are grouped either way",
    "analysis-d8c2b23f": "values + 1.0 before np.unique: parts that differ only below 1e-16 "
    "(lost by adding 1) give equal utilities once rounded to 12 decimals",
    "analysis-b2227e97": "_group's keys u - 0.0: lexsort and != already treat -0.0 and 0.0 "
    "as equal",
    "analysis-5f2f9cf4": "_group's keys u + 1.0: utilities rounded to 12 decimals stay "
    "distinct and in the same order",
    "analysis-29ac5832": "_pieces without rules gives one never-broken red-line column: "
    "its statistics are computed but no red line reads them",
    "analysis-cffa365e": "_pieces without rules gives its column-less breaks array as many "
    "rows as parties, not outcomes: with no column only its shape[1] is read (scan_chunk), "
    "and _acceptable reads breaks only when levels are given",
    "analysis-0977e478": "_merge_parts' `inside` mask with | for &: the parts path runs on "
    "Model.evaluated's chunks, whole blocks (start and end multiples of the block), so every "
    "pair of the selected prefix rows lies in [start, end) and the mask is all true either way",
    "analysis-1581dec6": "evaluate's constraint breaks recounted over every completion in "
    "its second pass: the first pass already counted them over every completion",
    # simulator/model
    "compiled-89279efc": "evaluated's trailing_part starts as np.empty(1) for np.empty(0): "
    "the first block always replaces it (last starts as None)",
    # simulator/coalitions/packages.py
    "packages-09d797bb": "cut_row starts at 0 for -1: only read where a cut is finite, and "
    "then set",
    "packages-eadae15c": "an unused column of pin flags when nothing is pinned",
    "packages-c58bc7dc": "an internal assertion (search and re-solve agree): false only if "
    "the search itself were wrong",
    "packages-8162583f": "_group_extreme's group numbers one higher (- 0 for - 1): they are "
    "only compared with their neighbours (group[1:] != group[:-1]), so the same first hits",
    "packages-77c0f973": "low_row filled with 0 for -1: every column is assigned in the loop "
    "over subsets before it is read",
    "packages-a3dae446": "subsets from size 0: an extra column for the empty set of cutting "
    "parties is scanned but never read (packages without cuts use cut_sets [()], cuts look "
    "their column up with subsets.index)",
    "space-ea56fa91": "DEFAULT_CHUNK 2**18 -> 2**19: the chunk size changes memory and speed, "
    "never results (tests/test_chunking.py)",
    # simulator/solvers
    "lottery-f33718b5": "bisection's early stop: without it the 200 halvings run out, at the "
    "same point (it converges in about 60)",
    "concepts-36aba801": "total >= 0 for > 0: the chosen segment's two convex weights sum to "
    "1 (its binary is 1), never 0",
    "concepts-381efba2": "polish stops at moved < 1e-15 instead of <=: a step of exactly "
    "1e-15 is followed by one that moves nothing",
    "formulation-53fcbaeb": "_lattice step > 1 for > 0: finer even grids get one binary per "
    "level instead of a lattice variable; the same programme's answers, more slowly",
    "formulation-709e4a5c": "_condition_span's first guess starts at 1: the loop after it "
    "walks it back down to the first lattice point inside",
    "program-5574824d": "STRICT 10 -> 11 * FEAS_TOL: the strict-inequality margin moves within "
    "the band the contract leaves to the solver ([-ACCEPT_ATOL - STRICT, -ACCEPT_ATOL))",
    "pareto-f42c2b62": "_screen's later columns compared with < for <=: the screen drops "
    "fewer points, which moocore filters anyway",
    "pareto-82507170": "_dominated_by compares column 0 twice: the same mask",
    "pareto-5d4a75ad": "screening from 64 rows instead of 65: the screen only saves time",
    "pareto-6d2ed8d4": "efficient_parts' `above` index may reach ref.size: never used, since a "
    "dominated row projects below its dominator (searchsorted stays inside)",
    "lottery-b1f90319": "Newton goes on after a zero step: nothing moved, and the next test "
    "(t * step < 1e-15) stops it",
    "issues-96736efc": "2**63 for 2**62 in _spread_integers: 2 i width + d stays below 2**63, "
    "so the int64 path is still exact",
    "issues-5dbb1fcb": "3 * width for 2 * width: only sends more ranges to the exact Python path",
    "formulation-119e484f": "a cap equal to the utility's lower bound gets the big-M rows "
    "instead of the constant: the same utility, min(cap, L) = cap",
    "formulation-2d0a359d": "an open upper bound's last lattice point set beyond the range: "
    "the span then ends past the range, as if open",
    "program-d333beb3": "an extra trailing 0 in the row lower bounds: HiGHS reads num_row_ of them",
    "frontier-e6f8c1f1": "<= for < against floor + step / 2: a repeated point has b's gain "
    "at the floor, a new one a whole step above",
    "frontier-010f4e7b": "step / 3 for step / 2: as frontier-e6f8c1f1",
    "frontier-f1d22993": "np.abs(gb).max(initial=1.0): max(1, ...) is taken anyway",
    "count-a0a8dd88": "keys.shape[1] == 0 for shape[0]: _Merger.result() gives a (0, 0) "
    "array whenever no state is live, and a live state has a column per signatory, so the "
    "two tests agree",
    "pareto-57a1bd18": "as pareto-6d2ed8d4: ref.size + 1 for - 1 bounds an index that stays "
    "below ref.size (a dominated row projects no higher than its dominator; the rounded "
    "projection is monotone)",
    "formulation-745152f9": "_condition_span's first correction loop (first -= 0) never runs: "
    "without a grid the lattice is an integer issue's, low + m exact within +-2**53, and "
    "since rounding is monotone ceil(fl(start - low)) never passes a point >= start",
    "count-d663d7fa": "_Merger.result()'s empty keys (0, 1) for (0, 0): _exact reads only "
    "their row count (0: every state settled or dead, the total so far is the count)",
    "lottery-23735df3": "bisection stops at hi - lo < 1e-16 hi for <=: distinct doubles "
    "differ by more than 1.1e-16 hi, so both tests hold only once hi == lo; they differ only "
    "at hi == lo == 0, where the loop goes on and returns the same lo = 0",
    "formulation-a08031a4": "_condition_span's forward loop may step first to count + 1 "
    "(value(count) < start): first > last either way, so the span is (inf, inf)",
    "formulation-4656efb0": "_condition_span's forward loop tests value(last - 1): it stops at "
    "most two points past the last inside (or at count - 1), and the loop after it walks back",
    "formulation-a31c20ab": "presolve off for every programme, not only those with big-M "
    "rows: HiGHS solves the same programmes to the same tolerances without its presolve "
    "(more slowly); ties are broken by _break_ties' own solves, not by HiGHS's choice",
    "concepts-8f874736": "nash keeps x, not its polish, when the polish gains exactly "
    "nothing: it is then x rebuilt on x's own segment (same binaries, t = x_b / (x_a + x_b)), "
    "the same gains; the two differ at most by the solver's noise in the convex weights",
    "concepts-89150944": "_polish_nash's backtracking factor 3 for 2: damped Newton steps on "
    "a concave function reach the same maximum (the loop ends when nothing moves); identical "
    "answers on the tests' interval models",
    # reviewed on seed 5151 (200 mutants)
    "concepts-6e4edd58": "_polish_nash's backtracking runs while size >= 1e-12 for > 1e-12: "
    "size is 2**-k, never exactly 1e-12, so the two tests agree",
    "concepts-f8332a70": "exists_without maximises np.zeros(1) for np.zeros(0): maximise pads "
    "the objective with zeros, so both are the zero objective",
    "count-1e947a0d": "_Merger.held starts at 1: merging is triggered one row earlier; merges "
    "of equal keys commute (counts summed) and the budget is checked again in result(), so "
    "the same states, count or refusal",
    "formulation-ebbebcd2": "_lattice refuses a 2-point grid: it gets one binary per level "
    "instead of a lattice variable, the same outcomes in the same order (as "
    "formulation-53fcbaeb)",
    "formulation-cff81953": "_lattice accepts step >= 0: an issue's level values are distinct "
    "(its grid, or a subset of it), so step > 0 whenever there are two or more",
    "formulation-8c9857e0": "_condition_span's first guess (start - lo) * step: grid is None "
    "only for an integer issue's lattice, whose step is 1.0, so * and / agree",
    "formulation-5f9843e3": "_condition_span's first backward loop runs while first > 1: it "
    "never runs at all (formulation-745152f9: ceil(fl(start - low)) never passes a point "
    ">= start), so a stricter test changes nothing",
    "formulation-f67c2e3a": "_condition_span's last guess clamped at 0 for -1: when no point "
    "lies at or below the end, the backward loop after it walks last from 0 to -1",
    "formulation-98e975e7": "_condition_span's forward loop on last steps back: the loop never "
    "runs (step 1, low + k exact: if low + k <= end then fl(end - low) >= k, so "
    "floor(fl(end - low)) already reaches k), so its body is never reached",
    "formulation-9acd1cda": "_capped's lower bound adds the coefficients v <= 0 for v < 0: "
    "the extra terms are zeros",
    "formulation-f19947e0": "_capped's t >= min(lo, cap) without the 1.0 of slack: lo bounds "
    "L from below at every outcome, so t = min(cap, L) >= min(cap, lo) always; nothing is "
    "cut off",
    "pareto-33f83167": "_screen's later columns compared with < for <=: the screen drops "
    "fewer points, which moocore filters anyway (as pareto-f42c2b62)",
    "pareto-0cc133a7": "pareto_mask without its one-column shortcut: the screen and moocore "
    "give the same mask, the rows equal to the largest (checked on 3,000 random columns with "
    "ties, -0.0, +-inf, 1 to 199 rows)",
    "program-88657372": "HiGHS's output_flag on: it logs to file descriptor 1, which "
    "_quiet_stdout points at /dev/null while HiGHS runs (checked: nothing reaches stdout or "
    "stderr); only slower",
    "lottery-e608895d": "_line_search stops at hi - lo <= 1e-16 / hi: a coarser step (hi < 1) "
    "that the next Newton or Frank-Wolfe iteration corrects; the same mixtures to 1e-15 "
    "(210 random problems), no slower",
    "lottery-b28ee60e": "_newton_on_support's t_max 1e6 -> 1000001 for a step without a "
    "negative entry: summing to 0, such a step is rounding noise (never seen in 210 random "
    "problems) and moves lam by at most 1e6 times it either way",
    "formulation-cfb6481a": "_condition_span's backward loop tests value(first + 1): it steps "
    "back at most two points below the first inside, and the forward loop after it walks up "
    "again",
    "concepts-b92569ab": "_polish_nash holds a coordinate at t = 1 also when its gradient is "
    "exactly 0.0: then either its gains' slopes are all 0 (its minimal-norm step is 0, free "
    "or not) or their weighted terms cancel exactly, where it is stationary; the next step "
    "frees it again if needed and the iteration ends at the same maximum",
    # reviewed on seed 7373 (150 mutants)
    "formulation-9c470e66": "_condition_span's backward loop tests value(first): it steps back "
    "one point below the first inside, and the forward loop after it steps up again",
    "formulation-9e3d2a66": "_lattice refuses grids of fewer than 3 points: a 2-point grid "
    "gets one binary per level (as formulation-ebbebcd2)",
    "formulation-982b1a95": "_capped's never-binds test hi < cap for <=: a cap equal to the "
    "largest uncapped utility gets the big-M rows instead: min(cap, L) = L all the same",
    "formulation-f49f165b": "an interaction's product variable z declared integer: its rows "
    "(z <= c_l, z >= sum c_l - (m - 1), c_l binary) already force it to 0 or 1",
    "count-ea5bcefd": "_exact's batch of levels sized by keys.shape[1] for shape[0]: only how "
    "many candidate states are built at once (memory, speed), not which",
    "count-b7b88c46": "_exact returns None if keys.shape[1] else the total, on the branch "
    "'no state left or too many': a state has a column per signatory, so with states left "
    "shape[1] > 0 (None, as before) and without any result() gives (0, 0) (the total)",
    "count-ac1cec36": "_Merger merges once held > 2 max_states - _BLOCK: earlier and more "
    "often; merges commute and the budget is checked again in result() (as count-1e947a0d)",
    "lottery-b541f481": "_line_search returns 1.0 for 0.0 when the direction is no ascent: "
    "Frank-Wolfe steps only towards a score above 1 + tol (slope(0) = score - 1 > 0) and "
    "Newton only along grad @ step > 0, which is slope(0) up to rounding: reached only by "
    "rounding noise at convergence (the same mixtures to 6e-16 on 210 random problems)",
    "lottery-14ef29f1": "_line_search returns t_max only if slope(t_max) > 0: at exactly 0 the "
    "bisection runs and, the slope being positive below t_max, ends within 1e-16 of it",
    "lottery-dfcb153c": "_line_search returns t_max only if slope(t_max) >= 1: otherwise the "
    "bisection finds the same t_max to 1e-16 (the slope is positive up to it); a weight "
    "left at 1e-16 instead of 0 is dropped below _DROP (same mixtures to 6e-16, 210 random "
    "problems)",
    "lottery-d55e10dc": "nash_lottery's start lam[best rows] -= 1 for += 1: lam / lam.sum() "
    "is the same mix (negative entries over a negative sum)",
    "lottery-dd4a707d": "the Frank-Wolfe step divides lam by 1 - gamma for multiplying: it "
    "only brings row j into the support, whose weights Newton re-optimises and renormalises "
    "(same mixtures to 3e-15 on 210 random problems; gamma = 1 needs row j at least as good "
    "as the iterate, which is never below the pure Nash outcome it starts from)",
    "concepts-ce598d17": "_first_in_order's fixed rows allow v + 1e-9 / max(1, |v|) for "
    "v + 1e-9 max(1, |v|): a continuous issue's place is in [0, 1] (the same slack) and a "
    "discrete issue's an option index, whose next value is a whole 1 above either way",
    "concepts-897cdff1": "add_cuts also skips a point exactly 1e-12 pt from a cut: a tangent "
    "that close changes no relaxation beyond rounding",
    "concepts-3fe59390": "_polish_nash's t0 for total == 0: the chosen segment's two convex "
    "weights sum to 1 (as concepts-36aba801)",
    "pareto-dba015d3": "_dominated_by's batch sized by b.shape[1] for shape[0]: memory and "
    "speed only",
    "pareto-bd1dacd3": "pareto_mask sends exactly 255 columns to the numpy filter instead of "
    "moocore: both are exact (tests compare each with brute force)",
    # reviewed on seed 6262 (60 mutants, a fresh sample: no tests written against it)
    "concepts-15508482": "_maximin maximises np.zeros(1) for np.zeros(0) when no signatory is "
    "scaled: maximise pads the objective with zeros (as concepts-f8332a70)",
    "formulation-88044cf7": "decode clamps a lattice index at count + 1 for count - 1: the "
    "index is a variable bounded by count - 1, so its rounding never exceeds it",
    "formulation-53005f8c": "_condition_span's first backward loop steps forward: the loop "
    "never runs (formulation-745152f9), so its body is never reached",
    "formulation-01919e6a": "big_m set for every capped party, also when _capped added no "
    "rows: presolve off for those formulations (as formulation-a31c20ab)",
    "lottery-77a96e11": "the Frank-Wolfe loop's stopping test scores - 1 <= tol made never "
    "true: it runs all max_iter steps, each with gamma = 0 once converged (score <= 1 gives "
    "slope(0) <= 0), so the same mixtures to 2e-15 (210 random problems), 100x slower",
    "lottery-c1b5b278": "the Frank-Wolfe step multiplies lam by 1 + gamma for 1 - gamma: as "
    "lottery-dd4a707d, Newton re-optimises and renormalises the weights on the support (same "
    "mixtures to 3e-15 on 210 random problems)",
    # reviewed on seed 8484 (60 mutants, a fresh sample: no tests written against it)
    "lottery-4967b142": "_row's guard (choice is None) made False: unreachable, since nash() "
    "and kalai() return None only without rows and _row is called only with rows",
    "formulation-07f16c51": "_condition_span's forward loop on last tests value(last + 1) < "
    "end: the loop never runs (as formulation-98e975e7), and a stricter test keeps it so",
    "pareto-a8f80740": "efficient_parts returns early only if nothing is dominated and nothing "
    "is kept: with nothing dominated the rest of the function keeps every row anyway, and "
    "nothing kept happens only without rows",
    # seed 9191, reviewed after the run (no test written first)
    "count-aac2bcaf": "_decomposes returns None for False: its one caller reads it with if",
    "pareto-0dff65c5": "efficient_parts' weights from k * 1.618... % 1 for k * 0.618... % 1: "
    "the integer part drops, so the weights agree to rounding; any positive weights give "
    "the same projection test (the tolerance scales with their sum)",
    # seed 9494, reviewed after the run (no test written first)
    "analysis-09eaceb0": "_Front.empty with a counts array of one zero: _merge reads the "
    "front's counts only after testing front.indices.size (0 here), and the result indexes "
    "them by argsort(indices), empty, so a closed zone's frontier is the same",
    "analysis-44c2cc4c": "_Front.empty with a utilities array of one row: read only after "
    "front.indices.size is tested, or indexed by argsort(indices) (empty): shape (0, p) "
    "either way",
    # seed 9696, reviewed after the run (no test written first)
    "formulation-59102904": "_condition_span's first correction loop tested with > for >=: "
    "the loop never runs either way (formulation-745152f9's proof: ceil(fl(start - low)) "
    "never passes a lattice point >= start), and a stricter test keeps it so",
    "count-31d47336": "_exact's bounds of the remaining issues without row 0: hi_rest and "
    "lo_rest are read only at k + 1 >= 1",
    "lottery-3f6215cd": "bisection with >= 0 for > 0: at a slope of exactly 0 mid is the root; "
    "the original bisects on below it and returns a point within its stopping width "
    "(1e-16 hi) of it, the mutant returns it: the same step to rounding",
    # seed 9797, reviewed after the run (no test written first)
    "count-2dca9746": "_BLOCK 2**21 for 2**20: how many candidate states are built at once "
    "(memory, speed), not which (as count-ea5bcefd)",
    "count-f105d793": "_Merger.add tests keys.shape[1] for shape[0]: a state has a column per "
    "signatory (at least one), so the mutant also queues empty batches, which merge to nothing",
    "formulation-0ff16770": "_lattice's step (v[-1] + v[0]) / (n - 1): an even grid not from 0 "
    "is no longer seen as a lattice and gets one binary per level: the same programme's "
    "answers, more slowly (as formulation-53fcbaeb)",
    "pareto-f091d504": "_SCREEN_FROM 65 for 64: the screen only saves time (as pareto-5d4a75ad)",
    "lottery-7f55e006": "kalai_lottery's second programme asks for shares of t + 1e-9 for "
    "t - 1e-9: a shift of 2e-9 on shares in [0, 1], below the primal feasibility tolerance of "
    "linprog's HiGHS (1e-7), so the same programme and lottery "
    "(test_kalai_lottery_takes_the_largest_total_among_lotteries_reaching_its_share)",
    # seed 9898, reviewed after the run (no test written first)
    "formulation-1e1be0ba": "_condition_span's forward loop on last tests value(last) for "
    "value(last + 1): it walks one point past the end, and the loop after it walks back to "
    "the last point inside",
    "program-a0333dce": "the matrix's own row count set to its columns: HiGHS takes the "
    "dimensions from the model's num_row_ (checked with highspy 1.16: any value gives the "
    "same model and optimum)",
    "pareto-1e94d817": "_screen's `same` with |= for &=: the screen keeps more points, which "
    "moocore filters anyway (as pareto-f42c2b62)",
    "pareto-6c82977b": "_PAIRS 2**23 for 2**22: how many pairs are compared at once (memory), "
    "not which",
}

#: Calls whose arguments are messages, progress reports or declarations, not behaviour.
QUIET_CALLS = {"field", "warn", "print", "task", "debug", "info", "warning", "error", "exception"}

#: Left out of every copy.
IGNORED = (
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".mypy_cache",
    ".ruff_cache",
    "*.egg-info",
    "build",
    "dist",
)

#: A pytest plugin written into each copy: hypothesis derandomised, no example database (a
#: failure found for one mutant must not be replayed against the next).
PROFILE = """\
from hypothesis import settings

settings.register_profile("mutation", database=None, derandomize=True, deadline=None)
settings.load_profile("mutation")
"""
PLUGIN = "_mutation_profile"


# -- mutants -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    id: str
    group: str
    path: str  # relative to the repository root
    line: int
    start: int  # byte offsets of the edit in the file
    end: int
    replacement: bytes
    label: str  # e.g. "< -> <="

    def apply(self, source: bytes) -> bytes:
        return source[: self.start] + self.replacement + source[self.end :]

    def diff(self, source: bytes) -> str:
        old = source.decode().splitlines(keepends=True)
        new = self.apply(source).decode().splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, new, self.path, self.path + " (mutant)", n=1))


_SWAP = {
    ast.Add: ("+", "-"),
    ast.Sub: ("-", "+"),
    ast.Mult: ("*", "/"),
    ast.Div: ("/", "*"),
    ast.BitAnd: ("&", "|"),
    ast.BitOr: ("|", "&"),
    ast.Lt: ("<", "<="),
    ast.LtE: ("<=", "<"),
    ast.Gt: (">", ">="),
    ast.GtE: (">=", ">"),
    ast.Eq: ("==", "!="),
    ast.NotEq: ("!=", "=="),
}
_KIND = {
    ast.Add: "arithmetic",
    ast.Sub: "arithmetic",
    ast.Mult: "arithmetic",
    ast.Div: "arithmetic",
    ast.BitAnd: "boolean",
    ast.BitOr: "boolean",
}


def _blank_comments(text: str) -> str:
    """``text`` with comments replaced by spaces (offsets kept)."""
    return re.sub(r"#[^\n]*", lambda m: " " * len(m.group()), text)


class _Finder(ast.NodeVisitor):
    """Collects ``(start, end, replacement, label)`` edits of one module."""

    def __init__(self, source: bytes):
        self.source = source
        self.line_starts = [0]
        for i, b in enumerate(source):
            if b == 0x0A:
                self.line_starts.append(i + 1)
        self.edits: list[tuple[int, int, bytes, str]] = []
        self.function_returns_none: list[bool] = []

    # positions ----------------------------------------------------------------------------
    def offset(self, line: int, col: int) -> int:
        return self.line_starts[line - 1] + col  # ast columns are UTF-8 byte offsets

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),
            self.offset(node.end_lineno, node.end_col_offset),
        )

    def text(self, node: ast.AST) -> bytes:
        a, b = self.span(node)
        return self.source[a:b]

    def add(self, start: int, end: int, new: str, label: str) -> None:
        self.edits.append((start, end, new.encode(), label))

    def token_between(self, left: ast.AST, right: ast.AST, token: str) -> int | None:
        """Byte offset of the operator ``token`` between two operands, if it is all there is
        (besides brackets, spaces, line continuations and comments)."""
        a, b = self.span(left)[1], self.span(right)[0]
        region = _blank_comments(self.source[a:b].decode())
        word = token.isalpha()
        pattern = rf"\b{token}\b" if word else rf"(?<![<>=!*/+\-&|]){re.escape(token)}(?![=*/<>])"
        hits = [m.start() for m in re.finditer(pattern, region)]
        if len(hits) != 1:
            return None
        rest = region[: hits[0]] + region[hits[0] + len(token) :]
        if rest.strip(" \t\n\\()"):
            return None
        return a + len(region[: hits[0]].encode())

    # skipped contexts -----------------------------------------------------------------------
    def visit_Raise(self, node):  # its message
        return

    def visit_Assert(self, node):
        return

    def visit_JoinedStr(self, node):
        return

    def visit_Call(self, node):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in QUIET_CALLS:
            return
        self.generic_visit(node)

    def visit_Assign(self, node):
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return
        self.generic_visit(node)

    def visit_AnnAssign(self, node):  # skip the annotation
        self.visit(node.target)
        if node.value is not None:
            self.visit(node.value)

    def visit_arg(self, node):  # an annotation
        return

    def visit_FunctionDef(self, node):  # decorators skipped: declarations, not behaviour
        self.visit(node.args)  # defaults (annotations skipped in visit_arg)
        returns = node.returns
        none = (
            isinstance(returns, ast.Constant)
            and returns.value in (None, "None")
            or node.name in ("__init__", "__post_init__")
        )
        self.function_returns_none.append(none)
        body = node.body
        if body and _is_docstring(body[0]):
            body = body[1:]
        for stmt in body:
            self.visit(stmt)
        self.function_returns_none.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        body = node.body
        if body and _is_docstring(body[0]):
            body = body[1:]
        for stmt in body:
            self.visit(stmt)

    def visit_Module(self, node):
        body = node.body
        if body and _is_docstring(body[0]):
            body = body[1:]
        for stmt in body:
            if isinstance(stmt, ast.ImportFrom | ast.Import):
                continue
            self.visit(stmt)

    # operators -------------------------------------------------------------------------------
    def visit_BinOp(self, node):
        swap = _SWAP.get(type(node.op))
        if swap and not (_is_str(node.left) or _is_str(node.right)):
            at = self.token_between(node.left, node.right, swap[0])
            if at is not None:
                self.add(at, at + len(swap[0]), swap[1], f"{swap[0]} -> {swap[1]}")
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        swap = _SWAP.get(type(node.op))
        if swap:
            tok = swap[0] + "="
            at = self.token_between(node.target, node.value, tok)
            if at is not None:
                self.add(at, at + len(tok), swap[1] + "=", f"{tok} -> {swap[1]}=")
        self.generic_visit(node)

    def visit_Compare(self, node):
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            swap = _SWAP.get(type(op))
            if swap:
                at = self.token_between(left, right, swap[0])
                if at is not None:
                    self.add(at, at + len(swap[0]), swap[1], f"{swap[0]} -> {swap[1]}")
            left = right
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        spots = [self.token_between(a, b, old) for a, b in zip(node.values, node.values[1:])]
        if all(s is not None for s in spots):
            # one mutant changes every connective of the expression: a chain is one operator
            first, last = spots[0], spots[-1] + len(old)
            seg = bytearray(self.source[first:last])
            for s in reversed(spots):
                seg[s - first : s - first + len(old)] = new.encode()
            self.add(first, last, seg.decode(), f"{old} -> {new}")
        self.generic_visit(node)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.Not | ast.Invert):
            start, end = self.span(node)
            inner = self.text(node.operand).decode()
            sign = "not" if isinstance(node.op, ast.Not) else "~"
            self.add(start, end, f"({inner})", f"remove {sign}")
        self.generic_visit(node)

    def visit_Constant(self, node):
        v = node.value
        if isinstance(v, bool):
            new = repr(not v)
        elif isinstance(v, int | float) and not isinstance(v, bool):
            new = {0: "1", 1: "0"}.get(v) if v in (0, 1) else repr(v + 1)
            if isinstance(v, float) and v in (0, 1):
                new = repr(float(new))
        else:
            return
        start, end = self.span(node)
        self.add(start, end, new, f"{self.source[start:end].decode()} -> {new}")

    def visit_Return(self, node):
        if (
            node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
            and not (self.function_returns_none and self.function_returns_none[-1])
        ):
            start, end = self.span(node.value)
            self.add(start, end, "None", "return ... -> return None")
        self.generic_visit(node)

    def visit_If(self, node):
        if any(isinstance(s, ast.Raise) for s in node.body) and not (
            isinstance(node.test, ast.Constant) and node.test.value is False
        ):
            start, end = self.span(node.test)
            self.add(start, end, "False", "raise guard -> False")
        self.generic_visit(node)


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
    )


def module_files(paths: list[str], root: Path) -> list[str]:
    out = []
    for p in paths:
        full = root / p
        if full.is_dir():
            out += sorted(str(f.relative_to(root)) for f in full.rglob("*.py"))
        elif full.exists():
            out.append(p)
    return out


def mutants_of(path: str, group: str, root: Path) -> list[Mutant]:
    """Every mutant of one module, in file order, with stable ids."""
    source = (root / path).read_bytes()
    tree = ast.parse(source)
    finder = _Finder(source)
    finder.visit(tree)
    original = ast.dump(tree)
    stem = Path(path).stem if Path(path).stem != "__init__" else Path(path).parent.name
    seen: dict[str, int] = {}
    out = []
    for start, end, new, label in sorted(set(finder.edits)):
        mutated = source[:start] + new + source[end:]
        try:
            if ast.dump(ast.parse(mutated)) == original:
                continue
        except SyntaxError:
            continue
        lineno = source.count(b"\n", 0, start) + 1
        line_start = finder.line_starts[lineno - 1]
        line_end = source.find(b"\n", start)
        text = source[line_start : line_end if line_end >= 0 else None]
        indent = len(text) - len(text.lstrip())
        key = f"{path}|{text.strip().decode()}|{start - line_start - indent}|{label}|{new!r}"
        seen[key] = seen.get(key, 0) + 1
        digest = hashlib.sha1(f"{key}|{seen[key]}".encode()).hexdigest()[:8]
        out.append(Mutant(f"{stem}-{digest}", group, path, lineno, start, end, new, label))
    return out


def suite_of(path: str) -> str:
    """The key of ``TESTS`` that maps a module: its own, or its nearest folder's."""
    key = path
    while key not in TESTS and "/" in key:
        key = key.rsplit("/", 1)[0]
    if key not in TESTS:
        raise SystemExit(f"no tests mapped for {path}: add it to TESTS")
    return key


def tests_for(path: str, root: Path) -> list[str]:
    """The test targets of a module: its own doctests, then its suite's test files (those
    present in ``root``: a test file not written yet is left out)."""
    return [path, *(t for t in TESTS[suite_of(path)] if (root / t.split("::")[0]).exists())]


# -- running ------------------------------------------------------------------------------------


def python() -> str:
    """The repository's venv interpreter (the one running this script otherwise)."""
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def make_copy(repo: Path, source: str, dest: Path) -> None:
    if source == "head":
        dest.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(repo), "archive", "HEAD"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    else:
        shutil.copytree(repo, dest, ignore=shutil.ignore_patterns(*IGNORED), symlinks=True)
    (dest / f"{PLUGIN}.py").write_text(PROFILE)


def env_for(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(copy)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a stale .pyc must never stand in for a mutant
    env["MPLBACKEND"] = "Agg"
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"  # one core per worker
    env.pop("PYTEST_ADDOPTS", None)
    return env


@dataclass
class Run:
    status: str  # "passed", "failed", "timeout", "error"
    seconds: float
    output: str


def pytest_args(copy: Path, targets: list[str], deselect: list[str], stop_first: bool) -> list[str]:
    args = ["-q", "-p", "no:cacheprovider", "-p", PLUGIN, "-x" if stop_first else "-rf"]
    args.append(f"--basetemp={copy}.tmp")  # each copy its own: runs never share tmp dirs
    args += targets
    for d in deselect:
        args += ["--deselect", d]
    return args


def _status(returncode: int | None) -> str:
    # pytest: 0 passed, 1 tests failed, 2 interrupted (a collection error), 3 internal error,
    # 4 usage error (also a conftest failing to import), 5 no tests collected. The same
    # command passed on the unmutated copy, so any failure is the mutant's doing.
    if returncode is None:
        return "timeout"
    return "passed" if returncode == 0 else "failed"


#: The fork server: imports the heavy third-party modules once (never ``simulator``), then
#: forks one child per run, which runs ``pytest.main`` exactly as ``python -m pytest`` would.
#: Reads one JSON job per line, answers one JSON line per job.
FORK_SERVER = r"""
import importlib, json, os, signal, sys, time
sys.dont_write_bytecode = True
for name in sys.argv[1].split(","):
    try:
        importlib.import_module(name)
    except Exception:
        pass
assert not any(m == "simulator" or m.startswith("simulator.") for m in sys.modules)
print("ready", flush=True)
for line in sys.stdin:
    job = json.loads(line)
    t0 = time.monotonic()
    log = open(job["log"], "wb")
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            sys.argv = ["pytest"]
            import pytest
            code = pytest.main(job["args"])
        except SystemExit as e:
            code = e.code
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 3
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else 3)
    log.close()
    deadline, rc = t0 + job["timeout"], None
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            rc = os.waitstatus_to_exitcode(status)
            break
        if time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            break
        time.sleep(0.02)
    print(json.dumps({"rc": rc, "seconds": time.monotonic() - t0}), flush=True)
"""
#: What the fork server imports up front: what the tests import anyway, ``simulator`` aside.
PRELOAD = (
    "numpy",
    "scipy.optimize",
    "scipy.sparse",
    "scipy.stats",
    "pandas",
    "yaml",
    "networkx",
    "matplotlib.pyplot",
    "highspy",
    "moocore",
    "hypothesis",
    "hypothesis.extra.numpy",
    "pytest",
    "_pytest.doctest",
)


class Runner:
    """Runs pytest in one copy: a fresh interpreter per run, or (``fork=True``) a child of a
    fork server started in that copy."""

    def __init__(self, copy: Path, fork: bool):
        self.copy = copy
        self.server = None
        if fork:
            self.server = subprocess.Popen(
                [python(), "-c", FORK_SERVER, ",".join(PRELOAD)],
                cwd=copy,
                env=env_for(copy),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            if self.server.stdout.readline().strip() != "ready":
                raise SystemExit("the fork server did not start")

    def close(self) -> None:
        if self.server is not None:
            self.server.stdin.close()
            self.server.wait()

    def run(
        self, targets: list[str], timeout: float, deselect: list[str], stop_first: bool = True
    ) -> Run:
        args = pytest_args(self.copy, targets, deselect, stop_first)
        if self.server is None:
            return self._subprocess(args, timeout)
        log = Path(f"{self.copy}.log")
        job = {"args": args, "timeout": timeout, "log": str(log)}
        self.server.stdin.write(json.dumps(job) + "\n")
        self.server.stdin.flush()
        answer = json.loads(self.server.stdout.readline())
        return Run(_status(answer["rc"]), answer["seconds"], log.read_text(errors="replace"))

    def _subprocess(self, args: list[str], timeout: float) -> Run:
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [python(), "-m", "pytest", *args],
            cwd=self.copy,
            env=env_for(self.copy),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=timeout)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            code = None
        return Run(_status(code), time.monotonic() - t0, out.decode(errors="replace"))


def check_isolation(copy: Path) -> None:
    out = subprocess.run(
        [python(), "-c", "import simulator; print(simulator.__file__)"],
        cwd=copy,
        env=env_for(copy),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(out).resolve().is_relative_to(copy.resolve()):
        raise SystemExit(f"the copy is not what is imported: simulator is {out}")


# -- the run ---------------------------------------------------------------------------------------


@dataclass
class Result:
    mutant: Mutant
    status: str  # killed, timeout, survived, error
    seconds: float
    tail: str = ""


@dataclass
class Baseline:
    seconds: float
    deselect: list[str] = field(default_factory=list)


def baseline(runner: Runner, targets: list[str], limit: float) -> Baseline:
    run = runner.run(targets, limit, [], stop_first=False)
    if run.status == "passed":
        return Baseline(run.seconds)
    failed = re.findall(r"^FAILED (\S+)", run.output, flags=re.M)
    if run.status != "failed" or not failed:
        raise SystemExit(f"unmutated tests do not pass ({run.status}): {targets}\n{run.output}")
    again = runner.run(targets, limit, failed, stop_first=False)
    if again.status != "passed":
        raise SystemExit(f"unmutated tests still fail after deselecting {failed}\n{again.output}")
    return Baseline(again.seconds, failed)


def in_parallel(runners: list[Runner], items: list, work) -> None:
    """``work(runner, item)`` for every item, one thread per runner (each runner its own
    copy); the first exception is raised again once the threads are done."""
    jobs: queue.Queue = queue.Queue()
    for item in items:
        jobs.put(item)
    errors: list[BaseException] = []

    def loop(runner: Runner) -> None:
        while not errors:
            try:
                item = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                work(runner, item)
            except BaseException as e:  # handed to the main thread
                errors.append(e)

    threads = [threading.Thread(target=loop, args=(r,)) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def mutate_and_run(runner: Runner, m: Mutant, base: Baseline, max_timeout: float) -> Result:
    """Write the mutant into the runner's copy, run its module's tests, restore the file."""
    target = runner.copy / m.path
    original = target.read_bytes()
    timeout = min(max_timeout, 3 * base.seconds + 60)
    try:
        target.write_bytes(m.apply(original))
        run = runner.run(tests_for(m.path, runner.copy), timeout, base.deselect)
    finally:
        target.write_bytes(original)
    status = {"failed": "killed", "passed": "survived"}.get(run.status, run.status)
    return Result(m, status, run.seconds, "\n".join(run.output.strip().splitlines()[-15:]))


def table(results: list[Result], by: str) -> str:
    rows: dict[str, list[Result]] = {}
    for r in results:
        rows.setdefault(getattr(r.mutant, by), []).append(r)
    lines = [
        f"| {'group' if by == 'group' else 'module'} | mutants | killed | (timeouts) "
        "| survived | equivalent | score |",
        "|---|---|---|---|---|---|---|",
    ]

    def line(name: str, rs: list[Result]) -> str:
        killed = sum(r.status in ("killed", "timeout") for r in rs)
        timeouts = sum(r.status == "timeout" for r in rs)
        equivalent = sum(r.status == "survived" and r.mutant.id in EQUIVALENT for r in rs)
        survived = sum(r.status == "survived" for r in rs) - equivalent
        errors = sum(r.status == "error" for r in rs)
        scored = len(rs) - equivalent - errors
        score = f"{100 * killed / scored:.0f}%" if scored else "-"
        return (
            f"| {name} | {len(rs)} | {killed} | {timeouts} | {survived} | {equivalent} | {score} |"
        )

    for name in sorted(rows, key=lambda k: (k != "solvers", k)):
        lines.append(line(name, rows[name]))
    if by == "group" and len(rows) > 1:
        lines.append(line("**all**", results))
    return "\n".join(lines)


def _draw(seed: int, mutant_id: str) -> bytes:
    return hashlib.sha1(f"{seed}/{mutant_id}".encode()).digest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--modules", nargs="+", choices=sorted(GROUPS), default=list(GROUPS))
    ap.add_argument(
        "--sample",
        nargs="+",
        default=["60"],
        metavar="N|GROUP=N",
        help="mutants drawn per group (0: all); GROUP=N for one group, e.g. 60 packages=20",
    )
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600.0, help="most seconds per mutant")
    ap.add_argument("--source", choices=("worktree", "head"), default="worktree")
    ap.add_argument("--workdir", type=Path, help="scratch directory (default: a new temp one)")
    ap.add_argument("--out", type=Path, default=Path("mutation-survivors.txt"))
    ap.add_argument("--json", type=Path, help="also write every result as JSON")
    ap.add_argument("--only", nargs="+", metavar="ID", help="run just these mutants")
    ap.add_argument("--list", action="store_true", help="list the sampled mutants, run nothing")
    ap.add_argument("--repo", type=Path, default=ROOT, help="the repository to copy")
    ap.add_argument(
        "--no-fork",
        dest="fork",
        action="store_false",
        help="a fresh interpreter per run (default: fork a server that imported numpy etc.)",
    )
    args = ap.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="zopa-mutation-"))
    work.mkdir(parents=True, exist_ok=True)
    base = work / "base"
    if base.exists():
        shutil.rmtree(base)
    make_copy(args.repo, args.source, base)

    sizes = {g: int(n) for g, _, n in (x.rpartition("=") for x in args.sample)}
    sample: list[Mutant] = []
    for group in args.modules:
        size = sizes.get(group, sizes.get("", 60))
        every = [m for f in module_files(GROUPS[group], base) for m in mutants_of(f, group, base)]
        if args.only:
            sample += [m for m in every if m.id in args.only]
        elif size and size < len(every):
            # the ``size`` mutants of smallest hash(seed, id): whether a mutant is drawn
            # depends on it alone, so adding or removing others hardly changes the sample
            ranked = sorted(every, key=lambda m: _draw(args.seed, m.id))
            chosen = {m.id for m in ranked[:size]}
            sample += [m for m in every if m.id in chosen]
        else:
            sample += every
        print(f"{group}: {len(every)} mutants", file=sys.stderr)
    if args.list:
        for m in sample:
            print(f"{m.id:<24} {m.path}:{m.line}  {m.label}")
        return 0
    if not sample:
        raise SystemExit("no mutants selected")

    copies = []
    for k in range(max(1, args.workers)):
        copy = work / f"w{k}"
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(base, copy)
        copies.append(copy)
    check_isolation(copies[0])
    runners = [Runner(c, args.fork) for c in copies]
    try:
        return _run(args, base, sample, runners)
    finally:
        for r in runners:
            r.close()


def _run(args, base: Path, sample: list[Mutant], runners: list[Runner]) -> int:
    # sanity: with the first module raising on import, its tests (not its doctests, which
    # pytest imports from the copy whatever the path) must fail
    first = sample[0]
    target = runners[0].copy / first.path
    original = target.read_bytes()
    try:
        target.write_bytes(original + b'\nraise RuntimeError("mutation sanity check")\n')
        sanity = runners[0].run(tests_for(first.path, base)[1:], args.timeout, [])
    finally:
        target.write_bytes(original)
    if sanity.status != "failed" or "mutation sanity check" not in sanity.output:
        raise SystemExit(f"the sanity mutant of {first.path} was not killed:\n{sanity.output}")

    # one unmutated run per suite, with the doctests of every sampled module it serves
    suites: dict[str, list[str]] = {}
    for m in sample:
        suites.setdefault(suite_of(m.path), [])
        if m.path not in suites[suite_of(m.path)]:
            suites[suite_of(m.path)].append(m.path)
    baselines: dict[str, Baseline] = {}
    lock = threading.Lock()

    def run_baseline(runner: Runner, suite: str) -> None:
        targets = suites[suite] + tests_for(suites[suite][0], base)[1:]
        b = baseline(runner, targets, args.timeout)
        note = f"; deselected (failing unmutated): {b.deselect}" if b.deselect else ""
        with lock:
            baselines[suite] = b
            print(f"baseline {b.seconds:5.1f}s  {' '.join(targets)}{note}", file=sys.stderr)

    in_parallel(runners, list(suites), run_baseline)

    results: list[Result] = []
    t0 = time.monotonic()

    def run_mutant(runner: Runner, m: Mutant) -> None:
        r = mutate_and_run(runner, m, baselines[suite_of(m.path)], args.timeout)
        with lock:
            results.append(r)
            print(
                f"[{len(results)}/{len(sample)}] {m.id:<24} {r.status:<8} {r.seconds:5.1f}s"
                f"  {m.path}:{m.line} {m.label}",
                flush=True,
            )

    in_parallel(runners, sample, run_mutant)
    elapsed = time.monotonic() - t0

    results.sort(key=lambda r: (r.mutant.group, r.mutant.path, r.mutant.line, r.mutant.id))
    print()
    print(table(results, "group"))
    print()
    print(table(results, "path"))
    print(f"\n{len(results)} mutants in {elapsed / 60:.1f} min, {len(runners)} workers")
    for r in results:
        if r.status != "survived" and r.mutant.id in EQUIVALENT:
            print(f"note: {r.mutant.id} is listed as equivalent but was {r.status}")
        if r.status == "error":
            print(f"error: {r.mutant.id}\n{r.tail}")

    with open(args.out, "w") as fh:
        for r in results:
            if r.status != "survived":
                continue
            why = EQUIVALENT.get(r.mutant.id)
            fh.write(f"## {r.mutant.id}  {r.mutant.path}:{r.mutant.line}  {r.mutant.label}")
            fh.write(f"  [equivalent: {why}]\n" if why else "\n")
            fh.write(r.mutant.diff((base / r.mutant.path).read_bytes()) + "\n")
    print(f"survivors written to {args.out}")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "id": r.mutant.id,
                        "group": r.mutant.group,
                        "path": r.mutant.path,
                        "line": r.mutant.line,
                        "label": r.mutant.label,
                        "status": r.status,
                        "seconds": round(r.seconds, 1),
                    }
                    for r in results
                ],
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
