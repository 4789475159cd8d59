"""A build into a folder an earlier build filled leaves it exactly as a build into an empty folder does
(same files, same bytes), writing only what changed (plugins/written)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, build
from replies import disclosure

WITHHELD_PAGE = "2017/sheng-jianyi-0512/index.html"
UNCHANGED_PAGE = "2017/sheng-jianyi-0785/index.html"


def snapshot(output: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None), by path relative to `output`."""
    return {p.relative_to(output).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(output.rglob("*"))}


def withhold(reply: Path) -> None:
    reply.write_text(reply.read_text(encoding="utf-8").replace(
        "disclosure: 主动公开", "disclosure: 不予公开\nnondisclosure_reason: 涉及商业秘密"), encoding="utf-8")


@pytest.fixture
def site(fixture_copy, tmp_path):
    """The basic fixture built once into site/output; rebuilt() builds it again there and checks the
    folder against a build of the same content into an empty folder."""
    content = fixture_copy("basic")
    output = build(content, tmp_path / "site" / "output")
    builds = iter(range(1, 100))

    class Site:
        def __init__(self):
            self.content, self.output = content, output

        def rebuilt(self, **overrides) -> dict[str, bytes | None]:
            build(content, output, **overrides)
            fresh = build(content, tmp_path / f"fresh-{next(builds)}" / "output", **overrides)
            files = snapshot(output)
            assert files.keys() == snapshot(fresh).keys()
            assert files == snapshot(fresh)
            return files

    return Site()


def test_an_edited_letter_rewrites_its_page_and_leaves_unchanged_pages_alone(site):
    edited = site.output / "2017/sheng-jianyi-0512/index.html"
    before = {name: os.stat(site.output / name) for name in (WITHHELD_PAGE, UNCHANGED_PAGE)}
    reply = site.content / "replies/2017/sheng-jianyi-0512.md"
    reply.write_text(reply.read_text(encoding="utf-8").replace("感谢您", "经核实，项目已完成验收。\n\n感谢您"),
                     encoding="utf-8")
    files = site.rebuilt()
    assert "项目已完成验收" in files[WITHHELD_PAGE].decode("utf-8")
    unchanged = os.stat(site.output / UNCHANGED_PAGE)
    assert (unchanged.st_ino, unchanged.st_mtime_ns) == (before[UNCHANGED_PAGE].st_ino,
                                                        before[UNCHANGED_PAGE].st_mtime_ns)
    assert os.stat(edited).st_mtime_ns != before[WITHHELD_PAGE].st_mtime_ns


def test_an_edited_letter_makes_only_its_open_data_record_again(site, monkeypatch):
    from opendata import records

    made = []
    record = records.record
    monkeypatch.setattr(records, "record", lambda article, settings: made.append(article.reply.source)
                        or record(article, settings))
    reply = site.content / "replies/2017/sheng-jianyi-0512.md"
    reply.write_text(reply.read_text(encoding="utf-8").replace("感谢您", "经核实，项目已完成验收。\n\n感谢您"),
                     encoding="utf-8")
    build(site.content, site.output)
    assert made == ["replies/2017/sheng-jianyi-0512.md"]
    files = site.rebuilt()
    assert "项目已完成验收" in files["data/replies.json"].decode("utf-8")
    assert "项目已完成验收" in files["data/replies.csv"].decode("utf-8")


def test_a_reply_withheld_since_leaves_no_trace(site):
    assert (site.output / WITHHELD_PAGE).exists() and (site.output / "attachments/yizhang.csv").exists()
    withhold(site.content / "replies/2017/sheng-jianyi-0512.md")
    files = site.rebuilt()
    assert WITHHELD_PAGE not in files and "2017/sheng-jianyi-0512" not in files
    assert "attachments/yizhang.csv" not in files
    assert not [name for name, data in files.items() if data and "京港澳高速宜章".encode() in data]


def test_a_deleted_reply_leaves_no_file(site):
    (site.content / "replies/2017/sheng-jianyi-0512.md").unlink()
    files = site.rebuilt()
    assert WITHHELD_PAGE not in files


