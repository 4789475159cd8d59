"""The search plugin in a build: public replies only, summaries not letters, incremental, a faithful export."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import signal
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, ROOT, build
from search import analyzer, generator, query
from search_support import Truth, generated_site, letter_pieces, read_static_index, result_files, whoosh_index


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    out = tmp_path_factory.mktemp("search-basic") / "output"
    build(FIXTURES / "basic", out)
    return out


def _ix(output, content=FIXTURES / "basic"):
    return whoosh_index(content, output)


def _urls(answer) -> list[str]:
    return [hit["url"] for hit in answer.hits]


def test_only_public_replies_are_indexed(basic):
    truth = Truth(FIXTURES / "basic")
    with _ix(basic).searcher() as searcher:
        keys = {fields["key"] for fields in searcher.all_stored_fields()}
        stored = json.dumps([f["record"] for f in searcher.all_stored_fields()], ensure_ascii=False)
    assert keys == set(truth.texts)
    assert "sheng-jianyi-0999" not in stored and "隐代表甲" not in stored and "壬癸" not in stored
    assert _urls(query.search(_ix(basic), "壬癸")) == []
    assert _urls(query.search(_ix(basic), "隐代表甲")) == []
    static = read_static_index(basic / "search" / "index")
    assert "壬癸" not in static["entries"] and "隐代" not in static["entries"]


def test_a_summary_reply_is_indexed_by_its_summary_never_its_letter(basic):
    ix = _ix(basic)
    assert _urls(query.search(ix, "连锁便利店发展的指导意见")) == ["2017/sheng-jianyi-1418/"]
    assert _urls(query.search(ix, "全文专用句子")) == []
    static = read_static_index(basic / "search" / "index")
    assert "甲乙丙" not in static["entries"] and "专用句" not in static["entries"]
    index = basic / "search" / "index"
    texts = [json.dumps(r, ensure_ascii=False) for r in result_files(index)]
    texts += [gzip.decompress(p.read_bytes()).decode("utf-8") for p in index.glob("l/*.gz")]
    assert any("指导意见" in t for t in texts) and not any("全文专用句子" in t for t in texts)


@pytest.mark.parametrize("content", ["basic", "sample"])
def test_the_static_index_holds_exactly_the_grams_of_the_searchable_texts(tmp_path_factory, content):
    """Read back with an independent reader: every gram of every reply, its replies, head flags, positions."""
    folder = FIXTURES / "basic" if content == "basic" else ROOT / "content"
    out = build(folder, tmp_path_factory.mktemp(f"search-export-{content}") / "output")
    truth = Truth(folder)
    static = read_static_index(out / "search" / "index")
    results = result_files(out / "search" / "index")
    url_of = [r["u"] for r in results]
    assert sorted(url_of) == sorted(truth.texts)
    expected: dict[str, set] = {}
    for url, text in truth.texts.items():
        for position, gram in analyzer.grams(text):
            for length in range(1, len(gram) + 1):
                expected.setdefault(gram[:length], set()).add(url)
    grams = {key for key in static["entries"] if len(key) <= analyzer.GRAM}
    assert grams == set(expected)
    # Longer keys are frequent phrases: exactly the replies that contain them, and many of them.
    phrases = {key for key in static["entries"] if len(key) > analyzer.GRAM}
    assert phrases or content == "basic"
    for key in phrases:
        expected[key] = {url for url, text in truth.texts.items() if key in text}
        assert len(expected[key]) >= 50, key
    # The texts the browser checks phrases against (r/ and l/) are the texts the positions point into.
    shown, pieces_of = {}, {}
    for i, (url, text) in enumerate(zip(url_of, results)):
        letter = _letter(out / "search" / "index", i)
        head = analyzer.normalise(text["h"])
        shown[url] = (head + "\n" + analyzer.normalise("\n".join([v for _, v in text["m"]] + [letter])), len(head))
        assert head == truth.heads[url]
        pieces_of[url] = ([analyzer.normalise(v) for _, v in text["m"]],
                          [analyzer.normalise(p) for p in letter_pieces(out / "search" / "index", i)])
    codes, size = 0, static["manifest"]["letterPiece"]
    for key, (ids, heads, positions, pieces) in static["entries"].items():
        urls = [url_of[i] for i in ids]
        assert set(urls) == expected[key], key
        assert heads == [key in truth.heads[u] for u in urls], key
        # A shorter key tells, for a reply without it in the head, the letter piece that first holds it
        # (code 0 also when the metadata does; the last code also for a later piece).
        assert (pieces is not None) == (len(key) < analyzer.GRAM), key
        for url, code in zip(urls, pieces or []):
            if code is not None:
                meta, letter = pieces_of[url]
                first = 0 if not code and any(key in value for value in meta) else next(
                    k for k, piece in enumerate(letter) if 0 <= piece.find(key) < size)  # where it starts
                assert code == min(first, 3), (key, url)
                codes += code > 0
        if positions is not None:
            for url, tagged in zip(urls, positions):
                text, head_length = shown[url]
                assert [t >> 1 for t in tagged] == [i for i in range(len(text)) if text.startswith(key, i)], key
                assert all((t & 1) == ((t >> 1) > head_length) for t in tagged), key
    assert codes > 100 or content == "basic"  # many replies hold a shorter key only in a later piece


def _letter(index, doc: int) -> str:
    """A reply's letter from its overlapping pieces, checking that each piece overlaps the next."""
    pieces = letter_pieces(index, doc)
    size = json.loads((index / "manifest.json").read_text(encoding="utf-8"))["letterPiece"]
    for piece, following in zip(pieces, pieces[1:]):
        assert len(piece) > size and following.startswith(piece[size:])
    return "".join(piece[:size] for piece in pieces[:-1]) + (pieces[-1] if pieces else "")


