"""Pelican's article groupings (categories, authors, tags) with a membership test that takes constant time.

Pelican's ArticlesGenerator writes each category page with `dates = [a for a in self.dates if a in
articles]`, and does the same for every author and tag even when their pages are switched off: a
linear search of the group for every article of the site.  Every reply has the site's default author,
so that alone is N²/2 comparisons (50 million at 10,000 replies, 5 billion at 100,000).  The groups are
given a set of their members' ids instead; Pelican's Content defines no equality, so `in` meant
identity already and every page comes out the same.
"""

from __future__ import annotations


class Members(list):
    """A list of articles whose `in` is a set lookup; Pelican does not change the lists once built."""

    def __init__(self, articles=()):
        super().__init__(articles)
        self._ids = {id(article) for article in self}

    def __contains__(self, article) -> bool:
        return id(article) in self._ids


def index_groups(generator) -> None:
    """`article_generator_finalized` receiver: every category, author and tag list made a Members."""
    for attribute in ("categories", "authors"):
        groups = getattr(generator, attribute)  # a list of (URLWrapper, articles), also in the context
        groups[:] = [(key, Members(articles)) for key, articles in groups]
    for tag, articles in generator.tags.items():  # a dict; the context holds a list of its items
        generator.tags[tag] = Members(articles)
    generator.context["tags"] = list(generator.tags.items())
