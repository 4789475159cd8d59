"""The site's absolute addresses, for what must not be relative: sitemap, feeds, open data.

A published build has an absolute SITEURL (https://example.gov.cn/jytabl) and that is the base.  A
development build's SITEURL is a path ("" or "/jytabl"); its pages are served from FEED_DOMAIN's origin
(pelicanconf.py sets http://localhost:8000, where `invoke serve` listens), so the base is that origin
plus the path.  Without either, addresses stay root-relative.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def _is_absolute(url: str) -> bool:
    parts = urlsplit(url or "")
    return bool(parts.scheme and parts.netloc)


def site_base(settings) -> str:
    """'https://example.gov.cn/jytabl', 'http://localhost:8000/jytabl', or '/jytabl'; never a trailing '/'."""
    siteurl = (settings.get("SITEURL") or "").rstrip("/")
    if _is_absolute(siteurl):
        return siteurl
    domain = urlsplit(settings.get("FEED_DOMAIN") or "")
    origin = f"{domain.scheme}://{domain.netloc}" if domain.scheme and domain.netloc else ""
    return origin + siteurl


def absolute_url(settings, path: str) -> str:
    """The address of an output path or URL relative to the site ('2017/x/', 'feed.atom', '')."""
    return f"{site_base(settings)}/{str(path).lstrip('/')}"
