"""The explorer's frames: one scenario solved at each value of one of its numbers, ahead of time.

:func:`compute_frames` takes a parameter path (:mod:`simulator.sweeps.params`; by default a
signatory's reservation) and a list of values, and for each value solves the negotiation with
that number replaced -- the analysis :func:`simulator.analyze` gives (Nash and
Kalai-Smorodinsky only), from outcomes enumerated once for every frame
(:mod:`simulator.explorer.solve`) -- and draws the utility-space picture and the
bargaining-gap chart as SVG text (:mod:`simulator.explorer.svg`, from the data of
:mod:`simulator.plots`) that can be inlined in one HTML page
(:func:`simulator.explorer.page.render_html`).

The *slack* of a frame is the largest ``t`` such that some agreement allowed by the
constraints and every signatory's red lines gives every signatory ``i`` at least
``d_i + t`` (``d_i`` its reservation): a margin when ``t >= 0`` (a zone of possible agreement
exists), minus the bargaining gap when ``t < 0`` (Raiffa 1982).

References
----------
Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard University Press.
https://doi.org/10.4159/9780674039940
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from simulator.analysis import analyze
from simulator.explorer.solve import frame_solver
from simulator.model import ContinuousIssue, Model, PiecewiseLinearValue
from simulator.scenario import Scenario
from simulator.study import Study
from simulator.sweeps.apply import check_domain, parameter_value, with_parameters
from simulator.sweeps.params import parse_path

__all__ = [
    "MAX_FRAMES",
    "Explorer",
    "Frame",
    "compute_frames",
    "describe_parameter",
    "frame_values",
    "resolve_path",
]

#: The concepts solved per frame: the two the utility-space picture marks.
FRAME_CONCEPTS = ("nash", "kalai")

#: The most frames one page holds: each is solved and drawn ahead of time, and its two figures
#: are stored in the page (about 12 kB a frame on a small scenario, 135 kB on a Ukraine one;
#: a slider of more positions than a screen has pixels shows nothing more).
MAX_FRAMES = 1000


@dataclass(frozen=True)
class Frame:
    """The scenario solved at one value of the explored parameter.

    Attributes
    ----------
    value : the parameter's value in this frame.
    own : whether ``value`` is the scenario's own value.
    exists : whether a zone of possible agreement exists.
    slack : the margin (``>= 0``) or minus the bargaining gap (``< 0``); ``None`` when no
        agreement obeys the constraints and every signatory's red lines.
    count : agreements acceptable to every signatory (among ``Explorer.total``).
    nash_gains : each signatory's gain over its reservation at the Nash agreement, or ``None``
        when there is no zone.
    nash_outcome : the Nash agreement, issue by issue (``None`` when there is no zone).
    utility_space : SVG of the utility-space picture (parties ``Explorer.x`` and ``y``).
    gap_chart : SVG of the bargaining-gap chart.
    """

    value: float
    own: bool
    exists: bool
    slack: float | None
    count: int
    nash_gains: Mapping[str, float] | None
    nash_outcome: Mapping[str, str | float] | None
    utility_space: str
    gap_chart: str


@dataclass(frozen=True)
class Explorer:
    """A scenario's frames along one parameter, ready for :func:`render_html`.

    Attributes
    ----------
    name, description : the scenario's.
    path : the parameter explored (``parties.russia.reservation``).
    label : the parameter in plain words ("Russia's reservation (walk-away utility)").
    value : the parameter's value in the scenario.
    frames : one per value, in ascending order of value.
    x, y : the parties across and up in the utility-space picture.
    total : the number of possible agreements (outcomes of the enumeration grid).
    party_labels : each signatory's label, in order.
    issue_labels : each issue's label (with its unit, if any), in order.
    """

    name: str
    description: str
    path: str
    label: str
    value: float
    frames: tuple[Frame, ...]
    x: str
    y: str
    total: int
    party_labels: Mapping[str, str]
    issue_labels: Mapping[str, str]

    @property
    def own_index(self) -> int | None:
        """The index of the frame at the scenario's own value (``None`` if none is)."""
        return next((k for k, f in enumerate(self.frames) if f.own), None)


def _possessive(label: str) -> str:
    return label + ("'" if label.endswith("s") else "'s")


def _issue_label(issue) -> str:
    """An issue as a reader sees it: its label (or name), with its unit if it has one."""
    unit = f" ({issue.unit})" if isinstance(issue, ContinuousIssue) and issue.unit else ""
    return (issue.label or issue.name.replace("_", " ")) + unit


