"""Disclosure re-verified on the final output: nothing of a withheld reply, and nothing of the letter
of a 摘要 reply, may be in any output file.

The reader already keeps them out of Pelican's content; this check does not trust that.  After the
build (Pelican's `finalized` signal) every output file is searched, as written and as a reader sees
it (tags removed, entities and JSON escapes decoded), for:
- of a withheld reply: its title, number, document number, address, its attachments' files, its
  summary, and the distinctive sentences of its letter;
- of a 摘要 reply: the distinctive sentences of its letter.
A sentence is distinctive when it is at least MIN_LENGTH characters long, is not a bare date, and no
published reply contains it: closing formulas (感谢您对……的关心和支持) and dates are shared by many
letters, and finding them elsewhere proves nothing.  Names are not searched (a withheld deputy may be
named by a published reply); the tests check them on the sample content.

Any hit fails the build with the list of files; publishing (plugins/publish) then keeps the live site.
All secrets are searched at once (Aho-Corasick, ahocorasick-rs): one pass over each view of each file,
linear in the size of the output whatever the number of secrets.  A file is read whole when it is
small; a large one (the open-data exports grow with the site: 50 MB at 10,000 replies) is read in
pieces that end at a line break, each view made piece by piece exactly as of the whole file, and the
pieces searched with an overlap of the longest secret, so memory stays flat whatever the site's size.

A build checks only the files that changed since its last check without leaks, when the secrets are
the same: a record in the cache folder holds each file's size, mtime and ctime (which no tool sets
back) then, and the secrets' digest.  An unchanged file passed the same search before; the output
folder is no longer emptied, so a rebuild leaves most of its 170,000 files untouched (10,000 replies).
A changed large file is read whole but searched again only where it changed (_search_large): an edited
reply changes one record of each open-data export.
"""

from __future__ import annotations

import bisect
import codecs
import gzip
import hashlib
import html
import itertools
import json
import marshal
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

import ahocorasick_rs
import numpy as np
from pelican import signals

from written.files import folder_tag, produced_so_far

from . import registry
from .workers import cores, pool_map

MIN_LENGTH = 10

_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"^\s*(?:[-+]|\d+[.)、])\s+|[*_`>#]+", re.M)
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_TAG = re.compile(rb"<[^<>]*>")
_JS_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_JS_ESCAPE_UTF8 = re.compile(rb"\\u([0-9a-fA-F]{4})")
_MARKUP_SUFFIXES = {".html", ".htm", ".xml", ".atom", ".rss", ".svg"}
#: Files up to this size are read whole; larger ones (not markup, not gzip) in pieces of about PIECE.
LARGE = 2 * 1024 * 1024
PIECE = 1024 * 1024
#: Part of the secrets' digest in the record of checked files: bump it when the search itself changes
#: (the views, what counts as a hit), so that files passed by the old search are read again.
RECORD_VERSION = 2


class DisclosureError(SystemExit):
    """Text that must not be published is in the output; the message lists where."""

    def __init__(self, leaks: list["Leak"], output_path):
        self.leaks = leaks
        super().__init__(report(leaks, output_path))


@dataclass(frozen=True)
class Secret:
    text: str
    source: str  # the reply file it belongs to
    what: str  # e.g. “不予公开”答复的题目


@dataclass(frozen=True)
class Leak:
    path: str  # output file, relative to the output folder
    secret: Secret


def sentences(markdown_text: str) -> list[str]:
    """The sentences of a letter as a reader sees them (Markdown marks removed), in order."""
    text = _MARKUP.sub("", _LINK.sub(r"\1", markdown_text or ""))
    pieces = (p.strip(" \t\u3000“”\"'‘’（）()：:，,、") for p in _SENTENCE_END.split(text))
    return [p for p in pieces if p]


