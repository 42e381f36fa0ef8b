"""Keyword arguments renamed in the public API: the old name keeps working for one release,
with a :class:`DeprecationWarning` that names the new one."""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def renamed_keyword(old: str, new: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A decorator: the function also accepts ``old=`` as a deprecated name of ``new=``.

    Giving ``old`` warns (:class:`DeprecationWarning`, pointing at the caller) and passes the
    value on as ``new``; giving both is a :class:`TypeError`, as any repeated argument is.
    ``new`` may be given by position or keyword. The signature shown by
    :func:`inspect.signature` and ``help()`` is the function's own.

    Examples
    --------
    >>> @renamed_keyword("method", "sampling")
    ... def draw(sampling="lhs"):
    ...     return sampling
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     draw(method="random"), str(caught[0].message)
    ('random', 'draw(method=...) is deprecated; use sampling=... instead')
    >>> draw(method="random", sampling="lhs")
    Traceback (most recent call last):
    ...
    TypeError: draw() got both sampling= and its deprecated name method=; give sampling= only
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        name = function.__name__
        place = list(inspect.signature(function).parameters).index(new)  # if given by position

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if old in kwargs:
                if new in kwargs or len(args) > place:
                    raise TypeError(
                        f"{name}() got both {new}= and its deprecated name {old}=; give {new}= only"
                    )
                warnings.warn(
                    f"{name}({old}=...) is deprecated; use {new}=... instead",
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper

    return decorate
