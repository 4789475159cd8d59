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
All secrets are searched at once (Aho-Corasick, pyahocorasick): one pass over each file, linear in the
size of the output whatever the number of secrets, one file in memory at a time.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
from pelican import signals

from . import registry

MIN_LENGTH = 10

_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"^\s*(?:[-+]|\d+[.)、])\s+|[*_`>#]+", re.M)
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_TAG = re.compile(r"<[^<>]*>")
_JS_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_MARKUP_SUFFIXES = {".html", ".htm", ".xml", ".atom", ".rss", ".svg"}


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


def secrets(store) -> list[Secret]:
    """What of the store's replies may not appear in the output."""
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
    published = _occurring({s.text for s in found}, (_published_text(reply) for reply in store.public))
    return [s for s in found if s.text not in published]


def _automaton(texts):
    automaton = ahocorasick.Automaton()
    for text in texts:
        automaton.add_word(text, text)
    automaton.make_automaton()
    return automaton


def _occurring(texts: set[str], haystacks) -> set[str]:
    """Which of `texts` occur in one of `haystacks`: a single pass over each."""
    if not texts:
        return set()
    automaton = _automaton(texts)
    return {text for haystack in haystacks for _, text in automaton.iter(haystack)}


def _published_text(reply) -> str:
    shown = [reply.title, reply.summary if reply.is_summary_only else reply.body, reply.number_label,
             reply.doc_no, reply.lead, reply.delegation, reply.category, reply.key_group, reply.lead_unit,
             reply.division, f"{reply.year}/{reply.slug}", *reply.co_signers, *reply.co_units, *reply.tags,
             *(a.file for a in reply.attachments), *(a.title for a in reply.attachments)]
    return "\n".join(s for s in shown if s)


def readable_views(path: Path, data: bytes) -> list[str]:
    """The text of an output file as written, and as a reader or a script would decode it."""
    if data[:2] == b"\x1f\x8b":  # gzip (the search index's snippet text): what the browser unpacks
        try:
            return readable_views(path.with_suffix(""), gzip.decompress(data))
        except (OSError, EOFError):
            pass
    text = data.decode("utf-8", "ignore")
    views = [text]
    suffix = path.suffix.lower()
    if suffix in _MARKUP_SUFFIXES:
        plain = html.unescape(_TAG.sub("", text))
        views.append(plain)
        if "<" in plain:  # feeds carry the page's HTML escaped once more
            views.append(html.unescape(_TAG.sub("", plain)))
    elif suffix == ".json":
        try:
            views.append(json.dumps(json.loads(text), ensure_ascii=False))
        except ValueError:
            pass
    if "\\u" in text:
        views.append(_JS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
    return views


def leaks(output_path, found: list[Secret]) -> list[Leak]:
    """Every output file (by its path or its text) that contains one of `found`."""
    output = Path(output_path)
    by_text = defaultdict(list)
    for secret in found:
        by_text[secret.text].append(secret)
    if not by_text:
        return []
    automaton = _automaton(by_text)
    result = set()
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        name = path.relative_to(output).as_posix()
        for view in (name, *readable_views(path, path.read_bytes())):
            for _, text in automaton.iter(view):
                result.update(Leak(name, secret) for secret in by_text[text])
    return sorted(result, key=lambda leak: (leak.path, leak.secret.source, leak.secret.text))


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


def verify_output(pelican) -> None:
    """`finalized` receiver: fail the build if anything of a withheld or summary-only letter is in
    the output folder."""
    store = registry.store_for(pelican.settings)
    if store is None:
        return
    found = leaks(pelican.output_path, secrets(store))
    if found:
        raise DisclosureError(found, pelican.output_path)
