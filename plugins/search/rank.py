"""The order of results, one definition for the command line (here) and the browser (search.js).

- Date order: reply date, newest first; then publish date, newest first; then address.  The static
  index numbers the replies in this order, so "sort by date" is sorting by number.
- Relevance: first the replies of the deputies a query term names (led or co-signed; a term names a
  deputy when it is the deputy's name, full pinyin or pinyin initials); then by score, highest first,
  where each term scores 2 when it occurs in the head (subject, numbers, deputies) and 1 otherwise;
  ties in date order.
"""

from __future__ import annotations

import datetime


def date_key(record: dict) -> tuple:
    reply_day = datetime.date.fromisoformat(record["date"]).toordinal()
    publish_day = datetime.date.fromisoformat(record["publish_date"]).toordinal()
    return (-reply_day, -publish_day, record["url"])


def score(terms: list[str], normalised_head: str) -> int:
    return sum(2 if term in normalised_head else 1 for term in terms)


def names_deputy(terms: list[str], deputy_keys) -> bool:
    return any(term in deputy_keys for term in terms)
