"""The benchmark report: one Markdown file with the machine, the versions, every figure and the targets."""

from __future__ import annotations

import datetime
import os
import platform
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

MB = 1024 * 1024


@dataclass
class Target:
    what: str
    goal: str
    value: str
    met: bool | None  # None: not measured in this run
    margin: str = ""

    def row(self) -> str:
        state = "not measured" if self.met is None else ("met" if self.met else "**missed**")
        return f"| {self.what} | {self.goal} | {self.value} | {state} | {self.margin} |"


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1024 ** 3)
    return {"cores": os.cpu_count(), "memory": f"{memory:.1f} GiB", "cpu": cpu,
            "system": f"{platform.system()} {platform.release()}"}


def versions(pagefind_version: str | None = None) -> dict:
    found = {"Python": platform.python_version()}
    for package in ("pelican", "whoosh", "markdown", "jinja2", "playwright"):
        try:
            found[package.capitalize()] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package.capitalize()] = "not installed"
    found["Pagefind"] = pagefind_version or "not run"
    found["Chromium"] = _chromium()
    found["this project"] = _commit()
    return found


def _commit() -> str:
    """The commit measured, and whether the work tree had changes on top of it."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=30).stdout.strip()
        # Reports of earlier runs (bench/results/) are not changes to what is measured.
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                                ":(exclude)bench/results"], cwd=root, capture_output=True, text=True,
                               timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}{' with uncommitted changes' if dirty else ''}" if head else "unknown"


def _chromium() -> str:
    try:
        done = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=30)
        match = re.search(r"Chromium [\d.]+", done.stdout)
        return match.group(0).split()[1] if match else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "not installed"


def _s(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 10 else f"{seconds:.2f} s"


def _mb(value: float) -> str:
    return f"{value:,.0f} MB"


def _kb(value: float) -> str:
    return f"{value / 1024:.1f} KB"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def write(folder: Path, result: dict) -> Path:
    """Write <date>-<N>.md and latest.md into `folder`; return the dated file."""
    text = render(result)
    folder.mkdir(parents=True, exist_ok=True)
    dated = folder / f"{result['date']}-{result['replies']}.md"
    dated.write_text(text, encoding="utf-8")
    (folder / "latest.md").write_text(text, encoding="utf-8")
    return dated


def _rounds(rounds: list[dict]) -> list[str]:
    """Every run of every build, round by round, with the round's own ratios."""
    def wall(one, name):
        return _s(one[name]["wall"]) if name in one else ""

    def ratio(one, a, b):
        return _ratio(one[a]["wall"], one[b]["wall"]) if a in one and b in one else ""

    lines = ["Every run (wall time), round by round; the table above gives each build's median run:", "",
             "| round | this project, full | bare Pelican, full | full vs bare | this project, incremental | "
             "incremental / full | bare Pelican, incremental |", "|---|---|---|---|---|---|---|"]
    for k, one in enumerate(rounds, 1):
        lines.append(f"| {k} | {wall(one, 'ours_full')} | {wall(one, 'bare_full')} | {ratio(one, 'ours_full', 'bare_full')} | "
                     f"{wall(one, 'ours_incremental')} | {ratio(one, 'ours_incremental', 'ours_full')} | "
                     f"{wall(one, 'bare_incremental')} |")
    return lines + [""]


