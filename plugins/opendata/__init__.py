"""Open data: every public reply as JSON and CSV, the JSON Schema generated from the field table, and a data page.

Signals:
- get_generators: adds OpenDataGenerator (DATA_URL in the context; the files and the page at output time).
"""

from __future__ import annotations

from pelican import signals

from .generator import OpenDataGenerator


def add_generator(pelican):
    return OpenDataGenerator


def register():
    signals.get_generators.connect(add_generator)
