"""The keys of the static index as integers, so that the export handles millions of them with numpy.

A character of the corpus gets a small id (1…, in code point order; 0 stands for whitespace and for
"no character"), and a key of up to GRAM characters is one 64-bit integer, its ids from the most
significant 16 bits down, padded with zeros.  Integers then sort exactly as the keys do as strings (a
prefix first), which is the order entries take in a shard.

The CRC-32 of a key's UTF-8 bytes (export.key_hash, which chooses its shard) is computed from the ids
too: CRC-32 is affine, so the CRC of n bytes is the CRC of n zero bytes XOR, for each character, the
contribution of its bytes followed by the d bytes of the characters after it (a table by d and id).
"""

from __future__ import annotations

import zlib

import numpy as np

from . import analyzer

GRAM = analyzer.GRAM
CHAR_BITS = 16
#: Distinct characters a corpus may hold (16-bit ids, GRAM of them in 64 bits).
MAX_CHARS = (1 << CHAR_BITS) - 1
_MAX_UTF8 = 4
_CHAR_MASK = np.uint64(MAX_CHARS)
assert GRAM * CHAR_BITS <= 64


class Alphabet:
    """The distinct non-whitespace characters of some texts, numbered 1… in code point order."""

    def __init__(self, texts):
        found: set[str] = set()
        for text in texts:
            found.update(text)
        found.difference_update(analyzer.WHITESPACE)
        self.chars = [""] + sorted(found)
        if len(found) > MAX_CHARS:
            raise ValueError(f"the search export handles at most {MAX_CHARS} distinct characters, "
                             f"not {len(found)}")
        self._lookup = np.zeros(0x110000, dtype=np.uint16)
        self._lookup[[ord(c) for c in self.chars[1:]]] = np.arange(1, len(self.chars), dtype=np.uint16)
        encoded = [c.encode("utf-8") for c in self.chars]
        self.width = np.array([len(e) for e in encoded], dtype=np.int64)
        # _tail[d, id]: the CRC contribution of a character's bytes followed by d more bytes.
        self._tail = np.zeros(((GRAM - 1) * _MAX_UTF8 + 1, len(encoded)), dtype=np.uint32)
        for d in range(self._tail.shape[0]):
            after = bytes(d)
            self._tail[d, 1:] = [zlib.crc32(e + after) ^ zlib.crc32(bytes(len(e) + d)) for e in encoded[1:]]
        self._zeros = np.array([zlib.crc32(bytes(n)) for n in range(GRAM * _MAX_UTF8 + 1)], dtype=np.uint32)

    def ids(self, text: str) -> np.ndarray:
        """The ids of a text's characters (0 for whitespace)."""
        return self._lookup[np.frombuffer(text.encode("utf-32-le"), dtype="<u4")]

    def crc(self, keys: np.ndarray) -> np.ndarray:
        """CRC-32 of the UTF-8 bytes of each key (uint64 array), as uint32."""
        chars = [((keys >> np.uint64(CHAR_BITS * (GRAM - 1 - i))) & _CHAR_MASK).astype(np.int64)
                 for i in range(GRAM)]
        after = np.zeros(len(keys), dtype=np.int64)
        crc = np.zeros(len(keys), dtype=np.uint32)
        for char in reversed(chars):
            crc ^= self._tail[after, char]
            after += self.width[char]
        return crc ^ self._zeros[after]

    def text(self, key: int) -> str:
        chars = self.chars
        return (chars[key >> 48] + chars[(key >> 32) & 0xFFFF] + chars[(key >> 16) & 0xFFFF]
                + chars[key & 0xFFFF])


def key_length(keys: np.ndarray) -> np.ndarray:
    """Characters in each key."""
    length = np.zeros(len(keys), dtype=np.int64)
    for i in range(GRAM):
        length += ((keys >> np.uint64(CHAR_BITS * (GRAM - 1 - i))) & _CHAR_MASK) != 0
    return length