def test_letter_pieces_are_files_of_one_folder(tmp_path_factory):
    """Every piece of a letter is l/<doc>-<k>.gz, never empty, and l/ holds nothing else (no folder per
    reply); the result file holds none of the letter."""
    _, output = generated_site(tmp_path_factory)
    folder = output / "search" / "index"
    results = result_files(folder)
    expected = {f"{doc}-{k}.gz" for doc, r in enumerate(results) for k in range(r["c"])}
    assert len(expected) > 2 * len(results)  # most letters have several pieces
    assert sorted(p.name for p in (folder / "l").iterdir()) == sorted(expected)
    assert all(p.is_file() and p.stat().st_size > 0 for p in (folder / "l").iterdir())
    assert all(set(r) == {"t", "u", "n", "x", "d", "p", "h", "m", "c", "s"} for r in results)
    # A metadata label is its number in the manifest's list, not its text in every file.
    raw = [json.loads(gzip.decompress(p.read_bytes())) for p in (folder / "r").iterdir()]
    assert {label for r in raw for label, _ in r["m"]} == set(range(len(json.loads(
        (folder / "manifest.json").read_text(encoding="utf-8"))["metaLabels"])))


def test_a_result_file_converts_its_own_traditional_characters(tmp_path_factory):
    """The browser normalises a reply's texts with its result file's map instead of the s/ tables: each
    text, and each character (as highlighting does), comes out as the analyzer normalises it."""
    import unicodedata

    def as_the_browser(text: str, mapping: dict) -> str:
        text = unicodedata.normalize("NFKC", text)
        return "".join(mapping.get(c, c) for c in text if c not in analyzer.IGNORED).lower()

    _, output = generated_site(tmp_path_factory)
    folder = output / "search" / "index"
    results = result_files(folder)
    assert sum(bool(r["s"]) for r in results) > 5
    table = analyzer.t2s_table()
    for doc, r in enumerate(results):
        texts = [r["t"], r["n"], r["x"], r["p"], r["h"], *(v for pair in r["m"] for v in pair), *letter_pieces(folder, doc)]
        for text in texts:
            assert as_the_browser(text, r["s"]) == analyzer.normalise(text), text
            assert all(as_the_browser(c, r["s"]) == analyzer.normalise(c) for c in text), text
        assert set(r["s"]) <= set(table) and all(k in "".join(texts) for k in r["s"])  # nothing else


def test_no_character_of_the_traditional_table_is_a_composition():
    """export.traditional normalises characters one by one, not whole texts: a text's NFKC can hold a
    character the table converts only where one of its characters' NFKC does, because no such
    character can be composed from others (a composition has a canonical decomposition)."""
    import unicodedata

    table = analyzer.t2s_table()
    composed = [c for c in table if unicodedata.decomposition(c) and not unicodedata.decomposition(c).startswith("<")]
    assert len(table) > 2000 and composed == []


