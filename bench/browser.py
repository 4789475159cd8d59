"""The search benchmark in headless Chromium (Playwright driving Debian's /usr/bin/chromium).

For each query of the set, on our search page and on a Pagefind page over the same site:
- first query: a fresh browser (empty cache) opens the search page, the query is typed and submitted;
  bytes = every script and data response from opening the page to the rendered results (the page's
  own HTML and CSS are counted apart: they are the page, not the search);
- second query: the same after a warm-up query in the same page; bytes = every response after submit;
- time from submit (a capture listener on the form) to rendered results (the results list's
  aria-busy turning "false", seen by a MutationObserver), both in the page's own clock;
- precision and recall of ALL the results (read after the measurement, not counted) against the truth.

Bytes are Playwright's request sizes: response headers + body as served by a plain local HTTP server
(no compression, as the files are).  The Pagefind page is written by the benchmark next to the bundle:
a form and a list, with Pagefind's JS API (`pagefind.search(q)`, then the data of the first results),
showing as many results as our page does.
"""

from __future__ import annotations

import gzip
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import queries

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PAGEFIND_PAGE = "bench-pagefind/index.html"
SEARCH_PAGE = "search/index.html"


class SearchPageMissing(RuntimeError):
    """The project's search page is not in the built site (the search plugin has not landed)."""


@dataclass
class Measure:
    engine: str
    query: str
    kind: str
    first_bytes: int = 0  # scripts and data of a first query (page HTML/CSS apart)
    page_bytes: int = 0  # the search page's HTML and CSS
    second_bytes: int = 0
    first_ms: float = 0.0
    second_ms: float = 0.0
    found: int = 0
    expected: int = 0
    precision: float = 0.0
    recall: float = 0.0
    requests_first: int = 0
    requests_second: int = 0
    # The second query's responses: [path under the site (query string dropped), bytes with headers], so
    # that a report's figure can be taken apart (which entry, which result files) without a rerun.
    files_second: list = field(default_factory=list)
    error: str = ""
    urls: list = field(default_factory=list, repr=False)


# Installed before any page script: marks submit and the end of rendering in the page's clock.
_TIMING = """
window.__bench = {submitted: null, rendered: null};
document.addEventListener('submit', function () {
  window.__bench.submitted = performance.now(); window.__bench.rendered = null;
}, true);
new MutationObserver(function () {
  var list = document.getElementById('search-results');
  if (list && list.getAttribute('aria-busy') === 'false' && window.__bench.submitted !== null
      && window.__bench.rendered === null) window.__bench.rendered = performance.now();
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['aria-busy']});
"""

PAGEFIND_HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Pagefind</title></head>
<body>
<form id="f" role="search"><label for="q">搜索</label><input id="q" name="q" type="search"><button>搜索</button></form>
<p id="status" role="status"></p>
<ol id="search-results"></ol>
<script>
var SHOW = __SHOW__, loading = null;
function pagefind() { return loading || (loading = import('/pagefind/pagefind.js')); }
document.getElementById('f').addEventListener('submit', async function (event) {
  event.preventDefault();
  var list = document.getElementById('search-results'), q = document.getElementById('q').value;
  list.setAttribute('aria-busy', 'true');
  var pf = await pagefind(), search = await pf.search(q);
  var shown = await Promise.all(search.results.slice(0, SHOW).map(function (r) { return r.data(); }));
  list.textContent = '';
  shown.forEach(function (d) {
    var li = document.createElement('li'), a = document.createElement('a'), p = document.createElement('p');
    a.href = d.url; a.textContent = d.meta.title || d.url; p.innerHTML = d.excerpt;
    li.appendChild(a); li.appendChild(p); list.appendChild(li);
  });
  document.getElementById('status').textContent = search.results.length + ' results';
  window.__last = search;
  list.setAttribute('aria-busy', 'false');
});
window.__allUrls = async function () {
  var data = await Promise.all(window.__last.results.map(function (r) { return r.data(); }));
  return data.map(function (d) { return d.url; });
};
</script>
</body></html>
"""


def write_pagefind_page(site: Path, show: int) -> None:
    page = site / PAGEFIND_PAGE
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(PAGEFIND_HTML.replace("__SHOW__", str(int(show))), encoding="utf-8")


def page_size(site: Path) -> int:
    """How many results our page shows at first (its data-page-size), so Pagefind's page shows as many."""
    import re

    found = re.search(r'data-page-size="(\d+)"', (site / SEARCH_PAGE).read_text(encoding="utf-8"))
    return int(found.group(1)) if found else 10


def our_urls(site: Path) -> dict[int, str]:
    """Our index numbers the replies; each number's result file (r/<n>.gz) holds its address."""
    folder = site / "search" / "index" / "r"
    return {int(p.stem): json.loads(gzip.decompress(p.read_bytes()))["u"] for p in folder.glob("*.gz")}


