"""Exact solving without enumeration: a negotiation as mixed-integer linear programmes.

:mod:`~simulator.solvers.milp.formulation` builds the variables and rows,
:mod:`~simulator.solvers.milp.program` solves them with HiGHS,
:mod:`~simulator.solvers.milp.concepts` holds one programme per solution concept and
:mod:`~simulator.solvers.milp.frontier` the epsilon-constraint frontier.
:func:`simulator.analysis_milp.analyze_milp` puts them together.
"""
