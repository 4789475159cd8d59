"""Split a Markdown file into YAML front-matter and body, keeping the line of every key.

The YAML is parsed node by node so that each value can be read from its raw text: `number: 0512`
stays "0512" (a YAML 1.1 parser would read it as the octal integer 330), and an impossible date such
as 2017-02-30 is reported on its own line instead of aborting the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

try:  # the C loader is much faster; PyYAML wheels ship it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python PyYAML builds
    from yaml import SafeLoader as _Loader

FENCE = "---"


class FrontMatterError(ValueError):
    """The file has no usable front-matter; `line` is 1-based, or None."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


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


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def has_front_matter(text: str) -> bool:
    return text.lstrip("\ufeff").startswith(FENCE)


def split(text: str) -> Document:
    """Parse `text` (already decoded) into front-matter entries and body."""
    text = normalise_newlines(text.lstrip("\ufeff"))
    if not text.strip():
        raise FrontMatterError("文件为空。请按员工指南填写 front-matter 和答复正文。")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise FrontMatterError("文件开头没有 front-matter：第一行应为 ---，随后是各字段，再以 --- 结束。", 1)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE), None)
    if end is None:
        raise FrontMatterError("front-matter 没有结束：从第 1 行的 --- 开始后，找不到结束的 --- 行。", 1)
    yaml_text = "\n".join(lines[1:end])
    entries = _entries(yaml_text, first_line=2)
    body = "\n".join(lines[end + 1 :]).strip("\n")
    return Document(entries, body, end + 2)


def _entries(yaml_text: str, first_line: int) -> list[Entry]:
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else None
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


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or ""
    if "\\t" in problem or "tab" in problem:
        return "含有制表符（Tab），请改用空格缩进"
    return f"{problem}（{error.context}）" if error.context else problem


def construct(node: yaml.Node):
    """The Python value of one YAML node (may raise ValueError for impossible dates)."""
    loader = _Loader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