def test_unchanged_replies_are_not_indexed_again(fixture_copy, tmp_path, caplog):
    content = fixture_copy("basic")
    out = tmp_path / "output"
    caplog.set_level(logging.INFO, logger="search")
    build(content, out)
    assert "search: 4 indexed, 0 removed, 0 unchanged" in caplog.text and " files written)" in caplog.text
    generation = _ix(out, content).latest_generation()

    caplog.clear()
    build(content, out)
    assert "search: 0 indexed, 0 removed, 4 unchanged" in caplog.text
    assert "(kept from the previous build)" in caplog.text  # nor exported again
    assert _ix(out, content).latest_generation() == generation  # nothing was written

    reply = content / "replies" / "2017" / "sheng-jianyi-0512.md"
    reply.write_text(reply.read_text(encoding="utf-8").replace("高速公路口岸作业区", "高速公路口岸新作业区"), encoding="utf-8")
    caplog.clear()
    build(content, out)
    assert "search: 1 indexed, 1 removed, 3 unchanged" in caplog.text and " files written)" in caplog.text
    assert _urls(query.search(_ix(out, content), "口岸新作业区")) == ["2017/sheng-jianyi-0512/"]

    withheld = content / "replies" / "2018" / "sheng-tian-0101.md"
    text = withheld.read_text(encoding="utf-8").replace("disclosure: 主动公开", "disclosure: 不予公开\nnondisclosure_reason: 测试")
    withheld.write_text(text, encoding="utf-8")
    caplog.clear()
    build(content, out)
    assert "search: 0 indexed, 1 removed, 3 unchanged" in caplog.text and " files written)" in caplog.text
    assert _urls(query.search(_ix(out, content), "民盟省委")) == []
    static = read_static_index(out / "search" / "index")
    assert static["manifest"]["docs"] == 3 and "民盟省" not in static["entries"]
    # Its address, subject, lead and category are nowhere in the index: no file of the last one is left.
    for path in (out / "search" / "index").rglob("*"):
        if path.is_file():
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            text = data.decode("utf-8", "replace")
            assert not any(trace in text for trace in ("sheng-tian-0101", "农村", "民盟", "电子商务")), path


def test_settings_are_checked():
    with pytest.raises(ValueError, match="Unknown SEARCH setting.*page_sise"):
        generator.options({"SEARCH": {"page_sise": 5}})
    with pytest.raises(ValueError, match="page_size"):
        generator.options({"SEARCH": {"page_size": 0}})
    with pytest.raises(ValueError, match="unknown filter.*colour"):
        query.check_filters({"colour": "red"})


def test_the_search_page_is_a_real_form_with_filters_and_browse_links(tmp_path):
    out = build(FIXTURES / "basic", tmp_path / "output", SITEURL="/jytabl")
    soup = BeautifulSoup((out / "search" / "index.html").read_text(encoding="utf-8"), "html.parser")
    form = soup.select_one("main form[role=search]")
    assert form["method"] == "get" and form["action"] == "/jytabl/search/"
    assert form["data-index"] == "/jytabl/search/index/" and form["data-site"] == "/jytabl/"
    field = form.select_one("input[name=q]")
    assert soup.select_one(f"label[for={field['id']}]").get_text(strip=True)
    selects = {s["name"]: [o["value"] for o in s.select("option")] for s in form.select("select")}
    assert set(selects) == {"year", "kind", "level", "category", "key_class", "role", "answer_class", "sort"}
    # The only C reply is withheld: its values are not offered.
    assert selects["year"] == ["", "2018", "2017"] and selects["answer_class"] == ["", "A", "B"]
    assert selects["key_class"] == ["", "zimaoqu"]
    for select in form.select("select"):
        assert soup.select_one(f"label[for={select['id']}]")
    assert soup.select_one("#search-results") is not None
    links = {a["href"] for a in soup.select(".jy-search__browse a")}
    assert links == {"/jytabl/deputies/", "/jytabl/categories/", "/jytabl/key-classes/", "/jytabl/years/"}
    script = soup.select_one("script[src]")["src"]
    path, _, version = script.partition("?v=")
    assert path == "/jytabl/search/search.js" and version and (out / "search" / "search.js").is_file()
    minified = (out / "search" / "search.js").read_text(encoding="utf-8")
    source = (ROOT / "theme" / "js" / "search.js").read_text(encoding="utf-8")
    assert "window.jySearch" in minified and len(minified) < 0.8 * len(source)  # comments and indents gone
    assert not list(out.glob("theme/**/search.js"))  # the source is not copied as a dead file
    assert not re.search(r"https?://", str(soup.select("script, link")))  # nothing from a third party


