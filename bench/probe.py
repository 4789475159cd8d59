"""A Pelican plugin the benchmark adds to a build to see where its time and memory go.

It times every generator's generate_context and generate_output (wall and CPU) and samples the
process's resident memory every 50 milliseconds, so each phase has its own peak and the memory it
added to what the build already held.  The search plugin's two phases together are "the search-index
step" that the report compares with Pagefind.  At exit the figures go to the JSON file named by the
BENCH_PROBE environment variable.  It changes nothing in the build.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time

from pelican import signals

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") / 1024
# Not shorter: each sample takes the GIL from the build's thread; at 5 ms the probed build took 4-9 s
# longer than the same build without the probe (bare Pelican runs without it).  The step's peak over
# the whole process tree comes from bench/measure.py, from outside.
_INTERVAL = 0.05


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE_KB / 1024


class _Sampler(threading.Thread):
    """Keeps the highest resident memory seen since the last `reset`."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = _rss_mb()

    def reset(self) -> float:
        self.peak = current = _rss_mb()
        return current

    def run(self):
        while True:
            self.peak = max(self.peak, _rss_mb())
            time.sleep(_INTERVAL)


_sampler = _Sampler()
_phases: list[dict] = []
_started = time.perf_counter()
_marks: dict[str, float] = {}


def _timed(generator, method: str):
    original = getattr(generator, method)
    name = type(generator).__name__

    def timed(*args, **kwargs):
        before = _sampler.reset()
        wall, cpu = time.perf_counter(), time.process_time()
        _marks.setdefault("first_phase", wall)
        try:
            return original(*args, **kwargs)
        finally:
            peak = max(_sampler.peak, _rss_mb())
            _marks["last_phase_end"] = time.perf_counter()
            _phases.append({"generator": name, "phase": method, "wall": time.perf_counter() - wall,
                            "cpu": time.process_time() - cpu, "rss_before_mb": before, "peak_mb": peak,
                            "added_mb": max(0.0, peak - before)})
            _child_steps(generator, name)

    setattr(generator, method, timed)


def _child_steps(generator, name: str) -> None:
    """The steps a generator ran in a child process while the build went on (the search plugin's Whoosh
    update and static export: `timings`, as the child measured them), as phases marked concurrent: their
    time overlaps the build's other phases.  Memory added = the child's peak and its largest worker's
    (resident sets, so pages a worker shares with the child count twice: an upper bound)."""
    for step, timing in (getattr(generator, "timings", None) or {}).items():
        _phases.append({"generator": f"{name} (child process)", "phase": step, "wall": timing["wall"],
                        "cpu": timing["cpu"], "peak_mb": timing["peak_mb"] + timing["worker_peak_mb"],
                        "added_mb": timing["peak_mb"] + timing["worker_peak_mb"], "concurrent": True})


def instrument(generator):
    for method in ("generate_context", "generate_output"):
        if hasattr(generator, method):
            _timed(generator, method)


def _write():
    target = os.environ.get("BENCH_PROBE")
    if target:
        with open(target, "w", encoding="utf-8") as out:
            end = time.perf_counter()
            # Before the first generator: loading and validating every reply (the replies plugin's store),
            # making the generators.  After the last: `finalized` receivers (sitemap, disclosure check).
            json.dump({"phases": _phases, "wall": end - _started,
                       "before_generators": _marks.get("first_phase", end) - _started,
                       "after_generators": end - _marks.get("last_phase_end", end)}, out, indent=1)


def register():
    if not _sampler.is_alive():
        _sampler.start()
        atexit.register(_write)
    signals.generator_init.connect(instrument)
