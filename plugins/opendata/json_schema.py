"""The JSON Schema (draft 2020-12) of replies.json, generated from the field table."""

from __future__ import annotations

from replies import schema

from .fields import FIELDS, description, nullable

DRAFT = "https://json-schema.org/draft/2020-12/schema"

_TYPES = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "url": {"type": "string", "format": "uri"},
    "list": {"type": "array", "items": {"type": "string"}},
    "attachments": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "title": {"type": "string", "title": "附件标题"},
                "url": {"type": "string", "format": "uri", "title": "附件网址"},
            },
            "required": ["title", "url"],
            "additionalProperties": False,
        },
    },
}

#: Rules on a value that the field table keeps outside its Field entries.
_PATTERNS = {"reply_class": schema.REPLY_CLASS_RE.pattern}


def property_schema(field) -> dict:
    spec = {"title": field.label, "description": description(field), **_TYPES[field.type]}
    if field.choices:
        spec["enum"] = list(field.choices)
    if field.key in _PATTERNS:
        spec["pattern"] = _PATTERNS[field.key]
    if nullable(field):
        spec["type"] = [spec["type"], "null"]
        if "enum" in spec:
            spec["enum"].append(None)
    return spec


def generate(schema_url: str, title: str) -> dict:
    """The schema of the whole replies.json document; `schema_url` is its absolute address ($id)."""
    return {
        "$schema": DRAFT,
        "$id": schema_url,
        "title": title,
        "description": "每件主动公开的答复一条记录。每条记录都有全部字段；选填字段没有内容时为 null（列表为空列表）。"
                       "依申请公开和不予公开的答复不在其中。",
        "type": "object",
        "properties": {
            "format_version": {"title": "格式版本", "description": "答复文件格式的版本号", "const": schema.FORMAT_VERSION},
            "publisher": {"title": "发布单位", "type": "string"},
            "terms": {"title": "使用条款", "type": "string"},
            "count": {"title": "答复件数", "type": "integer", "minimum": 0},
            "replies": {"title": "答复", "type": "array", "items": {"$ref": "#/$defs/reply"}},
        },
        "required": ["format_version", "publisher", "terms", "count", "replies"],
        "additionalProperties": False,
        "$defs": {
            "reply": {
                "title": "答复",
                "type": "object",
                "properties": {f.key: property_schema(f) for f in FIELDS},
                "required": [f.key for f in FIELDS],
                "additionalProperties": False,
            },
        },
    }
