"""The search-index step alone, as Pagefind indexes a built site in a process of its own: the Whoosh
index and the static export of a built site's search records, into empty folders, in the child process
that makes them in a build (search.index.Indexing).  In the build that child runs beside the rendering
of the pages, so its own times there are those of a step sharing the cores.

    python bench/search_alone.py CONTENT CACHE WORK

CONTENT and CACHE are those of the build (its search records are read from its cache); the index goes
to WORK (emptied first).  Prints what it made.
"""

from __future__ import annotations

import marshal
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from replies.cache import FileCache  # noqa: E402
from replies.workers import cores  # noqa: E402
from search import generator, index  # noqa: E402


def main(content: str, cache: str, work: str) -> None:
    folder = index.directory({"PATH": content, "CACHE_PATH": cache})
    records = FileCache(os.path.join(folder, "records.marshal"), generator.RECORDS_VERSION, marshal).previous()
    if not records:
        raise SystemExit(f"no search records in {folder}: build the site first")
    shutil.rmtree(work, ignore_errors=True)
    done = index.Indexing(os.path.join(work, "whoosh"), records, export={
        "slot": os.path.join(work, "slot"), "folder": os.path.join(work, "index"),
        "page_size": generator.DEFAULTS["page_size"], "workers": cores()}).join()
    print(f"{len(records)} records: {done.stats}; {done.summary.files} files, {done.summary.bytes / 1e6:.1f} MB")


if __name__ == "__main__":
    main(*sys.argv[1:4])
