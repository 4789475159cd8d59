"""`invoke check --fix`: repair what word processors do to reply files, and say what was changed.

Only mechanical repairs whose result is certain: the encoding (GBK/GB18030 or UTF-16 to UTF-8), and
the key lines of the front-matter that frontmatter.key_line_issues reports (full-width colons and
spaces, a missing space after the colon, tabs), plus Chinese field names written as keys (类别 ->
category).  Everything else is left for staff to correct; the check that follows lists it.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import frontmatter, store
from .validate import english_key

_CHINESE_KEY = re.compile(r"^(?P<key>[^\s:：#\-\[{\"'\u3000]+):(?P<after>\s.*|)$")


def fix_file(path: Path, root: Path) -> list[str]:
    """Repair one reply file in place; the changes made, in Chinese (empty when none)."""
    path, root = Path(path), Path(root)
    if path.is_symlink() or not path.is_file() or path.stat().st_size > store.MAX_FILE_BYTES:
        return []
    data = path.read_bytes()
    changes = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = store.legacy_text(data)
        if text is None:
            return []
        encoding = "UTF-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "GBK/GB18030"
        changes.append(f"编码由 {encoding} 转为 UTF-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = frontmatter.normalise_newlines(text[len(bom):]).split("\n")
    changes += _fix_key_lines(lines)
    if changes:
        path.write_bytes((bom + newline.join(lines)).encode("utf-8"))
    return changes


def _fix_key_lines(lines: list[str]) -> list[str]:
    """Repair the front-matter lines of `lines` in place."""
    if not lines or lines[0].rstrip() != frontmatter.FENCE:
        return []
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == frontmatter.FENCE), None)
    if end is None:
        return []
    changes = []
    for issue in frontmatter.key_line_issues(lines[1:end], english_key):
        index = issue.index + 1
        changes.append(f"第 {index + 1} 行 “{lines[index].strip()}” 改为 “{issue.fixed.strip()}”")
        lines[index] = issue.fixed
    for index in range(1, end):
        match = _CHINESE_KEY.match(lines[index])
        if match and english_key(match["key"]):
            fixed = f"{english_key(match['key'])}:{match['after']}"
            changes.append(f"第 {index + 1} 行 “{lines[index].strip()}” 改为 “{fixed.strip()}”")
            lines[index] = fixed
    return changes