class Traffic:
    """Responses of one page: (resource type, bytes), appended as requests finish."""

    def __init__(self, page):
        self.page = page
        self.seen: list[tuple[str, str, int]] = []
        self.pending = 0
        page.on("request", self._started)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)

    def _started(self, request):
        self.pending += 1

    def _failed(self, request):
        self.pending -= 1

    def _finished(self, request):
        # Counted as pending until recorded: reading the sizes waits on the browser, and meanwhile the
        # measuring code runs (Playwright's sync API switches greenlets); had it seen nothing pending, it
        # would take its mark before this response, and a warm-up query's last results would count in
        # the next query (at 100,000 replies under load: 物流 口岸 33.9 KB instead of 31.3).
        sizes = request.sizes()
        self.seen.append((request.resource_type, request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))
        self.pending -= 1

    def settle(self, timeout_ms: int = 10_000) -> None:
        """Wait until every request the page started has finished (or failed)."""
        waited = 0
        while self.pending > 0 and waited < timeout_ms:
            self.page.wait_for_timeout(10)
            waited += 10

    def files(self, mark: int, base: str) -> list[list]:
        """[path relative to `base`, bytes] of the responses after `mark`."""
        return [[url.split("?")[0].removeprefix(base).lstrip("/"), size] for _, url, size in self.seen[mark:]]

    def mark(self) -> int:
        return len(self.seen)

    def since(self, mark: int, page_too: bool = False) -> tuple[int, int, int]:
        """(search bytes, page bytes, requests) of the responses after `mark`."""
        search = page = count = 0
        for kind, _, size in self.seen[mark:]:
            if kind in ("document", "stylesheet", "image", "font") and not page_too:
                page += size
            else:
                search += size
            count += 1
        return search, page, count


def _submit(page, text: str, timeout_ms: int) -> float:
    page.fill("input[type=search]", text)
    page.press("input[type=search]", "Enter")
    page.wait_for_function("window.__bench && window.__bench.rendered !== null", timeout=timeout_ms)
    timing = page.evaluate("window.__bench")
    return timing["rendered"] - timing["submitted"]


def run(site: Path, base_url: str, truth: queries.Truth, engines=("ours", "pagefind"),
        query_set=queries.QUERIES, timeout_ms: int = 120_000, chromium=None) -> list[Measure]:
    """Measure every query on every engine; `chromium`: a Playwright browser to use (else one is launched)."""
    if "ours" in engines and not (site / SEARCH_PAGE).exists():
        raise SearchPageMissing(f"{site / SEARCH_PAGE} was not built: the search plugin (issue 4) is not in "
                                "this build, so the search benchmark cannot run; use --skip-browser")
    ids = our_urls(site) if "ours" in engines else {}
    pages = {"ours": SEARCH_PAGE.removesuffix("index.html"), "pagefind": PAGEFIND_PAGE.removesuffix("index.html")}

    def measure_all(browser):
        return [_one(browser, engine, f"{base_url}/{pages[engine]}", query, truth, ids, query_set, timeout_ms)
                for engine in engines for query in query_set]

    if chromium is not None:
        return measure_all(chromium)
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return measure_all(browser)
        finally:
            browser.close()


def _one(browser, engine, url, query, truth, ids, query_set, timeout_ms) -> Measure:
    measure = Measure(engine, query.text, query.kind, expected=len(truth.answers(query)))
    try:
        # First query: fresh context, page opened, query submitted.
        context = browser.new_context()
        context.add_init_script(_TIMING)
        page = context.new_page()
        traffic = Traffic(page)
        page.goto(url, wait_until="load")
        measure.first_ms = _submit(page, query.text, timeout_ms)
        traffic.settle()
        measure.first_bytes, measure.page_bytes, measure.requests_first = traffic.since(0)
        measure.urls = _all_urls(page, engine, ids)
        context.close()
        # Second query: after a warm-up query in the same page.
        warm = queries.WARM_UP if query.text != queries.WARM_UP else query_set[1].text
        context = browser.new_context()
        context.add_init_script(_TIMING)
        page = context.new_page()
        traffic = Traffic(page)
        page.goto(url, wait_until="load")
        _submit(page, warm, timeout_ms)
        traffic.settle()
        mark = traffic.mark()
        measure.second_ms = _submit(page, query.text, timeout_ms)
        traffic.settle()
        measure.second_bytes, _, measure.requests_second = traffic.since(mark, page_too=True)
        measure.files_second = traffic.files(mark, "/".join(url.split("/")[:3]))  # paths from the site's root
        context.close()
    except Exception as error:  # one failing query is reported, the others still run
        measure.error = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
        return measure
    found = [u.lstrip("/") for u in measure.urls]
    measure.found = len(found)
    measure.precision, measure.recall = queries.score(found, truth.answers(query))
    return measure


def _all_urls(page, engine: str, ids: dict[int, str]) -> list[str]:
    if engine == "ours":
        last = page.evaluate("window.jySearchLast || {}")
        if last.get("error"):
            raise RuntimeError(last["error"])
        # Every result: a query of a split entry finds the rest as the page asks for them (after the bytes
        # of its first page were counted).
        return [ids[i] for i in page.evaluate("window.jySearch.page.all()")]
    return page.evaluate("window.__allUrls()")