def describe_parameter(model: Model, path: str) -> str:
    """A parameter path in plain words, with the parties' and issues' labels.

    >>> import simulator
    >>> model = simulator.load("scenarios/examples/job_offer.yaml").model()
    >>> describe_parameter(model, "parties.candidate.reservation")
    "Candidate's reservation (walk-away utility)"
    >>> describe_parameter(model, "parties.employer.issues.salary.ideal")
    "Employer's ideal point on Annual salary (thousand euros)"
    """
    parameter_value(model, path)  # a ValueError for a path that names nothing
    part = parse_path(path)
    party = model.parties[model.party_names.index(str(part["party"]))]
    who = _possessive(party.label or party.name)
    if part["top"] == "reservation":
        return f"{who} reservation (walk-away utility)"
    if part["top"] == "power":
        return f"{who} bargaining power (its weight in the Nash solution)"
    issue = model.issues[model.issue_names.index(str(part["issue"]))]
    what = issue.label or issue.name.replace("_", " ")
    if part["entry"] == "weight":
        return f"{who} weight on {what} (how much the issue matters to it)"
    if part["entry"] == "ideal":
        return f"{who} ideal point on {_issue_label(issue)}"
    if part["option"] is not None:
        option = str(part["option"]).replace("_", " ")
        return f"{who} value of {what} = {option} (0 = worst, 1 = best)"
    point = int(str(part["point"])) + 1
    if part.get("coordinate") == 0:
        return f"{who} breakpoint {point} of its curve on {_issue_label(issue)} (where it bends)"
    return f"{who} value at point {point} of {what} (0 = worst, 1 = best)"


def resolve_path(model: Model, path: str | None = None, party: str | None = None) -> str:
    """The parameter to explore: ``path`` if given, else ``parties.<party>.reservation`` with
    ``party`` defaulting to the first signatory. ``ValueError`` for an unknown party, a path
    that names nothing, or a path of another party than ``party``.

    >>> import simulator
    >>> model = simulator.load("scenarios/examples/job_offer.yaml").model()
    >>> resolve_path(model), resolve_path(model, party="employer")
    ('parties.candidate.reservation', 'parties.employer.reservation')
    """
    names = model.party_names
    if party is not None and party not in names:
        raise ValueError(f"no party {party!r} (parties: {', '.join(names)})")
    if path is None:
        first = next(n for n, s in zip(names, model.signatories) if s)
        path = f"parties.{party or first}.reservation"
    elif party is not None and parse_path(path)["party"] != party:
        raise ValueError(f"{path!r} is not a number of party {party!r}; give one or the other")
    parameter_value(model, path)  # a ValueError for a path that names nothing
    return path


def _default_bounds(model: Model, path: str, own: float) -> tuple[float, float]:
    part = parse_path(path)
    if part["top"] == "power":
        return own / 4, own * 4
    if part["entry"] == "weight":
        party = model.parties[model.party_names.index(str(part["party"]))]
        return 0.0, 2 * own if own > 0 else max([*party.weights.values(), 1.0])
    if part["entry"] == "ideal":
        issue = model.issues[model.issue_names.index(str(part["issue"]))]
        if isinstance(issue, ContinuousIssue):
            return float(issue.low), float(issue.high)
    if part.get("coordinate") == 0:  # a breakpoint moves between its neighbours, never past
        party = model.parties[model.party_names.index(str(part["party"]))]
        curve = party.values[str(part["issue"])]
        assert isinstance(curve, PiecewiseLinearValue)  # parameter_value checked the path
        xs = list(curve.xs)
        j = int(str(part["point"]))
        if len(xs) == 1:  # no neighbour: the x's own size either way
            return own - max(1.0, abs(own)), own + max(1.0, abs(own))
        if j == 0:  # mirror the gap to the next x
            room = 2 * (xs[1] - own)
            return float(own - room / 2), float(xs[1] - room / 100)
        if j == len(xs) - 1:  # mirror the gap to the previous x
            room = 2 * (own - xs[j - 1])
            return float(xs[j - 1] + room / 100), float(own + room / 2)
        room = xs[j + 1] - xs[j - 1]
        return float(xs[j - 1] + room / 100), float(xs[j + 1] - room / 100)
    return min(0.0, own), max(1.0, own)  # reservation, option value, point: a utility


