"""One record per public reply, and the JSON and CSV files made of them (byte-identical for the same content).

The exports are written one record at a time (`write_exports`): at 100,000 replies they are half a
gigabyte each, and holding every record, then the whole JSON text, took 1.6 GB.  A record whose reply
did not change since the files were last written is copied from them rather than made again (turning
every letter into plain text is most of the work): the files themselves keep the records, and an index
of where each is, from the previous build, finds them.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os

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


def record_key(article) -> bytes:
    """What a record is made of: the reply's values, its address and its letter as published."""
    digest = hashlib.sha1(repr((article.url, article.reply)).encode("utf-8"))
    digest.update(article.content.encode("utf-8", "surrogatepass"))
    return digest.digest()


def write_exports(articles, settings, head: dict, json_path, csv_path, previous: dict | None = None):
    """Write `head` with a "replies" list of every article's record to `json_path` (as to_json would
    write the whole document) and the records to `csv_path`, one record in memory at a time; return
    the count and where each record is in the files (by record_key).  The CSV is UTF-8 with a BOM (so
    Excel reads Chinese), a header of Chinese labels and CRLF line ends (RFC 4180).

    `previous`: where each record is in the files now at the two paths (what the last call returned,
    for the same settings and code, the files untouched since); those records are copied from them.
    The new files are written beside them and then take their place."""
    json_path, csv_path, previous, index = os.fspath(json_path), os.fspath(csv_path), previous or {}, {}
    with open(json_path + ".new", "wb") as out_json, open(csv_path + ".new", "wb") as out_csv, \
            _old(json_path, previous) as old_json, _old(csv_path, previous) as old_csv:
        # to_json's text up to the list: the head as json.dumps indents it, its closing brace taken off.
        out_json.write((json.dumps(head, ensure_ascii=False, indent=2)[: -len("\n}")] + ',\n  "replies": [')
                       .encode("utf-8"))
        out_csv.write(codecs.BOM_UTF8 + _csv_row([f.label for f in FIELDS]))
        for count, article in enumerate(sorted(articles, key=sort_key)):
            key = record_key(article)
            spans = previous.get(key)
            if spans is not None:
                own, row = _read(old_json, spans[0]), _read(old_csv, spans[1])
            else:
                values = record(article, settings)
                # A record inside the list is indented two levels (4 spaces) deeper than on its own; JSON
                # strings hold no line breaks, so every line of its own dump is one line of the document.
                own = json.dumps(values, ensure_ascii=False, indent=2).replace("\n", "\n    ").encode("utf-8")
                row = _csv_row([_cell(values[f.key], f) for f in FIELDS])
            out_json.write(b"\n    " if count == 0 else b",\n    ")
            index[key] = ((out_json.tell(), len(own)), (out_csv.tell(), len(row)))
            out_json.write(own)
            out_csv.write(row)
        out_json.write(b"\n  ]\n}\n" if index else b"]\n}\n")
    os.replace(json_path + ".new", json_path)
    os.replace(csv_path + ".new", csv_path)
    return len(index), index


def _csv_row(cells: list[str]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerow(cells)
    return text.getvalue().encode("utf-8")


def _old(path, previous: dict):
    return open(path, "rb") if previous else open(os.devnull, "rb")


def _read(handle, span: tuple[int, int]) -> bytes:
    handle.seek(span[0])
    return handle.read(span[1])


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
