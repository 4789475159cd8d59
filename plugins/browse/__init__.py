"""Browse: deputy pages and the links between a reply and its deputies and category.

Signals:
- get_generators: adds BrowseGenerator, which runs after the articles are read.
- article_generator_finalized: Pelican's category, author and tag groups get a constant-time `in`
  (categories.py), which its page writer uses once per article of the site and group.
"""

from __future__ import annotations

from pelican import signals

from .categories import index_groups
from .generator import BrowseGenerator


def add_generator(pelican):
    return BrowseGenerator


def register():
    signals.get_generators.connect(add_generator)
    signals.article_generator_finalized.connect(index_groups)
