"""Written: the output folder ends holding exactly the files this build produced (files.py says why).

Signals:
- get_generators: forget the files of an earlier run (a build starts).
- get_writer: Pelican's pages and feeds go through pagekeys.Writer: a page or feed whose inputs did not
  change since it was written is not rendered again (pagekeys), and any other is written only when its
  bytes change (writer.UnchangedWriter); both are registered.
- static_generator_finalized: register the theme's static files, which Pelican copies itself.
- finalized: record the keys of the pages and feeds (pagekeys.save).
- initialized: connect files.prune to `finalized` now, after the plugins' own `finalized` receivers
  (the sitemap is written then) and before the disclosure check's (replies, listed after this plugin),
  which then searches exactly what this build produced.
Plugins writing into the output themselves call files.write, files.copy or files.produced(_in).
"""

from __future__ import annotations

from pelican import signals

from . import files, pagekeys


def connect_prune(pelican) -> None:
    signals.finalized.connect(files.prune)


def register():
    signals.get_generators.connect(files.forget)
    signals.get_writer.connect(pagekeys.get_writer)
    signals.finalized.connect(pagekeys.save)
    signals.static_generator_finalized.connect(files.static_files)
    signals.initialized.connect(connect_prune)
