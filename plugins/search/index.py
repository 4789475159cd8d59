"""The Whoosh index of the public replies, kept in Pelican's cache folder and updated incrementally.

One document per public reply: the distinct characters of its normalised searchable text (head, a
newline, body) in the field `text`; the filter values as ID fields; and the reply's record
(document.record, without its normalised text) stored for the command line.  A query term is found by the
replies that hold all its characters, then checked as a substring of their text (query.py): exact, and
an order of magnitude cheaper to index than every gram with its positions.  Each document carries the
hash of its record: a reply whose hash did not change is not indexed again.

A build updates the index in a forked child process (`Indexing`): it inherits the records instead of
receiving a copy, runs while the build writes its pages and the static export, and the memory Whoosh's
writer takes returns to the system when the child exits instead of staying in the build.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import sys
import traceback
from dataclasses import dataclass

from whoosh import index as whoosh_index
from whoosh.analysis import KeywordAnalyzer
from whoosh.fields import ID, STORED, FieldType, Schema
from whoosh.formats import Existence

from . import analyzer

#: Bumped when the schema changes: a new name means a new, empty index.
SCHEMA_VERSION = 2
INDEX_NAME = f"replies{SCHEMA_VERSION}"
FACETS = ("year", "kind", "level", "category", "key_class", "role", "answer_class")
_WHITESPACE = frozenset(analyzer.WHITESPACE)


class _Characters(Existence):
    """Indexes a normalised text by its distinct characters (whitespace aside)."""

    def word_values(self, value, analyzer_, **kwargs):
        for char in sorted(set(value) - _WHITESPACE):
            yield char, 1, 1.0, b""


class CHARACTERS(FieldType):
    """A field whose terms are the distinct characters of an already normalised text."""

    def __init__(self):
        self.format = _Characters()
        self.analyzer = KeywordAnalyzer()
        self.vector = None
        self.scorable = False
        self.stored = False
        self.unique = False


def schema() -> Schema:
    return Schema(key=ID(unique=True, stored=True), hash=STORED, record=STORED, text=CHARACTERS(),
                  **{facet: ID(stored=False) for facet in FACETS})


@dataclass
class Stats:
    added: int = 0  # documents written: new or changed replies
    removed: int = 0  # documents deleted: replies changed, withheld or gone
    kept: int = 0  # unchanged replies, not indexed again

    def __str__(self):
        return f"{self.added} indexed, {self.removed} removed, {self.kept} unchanged"


def directory(settings) -> str:
    """The index of one content folder: builds of other folders sharing the cache never touch it."""
    content = hashlib.sha1(os.path.realpath(settings["PATH"]).encode("utf-8")).hexdigest()[:12]
    return os.path.join(os.path.abspath(settings["CACHE_PATH"]), "search", content)


def exists(folder: str) -> bool:
    return whoosh_index.exists_in(folder, indexname=INDEX_NAME)


def open_index(folder: str, create: bool = False):
    """The index in `folder`; a new empty one when it does not exist (or has an older schema) and `create`."""
    if whoosh_index.exists_in(folder, indexname=INDEX_NAME):
        return whoosh_index.open_dir(folder, indexname=INDEX_NAME)
    if not create:
        raise FileNotFoundError(f"no search index in {folder}")
    os.makedirs(folder, exist_ok=True)
    return whoosh_index.create_in(folder, schema(), indexname=INDEX_NAME)


def update(folder: str, records: list[dict]) -> Stats:
    """Make the index hold exactly `records`, writing only the new and changed ones."""
    ix = open_index(folder, create=True)
    with ix.reader() as reader:
        indexed = {fields["key"]: fields["hash"] for fields in reader.all_stored_fields()}
    wanted = {r["key"]: r for r in records}
    stale = [key for key, digest in indexed.items() if wanted.get(key, {}).get("hash") != digest]
    fresh = [r for key, r in wanted.items() if indexed.get(key) != r["hash"]]
    stats = Stats(added=len(fresh), removed=len(stale), kept=len(wanted) - len(fresh))
    if stale or fresh:
        writer = ix.writer(limitmb=128, timeout=120)  # waits while another build of the same content writes
        for key in stale:
            writer.delete_by_term("key", key)
        for r in fresh:
            writer.add_document(**fields(r))
        writer.commit()
    return stats


class IndexingError(RuntimeError):
    """The index update in the child process failed; the message ends with the child's traceback."""


class Indexing:
    """`update(folder, records)` in a forked child process; `join()` waits for it and returns its Stats.

    Forked, the child shares the build's memory (the records are not copied); it freezes the inherited
    objects so that its garbage collector leaves their pages shared.
    """

    def __init__(self, folder: str, records: list[dict]):
        self.folder = folder
        context = multiprocessing.get_context("fork")
        self._outcome, sender = context.Pipe(duplex=False)
        job = [records]  # emptied once the child is forked: the build alone decides how long it keeps them
        self._process = context.Process(target=_update_and_report, args=(folder, job, sender), name="search-index")
        self._process.start()
        job.clear()
        sender.close()  # the child holds the only sending end: its exit ends recv() below

    def join(self) -> Stats:
        try:
            outcome, value = self._outcome.recv()
        except EOFError:
            outcome, value = "died", None
        finally:
            self._outcome.close()
        self._process.join()
        code = self._process.exitcode
        if outcome == "done" and code == 0:
            return value
        if outcome == "error":
            error, trace = value
            raise IndexingError(f"search: updating the index in {self.folder} failed: {error}\n{trace}")
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        raise IndexingError(f"search: the process updating the index in {self.folder} {how} before it finished")


def _update_and_report(folder: str, job: list, sender) -> None:
    """In the child: update the index with the records in `job` and send ("done", Stats) or
    ("error", (error, traceback)) to the build."""
    gc.freeze()
    try:
        stats = update(folder, job[0])
    except BaseException as error:
        sender.send(("error", (f"{type(error).__module__}.{type(error).__qualname__}: {error}",
                               traceback.format_exc())))
        sys.exit(1)
    sender.send(("done", stats))


def fields(record: dict) -> dict:
    values = {facet: value for facet, value in record["facets"].items() if value}
    stored = {k: v for k, v in record.items() if k != "text"}  # the command line derives it again
    return {"key": record["key"], "hash": record["hash"], "record": stored, "text": record["text"], **values}
