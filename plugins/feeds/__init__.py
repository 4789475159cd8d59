"""Feeds: Atom feeds of all replies, per category (Pelican's), per deputy and per key class (ours).

Signals:
- get_generators: adds FeedGenerator (feed addresses for templates; deputy and key-class feeds).
- feed_generated: `entries.finish` gives every feed absolute links, stable ids and reply entries.
"""

from __future__ import annotations

from pelican import signals

from . import entries
from .generator import FeedGenerator


def add_generator(pelican):
    return FeedGenerator


def register():
    signals.get_generators.connect(add_generator)
    signals.feed_generated.connect(entries.finish)
