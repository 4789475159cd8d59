"""Browse: deputy pages and the links between a reply and its deputies and category.

Signals:
- get_generators: adds BrowseGenerator, which runs after the articles are read.
"""

from __future__ import annotations

from pelican import signals

from .generator import BrowseGenerator


def add_generator(pelican):
    return BrowseGenerator


def register():
    signals.get_generators.connect(add_generator)
