"""Replies: the reply format, its validation, its reader, and what a withheld reply may not leave behind.

Signals:
- get_generators: load and validate every reply before anything is written; an invalid
  content folder (privacy guard included) stops the build with the full list of problems.  A file
  unchanged since the previous build is not read again (cache.py).  Adds the attachment generator.
- readers_init: read .md files with YAML front-matter (replies come from the validated store).
- generator_init: give templates the schema (Chinese labels, enumerations) and the cn_date filter.
- article_generator_finalized: each article's URL is computed once (reader.fix_urls), not on every use;
  the HTML of the replies' Markdown is kept for the next build (save_rendered).
- finalized: wait for the processes writing the build cache (cache.finished).
- initialized: fewer full garbage collections (workers.tune_collector): a build's long-lived objects are
  many.
- initialized: connect disclosure.verify_output to `finalized` now, after every plugin has registered,
  so that it runs last and sees every file (sitemap, feeds…) written at `finalized`; it searches the
  output for the text of withheld replies and of 摘要 letters, and a hit fails the build.
"""

from __future__ import annotations

import marshal
import sys

import markdown
import yaml
from pelican import signals

from . import cache, disclosure, privacy, reader, registry, store, templating, workers
from .attachments import AttachmentGenerator
from .reader import YamlMarkdownReader, fix_urls


def load_store(pelican):
    settings = pelican.settings
    guard = privacy.guard(settings)
    # What a reply file is read as depends on this code, the privacy guard's allow-list and YAML.
    reading = cache.version(sys.modules[__name__], settings=(sorted(guard.allow), yaml.__version__))
    replies_cache = cache.FileCache(cache.path(settings, "replies.pickle"), reading)
    loaded = store.load(settings["PATH"], registry.options(settings)["path"], guard, replies_cache,
                        workers.cores())
    replies_cache.save()  # the valid replies, also when another file stops the build
    loaded.raise_for_problems()
    # What may not be published is worked out now, from every letter: the reader then keeps only the
    # rendered HTML of a published letter (Reply.release_body).
    published = cache.FileCache(cache.path(settings, "published-secrets.pickle"), reading)
    loaded.secrets = disclosure.secrets(loaded, published)
    published.save()
    rendered = cache.FileCache(cache.path(settings, "markdown.marshal"), cache.version(
        sys.modules[__name__], settings=(settings["MARKDOWN"], markdown.__version__)), marshal)
    reader.prerender(loaded.replies, rendered, settings, workers.cores())
    registry.remember(settings, loaded, rendered)
    return AttachmentGenerator


def save_rendered(generator) -> None:
    """`article_generator_finalized` receiver: every reply is read, its HTML is kept for the next build."""
    registry.rendered_for(generator.settings).save()


def add_reader(readers):
    for extension in YamlMarkdownReader.file_extensions:
        readers.reader_classes[extension] = YamlMarkdownReader


def register():
    signals.get_generators.connect(load_store)
    signals.readers_init.connect(add_reader)
    signals.generator_init.connect(templating.add_to_environment)
    signals.article_generator_finalized.connect(fix_urls)
    signals.article_generator_finalized.connect(save_rendered)
    signals.initialized.connect(disclosure.connect_last)
    signals.initialized.connect(workers.tune_collector)
    signals.finalized.connect(cache.finished)
