"""The loaded reply store of each build, looked up by the build's settings.

Pelican hands plugins and readers only the settings dict, so the store of a build (and the cache of the
HTML its reader renders) is kept here, keyed by the absolute content path, and replaced at the start of
every run (autoreload included).
"""

from __future__ import annotations

import os

from .cache import FileCache
from .model import Reply
from .settings import namespaced
from .store import Store

DEFAULTS = {
    "path": "replies",  # folder of the reply files, relative to the content folder (PATH)
}

_stores: dict[str, Store] = {}
_rendered: dict[str, FileCache] = {}


def options(settings) -> dict:
    """The REPLIES settings dict with its defaults; unknown keys are an error."""
    return namespaced(settings, "REPLIES", DEFAULTS)


def _key(settings) -> str:
    return os.path.realpath(settings["PATH"])


def remember(settings, store: Store, rendered: FileCache) -> None:
    """The build's store, and its cache of the HTML of replies' Markdown (reader.py) by the text's hash."""
    _stores[_key(settings)] = store
    _rendered[_key(settings)] = rendered


def rendered_for(settings) -> FileCache:
    return _rendered[_key(settings)]


def store_for(settings) -> Store | None:
    return _stores.get(_key(settings))


def reply_for(settings, source_path) -> Reply | None:
    store = store_for(settings)
    return store.by_path(source_path) if store else None
