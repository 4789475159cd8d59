"""Run one step as a child process and measure it: wall time, CPU time and peak memory.

CPU time and peak memory come from the kernel's accounting of that one child (os.wait4: the child and
the descendants it waited for), so steps run one after another never mix their figures.  A build may
fork worker processes (the search export); the kernel's peak is that of the largest process, so the
launcher also samples the whole process tree's proportional memory (Pss, each shared page divided among
the processes sharing it) every half second, and the peak is the larger of the two.  The child is
started by a small launcher (this file run as a script, without site-packages): a process forked from
the benchmark itself would be charged the benchmark's own memory, which Linux counts in the peak of a
child until it execs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path


class StepError(RuntimeError):
    """A measured step failed; the message names it and ends with its log."""


@dataclass
class Step:
    name: str
    wall: float  # seconds
    cpu: float  # user + system seconds
    peak_mb: float  # peak resident memory, MiB

    def as_dict(self) -> dict:
        return asdict(self)


def run(name: str, argv: list[str], log: Path, cwd: Path | None = None, env: dict | None = None) -> Step:
    """Run `argv` to the end, its output into `log`; raise StepError when it fails."""
    log.parent.mkdir(parents=True, exist_ok=True)
    launcher = [sys.executable, "-S", str(Path(__file__).resolve()), str(log), *map(str, argv)]
    done = subprocess.run(launcher, capture_output=True, text=True, cwd=cwd, env=env, stdin=subprocess.DEVNULL)
    if done.returncode != 0 or not done.stdout.strip():
        raise StepError(f"{name}: the launcher failed (exit {done.returncode}): {done.stderr[-2000:]}")
    figures = json.loads(done.stdout)
    if figures["exit"] != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise StepError(f"{name} failed (exit {figures['exit']}): {' '.join(map(str, argv))}\n{tail}")
    return Step(name, figures["wall"], figures["cpu"], max(figures["maxrss_kb"], figures.get("tree_kb", 0)) / 1024)


def _tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack += [int(child) for child in handle.read().split()]
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class _TreeSampler(threading.Thread):
    """The peak of the summed Pss of a process and its descendants, sampled every `every` seconds."""

    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb = pid, every, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _tree(self.pid)))


def _launch(log: str, argv: list[str]) -> dict:
    """In the launcher: run argv with its output in `log`, wait for it, return its figures."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        sampler = _TreeSampler(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
    child.returncode = os.waitstatus_to_exitcode(status)
    return {"exit": child.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "maxrss_kb": usage.ru_maxrss, "tree_kb": sampler.peak_kb}


if __name__ == "__main__":
    print(json.dumps(_launch(sys.argv[1], sys.argv[2:])))
