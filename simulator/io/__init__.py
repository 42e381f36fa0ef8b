"""Reading and writing files: other negotiation formats, and the commands' outputs.

- :mod:`simulator.io.genius`: GENIUS domains and utility profiles (the ANAC benchmark XML
  files) to zopa scenarios (``zopa import-genius``); the public front of the GENIUS import,
  which reads through :mod:`~simulator.io.genius_read` (with :mod:`~simulator.io.genius_xml`,
  :mod:`~simulator.io.genius_tree` and :mod:`~simulator.io.genius_values`).
- :mod:`simulator.io.output`: how every command writes its output files: never over an
  input, all files or none.

Submodules are imported explicitly (``from simulator.io.genius import read_domain``), so that
importing :mod:`simulator` never loads them.
"""
