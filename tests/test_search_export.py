"""The static export's entries (g/, e/, p/) byte for byte against a straightforward reference.

The export computes keys, docsets, headsets and positions for all keys at once with numpy; the reference
below is the plain Python it replaced (one dict of keys per reply, one encoder call per key), kept here
so that any byte the fast path gets wrong fails a test.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from collections import Counter, defaultdict

import numpy as np
import pytest

from search import analyzer, document, export, keyarrays
from search import index as search_index
from search_support import generated_site, read_static_index

GRAM = analyzer.GRAM


# ---- The reference: the entry pipeline as plain Python, every key in memory ----

def _reply_keys(text: str, head_length: int) -> dict[str, list[int]]:
    """{key of up to GRAM characters: tagged positions} of one text."""
    keys: dict[str, list[int]] = {}
    for run in analyzer.RUNS.finditer(text):
        start, value = run.start(), run.group()
        tag = 2 * start + (start >= head_length)
        for offset in range(len(value)):
            for length in range(1, min(GRAM, len(value) - offset) + 1):
                keys.setdefault(value[offset:offset + length], []).append(tag + 2 * offset)
    return keys


def _phrases(gram, ids, positions, texts, head_lengths, threshold):
    """The frequent extensions of a gram, depth first, as export._Phrases documents them."""
    stack = [(gram, [(doc, t >> 1) for doc, tagged in zip(ids, positions) for t in tagged])]
    while stack:
        phrase, occurrences = stack.pop()
        end = len(phrase)
        following = [texts[doc][position + end:position + end + 1] for doc, position in occurrences]
        frequent = [char for char, count in Counter(following).items()
                    if count >= threshold and char and char not in analyzer.WHITESPACE]
        for char in sorted(frequent):
            found = [o for o, c in zip(occurrences, following) if c == char]
            docs: dict[int, bool] = {}
            for doc, position in found:
                docs[doc] = docs.get(doc, False) or position < head_lengths[doc]
            if len(docs) < threshold:
                continue
            yield phrase + char, sorted(docs), [docs[i] for i in sorted(docs)]
            if end + 1 < export.PHRASE_LIMIT:
                stack.append((phrase + char, found))


def _varint(value: int) -> bytes:
    out = bytearray()
    export.varint(value, out)
    return bytes(out)


def _encode_docset(ids: list[int], total: int) -> bytes:
    """The smallest of the three encodings of a sorted list of reply numbers (the first on a tie)."""
    listed = bytearray([0]) + export.gaps(ids)
    bitmap = bytearray([1])
    first, last = ids[0], ids[-1]
    export.varint(first, bitmap)
    bits = bytearray((last - first) // 8 + 1)
    for i in ids:
        bits[(i - first) >> 3] |= 1 << ((i - first) & 7)
    export.varint(len(bits), bitmap)
    bitmap += bits
    candidates = [listed, bitmap]
    if len(ids) * 2 > total:
        present = set(ids)
        candidates.append(bytearray([2]) + export.gaps([i for i in range(total) if i not in present]))
    return bytes(min(candidates, key=len))


def _encode_headset(flags: list[bool]) -> bytes:
    count = sum(flags)
    if count == 0:
        return b"\x00"
    if count == len(flags):
        return b"\x01"
    bitmap = bytearray([2]) + bytearray((len(flags) + 7) // 8)
    for i, flag in enumerate(flags):
        if flag:
            bitmap[1 + (i >> 3)] |= 1 << (i & 7)
    listed = bytearray([3]) + export.gaps([i for i, flag in enumerate(flags) if flag])
    return bytes(min(bitmap, listed, key=len))


def _piece_codes(flags: list[bool], positions: list[list[int]], letter_starts: list[int]) -> bytes:
    """For the members not in the head, the code of the letter piece holding the first occurrence (0 in
    the metadata, the last code for any later piece), four two-bit codes to a byte."""
    codes = [min(max(0, ((tagged[0] >> 1) - start) // export.LETTER_PIECE), keyarrays.PIECE_CODES - 1)
             for flag, tagged, start in zip(flags, positions, letter_starts) if not flag]
    out = bytearray((len(codes) + 3) // 4)
    for i, code in enumerate(codes):
        out[i >> 2] |= code << 2 * (i & 3)
    return bytes(out)


def reference_entries(texts: list[str], head_lengths: list[int],
                      letter_starts: list[int]) -> tuple[dict[str, bytes], int, int]:
    """({path under the index folder: bytes} of every g/, e/ and p/ file, number of entries, number of
    entries with their piece codes in chunks)."""
    total = len(texts)
    bits = max(0, min(8, (total // export.PARTITION_REPLIES).bit_length()))
    threshold = max(export.PHRASE_MIN_REPLIES, min(int(total * export.PHRASE_SHARE), export.PHRASE_MAX_REPLIES))
    postings: dict[str, list] = defaultdict(list)
    for doc, (text, head_length) in enumerate(zip(texts, head_lengths)):
        for key, tagged in _reply_keys(text, head_length).items():
            postings[key].append((doc, tagged))
    files: dict[str, bytes] = {}
    chunked_codes = 0

    def chunked(key: str, members: list[bytes], size: int) -> bytes:
        """Members in the key's p/ files of up to `size` bytes (or one member), and the part of the body
        saying so."""
        chunks, starts = [[]], []
        for i, member in enumerate(members):
            if chunks[-1] and sum(map(len, chunks[-1])) + len(member) > size:
                chunks.append([])
                starts.append(i)
            chunks[-1].append(member)
        part = b"\x02" + _varint(len(chunks))
        part += b"".join(_varint(b - a) for a, b in zip([0, *starts], starts))
        for i, chunk in enumerate(chunks):
            files[f"p/{key.encode().hex()}-{i}.bin"] = b"".join(chunk)
        return part

    def entry(key, ids, heads, positions, pieces=b"") -> bytes:
        nonlocal chunked_codes
        body = _encode_docset(ids, total) + _encode_headset(heads)
        if len(pieces) <= export.INLINE_PIECES:
            body += pieces
        else:
            body += chunked(key, [bytes([code]) for code in pieces], export.PIECE_CHUNK_BYTES)
            chunked_codes += 1
        if positions is not None:
            members = [export.gaps(tagged) for tagged in positions]
            if sum(map(len, members)) <= export.INLINE_POSITIONS:
                body += b"\x01" + b"".join(members)
            else:
                body += chunked(key, members, export.CHUNK_BYTES)
        if len(body) <= export.SOLO_BYTES:
            return b"\x00" + body
        files[f"e/{key.encode().hex()}.gz"] = gzip.compress(body, compresslevel=9, mtime=0)
        return b"\x01"

    def keyed(key, data) -> tuple[int, bytes]:
        encoded = key.encode("utf-8")
        return zlib.crc32(encoded), _varint(len(encoded)) + encoded + data

    by_partition = defaultdict(list)
    for key in postings:
        by_partition[export.shard_of(key, bits)].append(key)
    partitions, phrases = [], []
    for p in range(1 << bits):
        entries = []
        for key in sorted(by_partition[p]):
            ids = [doc for doc, _ in postings[key]]
            positions = [tagged for _, tagged in postings[key]]
            heads = [not tagged[0] & 1 for tagged in positions]
            gram = len(key) == GRAM
            pieces = b"" if gram else _piece_codes(heads, positions, [letter_starts[doc] for doc in ids])
            entries.append(keyed(key, entry(key, ids, heads, positions if gram else None, pieces)))
            if gram and len(ids) >= threshold:
                for phrase, phrase_ids, phrase_heads in _phrases(key, ids, positions, texts, head_lengths, threshold):
                    phrases.append(keyed(phrase, entry(phrase, phrase_ids, phrase_heads, None)))
        partitions.append(entries)
    size = sum(len(data) for _, data in partitions[0]) << bits
    shard_bits = max(bits, (export._power_of_two(size, export.SHARD_BYTES) - 1).bit_length())
    shards = defaultdict(list)
    for h, data in [e for entries in partitions for e in entries] + sorted(phrases):
        shards[h >> (32 - shard_bits) if shard_bits else 0].append(data)
    for shard in range(1 << shard_bits):
        files[f"g/{shard:x}.bin"] = b"".join(shards[shard])
    return files, sum(map(len, partitions)) + len(phrases), chunked_codes


# ---- The records: a generated corpus and replies made to be awkward ----

@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[dict]:
    content, output = generated_site(tmp_path_factory)
    ix = search_index.open_index(search_index.directory(
        {"PATH": str(content), "CACHE_PATH": str(output.parent / "cache")}))
    with ix.searcher() as searcher:
        found = [dict(fields["record"]) for fields in searcher.all_stored_fields()]
    for record in found:
        record["text"] = document.normalised_text(record)
    found.sort(key=lambda r: r["key"])
    odd = [
        ("王䶮 𠮷𠮷𠮷𠮷𠮷 職業訓練局", "\t".join(["湘商函〔2017〕45号"] * 3) + analyzer.WHITESPACE + "𠮷a𠮷b"),
        ("b2b", ""),  # the head is the whole text
        ("", analyzer.WHITESPACE),  # nothing but whitespace
        ("x", "ab\u3000abc\u00a0abcd abcde " + "感谢您对商务工作的关心和支持" * 40),
        ("İstanbul ǅ", "Ⅻ ﬁ ß ΣΑΣ 职业 職業 职业" + "\U0001F600" * 9),
    ]
    for i, (head, body) in enumerate(odd):
        record = dict(found[i])
        record.update(key=f"odd/{i}/", url=f"odd/{i}/", head=head, meta=[], letter=body,
                      head_length=len(analyzer.normalise(head)))
        record["text"] = document.normalised_text(record)
        record["hash"] = document.content_hash(record)  # as a build's records: the export keys on it
        found.append(record)
    return found


_REFERENCES: dict = {}
_BUILDS: dict = {}


def _written(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for part in ("g", "e", "p") for p in (folder / part).rglob("*") if p.is_file()}


@pytest.mark.parametrize("partition_replies, solo_bytes, workers", [(1000, None, 1), (40, 48, 1), (40, 48, 2)])
def test_the_entries_are_those_of_the_reference_byte_for_byte(records, tmp_path, monkeypatch,
                                                              partition_replies, solo_bytes, workers):
    """In one partition with the real sizes; in eight partitions with more bodies in files of their own,
    more keys' piece codes in chunks (the real sizes chunk them only for corpora larger than this) and
    phrases found in a number of replies below their share (as of large corpora)."""
    monkeypatch.setattr(export, "PARTITION_REPLIES", partition_replies)
    if solo_bytes:
        monkeypatch.setattr(export, "PHRASE_SHARE", 0.5)
        monkeypatch.setattr(export, "PHRASE_MAX_REPLIES", 60)
        monkeypatch.setattr(export, "SOLO_BYTES", solo_bytes)
        monkeypatch.setattr(export, "INLINE_PIECES", 8)
        monkeypatch.setattr(export, "PIECE_CHUNK_BYTES", 5)
    monkeypatch.setattr(export, "DOCS_IN_WORKERS", 28)  # the replies' files made by workers too, with two
    summary = export.export(records, str(tmp_path / "index"), 5, workers)
    ordered = sorted(records, key=export.rank.date_key)
    if (partition_replies, solo_bytes) not in _REFERENCES:
        _REFERENCES[partition_replies, solo_bytes] = reference_entries(
            [r["text"] for r in ordered], [r["head_length"] for r in ordered],
            [export.letter_start(r) for r in ordered])
    expected, count, chunked_codes = _REFERENCES[partition_replies, solo_bytes]
    got = _written(tmp_path / "index")
    assert sorted(got) == sorted(expected)
    assert [path for path in sorted(got) if got[path] != expected[path]] == []
    assert summary.grams == count
    # The build id digests every file, not the order they were written in: whatever the workers.
    assert _BUILDS.setdefault((partition_replies, solo_bytes), summary.build) == summary.build
    # What the comparison covered: several partitions, solo bodies, position chunks, piece-code chunks, phrases.
    assert any(path.startswith("e/") for path in got) == bool(solo_bytes) and any(path.startswith("p/") for path in got)
    assert (chunked_codes > 100) == bool(solo_bytes)
    own = {bytes.fromhex(re.split("[-.]", path[2:])[0]).decode() for path in got if path[0] in "ep"}
    assert len({export.shard_of(key, 3) for key in own}) > 1
    assert count > len({k for r in ordered for k in _reply_keys(r["text"], r["head_length"])})  # phrases


def _all_files(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _mtimes(folder) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def _edited(record: dict, letter: str) -> dict:
    record = {**record, "letter": letter}
    record["text"] = document.normalised_text(record)
    record["hash"] = document.content_hash(record)
    return record


_CLOSING = "感谢您对商务工作的关心和支持"


def _with_closing(records, present: bool) -> list[int]:
    return [i for i, r in enumerate(records) if (_CLOSING in r["letter"]) == present and not r["key"].startswith("odd/")]


def _edit(records, change: str, monkeypatch) -> tuple[list[dict], bool]:
    """The records after `change`, and whether the export can update its entries for it."""
    edited, middle = list(records), len(records) // 2
    if change == "letter":
        edited[middle] = _edited(records[middle], records[middle]["letter"] + "补充说明：口岸物流已验收。")
    elif change == "letters":
        for i in (len(records) // 4, middle, 3 * len(records) // 4):
            edited[i] = _edited(records[i], records[i]["letter"].replace("。", "，", 3) + "补充说明。")
    elif change == "new key":  # characters no reply had: the keys appear, the corpus's alphabet grows
        edited[middle] = _edited(records[middle], records[middle]["letter"] + "鼹鼠鼷鼬鼴")
    elif change == "gone key":  # the only reply with these characters loses them: their keys disappear
        edited[-1] = _edited(records[-1], "职业")
    elif change == "grown":  # a frequent gram into more chunks; two rarer ones into files of their own
        solo, chunked = _rare_grams(records, middle)
        edited[middle] = _edited(records[middle], records[middle]["letter"] + "感谢您对" * 600
                                 + f" {solo}" * 45 + f" {chunked}" * 100)
    elif change == "shrunk":  # the reverse: the reply holding the most of the closing formula loses it
        edited[-2] = _edited(records[-2], "ab")
    elif change in ("phrases gone", "phrases appear"):
        # The closing formula's phrases exactly at the threshold: one reply fewer, or one more, with them.
        holding = _with_closing(records, True)
        monkeypatch.setattr(export, "PHRASE_MIN_REPLIES", len(holding) + (change == "phrases appear"))
        i = holding[0] if change == "phrases gone" else _with_closing(records, False)[0]
        letter = records[i]["letter"]
        edited[i] = _edited(records[i], letter.replace(_CLOSING, "") if i in holding else letter + _CLOSING)
    elif change == "shard count":  # partition 0 grows past the size that chose the shard count
        edited[middle] = _edited(records[middle], records[middle]["letter"]
                                 + "".join(chr(0x4E00 + 7 * i) for i in range(600)))
    else:  # one reply removed: every later number shifts
        edited.pop(middle)
    return edited, change not in ("removed", "shard count")


def _rare_grams(records, doc: int) -> list[str]:
    """Two grams of a reply's letter found in no other reply, once each."""
    letter = analyzer.normalise(records[doc]["letter"])
    others = "\n".join(r["text"] for i, r in enumerate(records) if i != doc)
    grams = [letter[i:i + GRAM] for i in range(len(letter) - GRAM)]
    rare = [g for g in grams if len(g.split()) == 1 and len(g) == GRAM and grams.count(g) == 1 and g not in others]
    return rare[:2]


