"""The static search index: small files the browser loads on demand, written from the same records and
the same analyzer as the Whoosh index (which the command line searches).

A query downloads the shard of each gram it needs, the position chunks that can still hold a match,
and the display data (and piece-code chunks) of the results it shows; never the whole index.  Layout
under the index folder (SEARCH["index_path"], e.g. output/search/index/):

    manifest.json       counts, shard counts, filter values, metadata labels, the largest inline piece
                        codes (inlinePieces), the build id
    g/<shard>.bin       entries, in the shard given by the top bits of the key's CRC-32 (`shard_of`)
    e/<name>.gz         the body of an entry too large to share a shard, gzip: the reply lists of the
                        frequent keys a query needs whole (口岸: 6.4 KB at 100,000 replies) come out
                        a fifth to a third smaller than their varints and bitmaps
    s/<name>-<k>.gz     segment k of a split entry's reply list (`_split`), gzip: a docset of its
                        replies k * segment ... (k + 1) * segment - 1, less k * segment
    p/<name>-<i>.bin    chunk i of a frequent gram's positions, or of a frequent shorter key's piece codes
    r/<doc>.gz          a reply's result file (gzip JSON): what a result shows (subject, address,
                        number, document number, date, deputies), the head text, the body metadata
                        (each label by its number in the manifest's list), the number of letter
                        pieces, and the Simplified form of every Traditional character in all of it
                        and in the letter; so a result whose terms are in its head or metadata costs
                        this one file, and no reply text needs the query's t2s table.  The letter is
                        not in it: most results shown have their terms in the head
    l/<doc>-<k>.gz      piece k of the letter, gzip UTF-8; piece k holds characters
                        [k * LETTER_PIECE, (k + 1) * LETTER_PIECE + PIECE_OVERLAP) (an empty letter has
                        none); a snippet needs the piece holding the term: the browser finds it from
                        the term's position (inline positions) and the letter's start (after the result
                        file's head and metadata), or from a shorter key's piece code, else reads the
                        pieces in order.  One folder for all, as r/: a folder per reply cost an inode
                        and a directory block each, while ext4 (hashed directories) and web servers
                        look a name up by its hash, as fast among the ~430,000 of 100,000 replies
    f/<facet>/<n>.bin   the replies of one filter value (a doc set)
    a/<shard>.json      deputies by name, full pinyin and initials: name, delegation, page, replies; the
                        manifest lists the few Chinese keys longer than NAME_LENGTH characters (names of
                        parties' committees, minority names), so a longer term asks a/ only for those,
                        and the first characters of the shorter ones, so a term starting otherwise
                        does not ask
    t2s.gz              the query's Traditional -> Simplified table (gzip): v(count) v(gap)… of the
                        Traditional code points, then v(zigzag(Simplified - Traditional)) of each; only
                        the characters whose Simplified form occurs in some reply (any other one, kept
                        as typed, finds nothing either, since no normalised text holds a Traditional one)

Replies are numbered 0…N-1 in date order (rank.date_key).  Binary files are sequences of unsigned
LEB128 varints ("v") and bytes:

    entry      = v(len(key)) key(UTF-8) flag(byte) [body]   flag 0: body follows, 1: it is e/<name>.gz,
                                                     2: e/<name>.gz is a split body
    split      = v(segment) v(segments) v(count)…    a body whose reply list is in s/ files: the
                 docset [pieces] [positions]         replies per segment, then the replies that have
                                                     the key in the head (a docset of reply numbers;
                                                     members in the head are those); the members,
                                                     numbered across segments, as in a body
    body       = docset headset [pieces] [positions]  pieces only for keys shorter than GRAM, positions
                                                     only for keys of GRAM characters; keys longer than
                                                     GRAM are frequent phrases (_Phrases)
    docset     = 0 v(count) v(gap)…                  list: gaps, the first from -1
               | 1 v(first) v(nbytes) bytes          bitmap from `first`, bit k of byte j = doc first+8j+k
               | 2 v(count) v(gap)…                  every reply except these
    headset    = 0 | 1 | 2 bytes | 3 v(count) v(gap)…     which members (by index in the docset) have
                                                     the gram in the head: none, all, bitmap, list
    positions  = 1 member*                           inline
               | chunked                             when the members take more than INLINE_POSITIONS
    chunked    = 2 v(chunks) v(start)…               in p/<name>-<i>.bin, chunk i starting at member
                                                     `start` (the first chunk starts at 0, not stored;
                                                     each start is stored as the gap from the previous)
    member     = v(count) v(gap)…                    tagged positions 2 * position + (1 in the body)
    pieces     = codes                               when codes take up to INLINE_PIECES bytes
                                                     (manifest: inlinePieces), else
               | chunked                             of codes: a "member" here is a byte of codes; the
                                                     chunks hold PIECE_CHUNK_BYTES bytes each
    codes      = bytes                               for each member not in the head (headset), in order,
                                                     two bits (the lowest first, four to a byte): the
                                                     letter piece holding the key's first occurrence in
                                                     the body, 0 also when that is in the metadata, 3
                                                     also for a later piece; so that a snippet of a key
                                                     without positions reads one piece, not the pieces
                                                     up to it (about a quarter of a byte per member).
                                                     The reader knows their size from the headset: one
                                                     byte per four members not in the head, rounded up

A query of a term of a split entry and of others (or filters) walks the others' replies in the order
of its results and reads the segments those replies are in, until it has a page (search.js: `more`);
the head list ranks them without the segments, and the count of replies is estimated until every
segment they need is read.  So a query of 物流 and 口岸 at 100,000 replies reads one segment of 物流's
twelve.

A key's own files are named after it (`file_name`: the hex of its UTF-8 bytes), not numbered in
order, so that a key whose entry changes leaves every other key's files as they were (`_update_entries`).
The build id is a hash of every file's bytes, whatever order they were written in.

Sizes are chosen so that a shard holds about SHARD_BYTES; measured in bench/search_bench.py.

Memory stays bounded as the corpus grows: the keys of each reply are spilled to disk in partitions by
the top bits of their hash, and each partition is read back, encoded and written as the shards it
covers on its own (`_write_entries`), by several worker processes when there are several cores.  A
rebuild after a few replies changed re-encodes only the keys and phrases whose replies changed, from
their entries and the replies' old and new texts, and rewrites only the shards they change
(`_update_entries`): about a second instead of some 16 CPU-seconds at 10,000 replies.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import json
import marshal
import os
import re
import shutil
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from replies.workers import map_spans, pool_map, return_free_memory

from . import analyzer, document, keyarrays, rank
from .index import FACETS

SHARD_BYTES = 1024  # average shard size the shard count aims at
SOLO_BYTES = 192  # an entry body larger than this gets its own file
#: An entry whose body takes more than this gzip is split (`_split`): its reply list by reply number
#: into segments of SEGMENT_REPLIES replies (s/ files), read only as a query needs them.  At 100,000
#: replies 物流 (in 72% of them) took 15.3 KB, its segments ~0.9 KB each; 口岸 (8%, 6.4 KB) is left
#: whole, since a query that holds it reads all of it.
SPLIT_BYTES = 8192
SEGMENT_REPLIES = 8192
INLINE_POSITIONS = 96  # positions larger than this go to chunk files
CHUNK_BYTES = 1024  # size of a position chunk
# Piece codes larger than this go to chunk files of PIECE_CHUNK_BYTES: a query needs the codes of the
# few results it shows, while those of a term in most replies grow with the corpus (1.6 KB at 10,000
# replies, 16 KB at 100,000).  A chunk costs its bytes and ~200 of response headers; smaller ones would
# cost more files (256 bytes: 17,000 more at 10,000 replies, 512: 8,500).
INLINE_PIECES = 512
PIECE_CHUNK_BYTES = 512
DEPUTY_SHARD_BYTES = 512
# Phrases longer than GRAM get an entry of their own when PHRASE_SHARE of the replies contain them, or
# PHRASE_MAX_REPLIES when that is fewer, never fewer than PHRASE_MIN_REPLIES (see _Phrases).  By share
# alone, a phrase just under it is checked with the positions of its grams in a number of replies that
# grows with the corpus (`物流产业园`, in 3% of 96,000 replies: 20 position chunks, 36 KB a query); by
# count, in fewer than 1,000 (`物流产业园` in 908 of 30,000 replies: 16 KB).  A lower count adds phrases
# steeply (30,000 replies: 22,572 phrases by share, 26,079 with 1,000, 81,310 with 500).
PHRASE_MIN_REPLIES = 50
PHRASE_SHARE = 0.05
PHRASE_MAX_REPLIES = 1000
PHRASE_LIMIT = 10
GRAM = analyzer.GRAM
# The keys of the replies are spilled to disk in 2**k partitions, k growing with the number of replies.
PARTITION_REPLIES = 1000
# Keys of a partition are encoded in blocks of about this many spilled records (about 100 bytes each).
BLOCK_RECORDS = 1 << 18
MANIFEST = "manifest.json"
# Letters are split into pieces so that a result's snippet downloads about a quarter of its letter; a
# term of up to PIECE_OVERLAP characters lies wholly within one piece.
LETTER_PIECE = 400
PIECE_OVERLAP = 40
# Chinese deputy keys up to this many characters are asked for by length; longer ones are listed.
NAME_LENGTH = 4


def key_hash(text: str) -> int:
    """CRC-32 of the UTF-8 bytes; search.js computes the same.  A key's shard is its top bits."""
    return zlib.crc32(text.encode("utf-8"))


