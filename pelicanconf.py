"""Development settings: the complete configuration of the site (publishconf.py adds production only)."""

import os
import sys

# Plugins import each other as top-level packages (browse uses replies.model).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins"))

AUTHOR = "湖南省商务厅"
SITENAME = "建议提案办理"
SITE_OWNER = "湖南省商务厅"
SITEURL = ""
RELATIVE_URLS = False
# The output folder is not emptied: the written plugin writes only the files whose bytes changed and
# deletes, at the end of the build, every file the build did not produce (a page of a reply withheld
# since, a stray file), so the folder ends as a build into an empty folder leaves it.  Deleting and
# creating all 16,000 pages again is the slowest path on a disk without a journal.
DELETE_OUTPUT_DIRECTORY = False

PATH = "content"
THEME = os.path.join(os.path.dirname(os.path.abspath(__file__)), "theme")
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
DEFAULT_DATE_FORMAT = "%Y年%-m月%-d日"

PLUGIN_PATHS = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins")]
PLUGINS = ["written", "replies", "browse", "stats", "feeds", "opendata", "sitemap", "search"]
REPLIES = {"path": "replies"}
# Privacy guard (replies/privacy.py): values that look like a deputy's mobile number, ID number, e-mail or
# street address but may be published, written as in the letter, e.g. the department's own address.
PRIVACY = {"allow": []}

# Sample content is demonstration data: every page says so until this is switched off.
DEMO_BANNER = True

ARTICLE_PATHS = ["replies"]
PAGE_PATHS = ["pages"]
# Attachments are copied by the replies plugin, only for public replies; nothing else is static.
STATIC_PATHS = []

ARTICLE_URL = "{year}/{slug}/"
ARTICLE_SAVE_AS = "{year}/{slug}/index.html"
# One language, and a reply's slug repeats across years (numbers start again each session): translations
# are not looked for.  Pelican's default pairs articles by slug, warns on every repeat (fatal in CI) and
# compares each article with every other (slow at 100,000 replies).
ARTICLE_TRANSLATION_ID = None


def _newest_first(article):
    """Pelican's 'reversed-date', with equal dates in slug order: Pelican reads files in no fixed order,
    and the translation pass that used to sort them by slug is off, so builds still come out identical."""
    return (-article.date.timestamp(), article.slug, getattr(article, "year", ""))


ARTICLE_ORDER_BY = _newest_first
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "categories/{slug}/"
CATEGORY_SAVE_AS = "categories/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
# The listing of all replies; the section home (index.html) is written by the browse plugin.
INDEX_URL = "replies/"
INDEX_SAVE_AS = "replies/index.html"
DIRECT_TEMPLATES = ["index", "categories"]
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
DEFAULT_PAGINATION = 20

# Page types this site does not use are switched off rather than left unstyled.
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
# A reply with a publish_date in the future stays unpublished until that day.
WITH_FUTURE_DATES = False

# Atom feeds sit next to the page they belong to; the feeds plugin adds deputies/<slug>/feed.atom and
# key-classes/<slug>/feed.atom.  A development build's links point at `invoke serve` (publishconf.py:
# FEED_DOMAIN = SITEURL); sitemap and open data use the same absolute addresses (plugins/sitemap/urls.py).
FEED_DOMAIN = "http://localhost:8000"
FEED_ALL_ATOM = "feed.atom"
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = "categories/{slug}/feed.atom"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