def varint_sizes(values: np.ndarray) -> np.ndarray:
    """Bytes of the LEB128 varint of each (non-negative) value."""
    sizes = np.ones(len(values), dtype=np.int64)
    top = int(values.max()) if len(values) else 0
    for shift in range(7, top.bit_length(), 7):  # only the sizes that occur: most values are small
        sizes += values >= (1 << shift)
    return sizes


def varints(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """The varints of values, concatenated, and the offset of each in them (len(values) + 1 offsets)."""
    top = int(values.max()) if len(values) else 0
    # 32 bits when they hold the values: half the memory to go through
    values = values.astype(np.uint32 if top < 1 << 32 else np.uint64)
    sizes = varint_sizes(values)
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    if top < 0x80:
        return values.astype(np.uint8).tobytes(), offsets
    # Each value's bytes in a row of the longest size, the continuation bit on all but its last; the
    # rows' bytes up to each value's size, in order, are the varints.
    longest = int(sizes.max())
    rows = np.empty((len(values), longest), dtype=np.uint8)
    for j in range(longest):
        rows[:, j] = (values >> (7 * j)) & 0x7F
    rows[:, :-1] |= (np.arange(1, longest) < sizes[:, None]).view(np.uint8) << 7
    return rows[np.arange(longest) < sizes[:, None]].tobytes(), offsets


def counted_gaps(values: np.ndarray, starts: np.ndarray) -> tuple[bytes, np.ndarray, np.ndarray]:
    """For groups of sorted values (group g is values[starts[g]:starts[g + 1]]), each group encoded as
    export.gaps does: v(count) then the gaps between values, the first from -1.  Returns the bytes and the
    start and end offset of each group in them."""
    n, groups = len(values), len(starts)
    if not groups:
        return b"", np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    values = values.astype(np.int64)
    previous = np.empty(n, dtype=np.int64)
    previous[1:] = values[:-1]
    previous[starts] = -1
    ends = np.append(starts[1:], n)
    stream = np.empty(n + groups, dtype=np.int64)
    stream[np.arange(n) + np.repeat(np.arange(1, groups + 1), ends - starts)] = values - previous - 1
    stream[starts + np.arange(groups)] = ends - starts
    data, offsets = varints(stream)
    return data, offsets[starts + np.arange(groups)], offsets[ends + np.arange(1, groups + 1)]


def bitmaps(positions: np.ndarray, groups: np.ndarray, sizes: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Bitmaps of `sizes[g]` bytes for groups g; bit k of byte j of bitmap g is set when 8j+k is among the
    positions of that group (`groups` gives each position's group).  Returns the bytes and the offset of
    each bitmap in them."""
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    bits = np.zeros(offsets[-1] * 8, dtype=bool)
    bits[offsets[groups] * 8 + positions] = True
    return np.packbits(bits, bitorder="little").tobytes(), offsets


#: What the export spills for each key of each reply: for a gram of GRAM characters, one record per
#: occurrence with its tagged position (2 * position + 1 in the body); for a shorter key, one record per
#: reply with tag 0 when it occurs in the head, else 1 + 2 * the piece code of its first occurrence in the
#: body (Corpus.piece_codes).
RECORD = np.dtype([("key", "<u8"), ("doc", "<u4"), ("tag", "<u4")])
_BATCH_DOCS = 1 << 12  # a batch numbers its replies in 12 bits (see Corpus.records)
_SHORT = 48  # bits of a key of fewer than GRAM characters that can be non-zero
#: Piece codes are 0…PIECE_CODES-1 (two bits); a later piece has the last code.
PIECE_CODES = 4


class Corpus:
    """The normalised texts of the replies as one array of character ids, each text followed by a 0."""

    def __init__(self, texts: list[str], head_lengths: list[int], letter_starts: list[int], letter_piece: int):
        self.alphabet = Alphabet(texts)
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        self.base = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths + 1, out=self.base[1:])
        self.ids = np.zeros(self.base[-1] + GRAM, dtype=np.uint16)  # a 0 after each text, and GRAM spare
        for doc, text in enumerate(texts):
            self.ids[self.base[doc]:self.base[doc + 1] - 1] = self.alphabet.ids(text)
        self.head_length = np.array(head_lengths, dtype=np.int64)
        self.letter_start = np.array(letter_starts, dtype=np.int64)
        self.letter_piece = letter_piece

    def piece_codes(self, doc: np.ndarray, position: np.ndarray) -> np.ndarray:
        """The letter piece (export.letter_pieces) holding each position of a reply's normalised text, as
        a code: 0 also before the letter (in the metadata), PIECE_CODES - 1 also for later pieces."""
        piece = (position - self.letter_start[doc]) // self.letter_piece
        return np.clip(piece, 0, PIECE_CODES - 1).astype(np.uint64)

    def batches(self, start: int, stop: int, chars: int = 1 << 18):
        """Ranges of replies from start to stop of about `chars` characters each."""
        while start < stop:
            end = int(np.searchsorted(self.base, self.base[start] + chars, side="right"))
            end = min(stop, max(start + 1, end - 1), start + _BATCH_DOCS)
            yield start, end
            start = end

    def records(self, start: int, stop: int) -> np.ndarray:
        """The RECORDs of replies start…stop-1: grams in order of reply and position, then shorter keys in
        order of reply and key."""
        first, size = self.base[start], self.base[stop] - self.base[start]
        ids = self.ids[first:first + size + GRAM - 1].astype(np.uint64)
        present = ids != 0
        if not present.any():
            return np.empty(0, dtype=RECORD)
        chars = [ids[i:i + size] for i in range(GRAM)]
        doc = np.repeat(np.arange(start, stop, dtype=np.int64), np.diff(self.base[start:stop + 1]))
        position = np.arange(size, dtype=np.int64) - (self.base[doc] - first)
        # The tag's last bit: the run (a stretch without whitespace) starts in the body.
        starts = present[:size].copy()
        starts[1:] &= ~present[:size - 1]
        run_start = np.flatnonzero(starts)[np.maximum(np.cumsum(starts) - 1, 0)]
        body = (run_start - (self.base[doc] - first)) >= self.head_length[doc]
        tag = 2 * position + body

        key = np.zeros(size, dtype=np.uint64)
        inside = np.ones(size, dtype=bool)
        shorts = []
        # Shorter keys as reply (in the batch), key, body flag, piece code: sorted, the first of each key
        # holds the head flag, or the body flag and the code of the first piece holding it.  All but the
        # key are the position's, computed once for the GRAM - 1 lengths.
        low = (((doc - start).astype(np.uint64) << np.uint64(_SHORT + 3)) | (body.astype(np.uint64) << np.uint64(2))
               | (self.piece_codes(doc, position) * body))
        for i in range(GRAM):
            inside &= present[i:i + size]
            key |= chars[i] << np.uint64(CHAR_BITS * (GRAM - 1 - i))
            if i < GRAM - 1:
                shorts.append(low[inside] | ((key[inside] >> np.uint64(64 - _SHORT)) << np.uint64(3)))
        grams = np.empty(int(inside.sum()), dtype=RECORD)
        grams["key"], grams["doc"], grams["tag"] = key[inside], doc[inside], tag[inside]
        found = np.sort(np.concatenate(shorts))
        keep = np.ones(len(found), dtype=bool)
        keep[1:] = (found[1:] >> np.uint64(3)) != (found[:-1] >> np.uint64(3))
        found = found[keep]
        short = np.empty(len(found), dtype=RECORD)
        short["key"] = ((found >> np.uint64(3)) & np.uint64((1 << _SHORT) - 1)) << np.uint64(64 - _SHORT)
        short["doc"] = (found >> np.uint64(_SHORT + 3)) + np.uint64(start)
        short["tag"] = ((found >> np.uint64(2)) & np.uint64(1)) | ((found & np.uint64(3)) << np.uint64(1))
        return np.concatenate([grams, short])
