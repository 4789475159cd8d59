"""sitemap.xml: every HTML page this build wrote, with absolute addresses.

Pages are collected as Pelican writes them (content_written), not by walking the output folder: the
folder is not emptied before a build, and the page of a reply withdrawn since the last build, deleted
only after the sitemap is written (plugins/written), must not be listed.
"""

from __future__ import annotations

import os
from xml.sax.saxutils import escape

from replies.settings import namespaced
from written import files

from .urls import absolute_url

DEFAULTS = {
    "save_as": "sitemap.xml",  # relative to the output folder; "" switches the sitemap off
}

#: Absolute path of each page written by the running build -> its lastmod date ('2017-06-20') or None.
_written: dict[str, str | None] = {}


def options(settings) -> dict:
    return namespaced(settings, "SITEMAP", DEFAULTS)


def check(pelican) -> None:
    """Fail before anything is written when the SITEMAP settings are wrong."""
    options(pelican.settings)


def forget(*args, **kwargs) -> None:
    """A new build starts writing: nothing of an earlier (perhaps failed) run counts."""
    _written.clear()


def remember(path, context=None) -> None:
    if not str(path).endswith(".html"):
        return
    article = (context or {}).get("article")
    lastmod = None
    if article is not None and str(path).endswith(getattr(article, "save_as", None) or "\0"):
        lastmod = article.date.date().isoformat()
    _written[os.path.abspath(path)] = lastmod


def url_of(relative: str) -> str:
    """'2017/x/index.html' -> '2017/x/'; 'index.html' -> ''; other files keep their name."""
    if relative == "index.html":
        return ""
    return relative[: -len("index.html")] if relative.endswith("/index.html") else relative


def render(settings, pages: dict[str, str | None]) -> str:
    """The sitemap of `pages` (output-relative path -> lastmod), sorted by address."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in sorted((absolute_url(settings, url_of(p)), m) for p, m in pages.items()):
        extra = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{escape(loc)}</loc>{extra}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def write(pelican) -> None:
    settings = pelican.settings
    save_as = options(settings)["save_as"]
    output = os.path.abspath(pelican.output_path)
    pages = {os.path.relpath(path, output).replace(os.sep, "/"): lastmod
             for path, lastmod in _written.items() if path.startswith(output + os.sep)}
    forget()
    if not save_as:
        return
    files.write(os.path.join(output, save_as), render(settings, pages).encode("utf-8"))
