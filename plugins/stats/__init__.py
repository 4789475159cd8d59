"""Stats: the yearly figures computed from every reply's front-matter, their charts, and the year pages.

Signals:
- get_generators: adds StatsGenerator, which runs after the articles, pages and browse links are
  ready; it puts `years` (newest first, see stats.py for the attributes) and `YEARS_URL` in the
  context and writes a page per year and the years index.
"""

from __future__ import annotations

from pelican import signals

from .generator import StatsGenerator


def add_generator(pelican):
    return StatsGenerator


def register():
    signals.get_generators.connect(add_generator)
