"""Reply pages left as they are when their inputs did not change (replies/pagekeys.py): a rebuild after
each kind of edit gives the output of a build from nothing, and renders only the pages the edit shows on."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import FIXTURES, ROOT, build, output_files

EDITED = "replies/2017/sheng-jianyi-0512.md"
PAGE = "2017/sheng-jianyi-0512/index.html"
# Another reply's page (another year and deputy).
FAR = "2018/sheng-tian-0101/index.html"
KEEP_OUTPUT = {"DELETE_OUTPUT_DIRECTORY": False}


@pytest.fixture
def site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basic", content)
    out = build(content, tmp_path / "site" / "output", **KEEP_OUTPUT)
    return content, out


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _fresh(content, tmp_path, **overrides):
    return output_files(build(content, tmp_path / "fresh" / "output", **overrides))


@pytest.fixture
def rendered(monkeypatch):
    """The names of the pages Pelican's writer renders from now on."""
    from pelican import writers

    names = []
    write_file = writers.Writer.write_file

    def recording(self, name, *args, **kwargs):
        names.append(name)
        return write_file(self, name, *args, **kwargs)

    monkeypatch.setattr(writers.Writer, "write_file", recording)
    return names


def _reply_pages(names):
    return {name for name in names if re.fullmatch(r"\d{4}/[^/]+/index\.html", name)}


@pytest.mark.parametrize("old, new, pages", [
    ("经研究，现答复如下", "经认真研究，现答复如下", {PAGE}),  # the letter: shown on its own page only
    # shown on the pages of its neighbours and of the replies that list it as related
    ("title: 关于支持京港澳高速宜章", "title: 关于大力支持京港澳高速宜章", None),
    ("reply_date: 2017-06-12", "reply_date: 2017-06-13", None),
])
def test_a_rebuild_after_an_edit_equals_a_build_from_nothing(site, tmp_path, rendered, old, new, pages):
    content, out = site
    _edit(content / EDITED, old, new)
    build(content, out, **KEEP_OUTPUT)
    assert PAGE in rendered
    if pages is not None:
        assert _reply_pages(rendered) == pages
    assert output_files(out) == _fresh(content, tmp_path)


def test_a_rebuild_with_nothing_changed_renders_no_reply_page(site, rendered):
    content, out = site
    pages = _reply_pages(p.relative_to(out).as_posix() for p in out.rglob("index.html"))
    assert FAR in pages
    build(content, out, **KEEP_OUTPUT)
    assert rendered and not pages & set(rendered)
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert all(page.removesuffix("index.html") in sitemap for page in pages)  # listed though not rendered


def test_a_theme_or_settings_change_renders_every_page_again(site, tmp_path, rendered):
    content, out = site
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    _edit(theme / "templates" / "reply.html", "答复全文</h2>", "答复正文</h2>")
    build(content, out, THEME=str(theme), **KEEP_OUTPUT)
    assert "答复正文" in (out / FAR).read_text(encoding="utf-8")
    rendered.clear()
    build(content, out, THEME=str(theme), SITENAME="另一个栏目", **KEEP_OUTPUT)
    assert FAR in rendered
    assert output_files(out) == _fresh(content, tmp_path, THEME=str(theme), SITENAME="另一个栏目")


def test_a_page_changed_in_the_output_folder_is_written_again(site):
    content, out = site
    original = (out / FAR).read_text(encoding="utf-8")
    (out / FAR).write_text("改过的页面", encoding="utf-8")
    build(content, out, **KEEP_OUTPUT)
    assert (out / FAR).read_text(encoding="utf-8") == original


def test_a_damaged_record_of_keys_renders_every_page(site, tmp_path, rendered):
    content, out = site
    records = list((out.parent / "cache").glob("pages-*.pickle"))
    assert records
    for record in records:
        record.write_bytes(b"\x80not a pickle")
    build(content, out, **KEEP_OUTPUT)
    assert FAR in rendered
    assert output_files(out) == _fresh(content, tmp_path)
