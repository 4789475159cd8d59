"""Search: a Whoosh index of the public replies at build time, a static index for the browser, the search page.

Signals:
- get_generators: adds SearchGenerator, which runs after the articles are read and the browse plugin has
  linked the deputies. Made before anything is written, it moves the previous build's static index aside
  into the cache; generate_context starts the update of the Whoosh index in the cache folder (only
  replies that changed are indexed again) in a child process, which runs while the other generators write
  their pages; generate_output renames the previous static index back if no reply changed, or else
  updates it where it is and renames it back (waiting for the child before the memory-heavy part of the
  export), and writes the search page.
"""

from __future__ import annotations

from pelican import signals


def add_generator(pelican):
    # Imported here, not above: the Whoosh child imports this package for search.index only, and the
    # generator's imports (browse, pypinyin's phrase tables, Pelican's generators) cost it 0.5-2.5 s a build.
    from .generator import SearchGenerator

    return SearchGenerator


def register():
    signals.get_generators.connect(add_generator)
