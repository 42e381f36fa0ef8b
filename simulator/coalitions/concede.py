"""Making concessions: the model with some red lines dropped, reservations lowered and pinned
issues settled elsewhere (:class:`~simulator.coalitions.package_results.Concession`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from simulator.coalitions.package_results import Concession
from simulator.model import Condition, DiscreteIssue, Model

__all__ = ["concede"]


def concede(model: Model, concessions: Sequence[Concession]) -> Model:
    """The same negotiation with ``concessions`` made.

    * ``red_line``: the party's red line whose text is ``rule`` is dropped (one of them, if the
      party states it twice);
    * ``reservation``: the party's reservation is lowered by ``amount``;
    * ``fix``: every constraint pinning ``issue`` (a condition on it alone) is replaced by
      ``issue = level``; implications are kept.

    Raises
    ------
    ValueError
        For an unknown party, issue, red line or kind, or a fix without a level.

    Examples
    --------
    >>> from simulator.model import Party, TableValue, compile_model
    >>> nato = DiscreteIssue("nato", ("member", "neutral"))
    >>> p = Party("p", 0.5, {"nato": 1.0}, {"nato": TableValue((1.0, 0.0))},
    ...           red_lines=(Condition("nato", ("neutral",), negate=True),))
    >>> q = Party("q", 0.5, {"nato": 1.0}, {"nato": TableValue((0.0, 1.0))})
    >>> m = compile_model([nato], [p, q], [Condition("nato", ("member",))])
    >>> m2 = concede(m, [Concession("fix", None, None, 0.0, issue="nato", level="neutral"),
    ...                  Concession("red_line", "p", "p", 0.0, "nato not_in [neutral]"),
    ...                  Concession("reservation", "p", "p", 0.25)])
    >>> [str(r) for r in m2.constraints], m2.parties[0].red_lines, m2.reservations.tolist()
    (['nato in [neutral]'], (), [0.25, 0.5])
    """
    names = model.party_names
    parties = list(model.parties)
    constraints = list(model.constraints)
    for c in concessions:
        if c.kind in ("red_line", "reservation"):
            if c.party not in names:
                raise ValueError(f"no party {c.party!r}")
            i = names.index(c.party)
            if c.kind == "reservation":
                reservation = parties[i].reservation - c.amount
                parties[i] = dataclasses.replace(parties[i], reservation=reservation)
                continue
            lines = list(parties[i].red_lines)
            match = [r for r in lines if str(r) == c.rule]
            if not match:
                raise ValueError(f"party {c.party!r} has no red line {c.rule!r}")
            lines.remove(match[0])
            parties[i] = dataclasses.replace(parties[i], red_lines=tuple(lines))
        elif c.kind == "fix":
            if c.issue not in model.issue_names:
                raise ValueError(f"no issue {c.issue!r}")
            if c.level is None:
                raise ValueError(f"a fix of issue {c.issue!r} needs a level")
            issue = model.issues[model.issue_names.index(c.issue)]
            constraints = [
                r for r in constraints if not (isinstance(r, Condition) and r.issue == c.issue)
            ]
            constraints.append(
                Condition(c.issue, options=(str(c.level),))
                if isinstance(issue, DiscreteIssue)
                else Condition(c.issue, low=float(c.level), high=float(c.level))
            )
        else:
            raise ValueError(f"unknown kind of concession {c.kind!r}")
    return model.recompiled(parties=parties, constraints=constraints)