def test_every_other_page_has_the_search_form_in_its_header(basic):
    for page in ("index.html", "2017/sheng-jianyi-0512/index.html", "deputies/index.html"):
        soup = BeautifulSoup((basic / page).read_text(encoding="utf-8"), "html.parser")
        form = soup.select_one("header form[role=search]")
        assert form is not None and form["method"] == "get" and form["action"] == "/search/", page
        assert soup.select_one(f"label[for={form.select_one('input[name=q]')['id']}]"), page


def test_spilling_keys_to_disk_in_partitions_writes_the_same_index(tmp_path, monkeypatch):
    """Large corpora are exported by partition, in worker processes: the same entries as in one piece."""
    from search import export

    whole = build(ROOT / "content", tmp_path / "whole" / "output") / "search" / "index"
    monkeypatch.setattr(export, "PARTITION_REPLIES", 8)  # 71 replies: 16 partitions, two worker processes
    parts = build(ROOT / "content", tmp_path / "parts" / "output", SEARCH={"workers": 2}) / "search" / "index"
    expected, got = read_static_index(whole), read_static_index(parts)
    assert len(got["entries"]) > 1000 and got["entries"] == expected["entries"]
    assert any(len(key) > analyzer.GRAM for key in got["entries"])  # frequent phrases included
    for folder in ("r", "l", "f", "a"):
        files = sorted(p.relative_to(whole) for p in (whole / folder).rglob("*") if p.is_file())
        assert files and all((whole / f).read_bytes() == (parts / f).read_bytes() for f in files)


def _stored_records(ix) -> list[dict]:
    """The records a build indexed, with their normalised texts again (as document.record gives them)."""
    from search import document

    with ix.searcher() as searcher:
        stored = [fields["record"] for fields in searcher.all_stored_fields()]
    return [{**record, "text": document.normalised_text(record)} for record in stored]


def _contents(folder) -> tuple[list, list]:
    """An index's stored fields and every (field, term, keys of its documents), in order."""
    from search import index

    with index.open_index(str(folder)).reader() as reader:
        stored = list(reader.all_stored_fields())
        postings = [(name, term, sorted(reader.stored_fields(d)["key"] for d in reader.postings(name, term).all_ids()
                                        if not reader.is_deleted(d)))
                    for name, term in reader.all_terms()]
    return stored, postings


def test_the_index_updated_in_a_child_process_equals_one_updated_here(basic, tmp_path):
    from search import index

    records = _stored_records(_ix(basic))
    indexing = index.Indexing(str(tmp_path / "child"), records)
    assert indexing._process.pid != os.getpid()
    assert str(indexing.join().stats) == "4 indexed, 0 removed, 0 unchanged"
    assert str(index.update(str(tmp_path / "here"), records)) == "4 indexed, 0 removed, 0 unchanged"
    stored, postings = _contents(tmp_path / "child")
    assert len(stored) == 4 and len(postings) > 100
    assert (stored, postings) == _contents(tmp_path / "here")
    # Nothing changed: the child writes nothing.
    generation = index.open_index(str(tmp_path / "child")).latest_generation()
    assert str(index.Indexing(str(tmp_path / "child"), records).join().stats) == "0 indexed, 0 removed, 4 unchanged"
    assert index.open_index(str(tmp_path / "child")).latest_generation() == generation


