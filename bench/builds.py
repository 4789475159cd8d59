"""The build benchmark: this project's build and a bare Pelican build of the same replies, each full
(empty output and cache folders) and then incremental (one reply edited, output and caches kept).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import bare, measure

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
#: What the incremental build's edit adds to one letter: a paragraph, as staff correct a reply.
EDIT = "**补充说明。**经进一步核实，上述项目已于近期完成验收，我厅将持续跟踪后续运营情况。\n\n"
_CLOSING = "感谢您对商务工作的关心和支持"
#: The folder, beside each discarded one, that holds it until the measurements are over.
TRASH = ".trash"


@dataclass
class Site:
    """One side of the comparison: its content folder, settings file and output/cache folders."""
    name: str
    content: Path
    settings: Path
    output: Path
    cache: Path
    extra: list[str] = field(default_factory=list)  # more `pelican -e` overrides

    def command(self) -> list[str]:
        overrides = [f"CACHE_PATH={json.dumps(str(self.cache))}", *self.extra]
        return [sys.executable, "-m", "pelican", str(self.content), "-s", str(self.settings),
                "-o", str(self.output), "--fatal", "warnings", "-e", *overrides]


def ours(work: Path, content: Path) -> Site:
    """This project's build, with the bench probe added to its plugins (it only measures)."""
    sys.path.insert(0, str(ROOT))
    settings = _settings_module()
    plugins = json.dumps([*settings.PLUGINS, "probe"])
    paths = json.dumps([*settings.PLUGIN_PATHS, str(BENCH)])
    return Site("ours", content, ROOT / "pelicanconf.py", work / "output", work / "cache",
                [f"PLUGINS={plugins}", f"PLUGIN_PATHS={paths}"])


def baseline(work: Path, content: Path) -> Site:
    copy = work / "bare-content"
    discard(copy)
    bare.copy(content, copy)
    return Site("bare", copy, bare.BARECONF, work / "bare-output", work / "bare-cache")


def _settings_module():
    import runpy
    from types import SimpleNamespace

    values = runpy.run_path(str(ROOT / "pelicanconf.py"))
    return SimpleNamespace(PLUGINS=values["PLUGINS"], PLUGIN_PATHS=values["PLUGIN_PATHS"])


def full(site: Site, logs: Path, probe: Path | None = None) -> measure.Step:
    """Build from nothing: no output, no cache."""
    for folder in (site.output, site.cache):
        discard(folder)
    return _build(site, f"{site.name}_full", logs, probe)


def discard(folder: Path) -> None:
    """Move `folder` out of the way, to be deleted after the measurements (empty_trash).

    Deleting it now would bill the next build for it: on ext4 without a journal (this benchmark's
    machine) the kernel skips inodes deleted in the last minutes when it allocates new ones, scanning the
    inode bitmap past each of them, so creating 40,000 files took 16-33 s of system time right after a
    mass deletion and about 1 s on a quiet disk.  A rename costs nothing.  (Deletions a build makes
    itself, such as the files a rebuild no longer produces, stay in its figures.)"""
    if not folder.exists():
        return
    trash = folder.parent / TRASH
    trash.mkdir(exist_ok=True)
    folder.rename(trash / f"{len(list(trash.iterdir()))}-{folder.name}")


def empty_trash(work: Path) -> None:
    """Delete what discard() moved aside from the folders in `work`."""
    shutil.rmtree(work / TRASH, ignore_errors=True)


def incremental(site: Site, logs: Path, edited: Path, probe: Path | None = None) -> measure.Step:
    """Build again after `edited` (a file of the site's content) was changed; caches kept."""
    edit(edited)
    return _build(site, f"{site.name}_incremental", logs, probe)


def _build(site: Site, name: str, logs: Path, probe: Path | None) -> measure.Step:
    env = dict(os.environ)
    if probe is not None:
        env["BENCH_PROBE"] = str(probe)
    return measure.run(name, site.command(), logs / f"{name}.log", cwd=ROOT, env=env)


def pick(content: Path) -> Path:
    """The reply the incremental build edits: a published full-text reply in the middle of the corpus."""
    files = sorted((content / "replies").rglob("*.md"))
    for path in files[len(files) // 2:] + files[:len(files) // 2]:
        text = path.read_text(encoding="utf-8")
        if "disclosure: 主动公开" in text and "disclosure_form: 摘要" not in text and _CLOSING in text:
            return path
    raise ValueError(f"no published full-text reply in {content}")


def edit(path: Path) -> None:
    """Insert the EDIT paragraph before the closing formula of the letter."""
    text = path.read_text(encoding="utf-8")
    if _CLOSING not in text:
        raise ValueError(f"{path}: no closing formula to edit before")
    path.write_text(text.replace(_CLOSING, EDIT + _CLOSING, 1), encoding="utf-8")


def folder_size(folder: Path) -> tuple[int, int]:
    """(files, bytes) under a folder."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def probe_phases(path: Path) -> list[dict]:
    """The generator phases the probe timed, then the time before the first and after the last."""
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    extra = [{"generator": "(before the generators: plugins loaded, every reply read and validated)",
              "phase": "", "wall": data.get("before_generators", 0.0), "cpu": 0.0, "added_mb": 0.0},
             {"generator": "(after the generators: finalized receivers, sitemap and the disclosure check)",
              "phase": "", "wall": data.get("after_generators", 0.0), "cpu": 0.0, "added_mb": 0.0}]
    return data["phases"] + [e for e in extra if e["wall"]]


def search_step(phases: list[dict]) -> dict | None:
    """The search plugin's phases taken together: wall, CPU, the memory they added, their peak.  The
    build's own phases (the records, the job handed to the child; waiting for it and the search page)
    and the child's (Whoosh update, static export): the child's wall time counts, not the build's wait
    (unless the build exports, as for the largest sites: generator.EXPORT_IN_CHILD_REPLIES)."""
    mine = [p for p in phases if p["generator"].startswith("SearchGenerator")]
    if not mine:
        return None
    exported = any(p.get("concurrent") and p["phase"] == "export" for p in mine)
    waited = [p for p in mine if exported and p["phase"] == "generate_output"]
    return {"wall": sum(p["wall"] for p in mine if p not in waited), "cpu": sum(p["cpu"] for p in mine),
            "added_mb": max(p["added_mb"] for p in mine), "peak_mb": max(p["peak_mb"] for p in mine)}


def processed(log: Path) -> int | None:
    """How many articles Pelican says it processed (its closing line)."""
    found = re.search(r"Processed (\d+) articles", log.read_text(encoding="utf-8", errors="replace"))
    return int(found.group(1)) if found else None
