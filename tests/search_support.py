"""Helpers of the search tests: the ground truth, an independent reader of the static index, shared sites.

The ground truth does not use the index: it restates, from the reply records and the Markdown of the
letters, which text of a public reply is searchable (plugins/search/document.py says the same in prose),
and a query matches when every normalised term is a Python substring of it.
"""

from __future__ import annotations

import functools
import gzip
import json
import shutil
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown import Markdown

from conftest import ROOT, build

sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402  (bench/corpus.py)
from browse import names  # noqa: E402
from replies import sanitize, store as store_module  # noqa: E402
from search import analyzer, document, export  # noqa: E402

#: Generated replies in the tests: enough for every kind of reply and for shards with many entries.
GENERATED_REPLIES = 300


def head_text(reply) -> str:
    """Subject, numbers and deputies (with pinyin): a term found here ranks the reply higher."""
    values = [reply.title, reply.number, f"{reply.session}第{reply.number}号", reply.doc_no or ""]
    for person in [reply.lead_person] + reply.co_signer_people:
        values += [person.name, names.full(person.name), names.initials(person.name)]
    return "\n".join(v for v in values if v)


def searchable_text(reply, markdown_settings) -> str:
    """Every published value of a public reply, one a line (see document.py for the list)."""
    letter = BeautifulSoup(Markdown(**markdown_settings).convert(
        sanitize.strip_raw_html(reply.summary if reply.is_summary_only else reply.body)), "html.parser").get_text()
    column = reply.level + ("人大代表建议" if reply.kind == "建议" else "政协委员提案")
    values = [head_text(reply), reply.kind, reply.level, column, reply.delegation or "", *[p.delegation or "" for p in reply.co_signer_people], reply.role,
              reply.lead_unit or "", "、".join(reply.co_units), reply.division or "", reply.category,
              reply.key_group or "", str(reply.year), "、".join(reply.tags),
              "、".join(a.title for a in reply.attachments)]
    if reply.reply_class:
        values.append(f"{reply.reply_class}类：{reply.reply_class_meaning}")
    for day in (reply.assigned_date, reply.reply_date, reply.publish_date):
        if day:
            values += [day.isoformat(), f"{day.year}年{day.month}月{day.day}日"]
    if reply.role in ("主办", "分办"):
        values.append(reply.feedback)
    return "\n".join(values + [letter])


class Truth:
    """The public replies of a content folder and their normalised searchable texts."""

    def __init__(self, content: Path):
        from pelican.settings import read_settings

        settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
        self.store = store_module.load(content)
        self.texts = {f"{r.year}/{r.slug}/": analyzer.normalise(searchable_text(r, settings["MARKDOWN"]))
                      for r in self.store.public}
        self.heads = {f"{r.year}/{r.slug}/": analyzer.normalise(head_text(r)) for r in self.store.public}

    def matches(self, query: str) -> set[str]:
        terms = analyzer.terms(query)
        return {url for url, text in self.texts.items() if terms and all(t in text for t in terms)}


# ---- An independent reader of the static index (the format is described in plugins/search/export.py) ----

class _Bytes:
    def __init__(self, data: bytes, at: int = 0):
        self.data, self.at = data, at

    def byte(self) -> int:
        self.at += 1
        return self.data[self.at - 1]

    def v(self) -> int:
        value = shift = 0
        while True:
            b = self.byte()
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value

    def listed(self) -> list[int]:
        out, previous = [], -1
        for _ in range(self.v()):
            previous += self.v() + 1
            out.append(previous)
        return out


def _docset(r: _Bytes, total: int) -> list[int]:
    kind = r.byte()
    if kind == 0:
        return r.listed()
    if kind == 1:
        first, count = r.v(), r.v()
        return _bitmap(r, first, count)
    missing = set(r.listed())
    return [d for d in range(total) if d not in missing]


def _bitmap(r: _Bytes, first: int, count: int) -> list[int]:
    bits = r.data[r.at:r.at + count]
    r.at += count
    return [first + 8 * j + k for j in range(count) for k in range(8) if bits[j] >> k & 1]


