"""Validation of one reply file against the format in schema.py.

Every problem found is collected (nothing stops at the first error) and carries the file, the line
where known, the field in English and Chinese, the bad value and what is allowed.  A reply that will
be published is also searched for deputies' private data (privacy.py), line by line.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
import sys
from dataclasses import dataclass

import yaml

from . import frontmatter, privacy, schema
from .model import Attachment, Reply

_NULLS = {"", "~", "null", "Null", "NULL"}
_TYPE_NAMES = {"str": "文本", "int": "整数", "date": "日期", "list": "列表", "attachments": "附件列表"}
_LOOSE_DATE = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*$")
# Templates print front-matter text as it is: a tag in it would be live HTML on the page.
# An unclosed tag is live too (`<img src=x onerror=…` is closed by the template's own markup).
_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][A-Za-z0-9-]*(?=[\s/>]|$)[^<>]*>?")


def _chinese_names() -> dict[str, str]:
    """Chinese names staff may write instead of a key: each label, its parts around “ / ”, and the
    label without its bracketed part (建议（提案）题目 -> 建议题目)."""
    names = {}
    for f in schema.FIELDS:
        for name in [f.label, *f.label.split(" / "), re.sub(r"（[^）]*）", "", f.label)]:
            names.setdefault(name.strip(), f.key)
    return names


_CHINESE_NAMES = _chinese_names()


def english_key(name: str) -> str | None:
    """The key for a field written with its Chinese name, e.g. english_key('类别') == 'category'."""
    return _CHINESE_NAMES.get(name.strip())


@dataclass(frozen=True, order=True)
class Problem:
    source: str
    line: int
    message: str

    def under(self, root) -> "Problem":
        """The same problem with its path as seen from the working folder (content/replies/…)."""
        path = os.path.join(root, self.source) if not os.path.isabs(self.source) else self.source
        return Problem(os.path.relpath(path), self.line, self.message)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


def field_name(key: str) -> str:
    """'答复类别（reply_class）'."""
    return f"{schema.label(key)}（{key}）"


def allowed(choices) -> str:
    return "、".join(choices)


def _is_null(node: yaml.Node) -> bool:
    """An unquoted empty value, ~ or null (the C loader gives plain scalars the style '')."""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value.strip() in _NULLS


class _Collector:
    def __init__(self, source: str, lines: dict[str, int]):
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, message: str, key: str | None = None, line: int | None = None) -> None:
        if line is None:
            line = self.lines.get(key, 0) if key else 0
        self.problems.append(Problem(self.source, line, message))


def parse_reply(text: str, source: str, content_root, guard: privacy.Guard | None = None
                ) -> tuple[Reply | None, list[Problem]]:
    """Validate one reply file's text; return the record (None when invalid) and all problems.

    `guard` finds private data in what the reply publishes (a guard without allow-list by default).
    """
    try:
        document = frontmatter.split(text, key_hint=english_key)
    except frontmatter.FrontMatterError as error:
        return None, [Problem(source, line or 0, message) for line, message in error.issues]

    lines: dict[str, int] = {}
    found = _Collector(source, lines)
    nodes: dict[str, yaml.Node] = {}
    for entry in document.entries:
        if entry.key in nodes:
            found.add(f"字段 {entry.key} 重复出现（上一次在第 {lines[entry.key]} 行）。每个字段只能写一次。",
                      line=entry.line)
            continue
        lines[entry.key] = entry.line
        nodes[entry.key] = entry.node
        if entry.key not in schema.FIELD_BY_KEY:
            found.add(_unknown_key_message(entry.key), line=entry.line)

    written_in_chinese = {english_key(key) for key in nodes} - {None}  # reported as unknown keys already
    values = {}
    for f in schema.FIELDS:
        node = nodes.get(f.key)
        reported = len(found.problems)
        value = None if node is None else _read_value(f, node, found)
        if value is None:
            if len(found.problems) > reported:
                continue  # the bad value is reported already
            if f.key not in nodes and f.key in written_in_chinese:
                continue
            if f.required and f.key not in nodes:
                found.add(f"缺少必填字段 {field_name(f.key)}。示例：{f.key}: {f.example}", line=1)
            elif f.required:
                found.add(f"必填字段 {field_name(f.key)} 为空。示例：{f.key}: {f.example}", f.key)
            continue
        values[f.key] = value

    # A key written without a value (as `invoke new` leaves the optional ones) counts as not given.
    _check_rules(values, {k for k, n in nodes.items() if not _is_null(n)}, found, content_root)
    if values.get("disclosure") == schema.PUBLIC and values.get("disclosure_form", "全文") != schema.SUMMARY_FORM \
            and not document.body.strip():
        found.add("答复正文为空：主动公开全文的答复必须在 front-matter 结束行 --- 之后写出答复函。",
                  line=document.body_line)

    disclosure = values.get("disclosure") or _raw(nodes.get("disclosure"))
    if disclosure not in schema.DISCLOSURES or disclosure == schema.PUBLIC:  # unsure: check as published
        summary_only = values.get("disclosure_form", _raw(nodes.get("disclosure_form"))) == schema.SUMMARY_FORM
        for finding in _private_data(document, summary_only, guard or privacy.Guard()):
            found.add(finding.message, line=finding.line)

    if found.problems:
        return None, found.problems
    return Reply(source=source, body=document.body, lines=lines, **values), []


def _raw(node: yaml.Node | None) -> str | None:
    return node.value.strip() if isinstance(node, yaml.ScalarNode) else None


def _private_data(document: frontmatter.Document, summary_only: bool, guard: privacy.Guard):
    """Private data on the published lines of a reply: every front-matter field but the withholding
    reason, and the letter unless only its summary is published (the letter of a 摘要 reply is never
    published, and it is checked when its disclosure_form changes to 全文)."""
    starts = sorted((entry.line, entry.key) for entry in document.entries)
    ends = [line for line, _ in starts[1:]] + [document.end_line]
    for (start, key), end in zip(starts, ends):
        if key == "nondisclosure_reason":
            continue
        for number in range(start, end):
            text = document.lines[number - 1]
            if not text.lstrip().startswith("#"):  # a YAML comment is not published
                yield from guard.find(text, number)
    if not summary_only:
        yield from guard.find_in_lines(document.lines[document.body_line - 1:], document.body_line)


def _unknown_key_message(key: str) -> str:
    if english_key(key):
        return (f"字段名要用英文：“{key}”应写作 {english_key(key)}（{key}）。"
                "（也可运行 invoke check --fix 自动改正）")
    close = difflib.get_close_matches(key, schema.FIELD_BY_KEY, n=1, cutoff=0.6)
    hint = f"是否应为 {field_name(close[0])}？" if close else ""
    return (f"未知字段 “{key}”。{hint}允许的字段：{', '.join(schema.FIELD_BY_KEY)}"
            "（见员工指南的字段表）。")


#: Text fields whose value is the reply's own.  Every other value (session, category, role, unit,
#: deputy, delegation…) is shared by many replies and kept once (sys.intern): the YAML loader makes
#: a string per value per file, some 250 MB of repeats at 100,000 replies.
_OWN_TEXT = {"title", "summary", "doc_no", "number", "nondisclosure_reason"}


def _read_value(f: schema.Field, node: yaml.Node, found: _Collector):
    """The value of one field in its schema type, or None (problems are recorded)."""
    if f.type == "str":
        if not isinstance(node, yaml.ScalarNode):
            return _wrong_type(f, node, found)
        # Raw text, so that 0512 keeps its zero and `yes` stays a word.
        text = node.value.strip()
        if _is_null(node):
            return None
        if f.choices and text not in f.choices:
            found.add(f"{field_name(f.key)} 的值 “{text}” 不在允许范围内。允许：{allowed(f.choices)}。", f.key)
            return None
        if _html_tag(f, text, found):
            return None
        if f.key == "reply_class" and not schema.REPLY_CLASS_RE.match(text):
            found.add(f"{field_name(f.key)} 的值 “{text}” 不符合要求。允许：A、B、C、D，"
                      "后面可带一位数字（如 A2）。", f.key)
            return None
        return text if f.key in _OWN_TEXT else sys.intern(text)
    if f.type == "int":
        if not isinstance(node, yaml.ScalarNode):
            return _wrong_type(f, node, found)
        text = node.value.strip()
        if _is_null(node):
            return None
        if not text.isascii() or not text.isdigit() or not 1949 <= int(text) <= 2100:
            found.add(f"{field_name(f.key)} 的值 “{text}” 不是四位年份。示例：{f.key}: {f.example}", f.key)
            return None
        return int(text)
    if f.type == "date":
        return _read_date(f, node, found)
    if f.type == "list":
        return _read_list(f, node, found)
    return _read_attachments(f, node, found)


def _html_tag(f: schema.Field, text: str, found: _Collector) -> bool:
    tag = _HTML_TAG.search(text)
    if tag:
        found.add(f"{field_name(f.key)} 含有 HTML 标记 “{tag.group(0)}”：front-matter 只能写纯文字，"
                  "网页不会执行其中的标记。请删除尖括号及其内容（书名请用《》）。", f.key)
    return bool(tag)


def _wrong_type(f: schema.Field, node: yaml.Node, found: _Collector):
    actual = {yaml.SequenceNode: "列表", yaml.MappingNode: "键值对"}.get(type(node), "文本")
    found.add(f"{field_name(f.key)} 应为{_TYPE_NAMES[f.type]}，实际写成了{actual}。示例：{f.key}: {f.example}",
              f.key)
    return None


def _read_date(f: schema.Field, node: yaml.Node, found: _Collector):
    if not isinstance(node, yaml.ScalarNode):
        return _wrong_type(f, node, found)
    text = node.value.strip()
    if _is_null(node):
        return None
    match = _LOOSE_DATE.match(text)  # also accepts 2017年6月12日 and 2017/6/12
    if not match:
        found.add(f"{field_name(f.key)} 的值 “{text}” 不是日期。请写作 {f.example} 这样的格式。", f.key)
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        found.add(f"{field_name(f.key)} 的值 “{text}” 是不存在的日期。请检查年、月、日。", f.key)
        return None


def _scalar_items(f: schema.Field, node: yaml.Node, found: _Collector):
    if not isinstance(node, yaml.SequenceNode):
        if _is_null(node):
            return None
        return _wrong_type(f, node, found)
    return node.value


def _read_list(f: schema.Field, node: yaml.Node, found: _Collector):
    items = _scalar_items(f, node, found)
    if items is None:
        return None
    values = []
    for position, item in enumerate(items, 1):
        text = item.value.strip() if isinstance(item, yaml.ScalarNode) else ""
        if not text or _is_null(item):
            found.add(f"{field_name(f.key)} 第 {position} 项应为非空文本。示例：{f.key}: {f.example}", f.key)
            return None
        if _html_tag(f, text, found):
            return None
        values.append(sys.intern(text))
    return values


def _read_attachments(f: schema.Field, node: yaml.Node, found: _Collector):
    items = _scalar_items(f, node, found)
    if items is None:
        return None
    attachments = []
    for position, item in enumerate(items, 1):
        pairs = {}
        if isinstance(item, yaml.MappingNode):
            pairs = {k.value: v.value for k, v in item.value
                     if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
        if set(pairs) != {"file", "title"} or not all(str(v).strip() for v in pairs.values()):
            found.add(f"{field_name(f.key)} 第 {position} 项应写作 {{file: 文件路径, title: 附件标题}}。"
                      f"示例：{f.key}: {f.example}", f.key)
            return None
        attachments.append(Attachment(pairs["file"].strip(), pairs["title"].strip()))
    return attachments


def _check_rules(values: dict, given: set[str], found: _Collector, content_root) -> None:
    """The rules that relate fields to each other and to the files on disk.

    `given` are the keys written in the file: a key given with a bad value is reported once, as such,
    and not again as missing.
    """
    role = values.get("role")
    if role in schema.CO_HANDLING_ROLES and not values.get("lead_unit") and "lead_unit" not in given:
        found.add(f"办理方式为“{role}”时必须填写 {field_name('lead_unit')}，即负责答复代表的单位。",
                  "role")
    if role in schema.ANSWERING_ROLES and "reply_class" not in given:
        found.add(f"办理方式为“{role}”时必须填写 {field_name('reply_class')}：A、B、C、D，"
                  "后面可带一位数字（如 A2）。", "role")
    if role and role not in schema.ANSWERING_ROLES and values.get("reply_class"):
        found.add(f"办理方式为“{role}”时不应填写 {field_name('reply_class')}（现为 “{values['reply_class']}”）："
                  f"只有{allowed(schema.ANSWERING_ROLES)}的答复才有答复类别。请删除这一行。", "reply_class")

    disclosure = values.get("disclosure")
    if disclosure and disclosure != schema.PUBLIC and "nondisclosure_reason" not in given:
        found.add(f"{field_name('disclosure')} 为“{disclosure}”时必须填写 {field_name('nondisclosure_reason')}。",
                  "disclosure")
    if values.get("disclosure_form") == schema.SUMMARY_FORM and "summary" not in given:
        found.add(f"{field_name('disclosure_form')} 为“摘要”时必须填写 {field_name('summary')}，网站只发布摘要。",
                  "disclosure_form")

    _check_date_order(values, found, "assigned_date", "reply_date")
    _check_date_order(values, found, "reply_date", "publish_date")

    for position, attachment in enumerate(values.get("attachments", []), 1):
        problem = attachment_problem(content_root, attachment.file)
        if problem:
            found.add(f"{field_name('attachments')} 第 {position} 项的文件 “{attachment.file}” {problem}",
                      "attachments")


def _check_date_order(values: dict, found: _Collector, earlier: str, later: str) -> None:
    first, second = values.get(earlier), values.get(later)
    if first and second and second < first:
        found.add(f"{field_name(later)} {second.isoformat()} 早于 {field_name(earlier)} {first.isoformat()}，"
                  "日期先后颠倒。", later)


def attachment_problem(content_root, file: str) -> str | None:
    """Why an attachment path is unusable, or None. Paths are relative to the content folder."""
    root = content_root.resolve()
    target = (root / file).resolve()
    if file.startswith("/") or root not in target.parents:
        return "不在 content 目录内。附件路径应相对于 content 目录，如 attachments/2017/a.pdf。"
    if not target.is_file():
        return "不存在。请把文件放到 content 目录下的这个路径，或改正路径。"
    return None
