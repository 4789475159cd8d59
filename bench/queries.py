"""The fixed query set and its truth: exact substrings of the published text of the generated corpus.

A reply's published text is what its page publishes about it, each value on its own (no match runs
from one value into the next): subject, number and "<session>第<number>号", document number, lead and
co-signers as written, delegation, kind, level, year, role, lead unit, co-handling units, division,
category, key class, answer class, dates (2017-06-12 and 2017年6月12日), feedback, tags, and the letter as
a reader sees it (Markdown marks removed), or only the summary of a 摘要 reply.  Withheld replies publish
nothing.  Text and query are compared after NFKC and lower-casing (full-width Ｂ２Ｂ is B2B); the one
Traditional query below is compared after Traditional -> Simplified too, as the search issue requires.

The corpus generator (bench/corpus.py) plants the anchors (王建球, 王䶮, 1418, 0785, 湘商函〔2017〕45号, …)
at every size, so every query but the no-match one has answers.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import bare


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # name, number, phrase, no-match, single character, traditional


QUERIES = [
    Query("王建球", "name (3 characters)"),
    Query("李伟", "name (2 characters, same-name deputies)"),
    Query("王䶮", "name (rare character)"),
    Query("单志刚", "name (surname 单)"),
    Query("1418", "number"),
    Query("0785", "number"),
    Query("湘商函〔2017〕45号", "document number"),
    Query("自由贸易试验区", "phrase"),
    Query("物流产业园", "phrase"),
    Query("冷链物流", "phrase"),
    Query("区块链征信沙盒", "no match"),
    Query("䶮", "single character"),
    Query("鑫", "single character"),
    Query("香港職業訓練局", "traditional"),
    Query("物流 口岸", "several terms (all must occur)"),
]
#: A second query is measured after this one (or, for this one itself, after the next in the set).
WARM_UP = "1418"

_MARKS = re.compile(r"\*\*|__|`")


def _plain(markdown_text: str) -> list[str]:
    return [line.strip() for line in _MARKS.sub("", markdown_text).splitlines() if line.strip()]


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def published(data: dict, body: str) -> list[str]:
    """The published values of one public reply (front-matter `data`, Markdown `body`)."""
    values = [data["title"], str(data["number"]), f"{data['session']}第{data['number']}号", data.get("doc_no"),
              data["lead"], *data.get("co_signers", []), data.get("delegation"), data["kind"], data["level"],
              str(data["year"]), data["session"], data["role"], data.get("lead_unit"), *data.get("co_units", []),
              data.get("division"), data["category"], data.get("key_group"), data.get("reply_class"),
              data.get("feedback"), *data.get("tags", [])]
    for key in ("assigned_date", "reply_date", "publish_date"):
        day = data.get(key)
        if isinstance(day, datetime.date):
            values += [day.isoformat(), _cn(day)]
    summary_only = data.get("disclosure_form") == "摘要"
    values += _plain(data["summary"] if summary_only else body)
    return [str(v) for v in values if v]


def normalise(text: str, simplified: bool = False) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    if simplified:
        from search.analyzer import t2s_table  # the project's table (OpenCC's), one character to one

        table = t2s_table()
        text = "".join(table.get(c, c) for c in text)
    return text


class Truth:
    """The published values of every public reply of a content folder, by address (`year/slug/`)."""

    def __init__(self, content: Path):
        self.values: dict[str, list[str]] = {}
        for path in sorted(Path(content, "replies").rglob("*.md")):
            data, body = bare.split(path.read_text(encoding="utf-8"))
            if data.get("disclosure") != "主动公开":
                continue
            self.values[f"{data['year']}/{path.stem}/"] = published(data, body)
        self._plain = {url: [normalise(v) for v in values] for url, values in self.values.items()}
        self._simple: dict | None = None

    def answers(self, query: Query) -> set[str]:
        traditional = query.kind == "traditional"
        if traditional and self._simple is None:
            self._simple = {url: [normalise(v, True) for v in values] for url, values in self.values.items()}
        texts = self._simple if traditional else self._plain
        needles = normalise(query.text, traditional).split()  # every term, each in some value
        return {url for url, values in texts.items() if all(any(n in v for v in values) for n in needles)}


def score(found: list[str], truth: set[str]) -> tuple[float, float]:
    """(precision, recall); both 1.0 when nothing is found and nothing should be."""
    hits = len(set(found) & truth)
    precision = hits / len(set(found)) if found else (1.0 if not truth else 0.0)
    recall = hits / len(truth) if truth else (1.0 if not found else 1.0)
    return precision, recall
