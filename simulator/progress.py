"""Progress on standard error, for work that may take more than a few seconds.

The command line turns progress on (``with shown(sys.stderr.isatty()):``); library code
reports through :func:`task`, which does nothing unless progress is on. A bar appears only
when its task has lasted ``DELAY`` seconds, shows the elapsed time even when the work cannot
count its steps (one long MILP solve), and is erased when the task ends. Nothing is written
to standard output, so ``--json`` output stays clean.

Examples
--------
Off (the default), a task is a no-op:

>>> with task("scanning", total=10) as advance:
...     advance(10)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["DELAY", "shown", "task"]

#: Seconds a task runs before its bar is drawn (quick work draws nothing).
DELAY = 2.0
#: Seconds between redraws of a bar whose task reports no steps.
_TICK = 0.5

_ON: ContextVar[bool] = ContextVar("zopa_progress", default=False)


@contextmanager
def shown(on: bool = True) -> Iterator[None]:
    """Within this block (and this thread), :func:`task` draws bars on standard error."""
    token = _ON.set(on)
    try:
        yield
    finally:
        _ON.reset(token)


def _nothing(n: int = 1) -> None:
    return None


@contextmanager
def task(desc: str, total: int | None = None, unit: str = "it") -> Iterator[Callable[[int], None]]:
    """A unit of work that may be long; yields ``advance(n)`` to report ``n`` steps done.

    ``total`` is the number of steps (``None`` when unknown: the bar shows the elapsed time).
    """
    if not _ON.get():
        yield _nothing
        return
    from tqdm import tqdm

    bar = tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=True,
        file=sys.stderr,
        delay=DELAY,
        leave=False,
        dynamic_ncols=True,
        miniters=0,  # redraw on every update after mininterval, steps or not
        bar_format="{desc}: {elapsed} elapsed" if total is None else None,
    )
    lock = threading.Lock()
    stop = threading.Event()

    def advance(n: int = 1) -> None:
        with lock:
            bar.update(n)

    def tick() -> None:  # keeps the elapsed time moving between (or without) steps
        while not stop.wait(_TICK):
            advance(0)  # draws once DELAY has passed (and lets close() erase it)

    ticker = threading.Thread(target=tick, name="zopa-progress", daemon=True)
    ticker.start()
    try:
        yield advance
    finally:
        stop.set()
        ticker.join()
        bar.close()
