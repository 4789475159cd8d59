"""Writes data/replies.json, data/replies.csv, data/replies.schema.json and the data page explaining them."""

from __future__ import annotations

import os
import pickle
import sys

from pelican.generators import Generator
from pelican.utils import sanitised_join

from replies import cache, model, schema
from replies.settings import namespaced
from sitemap.urls import absolute_url
from written import files
from written.files import folder_tag

from . import json_schema
from . import records as records_module
from .fields import FIELDS, LIST_SEPARATOR, TYPE_LABELS, description, nullable

DEFAULTS = {
    "page_url": "data/",
    "page_save_as": "data/index.html",
    "json_save_as": "data/replies.json",
    "csv_save_as": "data/replies.csv",
    "schema_save_as": "data/replies.schema.json",
    # Shown on the data page and in replies.json until the department decides the terms of reuse.
    "terms": "使用条款待定：本数据的使用条款将由发布单位确定后在此公布。",
}


def options(settings) -> dict:
    return namespaced(settings, "OPENDATA", DEFAULTS)


class OpenDataGenerator(Generator):
    def generate_context(self):
        self.options = options(self.settings)
        self.context["DATA_URL"] = self.options["page_url"]

    def generate_output(self, writer):
        o = self.options
        owner = self.settings.get("SITE_OWNER") or self.settings.get("AUTHOR") or self.settings["SITENAME"]
        articles = [a for a in self.context.get("articles", []) if hasattr(a, "reply")]
        head = {"format_version": schema.FORMAT_VERSION, "publisher": owner, "terms": o["terms"],
                "count": len(articles)}
        title = f"{owner}{self.settings['SITENAME']}公开数据"
        paths = {kind: sanitised_join(self.output_path, o[f"{kind}_save_as"]) for kind in ("json", "csv", "schema")}
        for path in paths.values():
            os.makedirs(os.path.dirname(path), exist_ok=True)
        # The exports change with any reply: streamed to disk, not compared; unchanged records are copied.
        kept = _Kept(self.settings, self.output_path, paths["json"], paths["csv"])
        count, index = records_module.write_exports(articles, self.settings, head, paths["json"], paths["csv"],
                                                    kept.index())
        kept.save(index)
        files.produced(paths["json"])
        files.produced(paths["csv"])
        files.write(paths["schema"], records_module.to_json(
            json_schema.generate(absolute_url(self.settings, o["schema_save_as"]), title)))
        downloads = {kind: {"url": o[f"{kind}_save_as"], "size": os.path.getsize(path)} for kind, path in paths.items()}
        writer.write_file(o["page_save_as"], self.get_template("data"), self.context, url=o["page_url"],
                          relative_urls=self.settings["RELATIVE_URLS"], opendata={
                              "count": count, "downloads": downloads, "fields": FIELDS, "terms": o["terms"],
                              "type_labels": TYPE_LABELS, "nullable": nullable, "describe": description, "separator": LIST_SEPARATOR,
                              "title": title})


class _Kept:
    """Where each record is in the exports the last build wrote (records.write_exports), kept in the
    cache folder with the code and settings they were made with and the files' sizes and times: any
    of those changed, and every record is made again."""

    def __init__(self, settings, output_path, *exports):
        self.path = os.path.join(os.path.abspath(settings["CACHE_PATH"]), f"opendata-{folder_tag(output_path)}.pickle")
        self.exports = exports
        self.version = cache.version(records_module, model, sys.modules[absolute_url.__module__],
                                     settings=(absolute_url(settings, ""),))

    def index(self) -> dict:
        try:
            with open(self.path, "rb") as handle:
                version, stats, index = pickle.load(handle)
        except Exception:  # none yet, or damaged: every record is made
            return {}
        return index if (version, stats) == (self.version, self._stats()) else {}

    def save(self, index: dict) -> None:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        with open(self.path + ".new", "wb") as handle:
            pickle.dump((self.version, self._stats(), index), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(self.path + ".new", self.path)

    def _stats(self) -> list:
        stats = []
        for path in self.exports:
            try:
                st = os.stat(path)
            except OSError:
                return []
            stats.append((st.st_size, st.st_mtime_ns, st.st_ino))
        return stats
