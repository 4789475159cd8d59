"""Pages and feeds whose inputs did not change since the previous build are not rendered again.

Rendering is most of a rebuild's writing (10,000 reply pages, 500 pages of the all-replies listing,
thousands of deputy pages and feeds at 10,000 replies) while one edited reply changes a handful: the
pages and feeds that show it.  A reply page shows

- the reply: its front-matter values and its letter's HTML,
- the other objects it links to (neighbours, related replies, its deputies, category, key class): of
  those, what `_shown` keeps (address, title, number, dates, names),
- what every page shows: the settings, the navigation (pages, years), the theme and the plugins' code.

Any other page (listings, deputy, key-class and year pages, the home page…) shows what every page shows
and the variables its template reads (found in the template and those it extends, imports, includes):
of each, what `_listed` keeps, which is everything but a reply's letter (no listing shows it), and the
lists it is paginated from.  A feed shows the site's settings and its articles: what a listing shows of
them, and their content.

The key of a page or feed digests all of that; one whose key equals the one recorded when its files were
last written, and whose files are still as written then (size and modification time), is left as it is.
The record, one file per output folder in the cache, is replaced at the end of every build.  If a
reply page starts to show more of another object than `_shown` keeps, or a listing a reply's letter,
add it there: the tests compare a rebuild after each kind of edit with a build from nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import pickle
import types

from jinja2 import meta
from pelican import signals
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

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
    """UnchangedWriter, leaving pages and feeds whose key is unchanged as they are, not even rendered."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.keys = Keys(settings, output_path)
        self._opened: list[str] | None = None
        _writers.append(self)

    def _open_w(self, filename, encoding, override=False):
        if self._opened is not None:
            self._opened.append(filename)
        return super()._open_w(filename, encoding, override)

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        if not name:
            return None
        site = self.keys.site(context, self.settings)
        article = kwargs.get("article")
        if getattr(article, "reply", None) is not None and name == article.save_as and not paginated:
            shown = _shown(sorted(kwargs.items()), self.keys.shown)
            key = page_key(article, repr((site, template.name, relative_urls, url, shown)), self.keys.shown)
        else:
            if paginated is None:  # as Pelican's write_file: the lists its pages are cut from
                paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
            shown = self.keys.listed(template, {**context, **kwargs})
            pages = sorted((k, self.keys.listed_value(v)) for k, v in paginated.items())
            key = _digest(repr((site, name, template.name, relative_urls, pages, template_name, override_output,
                                url, shown)))
        if self._left(("page", name), key, {**kwargs, "output_file": name}):
            return None
        self._opened = []
        try:
            super().write_file(name, template, context, relative_urls, paginated, template_name, override_output,
                               url, **kwargs)
            self.keys.written(("page", name), key, self._opened)
        finally:
            self._opened = None
        return None

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                   feed_title=None):
        if not path:
            return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        shown = [self.keys.fed(element) for element in elements[: self.settings["FEED_MAX_ITEMS"]]]
        key = _digest(repr((self.keys.site(context, self.settings), path, url, feed_type, override_output,
                            feed_title, shown)))
        if self._left(("feed", path), key):
            return None
        self._opened = []
        try:
            feed = super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
            self.keys.written(("feed", path), key, self._opened)
        finally:
            self._opened = None
        return feed

    def _left(self, what, key: str, context=None) -> bool:
        """Whether the files `what` wrote from `key` are still as written then: registered and left."""
        paths = self.keys.unchanged(what, key)
        if paths is None:
            return False
        for path in paths:
            files.produced(path)
            self._written_files.add(path)
            if context is not None:
                signals.content_written.send(path, context=context)
        return True


#: The writers of the running build, whose keys `save` records when it ends.
_writers: list[Writer] = []


def get_writer(pelican):
    return Writer


def save(pelican) -> None:
    """finalized receiver: record the keys of the pages this build wrote or left."""
    while _writers:
        _writers.pop().keys.save()