def test_the_child_process_exports_what_an_export_here_writes(basic, tmp_path):
    """The build's child writes the static export after the index update, in place of the build."""
    from search import export, index

    records = _stored_records(_ix(basic))
    target = tmp_path / "exported"
    done = index.Indexing(str(tmp_path / "ix"), records, export={
        "slot": str(tmp_path / "slot"), "folder": str(target), "page_size": 5, "workers": 2}).join()
    assert str(done.stats) == "4 indexed, 0 removed, 0 unchanged"
    export.export(records, str(tmp_path / "here"), 5)
    written = {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert sorted(done.files) == sorted(written) and len(written) > 50
    assert written == {p.relative_to(tmp_path / "here").as_posix(): p.read_bytes()
                       for p in (tmp_path / "here").rglob("*") if p.is_file()}
    assert done.summary.docs == 4 and done.summary.files == len(written) and not done.summary.reused
    assert set(done.timings) == {"index", "export"}
    assert all(t["wall"] > 0 and t["peak_mb"] > 0 for t in done.timings.values())


def test_a_failed_export_in_the_child_is_an_error_naming_it(basic, tmp_path):
    from search import index

    (tmp_path / "file").write_text("not a folder")
    target = tmp_path / "file" / "index"
    indexing = index.Indexing(str(tmp_path / "ix"), _stored_records(_ix(basic)), export={
        "slot": str(tmp_path / "slot"), "folder": str(target), "page_size": 5, "workers": 1})
    with pytest.raises(index.IndexingError) as raised:
        indexing.join()
    assert str(raised.value).startswith(f"search: the static export into {target} failed: ")
    assert "Traceback" in str(raised.value)
    assert index.exists(str(tmp_path / "ix"))  # the update before it was done


def test_indexing_does_not_ask_the_file_system_once_per_posting(basic, tmp_path, monkeypatch):
    """Whoosh looks up a field's length column on disk for each posting it writes unless the column
    exists (3.8 million stat calls at 10,000 replies, a fifth of the indexing time)."""
    from search import index
    from whoosh.filedb.filestore import FileStorage

    records = _stored_records(_ix(basic))
    calls = []
    real = FileStorage.file_exists
    monkeypatch.setattr(FileStorage, "file_exists", lambda self, name: calls.append(name) or real(self, name))
    index.update(str(tmp_path / "ix"), records)
    _, postings = _contents(tmp_path / "ix")
    assert sum(len(docs) for _, _, docs in postings) > 400
    # Not even once per document for the short ID fields (key, filters): the writer reads no lengths.
    lengths = [name for name in calls if "_len" in name]
    assert len(lengths) <= 2, lengths


def test_indexing_does_not_read_the_documents_lengths_back(basic, tmp_path, monkeypatch):
    """Lengths serve scoring only, which nothing does: Whoosh's writer would read each posting's
    document length back from disk (3.8 million reads at 10,000 replies, a third of the indexing)."""
    from search import index
    from whoosh.codec.whoosh3 import W3PerDocReader

    def refuse(self, docnum, fieldname, default=0):
        raise AssertionError(f"read the length of {fieldname} in document {docnum}")

    records = _stored_records(_ix(basic))
    monkeypatch.setattr(W3PerDocReader, "doc_field_length", refuse)
    index.update(str(tmp_path / "ix"), records)
    monkeypatch.undo()
    assert _contents(tmp_path / "ix") == _contents(whoosh_index(FIXTURES / "basic", basic).storage.folder)


def test_the_indexing_child_imports_no_generator():
    """The child imports the search package for its index module only: the generator's imports (the
    browse plugin with its pinyin tables) would cost it half a second of CPU."""
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'plugins')!r}); from search import index; "
            "print(sorted(name for name in ('search.generator', 'browse') if name in sys.modules))")
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert imported.strip() == "[]"


def test_the_compact_posting_pool_writes_the_index_whoosh_s_own_pool_writes(basic, tmp_path, monkeypatch):
    from search import index
    from whoosh.writing import PostingPool

    records = _stored_records(_ix(basic))
    # Updates that each change one reply and add one: Whoosh merges the small segments, adding their
    # postings (document numbers and weights as stored) to the pool of the segment being written.
    versions = [records]
    for n in range(6):
        latest = [dict(r) for r in versions[-1]]
        latest[n % 4] = {**latest[n % 4], "hash": f"changed {n}", "text": latest[n % 4]["text"] + f"第{n}次修改"}
        latest.append({**records[n % 4], "key": f"extra/{n}/", "hash": f"extra {n}"})
        versions.append(latest)
    for version in versions:
        index.update(str(tmp_path / "compact"), version)
    monkeypatch.setattr(index, "_PostingPool", lambda: PostingPool(_run_storage(tmp_path / "runs"), None))
    for version in versions:
        index.update(str(tmp_path / "whoosh"), version)
    compact, whoosh = _contents(tmp_path / "compact"), _contents(tmp_path / "whoosh")
    assert len(compact[0]) == 10 and sum(len(docs) for _, _, docs in compact[1]) > 800
    assert len(index.open_index(str(tmp_path / "compact"))._segments()) < len(versions)  # merged
    assert compact == whoosh


