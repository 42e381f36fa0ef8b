"""A starter scenario: a commented file that passes ``zopa check --strict`` and that a new
user edits into their own negotiation (``zopa init``).

The text is written by hand, not dumped from data, so that every section carries a comment
saying what it means and where the format reference explains it.
"""

from __future__ import annotations

__all__ = ["MAX_STARTER_PARTIES", "starter_text"]

#: The most parties a starter scenario is written for.
MAX_STARTER_PARTIES = 8

_NAMES = ("north", "south", "east", "west", "centre", "coast", "hills", "islands")


def _party(k: int, n: int) -> str:
    """Party ``k`` of ``n``: its preferences spread evenly between the two ends of each
    issue, so that the parties pull different ways and a zone exists."""
    name = _NAMES[k]
    share = k / (n - 1)  # 0 for the first party, 1 for the last
    ideal = round(10 + 80 * (1 - share))
    venue = {"geneva": round(1 - share, 2), "vienna": 0.5, "oslo": round(share, 2)}
    values = ", ".join(f"{o}: {v:g}" for o, v in venue.items())
    red_line = ""
    if k == 0:
        red_line = """
    red_lines:                      # outcomes this party never accepts, whatever else it gets
      no_oslo:
        issue: venue
        not_in: [oslo]
        assumption: "illustrative: replace with a quoted source or your reason"
"""
    return f"""
  {name}:
    label: {name.capitalize()} delegation
    reservation: 0.3                # what walking away is worth, on the 0-1 utility scale
    assumption: "illustrative numbers: replace each with a source quote or a stated reason"
    issues:
      budget: {{weight: 2, ideal: {ideal}}}          # weights are relative: 2 counts twice 1
      venue: {{weight: 1, values: {{{values}}}}}{red_line}"""


def starter_text(parties: int = 2, name: str = "My negotiation") -> str:
    """The text of a starter scenario with ``parties`` parties (2 to 8).

    >>> import tempfile, os, simulator
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "s.yaml")
    ...     with open(path, "w") as stream:
    ...         _ = stream.write(starter_text(3))
    ...     scenario = simulator.load(path, strict=True)
    >>> [p.name for p in scenario.parties], simulator.analyze(scenario.model()).zone.exists
    (['north', 'south', 'east'], True)
    """
    if not 2 <= parties <= MAX_STARTER_PARTIES:
        raise ValueError(
            f"a starter scenario has 2 to {MAX_STARTER_PARTIES} parties, not {parties}"
        )
    import json

    title = json.dumps(" ".join(name.split()) or "My negotiation", ensure_ascii=False)
    body = "".join(_party(k, parties) for k in range(parties))
    first, last = _NAMES[0], _NAMES[parties - 1]
    return f"""\
# A starter scenario written by `zopa init`. Edit it into your own negotiation, then run
#   zopa check THIS_FILE --strict     # every number must cite a source or state an assumption
#   zopa run THIS_FILE                # the zone, what closes it, the solutions
# The format is explained in docs/reference/scenario-format.md.
format: 1
name: {title}
description: >
  What is negotiated, by whom, and from which documents the numbers come.

# Documents that numbers may quote: source: {{ref: minutes, quote: "..."}} on an entry.
# zopa checks that every quote occurs in the file.
# sources:
#   minutes: {{file: minutes.txt, title: Minutes of the first round, date: "2026-01"}}

issues:                             # what the agreement must settle
  budget:                           # a number: any value in the range is an agreement
    label: Joint budget
    unit: million euros             # shown with every value in reports
    range: [0, 100]
    grid: 11                        # points the solvers enumerate (0, 10, ..., 100)
  venue:                            # a choice among options
    label: Venue of the secretariat
    options: [geneva, vienna, oslo]

parties:                            # each: reservation, weights and values, red lines{body}

# Rules every agreement must obey, whoever signs (named, so a variant can drop one):
# constraints:
#   small_budget_in_oslo:
#     if: {{issue: venue, in: [oslo]}}
#     then: {{issue: budget, max: 50}}
#     assumption: "why the rule holds"

proposals:                          # agreements on the table, judged by zopa run / evaluate
  split:
    label: Split the difference in Vienna
    outcome: {{budget: 50, venue: vienna}}

solve:
  signatories: [{", ".join(_NAMES[:parties])}]   # whose acceptance an agreement needs
  # concepts: [zopa, pareto, nash, kalai, utilitarian, egalitarian]
  # lotteries: false
# From {first} to {last}, the parties' ideal budgets fall and their favourite venue moves
# from Geneva to Oslo: they pull different ways, and there is room to agree.
"""
