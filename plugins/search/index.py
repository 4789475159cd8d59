"""The Whoosh index of the public replies, kept in Pelican's cache folder and updated incrementally.

One document per public reply: the distinct characters of its normalised searchable text (head, a
newline, body) in the field `text`; the filter values as ID fields; and the reply's record
(document.record, without its normalised text) stored for the command line.  A query term is found by the
replies that hold all its characters, then checked as a substring of their text (query.py): exact, and
an order of magnitude cheaper to index than every gram with its positions.  Each document carries the
hash of its record: a reply whose hash did not change is not indexed again.

A build updates the index in a child process (`Indexing`) while the other generators write their pages,
and the child then writes the static export (export.py): the memory Whoosh's writer and the export take
returns to the system when the child exits instead of staying in the build.
"""

from __future__ import annotations

import atexit
import marshal
import os
import resource
import subprocess
import sys
import time
import traceback
from array import array
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from whoosh import index as whoosh_index
from whoosh.analysis import KeywordAnalyzer
from whoosh.codec import default_codec
from whoosh.fields import ID, STORED, FieldType, Schema
from whoosh.formats import Existence

from written.files import folder_tag

from . import analyzer

#: Bumped when the schema changes: a new name means a new, empty index.
SCHEMA_VERSION = 3
INDEX_NAME = f"replies{SCHEMA_VERSION}"
FACETS = ("year", "kind", "level", "category", "key_class", "role", "answer_class")
_WHITESPACE = frozenset(analyzer.WHITESPACE)


class _Characters(Existence):
    """Indexes a normalised text by its distinct characters (whitespace aside)."""

    def word_values(self, value, analyzer_, **kwargs):
        for char in sorted(set(value) - _WHITESPACE):
            yield char, 1, 1.0, b""


class CHARACTERS(FieldType):
    """A field whose terms are the distinct characters of an already normalised text.

    Scorable although nothing scores it: a scorable field gets a column of document lengths (a byte per
    document), and without one Whoosh asks the file system whether that column exists whenever it reads
    a length (W3PerDocReader.has_column, uncached when the answer is no): for every document when it
    merges segments."""

    def __init__(self):
        self.format = _Characters()
        self.analyzer = KeywordAnalyzer()
        self.vector = None
        self.scorable = True
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
    return os.path.join(os.path.abspath(settings["CACHE_PATH"]), "search", folder_tag(settings["PATH"]))


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


def update(folder: str, records, hashes: dict | None = None) -> Stats:
    """Make the index hold exactly `records`, writing only the new and changed ones.  With `hashes` (the
    key and hash of every record), `records` is a function giving the records of the keys it is given
    (in any order), asked once for the new and changed ones."""
    if hashes is None:
        listed = list(records)
        hashes = {r["key"]: r["hash"] for r in listed}

        def records(keys):
            return (r for r in listed if r["key"] in keys)

    ix = open_index(folder, create=True)
    with ix.reader() as reader:
        indexed = {fields["key"]: fields["hash"] for fields in reader.all_stored_fields()}
    stale = [key for key, digest in indexed.items() if hashes.get(key) != digest]
    fresh = {key for key, digest in hashes.items() if indexed.get(key) != digest}
    stats = Stats(added=len(fresh), removed=len(stale), kept=len(hashes) - len(fresh))
    if stale or fresh:
        # Waits while another build of the same content writes.
        writer = ix.writer(timeout=120, codec=_codec())
        writer.pool = _PostingPool()
        for key in stale:
            writer.delete_by_term("key", key)
        for r in records(fresh):
            writer.add_document(**fields(r))
        writer.commit()
    return stats


def _codec():
    """Whoosh's codec, without the lengths of the documents in the blocks of postings it writes.

    They serve scoring only, which nothing here does (query.py ranks by its own rules), and the writer
    reads each posting's length back from the segment's length column, from disk: 3.8 million reads,
    a third of the indexing time at 10,000 replies."""
    codec = default_codec()
    codec.length_stats = False
    return codec


