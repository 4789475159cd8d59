"""Staff-written introductions of key-suggestion classes and categories.

An introduction is a Markdown file in the intros folder (`classes/` under the content folder):

    ---
    key_group: 推动创新引领开放崛起战略实施，加快中国（湖南）自由贸易试验区创建   # or  category: 口岸建设
    title: 自由贸易试验区创建          # short name for menus (optional)
    slug: zimaoqu                     # address of a key class page (optional)
    ---
    What was done for the class …

They are read and checked together with the replies, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from . import frontmatter
from .validate import Problem

INTRO_KEYS = ("key_group", "category", "title", "slug")
FOLDER = "classes"


@dataclass
class Intro:
    source: str
    kind: str  # "key_group" or "category"
    name: str
    title: str | None
    slug: str | None
    body: str  # Markdown
    html: str = ""  # rendered by the browse plugin with the site's Markdown settings


def load(content_root, folder: str = FOLDER) -> tuple[dict[tuple[str, str], Intro], list[Problem]]:
    """Introductions keyed by (kind, name), and the problems found in them."""
    intros, problems = {}, []
    root = Path(content_root)
    for path in sorted((root / folder).rglob("*.md")) if (root / folder).is_dir() else []:
        source = path.relative_to(root).as_posix()
        try:
            document = frontmatter.split(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            problems.append(Problem(source, 0, "文件不是 UTF-8 编码。请用编辑器另存为 UTF-8。"))
            continue
        except frontmatter.FrontMatterError as error:
            problems.append(Problem(source, error.line or 0, error.message))
            continue
        values = {}
        for entry in document.entries:
            if entry.key not in INTRO_KEYS:
                problems.append(Problem(source, entry.line, f"未知字段 “{entry.key}”。介绍文件允许的字段：{', '.join(INTRO_KEYS)}。"))
            elif not isinstance(entry.node, yaml.ScalarNode) or not entry.node.value.strip():
                problems.append(Problem(source, entry.line, f"字段 {entry.key} 应为非空文本。"))
            else:
                values[entry.key] = entry.node.value.strip()
        kinds = [k for k in ("key_group", "category") if k in values]
        if len(kinds) != 1:
            problems.append(Problem(source, 1, "介绍文件须写明且只写一个：key_group（重点建议类全称）或 category（类别）。"))
            continue
        key = (kinds[0], values[kinds[0]])
        if key in intros:
            problems.append(Problem(source, 1, f"与 {intros[key].source} 介绍的是同一个{'重点建议类' if kinds[0] == 'key_group' else '类别'}。"))
            continue
        intros[key] = Intro(source, kinds[0], values[kinds[0]], values.get("title"), values.get("slug"), document.body)
    return intros, problems
