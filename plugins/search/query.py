"""Searching the Whoosh index: the command line's answers, in the order the search page gives them."""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh.query import And, Term

from . import analyzer, rank
from .document import deputy_keys, normalised_text
from .index import FACETS


@dataclass
class Answer:
    terms: list[str]
    hits: list[dict] = field(default_factory=list)  # records (document.record), ranked
    deputies: list[list[str]] = field(default_factory=list)  # [name, delegation, url] a term names


def term_query(term: str):
    """The Whoosh query of the replies that hold every character of `term` (a superset of those that
    contain it; search() keeps only those whose text contains the term itself)."""
    return And([Term("text", char) for char in sorted(set(term))])


def contains_all(text: str, terms: list[str]) -> bool:
    return all(term in text for term in terms)


def check_filters(filters: dict) -> dict:
    given = {name: value for name, value in (filters or {}).items() if value}
    unknown = set(given) - set(FACETS)
    if unknown:
        raise ValueError(f"unknown filter(s): {', '.join(sorted(unknown))}; known: {', '.join(FACETS)}")
    return given


def search(ix, query: str, filters: dict | None = None, sort: str = "relevance") -> Answer:
    """Every public reply that contains all terms of `query` and has the filter values, ranked (rank.py)."""
    if sort not in ("relevance", "date"):
        raise ValueError(f"sort must be 'relevance' or 'date', not {sort!r}")
    filters = check_filters(filters)
    answer = Answer(analyzer.terms(query))
    if not answer.terms:
        return answer
    whoosh_query = And([term_query(t) for t in answer.terms] + [Term(name, value) for name, value in filters.items()])
    with ix.searcher() as searcher:
        candidates = [searcher.stored_fields(docnum)["record"] for docnum in searcher.docs_for_query(whoosh_query)]
        hits = [r for r in candidates if contains_all(normalised_text(r), answer.terms)]
        pages = {}
        for fields in searcher.all_stored_fields():
            for page in fields["record"]["deputy_pages"]:
                if rank.names_deputy(answer.terms, deputy_keys(page[0])):
                    pages[page[2]] = page
    answer.deputies = [pages[url] for url in sorted(pages)]
    boosted = set(pages)
    if sort == "date":
        answer.hits = sorted(hits, key=rank.date_key)
    else:
        answer.hits = sorted(hits, key=lambda r: (
            not any(page[2] in boosted for page in r["deputy_pages"]),
            -rank.score(answer.terms, analyzer.normalise(r["head"])),
            rank.date_key(r)))
    return answer