class _PostingPool:
    """The postings of a Whoosh segment being written, in place of Whoosh's PostingPool.

    Whoosh's pool keeps a tuple per posting (about 160 bytes) and, past its memory limit, sorts and
    pickles them one by one into run files, merged back at commit: two thirds of the indexing time here,
    where nearly every posting is a bare (field, term, document) with weight 1 and no value.  This pool
    keeps a growing array of document numbers per term (4 bytes a posting: 15 MB for the 3.8 million of
    10,000 replies, nothing written to disk) and the rare other weights and values aside; it gives the
    postings back as PostingPool.iter_postings does, sorted by field, term and document.  SegmentWriter
    asks its pool only for add, iter_postings and cleanup (whoosh/writing.py, Whoosh 2.7.4, the last
    release)."""

    def __init__(self):
        self.docs: dict[tuple[str, bytes], array] = {}
        self.other: dict[tuple[str, bytes, int], tuple] = {}

    def add(self, item) -> None:
        fieldname, term, docnum, weight, value = item
        docs = self.docs.get((fieldname, term))
        if docs is None:
            docs = self.docs[fieldname, term] = array("i")
        docs.append(docnum)
        if weight != 1 or value:
            self.other[fieldname, term, docnum] = (weight, value)

    def iter_postings(self):
        other = self.other
        for fieldname, term in sorted(self.docs):
            for docnum in sorted(self.docs[fieldname, term]):
                weight, value = other.get((fieldname, term, docnum), (1.0, b"")) if other else (1.0, b"")
                yield fieldname, term, docnum, weight, value

    def cleanup(self) -> None:
        self.docs, self.other = {}, {}


class IndexingError(RuntimeError):
    """The index update or the static export in the child process failed; the message ends with the
    child's traceback."""


@dataclass
class Done:
    """What the child did: the index update's Stats; with an export, its Summary and the files it made
    (export_or_keep); and the wall and CPU seconds and peak memory of each step (`timings`)."""
    stats: Stats
    summary: object = None
    files: list = None
    timings: dict = None


class Indexing:
    """`update(folder, records)` in a child process, then, given `export` (export_or_keep's arguments
    after the records), the static export of the same records; `join()` waits for it and returns Done.

    The records go to the child through a file (`_Job`), and the child is a new interpreter, not a fork:
    a forked child shares the build's memory only until either side writes to it, and both do (the
    child touches every record it reads, the build every page it renders), so a fork costs about a copy
    of the build's pages by its end.  The export runs there too, after the update, while the build
    renders its pages on the other cores: at 10,000 replies it is some 25 CPU-seconds (and its worker
    processes are forked from the child, whose memory is the records', not the build's), and the build
    needs its result only for the search page.
    """

    def __init__(self, folder: str, records: list[dict], export: dict | None = None):
        self.folder = folder
        os.makedirs(os.path.dirname(folder), exist_ok=True)
        self._job = f"{folder}.{os.getpid()}.records"  # beside the index, one per build process
        _Job.write(self._job, records, export)
        plugins = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        code = f"import sys; sys.path.insert(0, {plugins!r}); from search import index; index._child({self._job!r})"
        self._process = subprocess.Popen([sys.executable, "-c", code, folder], stdin=subprocess.DEVNULL)
        # A build that fails before it waits for the child does not leave it writing the export after it.
        atexit.register(self.stop)

    def stop(self) -> None:
        """End the child without waiting for its work, and remove its files."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._finish()

    def _finish(self) -> dict:
        """The child's outcome, once it has ended; its files removed."""
        atexit.unregister(self.stop)
        try:
            with open(self._job + ".out", "rb") as handle:
                return marshal.load(handle)
        except (OSError, ValueError, EOFError):
            return {}
        finally:
            for path in (self._job, self._job + ".out"):
                if os.path.exists(path):
                    os.remove(path)

    def join(self) -> Done:
        code = self._process.wait()
        outcome = self._finish()
        if code == 0 and "stats" in outcome:
            from .export import Summary  # here: the command line's search loads this module, not the export

            summary = outcome.get("summary")
            return Done(Stats(**outcome["stats"]), summary and Summary(**summary), outcome.get("files"),
                        outcome["timings"])
        if "error" in outcome:
            raise IndexingError(f"search: {outcome['step']} failed: {outcome['error']}\n{outcome['traceback']}")
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        raise IndexingError(f"search: the process updating the index in {self.folder} {how} before it finished")