def secrets(store, cached=None) -> list[Secret]:
    """What of the store's replies may not appear in the output; `cached`: see _published_among."""
    found = []

    def add(text, reply, what):
        text = (text or "").strip()
        if len(text) >= 4 and not _DATE.fullmatch(text):
            found.append(Secret(text, reply.source, what))

    for reply in store.replies:
        if not reply.is_public:
            kind = f"“{reply.disclosure}”答复"
            add(reply.title, reply, f"{kind}的题目")
            add(reply.number_label, reply, f"{kind}的编号")
            add(reply.doc_no, reply, f"{kind}的复文文号")
            add(f"{reply.year}/{reply.slug}", reply, f"{kind}的网址")
            for attachment in reply.attachments:
                add(attachment.file, reply, f"{kind}的附件")
            for sentence in sentences(reply.summary) + sentences(reply.body):
                if len(sentence) >= MIN_LENGTH:
                    add(sentence, reply, f"{kind}的正文")
        elif reply.is_summary_only:
            for sentence in sentences(reply.body):
                if len(sentence) >= MIN_LENGTH:
                    add(sentence, reply, "只公开摘要的答复的正文")
    # What a published reply also contains proves nothing when found in the output.
    published = _published_among({s.text for s in found}, store, cached)
    return [s for s in found if s.text not in published]


def _published_among(texts: set[str], store, cached) -> set[str]:
    """Which of `texts` a published reply contains.  Searching every published reply takes 0.4 s at
    10,000 replies, so what each one holds is kept in `cached` (a cache.FileCache of this code and the
    reader's settings) for the next build, which searches again only the replies whose files changed
    (their stamps: size, times, inode, as the replies' cache trusts them), when it looks for the same
    texts; for other texts, every reply.  It holds published text only: nothing withheld goes into the
    cache."""
    if cached is None or None in store.stamps.values():  # a file whose changes its stamp may not show
        return _occurring(texts, (_published_text(reply) for reply in store.public))
    key = hashlib.sha256(repr(sorted(texts)).encode("utf-8")).hexdigest()
    previous = cached.get(key) or {}  # source -> (stamp, the texts its reply holds)
    held, matcher = {}, None
    for reply in store.public:
        stamp = store.stamps[reply.source]
        entry = previous.get(reply.source)
        if entry is None or entry[0] != stamp:
            matcher = matcher or _Matcher(texts)
            entry = (stamp, sorted(matcher.find(_published_text(reply))))
        held[reply.source] = entry
    # The previous value itself when nothing changed: a rebuild of nothing rewrites no cache file.
    cached.put(key, previous if held == previous else held)
    return {text for _, found in held.values() for text in found}


class _Matcher:
    """Finds which of many texts occur in a haystack, all at once (every occurrence, overlapping ones
    included, so a secret inside a longer one is found too)."""

    def __init__(self, texts):
        self.texts = sorted(texts)
        self.longest = max(map(len, self.texts), default=0)
        # On UTF-8 bytes: a file as written needs no decoding, and the automaton is a quarter of the
        # size of ahocorasick_rs.AhoCorasick's for the same texts.
        self._automaton = ahocorasick_rs.BytesAhoCorasick([t.encode("utf-8") for t in self.texts]) \
            if self.texts else None

    def find(self, haystack: str) -> set[str]:
        # surrogatepass: a view may hold half of a \ud842\udfb7 pair; its bytes (ED A0…) are never
        # the start of a secret's valid UTF-8, so they only separate, as the half does in the text.
        return self.find_in_utf8(haystack.encode("utf-8", "surrogatepass"))

    def find_in_utf8(self, data: bytes) -> set[str]:
        """The texts in UTF-8 `data`: the hits of find() on its text (UTF-8 matches whole characters only)."""
        if self._automaton is None:
            return set()
        return {self.texts[i] for i, _, _ in self._automaton.find_matches_as_indexes(data, overlapping=True)}

    def find_each(self, parts: list[bytes]) -> list[tuple[int, str]]:
        """(i, text) for each text in UTF-8 parts[i], all parts searched in one call: joined by 0xFF, a
        byte that UTF-8 never holds, so that no text is found across two parts.  One call per batch
        of small files, instead of one per file and view, saves a tenth of the check."""
        if self._automaton is None or not parts:
            return []
        matches = self._automaton.find_matches_as_indexes(b"\xff".join(parts), overlapping=True)
        if not matches:
            return []
        starts = list(itertools.accumulate(len(part) + 1 for part in parts))
        return [(bisect.bisect_right(starts, start), self.texts[i]) for i, start, _ in matches]