def frame_values(
    model: Model,
    path: str,
    frames: int = 21,
    low: float | None = None,
    high: float | None = None,
) -> tuple[float, ...]:
    """``frames`` values of the parameter at ``path``, from ``low`` to ``high``, with the
    scenario's own value among them whenever it lies in that range.

    The values are evenly spaced, except that the one nearest the scenario's value is
    replaced by it exactly (so it is always a frame). Default ranges:

    * a reservation, an option's value, a point's value: ``[0, 1]``, the whole utility scale
      (0 the worst agreement, 1 the ideal one). A party's reservation ``d`` leaves a zone
      exactly while ``d`` is at most the best it can get while every other signatory accepts,
      which does not depend on ``d``: across ``[0, 1]`` the zone therefore opens at the low
      end and closes at the high end whenever that best lies inside the scale, so the slider
      shows both, wherever the scenario's own value happens to sit. A window of, say, +-0.3
      around the scenario's value would miss the switch when it lies further away;
    * an ideal: the issue's range;
    * a weight ``w``: ``[0, 2w]`` (from indifference to twice the importance);
    * a power ``p``: ``[p/4, 4p]`` on a logarithmic scale (powers count only relative to
      each other's, so equal steps are equal ratios).

    Raises
    ------
    ValueError
        A path that names nothing, fewer than one frame or more than :data:`MAX_FRAMES`, or
        ``low > high``.

    Examples
    --------
    >>> import simulator
    >>> model = simulator.load("scenarios/examples/job_offer.yaml").model()
    >>> frame_values(model, "parties.candidate.reservation", 5)
    (0.0, 0.25, 0.45, 0.75, 1.0)
    """
    if not 1 <= frames <= MAX_FRAMES:
        raise ValueError(f"frames must be at least 1 and at most {MAX_FRAMES:,}, not {frames:,}")
    own = parameter_value(model, path)
    lo, hi = _default_bounds(model, path, own)
    lo = lo if low is None else float(low)
    hi = hi if high is None else float(high)
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo > hi:
        raise ValueError(f"the range {lo:g}:{hi:g} is empty; give LOW <= HIGH")
    if frames == 1:
        return (own if lo <= own <= hi else lo,)
    power = parse_path(path)["top"] == "power" and low is None and high is None
    grid = np.geomspace(lo, hi, frames) if power else np.linspace(lo, hi, frames)
    if lo <= own <= hi:
        grid[int(np.argmin(np.abs(grid - own)))] = own
    return tuple(dict.fromkeys(float(v) for v in grid))


def _draw(study: Study, x: str, y: str, k: int, data=None) -> tuple[str, str]:
    """The utility-space picture (of ``data``, if given: its
    :func:`~simulator.plots.utility_space.utility_space_data`) and the gap chart of one
    frame, as SVG (:mod:`simulator.explorer.svg`; ids prefixed ``f{k}u-`` and ``f{k}g-``)."""
    from simulator.explorer.svg import gap_svg, utility_space_svg
    from simulator.plots.gap_chart import gap_data
    from simulator.plots.utility_space import utility_space_data

    data = data if data is not None else utility_space_data(study, x, y)
    return (
        utility_space_svg(study, data, f"f{k}u-"),
        gap_svg(study, gap_data(study), f"f{k}g-"),
    )


def _pair(model: Model, path: str, x: str | None, y: str | None) -> tuple[str, str]:
    """The parties of the picture: as given, else the explored party against the first other
    signatory (else the first two signatories)."""
    names = model.party_names
    for who in (x, y):
        if who is not None and who not in names:
            raise ValueError(f"no party {who!r} to draw (parties: {', '.join(names)})")
    sig = [n for n, s in zip(names, model.signatories) if s]
    if len(sig) < 2:
        sig = sig + [n for n in names if n not in sig][:1]
    mover = str(parse_path(path)["party"])
    first = x or (mover if mover in sig else sig[0])
    second = y or next(n for n in sig if n != first)
    if first == second:
        raise ValueError(f"the picture needs two different parties, not {first!r} twice")
    return first, second