def _heads(r: _Bytes, count: int) -> list[bool]:
    kind = r.byte()
    if kind in (0, 1):
        return [kind == 1] * count
    if kind == 2:
        bits = r.data[r.at:r.at + (count + 7) // 8]
        r.at += (count + 7) // 8
        return [bool(bits[i >> 3] >> (i & 7) & 1) for i in range(count)]
    chosen = set(r.listed())
    return [i in chosen for i in range(count)]


def _chunked(folder: Path, body: _Bytes, count: int, name: str) -> list[tuple[_Bytes, int]]:
    """The p/ files of a chunked part of `count` members of the key named `name` (read after its tag
    byte): (chunk, its members)."""
    chunks = body.v()
    starts = [0]
    for _ in range(chunks - 1):
        starts.append(starts[-1] + body.v())
    ends = starts[1:] + [count]
    return [(_Bytes((folder / "p" / f"{name}-{c}.bin").read_bytes()), ends[c] - starts[c]) for c in range(chunks)]


def _segmented(folder: Path, body: _Bytes, total: int, name: str) -> tuple[list[int], list[bool]]:
    """The docs and head flags of a split entry, from its header (after the flag) and s/ files."""
    segment, segments = body.v(), body.v()
    counts = [body.v() for _ in range(segments)]
    head = set(_docset(body, total))
    docs = []
    for k, count in enumerate(counts):
        path = folder / "s" / f"{name}-{k}.gz"
        assert path.exists() == (count > 0)
        if count:
            part = [k * segment + d for d in _docset(_Bytes(gzip.decompress(path.read_bytes())),
                                                      min(segment, total - k * segment))]
            assert len(part) == count and all(k * segment <= d < (k + 1) * segment for d in part)
            docs += part
    assert head <= set(docs)
    return docs, [d in head for d in docs]


def read_static_index(folder: Path) -> dict:
    """{key: (docs, heads, positions or None, piece codes or None)} of every entry, and the documents,
    read from the files; a shorter key's piece codes are None for the members with the key in the head."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    total, entries = manifest["docs"], {}
    for shard in sorted((folder / "g").glob("*.bin")):
        r = _Bytes(shard.read_bytes())
        while r.at < len(r.data):
            length = r.v()
            key = r.data[r.at:r.at + length].decode("utf-8")
            r.at += length
            flag = r.byte()
            name = key.encode("utf-8").hex()
            body = _Bytes(gzip.decompress((folder / "e" / f"{name}.gz").read_bytes())) if flag else r
            if flag == 2:  # split: the reply list in segments, the head as reply numbers
                docs, heads = _segmented(folder, body, total, name)
            else:
                docs = _docset(body, total)
                heads = _heads(body, len(docs))
            positions = pieces = None
            if len(key) < analyzer.GRAM:
                size = (heads.count(False) + 3) // 4
                if size > manifest["inlinePieces"]:
                    assert body.byte() == 2
                    chunks = _chunked(folder, body, size, name)  # a byte of codes for a member
                    assert all(len(chunk.data) == n for chunk, n in chunks)
                    codes = b"".join(chunk.data for chunk, _ in chunks)
                else:
                    codes = body.data[body.at:body.at + size]
                    body.at += size
                pieces, nth = [], 0
                for head in heads:
                    pieces.append(None if head else codes[nth >> 2] >> 2 * (nth & 3) & 3)
                    nth += not head
            if len(key) == analyzer.GRAM:
                mode = body.byte()
                if mode == 1:
                    positions = [body.listed() for _ in docs]
                else:
                    positions = [chunk.listed() for chunk, n in _chunked(folder, body, len(docs), name)
                                 for _ in range(n)]
            entries[key] = (docs, heads, positions, pieces)
    return {"manifest": manifest, "entries": entries}


def result_file(folder: Path, doc: int) -> dict:
    """A reply's result file (r/<doc>.gz): display data, head, metadata (its labels looked up in the
    manifest, as the browser does), number of letter pieces, t2s map."""
    result = json.loads(gzip.decompress((folder / "r" / f"{doc}.gz").read_bytes()))
    labels = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["metaLabels"]
    result["m"] = [[labels[label], value] for label, value in result["m"]]
    return result


def result_files(folder: Path) -> list[dict]:
    """Every result file, by reply number."""
    return [result_file(folder, doc) for doc in range(len(list((folder / "r").glob("*.gz"))))]


def letter_pieces(folder: Path, doc: int) -> list[str]:
    """The pieces of a reply's letter, l/<doc>-<k>.gz."""
    return [gzip.decompress((folder / "l" / f"{doc}-{k}.gz").read_bytes()).decode("utf-8")
            for k in range(result_file(folder, doc)["c"])]


def whoosh_index(content: Path, output: Path):
    """The Whoosh index that `conftest.build(content, output)` left in its cache folder."""
    from search import index

    return index.open_index(index.directory({"PATH": str(content), "CACHE_PATH": str(output.parent / "cache")}))


@functools.lru_cache(maxsize=None)
def _generated(folder: str) -> tuple[Path, Path]:
    content = corpus.write(Path(folder) / "content", GENERATED_REPLIES, seed=7)
    return content, build(content, Path(folder) / "output")


def generated_site(tmp_path_factory) -> tuple[Path, Path]:
    """(content, output) of a generated corpus, built once per test session."""
    root = tmp_path_factory.getbasetemp() / "search-generated"
    root.mkdir(exist_ok=True)
    return _generated(str(root))


#: Split entries in the generated site (export._split): every entry body of more than 96 bytes gzip,
#: in segments of 32 replies (ten), as the terms of most replies are in a large corpus.
SPLIT = {"SOLO_BYTES": 48, "SPLIT_BYTES": 96, "SEGMENT_REPLIES": 32}


def reexported_site(tmp_path_factory, name: str, constants: dict) -> tuple[Path, Path]:
    """(content, output) of a copy of the generated site whose static index is exported again with
    these constants of the export changed."""
    content, output = generated_site(tmp_path_factory)
    site = tmp_path_factory.getbasetemp() / f"search-{name}" / "output"
    if site.exists():
        return content, site
    shutil.copytree(output, site)
    with whoosh_index(content, output).searcher() as searcher:
        records = [dict(fields["record"]) for fields in searcher.all_stored_fields()]
    for record in records:
        record["text"] = document.normalised_text(record)
    index = site / "search" / "index"
    page_size = json.loads((index / "manifest.json").read_text(encoding="utf-8"))["pageSize"]
    with pytest.MonkeyPatch.context() as patch:
        for constant, value in constants.items():
            patch.setattr(export, constant, value)
        export.export(records, str(index), page_size)
    return content, site