def _occurring(texts: set[str], haystacks) -> set[str]:
    """Which of `texts` occur in one of `haystacks`: a single pass over each."""
    matcher = _Matcher(texts)
    found = set()
    for haystack in haystacks:
        found |= matcher.find(haystack)
    return found


def _published_text(reply) -> str:
    shown = [reply.title, reply.summary if reply.is_summary_only else reply.body, reply.number_label,
             reply.doc_no, reply.lead, reply.delegation, reply.category, reply.key_group, reply.lead_unit,
             reply.division, f"{reply.year}/{reply.slug}", *reply.co_signers, *reply.co_units, *reply.tags,
             *(a.file for a in reply.attachments), *(a.title for a in reply.attachments)]
    return "\n".join(s for s in shown if s)


def readable_views(path, data: bytes) -> list[str]:
    """The text of an output file (`path`: a str or a Path) as written, and as a reader or a script
    would decode it."""
    return [view.decode("utf-8", "surrogatepass") for view in _utf8_views(os.fspath(path), data)]


def _utf8_views(path: str, data: bytes) -> list[bytes]:
    """readable_views in UTF-8 (surrogatepass: a \\u view may hold half of a \\ud842\\udfb7 pair; its
    bytes, ED A0…, are never the start of a secret's valid UTF-8, so they only separate, as the half
    does in the text).  Made on the bytes: a file as written needs no decoding and its views no
    encoding for the search, and a tag or an entity is ASCII, which UTF-8 holds nowhere else."""
    if data[:2] == b"\x1f\x8b":  # gzip (the search index's snippet text): what the browser unpacks
        try:
            return _utf8_views(os.path.splitext(path)[0], gzip.decompress(data))
        except (OSError, EOFError):
            pass
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:  # read as a text editor would, invalid bytes dropped
        data = data.decode("utf-8", "ignore").encode("utf-8")
    return [data, *_decoded_views(_suffix(path), data)]


def _suffix(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def _decoded_views(suffix: str, data: bytes) -> list[bytes]:
    """_utf8_views but the text as written, from its valid UTF-8 `data`."""
    views = []
    if suffix in _MARKUP_SUFFIXES:
        plain = _unescape(_TAG.sub(b"", data))
        views.append(plain)
        if b"<" in plain:  # feeds carry the page's HTML escaped once more
            views.append(_unescape(_TAG.sub(b"", plain)))
    elif suffix == ".json":
        try:
            views.append(json.dumps(json.loads(data.decode("utf-8")), ensure_ascii=False)
                         .encode("utf-8", "surrogatepass"))
        except ValueError:
            pass
    if b"\\u" in data:
        views.append(_JS_ESCAPE_UTF8.sub(lambda m: chr(int(m.group(1), 16)).encode("utf-8", "surrogatepass"), data))
    return views


_ENTITIES = ((b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'"'), (b"&#34;", b'"'), (b"&#39;", b"'"),
             (b"&amp;", b"&"))


def _unescape(data: bytes) -> bytes:
    """html.unescape of UTF-8 `data`, quicker for what templates and feeds write: when every & starts
    one of _ENTITIES, replacing them in turn, &amp; last (so that &amp;lt; stays &lt;), gives the same."""
    ampersands = data.count(b"&")
    if not ampersands:
        return data
    counts = [data.count(entity) for entity, _ in _ENTITIES]
    if ampersands != sum(counts):
        return html.unescape(data.decode("utf-8", "surrogatepass")).encode("utf-8", "surrogatepass")
    for (entity, character), count in zip(_ENTITIES, counts):
        if count:
            data = data.replace(entity, character)
    return data


class _Stream:
    """One view of a file searched piece by piece: each piece is searched together with the end of
    the one before (the longest secret less one character), so no occurrence falls between pieces."""

    def __init__(self, matcher: _Matcher, start: str = ""):
        self.matcher = matcher
        self.keep = max(matcher.longest - 1, 0)
        self.tail = start[len(start) - self.keep:] if self.keep else ""
        self.found: set[str] = set()

    def feed(self, text: str) -> None:
        if not text:
            return
        window = self.tail + text
        self.found |= self.matcher.find(window)
        self.tail = window[len(window) - self.keep:] if self.keep else ""


#: One JSON token as json.dumps(json.loads(…), ensure_ascii=False) writes it again: a string (re-escaped
#: when it has escapes), a number (in Python's form), the separators with their one space, whitespace
#: between tokens dropped.  Brackets and literals are copied as they are.
_JSON_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)|\s*(?:(,)|(:)|(\s))\s*',
                         re.ASCII)