def test_an_added_reply_gets_its_pages(site):
    source = site.content / "replies/2017/sheng-jianyi-0512.md"
    text = source.read_text(encoding="utf-8").replace('number: "0512"', 'number: "0513"')
    (source.parent / "sheng-jianyi-0513.md").write_text(text.replace("京港澳高速宜章", "京港澳高速郴州"),
                                                        encoding="utf-8")
    files = site.rebuilt()
    assert "京港澳高速郴州" in files["2017/sheng-jianyi-0513/index.html"].decode("utf-8")


def test_a_changed_theme_is_written_again(site, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    base = theme / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- 主题已修改 --></body>"),
                    encoding="utf-8")
    (theme / "static/css/charts.css").unlink()
    (theme / "static/css/print.css").write_text("body { color: black; }\n", encoding="utf-8")
    files = site.rebuilt(THEME=str(theme))
    assert "主题已修改" in files[UNCHANGED_PAGE].decode("utf-8")
    assert "theme/css/print.css" in files and "theme/css/charts.css" not in files


def test_files_no_build_produced_are_deleted(site, tmp_path):
    (site.output / "stray.html").write_text("<p>以前留下的</p>", encoding="utf-8")
    (site.output / "deep/er").mkdir(parents=True)
    (site.output / "deep/er/stray.txt").write_text("x", encoding="utf-8")
    (site.output / "2017/stray.html").write_text("x", encoding="utf-8")
    (site.output / "search/index/stray.bin").write_bytes(b"x")  # the index is a build's whole
    outside = tmp_path / "outside.txt"
    outside.write_text("outside", encoding="utf-8")
    (site.output / "linked.txt").symlink_to(outside)
    files = site.rebuilt()
    assert not [name for name in files if "stray" in name or name.startswith("deep") or name == "linked.txt"]
    assert outside.read_text(encoding="utf-8") == "outside"


def test_a_produced_path_taken_by_a_link_is_written_in_its_place(site, tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_text("outside", encoding="utf-8")
    page = site.output / UNCHANGED_PAGE
    page.unlink()
    page.symlink_to(outside)
    site.rebuilt()
    assert not page.is_symlink() and outside.read_text(encoding="utf-8") == "outside"


def test_a_leak_in_an_unchanged_file_fails_the_build_when_the_secrets_change(site):
    """The check skips files unchanged since it last passed only while it searches for the same texts."""
    (site.content / "pages/quote.md").write_text(
        "---\ntitle: 引用\nslug: quote\n---\n一、我厅已会同长沙海关赴宜章现场调研，支持建设高速公路口岸作业区。\n",
        encoding="utf-8")
    build(site.content, site.output)
    quote = site.output / "quote/index.html"
    before = os.stat(quote)
    withhold(site.content / "replies/2017/sheng-jianyi-0512.md")
    for _ in range(2):  # a failed check records nothing: the next build fails too
        with pytest.raises(disclosure.DisclosureError) as error:
            build(site.content, site.output)
        assert {leak.path for leak in error.value.leaks} == {"quote/index.html"}
        assert (os.stat(quote).st_ino, os.stat(quote).st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_an_output_folder_holding_the_content_keeps_it(fixture_copy, tmp_path):
    """As Pelican's own cleaning: nothing is deleted from a folder the content is in."""
    content = fixture_copy("basic")
    sources = snapshot(content)
    with pytest.raises(disclosure.DisclosureError):  # the check reads the withheld reply's own file
        build(content, tmp_path, CACHE_PATH=str(tmp_path / "cache"))
    assert (tmp_path / WITHHELD_PAGE).exists() and snapshot(content) == sources


def test_a_cache_folder_inside_the_output_folder_is_kept(fixture_copy, tmp_path):
    content = fixture_copy("basic")
    output = tmp_path / "output"
    build(content, output, CACHE_PATH=str(output / "cache"))
    build(content, output, CACHE_PATH=str(output / "cache"))
    assert [p for p in (output / "cache/search").rglob("*") if p.is_file()]  # the Whoosh index, kept
