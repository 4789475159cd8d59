"""Atom feeds per deputy and per key class, written with Pelican's own Writer.write_feed.

The feed of all replies and the category feeds are Pelican's (FEED_ALL_ATOM, CATEGORY_FEED_ATOM).  This
generator gives every feed's page its address (`feed_url` on categories, deputies and key classes;
FEED_ALL_URL in the context) so templates can link them, and writes the feeds Pelican has no taxonomy
for.  Feeds sit next to the page they belong to: deputies/<slug>/feed.atom beside deputies/<slug>/.
"""

from __future__ import annotations

from pelican.generators import Generator

from replies.settings import namespaced

DEFAULTS = {
    "deputy_feed_atom": "deputies/{slug}/feed.atom",  # "" switches deputy feeds off
    "key_class_feed_atom": "key-classes/{slug}/feed.atom",  # "" switches key-class feeds off
}


def options(settings) -> dict:
    return namespaced(settings, "FEEDS", DEFAULTS)


def _newest_first(articles) -> list:
    return sorted(articles, key=lambda a: (a.date, a.url), reverse=True)


class FeedGenerator(Generator):
    def generate_context(self):
        self.options = options(self.settings)
        if "deputies" not in self.context or "key_classes" not in self.context:
            raise RuntimeError("The feeds plugin needs the browse plugin: list 'feeds' after 'browse' in PLUGINS.")
        pages = {}  # feed URL -> URL of the page it belongs to (the feed's alternate link)
        all_url = self.settings.get("FEED_ALL_ATOM_URL") or self.settings.get("FEED_ALL_ATOM")
        self.context["FEED_ALL_URL"] = all_url or None
        if all_url:
            pages[all_url] = self.settings.get("INDEX_URL", "")
        category_feed = self.settings.get("CATEGORY_FEED_ATOM_URL") or self.settings.get("CATEGORY_FEED_ATOM")
        for category, _ in self.context.get("categories", []):
            category.feed_url = str(category_feed).format(slug=category.slug) if category_feed else ""
            if category.feed_url:
                pages[category.feed_url] = category.url
        for objects, pattern in ((self.context["deputies"], self.options["deputy_feed_atom"]),
                                 (self.context["key_classes"], self.options["key_class_feed_atom"])):
            for thing in objects:
                thing.feed_url = pattern.format(slug=thing.slug) if pattern else ""
                if thing.feed_url:
                    pages[thing.feed_url] = thing.url
        self.context["feed_pages"] = pages

    def generate_output(self, writer):
        for deputy in self.context["deputies"]:
            if deputy.feed_url:
                writer.write_feed(_newest_first(deputy.articles), self.context, deputy.feed_url, deputy.feed_url,
                                  feed_title=f"{deputy}的建议提案答复")
        for key_class in self.context["key_classes"]:
            if key_class.feed_url:
                writer.write_feed(_newest_first(key_class.articles), self.context, key_class.feed_url,
                                  key_class.feed_url, feed_title=f"重点建议：{key_class.short_name}")
