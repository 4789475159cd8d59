"""Deputies (and proposal authors) built from the public replies, and their links to replies.

A deputy is a name together with a delegation: two deputies called 李伟 from different delegations are
two people with two pages.  A co-signer written without a delegation is the deputy of that name when
exactly one such deputy is known; `李伟（衡阳代表团）` names the delegation outright.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import names
from replies.model import Person


@dataclass(eq=False)
class Deputy:
    name: str
    delegation: str | None
    slug: str = ""
    url: str = ""
    save_as: str = ""
    led: list = field(default_factory=list)  # articles this deputy led (领衔) or filed
    cosigned: list = field(default_factory=list)  # articles this deputy co-signed (附议)

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.name, self.delegation)

    @property
    def sort_key(self):
        return names.sort_key(self.name) + (self.delegation or "",)

    @property
    def letter(self) -> str:
        """A–Z heading of the deputy index."""
        return names.letter(self.name)

    @property
    def articles(self) -> list:
        """Led and co-signed replies, newest reply first."""
        both = {id(a): a for a in self.led + self.cosigned}.values()
        return sorted(both, key=lambda a: (a.reply.reply_date, a.reply.number), reverse=True)

    def __str__(self) -> str:
        return f"{self.name}（{self.delegation}）" if self.delegation else self.name


def build(articles, url_pattern: str, save_as_pattern: str) -> list[Deputy]:
    """Deputies of the given public reply articles, sorted by pinyin; links are set on the articles."""
    by_key: dict[tuple, Deputy] = {}

    def deputy(person: Person) -> Deputy:
        key = (person.name, person.delegation)
        if key not in by_key:
            by_key[key] = Deputy(person.name, person.delegation)
        return by_key[key]

    leads = [(a, a.reply.lead_person) for a in articles]
    known: dict[str, set] = defaultdict(set)
    for _, person in leads:
        if person.delegation:
            known[person.name].add(person.delegation)
    for article in articles:
        for person in article.reply.co_signer_people:
            if person.delegation:
                known[person.name].add(person.delegation)

    def resolve(person: Person) -> Person:
        if person.delegation is None and len(known[person.name]) == 1:
            return Person(person.name, next(iter(known[person.name])))
        return person

    for article, person in leads:
        lead = deputy(resolve(person))
        lead.led.append(article)
        article.lead_deputy = lead
        article.cosigner_deputies = []
        for co in article.reply.co_signer_people:
            signer = deputy(resolve(co))
            if article not in signer.cosigned and signer is not lead:
                signer.cosigned.append(article)
            article.cosigner_deputies.append(signer)

    deputies = sorted(by_key.values(), key=lambda d: d.sort_key)
    _assign_slugs(deputies)
    for d in deputies:
        d.url = url_pattern.format(slug=d.slug)
        d.save_as = save_as_pattern.format(slug=d.slug)
    return deputies


def _assign_slugs(deputies: list[Deputy]) -> None:
    """Pinyin slugs; same-name deputies get their delegation's pinyin, homophones a counter."""
    by_name = defaultdict(list)
    for d in deputies:
        by_name[d.name].append(d)
    for d in deputies:
        base = names.slug(d.name)
        if len(by_name[d.name]) > 1 and d.delegation:
            base += "-" + names.full(d.delegation.removesuffix("代表团"))
        d.slug = base
    seen: dict[str, int] = defaultdict(int)
    for d in deputies:  # deterministic: deputies are already sorted
        seen[d.slug] += 1
        if seen[d.slug] > 1:
            d.slug = f"{d.slug}-{seen[d.slug]}"
