"""The package finder against brute force: every package opens the zone, is minimal, and every
single concession that opens the zone is found with its exact cost."""

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, given, settings

from simulator.analysis import analyze
from simulator.coalitions.concede import concede
from simulator.coalitions.package_results import Concession
from simulator.coalitions.packages import find_packages
from simulator.model import Condition, DiscreteIssue, Implication, Party, TableValue, compile_model
from tests.strategies import models


def _apply(model, concessions, any_cut=False):
    """The model with ``concessions`` made (reservation cuts unlimited with ``any_cut``)."""
    if any_cut:
        concessions = [
            dataclasses.replace(c, amount=10.0) if c.kind == "reservation" else c
            for c in concessions
        ]
    return concede(model, concessions)


def _opens(model, concessions, any_cut=False):
    return analyze(_apply(model, concessions, any_cut), ()).zone.exists


def _least_cost(model, concessions):
    """By brute force: the least utility the concessions' parties give up to open the zone,
    their reservation cuts re-optimised (inf if it cannot open)."""
    cutting = [model.party_names.index(c.party) for c in concessions if c.kind == "reservation"]
    conceded = _apply(model, concessions, any_cut=True)
    levels = conceded.space.levels(0, conceded.space.count)
    sig = conceded.signatories
    lines = [j for j, rl in enumerate(conceded.red_lines) if sig[rl.party]]
    u = conceded.utilities(levels)
    ok = conceded.constraint_mask(levels) & ~conceded.red_line_breaks(levels)[:, lines].any(1)
    short = np.clip(model.reservations - u, 0.0, None)
    others = [i for i in np.flatnonzero(sig) if i not in cutting]
    ok &= (short[:, others] <= 1e-9).all(axis=1)
    if not ok.any():
        return np.inf
    fixes = sum(c.amount for c in concessions if c.kind == "fix")
    return fixes + short[ok][:, cutting].sum(axis=1).min()


@settings(max_examples=60, deadline=None)
@given(models(max_parties=3))
def test_packages_open_the_zone_and_are_minimal(model):
    zone = analyze(model, ()).zone
    search = find_packages(model, max_size=2, top=1000)
    assert search.zone_exists == zone.exists
    if zone.exists:
        assert search.packages == ()
        return
    assert search.found == len(search.packages)
    keys = [(p.size, p.red_lines_dropped, p.cost) for p in search.packages]
    assert keys == sorted(keys)
    for p in search.packages:
        assert _opens(model, p.concessions)
        assert p.count > 0 and p.slack >= 0
        assert p.red_lines_dropped == sum(c.kind == "red_line" for c in p.concessions)
        assert np.isclose(p.cost, sum(c.amount for c in p.concessions if c.kind != "red_line"))
        assert np.isclose(_least_cost(model, p.concessions), p.cost, atol=1e-9)
        for k in range(len(p.concessions)):  # minimal: no part opens it as cheaply
            part = p.concessions[:k] + p.concessions[k + 1 :]
            assert _least_cost(model, part) > p.cost + 1e-9


@settings(max_examples=60, deadline=None)
@given(models(max_parties=3))
def test_every_single_concession_that_opens_is_found(model):
    analysis = analyze(model, ())
    assume(not analysis.zone.exists)
    search = find_packages(model, max_size=1, top=1000)
    singles = {p.concessions[0] for p in search.packages}
    sig = [i for i, s in enumerate(model.signatories) if s]
    # reservations: exactly reservation - reach, the best the party gets while others accept
    cuts = {c.party: c.amount for c in singles if c.kind == "reservation"}
    for i in sig:
        name = model.party_names[i]
        reach = analysis.zone.reach[name]
        if reach is None:
            assert name not in cuts
        else:
            assert np.isclose(cuts[name], model.reservations[i] - reach, atol=1e-12)
    # red lines: every one whose removal alone opens the zone, and no other
    dropped = {(c.party, c.rule) for c in singles if c.kind == "red_line"}
    expected = {
        (b.party, b.requirement.removeprefix("red_line: "))
        for b in analysis.zone.blocking
        if b.kind == "red_line" and b.opens
    }
    assert dropped == expected