def _run_storage(folder):
    """Where Whoosh's own pool writes its run files."""
    from whoosh.filedb.filestore import FileStorage

    folder.mkdir(exist_ok=True)
    return FileStorage(str(folder))


def test_a_failed_index_update_fails_the_build_with_its_error(fixture_copy, tmp_path):
    from search import index

    content = fixture_copy("basic")
    out = build(content, tmp_path / "output")
    folder = index.directory({"PATH": str(content), "CACHE_PATH": str(tmp_path / "cache")})
    for toc in (tmp_path / "cache").rglob("*.toc"):
        toc.write_bytes(b"not an index")  # a damaged index: Whoosh cannot open it
    with pytest.raises(index.IndexingError) as raised:
        build(content, out)
    message = str(raised.value)
    assert message.startswith(f"search: updating the index in {folder} failed: whoosh.index.IndexError: ")
    assert "Traceback" in message and "open_index" in message


def test_a_killed_index_process_is_an_error(basic, tmp_path):
    from search import index

    indexing = index.Indexing(str(tmp_path / "index"), _stored_records(_ix(basic)))
    indexing._process.send_signal(signal.SIGKILL)
    with pytest.raises(index.IndexingError, match=r"the process updating the index in .* was killed by signal 9"):
        indexing.join()
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "index"])  # the records' file is gone


def test_a_stopped_index_process_ends_and_leaves_no_file(basic, tmp_path):
    """A build that fails before it waits (the disclosure check of its pages) stops the child."""
    from search import index

    indexing = index.Indexing(str(tmp_path / "index"), _stored_records(_ix(basic)), export={
        "slot": str(tmp_path / "slot"), "folder": str(tmp_path / "exported"), "page_size": 5, "workers": 1})
    indexing.stop()
    assert indexing._process.returncode is not None
    assert not any(p.name.endswith((".records", ".out")) for p in tmp_path.iterdir())


def test_the_child_reads_only_the_frames_of_the_records_it_is_asked_for(tmp_path, monkeypatch):
    """After one edit the index update needs one record: it reads one frame of the job file, not all."""
    from search import index

    monkeypatch.setattr(index._Job, "FRAME", 3)
    records = [{"key": f"{i}/", "hash": f"h{i}", "text": "文" * i} for i in range(10)]
    path = tmp_path / "job"
    index._Job.write(str(path), records, {"page_size": 5})
    with index._Job(str(path)) as job:
        assert job.head["hashes"] == [(r["key"], r["hash"]) for r in records] and len(job.head["starts"]) == 4
        assert job.head["export"] == {"page_size": 5}
        assert list(job.of(None)) == records
        assert list(job.of({"9/", "4/"})) == [records[4], records[9]]
        first, second = job.head["starts"][:2]
    data = bytearray(path.read_bytes())
    data[first:second] = b"\xff" * (second - first)  # the first frame unreadable: it must not be read
    path.write_bytes(bytes(data))
    with index._Job(str(path)) as job:
        assert list(job.of({"4/"})) == [records[4]]
        with pytest.raises(ValueError):
            list(job.of({"1/"}))


def test_a_site_too_large_for_the_child_is_exported_by_the_build_the_same(basic, tmp_path, monkeypatch):
    """Above EXPORT_IN_CHILD_REPLIES the build exports after its pages, with the same index, and a
    rebuild from that export then takes the child's way as usual."""
    def index_of(output):
        folder = output / "search" / "index"
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    monkeypatch.setattr(generator, "EXPORT_IN_CHILD_REPLIES", 3)  # the basic fixture has 4 public replies
    calls = []
    real = generator.export.export_or_keep
    monkeypatch.setattr(generator.export, "export_or_keep", lambda *a, **k: calls.append(1) or real(*a, **k))
    large = build(FIXTURES / "basic", tmp_path / "large" / "output")
    assert calls == [1]  # in this process
    assert index_of(large) == index_of(basic) and len(index_of(large)) > 50
    monkeypatch.setattr(generator, "EXPORT_IN_CHILD_REPLIES", 4)
    assert index_of(build(FIXTURES / "basic", large)) == index_of(basic) and calls == [1]
