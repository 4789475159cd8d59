"""The baseline: the same replies as a bare Pelican site (no plugins, Pelican's default theme).

A bare Pelican cannot read our YAML front-matter, so each reply is copied with Pelican's own `Key: value`
metadata, carrying what a Pelican user would map the fields to:

- Title, Date (the publish date, as our reader sets it), Category, Tags, Slug and Year (the address is
  `{year}/{slug}/`, as ours);
- Authors: the lead deputy and the co-signers, so bare Pelican writes an author page and an author feed
  per deputy, as we write deputy pages and deputy feeds;
- every other field as plain metadata (Pelican keeps unknown keys as strings);
- the same Markdown body: the letter, or only the summary of a 摘要 reply (what we publish);
- withheld replies (not 主动公开) are read but never written: `Status: draft` with DRAFT_SAVE_AS = "".

bench/bareconf.py holds the settings: Pelican's defaults plus what the same site needs (time zone,
language, addresses, pagination of 20 like ours, translations off like ours).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml

BARECONF = Path(__file__).resolve().parent / "bareconf.py"

# Front-matter keys that become Pelican's own metadata; the others are copied as they are.
_OWN = {"title", "tags", "lead", "co_signers", "disclosure", "summary", "disclosure_form"}


def split(text: str) -> tuple[dict, str]:
    """(front-matter, body) of one reply file."""
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


def _value(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return " ".join(str(value).split())


def convert(text: str, slug: str) -> str:
    """One reply file in Pelican's `Key: value` Markdown."""
    data, body = split(text)
    public = data.get("disclosure") == "主动公开"
    summary_only = data.get("disclosure_form") == "摘要"
    lines = [f"Title: {_value(data['title'])}", f"Date: {_value(data.get('publish_date') or data['reply_date'])}",
             f"Slug: {slug}", f"Authors: {_value([data['lead'], *data.get('co_signers', [])])}"]
    if data.get("tags"):
        lines.append(f"Tags: {_value(data['tags'])}")
    if not public:
        lines.append("Status: draft")
    for key, value in data.items():
        if key not in _OWN and key not in ("publish_date",):
            lines.append(f"{key.replace('_', '-').title()}: {_value(value)}")
    text = data["summary"] if summary_only else body
    return "\n".join(lines) + "\n\n" + text.lstrip("\n")


def copy(content: Path, target: Path) -> Path:
    """Write the bare copy of `content`/replies into `target` (a content folder) and return it."""
    source = Path(content) / "replies"
    for path in sorted(source.rglob("*.md")):
        relative = path.relative_to(source)
        out = Path(target) / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(convert(path.read_text(encoding="utf-8"), path.stem), encoding="utf-8")
    return Path(target)
