"""Parties: additive utility over issues, reservation value, red lines and power.

A party's utility of an outcome ``x`` is

.. math:: u(x) = \\min\\Big(c,\\; \\sum_k \\frac{w_k}{\\sum_j w_j} v_k(x_k)
          + \\sum_b \\mathrm{bonus}_b [x \\in W_b]\\Big)

where ``v_k`` is the party's value function on issue ``k`` (:mod:`simulator.model.values`),
the weights are normalised to sum to one (or used as given, ``normalise=False``, as GENIUS
does), each interaction ``b`` adds its bonus when all of its ``when`` conditions hold, and
``c`` is the party's ``cap`` (no cap by default: ``c = +inf``; GENIUS caps utilities at 1).
An outcome is *acceptable* to the party when it breaks none of its red lines and
``u(x) >= reservation``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from simulator.model.rules import Condition, Rule
from simulator.model.values import ValueFunction

__all__ = ["Interaction", "Party"]


@dataclass(frozen=True)
class Interaction:
    """A bonus (negative for a penalty) added when every condition in ``when`` holds."""

    when: tuple[Condition, ...]
    bonus: float

    def __str__(self) -> str:
        return f"{self.bonus:+g} when " + " and ".join(str(c) for c in self.when)


@dataclass(frozen=True)
class Party:
    """A negotiating party.

    Parameters
    ----------
    name : identifier used in results.
    reservation : utility of no agreement (the BATNA), on the utility scale.
    weights : raw importance per issue; normalised to sum to 1 when the model compiles
        (unless ``normalise`` is false). Issues not listed have weight 0 (the party is
        indifferent).
    values : value function per weighted issue.
    red_lines : rules every acceptable outcome must satisfy.
    interactions : non-additive bonuses.
    power : bargaining power (> 0) for the weighted Nash solution.
    cap : the most utility the party can have: its utility is ``min(cap, ...)`` (``None``:
        no cap). GENIUS caps every utility at 1.
    normalise : whether the weights are divided by their sum (the default); ``False`` uses
        them as given, as GENIUS does (its utility is the raw weighted sum).
    """

    name: str
    reservation: float
    weights: Mapping[str, float]
    values: Mapping[str, ValueFunction]
    red_lines: tuple[Rule, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    power: float = 1.0
    label: str = ""
    extra: Mapping[str, object] = field(default_factory=dict, compare=False)
    cap: float | None = None
    normalise: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.power < math.inf:  # NaN too
            raise ValueError(f"party {self.name!r}: power must be positive and finite")
        if self.cap is not None and not math.isfinite(self.cap):
            raise ValueError(f"party {self.name!r}: a cap must be a finite number")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError(f"party {self.name!r}: weights must be non-negative")
        missing = set(self.weights) - set(self.values)
        if missing:
            raise ValueError(f"party {self.name!r}: no value function for {sorted(missing)}")

    @property
    def additive(self) -> bool:
        """Whether the utility is the weighted sum alone: no interaction, no cap."""
        return not self.interactions and self.cap is None

    def normalised_weights(self) -> dict[str, float]:
        """The weights the utility uses: divided by their sum (all zero if the party weighs
        nothing), or as given when ``normalise`` is false."""
        if not self.normalise:
            return dict(self.weights)
        total = sum(self.weights.values())
        if total <= 0:
            return {k: 0.0 for k in self.weights}
        return {k: w / total for k, w in self.weights.items()}
