"""``python -m simulator`` runs the ``zopa`` command line."""

import sys

from simulator.cli import main

sys.exit(main())
