"""Pelican reader for Markdown files with YAML front-matter.

Reply files are not parsed here: the store (store.py) has already read and validated every reply
before the build started, so the reader only turns a stored record into Pelican content.  A reply that
is not 主动公开 becomes a 'skip' stub, so Pelican writes nothing of it; a 摘要 reply publishes its
summary and its letter is never rendered.  Other Markdown files (pages, class introductions) may use
the same `---` front-matter, or Pelican's usual `Key: value` lines.
"""

from __future__ import annotations

import datetime
import hashlib
from zoneinfo import ZoneInfo

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime

from . import frontmatter, registry, sanitize
from .workers import map_spans


class YamlMarkdownReader(MarkdownReader):
    file_extensions = ["md", "markdown", "mkd", "mdown"]

    def read(self, source_path):
        reply = registry.reply_for(self.settings, source_path)
        if reply is not None:
            return self._read_reply(reply)
        with open(source_path, encoding="utf-8-sig") as handle:
            text = handle.read()
        if frontmatter.has_front_matter(text):
            return self._read_front_matter(source_path, text)
        return super().read(source_path)

    def _markdown(self, text: str) -> str:
        md = getattr(self, "_converter", None)
        if md is None:
            md = self._converter = Markdown(**self.settings["MARKDOWN"])
        return convert(md, text)

    def _rendered(self, text: str) -> str:
        """The HTML of a reply's Markdown, taken from the previous build if it converted the same text
        (with the same code and MARKDOWN settings: registry.rendered_for), or from `prerender`."""
        rendered = registry.rendered_for(self.settings)
        key = text_key(text)
        html = rendered.get(key)
        if html is None:
            html = self._markdown(text)
        rendered.put(key, html)
        return html

    def _read_reply(self, reply):
        if not reply.is_public:
            return "", {"status": "skip"}
        text = reply.summary if reply.is_summary_only else reply.body
        zone = ZoneInfo(self.settings.get("TIMEZONE") or "Asia/Shanghai")
        day = reply.publish_date
        metadata = {
            "title": reply.title,
            "date": SafeDatetime(day.year, day.month, day.day, tzinfo=zone),
            "slug": reply.slug,
            "year": str(reply.year),
            "category": self.process_metadata("category", reply.category),
            "template": "reply",
            "reply": reply,
        }
        if reply.is_summary_only:
            metadata["summary"] = self._rendered(reply.summary)
        content = self._rendered(text)
        if not reply.is_summary_only:
            reply.release_body()  # the disclosure check has worked out its secrets (load_store)
        return content, metadata

    def _read_front_matter(self, source_path, text):
        try:
            document = frontmatter.split(text)
            metadata = {}
            for entry in document.entries:
                key = entry.key.lower()
                value = frontmatter.construct(entry.node)
                if isinstance(value, (datetime.date, int)) and key != "date":
                    value = str(value)
                if key == "summary":
                    metadata[key] = self._markdown(str(value))
                else:
                    metadata[key] = self.process_metadata(key, value if key != "date" else str(value))
        except (frontmatter.FrontMatterError, ValueError) as error:
            line = getattr(error, "line", None)
            raise ValueError(f"{source_path}:{line or 0}: {getattr(error, 'message', error)}") from None
        return self._markdown(document.body), metadata


def convert(md: Markdown, text: str) -> str:
    """The HTML of `text` with the converter `md`.  One converter serves every file: setting up Markdown
    and its extensions costs about a third of converting a letter; reset() clears what one document
    leaves behind (footnotes, abbreviations), so each converts as with a fresh instance."""
    return md.reset().convert(sanitize.strip_raw_html(text))


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def published_texts(reply) -> list[str]:
    """The Markdown of a reply that its page shows: the letter, or a 摘要 reply's summary only."""
    if not reply.is_public:
        return []
    return [reply.summary] if reply.is_summary_only else [reply.body]


#: What the prerender workers read (set before the pool forks).
_JOB: dict = {}


def prerender(replies, rendered, settings, workers: int) -> None:
    """Convert the published Markdown that `rendered` (the cache) lacks in forked workers, into it.

    Pelican reads the replies one after another while the build's other cores idle; converting a
    letter is most of reading it (about 7 s of 10,000 replies on one core)."""
    published = {text_key(text): text for reply in replies for text in published_texts(reply)}
    keys = [key for key in published if rendered.get(key) is None]
    if workers < 2 or len(keys) < 100:
        return  # the reader converts them as it reads
    _JOB.update(markdown=settings["MARKDOWN"], texts=[published[key] for key in keys])
    try:
        for key, html in zip(keys, map_spans(_convert_range, len(keys), workers)):
            rendered.put(key, html)
    finally:
        _JOB.clear()


def _convert_range(span: tuple[int, int]) -> list[str]:
    md = Markdown(**_JOB["markdown"])
    return [convert(md, text) for text in _JOB["texts"][span[0]:span[1]]]


def fix_urls(generator) -> None:
    """`article_generator_finalized` receiver: each article's URL computed once.

    Pelican works an article's `url` out again on every use (a copy of its metadata and two path
    resolutions); listings, neighbours, deputy pages, feeds and the sitemap use it some 25 times per
    reply.  Once the articles are read it cannot change, and Pelican returns `override_url` when an
    article has one (as it does for a `url:` in the metadata), so that is set to the same value.
    """
    for article in generator.articles:
        if not hasattr(article, "override_url"):
            article.override_url = article.url