def render(r: dict) -> str:
    n = r["replies"]
    lines = [f"# Benchmark: {n:,} replies ({r['date']})", "",
             f"Reproduce: `{r['command']}` (corpus seed {r['seed']}; {r['public']:,} published replies).", ""]
    m, v = r["machine"], r["versions"]
    lines += ["| machine | |", "|---|---|", f"| cores | {m['cores']} |", f"| memory | {m['memory']} |",
              f"| CPU | {m['cpu']} |", f"| system | {m['system']} |"]
    if m.get("load"):
        lines.append(f"| load average at start (1 / 5 / 15 min) | {m['load']} |")
    lines += [""]
    lines += ["| software | version |", "|---|---|"] + [f"| {k} | {val} |" for k, val in v.items()] + [""]

    lines += ["## Targets", ""]
    if n < 10_000:
        lines += [f"The issue sets these targets for 10,000 replies (and 100,000); at {n:,} they are shown for "
                  "reference, met or missed as if they applied.", ""]
    elif n > 10_000:
        lines += [f"At {n:,} replies the issue's targets are the peak memory and the query bytes against twice "
                  "the 10,000-reply run's; the others are the 10,000-reply targets, shown for reference.", ""]
    lines += ["| target | goal | this run | state | by how much |", "|---|---|---|---|---|"]
    lines += [t.row() for t in r["targets"]] + [""]

    b = r["builds"]
    lines += ["## Build", "",
              "Each step is a separate process; CPU = user + system time of it and its worker processes, "
              "memory = the larger of its peak resident set (the kernel's accounting) and the peak of the "
              "summed proportional memory (Pss) of it and its workers, sampled every half second.  "
              "Full = empty output and cache folders; "
              "incremental = the same build again after one reply's letter was edited.", "",
              "| step | wall | CPU | peak memory | wall vs bare Pelican | CPU vs bare | memory vs bare |",
              "|---|---|---|---|---|---|---|"]
    for key, label in (("ours_full", "this project, full"), ("bare_full", "bare Pelican, full"),
                       ("ours_incremental", "this project, incremental"),
                       ("bare_incremental", "bare Pelican, incremental")):
        step = b.get(key)
        if not step:
            continue
        base = b.get("bare_" + key.split("_", 1)[1]) if key.startswith("ours") else None
        ratios = [_ratio(step["wall"], base["wall"]), _ratio(step["cpu"], base["cpu"]),
                  _ratio(step["peak_mb"], base["peak_mb"])] if base else ["", "", ""]
        lines.append(f"| {label} | {_s(step['wall'])} | {_s(step['cpu'])} | {_mb(step['peak_mb'])} | "
                     + " | ".join(ratios) + " |")
    if b.get("ours_full") and b.get("ours_incremental"):
        lines += ["", f"Incremental / full (this project): {b['ours_incremental']['wall'] / b['ours_full']['wall']:.2f}."]
    lines += [""]
    if len(r.get("rounds") or []) > 1:
        lines += _rounds(r["rounds"])

    if r.get("phases"):
        again = {(p["generator"], p["phase"]): p for p in r.get("phases_incremental") or []}
        lines += ["Where this project's builds spend their time (from bench/probe.py, which times each "
                  "generator's phases inside the build; a child process's steps, as it timed them, overlap "
                  "the build's phases after the one that started it, and the phase that waits for it):", "",
                  "| generator | phase | full: wall | CPU | memory added | incremental: wall | CPU |",
                  "|---|---|---|---|---|---|---|"]
        for p in sorted(r["phases"], key=lambda p: -p["wall"]):
            if p["wall"] >= 0.01:
                timed = p["cpu"] or p["added_mb"]
                other = again.get((p["generator"], p["phase"]))
                lines.append(f"| {p['generator']} | {p['phase'].removeprefix('generate_')} | {_s(p['wall'])} | "
                             f"{_s(p['cpu']) if timed else ''} | {_mb(p['added_mb']) if timed else ''} | "
                             f"{_s(other['wall']) if other else ''} | {_s(other['cpu']) if other and timed else ''} |")
        if b.get("ours_full"):
            rest = [_s(b[name]["wall"] - sum(p["wall"] for p in r[phases] if not p.get("concurrent")))
                    if b.get(name) and r.get(phases) else ""
                    for name, phases in (("ours_full", "phases"), ("ours_incremental", "phases_incremental"))]
            lines.append(f"| (Python and Pelican start-up) | | {rest[0]} | | | {rest[1]} | |")
        lines += [""]

    s = r.get("index")
    if s:
        lines += ["## Search index step", "",
                  "Each alone, in processes of its own, after the builds, memory = the peak of the summed "
                  "proportional memory of its processes: ours = the Whoosh index and the static export of "
                  "the built site's search records into empty folders (bench/search_alone.py, the child "
                  "process a build runs); Pagefind = its indexing of the built reply pages.  In the full "
                  "build, the same step runs beside the rendering of the pages: its figures there (the "
                  "records' phase and the child's own time, CPU with the child's workers, memory = the "
                  "child's peak with its largest worker's) in the last row.", "",
                  "| indexer | wall | CPU | memory | files | size |", "|---|---|---|---|---|---|"]
        ours = s.get("ours") or {}
        rows = [("this project (Whoosh + static export)", ours), ("Pagefind", s.get("pagefind")),
                ("this project, in the full build, sharing the cores", {**ours, **ours.get("in_build", {})})]
        for label, item in rows:
            if item and "wall" in item:
                lines.append(f"| {label} | {_s(item['wall'])} | {_s(item['cpu'])} | {_mb(item['memory_mb'])} | "
                             f"{item.get('files', 0):,} | {item.get('bytes', 0) / MB:.1f} MB |")
        lines += [""]

    rows = r.get("search")
    if rows:
        lines += ["## Search in the browser", "",
                  "Headless Chromium, a local HTTP server without compression.  First = a fresh browser opens "
                  "the search page and submits the query: scripts and data transferred (the page's own HTML "
                  "and CSS in brackets).  Second = the query submitted after a warm-up query "
                  f"(`{r.get('warm_up', '')}`) in the same page: everything transferred.  Time = submit to "
                  "rendered results, in the page's clock.  Precision and recall of all results against "
                  "exact-substring truth over the published text.", "",
                  "| engine | query | kind | expected | found | precision | recall | first | second | first time | second time |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for row in rows:
            if row["error"]:
                lines.append(f"| {row['engine']} | {row['query']} | {row['kind']} | {row['expected']} | "
                             f"error: {row['error']} | | | | | | |")
                continue
            lines.append(f"| {row['engine']} | {row['query']} | {row['kind']} | {row['expected']} | {row['found']} | "
                         f"{row['precision']:.2f} | {row['recall']:.2f} | {_kb(row['first_bytes'])} "
                         f"({_kb(row['page_bytes'])}) | {_kb(row['second_bytes'])} | {row['first_ms']:.0f} ms | "
                         f"{row['second_ms']:.0f} ms |")
        lines += [""]
    if r.get("notes"):
        lines += ["## Notes", ""] + [f"- {note}" for note in r["notes"]] + [""]
    return "\n".join(lines)


def today() -> str:
    return datetime.date.today().isoformat()