def _json_token(match) -> str:
    kind = match.lastindex
    if kind == 1:
        token = match.group(1)
        return token if "\\" not in token else json.dumps(json.loads(token), ensure_ascii=False)
    if kind == 2:
        token = match.group(2)
        return token if token.isdigit() or (token[1:].isdigit() and token != "-0") else json.dumps(json.loads(token))
    return _SEPARATORS[kind]


_SEPARATORS = (None, None, None, ", ", ": ", "")


#: A line break ends a piece when the 8 bytes before it hash to 0 modulo CUT (and the piece is long
#: enough): where pieces end depends on the text around the cut only, so an edit changes the pieces near
#: it and those after it are the same bytes as before, whatever their offset.
CUT = 64
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _byte_pieces(handle, size: int | None = None):
    """The bytes of a file in pieces that end at a line break (or at the end of the file): at the first
    line break that CUT selects once a piece holds size // 32 bytes; at the last line break of 4 * size
    bytes without one.  `size` is PIECE unless given."""
    size = size or PIECE
    least, rest = size // 32, b""
    while True:
        data = handle.read(size)
        if not data:
            if rest:
                yield rest
            return
        buffer, start = rest + data, 0
        for end in _cuts(buffer, least):
            yield buffer[start:end]
            start = end
        rest = buffer[start:]
        if len(rest) > 4 * size and b"\n" in rest:
            end = rest.rindex(b"\n") + 1
            yield rest[:end]
            rest = rest[end:]


def _cuts(buffer: bytes, least: int) -> list[int]:
    """Where `buffer`, the start of a piece, is cut into pieces (offsets after line breaks)."""
    data = np.frombuffer(buffer, np.uint8)
    breaks = np.flatnonzero(data == 10)
    breaks = breaks[breaks >= 8]
    words = data[breaks[:, None] - np.arange(8, 0, -1)].view("<u8").ravel()
    cuts, last = [], 0
    for end in (breaks[(words * _MIX) >> np.uint64(58) == 0] + 1).tolist():
        if end - last >= max(least, 1):
            cuts.append(end)
            last = end
    return cuts


def _pieces(handle, size: int | None = None):
    """The decoded text of a binary file in pieces that end at a line break (or at the end): a UTF-8
    character never spans a line break, so they decode as the whole file does."""
    for piece in _byte_pieces(handle, size):
        yield piece.decode("utf-8", "ignore")


def _large_views(piece: str, suffix: str) -> list[str]:
    """The views of one piece of a large file: as written, \\u escapes decoded, and read as JSON."""
    views = [piece, _JS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), piece) if "\\u" in piece else piece]
    if suffix == ".json":
        views.append(_JSON_TOKEN.sub(_json_token, piece))
    return views


