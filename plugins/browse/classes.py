"""Key-suggestion classes (重点建议类): built from the public replies, introduced by staff (intros.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from replies.intros import Intro

from . import names


@dataclass(eq=False)
class KeyClass:
    name: str
    short_name: str
    slug: str
    intro: Intro | None = None
    articles: list = field(default_factory=list)  # public replies, newest first
    url: str = ""
    save_as: str = ""

    def __str__(self) -> str:
        return self.name


def build(articles, intros: dict, url_pattern: str, save_as_pattern: str) -> list[KeyClass]:
    """Key classes of the public replies (classes of withheld replies are never named)."""
    classes: dict[str, KeyClass] = {}
    for article in articles:
        name = article.reply.key_group
        if not name:
            continue
        if name not in classes:
            intro = intros.get(("key_group", name))
            classes[name] = KeyClass(name, (intro and intro.title) or name,
                                     (intro and intro.slug) or names.initials(name)[:24], intro)
        classes[name].articles.append(article)
    ordered = sorted(classes.values(), key=lambda c: (-max(a.reply.year for a in c.articles), c.slug))
    for key_class in ordered:
        key_class.url = url_pattern.format(slug=key_class.slug)
        key_class.save_as = save_as_pattern.format(slug=key_class.slug)
        for article in key_class.articles:
            article.key_class = key_class
    return ordered
