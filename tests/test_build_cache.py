"""The build cache (replies/cache.py): a rebuild reads, converts and indexes only what changed, and its
site is the one a build from nothing makes."""

from __future__ import annotations

import gc
import logging
import shutil

import pytest

from conftest import ROOT, build, output_files
from replies import cache, disclosure, reader, registry, store, workers
from search import document, generator

EDITED = "replies/2017/sheng-jianyi-0512.md"
CLOSING = "感谢您对商务工作的关心和支持。"
WITHHELD_SENTENCE = "不予公开的答复正文独有句子壬癸"  # of the withheld reply sheng-jianyi-0999.md


@pytest.fixture
def calls(monkeypatch):
    """How many replies were validated, Markdown texts converted and search records made."""
    counted = {"parse": 0, "markdown": 0, "record": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            counted[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(store, "parse_reply", counting("parse", store.parse_reply))
    monkeypatch.setattr(reader.YamlMarkdownReader, "_markdown",
                        counting("markdown", reader.YamlMarkdownReader._markdown))
    monkeypatch.setattr(document, "record", counting("record", document.record))

    def taken():
        result = dict(counted)
        counted.update(parse=0, markdown=0, record=0)
        return result

    return taken


@pytest.fixture
def site(fixture_copy, tmp_path):
    """The `basic` content (a copy to edit) and where it is built, cache beside the output."""
    return fixture_copy("basic"), tmp_path / "site" / "output"


def edit(content, text=CLOSING, new="此外，我厅将继续跟踪落实。\n\n" + CLOSING):
    path = content / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace(text, new, 1), encoding="utf-8")


def fresh_build(content, tmp_path, **settings):
    return output_files(build(content, tmp_path / "fresh" / "output", **settings))


def cache_files(output):
    return sorted((output.parent / "cache").glob("replies/*")) + \
        sorted((output.parent / "cache").glob("search/*/records.marshal"))


def test_rebuild_after_an_edit_is_the_site_a_build_from_nothing_makes(site, tmp_path):
    content, output = site
    build(content, output)
    edit(content)
    rebuilt = output_files(build(content, output))
    assert "此外，我厅将继续跟踪落实。" in rebuilt["2017/sheng-jianyi-0512/index.html"]
    assert rebuilt == fresh_build(content, tmp_path)


def test_rebuild_validates_converts_and_indexes_only_the_edited_reply(site, calls):
    content, output = site
    build(content, output)
    first = calls()
    assert first["parse"] == 5 and first["record"] == 4  # every reply; the public ones have records
    build(content, output)
    pages_only = calls()  # pages and introductions are converted on every build; replies are not
    assert pages_only["parse"] == 2 and pages_only["record"] == 0  # the withheld and the 摘要 reply
    assert pages_only["markdown"] < first["markdown"]
    edit(content)
    build(content, output)
    assert calls() == {"parse": 3, "markdown": pages_only["markdown"] + 1, "record": 1}


def test_no_cache_file_holds_what_may_not_be_published(site):
    """The text of a withheld reply and the letter of a 摘要 reply stay in their files: read every build."""
    content, output = site
    build(content, output)
    cached = b"".join(path.read_bytes() for path in (output.parent / "cache").rglob("*") if path.is_file())
    assert "尊敬的".encode("utf-8") in cached  # published letters are kept
    for secret in ("不予公开的答复正文独有句子壬癸", "关于某保密事项的建议隐匿标题", "便利店全文专用句子甲乙丙"):
        assert secret.encode("utf-8") not in cached


def test_a_rebuild_of_nothing_changed_rewrites_no_cache_file(site):
    content, output = site
    build(content, output)
    written = {path: path.stat().st_mtime_ns for path in cache_files(output)}
    assert len(written) == 4
    build(content, output)
    assert {path: path.stat().st_mtime_ns for path in cache_files(output)} == written


def test_withheld_sentences_a_published_reply_quotes_are_searched_for_again_in_an_edited_reply(site, monkeypatch):
    """Which withheld sentences each published reply contains is kept for the next build (0.4 s of each
    rebuild at 10,000 replies), and worked out again for a reply whose file changes: a sentence a
    published letter comes to quote proves nothing in the output, and one it no longer quotes is a
    secret again."""
    content, output = site
    searched, published_text = [], disclosure._published_text
    monkeypatch.setattr(disclosure, "_published_text",
                        lambda reply: searched.append(reply.source) or published_text(reply))

    def secret_texts():
        searched.clear()
        build(content, output)
        return {s.text for s in registry.store_for({"PATH": str(content)}).secrets}

    assert WITHHELD_SENTENCE in secret_texts() and len(set(searched)) == len(searched) > 1
    published = len(searched)
    assert WITHHELD_SENTENCE in secret_texts() and searched == []  # kept: nothing changed
    edit(content, new=f"经查，{WITHHELD_SENTENCE}。\n\n" + CLOSING)
    assert WITHHELD_SENTENCE not in secret_texts() and searched == [EDITED]  # else the build failed
    assert "经查，" + WITHHELD_SENTENCE in output_files(output)["2017/sheng-jianyi-0512/index.html"]
    edit(content, text=f"经查，{WITHHELD_SENTENCE}。\n\n", new="")
    assert WITHHELD_SENTENCE in secret_texts() and searched == [EDITED]
    withheld = content / "replies/2017/sheng-jianyi-0999.md"  # other secrets: every reply searched again
    withheld.write_text(withheld.read_text(encoding="utf-8") + "\n另有一段不予公开的说明文字子丑寅卯。\n",
                        encoding="utf-8")
    assert "另有一段不予公开的说明文字子丑寅卯" in secret_texts() and len(searched) == published


def test_privacy_allow_list_change_validates_every_reply_again(site, calls):
    content, output = site
    build(content, output)
    calls()
    build(content, output, PRIVACY={"allow": ["湖南省长沙市天心区湘府西路8号"]})
    assert calls()["parse"] == 5


def test_markdown_settings_change_converts_every_reply_again(site, tmp_path, calls):
    content, output = site
    build(content, output)
    first = calls()
    markdown = {"extension_configs": {"markdown.extensions.extra": {}}, "output_format": "html5"}
    rebuilt = output_files(build(content, output, MARKDOWN=markdown))
    assert calls()["markdown"] == first["markdown"]
    assert rebuilt == fresh_build(content, tmp_path, MARKDOWN=markdown)


def test_other_code_makes_every_cache_unusable(site, monkeypatch, calls):
    content, output = site
    build(content, output)
    first = calls()
    version = cache.version
    monkeypatch.setattr(cache, "version", lambda *args, **kwargs: version(*args, **kwargs) + "-edited")
    monkeypatch.setattr(generator, "RECORDS_VERSION", generator.RECORDS_VERSION + "-edited")
    build(content, output)
    assert calls() == first


def test_version_changes_with_the_source_of_a_package(tmp_path, monkeypatch):
    package = tmp_path / "plugin"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "rules.py").write_text("LIMIT = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import plugin

    before = cache.version(plugin, settings=("a",))
    assert cache.version(plugin, settings=("a",)) == before
    assert cache.version(plugin, settings=("b",)) != before
    (package / "rules.py").write_text("LIMIT = 2\n", encoding="utf-8")
    assert cache.version(plugin, settings=("a",)) != before


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_cache_is_not_used_and_the_site_is_right(site, tmp_path, calls, caplog, damage):
    content, output = site
    build(content, output)
    first = calls()
    for path in cache_files(output):
        data = path.read_bytes()
        path.write_bytes({"truncate": data[: len(data) // 2],
                          "flip": data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:],
                          "garbage": cache._MAGIC + b"\x80\x05garbage" * 100,
                          "empty": b""}[damage])
    edit(content)
    # Only the cache's lines at INFO: Pelican's log filter drops any message it has let through before in
    # the process, and other tests expect the search plugin's INFO lines of this fixture.
    with caplog.at_level(logging.INFO, logger="replies.cache"):
        rebuilt = output_files(build(content, output))
    assert calls() == first
    assert rebuilt == fresh_build(content, tmp_path)
    assert sum("working everything out again" in r.getMessage() for r in caplog.records) == 4


def test_a_cache_file_is_written_and_read_a_frame_at_a_time(tmp_path, monkeypatch, caplog):
    """Neither the writer nor the reader holds the serialized form of all values (1 GB of search records
    at 100,000 replies); a file cut at a frame's end, or with a frame damaged, is not used."""
    import marshal

    monkeypatch.setattr(cache, "FRAME_VALUES", 3)
    serialized = []

    class Recording:
        loads = staticmethod(marshal.loads)

        @staticmethod
        def dumps(value):
            serialized.append(len(value))
            return marshal.dumps(value)

    path = str(tmp_path / "values.marshal")
    written = cache.FileCache(path, "v", Recording)
    for i in range(10):
        written.put(f"key{i}", {"text": "答复" * i, "n": i})
    written._write()
    assert serialized == [3, 3, 3, 1]
    assert cache.FileCache(path, "v", marshal).get("key9") == {"text": "答复" * 9, "n": 9}
    assert len(cache.FileCache(path, "v", marshal)._load()) == 10

    data = open(path, "rb").read()
    last = len(b"".join(data.split(b"\n", 3)[:3])) + 3  # where the frames start; then the fourth's
    for _ in range(3):
        last += 12 + int.from_bytes(data[last:last + 8], "little")
    damaged = {"cut at a frame's end": data[:last], "one more byte": data + b"\0",
               "a frame flipped": data[:last - 5] + bytes([data[last - 5] ^ 1]) + data[last - 4:]}
    for name, bytes_ in damaged.items():
        open(path, "wb").write(bytes_)
        with caplog.at_level(logging.INFO, logger="replies.cache"):
            assert cache.FileCache(path, "v", marshal).get("key0") is None, name
    # (Pelican's log filter lets a message through once: the two checksum mismatches log one line.)
    assert {r.getMessage().split("(")[1].split(")")[0] for r in caplog.records} == {
        "checksum mismatch", "more than the frames it counts"}


def _failures(content, output, tmp_path) -> tuple[str, str]:
    """The messages of a rebuild into `output` and of a build from nothing, both stopped by the content."""
    with pytest.raises(store.ContentError) as rebuilt:
        build(content, output)
    with pytest.raises(store.ContentError) as fresh:
        build(content, tmp_path / "fresh" / "output")
    return str(rebuilt.value), str(fresh.value)


def test_an_edit_that_makes_a_reply_invalid_fails_the_rebuild_with_the_same_message(site, tmp_path):
    content, output = site
    build(content, output)
    edit(content, "reply_class: A", "reply_class: E")
    rebuilt, fresh = _failures(content, output, tmp_path)
    assert "答复类别（reply_class）" in rebuilt and rebuilt == fresh
    again, _ = _failures(content, output, tmp_path)  # an invalid file is never kept as valid
    assert again == fresh


def test_a_deleted_attachment_fails_the_rebuild_of_an_unchanged_reply(site, tmp_path):
    content, output = site
    build(content, output)
    (content / "attachments" / "yizhang.csv").unlink()
    rebuilt, fresh = _failures(content, output, tmp_path)
    assert "yizhang.csv" in rebuilt and rebuilt == fresh


def test_caches_are_kept_per_content_folder(site, tmp_path, calls):
    content, output = site
    build(content, output)
    calls()
    other = tmp_path / "other"
    shutil.copytree(content, other)
    edit(other)
    built = output_files(build(other, output))
    assert calls()["parse"] == 5
    assert built == fresh_build(other, tmp_path)


def test_a_cache_that_could_not_be_written_is_worked_out_again(site, tmp_path, monkeypatch, caplog):
    content, output = site

    def full_disk(self):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(cache.FileCache, "_write", full_disk)  # in the forked writers too
        with caplog.at_level(logging.INFO, logger="replies.cache"):
            build(content, output)
    assert sum("could not be written" in r.getMessage() for r in caplog.records) == 4
    assert cache_files(output) == []
    edit(content)
    assert output_files(build(content, output)) == fresh_build(content, tmp_path)
    assert len(cache_files(output)) == 4


def test_letters_converted_in_worker_processes_are_those_the_reader_converts(tmp_path):
    """reader.prerender converts in forked workers what the cache lacks; the reader then takes it."""
    from types import SimpleNamespace

    from markdown import Markdown
    from pelican.settings import read_settings

    from replies import cache, reader

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    texts = [f"尊敬的代表{i}：\n\n一、关于第{i}项[^{i}]。\n\n| 项目 | 数量 |\n|---|---|\n| 甲 | {i} |\n\n"
             f"<script>alert({i})</script>\n\n[^{i}]: 注释{i}。" for i in range(150)]
    replies = [SimpleNamespace(is_public=True, is_summary_only=False, body=text, summary=None) for text in texts]
    replies.append(SimpleNamespace(is_public=False, is_summary_only=False, body="不公开的正文", summary=None))
    rendered = cache.FileCache(str(tmp_path / "markdown.marshal"), "v")
    reader.prerender(replies, rendered, settings, workers=2)
    md = Markdown(**settings["MARKDOWN"])
    assert [rendered.get(reader.text_key(text)) for text in texts] == [reader.convert(md, text) for text in texts]
    assert rendered.get(reader.text_key("不公开的正文")) is None
    assert "<script>" not in rendered.get(reader.text_key(texts[0]))


def test_a_build_makes_fewer_full_garbage_collections(site):
    content, output = site
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        build(content, output)
        assert gc.get_threshold() == workers.COLLECTOR_THRESHOLDS
        assert workers.COLLECTOR_THRESHOLDS[2] > 10
    finally:
        gc.set_threshold(*before)
