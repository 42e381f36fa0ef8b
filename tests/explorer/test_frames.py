"""The explorer's frames: each one is the full analysis of the scenario with one number changed."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.explorer import compute_frames
from simulator.explorer.frames import describe_parameter, frame_values, resolve_path
from simulator.sweeps.apply import parameter_value, with_parameters

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
RIVER = ROOT / "scenarios" / "examples" / "river_treaty.yaml"


@pytest.fixture(scope="module")
def job():
    return simulator.load(JOB)


@pytest.fixture(scope="module")
def explorer(job):
    return compute_frames(job, frames=5)


def test_each_frame_is_the_analysis_with_the_parameter_applied(job, explorer):
    model = job.model()
    for frame in explorer.frames:
        result = simulator.analyze(with_parameters(model, {explorer.path: frame.value}))
        assert frame.exists == result.zone.exists
        assert frame.slack == pytest.approx(result.zone.slack)
        assert frame.count == result.zone.count
        nash = result.solutions["nash"]
        if nash is None:
            assert frame.nash_gains is None and frame.nash_outcome is None
        else:
            assert frame.nash_gains == pytest.approx(nash.gains)
            assert frame.nash_outcome == nash.outcome


def test_the_default_is_the_first_signatorys_reservation_over_the_whole_scale(explorer):
    assert explorer.path == "parties.candidate.reservation"
    assert explorer.label == "Candidate's reservation (walk-away utility)"
    assert [f.value for f in explorer.frames] == [0.0, 0.25, 0.45, 0.75, 1.0]
    assert (explorer.x, explorer.y) == ("candidate", "employer")
    assert explorer.total == 42 and explorer.name == "A job offer (two parties, a zone)"
    assert explorer.party_labels == {"candidate": "Candidate", "employer": "Employer"}


def test_the_zone_opens_and_closes_along_the_default_range(explorer):
    assert [f.exists for f in explorer.frames] == [True, True, True, True, False]
    slacks = [f.slack for f in explorer.frames]
    assert slacks == sorted(slacks, reverse=True)  # a stricter candidate: less slack
    assert slacks[-1] < 0


def test_the_scenarios_own_value_is_exactly_one_frame(explorer):
    assert explorer.value == 0.45
    assert [f.own for f in explorer.frames] == [False, False, True, False, False]
    assert explorer.own_index == 2 and explorer.frames[2].value == 0.45


@pytest.mark.parametrize(
    "path, low, high",
    [
        ("parties.candidate.reservation", 0.0, 1.0),
        ("parties.candidate.issues.remote.values.two_days", 0.0, 1.0),
        ("parties.candidate.issues.salary.points[0][1]", 0.0, 1.0),
        ("parties.employer.issues.salary.ideal", 50.0, 80.0),
        ("parties.candidate.issues.remote.weight", 0.0, 0.7),
        ("parties.employer.power", 0.25, 4.0),
    ],
)
@pytest.mark.parametrize("frames", [2, 7, 21])
def test_default_values_span_the_range_and_hold_the_scenarios_value(job, path, low, high, frames):
    model = job.model()
    values = frame_values(model, path, frames)
    own = parameter_value(model, path)
    assert own in values and len(values) == frames
    assert values == tuple(sorted(set(values)))
    assert values[0] == own or values[0] == pytest.approx(low)
    assert values[-1] == own or values[-1] == pytest.approx(high)


def test_power_steps_are_equal_ratios(job):
    values = frame_values(job.model(), "parties.employer.power", 5)
    assert values == pytest.approx((0.25, 0.5, 1.0, 2.0, 4.0))
    assert 1.0 in values


def test_a_given_range_holds_the_scenarios_value_only_when_it_lies_inside(job):
    model = job.model()
    path = "parties.candidate.reservation"
    assert frame_values(model, path, 3, 0.2, 0.6) == (0.2, 0.45, 0.6)
    assert frame_values(model, path, 3, 0.6, 0.8) == pytest.approx((0.6, 0.7, 0.8))
    assert frame_values(model, path, 1) == (0.45,)
    with pytest.raises(ValueError, match="empty"):
        frame_values(model, path, 3, 0.8, 0.2)
    with pytest.raises(ValueError, match="at least 1"):
        frame_values(model, path, 0)


def test_given_values_are_sorted_and_deduplicated_and_marked(job):
    e = compute_frames(job, "parties.employer.reservation", values=[0.9, 0.4, 0.2, 0.4])
    assert [f.value for f in e.frames] == [0.2, 0.4, 0.9]
    assert [f.own for f in e.frames] == [False, True, False]
    outside = compute_frames(job, "parties.employer.reservation", values=[0.9])
    assert outside.own_index is None and not outside.frames[0].exists


def test_the_picture_shows_the_explored_party_against_another_signatory():
    river = simulator.load(RIVER)
    e = compute_frames(river, party="midstream", values=[0.4])
    assert (e.path, e.x, e.y) == ("parties.midstream.reservation", "midstream", "upstream")
    e = compute_frames(river, party="midstream", values=[0.4], x="downstream", y="upstream")
    assert (e.x, e.y) == ("downstream", "upstream")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"party": "nobody"}, "no party 'nobody'"),
        ({"path": "parties.nobody.reservation"}, "no party 'nobody'"),
        ({"path": "parties.candidate.salary"}, "not a parameter"),
        ({"path": "parties.candidate.issues.remote.ideal"}, "has no ideal"),
        ({"path": "parties.employer.reservation", "party": "candidate"}, "not a number of party"),
        ({"x": "nobody"}, "no party 'nobody' to draw"),
        ({"x": "employer", "y": "employer"}, "two different parties"),
        ({"path": "parties.employer.power", "values": [0.0, 1.0]}, "power must be positive"),
        ({"values": []}, "at least one finite value"),
        ({"values": [float("nan")]}, "at least one finite value"),
    ],
)
def test_bad_requests_say_what_is_wrong(job, kwargs, message):
    with pytest.raises(ValueError, match=message):
        compute_frames(job, **{"values": [0.5], **kwargs})


def test_resolve_path_defaults_to_a_reservation(job):
    model = job.model()
    assert resolve_path(model) == "parties.candidate.reservation"
    assert resolve_path(model, party="employer") == "parties.employer.reservation"
    path = "parties.employer.issues.start.weight"
    assert resolve_path(model, path, "employer") == path


@pytest.mark.parametrize(
    "path, words",
    [
        ("parties.employer.power", "Employer's bargaining power"),
        ("parties.candidate.issues.remote.weight", "Candidate's weight on Remote work"),
        ("parties.candidate.issues.remote.values.two_days", "value of Remote work = two days"),
        ("parties.candidate.issues.salary.points[1][1]", "value at point 2 of Annual salary"),
    ],
)
def test_parameters_are_described_in_plain_words(job, path, words):
    assert words in describe_parameter(job.model(), path)


def test_svgs_inline_cleanly_with_ids_unique_to_their_frame(explorer):
    seen: set[str] = set()
    for k, frame in enumerate(explorer.frames):
        for svg, prefix in ((frame.utility_space, f"f{k}u-"), (frame.gap_chart, f"f{k}g-")):
            assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
            assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<metadata" not in svg
            assert f'<title id="{prefix}title">' in svg  # a name for each figure
            ids = re.findall(r'\sid="([^"]+)"', svg)
            assert ids and all(i.startswith(prefix) for i in ids)
            assert len(set(ids)) == len(ids) and not seen & set(ids)
            seen |= set(ids)
            for ref in re.findall(r'(?:url\(#|href="#)([^)"]+)', svg):
                assert ref in ids, f"dangling reference #{ref}"
            urls = set(re.findall(r"https?://[^\"'\s<>)]+", svg))
            assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
            assert not re.search(r'\s(width|height)="[\d.]+pt"', svg.split(">", 1)[0])


def test_the_pictures_change_with_the_parameter(explorer):
    first, last = explorer.frames[0], explorer.frames[-1]
    assert first.gap_chart.replace("f0g-", "") != last.gap_chart.replace("f4g-", "")
    assert "zone open" in first.utility_space and "no zone" in last.utility_space
    assert np.isfinite([f.slack for f in explorer.frames]).all()