def _search_large(handle, suffix: str, matcher: _Matcher, known=frozenset()) -> tuple[set[str], list[str]]:
    """readable_views of a large plain-text or JSON file, searched piece by piece; with the file's units.

    Each view's transformation works within a line (a \\u escape, and in valid JSON every token,
    never spans a line break), so the views of the pieces, one after another, are the views of the
    whole file.  A piece is searched after the end (the longest secret less one character) of the
    one before, which finds every occurrence that ends in it; that unit of the search is named by
    the digests of the two pieces.  The units `known`, from an earlier check that found nothing
    with the same secrets, are not searched again: an edited export is searched where it changed.
    A unit is named only when the piece before it is long enough in every view to hold that end;
    otherwise the file is searched whole and has no units."""
    keep = max(matcher.longest - 1, 0)
    found, units = set(), []
    before, before_views, previous = b"", [""] * (3 if suffix == ".json" else 2), b""
    for piece in _byte_pieces(handle):
        digest = hashlib.blake2b(piece, digest_size=16).digest()
        unit = hashlib.blake2b(before + digest, digest_size=16).hexdigest()
        units.append(unit)
        views = None
        if unit not in known:
            if before_views is None:  # the piece before was not searched: its views are made now
                before_views = _large_views(previous.decode("utf-8", "ignore"), suffix)
            if before and min(map(len, before_views)) < keep:
                handle.seek(0)
                return _search_streamed(handle, suffix, matcher), []
            views = _large_views(piece.decode("utf-8", "ignore"), suffix)
            windows = {(tail[len(tail) - keep:] if keep else "") + view for tail, view in zip(before_views, views)}
            for window in windows:  # a piece without \u escapes is searched once as written
                found |= matcher.find(window)
        before, before_views, previous = digest, views, piece
    return found, units


def _search_streamed(handle, suffix: str, matcher: _Matcher) -> set[str]:
    """_search_large without units: every piece searched after the end of all the text before it."""
    raw = _Stream(matcher)
    decoded = None
    as_json = _Stream(matcher) if suffix == ".json" else None
    for piece in _pieces(handle):
        before = raw.tail
        raw.feed(piece)
        if decoded is None and "\\u" in piece:
            decoded = _Stream(matcher, before)
        if decoded is not None:
            decoded.feed(_JS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), piece))
        if as_json is not None:
            as_json.feed(_JSON_TOKEN.sub(_json_token, piece))
    found = raw.found
    for stream in (decoded, as_json):
        if stream is not None:
            found |= stream.found
    return found


def _file_views(path: str, size: int, matcher: _Matcher, known=frozenset()) -> tuple[list[bytes], set[str], list[str]]:
    """The views of the file at `path` (`size` bytes when listed) to be searched, each once; and for a
    large file, searched here piece by piece (no views then), the secrets in it and its units."""
    if size <= LARGE:
        data = _read(path, size)
    else:
        with open(path, "rb") as handle:
            if handle.peek(2)[:2] != b"\x1f\x8b" and _suffix(path) not in _MARKUP_SUFFIXES:
                return [], *_search_large(handle, _suffix(path), matcher, known)
            data = handle.read()
    views = []
    for view in _utf8_views(path, data):
        if view not in views:  # a page without tags or entities reads as written
            views.append(view)
    return views, set(), []