class Keys:
    """The keys of one output folder's pages and feeds: those recorded by the previous build, and this
    build's, each with the files it wrote (path, size, modification time)."""

    def __init__(self, settings, output_path: str):
        cache = settings.get("CACHE_PATH") or ""
        self.path = os.path.join(cache, f"pages-{files.folder_tag(output_path)}.pickle") if cache else ""
        self.previous = _load(self.path)
        self.current: dict[tuple, tuple] = {}
        self._site: str | None = None
        self._reads: dict[str, frozenset] = {}
        self._uses: dict[str, tuple] = {}
        self._listed: dict[int, tuple] = {}  # id -> (value, digest): what a listing shows of a value
        self._fed: dict[int, tuple] = {}
        #: id -> (reply or page, what another page shows of it: _shown): a reply is shown by a dozen other
        #: pages (neighbours, related replies), worked out once a build
        self.shown: dict[int, tuple] = {}

    def site(self, context, settings) -> str:
        """What every page shows, digested once a build."""
        if self._site is None:
            self._site = _site_key(context, settings, self.shown)
        return self._site

    def listed(self, template, values: dict) -> list:
        """What a page rendered with `template` shows of `values` (context and arguments): the values of
        the names the template and those it extends, imports and includes read."""
        return [(name, self.listed_value(values[name])) for name in sorted(self._template_reads(template))
                if name in values]

    def listed_value(self, value):
        """A value as a listing may show it (_listed); the digests of objects, such as the deputies and
        replies a page lists, are made once a build."""
        if isinstance(value, (str, int, float, bool, type(None))):
            return value
        made = self._listed.get(id(value))
        if made is None or made[0] is not value:
            made = (value, _digest(repr(_listed(value, self))))  # the value is kept: its id stays its own
            self._listed[id(value)] = made
        return made[1]

    def fed(self, article) -> str:
        """What a feed shows of an article: what a listing shows, and its content."""
        made = self._fed.get(id(article))
        if made is None or made[0] is not article:
            made = (article, _digest(repr((self.listed_value(article), article._content))))
            self._fed[id(article)] = made
        return made[1]

    def _template_reads(self, template) -> frozenset:
        """The variables `template` reads from its context, with the templates it uses."""
        reads = self._reads.get(template.name)
        if reads is None:
            found, todo, seen = set(), [template.name], set()
            while todo:
                name = todo.pop()
                if name not in seen:
                    seen.add(name)
                    variables, used = self._template_uses(template.environment, name)
                    found |= variables
                    todo.extend(used)
            reads = self._reads[template.name] = frozenset(found)
        return reads

    def _template_uses(self, environment, name: str) -> tuple[set[str], list[str]]:
        """The variables the template `name` reads itself, and the templates it extends, imports, includes."""
        uses = self._uses.get(name)
        if uses is None:
            tree = environment.parse(environment.loader.get_source(environment, name)[0])
            used = list(meta.find_referenced_templates(tree))
            if None in used:  # a template chosen at render time: it may read anything
                raise ValueError(f"{name}: page keys need every template it uses named in it")
            uses = self._uses[name] = (meta.find_undeclared_variables(tree), used)
        return uses

    def unchanged(self, what: tuple, key: str) -> list[str] | None:
        """The files `what` wrote from `key`, if it was written from it and its files are still as written
        then; None otherwise."""
        before = self.previous.get(what)
        if before is None or before[0] != key:
            return None
        for path, size, mtime in before[1]:
            try:
                stat = os.stat(path)
            except OSError:
                return None
            if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
                return None
        self.current[what] = before
        return [path for path, _, _ in before[1]]

    def written(self, what: tuple, key: str, paths: list[str]) -> None:
        stats = [(path, os.stat(path)) for path in paths]
        self.current[what] = (key, tuple((path, st.st_size, st.st_mtime_ns) for path, st in stats))

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


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _listed(value, keys: Keys, within: tuple = ()):
    """What a listing page (or a feed) may show of a value: plain values whole; a reply or page by its
    address, title, plain attributes, its reply's values (never the letter: a listing does not show
    it) and a page's content; any other object (deputy, class, year, its figures) by its attributes,
    `within` the objects it is found in (an object within itself is not digested again)."""
    if value is None or isinstance(value, (str, int, float, bool, datetime.date, datetime.tzinfo)):
        return repr(value)
    if isinstance(value, Content):
        return keys.listed_value(value) if within else _content_listed(value, keys)
    if isinstance(value, URLWrapper):
        return (type(value).__name__, value.name, value.url)
    if callable(value) or isinstance(value, types.ModuleType):  # their code is in the site's key
        return getattr(value, "__qualname__", getattr(value, "__name__", type(value).__name__))
    if id(value) in within:
        return ("within", type(value).__name__)
    within = (*within, id(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_listed(v, keys, within) for v in value]
        return items if isinstance(value, (list, tuple)) else sorted(map(repr, items))
    if isinstance(value, dict):
        return sorted((repr(k), _listed(v, keys, within)) for k, v in value.items())
    if not hasattr(value, "__dict__"):
        return (type(value).__name__, repr(value))
    # Its str() and properties derive from its attributes, by code in the site's key.
    return (type(value).__name__, _listed({k: v for k, v in vars(value).items() if k not in _SKIPPED}, keys, within))


def _content_listed(value, keys: Keys):
    reply = getattr(value, "reply", None)
    attributes = sorted((k, _listed(v, keys, (id(value),)) if isinstance(v, URLWrapper) else repr(v))
                        for k, v in value.__dict__.items() if k not in _SKIPPED and k != "_content"
                        and (_is_plain(v) or isinstance(v, (URLWrapper, datetime.date))))
    return (type(value).__name__, value.url, repr(reply), attributes, value._content if reply is None else None)


def page_key(article, site: str, made: dict) -> str:
    """The key of a reply page: the site's key and everything of the article the page can show."""
    digest = hashlib.sha1(site.encode("utf-8"))
    digest.update(repr(article.reply).encode("utf-8"))
    digest.update(article._content.encode("utf-8"))
    shown = {k: _shown(v, made) for k, v in article.__dict__.items() if k not in _SKIPPED and k != "_content"}
    digest.update(repr(sorted(shown.items())).encode("utf-8"))
    return digest.hexdigest()


def _shown(value, made: dict):
    """What a page can show of an attribute's value: plain values whole, objects by what links to them;
    that of a reply or page is kept in `made` (Keys.shown) for the other pages that show it."""
    if value is None or isinstance(value, (str, int, float, bool, datetime.date, datetime.tzinfo)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return [_shown(v, made) for v in value]
    if isinstance(value, Content):
        known = made.get(id(value))
        if known is None or known[0] is not value:  # the value is kept: its id stays its own
            reply = getattr(value, "reply", None)
            known = made[id(value)] = (value, ("content", value.url, value.title,
                                                *(repr(getattr(reply, name, None)) for name in _REPLY_SHOWN)))
        return known[1]
    # Deputies, categories, key classes, years: named and linked to, never shown whole here.
    return (type(value).__name__, *(repr(getattr(value, name, None)) for name in _OBJECT_SHOWN))


def _site_key(context, settings, made: dict) -> str:
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
        digest.update(repr(_shown(list(context.get(listing) or []), made)).encode("utf-8"))
    return digest.hexdigest()


def _is_plain(value, depth: int = 0) -> bool:
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if depth < 2 and isinstance(value, (list, tuple)):
        return all(_is_plain(v, depth + 1) for v in value)
    if depth < 2 and isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v, depth + 1) for k, v in value.items())
    return False
