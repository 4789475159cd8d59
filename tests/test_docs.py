"""The staff guide's field table follows the schema: every field, with its Chinese label."""

import re

from conftest import ROOT
from replies import schema


def test_staff_guide_lists_every_field_with_its_label():
    guide = (ROOT / "docs/staff-guide.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\w+) \| ([^|]+) \|", guide, re.M))
    for field in schema.FIELDS:
        assert rows.get(field.key, "").strip() == field.label, field.key
