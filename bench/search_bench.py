"""Measure search on a generated corpus (default 10,000 replies): the index step and the browser.

    .venv/bin/python bench/search_bench.py [--replies 10000] [--seed 1] [--work bench/work/search]

1. Writes the corpus (bench/corpus.py) and builds it with the plugins search needs (replies, browse,
   search), timing the search plugin's two phases (records, and the wait for its child process) and
   reading the process's peak memory after each, with the child's own figures for its two steps (Whoosh
   index update; static export); then changes one reply and builds again (incremental).
2. Reports the size of the static index and of the Whoosh index.
3. Serves the site and, in Chromium, types each query into the search page: bytes of a first query
   (fresh browser: search.js and index data; the page's own HTML and CSS are reported apart) and of a
   second query (after a warm-up query in the same page), as Playwright's request sizes (headers + body,
   no compression); and the time to results once the data is there (the same query run again in the
   page, every file already loaded).
Prints a table and writes it as JSON next to the work folder.  Numbers, not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins"), str(ROOT / "tests"), str(ROOT / "bench")]

import corpus  # noqa: E402

QUERIES = ["王建球", "李伟", "王䶮", "单志刚", "wjq", "1418", "0785", "湘商函〔2017〕45号", "自由贸易试验区",
           "物流产业园", "冷链物流", "感谢您对商务工作的关心和支持", "䶮", "鑫", "物", "B2B", "2017",
           "職業教育", "香港職業訓練局", "物流 口岸", "郴州 冷链 满意", "区块链征信沙盒"]
WARM_UP = "1418"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def build(content: Path, output: Path, timings: dict) -> None:
    """Pelican with replies, browse and search; the search steps timed."""
    from pelican import Pelican
    from pelican.settings import read_settings
    from search import generator

    original = generator.SearchGenerator.generate_context, generator.SearchGenerator.generate_output

    def timed(name, method):
        def run(self, *args):
            before, start = _peak_mb(), time.perf_counter()
            result = method(self, *args)
            timings[name] = {"seconds": round(time.perf_counter() - start, 2),
                             "peak_rss_mb_before": round(before), "peak_rss_mb_after": round(_peak_mb())}
            if name == "export":  # the child's Whoosh update and export, started with the context, end here
                timings["index"]["stats"] = str(self.stats)
                timings["child process"] = {step: {k: round(v, 2) for k, v in timing.items()}
                                            for step, timing in self.timings.items()}
            return result
        return run

    generator.SearchGenerator.generate_context = timed("index", original[0])
    generator.SearchGenerator.generate_output = timed("export", original[1])
    try:
        settings = read_settings(str(ROOT / "pelicanconf.py"), override={
            "PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(output.parent / "cache"),
            "PLUGINS": ["replies", "browse", "search"]})
        start = time.perf_counter()
        Pelican(settings).run()
        timings["whole build"] = {"seconds": round(time.perf_counter() - start, 1)}
    finally:
        generator.SearchGenerator.generate_context, generator.SearchGenerator.generate_output = original


def browser_measures(output: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from bench.browser import Traffic
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from serve import serve

    done = "() => window.jySearchLast && document.getElementById('search-results').getAttribute('aria-busy') === 'false'"
    results = []
    with serve(output) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

        def run_query(page, q, traffic):
            # Every response of what came before is recorded before the mark (see Traffic).
            traffic.settle()
            mark = traffic.mark()
            page.evaluate("window.jySearchLast = null")
            page.fill("#search-q", q)
            page.click("form.js-search-form button[type=submit]")
            page.wait_for_function(done)
            traffic.settle()
            return sum(size for _, _, size in traffic.seen[mark:]), len(traffic.seen) - mark

        for q in QUERIES:
            row = {"query": q}
            context = browser.new_context()
            page = context.new_page()
            traffic = Traffic(page)
            page.goto(base + "/search/")
            page.wait_for_load_state("networkidle")
            traffic.settle()
            row["page_bytes"] = sum(size for _, url, size in traffic.seen
                                    if "/search/index/" not in url and not url.split("?")[0].endswith(".js"))
            script = [size for _, url, size in traffic.seen if url.split("?")[0].endswith("search.js")]
            row["first_bytes"], row["first_requests"] = run_query(page, q, traffic)
            row["first_bytes"] += sum(script)
            row["found"] = len(page.evaluate("window.jySearch.page.all()"))  # every result, not an estimate
            context.close()

            context = browser.new_context()
            page = context.new_page()
            traffic = Traffic(page)
            page.goto(base + "/search/")
            run_query(page, WARM_UP if q != WARM_UP else QUERIES[0], traffic)
            row["second_bytes"], row["second_requests"] = run_query(page, q, traffic)
            # The same query again: every file is loaded, so this is the time to results after the data.
            times = []
            for _ in range(5):
                run_query(page, q, traffic)
                times.append(page.evaluate("window.jySearchLast.ms"))
            row["ms_after_data"] = round(statistics.median(times), 1)
            context.close()
            results.append(row)
        browser.close()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default=str(ROOT / "bench" / "work" / "search"))
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args(argv)
    work = Path(args.work)
    if work.exists():
        shutil.rmtree(work)
    content = corpus.write(work / "content", args.replies, args.seed)
    report: dict = {"replies": args.replies, "seed": args.seed, "cpus": os.cpu_count()}

    report["full build"] = {}
    build(content, work / "output", report["full build"])
    index = work / "output" / "search" / "index"
    files, size = _folder_size(index)
    # Whoosh's files: not the record of the static export next to them (generator.kept_index: static-<output>.json)
    whoosh = [p for p in (work / "cache" / "search").rglob("*") if p.is_file() and "/static-" not in p.as_posix()]
    whoosh_files, whoosh_size = len(whoosh), sum(p.stat().st_size for p in whoosh)
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    shards = sorted(p.stat().st_size for p in (index / "g").glob("*.bin"))
    report["static index"] = {
        "files": files, "megabytes": round(size / 1e6, 1), "docs": manifest["docs"], "gram shards": manifest["shards"],
        "shard bytes median": shards[len(shards) // 2], "shard bytes p90": shards[len(shards) * 9 // 10],
        "shard bytes max": shards[-1],
        **{f"{part}/ megabytes": round(_folder_size(index / part)[1] / 1e6, 1) for part in "geprlfa"},
    }
    report["whoosh index"] = {"files": whoosh_files, "megabytes": round(whoosh_size / 1e6, 1)}

    edited = sorted((content / "replies").rglob("*.md"))[len(list((content / "replies").rglob("*.md"))) // 2]
    edited.write_text(edited.read_text(encoding="utf-8").replace("。", "。 ", 1), encoding="utf-8")
    report["incremental build (one reply changed)"] = {}
    build(content, work / "output", report["incremental build (one reply changed)"])
    report["build again (nothing changed)"] = {}
    build(content, work / "output", report["build again (nothing changed)"])

    if not args.skip_browser:
        report["queries"] = browser_measures(work / "output")
    text = json.dumps(report, ensure_ascii=False, indent=1)
    (work / "report.json").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
