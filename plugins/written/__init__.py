"""Written: the output folder ends holding exactly the files this build produced (files.py says why).

Signals:
- get_generators: forget the files of an earlier run (a build starts).
- get_writer: Pelican's pages and feeds go through UnchangedWriter, which writes a file only when
  its bytes change and registers it.
- static_generator_finalized: register the theme's static files, which Pelican copies itself.
- initialized: connect files.prune to `finalized` now, after the plugins' own `finalized` receivers
  (the sitemap is written then) and before the disclosure check's (replies, listed after this plugin),
  which then searches exactly what this build produced.
Plugins writing into the output themselves call files.write, files.copy or files.produced(_in).
"""

from __future__ import annotations

from pelican import signals

from . import files
from .writer import get_writer


def connect_prune(pelican) -> None:
    signals.finalized.connect(files.prune)


def register():
    signals.get_generators.connect(files.forget)
    signals.get_writer.connect(get_writer)
    signals.static_generator_finalized.connect(files.static_files)
    signals.initialized.connect(connect_prune)
