"""Split a Markdown file into YAML front-matter and body, keeping the line of every key.

The YAML is parsed node by node so that each value can be read from its raw text: `number: 0512`
stays "0512" (a YAML 1.1 parser would read it as the octal integer 330), and an impossible date such
as 2017-02-30 is reported on its own line instead of aborting the whole file.

Before YAML sees the front-matter, every key line is checked for what a word processor leaves behind
(a full-width colon `标题：`, a full-width space, no space after the colon, tabs): YAML's own message for
these points at the wrong line and means nothing to staff.  `key_line_issues` is also what
`invoke check --fix` uses to repair them, so the check and the repair never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

try:  # the C loader is much faster; PyYAML wheels ship it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python PyYAML builds
    from yaml import SafeLoader as _Loader

FENCE = "---"


class FrontMatterError(ValueError):
    """The file has no usable front-matter; `line` is 1-based, or None.

    `issues` lists every (line, message) found when there are several (key lines); the first is also
    `line` and `message`.
    """

    def __init__(self, message: str, line: int | None = None, issues: list[tuple[int, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.issues = issues or [(line or 0, message)]


@dataclass
class Entry:
    key: str
    node: yaml.Node  # the value node, for raw scalar text and per-value construction
    line: int  # 1-based line of the key in the file


@dataclass
class Document:
    entries: list[Entry]
    body: str
    body_line: int  # 1-based line where the body starts
    lines: list[str] = field(default_factory=list)  # every line of the file; lines[0] is line 1

    @property
    def end_line(self) -> int:
        """The 1-based line of the closing ---."""
        return self.body_line - 1


@dataclass(frozen=True)
class KeyLineIssue:
    index: int  # 0-based index of the line in the front-matter
    message: str
    fixed: str  # the line as `invoke check --fix` rewrites it


#: A top-level line that tries to be `key: value`: the key, what stands between key and colon, the
#: colon (ASCII or full-width), and the rest.  Keys never contain spaces; a line without any colon
#: after its first word does not match.
_KEY_LINE = re.compile(r"^(?P<key>[^\s:：\u3000#\-\[{\"'][^\s:：\u3000]*)(?P<gap>[ \t\u3000]*)(?P<colon>[:：])(?P<after>.*)$")
_FIX_HINT = "（也可运行 invoke check --fix 自动改正）"


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def has_front_matter(text: str) -> bool:
    return text.lstrip("\ufeff").startswith(FENCE)


def key_line_issues(lines: list[str], key_hint: Callable[[str], str | None] | None = None) -> list[KeyLineIssue]:
    """Problems of the front-matter `lines` (between the fences) that YAML would misreport.

    `key_hint` maps a non-English key (e.g. a Chinese field label) to the English key to write.
    """
    issues = []
    for index, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" \t\u3000"))
        if "\t" in line[:indent] or "\u3000" in line[:indent]:
            fixed = line[:indent].replace("\t", "  ").replace("\u3000", "  ") + line[indent:]
            issues.append(KeyLineIssue(index, "行首用了制表符（Tab）或全角空格缩进。front-matter 只能用英文空格缩进，"
                                              f"请把它们改成空格{_FIX_HINT}。", fixed))
            continue
        match = _KEY_LINE.match(line) if indent == 0 else None
        if not match:
            continue
        key, gap, colon, after = match["key"], match["gap"], match["colon"], match["after"]
        english = key if key.isascii() else (key_hint(key) if key_hint else None)
        wrong = []
        if colon == "：":
            wrong.append("中文冒号“：”")
        if "\u3000" in gap or after[:1] == "\u3000":
            wrong.append("全角空格")
        if "\t" in gap or after[:1] == "\t":
            wrong.append("制表符（Tab）")
        if colon == ":" and after and after[0] not in " \t\u3000" and not wrong:
            wrong.append("冒号后面没有空格")
        if not wrong:
            continue
        value = after.lstrip(" \t\u3000")
        fixed = f"{english or key}: {value}" if value else f"{english or key}:"
        if english and english != key:
            name = f"“{key}”（应写作英文字段名 {english}）"
        elif english:
            name = f"“{key}”"
        else:
            name = f"“{key}”（字段名应为英文，见员工指南的字段表）"
        issues.append(KeyLineIssue(index, f"字段名 {name} 后面的写法有误：{'、'.join(wrong)}。"
                                          f"每个字段应写作“字段名、英文冒号、一个空格、内容”，如 {english or 'title'}: …"
                                          f"{_FIX_HINT if english else ''}。", fixed))
    return issues


def split(text: str, key_hint: Callable[[str], str | None] | None = None) -> Document:
    """Parse `text` (already decoded) into front-matter entries and body.

    `key_hint` (see key_line_issues) lets the messages name the English key for a Chinese one.
    """
    text = normalise_newlines(text.lstrip("\ufeff"))
    if not text.strip():
        raise FrontMatterError("文件为空。请按员工指南填写 front-matter 和答复正文。")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise FrontMatterError("文件开头没有 front-matter：第一行应为 ---，随后是各字段，再以 --- 结束。", 1)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE), None)
    if end is None:
        raise FrontMatterError("front-matter 没有结束：从第 1 行的 --- 开始后，找不到结束的 --- 行。", 1)
    issues = key_line_issues(lines[1:end], key_hint)
    if issues:
        found = [(issue.index + 2, issue.message) for issue in issues]
        raise FrontMatterError(found[0][1], found[0][0], found)
    yaml_text = "\n".join(lines[1:end])
    entries = _entries(yaml_text, first_line=2)
    body = "\n".join(lines[end + 1 :]).strip("\n")
    return Document(entries, body, end + 2, lines)


def _entries(yaml_text: str, first_line: int) -> list[Entry]:
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else None
        colonless = _colonless_line(yaml_text.split("\n"), mark.line if mark else None)
        if colonless is not None:
            raise FrontMatterError("这一行缺少英文冒号：每个字段应写作“字段名: 内容”（英文冒号后加一个空格）。"
                                   "如果这是上一行内容的延续，请把它接到上一行。", first_line + colonless) from None
        raise FrontMatterError(f"front-matter 不是有效的 YAML：{_yaml_problem(error)}", line) from None
    except yaml.YAMLError as error:
        raise FrontMatterError(f"front-matter 不是有效的 YAML：{error}", None) from None
    finally:
        loader.dispose()
    if node is None:
        return []
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError("front-matter 应由“字段: 值”的行组成。", first_line + node.start_mark.line)
    entries = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise FrontMatterError("字段名应为文字。", first_line + key_node.start_mark.line)
        entries.append(Entry(key_node.value, value_node, first_line + key_node.start_mark.line))
    return entries


def _colonless_line(lines: list[str], error_line: int | None) -> int | None:
    """The 0-based index of an unindented line without any colon, at or before the line YAML
    stopped at (YAML reports such a line one line late)."""
    last = len(lines) - 1 if error_line is None else min(error_line, len(lines) - 1)
    for index in range(last, -1, -1):
        line = lines[index]
        if line.strip() and not line[0].isspace() and line[0] not in "#-[{\"'" and ":" not in line and "：" not in line:
            return index
    return None


#: PyYAML's problems, as staff can act on them.
_YAML_PROBLEMS = (
    ("\\t", "含有制表符（Tab），请改用空格缩进"),
    ("mapping values are not allowed", "一行中有多余的英文冒号。内容本身含有“: ”时，请给整个内容加英文引号，"
                                       "如 title: \"关于……: ……的建议\"；也可能是上一行的缩进有误"),
    ("expected ',' or ']'", "方括号列表 [ ] 没有正确闭合，或列表项之间没有用英文逗号分隔"),
    ("expected ',' or '}'", "花括号 { } 没有正确闭合，或各项之间没有用英文逗号分隔"),
    ("found unexpected end of stream", "引号没有闭合：以英文引号开始的内容必须以同样的引号结束"),
    ("could not find expected ':'", "缺少英文冒号，或上一行的引号、括号没有闭合"),
)


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or ""
    for clue, meaning in _YAML_PROBLEMS:
        if clue in problem or (clue == "\\t" and "tab" in problem):
            return meaning
    return f"{problem}（{error.context}）" if error.context else problem


def construct(node: yaml.Node):
    """The Python value of one YAML node (may raise ValueError for impossible dates)."""
    loader = _Loader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
