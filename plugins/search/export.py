"""The static search index: exported from the Whoosh index as small files the browser loads on demand.

A query downloads the shard of each gram it needs, the position chunks that can still hold a match,
and the display data of the results it shows; never the whole index.  Layout under the index folder
(SEARCH["index_path"], e.g. output/search/index/):

    manifest.json       counts, shard counts, filter values, the build id
    g/<shard>.bin       gram entries, sharded by hash(gram) (see `gram_hash`)
    e/<n>.bin           the body of an entry too large to share a shard
    p/<n>.bin           position chunks of frequent grams of GRAM characters
    d/<doc>.json        what a result shows: subject, address, number, document number, date, deputies
    t/<doc>.gz          the head text, body metadata and letter of a reply, gzip-compressed: snippets, and
                        checking a phrase against one or two candidates
    f/<facet>/<n>.bin   the replies of one filter value (a doc set)
    a/<shard>.json      deputies by name, full pinyin and initials: name, delegation, page, replies
    s/mask.bin, s/<block>.json    which characters are Traditional, and their Simplified forms

Replies are numbered 0…N-1 in date order (rank.date_key).  Binary files are sequences of unsigned
LEB128 varints ("v") and bytes:

    entry      = v(len(key)) key(UTF-8) flag(byte) (body | v(n): the body is e/<n>.bin)   flag 0 | 1
    body       = docset headset [positions]          positions only for keys of GRAM characters; keys
                                                     longer than GRAM are frequent phrases (_Phrases)
    docset     = 0 v(count) v(gap)…                  list: gaps, the first from -1
               | 1 v(first) v(nbytes) bytes          bitmap from `first`, bit k of byte j = doc first+8j+k
               | 2 v(count) v(gap)…                  every reply except these
    headset    = 0 | 1 | 2 bytes | 3 v(count) v(gap)…     which members (by index in the docset) have
                                                     the gram in the head: none, all, bitmap, list
    positions  = 1 member*                           inline
               | 2 v(first file) v(chunks) v(start)…  in p/<first file + i>, chunk i starting at member
                                                     `start` (the first chunk starts at 0, not stored)
    member     = v(count) v(gap)…                    tagged positions 2 * position + (1 in the body)

Sizes are chosen so that a shard holds about SHARD_BYTES; measured in bench/search_bench.py.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import itertools
import json
import os
import shutil
from collections import defaultdict
from dataclasses import dataclass, field

from . import analyzer, rank
from .index import FACETS

SHARD_BYTES = 1024  # average shard size the shard count aims at
SOLO_BYTES = 192  # an entry body larger than this gets its own file
INLINE_POSITIONS = 96  # positions larger than this go to chunk files
CHUNK_BYTES = 1024  # size of a position chunk
DEPUTY_SHARD_BYTES = 512
# Phrases longer than GRAM get an entry of their own when this many replies contain them (see _Phrases).
PHRASE_MIN_REPLIES = 50
PHRASE_SHARE = 0.05
PHRASE_LIMIT = 10
_WHITESPACE = frozenset(analyzer.WHITESPACE)
T2S_BLOCK = 8  # Traditional -> Simplified files hold 2**8 code points each
MANIFEST = "manifest.json"


def gram_hash(text: str) -> int:
    """FNV-1a over the code points, then MurmurHash3's finaliser; search.js computes the same."""
    h = 0x811C9DC5
    for ch in text:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h


def varint(value: int, out: bytearray) -> None:
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _varint_bytes(value: int) -> bytes:
    out = bytearray()
    varint(value, out)
    return bytes(out)


# Most numbers written are small: their encodings are looked up rather than computed.
_SMALL = [_varint_bytes(i) for i in range(1 << 14)]


def _encode(value: int) -> bytes:
    return _SMALL[value] if value < 16384 else _varint_bytes(value)


