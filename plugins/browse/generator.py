"""Writes the deputy and key-class pages with their indexes, and links each reply to its neighbours."""

from __future__ import annotations

from collections import defaultdict

from pelican.generators import Generator

from markdown import Markdown

from replies import registry, sanitize
from replies.settings import namespaced

from . import classes as classes_module
from . import deputies as deputies_module

DEFAULTS = {
    "deputy_url": "deputies/{slug}/",
    "deputy_save_as": "deputies/{slug}/index.html",
    "deputies_url": "deputies/",
    "deputies_save_as": "deputies/index.html",
    "key_class_url": "key-classes/{slug}/",
    "key_class_save_as": "key-classes/{slug}/index.html",
    "key_classes_url": "key-classes/",
    "key_classes_save_as": "key-classes/index.html",
    "home_save_as": "index.html",  # the section home; the listing of all replies is Pelican's index
    "home_latest": 8,  # newest replies shown on the home page
    "related_limit": 5,  # how many other replies of the same deputy / category a reply page lists
}


def options(settings) -> dict:
    return namespaced(settings, "BROWSE", DEFAULTS)


class BrowseGenerator(Generator):
    def generate_context(self):
        self.options = options(self.settings)
        articles = [a for a in self.context.get("articles", []) if hasattr(a, "reply")]
        self.deputies = deputies_module.build(
            articles, self.options["deputy_url"], self.options["deputy_save_as"])
        intros = registry.store_for(self.settings).intros
        for intro in intros.values():
            intro.html = Markdown(**self.settings["MARKDOWN"]).convert(sanitize.strip_raw_html(intro.body))
        self.key_classes = classes_module.build(
            articles, intros, self.options["key_class_url"], self.options["key_class_save_as"])
        self.context["key_classes"] = self.key_classes
        self.context["KEY_CLASSES_URL"] = self.options["key_classes_url"]
        self.context["category_intros"] = {name: i for (kind, name), i in intros.items() if kind == "category"}
        limit = self.options["related_limit"]
        by_category = defaultdict(list)
        for article in articles:  # newest first, as Pelican sorted them
            by_category[article.category].append(article)
        for newer, article, older in zip([None] + articles[:-1], articles, articles[1:] + [None]):
            article.newer_reply, article.older_reply = newer, older  # neighbours in the all-replies listing
        newest = {id(deputy): deputy.articles for deputy in self.deputies}  # Deputy.articles sorts on each use
        for article in articles:
            # An article is at most once in each list: the first limit + 1 hold the `limit` others.
            near = newest[id(article.lead_deputy)][: limit + 1]
            article.related_deputy = [a for a in near if a is not article][:limit]
            near = by_category[article.category][: limit + 1]
            article.related_category = [a for a in near if a is not article][:limit]
        self.context["deputies"] = self.deputies
        self.context["DEPUTIES_URL"] = self.options["deputies_url"]

    def generate_output(self, writer):
        template = self.get_template("deputy")
        for deputy in self.deputies:
            writer.write_file(deputy.save_as, template, self.context, deputy=deputy,
                              articles=deputy.articles, url=deputy.url, relative_urls=self.settings["RELATIVE_URLS"])
        writer.write_file(self.options["deputies_save_as"], self.get_template("deputies"), self.context,
                          url=self.options["deputies_url"], relative_urls=self.settings["RELATIVE_URLS"])
        writer.write_file(self.options["home_save_as"], self.get_template("home"), self.context,
                          latest=self.context.get("articles", [])[: self.options["home_latest"]], url="",
                          relative_urls=self.settings["RELATIVE_URLS"])
        template = self.get_template("keyclass")
        for key_class in self.key_classes:
            writer.write_file(key_class.save_as, template, self.context, key_class=key_class,
                              articles=key_class.articles, url=key_class.url,
                              relative_urls=self.settings["RELATIVE_URLS"])
        writer.write_file(self.options["key_classes_save_as"], self.get_template("keyclasses"), self.context,
                          url=self.options["key_classes_url"], relative_urls=self.settings["RELATIVE_URLS"])
