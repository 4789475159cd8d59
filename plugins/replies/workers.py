"""Forked worker processes for the build's passes over many files: the search plugin's static export and
the disclosure check of the output.  A worker reads what the build process set up before forking (a
module-level job), so nothing is pickled but the items and the results."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os


#: The garbage collector's thresholds for a build (gc.set_threshold): a full collection after 100
#: collections of the middle generation instead of Python's 10.  A build keeps about a million objects to
#: its end (the replies, their articles and records, the pages' keys), and each full collection walks
#: them all: at 10,000 replies eleven took 1.3 s of a build, eight 1.0 s of a rebuild after one edit
#: (a tenth of it).  Short-lived cycles are still collected by the younger generations, as before.
COLLECTOR_THRESHOLDS = (700, 10, 100)


def tune_collector(pelican=None) -> None:
    """`initialized` receiver: the build's garbage collector thresholds (COLLECTOR_THRESHOLDS)."""
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def cores(limit: int = 4) -> int:
    """The cores this process may run on, at most `limit`."""
    return min(limit, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def pool_map(function, items: list, workers: int, fresh: bool = False) -> list:
    """function over items, in forked worker processes when there are several workers (results in order);
    `fresh`: each item in a process of its own, which returns the memory it used when it ends."""
    if workers < 2 or len(items) < 2:
        return [function(item) for item in items]
    # Frozen, the build's objects are left alone by the workers' garbage collector, so their memory
    # pages stay shared with the build process instead of being copied into every worker.  Not collected
    # first: a full collection of a 10,000-reply build's objects took 0.2-0.3 s before each of its seven
    # pools, and garbage frozen now is collected after `unfreeze` like any other.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(items)),
                                                      maxtasksperchild=1 if fresh else None) as pool:
            return pool.map(function, items, chunksize=1)
    finally:
        gc.unfreeze()


_LIBC = ctypes.CDLL(None)


def return_free_memory() -> None:
    """Give the memory the build has freed back to the system (glibc's malloc_trim; elsewhere nothing).

    Freed strings of a few kilobytes stay in the C heap, resident: a worker forked then shares those
    pages, and the build's peak counts them.  At 100,000 replies the search records' texts are ~700 MB.
    """
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


#: Items of a span at most (see map_spans).
SPAN_ITEMS = 2500


def map_spans(function, total: int, workers: int) -> list:
    """function(span) over spans (start, stop) of `total` items, each returns a list, and their lists come
    joined, in order.  At least four spans per worker, so that a slow span does not leave the other workers
    idle at the end, and at most SPAN_ITEMS items a span, each span in a fresh process: a worker that
    reads the build's objects writes their reference counts, so the kernel copies every memory page it
    touches; a long-lived worker ends up holding a copy of all it read (at 30,000 replies, making the
    search records in two workers added ~850 MB to the build's 570 MB)."""
    count = max(workers * 4, -(-total // SPAN_ITEMS))
    cuts = [total * w // count for w in range(count + 1)]
    return [result for part in pool_map(function, list(zip(cuts, cuts[1:])), workers, fresh=True) for result in part]
