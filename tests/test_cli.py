"""The ``zopa`` command line: exit codes, messages, reports, JSON and files.

Most tests call :func:`simulator.cli.main` in-process (fast); a few go through a real
subprocess, as a user would.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import analyze, load
from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "scenarios" / "examples").glob("*.yaml"))
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"

GOOD = """\
format: 1
name: tiny
issues:
  deal: {options: [a, b, c]}
  cap: {range: [0, 10], grid: 3}
parties:
  p:
    reservation: 0.3
    assumption: invented
    issues:
      deal: {weight: 1, values: {a: 1, b: 0.5, c: 0}}
      cap: {weight: 1, points: [[0, 1], [10, 0]]}
  q:
    reservation: 0.3
    assumption: invented
    issues:
      deal: {weight: 1, values: {a: 0, b: 0.5, c: 1}}
      cap: {weight: 1, ideal: 10}
"""


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def write(tmp_path: Path, text: str | bytes, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- bad input: exit code 2, FILE:LINE:COL: path: message, never a traceback -------------------

BAD = {
    "unknown key": (
        GOOD.replace(
            "reservation: 0.3\n    assumption: invented\n    issues:\n"
            "      deal: {weight: 1, values: {a: 1",
            "reservaton: 0.3\n    assumption: invented\n    issues:\n"
            "      deal: {weight: 1, values: {a: 1",
            1,
        ),
        r"s\.yaml:8:5: parties\.p\.reservaton: unknown key 'reservaton' "
        r"\(did you mean 'reservation'\?\)",
    ),
    "wrong type": (
        GOOD.replace("reservation: 0.3", "reservation: high", 1),
        r"s\.yaml:8:18: parties\.p\.reservation: .*number",
    ),
    "out of range": (
        GOOD.replace("reservation: 0.3", "reservation: 1.5", 1),
        r"s\.yaml:8:18: parties\.p\.reservation: .*\[0, 1\]",
    ),
    "unknown option": (
        GOOD.replace("values: {a: 1, b: 0.5, c: 0}", "values: {a: 1, bb: 0.5, c: 0}"),
        r"s\.yaml:11:40: parties\.p\.issues\.deal\.values\.bb: .*'bb'.*"
        r"did you mean 'b'",
    ),
    "unknown issue": (
        GOOD.replace("      cap: {weight: 1, ideal: 10}", "      caps: {weight: 1, ideal: 10}"),
        r"s\.yaml:18:7: parties\.q\.issues\.caps: .*did you mean 'cap'",
    ),
    "unsorted points": (
        GOOD.replace("[[0, 1], [10, 0]]", "[[10, 0], [0, 1]]"),
        r"s\.yaml:12:\d+: parties\.p\.issues\.cap\.points.*ascending",
    ),
    "duplicate keys": (
        GOOD.replace(
            "  cap: {range: [0, 10], grid: 3}\n",
            "  cap: {range: [0, 10], grid: 3}\n  cap: {range: [0, 5]}\n",
        ),
        r"s\.yaml:6:3: issues\.cap: .*duplicate.*line 5",
    ),
    "empty file": ("", r"s\.yaml:1(:1)?: .*empty"),
    "not a mapping": ("- just\n- a list\n", r"s\.yaml:1:1: .*mapping"),
    "broken yaml": ("format: 1\nname: [unclosed\n", r"s\.yaml:\d+:\d+: "),
    "binary data": (b"\x00\x01\x02\xff\xfe binary", r"s\.yaml:1(:\d+)?: .*UTF-8"),
    "python tag": (
        "format: !!python/object/apply:os.system ['echo hacked']\n",
        r"s\.yaml:1:9: .*tag",
    ),
    "alias bomb": (
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
            f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
            f"*{chr(97 + i)}]\n"
            for i in range(8)
        ),
        r"s\.yaml:\d+:\d+: .*alias",
    ),
    "nan": (
        GOOD.replace("reservation: 0.3", "reservation: .nan", 1),
        r"s\.yaml:8:18: parties\.p\.reservation: .*(NaN|finite)",
    ),
    "infinity": (
        GOOD.replace("weight: 1, ideal: 10", "weight: .inf, ideal: 10"),
        r"s\.yaml:18:\d+: parties\.q\.issues\.cap\.weight: .*(finite|infinit)",
    ),
    "all weights zero": (
        GOOD.replace(
            "deal: {weight: 1, values: {a: 0,", "deal: {weight: 0, values: {a: 0,"
        ).replace("weight: 1, ideal", "weight: 0, ideal"),
        r"s\.yaml:\d+:\d+: parties\.q.*weight",
    ),
    "single party": (GOOD[: GOOD.index("  q:")], r"s\.yaml:\d+:\d+: parties: .*two"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exits_2_with_located_message(case, tmp_path, capsys):
    text, pattern = BAD[case]
    path = write(tmp_path, text)
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert any(re.search(pattern, line) for line in err.splitlines()), err


def test_extends_cycle_and_missing_base_exit_2(tmp_path, capsys):
    write(tmp_path, "extends: b.yaml\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\n", "b.yaml")
    assert main(["check", str(tmp_path / "a.yaml")]) == 2
    assert "cycle" in capsys.readouterr().err
    write(tmp_path, "extends: nowhere.yaml\n", "c.yaml")
    assert main(["run", str(tmp_path / "c.yaml")]) == 2
    err = capsys.readouterr().err
    assert "c.yaml:1:10: extends:" in err and "not found" in err


def test_all_problems_are_reported_at_once(tmp_path, capsys):
    text = GOOD.replace("reservation: 0.3", "reservation: 2", 1).replace("grid: 3", "grid: 1")
    assert main(["check", str(write(tmp_path, text))]) == 2
    err = capsys.readouterr().err
    assert "parties.p.reservation" in err and "issues.cap.grid" in err


def test_bad_input_through_a_subprocess_has_no_traceback(tmp_path):
    path = write(tmp_path, GOOD.replace("options: [a, b, c]", "options: a"))
    proc = run_cli("run", path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "s.yaml:4:19: issues.deal.options" in proc.stderr


def test_missing_file_exits_2(capsys):
    assert main(["run", "no/such/file.yaml"]) == 2
    assert "not found" in capsys.readouterr().err


def test_space_too_large_exits_2(tmp_path, capsys):
    text = GOOD + "solve: {max_outcomes: 5}\n"
    assert main(["run", str(write(tmp_path, text))]) == 2
    assert "9 outcomes" in capsys.readouterr().err


def test_internal_error_is_one_line_exit_1(monkeypatch, capsys):
    import simulator.study

    def broken(scenario):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(simulator.study, "solve_scenario", broken)
    assert main(["run", str(JOB)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err and "report" in err


# -- run ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_run_prints_a_readable_report(path, capsys):
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    for section in ("Parties", "Zone of possible agreement", "What the numbers rest on"):
        assert section in out
    assert ("OPEN." in out) != ("CLOSED." in out)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_json_round_trips_the_engine_answers(path, capsys):
    assert main(["run", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    scenario = load(path)
    result = analyze(scenario.model(), lotteries=scenario.lotteries)
    assert data["scenario"] == scenario.name
    assert data["parties"] == [p.name for p in scenario.parties]
    assert data["outcome_count"] == scenario.model().space.count
    zone = data["zopa"]
    assert zone["exists"] == result.zone.exists
    assert zone["slack"] == pytest.approx(result.zone.slack)
    assert zone["count"] == result.zone.count
    assert zone["share"] == pytest.approx(result.zone.share)
    assert data["pareto"]["count"] == result.pareto.count
    expected_blocking: dict[str, list[str]] = {}
    for b in result.zone.blocking:
        expected_blocking.setdefault(b.party, []).append(b.requirement)
    assert zone["blocking"] == expected_blocking
    for concept in ("nash", "kalai", "utilitarian", "egalitarian"):
        solution = result.solutions[concept]
        if solution is None:
            assert data[concept] is None
        else:
            assert data[concept]["outcome"] == dict(solution.outcome)
            assert data[concept]["utilities"] == pytest.approx(dict(solution.utilities))
    assert set(data["proposals"]) == set(scenario.proposals)


def test_json_proposals_show_acceptance(capsys):
    assert main(["run", str(JOB), "--json"]) == 0
    proposals = json.loads(capsys.readouterr().out)["proposals"]
    assert proposals["first_offer"]["acceptable"] == {"candidate": False, "employer": True}
    assert proposals["counter"]["acceptable"] == {"candidate": True, "employer": None}
    assert proposals["counter"]["open_issues"] == ["start"]
    low, high = proposals["counter"]["utilities"]["employer"]
    assert low < high


def test_run_out_writes_report_json_and_figures(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(ROOT / "scenarios/examples/river_treaty.yaml"), "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert {
        "report.md",
        "result.json",
        "utility_space.png",
        "utility_space.svg",
        "bargaining_gap.png",
        "bargaining_gap.svg",
    } <= names
    assert (out / "utility_space.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = (out / "report.md").read_text()
    assert report.startswith("# zopa: A river treaty") and "![utility space]" in report
    assert json.loads((out / "result.json").read_text())["zopa"]["exists"] is True


# -- check and evaluate ------------------------------------------------------------------------


def test_check_several_files(capsys):
    assert main(["check", *map(str, EXAMPLES)]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok (") == len(EXAMPLES)


def test_check_strict_fails_on_unsourced_numbers(tmp_path, capsys):
    text = GOOD.replace("    assumption: invented\n", "", 1)
    path = write(tmp_path, text)
    assert main(["check", str(path)]) == 0
    assert "warning:" in capsys.readouterr().err
    assert main(["check", "--strict", str(path)]) == 2


def test_evaluate_a_named_proposal(capsys):
    assert main(["evaluate", str(JOB), "--proposal", "first_offer"]) == 0
    out = capsys.readouterr().out
    assert "Employer's first offer: rejected" in out
    assert "Candidate" in out and "0.128" in out


def test_evaluate_with_set_and_json(capsys):
    args = ["evaluate", str(JOB), "--set", "salary=65", "--set", "remote=full", "--json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["open_issues"] == ["start"]
    assert data["acceptable"]["candidate"] is True


@pytest.mark.parametrize(
    "args, message",
    [
        (["--proposal", "nope"], "no proposal 'nope'"),
        (["--set", "salary=200"], "salary = 200 is outside the range [50, 80]"),
        (["--set", "remote=sometimes"], "not an option of remote"),
        (["--set", "colour=red"], "no issue 'colour' (issues: salary, remote, start)"),
        (["--set", "salary=lots"], "takes a number"),
    ],
)
def test_evaluate_bad_arguments_exit_2(args, message, capsys):
    assert main(["evaluate", str(JOB), *args]) == 2
    assert message in capsys.readouterr().err


def test_help_and_module_entry_point():
    proc = run_cli("--help")
    assert proc.returncode == 0 and "run" in proc.stdout and "evaluate" in proc.stdout
    proc = run_cli("frobnicate")
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_help_does_not_import_numpy():
    code = (
        "import sys; from simulator.cli import build_parser; build_parser(); "
        "print('numpy' in sys.modules, 'matplotlib' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.split() == ["False", "False"]


def test_solve_concepts_limit_what_is_reported(tmp_path, capsys):
    path = write(tmp_path, GOOD + "solve: {concepts: [nash]}\n")
    assert main(["run", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "nash" in data and not {"zopa", "pareto", "kalai", "utilitarian"} & set(data)
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Zone of possible agreement" not in out and "Nash" in out


def test_a_quote_of_only_ellipsis_is_not_verified(tmp_path, capsys):
    (tmp_path / "doc.txt").write_text("Anything at all.\n")
    text = "sources:\n  d: {file: doc.txt}\n" + GOOD.replace(
        "    assumption: invented\n", '    source: {ref: d, quote: "..."}\n', 1
    )
    path = write(tmp_path, text)
    assert main(["check", "--strict", str(path)]) == 2
    assert "quote" in capsys.readouterr().err


DATED = """\
format: 1
name: dated sources
sources:
  old:
    file: old.txt
    title: An old analysis
    date: January 2025
    note: >
      written before
      the talks.
