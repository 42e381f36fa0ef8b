"""The ``zopa`` command line (console script and ``python -m simulator``)."""

from __future__ import annotations

import argparse
import sys

from simulator import __version__

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zopa",
        description="Find where agreement is possible in a multi-issue negotiation.",
    )
    parser.add_argument("--version", action="version", version=f"zopa {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    build_parser().parse_args(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
