"""One record per public reply, and the JSON and CSV files made of them (byte-identical for the same content).

The exports are written one record at a time (`write_exports`): at 100,000 replies they are half a
gigabyte each, and holding every record, then the whole JSON text, took 1.6 GB.
"""

from __future__ import annotations

import csv
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


def write_exports(articles, settings, head: dict, json_path, csv_path) -> int:
    """Write `head` with a "replies" list of every article's record to `json_path` (as to_json would
    write the whole document) and the records to `csv_path`, one record in memory at a time; return
    the count.  The CSV is UTF-8 with a BOM (so Excel reads Chinese), a header of Chinese labels and
    CRLF line ends (RFC 4180)."""
    count = 0
    with open(json_path, "w", encoding="utf-8", newline="\n") as out_json, \
            open(csv_path, "w", encoding="utf-8-sig", newline="") as out_csv:
        # to_json's text up to the list: the head as json.dumps indents it, its closing brace taken off.
        out_json.write(json.dumps(head, ensure_ascii=False, indent=2)[: -len("\n}")] + ',\n  "replies": [')
        rows = csv.writer(out_csv, lineterminator="\r\n")
        rows.writerow([f.label for f in FIELDS])
        for article in sorted(articles, key=sort_key):
            values = record(article, settings)
            # A record inside the list is indented two levels (4 spaces) deeper than on its own; JSON
            # strings hold no line breaks, so every line of its own dump is one line of the document.
            own = json.dumps(values, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            out_json.write(("\n    " if count == 0 else ",\n    ") + own)
            rows.writerow([_cell(values[f.key], f) for f in FIELDS])
            count += 1
        out_json.write("\n  ]\n}\n" if count else "]\n}\n")
    return count


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
