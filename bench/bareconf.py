"""Bare Pelican, the benchmark's baseline: Pelican's defaults (no plugins, its default theme) plus only
what the same site needs.  PATH, OUTPUT_PATH and CACHE_PATH come from the command line.

The settings that are not about plugins or theme are taken from pelicanconf.py, so the comparison
measures the plugins and the theme, not a setting: time zone and language, listing pages of the same
length, translations (not looked for) and the content cache.
"""

import os
import runpy

_ours = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pelicanconf.py"))
for _key in ("TIMEZONE", "DEFAULT_LANG", "DEFAULT_PAGINATION", "ARTICLE_TRANSLATION_ID", "ARTICLE_ORDER_BY", "CACHE_CONTENT",
             "LOAD_CONTENT_CACHE", "CONTENT_CACHING_LAYER", "CHECK_MODIFIED_METHOD", "GZIP_CACHE"):
    if _key in _ours:
        globals()[_key] = _ours[_key]

AUTHOR = "湖南省商务厅"
SITENAME = "建议提案办理"
SITEURL = ""
FEED_DOMAIN = "http://localhost:8000"
PLUGINS = []

# The same reply addresses as ours.
ARTICLE_URL = "{year}/{slug}/"
ARTICLE_SAVE_AS = "{year}/{slug}/index.html"
# Withheld replies are read (Status: draft) but nothing of them is written.
DRAFT_SAVE_AS = ""
