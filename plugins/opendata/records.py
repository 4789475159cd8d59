"""One record per public reply, and the JSON and CSV files made of them (byte-identical for the same content)."""

from __future__ import annotations

import csv
import io
import json

from replies import plaintext, schema
from sitemap.urls import absolute_url

from .fields import FIELDS, LIST_SEPARATOR

def plain_text(html: str) -> str:
    """The letter as published, without markup: one paragraph a line, blank lines between."""
    return "\n\n".join(plaintext.lines(html))


def _number_key(number: str):
    """Numbers sort as numbers ('45' before '1418'), with a text number after every numeric one."""
    return (0, int(number), number) if number.isdigit() else (1, 0, number)


def sort_key(article):
    r = article.reply
    return (r.year, schema.LEVELS.index(r.level), schema.KINDS.index(r.kind), r.session, _number_key(r.number))


def record(article, settings) -> dict:
    """Every exported field of one public reply article, in the order of FIELDS."""
    reply = article.reply
    values = {}
    for field in FIELDS:
        if field.key == "url":
            value = absolute_url(settings, article.url)
        elif field.key == "text":  # the body of a 摘要 reply is never published
            value = None if reply.is_summary_only else plain_text(article.content)
        elif field.type == "attachments":
            value = [{"title": a.title, "url": absolute_url(settings, a.file)} for a in reply.attachments]
        else:
            value = getattr(reply, field.key)
            if field.type == "date" and value is not None:
                value = value.isoformat()
            elif field.type == "list":
                value = list(value)
        values[field.key] = value
    return values


def records(articles, settings) -> list[dict]:
    return [record(a, settings) for a in sorted(articles, key=sort_key)]


def to_json(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _cell(value, field) -> str:
    if value is None:
        return ""
    if field.type == "attachments":
        return LIST_SEPARATOR.join(f"{a['title']}（{a['url']}）" for a in value)
    if field.type == "list":
        return LIST_SEPARATOR.join(value)
    return str(value)


def to_csv(rows: list[dict]) -> bytes:
    """UTF-8 with a BOM (so Excel reads Chinese), a header of Chinese labels, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f.label for f in FIELDS])
    for row in rows:
        writer.writerow([_cell(row[f.key], f) for f in FIELDS])
    return buffer.getvalue().encode("utf-8-sig")