def gaps(values) -> bytes:
    """v(count) then the gaps between sorted values, the first from -1."""
    steps = [b - a - 1 for a, b in zip([-1, *values], values)]
    if not steps or max(steps) < 16384:
        return _encode(len(steps)) + b"".join(map(_SMALL.__getitem__, steps))
    return _encode(len(steps)) + b"".join(map(_encode, steps))


def _gaps(values, out: bytearray) -> None:
    out += gaps(values)


def encode_docset(ids: list[int], total: int) -> bytes:
    """The smallest of the three encodings of a sorted list of reply numbers."""
    listed = bytearray([0])
    _gaps(ids, listed)
    bitmap = bytearray([1])
    first, last = ids[0], ids[-1]
    varint(first, bitmap)
    bits = bytearray((last - first) // 8 + 1)
    for i in ids:
        bits[(i - first) >> 3] |= 1 << ((i - first) & 7)
    varint(len(bits), bitmap)
    bitmap += bits
    candidates = [listed, bitmap]
    if len(ids) * 2 > total:
        present = set(ids)
        others = bytearray([2])
        _gaps([i for i in range(total) if i not in present], others)
        candidates.append(others)
    return bytes(min(candidates, key=len))


def encode_headset(flags: list[bool]) -> bytes:
    count = sum(flags)
    if count == 0:
        return b"\x00"
    if count == len(flags):
        return b"\x01"
    bitmap = bytearray([2]) + bytearray((len(flags) + 7) // 8)
    for i, flag in enumerate(flags):
        if flag:
            bitmap[1 + (i >> 3)] |= 1 << (i & 7)
    listed = bytearray([3])
    _gaps([i for i, flag in enumerate(flags) if flag], listed)
    return bytes(min(bitmap, listed, key=len))


@dataclass
class Summary:
    docs: int = 0
    grams: int = 0
    shards: int = 0
    files: int = 0
    bytes: int = 0
    build: str = ""
    facets: dict = field(default_factory=dict)
    reused: bool = False  # copied from the cache: the same replies were exported before


class _Writer:
    """Writes files under the index folder and hashes their content into the build id."""

    def __init__(self, folder: str):
        self.folder = folder
        self.digest = hashlib.sha256()
        self.files = 0
        self.bytes = 0
        self._dirs: set[str] = set()

    def write(self, relative: str, data: bytes) -> None:
        path = os.path.join(self.folder, relative)
        parent = os.path.dirname(path)
        if parent not in self._dirs:
            os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)
        with open(path, "wb") as handle:
            handle.write(data)
        self.digest.update(relative.encode() + b"\0" + data)
        self.files += 1
        self.bytes += len(data)

    def json(self, relative: str, value) -> None:
        self.write(relative, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _power_of_two(total: int, target: int) -> int:
    count = 1
    while count * target < total:
        count *= 2
    return count


#: Bumped when the format of the files changes.
FORMAT_VERSION = 2


def export_cached(ix, cache: str, folder: str, page_size: int) -> Summary:
    """Write the static index into `folder`, copying it from `cache` when the same replies were exported
    before (a build where no reply changed costs a copy, not an export)."""
    with ix.reader() as reader:
        digest = hashlib.sha256(repr((FORMAT_VERSION, analyzer.VERSION, page_size, sorted(
            (fields["key"], fields["hash"]) for fields in reader.all_stored_fields()))).encode("utf-8")).hexdigest()
    cached = os.path.join(cache, f"static-{digest[:16]}")
    reused = os.path.isdir(cached)
    if not reused:
        for old in os.listdir(cache):
            if old.startswith("static-"):
                shutil.rmtree(os.path.join(cache, old), ignore_errors=True)
        summary = export(ix, cached + ".new", page_size)
        with open(os.path.join(cached + ".new", ".summary.json"), "w", encoding="utf-8") as handle:
            json.dump(summary.__dict__, handle)
        os.rename(cached + ".new", cached)
    with open(os.path.join(cached, ".summary.json"), encoding="utf-8") as handle:
        summary = Summary(**{**json.load(handle), "reused": reused})
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    shutil.copytree(cached, folder, ignore=shutil.ignore_patterns(".summary.json"), copy_function=_link_or_copy)
    return summary


def _link_or_copy(source: str, target: str) -> None:
    """Hard links cost nothing (nothing writes to these files after the export); copies when the cache and
    the output are on different file systems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def export(ix, folder: str, page_size: int) -> Summary:
    """Write the static index of the Whoosh index `ix` into `folder` (replacing what was there)."""
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    out = _Writer(folder)
    with ix.reader() as reader:
        stored = sorted(((docnum, fields["record"]) for docnum, fields in reader.iter_docs()),
                        key=lambda item: rank.date_key(item[1]))
        number = {docnum: i for i, (docnum, _) in enumerate(stored)}
        records = [record for _, record in stored]
        head_length = {docnum: record["head_length"] for docnum, record in stored}
        texts = [analyzer.normalise(r["head"] + "\n" + "\n".join([v for _, v in r["meta"]] + [r["letter"]]))
                 for r in records]
        entries = _entries(reader, number, head_length, len(records), out, texts)
    summary = Summary(docs=len(records), grams=len(entries))
    summary.shards = _write_shards(entries, out)
    _write_docs(records, out)
    summary.facets = _write_facets(records, out)
    deputy_shards, key_lengths = _write_deputies(records, out)
    t2s_blocks = _write_t2s(out)
    summary.build = out.digest.hexdigest()[:12]
    out.json(MANIFEST, {
        "version": FORMAT_VERSION, "build": summary.build, "docs": len(records), "gram": analyzer.GRAM,
        "shards": summary.shards, "deputyShards": deputy_shards, "deputyKeyLengths": key_lengths,
        "t2sBlock": T2S_BLOCK, "t2sBlocks": t2s_blocks,
        "facets": summary.facets, "pageSize": page_size,
    })
    summary.files, summary.bytes = out.files, out.bytes
    return summary


def _entries(reader, number: dict, head_length: dict, total: int, out: _Writer, texts: list[str]):
    """(key, entry bytes without the key) of every gram and frequent phrase; large bodies go to e/ and p/."""
    entries: list[tuple[str, bytes]] = []
    phrases = _Phrases(texts, {number[docnum]: length for docnum, length in head_length.items()}, total)
    files = {"e": 0, "p": 0}
    # The grams shorter than GRAM are the union of the terms that start with them; Whoosh lists terms in
    # order, so each prefix is complete when the next one starts.
    open_prefixes: dict[int, tuple[str, set, set]] = {}  # length -> (prefix, docs, docs with it in the head)

    def flush(length: int) -> None:
        if length in open_prefixes:
            key, docs, heads = open_prefixes.pop(length)
            ids = sorted(docs)
            entries.append((key, _entry(ids, [i in heads for i in ids], None, total, files, out)))

    for term, found in _postings(reader):
        if not found:  # a term of deleted replies only, until Whoosh merges their segment away
            continue
        gram = term.decode("utf-8")
        postings = []  # (doc, tagged positions)
        for docnum, positions in found:
            limit = head_length[docnum]
            postings.append((number[docnum], [2 * p + (p >= limit) for p in positions]))
        postings.sort()
        ids = [doc for doc, _ in postings]
        heads = [not (tagged[0] & 1) for _, tagged in postings]
        for length in range(1, analyzer.GRAM):
            if len(gram) >= length:
                prefix = gram[:length]
                if length in open_prefixes and open_prefixes[length][0] != prefix:
                    flush(length)
                _, docs, in_head = open_prefixes.setdefault(length, (prefix, set(), set()))
                docs.update(ids)
                in_head.update(doc for doc, head in zip(ids, heads) if head)
        if len(gram) == analyzer.GRAM:
            entries.append((gram, _entry(ids, heads, [t for _, t in postings], total, files, out)))
            if len(ids) >= phrases.threshold:
                for key, phrase_ids, phrase_heads in phrases.extend(gram, postings):
                    entries.append((key, _entry(phrase_ids, phrase_heads, None, total, files, out)))
    for length in range(1, analyzer.GRAM):
        flush(length)
    return entries


class _Phrases:
    """Frequent phrases longer than GRAM, each with its exact list of replies.

    A phrase found in many replies would otherwise be checked with the positions of its grams in every
    one of them (tens of kilobytes).  So every gram found in at least `threshold` replies is extended by
    each character that follows it, and the extension is indexed when it is frequent too, up to
    PHRASE_LIMIT characters.  The browser asks for a long term itself first; when it is not indexed
    (it is rare, or longer), positions decide, as before.
    """

    def __init__(self, texts: list[str], head_length: dict[int, int], total: int):
        self.texts = texts  # normalised searchable texts by reply number, as Whoosh indexed them
        self.head_length = head_length
        self.threshold = max(PHRASE_MIN_REPLIES, int(total * PHRASE_SHARE))

    def extend(self, gram: str, postings):
        stack = [(gram, [(doc, t >> 1) for doc, tagged in postings for t in tagged])]
        texts, whitespace = self.texts, _WHITESPACE
        while stack:
            phrase, occurrences = stack.pop()
            end = len(phrase)
            groups: dict[str, list] = defaultdict(list)
            for doc, position in occurrences:
                text = texts[doc]
                if position + end < len(text) and text[position + end] not in whitespace:
                    groups[text[position + end]].append((doc, position))
            for char in sorted(groups):
                found = groups[char]
                docs = {}
                for doc, position in found:
                    docs[doc] = docs.get(doc, False) or position < self.head_length[doc]
                if len(docs) < self.threshold:
                    continue
                ids = sorted(docs)
                yield phrase + char, ids, [docs[i] for i in ids]
                if end + 1 < PHRASE_LIMIT:
                    stack.append((phrase + char, found))


def _postings(reader):
    """(term, [(docnum, positions)]) of the field `text`, in term order, deleted replies left out.

    Reads each segment directly: Whoosh's own postings() rebuilds the set of deleted documents for
    every term, which makes an export after an incremental update many times slower.
    """
    fmt = reader.schema["text"].format
    leaves = reader.leaf_readers()  # [(segment reader, offset of its document numbers)]
    deleted = [frozenset(leaf._perdoc.deleted_docs()) if leaf.has_deletions() else frozenset()
               for leaf, _ in leaves]
    # Each segment's terms are listed first: reading its term list while looking terms up in it confuses
    # Whoosh's shared file position.
    streams = [[(term, i) for term in leaf.lexicon("text")] for i, (leaf, _) in enumerate(leaves)]
    for term, group in itertools.groupby(heapq.merge(*streams), key=lambda item: item[0]):
        found = []
        for _, i in group:
            leaf, offset = leaves[i]
            matcher = leaf._terms.matcher("text", term, fmt)
            while matcher.is_active():
                docnum = matcher.id()
                if docnum not in deleted[i]:
                    found.append((offset + docnum, matcher.value_as("positions")))
                matcher.next()
        yield term, found


def _entry(ids, heads, positions, total, files, out: _Writer) -> bytes:
    body = bytearray(encode_docset(ids, total) + encode_headset(heads))
    if positions is not None:
        encoded = [gaps(tagged) for tagged in positions]
        size = sum(map(len, encoded))
        if size <= INLINE_POSITIONS:
            body += b"\x01" + b"".join(encoded)
        else:
            body += _chunks(encoded, files, out)
    if len(body) <= SOLO_BYTES:
        return b"\x00" + bytes(body)
    head = bytearray(b"\x01")
    varint(files["e"], head)
    out.write(f"e/{files['e']}.bin", bytes(body))
    files["e"] += 1
    return bytes(head)


def _chunks(encoded: list[bytes], files, out: _Writer) -> bytes:
    """Members' positions in files of about CHUNK_BYTES; returns the positions part of the body."""
    starts, chunk, size, first = [], [], 0, files["p"]
    for index, member in enumerate(encoded):
        if chunk and size + len(member) > CHUNK_BYTES:
            out.write(f"p/{files['p']}.bin", b"".join(chunk))
            files["p"] += 1
            starts.append(index)
            chunk, size = [], 0
        chunk.append(member)
        size += len(member)
    out.write(f"p/{files['p']}.bin", b"".join(chunk))
    files["p"] += 1
    body = bytearray(b"\x02")
    varint(first, body)
    varint(len(starts) + 1, body)
    previous = 0
    for start in starts:
        varint(start - previous, body)
        previous = start
    return bytes(body)


def _write_shards(entries, out: _Writer) -> int:
    encoded = []
    for key, body in entries:
        data = key.encode("utf-8")
        item = bytearray()
        varint(len(data), item)
        encoded.append((key, bytes(item) + data + body))
    count = _power_of_two(sum(len(e) for _, e in encoded), SHARD_BYTES)
    shards: dict[int, list[bytes]] = defaultdict(list)
    for key, data in encoded:
        shards[gram_hash(key) & (count - 1)].append(data)
    for shard in range(count):
        out.write(f"g/{shard:x}.bin", b"".join(shards.get(shard, [])))
    return count


def _write_docs(records, out: _Writer) -> None:
    for i, record in enumerate(records):
        out.json(f"d/{i}.json", {"t": record["title"], "u": record["url"], "n": record["number"],
                                 "x": record["doc_no"], "d": record["date"], "p": record["people"]})
        text = json.dumps({"h": record["head"], "m": record["meta"], "l": record["letter"]},
                          ensure_ascii=False, separators=(",", ":"))
        out.write(f"t/{i}.gz", gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def _write_facets(records, out: _Writer) -> dict:
    values: dict[str, dict[str, list[int]]] = {facet: defaultdict(list) for facet in FACETS}
    for i, record in enumerate(records):
        for facet in FACETS:
            value = record["facets"][facet]
            if value:
                values[facet][value].append(i)
    manifest = {}
    for facet in FACETS:
        manifest[facet] = {}
        for n, value in enumerate(sorted(values[facet])):
            manifest[facet][value] = n
            out.write(f"f/{facet}/{n}.bin", encode_docset(values[facet][value], len(records)))
    return manifest


def _write_deputies(records, out: _Writer) -> tuple[int, list[int]]:
    """Deputy pages by key; returns the shard count and the shortest and longest key (in characters),
    so that the browser asks only for terms that can be keys."""
    pages: dict[str, dict] = {}
    for i, record in enumerate(records):
        for name, delegation, url in record.get("deputy_pages", []):
            page = pages.setdefault(url, {"name": name, "delegation": delegation, "url": url, "docs": []})
            page["docs"].append(i)
    by_key: dict[str, list] = defaultdict(list)
    from .document import deputy_keys

    for page in sorted(pages.values(), key=lambda p: p["url"]):
        for key in deputy_keys(page["name"]):
            by_key[key].append([page["name"], page["delegation"] or "", page["url"], page["docs"]])
    size = sum(len(json.dumps(v, ensure_ascii=False)) + len(k) for k, v in by_key.items())
    count = _power_of_two(size, DEPUTY_SHARD_BYTES)
    shards: dict[int, dict] = defaultdict(dict)
    for key, value in sorted(by_key.items()):
        shards[gram_hash(key) & (count - 1)][key] = value
    for shard in range(count):
        out.json(f"a/{shard:x}.json", shards.get(shard, {}))
    lengths = [len(key) for key in by_key] or [0]
    return count, [min(lengths), max(lengths)]


def _write_t2s(out: _Writer) -> int:
    table = analyzer.t2s_table()
    codes = sorted(ord(k) for k in table)
    mask = bytearray()
    _gaps(codes, mask)
    out.write("s/mask.bin", bytes(mask))
    blocks: dict[int, dict] = defaultdict(dict)
    for code in codes:
        blocks[code >> T2S_BLOCK][chr(code)] = table[chr(code)]
    for block, mapping in blocks.items():
        out.json(f"s/{block:x}.json", mapping)
    return len(blocks)
