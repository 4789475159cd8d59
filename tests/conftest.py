"""Shared test helpers: build a tiny site from a content folder into tmp_path and read the output."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT / "plugins"))


def build(content: Path, output: Path, **overrides) -> Path:
    """Build `content` with the project's pelicanconf.py (plus overrides) into `output`."""
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(output.parent / "cache"),
                  **overrides},
    )
    Pelican(settings).run()
    return output


def output_files(output: Path) -> dict[str, str]:
    """Every output file's text (binary files decoded leniently), by path relative to `output`."""
    return {p.relative_to(output).as_posix(): p.read_bytes().decode("utf-8", "replace")
            for p in sorted(output.rglob("*")) if p.is_file()}


@pytest.fixture
def fixture_copy(tmp_path):
    """Copy a scenario from tests/fixtures into tmp_path so a test may change it."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


@pytest.fixture(scope="module")
def basic_site(tmp_path_factory):
    """The `basic` fixture, built once per module."""
    out = tmp_path_factory.mktemp("basic") / "output"
    return build(FIXTURES / "basic", out)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """The sample content/ built once per session with pelicanconf.py unchanged. Shared: tests only read it;
    a test that changes the output or needs other settings builds its own."""
    return build(ROOT / "content", tmp_path_factory.mktemp("sample") / "output")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (installed by the README test command)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def browser_page(browser):
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the current page, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
    results = Axe().run(page, options=options).response
    return [f"{v['id']}: {v['help']} @ {[n['target'] for n in v['nodes']][:3]}" for v in results["violations"]]