def _read(path: str, size: int) -> bytes:
    """The bytes of the file at `path`, `size` long when listed: one read without a file object, a
    third of the time of open().read() for the 175,000 small files of a 10,000-reply site."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        data = os.read(descriptor, size + 1)
        if len(data) == size:
            return data
        chunks = [data]  # changed since it was listed: read to its end
        while chunks[-1]:
            chunks.append(os.read(descriptor, PIECE))
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _files(folder: str) -> dict[str, tuple[int, int, int]]:
    """{name relative to the output: (size, modification and change time)} of every file under `folder`,
    names as strings (Path objects for the 170,000 files of a 10,000-reply site cost a quarter of the
    check).  Each folder is listed through a descriptor, so each file's stat looks up one name, not its
    whole path: a third less time than a walk, then a stat of each path."""
    found: dict[str, tuple[int, int, int]] = {}
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        _list(descriptor, "", found)
    finally:
        os.close(descriptor)
    return found


def _list(descriptor: int, prefix: str, found: dict) -> None:
    with os.scandir(descriptor) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):  # as os.walk: a linked folder is not entered
                inner = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=descriptor)
                try:
                    _list(inner, prefix + entry.name + "/", found)
                finally:
                    os.close(inner)
            elif entry.is_file():
                stat = entry.stat()
                found[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def leaks(output_path, found: list[Secret], workers: int = 1, record: str | None = None,
          among: set[str] | None = None) -> list[Leak]:
    """Every output file (by its path or its text) that contains one of `found`; the files are shared
    among `workers` forked processes (the search index alone is about 150,000 files at 10,000 replies).
    With `record` (a file), only files that changed since the last check without leaks under the same
    secrets are read, and a check without leaks is recorded there.  With `among` (names relative to the
    output folder), only those files are checked, and the record keeps what it held of the others."""
    by_text = defaultdict(list)
    for secret in found:
        by_text[secret.text].append(secret)
    if not by_text:
        return []
    folder = os.fspath(output_path)
    stats = _files(folder) if among is None else _files_among(folder, among)
    units = {}
    names = list(stats)
    if record is not None:
        digest = _digest(by_text)
        checked, units = _checked(record, digest)
        names = [name for name in names if checked.get(name) != stats[name]]
    paths = [(name, os.path.join(folder, name), stats[name][0]) for name in names]
    _JOB.update(matcher=_Matcher(by_text), units=units)
    try:
        chunks = [paths[i:i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
        hits = []
        for part_hits, part_units in pool_map(_hits, chunks, workers):
            hits += part_hits
            units.update(part_units)
    finally:
        _JOB.clear()
    result = {Leak(name, secret) for name, text in hits for secret in by_text[text]}
    if record is not None and not result:
        if among is not None:
            stats = {**{name: stat for name, stat in checked.items() if name not in stats}, **stats}
        _record(record, digest, stats, {name: units[name] for name in stats if name in units}, among is not None)
    return sorted(result, key=lambda leak: (leak.path, leak.secret.source, leak.secret.text))


def _digest(texts) -> str:
    return hashlib.sha256("\0".join([str(RECORD_VERSION), *sorted(texts)]).encode("utf-8")).hexdigest()


def _files_among(folder: str, names) -> dict[str, tuple[int, int, int]]:
    """_files, of the regular files among `names` only: a build's pages are some 20,000 of the
    output's 185,000 files at 10,000 replies."""
    found = {}
    for name in names:
        try:
            stat = os.stat(os.path.join(folder, name))
        except FileNotFoundError:
            continue
        if S_ISREG(stat.st_mode):
            found[name] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    return found


#: The record this process wrote after a check among some files (`leaks`), by its path: (the file's stat,
#: secrets digest, stats, units).  A build checks twice, its pages while its search child works, then
#: everything, and need not read back what it wrote between (0.35 s at 10,000 replies).
_written: dict[str, tuple] = {}


def _checked(record: str, digest: str) -> tuple[dict[str, tuple], dict[str, list[str]]]:
    """The files that passed the last check recorded in `record`, and the units of the large ones, if
    it searched for the same secrets."""
    try:
        stat = os.stat(record)
        written = _written.pop(record, None)
        if written is not None and written[0] == (stat.st_size, stat.st_mtime_ns, stat.st_ino):
            _, secrets_digest, stats, units = written
            return (dict(stats), dict(units)) if secrets_digest == digest else ({}, {})
        with open(record, "rb") as handle:
            kept = marshal.load(handle)
        if kept["secrets"] != digest:
            return {}, {}
        stats = np.frombuffer(kept["stats"], dtype=np.int64).reshape(-1, 3).tolist()
        return dict(zip(kept["names"].split("\0"), map(tuple, stats))), kept["units"]
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return {}, {}


