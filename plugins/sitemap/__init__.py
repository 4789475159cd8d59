"""Sitemap: sitemap.xml listing every HTML page the build wrote, at absolute addresses (urls.py).

Signals:
- initialized: check the SITEMAP settings.
- all_generators_finalized: forget pages of an earlier run (writing is about to start).
- content_written: note each HTML page as Pelican writes it.
- finalized: write sitemap.xml.
"""

from __future__ import annotations

from pelican import signals

from . import sitemap


def register():
    signals.initialized.connect(sitemap.check)
    signals.all_generators_finalized.connect(sitemap.forget)
    signals.content_written.connect(sitemap.remember)
    signals.finalized.connect(sitemap.write)