def compute_frames(
    scenario: Scenario,
    path: str | None = None,
    values: Sequence[float] | None = None,
    party: str | None = None,
    x: str | None = None,
    y: str | None = None,
    frames: int = 21,
    progress: Callable[[int], object] | None = None,
) -> Explorer:
    """Solve and draw ``scenario`` at every value of one parameter.

    Parameters
    ----------
    scenario : a loaded scenario (:func:`simulator.load`).
    path : the parameter to explore (:mod:`simulator.sweeps.params`); default
        ``parties.<party>.reservation``.
    values : its values, one frame each (sorted, duplicates dropped); default
        :func:`frame_values` with ``frames`` values.
    party : the party whose reservation is explored when ``path`` is not given; default the
        first signatory.
    x, y : the parties across and up in the utility-space picture; default the explored party
        (when a signatory) against the first other signatory.
    frames : how many values when ``values`` is not given.
    progress : called with 1 after each frame (a progress bar's ``update``).

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        An unknown party, a path that names nothing, no values or more than
        :data:`MAX_FRAMES`, or a value outside the parameter's domain (a reservation outside
        ``[0, 1]``, a power that is not positive, a negative weight, an ideal outside its
        issue's range: :func:`~simulator.sweeps.apply.check_domain`).

    Notes
    -----
    Each frame is the full :func:`simulator.analyze` (zone, blocking analysis, Pareto frontier,
    Nash and Kalai-Smorodinsky, no lotteries) of the negotiation with the parameter changed,
    plus two figures. The space is enumerated once for every frame
    (:mod:`simulator.explorer.solve`): on the Ukraine scenarios (2.2 million outcomes) a frame
    is solved in a few hundredths of a second, and its two figures are written as SVG
    (:mod:`simulator.explorer.svg`) in about a hundredth. Frames :func:`simulator.analyze`
    would solve by MILP are solved by it, one by one.

    Examples
    --------
    >>> import simulator
    >>> job = simulator.load("scenarios/examples/job_offer.yaml")
    >>> e = compute_frames(job, frames=3)
    >>> e.path, [(f.value, f.own, f.exists) for f in e.frames]
    ('parties.candidate.reservation', [(0.0, False, True), (0.45, True, True), (1.0, False, False)])
    """
    model = scenario.model()
    names = model.party_names
    path = resolve_path(model, path, party)
    own = parameter_value(model, path)
    if values is None:
        values = frame_values(model, path, frames)
    else:
        values = tuple(sorted(dict.fromkeys(float(v) for v in values)))
        if not values or not all(np.isfinite(values)):
            raise ValueError("give at least one finite value to explore")
        if len(values) > MAX_FRAMES:
            raise ValueError(f"at most {MAX_FRAMES:,} values, not {len(values):,}")
    check_domain(model, {path: (min(values), max(values))})  # before any frame is solved
    x, y = _pair(model, path, x, y)
    sig = [n for n, s in zip(names, model.signatories) if s]
    solver = frame_solver(scenario, path, FRAME_CONCEPTS)
    out = []
    for k, value in enumerate(values):
        solved = solver.frame(value) if solver is not None else None
        data = None
        if solved is not None and solved.analysis is not None:
            changed, analysis = solved.model, solved.analysis
            data = solver.space_data(solved, x, y)  # type: ignore[union-attr]
        else:  # solved by MILP (or too large to keep): the analysis of this frame alone
            changed = with_parameters(model, {path: value})
            analysis = analyze(
                changed,
                FRAME_CONCEPTS,
                method=scenario.method,
                max_outcomes=scenario.max_outcomes,
            )
        space, gap = _draw(Study(scenario, changed, analysis, {}), x, y, k, data)
        nash = analysis.solutions["nash"]
        out.append(
            Frame(
                value=value,
                own=abs(value - own) <= 1e-12 * max(1.0, abs(own)),
                exists=analysis.zone.exists,
                slack=analysis.zone.slack,
                count=analysis.zone.count,
                nash_gains=None if nash is None else {s: nash.gains[s] for s in sig},
                nash_outcome=None if nash is None else dict(nash.outcome),
                utility_space=space,
                gap_chart=gap,
            )
        )
        if progress is not None:
            progress(1)
    labels = {p.name: p.label or p.name for p in model.parties}

    return Explorer(
        name=scenario.name,
        description=scenario.description,
        path=path,
        label=describe_parameter(model, path),
        value=own,
        frames=tuple(out),
        x=x,
        y=y,
        total=model.space.count,
        party_labels={s: labels[s] for s in sig},
        issue_labels={i.name: _issue_label(i) for i in model.issues},
    )
