"""Writes data/replies.json, data/replies.csv, data/replies.schema.json and the data page explaining them."""

from __future__ import annotations

import os

from pelican.generators import Generator
from pelican.utils import sanitised_join

from replies import schema
from replies.settings import namespaced
from sitemap.urls import absolute_url
from written import files

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
        # The exports change with any reply: streamed to disk, not compared.
        count = records_module.write_exports(articles, self.settings, head, paths["json"], paths["csv"])
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