issues:
  venue: {options: [geneva, vienna]}
parties:
  north:
    reservation: 0.2
    issues:
      venue:
        weight: 1
        values: {geneva: 1, vienna: 0}
        source: {ref: old, quote: "prefers Geneva"}
    assumption: illustrative reservation
  south:
    reservation: 0.2
    assumption: illustrative
    issues:
      venue:
        weight: 1
        values: {geneva: 0.5, vienna: 1}
        source: {ref: old, quote: "likes Vienna"}
        assumption: "the 0.5 for Geneva is a guess"
"""


def test_report_and_json_give_the_five_groups_weights_and_dated_sources(tmp_path, capsys):
    (tmp_path / "old.txt").write_text("The north prefers Geneva; the south likes Vienna.\n")
    path = tmp_path / "dated.yaml"
    path.write_text(DATED, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    line = capsys.readouterr().out
    assert (
        "1 sourced, 3 quoted (magnitude assumed), 2 assumed, 0 unverified, 0 unsourced; "
        "weights: 2 quoted (magnitude assumed))" in line
    )
    assert main(["run", str(path)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Of 6 numbers: 1 sourced, 3 quoted (magnitude assumed), 2 assumed" in text
    assert "Weights (2 of the numbers): 2 quoted (magnitude assumed)." in text
    assert "old: An old analysis (January 2025): backs 4 numbers. written before the talks." in text
    assert "Assumptions: north" in text and "Assumptions: south" in text
    assert main(["run", str(path), "--json"]) == 0
    prov = json.loads(capsys.readouterr().out)["provenance"]
    assert {k: prov[k] for k in ("sourced", "quoted_and_assumed", "assumed")} == {
        "sourced": 1,
        "quoted_and_assumed": 3,
        "assumed": 2,
    }
    assert prov["weights"]["quoted_and_assumed"] == 2 and prov["weights"]["sourced"] == 0
    assert prov["sources"]["old"] == {
        "title": "An old analysis",
        "date": "January 2025",
        "note": "written before the talks.",
        "numbers": 4,
    }
