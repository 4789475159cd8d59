"""Reply pages whose inputs did not change since the previous build are not rendered again.

Rendering the reply pages is most of a rebuild's page writing (10,000 of them at 10,000 replies) while
one edited reply changes a handful: its own page and those that show it (its neighbours, the replies
listing it as related).  A reply page shows

- the reply: its front-matter values and its letter's HTML,
- the other objects it links to (neighbours, related replies, its deputies, category, key class): of
  those, what `_shown` keeps (address, title, number, dates, names),
- what every page shows: the settings, the navigation (pages, years), the theme and the plugins' code.

The key of a page digests all of that; a page whose key equals the one recorded when the file was last
written, and whose file is still as written then (size and modification time), is left as it is.  The
record, one file per output folder in the cache, is replaced at the end of every build.  If a template starts to show more of another object than `_shown` keeps, add it there: the
tests compare a rebuild after each kind of edit with a build from nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import pickle

from pelican import signals
from pelican.contents import Content
from pelican.utils import sanitised_join

from . import files
from .writer import UnchangedWriter

logger = logging.getLogger(__name__)

PLUGINS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: What of another reply a page may show: its address and title, and these of its reply.
_REPLY_SHOWN = ("number_label", "reply_date", "publish_date", "lead", "kind", "level")
#: What of any other object (deputy, category, key class, year) a page may show.
_OBJECT_SHOWN = ("name", "short_name", "year", "delegation", "url")
#: Attributes not digested: settings and context are in the site's key, metadata repeats the attributes.
_SKIPPED = {"_context", "settings", "metadata"}


class Writer(UnchangedWriter):
    """UnchangedWriter, leaving reply pages whose key is unchanged as they are, not even rendered."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.keys = Keys(settings, output_path)
        _writers.append(self)

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        article = kwargs.get("article")
        if paginated or getattr(article, "reply", None) is None or name != article.save_as:
            return super().write_file(name, template, context, relative_urls, paginated, template_name,
                                      override_output, url, **kwargs)
        site = self.keys.site(context, self.settings)
        key = page_key(article, repr((site, template.name, relative_urls, url, _shown(sorted(kwargs.items())))))
        path = sanitised_join(self.output_path, name)
        if self.keys.unchanged(name, key, path):
            files.produced(path)
            signals.content_written.send(path, context={**kwargs, "output_file": name})
            return None
        super().write_file(name, template, context, relative_urls, paginated, template_name, override_output,
                           url, **kwargs)
        self.keys.written(name, key, path)
        return None


#: The writers of the running build, whose keys `save` records when it ends.
_writers: list[Writer] = []


def get_writer(pelican):
    return Writer


def save(pelican) -> None:
    """finalized receiver: record the keys of the pages this build wrote or left."""
    while _writers:
        _writers.pop().keys.save()


class Keys:
    """The page keys of one output folder: those recorded by the previous build, and this build's."""

    def __init__(self, settings, output_path: str):
        cache = settings.get("CACHE_PATH") or ""
        self.path = os.path.join(cache, f"pages-{files.folder_tag(output_path)}.pickle") if cache else ""
        self.previous = _load(self.path)
        self.current: dict[str, tuple] = {}
        self._site: str | None = None

    def site(self, context, settings) -> str:
        """What every page shows, digested once a build."""
        if self._site is None:
            self._site = _site_key(context, settings)
        return self._site

    def unchanged(self, name: str, key: str, path: str) -> bool:
        """Whether the page `name` (file `path`) was written from `key` and is still as written then."""
        before = self.previous.get(name)
        if before is None or before[0] != key:
            return False
        try:
            stat = os.stat(path)
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != before[1:]:
            return False
        self.current[name] = before
        return True

    def written(self, name: str, key: str, path: str) -> None:
        stat = os.stat(path)
        self.current[name] = (key, stat.st_size, stat.st_mtime_ns)

    def save(self) -> None:
        if not self.path:
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        with open(self.path + ".new", "wb") as handle:
            pickle.dump(self.current, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(self.path + ".new", self.path)


def _load(path: str) -> dict:
    if not path:
        return {}
    try:
        with open(path, "rb") as handle:
            keys = pickle.load(handle)
        return keys if isinstance(keys, dict) else {}
    except FileNotFoundError:
        return {}
    except Exception as error:  # a damaged record only costs rendering every page again
        logger.info("page keys in %s unreadable (%s): every reply page is rendered", path, error)
        return {}


def page_key(article, site: str) -> str:
    """The key of a reply page: the site's key and everything of the article the page can show."""
    digest = hashlib.sha1(site.encode("utf-8"))
    digest.update(repr(article.reply).encode("utf-8"))
    digest.update(article._content.encode("utf-8"))
    shown = {k: _shown(v) for k, v in article.__dict__.items() if k not in _SKIPPED and k != "_content"}
    digest.update(repr(sorted(shown.items())).encode("utf-8"))
    return digest.hexdigest()


def _shown(value):
    """What a page can show of an attribute's value: plain values whole, objects by what links to them."""
    if value is None or isinstance(value, (str, int, float, bool, datetime.date, datetime.tzinfo)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return [_shown(v) for v in value]
    if isinstance(value, Content):
        reply = getattr(value, "reply", None)
        return ("content", value.url, value.title, *(repr(getattr(reply, name, None)) for name in _REPLY_SHOWN))
    # Deputies, categories, key classes, years: named and linked to, never shown whole here.
    return (type(value).__name__, *(repr(getattr(value, name, None)) for name in _OBJECT_SHOWN))


def _site_key(context, settings) -> str:
    """The theme's and the plugins' files, the plain settings and context values, pages and years."""
    digest = hashlib.sha1()
    for folder in (settings["THEME"], PLUGINS):
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".html", ".py", ".json")):
                    path = os.path.join(root, name)
                    digest.update(path.encode("utf-8"))
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
    plain = {k: repr(v) for k, v in {**settings, **context}.items() if _is_plain(v)}
    digest.update(repr(sorted(plain.items())).encode("utf-8"))
    for listing in ("pages", "years"):
        digest.update(repr(_shown(list(context.get(listing) or []))).encode("utf-8"))
    return digest.hexdigest()


def _is_plain(value, depth: int = 0) -> bool:
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if depth < 2 and isinstance(value, (list, tuple)):
        return all(_is_plain(v, depth + 1) for v in value)
    if depth < 2 and isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v, depth + 1) for k, v in value.items())
    return False