def test_hand_checked_fix_red_line_and_cut():
    """The scenario pins NATO membership, which Russia forbids."""
    nato = DiscreteIssue("nato", ("member", "neutral"))
    russia = Party(
        "russia",
        0.5,
        {"nato": 1.0},
        {"nato": TableValue((0.0, 1.0))},
        red_lines=(Condition("nato", options=("member",), negate=True),),
    )
    ukraine = Party("ukraine", 0.3, {"nato": 1.0}, {"nato": TableValue((1.0, 0.4))})
    model = compile_model([nato], [russia, ukraine], [Condition("nato", options=("member",))])
    search = find_packages(model)
    assert not search.zone_exists and search.slack is None
    fix, drop_and_cut = search.packages
    (c,) = fix.concessions
    assert (c.kind, c.issue, c.level, c.party) == ("fix", "nato", "neutral", "ukraine")
    assert np.isclose(c.amount, 0.6) and np.isclose(fix.slack, 0.1)
    assert fix.agreement.outcome == {"nato": "neutral"}
    assert [(c.kind, c.party) for c in drop_and_cut.concessions] == [
        ("red_line", "russia"),
        ("reservation", "russia"),
    ]
    assert np.isclose(drop_and_cut.concessions[1].amount, 0.5)
    assert drop_and_cut.slack == 0.0 and drop_and_cut.count == 1


def test_two_reservation_cuts_split_at_the_cheapest_outcome():
    """Each party alone would have to give up 0.6; together they give up 0.2."""
    issue = DiscreteIssue("split", ("a", "b", "c"))
    a = Party("a", 0.6, {"split": 1.0}, {"split": TableValue((1.0, 0.5, 0.0))})
    b = Party("b", 0.6, {"split": 1.0}, {"split": TableValue((0.0, 0.5, 1.0))})
    model = compile_model([issue], [a, b])
    search = find_packages(model, max_size=2)
    assert [p.size for p in search.packages] == [1, 1, 2]  # each alone, or both a little
    assert np.isclose(search.packages[0].cost, 0.6)
    pair = search.packages[2]
    assert np.isclose(pair.cost, 0.2)
    assert [round(c.amount, 9) for c in pair.concessions] == [0.1, 0.1]
    assert pair.agreement.outcome == {"split": "b"}


def test_open_zone_needs_no_package(small_model):
    search = find_packages(small_model)
    assert search.zone_exists and search.packages == () and search.slack >= 0


@pytest.mark.parametrize("max_size", [0, -1])
def test_max_size_must_be_positive(small_model, max_size):
    with pytest.raises(ValueError, match="max_size"):
        find_packages(small_model, max_size=max_size)


def test_chunking_does_not_change_the_answer():
    issue = DiscreteIssue("x", tuple("abcdef"))
    other = DiscreteIssue("y", tuple("uvw"))
    rng = np.random.default_rng(3)
    parties = [
        Party(
            n,
            0.6,
            {"x": 1.0, "y": 0.5},
            {"x": TableValue(tuple(rng.random(6))), "y": TableValue(tuple(rng.random(3)))},
            red_lines=(Condition("y", options=("u",), negate=True),),
        )
        for n in "pq"
    ]
    model = compile_model([issue, other], parties, [Condition("x", options=("a", "b"))])
    whole = find_packages(model, max_size=2, top=50)
    chunked = find_packages(model, max_size=2, top=50, chunk_size=5)
    assert whole == chunked
    assert not whole.zone_exists and whole.packages
    assert any(c.kind == "fix" for p in whole.packages for c in p.concessions)


def test_two_pins_and_an_implication_are_settled_independently():
    """Settling two pinned issues keeps the implication between them (a regression: the
    conceded constraints were once filtered by stale positions)."""
    a, b = DiscreteIssue("a", ("x", "y")), DiscreteIssue("b", ("x", "y"))
    values = {"a": TableValue((0.0, 1.0)), "b": TableValue((0.0, 1.0))}
    p = Party("p", 0.9, {"a": 1.0, "b": 1.0}, values)
    q = Party("q", 0.0, {"a": 1.0}, {"a": TableValue((1.0, 0.0))})
    rules = [
        Condition("a", ("x",)),
        Implication(Condition("a", ("y",)), Condition("b", ("y",))),
        Condition("b", ("x",)),
    ]
    model = compile_model([a, b], [p, q], rules)
    search = find_packages(model, max_size=2)
    (both,) = [pk for pk in search.packages if all(c.kind == "fix" for c in pk.concessions)]
    assert [(c.issue, c.level) for c in both.concessions] == [("a", "y"), ("b", "y")]
    conceded = concede(model, both.concessions)
    assert [str(r) for r in conceded.constraints] == [
        "if a in [y] then b in [y]",
        "a in [y]",
        "b in [y]",
    ]


@pytest.mark.parametrize(
    "concession, message",
    [
        (Concession("red_line", "nobody", None, 0.0, "x"), "no party"),
        (Concession("red_line", "russia", None, 0.0, "nato in [x]"), "no red line"),
        (Concession("fix", None, None, 0.0, issue="nope", level="x"), "no issue"),
        (Concession("bribe", "russia", None, 1.0), "unknown kind"),
    ],
)
def test_concede_rejects_what_it_cannot_apply(small_model, concession, message):
    with pytest.raises(ValueError, match=message):
        concede(small_model, [concession])
