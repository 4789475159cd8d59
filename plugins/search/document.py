"""What of a public reply is searchable: the published text and metadata, split into head and body.

The searchable text of a reply is everything its page publishes about it, as values (no labels):

head (a term found here ranks the reply higher)
    subject (title); number ("1418") and number with session ("省十二届人大七次会议第1418号");
    document number; every deputy (lead and co-signers) by name, full pinyin and pinyin initials
    (王建球 wangjianqiu wjq, with surname readings: 单志刚 shanzhigang szg)
body
    kind and level ("建议", "省", "省人大代表建议"); delegation (and co-signers' delegations when given);
    role; lead unit; co-handling units; division; category; key class; answer class with its meaning
    ("A类：所提问题已经解决或者基本解决"); year; assigned, reply and publish dates as 2017-06-12 and
    2017年6月12日; feedback (only for replies that answer the deputy, as the page shows it); tags;
    attachment titles; and the published letter: its full text, or only the summary of a 摘要 reply.

Each value is its own line, so no term matches across two values.  Withheld replies are never articles,
so they never reach this module.
"""

from __future__ import annotations

import hashlib
import json

from replies import plaintext, schema
from replies.templating import cn_date

from . import analyzer


def html_text(html: str) -> str:
    """The text a reader sees: inline elements run on, blocks are separate lines."""
    return "\n".join(plaintext.lines(html))


def column_label(reply) -> str:
    """'省人大代表建议' / '全国政协委员提案', as reply pages show the kind."""
    return reply.level + ("人大代表建议" if reply.kind == "建议" else "政协委员提案")


def people(reply) -> list:
    return [reply.lead_person] + reply.co_signer_people


def head_items(reply) -> list[str]:
    from browse import names  # here and in deputy_keys: the search child (export.py) loads no pinyin tables

    items = [reply.title, reply.number, reply.number_label, reply.doc_no or ""]
    for person in people(reply):
        items += [person.name, names.full(person.name), names.initials(person.name)]
    return [i for i in items if i]


def body_items(reply) -> list[tuple[str, str]]:
    """(Chinese label, value) of the body metadata, in the order of the reply page."""
    label = schema.label
    dates = [(key, getattr(reply, key)) for key in ("assigned_date", "reply_date", "publish_date")]
    items = [
        (label("kind"), f"{reply.kind} {reply.level} {column_label(reply)}"),
        (label("delegation"), reply.delegation or ""),
        (label("co_signers") + label("delegation"),
         " ".join(sorted({p.delegation for p in reply.co_signer_people if p.delegation}))),
        (label("role"), reply.role),
        (label("lead_unit"), reply.lead_unit or ""),
        (label("co_units"), "、".join(reply.co_units)),
        (label("division"), reply.division or ""),
        (label("category"), reply.category),
        (label("key_group"), reply.key_group or ""),
        (label("reply_class"), f"{reply.reply_class}类：{reply.reply_class_meaning}" if reply.reply_class else ""),
        (label("year"), str(reply.year)),
        *[(label(key), f"{day.isoformat()} {cn_date(day)}") for key, day in dates if day],
        (label("feedback"), reply.feedback if reply.answers_deputy else ""),
        (label("tags"), "、".join(reply.tags)),
        (label("attachments"), "、".join(a.title for a in reply.attachments)),
    ]
    return [(k, v) for k, v in items if v]


def answer_class(reply) -> str:
    """The filter value of the answer class: its letter (A2 counts as A); '' without one."""
    return (reply.reply_class or "")[:1]


def deputy_pages(article) -> list[list[str]]:
    """[name, delegation, page address] of the reply's deputies, as the browse plugin linked them."""
    deputies = [getattr(article, "lead_deputy", None)] + list(getattr(article, "cosigner_deputies", []))
    pages = {d.url: [d.name, d.delegation or "", d.url] for d in deputies if d is not None and d.url}
    return list(pages.values())


def inputs(article) -> bytes:
    """A digest of everything record(article) reads: the same digest, the same record (with the same code)."""
    key_class = getattr(article, "key_class", None)
    read = (article.reply, article.url, key_class and key_class.slug, deputy_pages(article))
    # A repr ends where it starts (its brackets and quotes pair up), so the content can follow it as it is.
    return hashlib.sha1(repr(read).encode("utf-8") + article.content.encode("utf-8")).digest()


def record(article) -> dict:
    """Everything the index, the static export and the command line need of one public reply."""
    reply = article.reply
    key_class = getattr(article, "key_class", None)
    head = "\n".join(head_items(reply))
    meta = body_items(reply)
    letter = html_text(article.content)
    pages = deputy_pages(article)
    data = {
        "key": article.url,
        "head": head,
        "head_length": len(analyzer.normalise(head)),
        "title": reply.title,
        "url": article.url,
        "number": reply.number_label,
        "doc_no": reply.doc_no or "",
        "date": reply.reply_date.isoformat(),
        "publish_date": reply.publish_date.isoformat(),
        "people": "、".join(str(p) for p in people(reply)),
        "deputies": sorted({k for p in people(reply) for k in deputy_keys(p.name)}),
        "deputy_pages": pages,
        "page_keys": [deputy_keys(name) for name, _, _ in pages],  # of each page's deputy
        "meta": meta,
        "letter": letter,
        "facets": {
            "year": str(reply.year), "kind": reply.kind, "level": reply.level, "category": reply.category,
            "key_class": key_class.slug if key_class else (reply.key_group or ""), "role": reply.role,
            "answer_class": answer_class(reply),
        },
    }
    data["text"] = normalised_text(data)  # for the Whoosh index and the static export, computed once
    data["hash"] = content_hash(data)
    return data


def normalised_text(record: dict) -> str:
    """The searchable text of a record as a query term must occur in it: head, a newline, body."""
    return analyzer.normalise(record["head"] + "\n" + "\n".join([v for _, v in record["meta"]] + [record["letter"]]))


def deputy_keys(name: str) -> list[str]:
    """The normalised strings that name a deputy: the name, its full pinyin and its initials."""
    from browse import names

    return [k for k in dict.fromkeys([analyzer.normalise(name), names.full(name), names.initials(name)]) if k]


def content_hash(data: dict) -> str:
    """Changes whenever anything indexed or exported of the reply, or the analyzer, changes."""
    payload = json.dumps({**data, "hash": None, "analyzer": analyzer.VERSION}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
