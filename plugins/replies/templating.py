"""What templates get from the reply format: the schema (labels, enumerations) and date filters."""

from __future__ import annotations

import datetime

from . import schema


def cn_date(value) -> str:
    """2017-06-12 -> '2017年6月12日' (dates and datetimes; empty for None)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def add_to_environment(generator) -> None:
    env = generator.env
    env.filters["cn_date"] = cn_date
    env.globals["schema"] = schema