def _own_files(names, key: str) -> list[str]:
    """The key's files (e/, p/) among `names`."""
    name = key.encode().hex()
    return [n for n in names if re.fullmatch(f"e/{name}.gz|p/{name}-[0-9]+.bin", n)]


@pytest.mark.parametrize("change", ["letter", "letters", "new key", "gone key", "grown", "shrunk", "phrases gone",
                                    "phrases appear", "shard count", "removed"])
def test_an_export_updated_where_it_is_equals_an_export_from_nothing(records, tmp_path, monkeypatch, change):
    """What a rebuild does (export_or_keep with the previous export set aside in its slot), with several
    partitions, files of their own, position chunks, piece-code chunks and phrases: the files of the
    replies that did not change are kept, and the entries are updated for the keys of those that did
    (export._update_entries), unless the replies are numbered otherwise or the shard count changes (then
    they are exported anew).  The records are handed over as the build does (consume): their texts go
    once the export holds them in other forms, and nothing it writes changes."""
    monkeypatch.setattr(export, "PARTITION_REPLIES", 40)
    monkeypatch.setattr(export, "SOLO_BYTES", 48)
    monkeypatch.setattr(export, "INLINE_PIECES", 8)
    monkeypatch.setattr(export, "PIECE_CHUNK_BYTES", 5)
    monkeypatch.setattr(export, "SPLIT_BYTES", 160)  # the largest entries split, into segments of 64
    monkeypatch.setattr(export, "SEGMENT_REPLIES", 64)
    if change == "shard count":  # a shard count chosen by a hair: any growth of partition 0 doubles it
        state = export._export(records, str(tmp_path / "probe"), 5, 2)[1]["entries"]
        monkeypatch.setattr(export, "SHARD_BYTES", -(-(state["size"] << state["bits"]) >> state["shardBits"]))
    edited, updated = _edit(records, change, monkeypatch)
    slot, folder = str(tmp_path / "slot"), str(tmp_path / "output" / "index")
    export.export_or_keep(records, slot, folder, 5, 2)
    export.set_aside(folder, slot)
    before = _mtimes(tmp_path / "slot")
    exported = []
    write_entries = export._write_entries
    monkeypatch.setattr(export, "_write_entries", lambda *args: exported.append(1) or write_entries(*args))

    handed = [dict(record) for record in edited]  # as the build hands its records over: consumed
    summary, names = export.export_or_keep(handed, slot, folder, 5, 2, consume=True)
    assert not summary.reused and not os.path.exists(slot)
    assert not [record for record in handed if "text" in record or "letter" in record]
    assert exported == ([] if updated else [1])
    fresh = export.export(edited, str(tmp_path / "fresh"), 5, 2)
    assert _all_files(tmp_path / "output" / "index") == _all_files(tmp_path / "fresh")
    assert sorted(names) == sorted(_all_files(tmp_path / "fresh"))
    assert (summary.build, summary.files, summary.bytes, summary.grams, summary.shards) == (
        fresh.build, fresh.files, fresh.bytes, fresh.grams, fresh.shards)
    after = _mtimes(tmp_path / "output" / "index")
    kept = [name for name in after if before.get(name) == after[name] and "/" in name]
    assert kept and (change == "removed" or any(name.startswith("r/") for name in kept))
    assert summary.written == len([name for name in after if before.get(name) != after[name]])
    if updated:  # most shards were left as they were
        shards = [name for name in after if name.startswith("g/")]
        assert len([name for name in shards if name in kept]) > len(shards) // 2
    if change == "grown":  # what the edit was made to cover
        old, new = _own_files(before, "感谢您对"), _own_files(after, "感谢您对")
        assert len([n for n in new if n[0] == "p"]) > len([n for n in old if n[0] == "p"]) > 0
        solo, chunked = _rare_grams(records, len(records) // 2)
        assert not _own_files(before, solo) and not _own_files(before, chunked)
        assert [n[0] for n in _own_files(after, solo)] == ["e"] and "p" in {n[0] for n in _own_files(after, chunked)}


def test_a_split_entry_holds_what_it_held_whole(records, tmp_path, monkeypatch):
    """Entries large enough are split (reply lists in segments, e/ the rest): read back, every entry is
    what the export without splitting holds, and the other files are the same bytes."""
    monkeypatch.setattr(export, "SOLO_BYTES", 48)
    monkeypatch.setattr(export, "INLINE_PIECES", 8)
    monkeypatch.setattr(export, "PIECE_CHUNK_BYTES", 5)
    export.export(records, str(tmp_path / "whole"), 5, 2)
    monkeypatch.setattr(export, "SPLIT_BYTES", 96)
    monkeypatch.setattr(export, "SEGMENT_REPLIES", 64)
    export.export(records, str(tmp_path / "split"), 5, 2)
    whole, split = read_static_index(tmp_path / "whole"), read_static_index(tmp_path / "split")
    assert split["entries"] == whole["entries"]
    segments = [p.name for p in (tmp_path / "split" / "s").iterdir()]
    split_keys = {bytes.fromhex(name.split("-")[0]).decode() for name in segments}
    # What this covered: shorter keys and grams, a key in fewer segments than there are.
    assert {len(key) for key in split_keys} >= {1, 2, analyzer.GRAM}
    assert any(len([n for n in segments if n.startswith(key.encode().hex() + "-")]) < -(-len(records) // 64)
               for key in split_keys)
    def others(folder):  # the files besides the entries', the manifest without its build id
        files = {f: b for f, b in _all_files(tmp_path / folder).items() if f[:2] not in ("g/", "e/", "s/")}
        return files, {**json.loads(files.pop("manifest.json")), "build": None}
    assert others("split") == others("whole")


# ---- The integer keys ----

def test_integer_keys_sort_and_hash_as_their_strings():
    texts = ["王䶮 湘商函〔2017〕45号 b2b", "𠮷野家 ǅ ab\u3000c", "\U0001F600\U0001F600x 职业"]
    alphabet = keyarrays.Alphabet(texts)
    strings = sorted({run[o:o + n] for text in texts for run in text.split()
                      for o in range(len(run)) for n in range(1, GRAM + 1) if o + n <= len(run)})
    ids = [list(alphabet.ids(s)) + [0] * (GRAM - len(s)) for s in strings]
    keys = np.array([sum(int(c) << (16 * (GRAM - 1 - i)) for i, c in enumerate(row)) for row in ids], dtype=np.uint64)
    assert [alphabet.text(int(k)) for k in np.sort(keys)] == strings
    assert alphabet.crc(keys).tolist() == [export.key_hash(s) for s in strings]
    assert keyarrays.key_length(keys).tolist() == [len(s) for s in strings]


def test_bulk_varints_are_those_of_varint():
    # 64-bit values, values that fit 32 bits, values of one byte each (each encoded its own way)
    for values in ([0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 35 + 5], [5, 300, 2 ** 32 - 1], [0, 127, 3]):
        data, offsets = keyarrays.varints(np.array(values))
        assert [data[a:b] for a, b in zip(offsets, offsets[1:])] == [_varint(v) for v in values]
        assert keyarrays.varint_sizes(np.array(values)).tolist() == [len(_varint(v)) for v in values]
    groups = [[0, 5, 6, 300], [2], [1, 100000]]
    data, begins, ends = keyarrays.counted_gaps(np.array([v for g in groups for v in g]), np.array([0, 4, 5]))
    assert [data[a:b] for a, b in zip(begins, ends)] == [export.gaps(g) for g in groups]


def test_docsets_and_headsets_are_those_of_the_reference():
    """Facet files and phrase entries use these encoders on their own: lists, bitmaps, complements."""
    total = 200
    for ids in ([0], [199], [3, 9, 10, 150], list(range(0, 200, 2)), list(range(40, 90)),
                [i for i in range(total) if i % 17], list(range(total))):
        assert export._docset(np.array(ids), total) == _encode_docset(ids, total), ids
    for flags in ([False] * 5, [True] * 5, [True, False] * 20, [False] * 60 + [True], [True] + [False] * 99):
        assert export._headset(np.array(flags)) == _encode_headset(flags), flags


def test_a_corpus_of_too_many_characters_is_refused():
    with pytest.raises(ValueError, match="at most 65535 distinct characters"):
        keyarrays.Alphabet(["".join(map(chr, range(0x4E00, 0x4E00 + 70000)))])