def _child(job: str) -> None:
    """In the child (argv[1] = the index folder): update the index from the records in `job`, then
    export them when the job says so, and write {"stats", "summary", "files", "timings"} or {"step",
    "error", "traceback"} to `job`.out (marshal: the export's files are 1.6 million names at 100,000
    replies)."""
    from replies.workers import return_free_memory, tune_collector

    tune_collector()  # as in the build: the records are many long-lived objects (at 10,000 replies nine
    # full collections took 0.5 s)
    outcome, timings = {}, {}
    step = f"updating the index in {sys.argv[1]}"
    try:
        with _Job(job) as records:
            with _timed(timings, "index"):
                outcome["stats"] = asdict(update(sys.argv[1], records.of, dict(records.head["hashes"])))
            if records.head["export"] is not None:
                from . import export

                return_free_memory()  # what Whoosh's writer freed, before the export's workers fork
                step = f"the static export into {records.head['export']['folder']}"
                with _timed(timings, "export"):
                    summary, outcome["files"] = export.export_or_keep(list(records.of(None)),
                                                                      **records.head["export"], consume=True)
                outcome["summary"] = summary.__dict__
        outcome["timings"] = timings
    except BaseException as error:
        outcome = {"step": step, "error": f"{type(error).__module__}.{type(error).__qualname__}: {error}",
                   "traceback": traceback.format_exc()}
    finally:
        os.remove(job)  # here too, not only in join(): a build that failed before waiting leaves no file
    with open(job + ".out", "wb") as out:
        marshal.dump(outcome, out)
    sys.exit(0 if "stats" in outcome else 1)


@contextmanager
def _timed(timings: dict, step: str):
    """timings[step] = wall and CPU seconds of the step, its worker processes' included, and the
    child's peak resident memory and its largest worker's, in MB, when it ends."""
    wall, cpu = time.perf_counter(), _cpu()
    yield
    timings[step] = {"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu,
                     "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                     "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _cpu() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


class _Job:
    """The file through which the build hands its records to the child: an 8-byte offset of the head,
    frames of FRAME records (a marshalled list each: marshal reads them in two thirds of the time it
    takes record by record), then the head: every record's key and hash in order, where each frame
    starts, and the export's arguments.  The index update reads only the frames of the records it
    writes (after one edit: one frame, not the 10,000 records it read to find it), the export all."""

    FRAME = 500

    @classmethod
    def write(cls, path: str, records: list[dict], export: dict | None) -> None:
        with open(path, "wb") as out:
            out.write(bytes(8))
            starts = []
            for first in range(0, len(records), cls.FRAME):
                starts.append(out.tell())
                marshal.dump(records[first:first + cls.FRAME], out)
            head = out.tell()
            marshal.dump({"hashes": [(r["key"], r["hash"]) for r in records], "starts": starts, "export": export},
                         out)
            out.seek(0)
            out.write(head.to_bytes(8, "little"))

    def __init__(self, path: str):
        self._handle = open(path, "rb")
        self._handle.seek(int.from_bytes(self._handle.read(8), "little"))
        self.head = marshal.load(self._handle)

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self._handle.close()

    def of(self, keys):
        """The records of `keys` (a set), in order, a frame in memory at a time; all of them for None."""
        if keys is None:
            frames = range(len(self.head["starts"]))
        else:
            order = {key: i for i, (key, _) in enumerate(self.head["hashes"])}
            frames = sorted({order[key] // self.FRAME for key in keys})
        for frame in frames:
            self._handle.seek(self.head["starts"][frame])
            yield from (r for r in marshal.load(self._handle) if keys is None or r["key"] in keys)


def fields(record: dict) -> dict:
    values = {facet: value for facet, value in record["facets"].items() if value}
    stored = {k: v for k, v in record.items() if k != "text"}  # the command line derives it again
    return {"key": record["key"], "hash": record["hash"], "record": stored, "text": record["text"], **values}
