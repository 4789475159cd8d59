"""Pagefind, what a user would pick instead: the npm package `pagefind`, installed into the bench work
folder at bench time (its binary comes inside the npm package @pagefind/<platform>), run on our built site.

Configured as a Pagefind user would for this site: only reply pages are indexed (`--glob`, the
addresses `{year}/{slug}/`), and of each page only the reply itself (`--root-selector article.jy-reply`:
subject, metadata table, letter), not the navigation or the related-replies lists, which name other
replies.  The language comes from the pages (`<html lang="zh-CN">`), so Pagefind segments Chinese.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from . import measure

VERSION = "1.6.0"
GLOB = "[0-9][0-9][0-9][0-9]/*/index.html"
ROOT_SELECTOR = "article.jy-reply"
BUNDLE = "pagefind"  # folder of the bundle under the site


class PagefindUnavailable(RuntimeError):
    """npm or the package cannot be had; the message says what to do."""


def install(folder: Path) -> Path:
    """The Pagefind binary, installed with npm into `folder` unless it is there already."""
    binary = _binary(folder)
    if binary and _version(binary) == VERSION:
        return binary
    if not shutil.which("npm"):
        raise PagefindUnavailable("npm is not installed: install Node.js and npm, or run with --skip-pagefind")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--no-save",
                           f"pagefind@{VERSION}"], capture_output=True, text=True)
    binary = _binary(folder)
    if done.returncode != 0 or binary is None:
        raise PagefindUnavailable(f"npm install pagefind@{VERSION} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return binary


def _binary(folder: Path) -> Path | None:
    found = sorted(Path(folder, "node_modules", "@pagefind").glob("*/bin/pagefind_extended"))
    return found[0] if found else None


def _version(binary: Path) -> str:
    done = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    return done.stdout.strip().split()[-1] if done.returncode == 0 and done.stdout.strip() else ""


def version(binary: Path) -> str:
    return _version(binary)


def index(binary: Path, site: Path, logs: Path) -> measure.Step:
    """Index the built site into site/pagefind/ and measure it."""
    bundle = site / BUNDLE
    if bundle.exists():
        shutil.rmtree(bundle)
    return measure.run("pagefind_index", [str(binary), "--site", str(site), "--output-subdir", BUNDLE,
                                          "--glob", GLOB, "--root-selector", ROOT_SELECTOR],
                       logs / "pagefind_index.log")


def pages_indexed(site: Path) -> int | None:
    """How many pages the bundle holds (from its entry file)."""
    entry = site / BUNDLE / "pagefind-entry.json"
    if not entry.exists():
        return None
    data = json.loads(entry.read_text(encoding="utf-8"))
    return sum(language.get("page_count", 0) for language in data.get("languages", {}).values())
