"""Running a per-utterance job over the corpus on several processes."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def imap_unordered(job: Callable[[T], R], items: Iterable[T], workers: int, chunksize: int = 8) -> Iterator[R]:
    """Results of ``job`` over ``items`` as they finish; in-process when ``workers`` <= 1.
    The pool is closed and joined when the iteration ends."""
    if workers <= 1:
        yield from map(job, items)
        return
    pool = mp.get_context("fork").Pool(workers)
    try:
        yield from pool.imap_unordered(job, items, chunksize=chunksize)
    finally:
        pool.close()
        pool.join()
