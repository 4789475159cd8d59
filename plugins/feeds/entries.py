"""What a reply's feed entry says, and the feed-wide details Pelican's writer leaves to plugins.

Pelican's Atom writer gives every feed the same id (the site root), links entries relative to SITEURL
(a path in development) and fills an entry with the page's content only.  `finish` runs on every feed
(feed_generated) and makes it self-contained: absolute links, a stable id per feed and per entry, the
language, and for each reply its number, lead deputy, role and answer class above the published text.
The published text is the article's content: the letter, or for a 摘要 reply only its summary (the
reader never renders that letter, so it cannot reach a feed).
"""

from __future__ import annotations

from posixpath import join as posix_join
from urllib.parse import urljoin

from feedgenerator import get_tag_uri
from markupsafe import escape

from replies import schema
from sitemap.urls import absolute_url, site_base


def facts(reply) -> list[str]:
    """['省十二届人大七次会议第1418号', '领衔代表：王建球（郴州代表团）', '办理方式：主办', '答复类别：A（…）', …]."""
    lines = [reply.number_label, f"{reply.lead_label}：{reply.lead_person}", f"{schema.label('role')}：{reply.role}"]
    if reply.reply_class:
        lines.append(f"{schema.label('reply_class')}：{reply.reply_class}（{reply.reply_class_meaning}）")
    lines += [f"{schema.label('category')}：{reply.category}", f"{schema.label('reply_date')}：{reply.reply_date.isoformat()}"]
    return lines


def summary_text(reply) -> str:
    return "；".join(facts(reply))


def content_html(article, base: str) -> str:
    reply = article.reply
    head = "<p>" + "<br>".join(str(escape(line)) for line in facts(reply)) + "</p>"
    if reply.is_summary_only:
        head += "<p>本件答复按规定公开摘要，不公开全文。</p>"
    return head + article.get_content(base)


def _pelican_link(settings, url: str) -> str:
    """The entry link exactly as Pelican's Writer built it, to find the entry's article again."""
    siteurl = settings.get("SITEURL", "")
    if settings.get("RELATIVE_URLS"):
        return posix_join(siteurl, url)
    return urljoin(siteurl if siteurl.endswith("/") else siteurl + "/", url)


def _feed_path(settings, feed_url: str) -> str:
    """The feed's URL relative to the site, from the address Pelican built with FEED_DOMAIN."""
    domain = settings.get("FEED_DOMAIN") or ""
    prefix = domain if domain.endswith("/") else domain + "/"
    return feed_url[len(prefix):] if feed_url.startswith(prefix) else feed_url.lstrip("/")


def _articles_by_link(context) -> dict:
    """Every article by its entry link, made once per build rather than once per feed (a site of
    10,000 replies has thousands of deputy feeds)."""
    articles = context.get("articles", [])
    made = context.get("_feeds_articles_by_link")
    if made is None or made[0] is not articles or made[1] != len(articles):
        made = (articles, len(articles), {_pelican_link(context, a.url): a for a in articles})
        context["_feeds_articles_by_link"] = made
    return made[2]


def finish(context, feed) -> None:
    """Receiver of feed_generated: `context` is the build's context (settings included)."""
    path = _feed_path(context, feed.feed["feed_url"] or "")
    feed.feed["feed_url"] = absolute_url(context, path)
    feed.feed["id"] = feed.feed["feed_url"]  # unique per feed and stable across builds
    feed.feed["link"] = absolute_url(context, context.get("feed_pages", {}).get(path, ""))
    feed.feed["language"] = context.get("DEFAULT_LANG")
    feed.feed["author_name"] = context.get("SITE_OWNER") or context.get("AUTHOR")
    articles = _articles_by_link(context)
    base = site_base(context)
    for item in feed.items:
        article = articles.get(item["link"].removesuffix("?ref=feed"))
        if article is None:
            continue
        link = absolute_url(context, article.url)
        item["link"] = link + ("?ref=feed" if context.get("FEED_APPEND_REF") else "")
        item["unique_id"] = get_tag_uri(link, article.date)  # tag:host,2017-06-20:/jytabl/2017/…/
        if hasattr(article, "reply"):
            item["description"] = summary_text(article.reply)
            item["content"] = content_html(article, base)