def _record(record: str, digest: str, stats: dict[str, tuple], units: dict[str, list[str]],
            again: bool = False) -> None:
    """Names joined and stats as one array: marshal loads them in a tenth of the time of a dict of
    170,000 lists (0.6 s), and json took ten times as long as that.  `again`: this process checks again
    soon, and keeps what it wrote for it (_written)."""
    os.makedirs(os.path.dirname(record), exist_ok=True)
    with open(record + ".new", "wb") as handle:
        marshal.dump({"secrets": digest, "names": "\0".join(stats),
                      "stats": np.array(list(stats.values()), dtype=np.int64).tobytes(), "units": units}, handle)
    os.replace(record + ".new", record)
    if again:
        stat = os.stat(record)
        _written[record] = ((stat.st_size, stat.st_mtime_ns, stat.st_ino), digest, stats, units)


#: What the forked workers of `leaks` read (set before they start, so they inherit it).
_JOB: dict = {}
_CHUNK = 2000  # files a worker searches per task
BATCH = 4 * 1024 * 1024  # bytes of small files' views searched in one call (_Matcher.find_each)


def _hits(paths: list[tuple[str, str, int]]) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """(name, secret text) of each secret in each of `paths` (name, path, size: `_files`), by its name
    or content; the units of the large files among them."""
    matcher, known = _JOB["matcher"], _JOB["units"]
    found, units = [], {}
    parts, owners, size = [], [], 0

    def search():
        found.extend((owners[i], text) for i, text in matcher.find_each(parts))
        parts.clear()
        owners.clear()

    for name, path, listed in paths:
        views, texts, units[name] = _file_views(path, listed, matcher, frozenset(known.get(name, ())))
        found.extend((name, text) for text in texts)
        for part in (name.encode("utf-8", "surrogatepass"), *views):
            parts.append(part)
            owners.append(name)
            size += len(part)
        if size >= BATCH:
            search()
            size = 0
    search()
    return found, {name: kept for name, kept in units.items() if kept}


def report(found: list[Leak], output_path) -> str:
    lines = [f"公开检查未通过：{len({leak.path for leak in found})} 个输出文件含有不应公开的内容，请勿发布。"]
    for leak in found:
        lines.append(f"{Path(output_path, leak.path)}: 含有 {leak.secret.source} 中{leak.secret.what}"
                     f"“{_shorten(leak.secret.text)}”")
    lines.append("如果这些文件是以前生成后留下的，请运行 invoke clean 后重新生成；否则请检查引用这些文字的页面"
                 "（content/pages、重点建议类介绍等）或模板，删除这些文字。")
    return "\n".join(lines)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "……"


def connect_last(pelican) -> None:
    """`initialized` receiver: connect verify_output to `finalized` after every plugin's receivers."""
    signals.finalized.connect(verify_output)


def record_path(settings, output_path) -> str:
    """The record of the files checked in `output_path`, in the cache folder (one per output folder)."""
    return os.path.join(os.path.abspath(settings["CACHE_PATH"]), f"disclosure-{folder_tag(output_path)}.marshal")


def verify_output(pelican) -> None:
    """`finalized` receiver: fail the build if anything of a withheld or summary-only letter is in
    the output folder."""
    _verify(pelican.settings, pelican.output_path)


def verify_written(settings, output_path, pending) -> None:
    """Fail the build if a file it has produced so far, but those in the folder `pending` that a child
    process is still writing, holds anything of a withheld or summary-only letter.  Called while the
    build waits for that process, so that this part of the check runs beside it: verify_output then
    reads only the files written or changed since, as the record of this check tells.  Files the build
    did not produce are left to verify_output, after they are pruned (the page of a reply withheld since
    the last build is still there now)."""
    pending = os.path.relpath(pending, output_path)
    among = {name for name in produced_so_far(output_path) if not name.startswith(pending + os.sep)}
    _verify(settings, output_path, among)


def _verify(settings, output_path, among: set[str] | None = None) -> None:
    store = registry.store_for(settings)
    if store is None:
        return
    found = leaks(output_path, store.secrets if store.secrets is not None else secrets(store), workers=cores(),
                  record=record_path(settings, output_path), among=among)
    if found:
        raise DisclosureError(found, output_path)