def file_name(key: str) -> str:
    """The name of a key's own files (e/, p/): lowercase hex of its UTF-8 bytes; search.js makes the same."""
    return key.encode("utf-8").hex()


def shard_of(key: str, bits: int) -> int:
    return _top(key_hash(key), bits)


def _top(h: int, bits: int) -> int:
    """The top `bits` bits of a 32-bit hash: its shard among 2**bits (or its partition)."""
    return h >> (32 - bits) if bits else 0


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


@dataclass
class Summary:
    docs: int = 0
    grams: int = 0
    shards: int = 0
    files: int = 0
    bytes: int = 0
    build: str = ""
    facets: dict = field(default_factory=dict)
    reused: bool = False  # kept from the previous build: the same replies were exported then
    written: int = 0  # files written (the others of an updated export held their bytes already)


class _Writer:
    """Writes files under the index folder and keeps each one's signature (of which the build id is made).

    Given the files an earlier export left in the folder (`previous`: relative path -> signature), a
    file whose bytes are those it already holds is not written again, and `sweep` deletes those this
    export did not produce: a rebuild after one edit rewrites the few thousand files the edit changed,
    not the 150,000 of 10,000 replies."""

    def __init__(self, folder: str, previous: dict | None = None):
        self.folder = folder
        self.previous = previous or {}
        #: relative path -> [hash of each write, joined by "+", size]: what this export produced
        self.signatures: dict[str, list] = {}
        self.written = 0
        self._unwritten: set[str] = set()  # files left as they were, until appended to
        self._dirs: set[str] = set()

    def write(self, relative: str, data: bytes, append: bool = False) -> None:
        """Write `data` as the file `relative`, or at its end when `append` (the file exists then)."""
        h = hashlib.blake2b(data, digest_size=8).hexdigest()
        if append:
            signature = self.signatures[relative]
            self.signatures[relative] = [f"{signature[0]}+{h}", signature[1] + len(data)]
            self.written += relative in self._unwritten
            self._unwritten.discard(relative)
        else:
            self.signatures[relative] = [h, len(data)]
            if self.previous.get(relative) == self.signatures[relative]:
                self._unwritten.add(relative)
                return  # the file already holds these bytes (a file appended to is written again)
        path = os.path.join(self.folder, relative)
        parent = os.path.dirname(path)
        if not append and parent not in self._dirs:
            os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)
        with open(path, "ab" if append else "wb") as handle:
            handle.write(data)
        self.written += not append

    def keep(self, relative: str) -> None:
        """The file `relative` of the earlier export is this export's too (known unchanged)."""
        self.signatures[relative] = self.previous[relative]

    def json(self, relative: str, value) -> None:
        self.write(relative, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def sweep(self) -> None:
        """Delete the earlier export's files that this one did not produce."""
        for relative in self.previous.keys() - self.signatures.keys():
            try:
                os.remove(os.path.join(self.folder, relative))
            except FileNotFoundError:
                pass

    def build(self) -> str:
        """The build id: a hash of the signatures of the files written so far, in no particular order."""
        listed = "\n".join(f"{path} {h} {size}" for path, (h, size) in sorted(self.signatures.items()))
        return hashlib.sha256(listed.encode("utf-8")).hexdigest()[:12]

    @property
    def files(self) -> int:
        return len(self.signatures)

    @property
    def bytes(self) -> int:
        return sum(size for _, size in self.signatures.values())


def _power_of_two(total: int, target: int) -> int:
    count = 1
    while count * target < total:
        count *= 2
    return count


#: Bumped when the format of the files changes.
FORMAT_VERSION = 18


def set_aside(folder: str, slot: str) -> None:
    """Move the previous build's index `folder` into `slot` in the cache before anything is written, so
    that `export_or_keep` can put it back or update it there.  When there is none, or it cannot be
    renamed (the cache on another file system, a slot left by a build that failed), it stays, and is
    exported over from nothing."""
    try:
        os.rename(folder, slot)
    except OSError:
        pass


def export_or_keep(records: list[dict], slot: str, folder: str, page_size: int, workers: int = 1,
                   consume: bool = False) -> tuple[Summary, list[str]]:
    """Write the static index of `records` into `folder`, from the previous build's export in `slot`
    (`set_aside`) when there is one: renamed back as it is when it is an export of the same replies (no
    file written), else updated where it is (only the files whose bytes changed are written, see
    _Writer) and then renamed back.  The record of an export, a file next to the slot (`slot`.marshal:
    written in a twentieth of the time of JSON, 0.2 s at 10,000 replies), is not in the output.  With
    `consume`, the caller needs the records no more: their texts and letters are dropped as soon as the
    export has them in other forms (`_export`).  Returns the summary and the files of the index
    (relative paths), as the export made them: a file put into the folder since is not among them."""
    version = [FORMAT_VERSION, analyzer.VERSION, page_size]
    digest = hashlib.sha256(repr((*version, sorted((r["key"], r["hash"]) for r in records))).encode(
        "utf-8")).hexdigest()
    record = slot + ".marshal"
    kept = _recorded(record, slot)
    if os.path.exists(record):
        os.remove(record)  # a slot being updated, or an export cut short, is never taken as recorded
    os.makedirs(os.path.dirname(folder), exist_ok=True)
    if kept is not None and not os.path.exists(folder):
        if kept["digest"] == digest:
            summary, state = Summary(**{**kept["summary"], "reused": True, "written": 0}), kept
        else:
            # Files of replies that did not change are known from the record when the format is the same.
            summary, state = _export(records, slot, page_size, workers,
                                     kept if kept["version"] == version else {"files": kept["files"]}, consume)
        os.rename(slot, folder)
    else:
        summary, state = _export(records, folder, page_size, workers, consume=consume)
        # The old export is deleted after the new one is written, not before: on ext4 without a journal,
        # creating many files within minutes of deleting many is slow (the kernel scans for recently
        # deleted inodes: 40,000 files cost 16-33 s of system time instead of 1 s).
        shutil.rmtree(slot, ignore_errors=True)
    _drop_cache_copies(os.path.dirname(slot))
    # Written last: a build killed before leaves no record, and the next one exports from nothing.
    with open(record + ".new", "wb") as handle:
        marshal.dump({"digest": digest, "version": version, "docs": state["docs"], "labels": state.get("labels"),
                      "entries": state.get("entries"), "deputies": state.get("deputies"),
                      "summary": {**summary.__dict__, "reused": False, "written": 0}, "files": state["files"]}, handle)
    os.replace(record + ".new", record)
    return summary, list(state["files"])


def _drop_cache_copies(cache: str) -> None:
    """Delete the copies of the index that builds before format 10 kept in the cache (static-<16 hex
    digits of the replies' digest>), which nothing reads any more: a whole index each; and the records
    that builds kept as JSON (static-<tag>.json)."""
    for name in os.listdir(cache):
        if re.fullmatch(r"static-[0-9a-f]{16}(\.new)?", name):
            shutil.rmtree(os.path.join(cache, name), ignore_errors=True)
        elif re.fullmatch(r"static-[0-9a-f]{12}\.json", name):
            os.remove(os.path.join(cache, name))


def _recorded(record: str, slot: str) -> dict | None:
    """The record of the export in `slot` (digest, version, summary, docs, files), or None when it is
    missing or unreadable, or the slot's manifest is not the recorded build's (another export, or one
    cut short)."""
    try:
        with open(record, "rb") as handle:
            kept = marshal.load(handle)
        with open(os.path.join(slot, MANIFEST), encoding="utf-8") as handle:
            build = json.load(handle)["build"]
        Summary(**kept["summary"])
        valid = (kept["summary"]["build"] == build and isinstance(kept["files"], dict)
                 and isinstance(kept["docs"], list) and isinstance(kept["version"], list))
        return kept if valid else None
    except (OSError, EOFError, ValueError, KeyError, TypeError):
        return None


def export(records: list[dict], folder: str, page_size: int, workers: int = 1) -> Summary:
    """Write the static index of the public replies' `records` (document.record) into `folder`."""
    return _export(records, folder, page_size, workers)[0]


def _export(records, folder, page_size, workers, previous: dict | None = None,
            consume: bool = False) -> tuple[Summary, dict]:
    """export(), updating the export of `previous` (its record: files, and docs, labels and entries when
    of this format) in `folder`; returns the summary and what the record keeps of this export.  With
    `consume`, the records' texts and letters are dropped once the reply files are written and the
    Corpus holds the texts: at 100,000 replies they are ~700 MB that the build would otherwise still
    hold while the workers encoding the keys add theirs, at the build's peak."""
    if previous is None and os.path.isdir(folder):
        shutil.rmtree(folder)
    out = _Writer(folder, previous and previous["files"])
    records = sorted(records, key=rank.date_key)
    summary = Summary(docs=len(records))
    order = hashlib.sha256("\0".join(r["key"] for r in records).encode("utf-8")).hexdigest()
    changed = _changed_texts(records, order, folder, previous or {})  # read before _write_docs replaces them
    summary.facets = _write_facets(records, out)
    deputies, deputy_state = _write_deputies(records, out, (previous or {}).get("deputies"))
    labels, docs = _write_docs(records, out, previous or {}, workers)
    corpus = keyarrays.Corpus([r["text"] for r in records], [r["head_length"] for r in records],
                              [letter_start(r) for r in records], LETTER_PIECE)
    entries = changed is not None and _update_entries(corpus, records, changed, out, previous["entries"])
    if consume:
        for record in records:
            del record["text"], record["letter"]
        return_free_memory()
    if not entries:
        entries = _write_entries(corpus, out, workers)
    entries["order"] = order
    summary.grams, summary.shards = entries["count"], 1 << entries["shardBits"]
    _write_t2s(corpus.alphabet.chars, out)
    del corpus  # its arrays are the largest the export holds
    summary.build = out.build()
    out.json(MANIFEST, {
        "version": FORMAT_VERSION, "build": summary.build, "docs": len(records), "gram": analyzer.GRAM,
        "shards": summary.shards, **deputies, "letterPiece": LETTER_PIECE, "inlinePieces": INLINE_PIECES,
        "metaLabels": labels, "facets": summary.facets, "pageSize": page_size,
    })
    out.sweep()
    summary.files, summary.bytes, summary.written = out.files, out.bytes, out.written
    return summary, {"files": out.signatures, "docs": docs, "labels": labels, "entries": entries,
                     "deputies": deputy_state}


#: What forked workers read (set before each pool starts, so every worker inherits it).
_JOB: dict = {}


def _spill(worker: int) -> None:
    """Write the keys of the worker's share of the replies into one file per partition (<p>.<worker>): the
    keyarrays.RECORDs of each batch of replies whose key hashes to that partition."""
    job = _JOB
    bits, folder, corpus = job["bits"], job["folder"], job["corpus"]
    start, stop = job["ranges"][worker]
    handles = [open(os.path.join(folder, f"{p}.{worker}"), "wb") for p in range(1 << bits)]
    try:
        for first, last in corpus.batches(start, stop):
            records = corpus.records(first, last)
            cuts = [0, len(records)]
            if bits:
                part = (corpus.alphabet.crc(records["key"]) >> (32 - bits)).astype(np.uint8)
                order = np.argsort(part, kind="stable")
                records = records[order]
                cuts = np.searchsorted(part[order], np.arange((1 << bits) + 1)).tolist()
            for handle, begin, end in zip(handles, cuts, cuts[1:]):
                if begin < end:
                    handle.write(records[begin:end].tobytes())
    finally:
        for handle in handles:
            handle.close()


def _read(p: int) -> np.ndarray:
    """The records of partition p by key, then reply and position (workers' files in order)."""
    paths = [os.path.join(_JOB["folder"], f"{p}.{worker}") for worker in range(len(_JOB["ranges"]))]
    sizes = [os.path.getsize(path) // keyarrays.RECORD.itemsize for path in paths]
    records = np.empty(sum(sizes), dtype=keyarrays.RECORD)  # read in place: no second copy to join
    at = 0
    for path, size in zip(paths, sizes):
        with open(path, "rb") as handle:
            handle.readinto(memoryview(records[at:at + size]).cast("B"))
        at += size
        os.remove(path)
    return records[np.argsort(records["key"], kind="stable")]


class _Postings:
    """The keys of one partition with their replies ("members"), and the parts of their entries computed
    for all keys at once: docsets, headsets and positions as varints and bitmaps."""

    def __init__(self, records: np.ndarray, total: int):
        key, doc, tag = records["key"], records["doc"].astype(np.int64), records["tag"].astype(np.int64)
        n = len(key)
        self.doc, self.tag = doc, tag
        new = np.ones(n, dtype=bool)
        new[1:] = (key[1:] != key[:-1]) | (doc[1:] != doc[:-1])
        starts = np.flatnonzero(new)  # first record of each member
        members = len(starts)
        member_key, member_doc = key[starts], doc[starts]
        self.member_doc = member_doc
        head = (tag[starts] & 1) == 0
        first_member = np.ones(members, dtype=bool)
        first_member[1:] = member_key[1:] != member_key[:-1]
        self.start = kstart = np.flatnonzero(first_member)
        self.end = kend = np.append(kstart[1:], members)
        count = kend - kstart
        self.keys = member_key[kstart]
        self.count = count
        self.gram = keyarrays.key_length(self.keys) == GRAM
        self.records = starts[kstart], np.append(starts[kstart[1:]], n)
        of = np.repeat(np.arange(len(kstart)), count)  # each member's key

        # Positions of the grams' members, v(count) v(gap)… each, in one byte string.
        in_gram = np.repeat(self.gram, self.records[1] - self.records[0])
        subset = np.cumsum(in_gram) - 1
        gram_members = self.gram[of]
        data, begins, ends = keyarrays.counted_gaps(tag[in_gram], subset[starts[gram_members]])
        self.positions = data
        self.position_begin = np.zeros(members, dtype=np.int64)
        self.position_end = np.zeros(members, dtype=np.int64)
        self.position_begin[gram_members], self.position_end[gram_members] = begins, ends

        # Docsets: the list, or the bitmap when smaller (and the complement, for few keys, in _docset).
        self.listed, self.list_begin, self.list_end = keyarrays.counted_gaps(member_doc, kstart)
        first, last = member_doc[kstart], member_doc[kend - 1]
        self.first, self.bitmap_size = first, (last - first) // 8 + 1
        list_size = 1 + self.list_end - self.list_begin
        bitmap_size = 1 + keyarrays.varint_sizes(first) + keyarrays.varint_sizes(self.bitmap_size) + self.bitmap_size
        self.docset = np.where(list_size <= bitmap_size, 0, 1)
        self.docset[count * 2 > total] = 2
        chosen = self.docset == 1
        nth = np.cumsum(chosen) - 1
        on = chosen[of]
        self.bitmaps, self.bitmap_at = keyarrays.bitmaps(
            member_doc[on] - first[of[on]], nth[of[on]], self.bitmap_size[chosen])
        self.bitmap_rank = nth

        # Headsets: none, all, the bitmap of members or the list of members, whichever is smaller.
        heads = np.add.reduceat(head.astype(np.int64), kstart) if members else np.zeros(0, dtype=np.int64)
        partial = (heads > 0) & (heads < count)
        index = np.arange(members) - kstart[of]
        listed = head & partial[of]
        group = np.ones(int(listed.sum()), dtype=bool)
        group[1:] = of[listed][1:] != of[listed][:-1]
        self.head_list, begins, ends = keyarrays.counted_gaps(index[listed], np.flatnonzero(group))
        by_list = np.zeros(len(kstart), dtype=bool)
        by_list[partial] = (1 + ends - begins) < 1 + (count[partial] + 7) // 8
        self.head_begin = np.zeros(len(kstart), dtype=np.int64)
        self.head_end = np.zeros(len(kstart), dtype=np.int64)
        self.head_begin[partial], self.head_end[partial] = begins, ends
        by_bitmap = partial & ~by_list
        nth = np.cumsum(by_bitmap) - 1
        on = head & by_bitmap[of]
        self.head_bitmaps, self.head_bitmap_at = keyarrays.bitmaps(
            index[on], nth[of[on]], (count[by_bitmap] + 7) // 8)
        self.head_bitmap_rank = nth
        # 0 none, 1 all, 2 bitmap, 3 list (the tag byte)
        self.headset = np.where(heads == 0, 0, np.where(heads == count, 1, np.where(by_list, 3, 2)))

        # Pieces: the piece codes of the members of shorter keys not in the head, four to a byte.
        coded = ~head & ~self.gram[of]
        per_key = np.add.reduceat(coded.astype(np.int64), kstart) if members else np.zeros(0, dtype=np.int64)
        size = (per_key + 3) // 4
        self.piece_at = np.zeros(len(kstart) + 1, dtype=np.int64)
        np.cumsum(size, out=self.piece_at[1:])
        nth = np.cumsum(coded) - 1 - np.repeat(np.cumsum(per_key) - per_key, count)  # index among its key's
        slots = np.zeros(4 * int(self.piece_at[-1]), dtype=np.uint8)
        slots[4 * self.piece_at[of[coded]] + nth[coded]] = tag[starts[coded]] >> 1
        self.pieces = (slots.reshape(-1, 4) << np.array([0, 2, 4, 6], dtype=np.uint8)).sum(
            axis=1, dtype=np.uint8).tobytes()


def _entries(p: int, out: _Writer) -> tuple[list, list]:
    """(entries, frequent-phrase entries) of partition p as (key hash, bytes); large bodies written."""
    records = _read(p)
    encoded, extended = [], []
    # In blocks of whole keys, so that the arrays of a block, not of the partition, bound the memory.
    key, start = records["key"], 0
    while start < len(records):
        stop = min(start + BLOCK_RECORDS, len(records))
        if stop < len(records):
            stop = int(np.searchsorted(key, key[stop], side="left"))  # where the key at `stop` begins
            if stop <= start:  # a key larger than a block
                stop = int(np.searchsorted(key, key[start], side="right"))
        _encode_block(_Postings(records[start:stop], _JOB["total"]), out, encoded, extended)
        start = stop
    return encoded, extended


def _encode_block(k: "_Postings", out: _Writer, encoded: list, extended: list) -> None:
    """Append the entries of a block's keys, in order, to `encoded` and their phrases' to `extended`."""
    total, phrases, alphabet = _JOB["total"], _JOB["phrases"], _JOB["corpus"].alphabet
    member_doc = k.member_doc
    listed, bitmaps, head_list, head_bitmaps, positions = k.listed, k.bitmaps, k.head_list, k.head_bitmaps, k.positions
    position_begin, position_end = k.position_begin.tolist(), k.position_end.tolist()
    hashes = alphabet.crc(k.keys).tolist()
    piece_at = k.piece_at.tolist()
    threshold = phrases.threshold
    for n, (key, h, gram, count, kstart, kend, records_begin, records_end, docset, list_begin, list_end, first,
         bitmap_size, bitmap_rank, headset, head_begin, head_end, head_rank) in enumerate(zip(
            k.keys.tolist(), hashes, k.gram.tolist(), k.count.tolist(), k.start.tolist(), k.end.tolist(),
            k.records[0].tolist(), k.records[1].tolist(), k.docset.tolist(), k.list_begin.tolist(),
            k.list_end.tolist(), k.first.tolist(), k.bitmap_size.tolist(), k.bitmap_rank.tolist(),
            k.headset.tolist(), k.head_begin.tolist(), k.head_end.tolist(), k.head_bitmap_rank.tolist())):
        if docset == 0:
            body = b"\x00" + listed[list_begin:list_end]
        elif docset == 1:
            at = k.bitmap_at[bitmap_rank]
            body = b"\x01" + _encode(first) + _encode(bitmap_size) + bitmaps[at:at + bitmap_size]
        else:
            body = _docset(member_doc[kstart:kend], total)
        if headset < 2:
            body += _HEADSETS[headset]
        elif headset == 3:
            body += b"\x03" + head_list[head_begin:head_end]
        else:
            at = k.head_bitmap_at[head_rank]
            body += b"\x02" + head_bitmaps[at:k.head_bitmap_at[head_rank + 1]]
        text = alphabet.text(key)
        if gram:
            begin, end = position_begin[kstart], position_end[kend - 1]
            if end - begin <= INLINE_POSITIONS:
                body += b"\x01" + positions[begin:end]
            else:
                body += _chunks(positions, position_begin, position_end, kstart, kend, text, out)
        else:
            codes = k.pieces[piece_at[n]:piece_at[n + 1]]
            if len(codes) <= INLINE_PIECES:
                body += codes
            else:  # chunks of whole bytes of codes: the "members" of _chunks are the bytes
                body += _chunks(codes, range(len(codes)), range(1, len(codes) + 1), 0, len(codes), text, out,
                                PIECE_CHUNK_BYTES)
        data = text.encode("utf-8")
        encoded.append((h, _encode(len(data)) + data + _solo(body, text, out, total)))
        if gram and count >= threshold:
            for phrase, phrase_ids, phrase_heads in phrases.extend(
                    text, k.doc[records_begin:records_end], k.tag[records_begin:records_end]):
                body = _docset(phrase_ids, total) + _headset(phrase_heads)
                extended.append(_keyed(phrase, _solo(body, phrase, out, total)))


_HEADSETS = (b"\x00", b"\x01")
_FIRST = np.zeros(1, dtype=np.int64)


def _docset(ids: np.ndarray, total: int) -> bytes:
    """The smallest encoding of a sorted array of reply numbers (a list first, then a bitmap, on a tie),
    sizing the encodings before making one."""
    if not len(ids):
        return b"\x00\x00"
    count, first = len(ids), int(ids[0])
    steps = np.diff(ids, prepend=-1) - 1
    listed = 1 + len(_encode(count)) + int(keyarrays.varint_sizes(steps).sum())
    size = (int(ids[-1]) - first) // 8 + 1
    bitmap = 1 + len(_encode(first)) + len(_encode(size)) + size
    others = listed + 1
    if count * 2 > total:
        present = np.zeros(total, dtype=bool)
        present[ids] = True
        missing = np.flatnonzero(~present)
        missing_steps = np.diff(missing, prepend=-1) - 1
        others = 1 + len(_encode(len(missing))) + int(keyarrays.varint_sizes(missing_steps).sum())
    if listed <= bitmap and listed <= others:
        return b"\x00" + _encode(count) + keyarrays.varints(steps)[0]
    if bitmap <= others:
        bits = np.zeros(size * 8, dtype=bool)
        bits[ids - first] = True
        return b"\x01" + _encode(first) + _encode(size) + np.packbits(bits, bitorder="little").tobytes()
    return b"\x02" + _encode(len(missing)) + keyarrays.varints(missing_steps)[0]


def _headset(flags: np.ndarray) -> bytes:
    """The smallest encoding of which members have a key in the head (none, all, bitmap, list)."""
    count = int(flags.sum())
    if count == 0 or count == len(flags):
        return _HEADSETS[count > 0]
    bitmap = b"\x02" + np.packbits(flags, bitorder="little").tobytes()
    listed = b"\x03" + keyarrays.counted_gaps(np.flatnonzero(flags), _FIRST)[0]
    return min(bitmap, listed, key=len)


def _solo(body: bytes, key: str, out: _Writer, total: int) -> bytes:
    """The entry's flag and body, or only its flag when the body is written to the key's e/ file (and
    its reply list to s/ files when large)."""
    if len(body) <= SOLO_BYTES:
        return b"\x00" + body
    data = _gzip(body)
    if len(data) > SPLIT_BYTES:
        _split(body, key, out, total)
        return b"\x02"
    out.write(f"e/{file_name(key)}.gz", data)
    return b"\x01"


def _split(body: bytes, key: str, out: _Writer, total: int) -> None:
    """Write a body as a split one: its reply list in segments (s/), the rest with the list's counts
    per segment and its replies in the head (e/)."""
    r = _Reader(body)
    docs, heads = _lists(r, total)
    segments = -(-total // SEGMENT_REPLIES)
    bounds = np.searchsorted(docs, np.arange(segments + 1) * SEGMENT_REPLIES).tolist()
    header = bytearray()
    for value in (SEGMENT_REPLIES, segments, *np.diff(bounds).tolist()):
        varint(value, header)
    name = file_name(key)
    out.write(f"e/{name}.gz", _gzip(bytes(header) + _docset(docs[heads], total) + body[r.at:]))
    for k in range(segments):
        if bounds[k] < bounds[k + 1]:
            start = k * SEGMENT_REPLIES
            out.write(f"s/{name}-{k}.gz", _gzip(_docset(docs[bounds[k]:bounds[k + 1]] - start,
                                                        min(SEGMENT_REPLIES, total - start))))


def _chunks(data: bytes, begins, ends, start: int, stop: int, key: str, out: _Writer,
            size: int = CHUNK_BYTES) -> bytes:
    """Members start…stop-1 (member m is data[begins[m]:ends[m]]) in the key's p/ files of about `size`
    bytes; returns the chunked form of the body's part: 2 v(chunks) v(start)…"""
    body = bytearray(b"\x02")
    name = file_name(key)
    starts = []  # the first member of each chunk
    member = start
    while member < stop:
        after = max(member + 1, bisect.bisect_right(ends, begins[member] + size, member, stop))
        out.write(f"p/{name}-{len(starts)}.bin", data[begins[member]:ends[after - 1]])
        starts.append(member - start)
        member = after
    varint(len(starts), body)
    previous = 0
    for first in starts[1:]:
        varint(first - previous, body)
        previous = first
    return bytes(body)


def _partition(p: int) -> tuple:
    """Encode and write partition p (in a worker): (entries, phrases, signatures, files written)."""
    out = _Writer(_JOB["out"], _JOB["previous"])
    encoded, extended = _entries(p, out)
    _write_shards(encoded, _JOB["shard_bits"], p, _JOB["bits"], out)
    # The worker's heap is not trimmed between partitions: that saved about 60 MB a worker at 10,000
    # replies but cost 1-3 CPU-seconds of page faults, and the build's time is the scarcer.
    return len(encoded), extended, out.signatures, out.written


def _write_entries(corpus: keyarrays.Corpus, out: _Writer, workers: int) -> dict:
    """Every gram, shorter key and frequent phrase, in shard files; returns what _update_entries needs
    of them (the number of entries, partition bits, shard bits and the partition 0 size that chose
    them, the phrases).

    1. Workers spill the keys of their share of the replies, one file per partition.
    2. Partition 0 is encoded here: its size sets the number of shards.
    3. Workers encode and write the other partitions, each the shards its keys hash to.
    4. Frequent phrases (found from the grams of any partition) are added to their shards.
    """
    total = len(corpus.head_length)
    bits = max(0, min(8, (total // PARTITION_REPLIES).bit_length()))
    folder = os.path.join(out.folder, ".partitions")
    os.makedirs(folder)
    workers = max(1, min(workers, 1 << bits))
    cuts = [total * w // workers for w in range(workers + 1)]
    _JOB.clear()
    _JOB.update(bits=bits, folder=folder, corpus=corpus, total=total, ranges=list(zip(cuts, cuts[1:])),
                out=out.folder, previous=out.previous, phrases=_Phrases(corpus, total))
    try:
        pool_map(_spill, list(range(workers)), workers)
        count, extended, size, shard_bits = _first_partition(out, bits)
        _JOB["shard_bits"] = shard_bits
        # Its arrays, freed, are still resident: the workers forked next would share those pages, and
        # each process's share of them counts in the build's peak (about 200 MB at 10,000 replies).
        return_free_memory()
        for n, more, signatures, written in pool_map(_partition, list(range(1, 1 << bits)), workers):
            count += n
            extended += more
            out.signatures.update(signatures)
            out.written += written
        added: dict[int, list[bytes]] = defaultdict(list)
        for h, data in sorted(extended):
            added[_top(h, shard_bits)].append(data)
        for shard, pieces in sorted(added.items()):
            out.write(f"g/{shard:x}.bin", b"".join(pieces), append=True)
        return {"count": count + len(extended), "bits": bits, "shardBits": shard_bits, "size": size,
                "phrases": sorted(_key_of(data)[0] for _, data in extended)}
    finally:
        _JOB.clear()
        shutil.rmtree(folder, ignore_errors=True)


def _first_partition(out: _Writer, bits: int) -> tuple:
    """Encode and write partition 0, whose size sets the number of shards: (entries, phrases, size of
    the entries, shard bits)."""
    encoded, extended = _entries(0, out)
    size = sum(len(data) for _, data in encoded)
    shard_bits = _shard_bits(size, bits)
    _write_shards(encoded, shard_bits, 0, bits, out)
    return len(encoded), extended, size, shard_bits


def _shard_bits(size: int, bits: int) -> int:
    """The shard count's bits, from the size of partition 0's entries (one of 2**bits partitions)."""
    return max(bits, (_power_of_two(size << bits, SHARD_BYTES) - 1).bit_length())


def _key_of(data: bytes, at: int = 0) -> tuple[str, int]:
    """The key of the entry at `at` in `data`, and where its flag is."""
    r = _Reader(data, at)
    length = r.v()
    return r.take(length).decode("utf-8"), r.at


def _keyed(key: str, body: bytes) -> tuple[int, bytes]:
    """(hash of the key, the entry as the shard holds it)."""
    data = key.encode("utf-8")
    return key_hash(key), _encode(len(data)) + data + body


def _write_shards(encoded: list[tuple[int, bytes]], shard_bits: int, p: int, bits: int, out: _Writer) -> None:
    """The shard files of partition p: every shard whose top `bits` bits are p, empty ones too."""
    shards: dict[int, list[bytes]] = defaultdict(list)
    for h, data in encoded:
        shards[_top(h, shard_bits)].append(data)
    per = 1 << (shard_bits - bits)
    for shard in range(p * per, (p + 1) * per):
        out.write(f"g/{shard:x}.bin", b"".join(shards.get(shard, [])))


class _Phrases:
    """Frequent phrases longer than GRAM, each with its exact list of replies.

    A phrase found in many replies would otherwise be checked with the positions of its grams in every
    one of them (tens of kilobytes).  So every gram found in at least `threshold` replies is extended by
    each character that follows it, and the extension is indexed when it is frequent too, up to
    PHRASE_LIMIT characters.  The browser asks for a long term itself first; when it is not indexed
    (it is rare, or longer), positions decide, as before.
    """

    def __init__(self, corpus: keyarrays.Corpus, total: int):
        self.corpus = corpus  # the normalised searchable texts by reply number, as character ids
        self.threshold = max(PHRASE_MIN_REPLIES, min(int(total * PHRASE_SHARE), PHRASE_MAX_REPLIES))

    def extend(self, gram: str, docs: np.ndarray, tags: np.ndarray):
        """(phrase, replies, head flags) of the frequent extensions of a gram, from its occurrences
        (reply, tagged position) in order."""
        corpus, threshold, chars = self.corpus, self.threshold, self.corpus.alphabet.chars
        positions = tags >> 1
        stack = [(gram, docs, positions, corpus.base[docs] + positions)]
        while stack:
            phrase, docs, positions, at = stack.pop()
            end = len(phrase)
            following = corpus.ids[at + end]  # 0: whitespace, or the end of the text
            counts = np.bincount(following)  # by character id: counting, not sorting as np.unique would
            counts[0] = 0
            for char in np.flatnonzero(counts >= threshold).tolist():
                found = following == char
                found_docs, found_positions = docs[found], positions[found]
                first = np.ones(len(found_docs), dtype=bool)
                first[1:] = found_docs[1:] != found_docs[:-1]
                if first.sum() < threshold:
                    continue
                ids = found_docs[first]
                # in the head when its first occurrence in the reply is
                yield phrase + chars[char], ids, found_positions[first] < corpus.head_length[ids]
                if end + 1 < PHRASE_LIMIT:
                    stack.append((phrase + chars[char], found_docs, found_positions, at[found]))


# ---- Updating the entries of an earlier export in place ----

#: The entries are updated in place when at most this share of the replies changed: the update works
#: key by key, and the keys of many replies are most keys, which the workers encode faster all at once
#: (the share is a cautious guess: one reply of 10,000 costs about a CPU-second, the full encoding 16).
UPDATE_SHARE = 0.02


def _changed_texts(records: list[dict], order: str, folder: str, previous: dict) -> dict | None:
    """{reply number: {head, meta, letter} as the earlier export in `folder` holds it} of the replies
    whose hash changed, when its entries can be updated: the same replies in the same numbering (the
    same `order`), few of them changed; else None."""
    entries = previous.get("entries")
    if not entries or entries.get("order") != order:
        return None
    before = previous["docs"]
    changed = [i for i, record in enumerate(records) if before[i][0] != record["hash"]]
    if len(changed) > UPDATE_SHARE * len(records):
        return None
    return {i: _exported_text(folder, i, before[i][1]) for i in changed}


def _exported_text(folder: str, doc: int, pieces: int) -> dict:
    """What the searchable text of a reply is made of, read back from its result file and letter pieces."""
    with open(os.path.join(folder, "r", f"{doc}.gz"), "rb") as handle:
        result = json.loads(gzip.decompress(handle.read()))
    letter = []
    for k in range(pieces):
        with open(os.path.join(folder, "l", f"{doc}-{k}.gz"), "rb") as handle:
            letter.append(gzip.decompress(handle.read()).decode("utf-8")[:LETTER_PIECE])
    return {"head": result["h"], "meta": result["m"], "letter": "".join(letter)}


def _occurrences(record: dict) -> dict:
    """What the entries hold of a reply: {key: its tags (keyarrays.RECORD)}, and {phrase: whether its
    first occurrence is in the head} of every string a frequent gram of the reply could be extended to
    (_Phrases: up to PHRASE_LIMIT characters without whitespace)."""
    text, head_length = document.normalised_text(record), len(analyzer.normalise(record["head"]))
    corpus = keyarrays.Corpus([text], [head_length], [letter_start(record)], LETTER_PIECE)
    rows = corpus.records(0, 1)
    found: dict[str, list] = defaultdict(list)
    phrases: dict[str, bool] = {}
    for key, tag in zip(rows["key"].tolist(), rows["tag"].tolist()):  # grams in order of position first
        key = corpus.alphabet.text(key)
        found[key].append(tag)
        if len(key) == GRAM:
            position = tag >> 1
            for end in range(position + GRAM, min(position + PHRASE_LIMIT, len(text))):
                if text[end] in analyzer.WHITESPACE:
                    break
                phrases.setdefault(text[position:end + 1], position < head_length)
    return {**found, **phrases}


def _update_entries(corpus: keyarrays.Corpus, records: list[dict], changed: dict, out: _Writer,
                    state: dict) -> dict | None:
    """Update the entries of the earlier export in `out`'s folder (its record's `state`, see
    _write_entries) for the replies `changed` ({number: old text}, _changed_texts): re-encode only the
    keys whose postings in those replies differ and the phrases whose replies differ, and rewrite only
    the shards whose bytes change, so that every file is as an export from nothing would write it.
    Returns the new state, or None, having written nothing, when the shard count would change."""
    total, bits, shard_bits = len(records), state["bits"], state["shardBits"]
    keys: set[str] = set()
    for doc, old in changed.items():
        before, after = _occurrences(old), _occurrences(records[doc])
        keys.update(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    # The phrases these replies gained, lost or now have first in the head or body otherwise are made
    # again from their grams; the other phrases of those grams are as they were (the same replies).
    phrased = {key for key in keys if len(key) > GRAM}
    keys = {key for key in keys if len(key) <= GRAM} | {phrase[:GRAM] for phrase in phrased}
    gone = phrased.intersection(state["phrases"])
    shards = _Shards(out.folder, shard_bits, total)
    docs = np.array(sorted(changed))
    # The postings of the keys in the other replies, from their entries, and in these, from their texts.
    ids = {key: n for key in keys if (n := _key_id(corpus.alphabet, key)) is not None}
    old, dropped, rows = {}, set(), []
    for key in keys | gone:
        entry = shards.entry(key)
        if entry is None:
            continue
        old[key] = entry
        found, files = _decode(entry, total, out.folder)
        dropped.update(files)
        if found is not None:
            found = found[~np.isin(found["doc"], docs)]
            if len(found):  # in other replies, so its characters are in the corpus
                found["key"] = ids[key]
                rows.append(found)
    wanted = np.array(sorted(ids.values()), dtype=np.uint64)
    for doc in docs.tolist():
        found = corpus.records(doc, doc + 1)
        rows.append(found[np.isin(found["key"], wanted)])
    rows = np.concatenate(rows) if rows else np.empty(0, dtype=keyarrays.RECORD)
    rows = rows[np.lexsort((rows["tag"], rows["doc"], rows["key"]))]

    later = _Deferred()  # e/ and p/ files, written once the shard count is known to stay
    encoded, extended = [], []
    if len(rows):
        _JOB.update(total=total, corpus=corpus, phrases=_Phrases(corpus, total))
        try:
            _encode_block(_Postings(rows, total), later, encoded, extended)
        finally:
            _JOB.clear()
    new = {key: data for key, (_, data) in zip(map(corpus.alphabet.text, np.unique(rows["key"]).tolist()), encoded)}
    phrases = {}
    for _, data in extended:
        if (key := _key_of(data)[0]) in phrased:
            phrases[key] = data
    size = state["size"] + sum(len(new.get(key, b"")) - len(old.get(key, b""))
                               for key in keys if _top(key_hash(key), bits) == 0)
    if _shard_bits(size, bits) != shard_bits:
        return None

    for relative, data in later.writes:
        out.write(relative, data)
    by_shard: dict[int, list[str]] = defaultdict(list)
    for key in keys | gone | phrases.keys():
        by_shard[shard_of(key, shard_bits)].append(key)
    for shard, changed_keys in sorted(by_shard.items()):
        entries = shards.entries(shard)
        if all(entries.get(key) == (new.get(key) or phrases.get(key)) for key in changed_keys):
            continue  # kept below: a key re-made from postings that did not change comes out as it was
        entries = {key: data for key, data in entries.items() if key not in keys and key not in gone}
        entries.update((key, new.get(key) or phrases.get(key)) for key in changed_keys if key in new or key in phrases)
        base = [entries[key] for key in sorted(entries) if len(key) <= GRAM]
        extra = sorted((key_hash(key), data) for key, data in entries.items() if len(key) > GRAM)
        out.write(f"g/{shard:x}.bin", b"".join(base))
        if extra:
            out.write(f"g/{shard:x}.bin", b"".join(data for _, data in extra), append=True)
    for relative in out.previous:
        if relative[:2] in ("g/", "e/", "s/", "p/") and relative not in out.signatures and relative not in dropped:
            out.keep(relative)
    return {"count": state["count"] - len(old) + len(new) + len(phrases), "bits": bits, "shardBits": shard_bits,
            "size": size, "phrases": sorted(set(state["phrases"]) - gone | phrases.keys())}


def _key_id(alphabet: keyarrays.Alphabet, key: str) -> int | None:
    """The key as keyarrays numbers it, or None when a character of it is in no reply."""
    ids = alphabet.ids(key).tolist()
    if 0 in ids:
        return None
    return sum(c << (keyarrays.CHAR_BITS * (GRAM - 1 - i)) for i, c in enumerate(ids))


class _Deferred:
    """Takes the writes of _encode_block, to be made later (or not)."""

    def __init__(self):
        self.writes: list[tuple[str, bytes]] = []

    def write(self, relative: str, data: bytes) -> None:
        self.writes.append((relative, data))


class _Shards:
    """The shard files of an export, each read and split into its entries when first asked for."""

    def __init__(self, folder: str, bits: int, total: int):
        self.folder, self.bits, self.total = folder, bits, total
        self.read: dict[int, dict[str, bytes]] = {}

    def entries(self, shard: int) -> dict[str, bytes]:
        """{key: entry} of the shard, in its order."""
        if shard not in self.read:
            with open(os.path.join(self.folder, "g", f"{shard:x}.bin"), "rb") as handle:
                data = handle.read()
            entries, at = {}, 0
            while at < len(data):
                key, flag = _key_of(data, at)
                r = _Reader(data, flag + 1)
                if data[flag] == 0:
                    _body(r, key, self.total)
                entries[key] = data[at:r.at]
                at = r.at
            self.read[shard] = entries
        return self.read[shard]

    def entry(self, key: str) -> bytes | None:
        return self.entries(shard_of(key, self.bits)).get(key)


def _decode(entry: bytes, total: int, folder: str) -> tuple[np.ndarray | None, list[str]]:
    """The keyarrays.RECORDs of an entry (key 0; None for a phrase) and its own files (e/, s/, p/)."""
    key, flag = _key_of(entry)
    name, files = file_name(key), []
    if entry[flag] == 0:
        r = _Reader(entry, flag + 1)
        docs, heads = _lists(r, total)
    else:
        files.append(f"e/{name}.gz")
        with open(os.path.join(folder, files[0]), "rb") as handle:
            r = _Reader(gzip.decompress(handle.read()))
        if entry[flag] == 1:
            docs, heads = _lists(r, total)
        else:
            docs, heads, segments = _split_lists(r, total, folder, name)
            files += segments
    detail = _detail(r, key, docs, heads, folder)
    if len(key) > GRAM:
        return None, files
    if len(key) == GRAM:
        counts, tags, chunks = detail
        files += [f"p/{name}-{c}.bin" for c in range(chunks)]
        doc, tag = np.repeat(docs, counts), tags
    else:
        codes, chunks = detail
        files += [f"p/{name}-{c}.bin" for c in range(chunks)]
        doc, tag = docs, np.zeros(len(docs), dtype=np.int64)
        tag[~heads] = 1 + 2 * codes
    rows = np.zeros(len(doc), dtype=keyarrays.RECORD)
    rows["doc"], rows["tag"] = doc, tag
    return rows, files


def _body(r: "_Reader", key: str, total: int, folder: str | None = None) -> tuple:
    """Read an entry's body: (docs, head flags, detail): for a gram (position counts, tagged positions,
    chunk files), for a shorter key (its piece codes, chunk files), read from chunk files only when
    given the `folder` (else None when it has some); for a phrase None."""
    docs, heads = _lists(r, total)
    return docs, heads, _detail(r, key, docs, heads, folder)


def _lists(r: "_Reader", total: int) -> tuple[np.ndarray, np.ndarray]:
    """A body's docset and headset: (docs, head flags)."""
    docs = _docs(r, total)
    count, kind = len(docs), r.byte()
    if kind < 2:
        heads = np.full(count, kind == 1)
    elif kind == 2:
        heads = np.unpackbits(np.frombuffer(r.take((count + 7) // 8), dtype=np.uint8), bitorder="little")[:count] == 1
    else:
        heads = np.zeros(count, dtype=bool)
        heads[r.gaps()] = True
    return docs, heads


def _split_lists(r: "_Reader", total: int, folder: str, name: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A split body's reply list from its segment files, and its head flags: (docs, head flags, files)."""
    segment, segments = r.v(), r.v()
    counts = [r.v() for _ in range(segments)]
    head = _docs(r, total)
    parts, files = [], []
    for k, count in enumerate(counts):
        if count:
            files.append(f"s/{name}-{k}.gz")
            with open(os.path.join(folder, files[-1]), "rb") as handle:
                parts.append(k * segment + _docs(_Reader(gzip.decompress(handle.read())),
                                                 min(segment, total - k * segment)))
    docs = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return docs, np.isin(docs, head), files


def _docs(r: "_Reader", total: int) -> np.ndarray:
    """A docset's replies."""
    kind = r.byte()
    if kind == 1:
        first, size = r.v(), r.v()
        return first + np.flatnonzero(np.unpackbits(np.frombuffer(r.take(size), dtype=np.uint8), bitorder="little"))
    docs = r.gaps()
    if kind == 2:
        present = np.ones(total, dtype=bool)
        present[docs] = False
        docs = np.flatnonzero(present)
    return docs


def _detail(r: "_Reader", key: str, docs: np.ndarray, heads: np.ndarray, folder: str | None) -> tuple | None:
    """What a body holds after its lists (see _body)."""
    count, length = len(docs), len(key)
    if length < GRAM:
        coded = count - int(heads.sum())
        size, chunks = (coded + 3) // 4, 0
        if size <= INLINE_PIECES:
            data = r.take(size)
        else:  # chunked: the starts of the chunks are not needed to read them all
            r.byte()
            chunks = r.v()
            for _ in range(chunks - 1):
                r.v()
            if folder is None:
                return None
            data = _chunk_data(folder, file_name(key), chunks)
        codes = np.frombuffer(data, dtype=np.uint8)
        return ((codes[:, None] >> np.array([0, 2, 4, 6], dtype=np.uint8)) & 3).reshape(-1)[:coded], chunks
    if length > GRAM:
        return None
    if r.byte() == 1:
        counts, tags, size = _members(r.data[r.at:r.at + INLINE_POSITIONS], count)
        r.at += size
        return counts, tags, 0
    chunks = r.v()
    for _ in range(chunks - 1):
        r.v()
    if folder is None:
        return None
    counts, tags, _ = _members(_chunk_data(folder, file_name(key), chunks), count)
    return counts, tags, chunks


def _chunk_data(folder: str, name: str, chunks: int) -> bytes:
    """A key's chunk files (p/<name>-<i>.bin) one after the other."""
    parts = []
    for c in range(chunks):
        with open(os.path.join(folder, "p", f"{name}-{c}.bin"), "rb") as handle:
            parts.append(handle.read())
    return b"".join(parts)


def _members(data: bytes, n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The first n members (v(count) v(gap)…) in `data`: the count of each, the tagged positions of all
    in order, and the bytes they take."""
    values, ends = _varints(data)
    listed, starts, at = values.tolist(), [], 0
    for _ in range(n):
        starts.append(at)
        at += listed[at] + 1
    counts = values[starts]
    gap = np.ones(at, dtype=bool)
    gap[starts] = False
    steps = np.cumsum(values[:at][gap] + 1)
    first = np.cumsum(counts) - counts  # each member's first position among all
    before = np.where(first > 0, steps[np.maximum(first - 1, 0)], 0) if len(steps) else first
    return counts, steps - np.repeat(before, counts) - 1, int(ends[at - 1]) if at else 0


def _varints(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The whole varints at the start of `data` (all but a cut-off last one) and where each ends."""
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw < 0x80) + 1
    if not len(ends):
        return np.zeros(0, dtype=np.int64), ends
    starts = np.concatenate([[0], ends[:-1]])
    raw = raw[:ends[-1]].astype(np.int64)
    shift = 7 * (np.arange(len(raw)) - np.repeat(starts, ends - starts))
    return np.bitwise_or.reduceat((raw & 0x7F) << shift, starts), ends


class _Reader:
    """Reads the varints and bytes of the format from `at` in `data`."""

    def __init__(self, data: bytes, at: int = 0):
        self.data, self.at = data, at

    def byte(self) -> int:
        self.at += 1
        return self.data[self.at - 1]

    def v(self) -> int:
        value = shift = 0
        while True:
            b = self.data[self.at]
            self.at += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value

    def take(self, n: int) -> bytes:
        self.at += n
        return self.data[self.at - n:self.at]

    def gaps(self) -> np.ndarray:
        """v(count) v(gap)…: the values, as `gaps` wrote them."""
        count = self.v()
        if count < 16:  # most lists in shards: fewer numpy calls
            return np.cumsum([self.v() + 1 for _ in range(count)], dtype=np.int64) - 1
        values, ends = _varints(self.data[self.at:self.at + 10 * count])
        self.at += int(ends[count - 1])
        return np.cumsum(values[:count] + 1) - 1


def letter_start(record: dict) -> int:
    """Where the letter starts in the record's normalised text (document.normalised_text): after the
    head and a line per metadata value."""
    return len(analyzer.normalise(record["head"] + "\n" + "".join(v + "\n" for _, v in record["meta"])))


def letter_pieces(letter: str) -> list[str]:
    return [letter[start:start + LETTER_PIECE + PIECE_OVERLAP] for start in range(0, len(letter), LETTER_PIECE)]


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def traditional(texts: list[str]) -> dict[str, str]:
    """{Traditional character: Simplified} of the characters of `texts` that normalisation changes, as
    the browser sees them: after NFKC of each text and of each character (highlighting normalises
    character by character).  NFKC of each character is enough for both: a text's NFKC holds a
    character of the table only where some character's NFKC does, since none of the table's characters
    is a composition (none has a canonical decomposition; tested), and normalising every letter whole
    was most of this function's time."""
    table = analyzer.t2s_table()
    chars = set("".join(texts))
    seen = chars & _NFKC_ITSELF  # each normalised alone: itself
    for char in chars - _NFKC_ITSELF:  # set operations: the rest is a few characters
        normal = unicodedata.normalize("NFKC", char)
        if normal == char:
            _NFKC_ITSELF.add(char)
        seen.update(normal)
    return {c: table[c] for c in sorted(seen & table.keys())}


#: Characters NFKC leaves as they are, met so far: most of every letter's, normalised one by one once
#: per build rather than once per reply (a fifth of this function's time).
_NFKC_ITSELF: set[str] = set()


def _write_docs(records, out: _Writer, previous: dict, workers: int = 1) -> tuple[list[str], list[list]]:
    """One result file per reply (r/), and the pieces of its letter (l/); returns the metadata labels,
    which the result files give by their number in this list (the manifest's), not as text, and
    [record hash, number of pieces] by reply number.  A reply numbered as in the `previous` export (its
    record), with the same hash and the same labels, has the same files there: they are kept, not made
    again.  The others are made by forked workers when there are many (50,000 files of 10,000 replies:
    compressing and creating them took 5 s on one core)."""
    labels = sorted({label for record in records for label, _ in record["meta"]})
    before = previous.get("docs", []) if previous.get("labels") == labels else []
    docs: list = [None] * len(records)
    for i, record in enumerate(records):
        if i < len(before) and before[i][0] == record["hash"]:
            docs[i] = before[i]
            out.keep(f"r/{i}.gz")
            for k in range(before[i][1]):
                out.keep(f"l/{i}-{k}.gz")
    todo = [i for i, made in enumerate(docs) if made is None]
    _JOB.update(records=records, todo=todo, number={label: n for n, label in enumerate(labels)}, out=out.folder,
                previous=out.previous)
    try:
        # Spans in fresh processes (map_spans): a long-lived worker ends up holding a copy of every page
        # of the records it read (at 100,000 replies the two took the build from 3.4 to 4.4 GB).
        made = map_spans(_docs_span, len(todo), workers if len(todo) >= DOCS_IN_WORKERS else 1)
    finally:
        _JOB.clear()
    for pieces, signatures, written in made:
        for i, count in pieces:
            docs[i] = [records[i]["hash"], count]
        out.signatures.update(signatures)
        out.written += written
    return labels, docs


#: Fewer replies to make than this (a rebuild's few) are made by the build process itself.
DOCS_IN_WORKERS = 1000


def _docs_span(span: tuple[int, int]) -> list[tuple]:
    """Write the files of replies todo[span] (in a worker): [([(reply, pieces)…], signatures, files written)]."""
    records, number = _JOB["records"], _JOB["number"]
    out = _Writer(_JOB["out"], _JOB["previous"])
    pieces_of = []
    for i in _JOB["todo"][span[0]:span[1]]:
        record = records[i]
        pieces = letter_pieces(record["letter"])
        values = [record["title"], record["number"], record["doc_no"], record["people"], record["head"],
                  *(v for pair in record["meta"] for v in pair), record["letter"]]
        text = json.dumps({"t": record["title"], "u": record["url"], "n": record["number"], "x": record["doc_no"],
                           "d": record["date"], "p": record["people"], "h": record["head"],
                           "m": [[number[label], value] for label, value in record["meta"]],
                           "c": len(pieces), "s": traditional(values)},
                          ensure_ascii=False, separators=(",", ":"))
        out.write(f"r/{i}.gz", _gzip(text.encode("utf-8")))
        for k, piece in enumerate(pieces):
            out.write(f"l/{i}-{k}.gz", _gzip(piece.encode("utf-8")))
        pieces_of.append((i, len(pieces)))
    return [(pieces_of, out.signatures, out.written)]


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
            out.write(f"f/{facet}/{n}.bin", _docset(np.array(values[facet][value]), len(records)))
    return manifest


def _write_deputies(records, out: _Writer, previous: dict | None) -> tuple[dict, dict]:
    """Deputy pages by key; returns what the manifest says of them: the shard count, the shortest and
    longest key (in characters) among the ASCII keys (pinyin, initials) and the others (names) up to
    NAME_LENGTH, the first characters (surnames) of those names, and the others longer than NAME_LENGTH,
    so that the browser asks only for terms that can be keys: a long Chinese phrase is not a name unless
    it is one of those few, a short one not unless it starts as one does.  Also what the export's record
    keeps of them: when the deputies' pages and replies are those of the `previous` export (the record's),
    its files are kept and its manifest part reused.  Each page's keys come with the records
    (document.record): the pinyin tables would add ~50 MB to the process exporting them."""
    pages: dict[str, dict] = {}
    for i, record in enumerate(records):
        for (name, delegation, url), keys in zip(record["deputy_pages"], record["page_keys"]):
            page = pages.setdefault(url, {"name": name, "delegation": delegation, "url": url, "keys": keys,
                                          "docs": []})
            page["docs"].append(i)
    digest = hashlib.sha256(repr((DEPUTY_SHARD_BYTES, NAME_LENGTH, sorted(pages.items()))).encode("utf-8")).hexdigest()
    if previous and previous.get("digest") == digest and all(f in out.previous for f in previous["files"]):
        for relative in previous["files"]:
            out.keep(relative)
        return previous["manifest"], previous
    by_key: dict[str, list] = defaultdict(list)
    for page in sorted(pages.values(), key=lambda p: p["url"]):
        for key in page["keys"]:
            by_key[key].append([page["name"], page["delegation"] or "", page["url"], page["docs"]])
    size = sum(len(json.dumps(v, ensure_ascii=False)) + len(k) for k, v in by_key.items())
    count = _power_of_two(size, DEPUTY_SHARD_BYTES)
    bits = (count - 1).bit_length()
    shards: dict[int, dict] = defaultdict(dict)
    for key, value in sorted(by_key.items()):
        shards[shard_of(key, bits)][key] = value
    files = [f"a/{shard:x}.json" for shard in range(count)]
    for shard, relative in enumerate(files):
        out.json(relative, shards.get(shard, {}))
    names = [key for key in by_key if not key.isascii() and len(key) <= NAME_LENGTH]
    manifest = {"deputyShards": count,
                "deputyKeyLengths": {"ascii": _length_range([key for key in by_key if key.isascii()]),
                                     "other": _length_range(names)},
                "deputyFirsts": "".join(sorted({key[0] for key in names})),
                "deputyLongKeys": sorted(key for key in by_key if not key.isascii() and len(key) > NAME_LENGTH)}
    return manifest, {"digest": digest, "manifest": manifest, "files": files}


def _length_range(keys: list[str]) -> list[int]:
    """[shortest, longest] in characters; [1, 0] (nothing fits) when there are none."""
    return [min(map(len, keys)), max(map(len, keys))] if keys else [1, 0]


def _write_t2s(texts: list[str], out: _Writer) -> None:
    """The query's table, for the Simplified characters of `texts` (the replies' texts, or their
    distinct characters)."""
    present: set[str] = set()
    for text in texts:
        present.update(text)
    pairs = sorted((ord(k), ord(v)) for k, v in analyzer.t2s_table().items() if v in present)
    data = bytearray(gaps([k for k, _ in pairs]))
    for k, v in pairs:
        varint(2 * (v - k) if v >= k else 2 * (k - v) - 1, data)
    out.write("t2s.gz", gzip.compress(bytes(data), compresslevel=9, mtime=0))
