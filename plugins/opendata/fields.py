"""The exported fields: every published field of the reply format, then the reply's address and text.

Labels, types, choices and help all come from replies/schema.py, so a new field there is a new column in
the JSON, the CSV, the JSON Schema and the data page without a change here.
"""

from __future__ import annotations

from replies import schema
from replies.schema import Field

#: Fields a reply file does not hold but the export adds.
EXTRA: tuple[Field, ...] = (
    Field("url", "网址", "url", True, help="本件答复网页的完整地址"),
    Field("text", "答复全文", "str",
          help="公开方式为全文时，答复函的纯文本；公开方式为摘要时不公开全文，此项为空（null）"),
)

FIELDS: tuple[Field, ...] = tuple(schema.FIELD_BY_KEY[key] for key in schema.PUBLISHED_KEYS) + EXTRA
KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS)

#: How the data page names each field type.
TYPE_LABELS = {
    "str": "文本",
    "int": "整数",
    "date": "日期（YYYY-MM-DD）",
    "list": "文本列表",
    "attachments": "附件列表（标题、网址）",
    "url": "网址",
}

#: Separator of list values in one CSV cell (names never contain it).
LIST_SEPARATOR = "；"


def description(field: Field) -> str:
    """The field's help, and for the answer class what each letter means."""
    if field.key == "reply_class":
        meanings = "；".join(f"{letter}：{meaning}" for letter, meaning in schema.REPLY_CLASS_MEANINGS.items())
        return f"{field.help}。{meanings}"
    return field.help


def nullable(field: Field) -> bool:
    """A field the format does not require may be empty: null, or [] for lists."""
    return not field.required and field.type not in ("list", "attachments")
