"""Pages and feeds left as they are when what they show did not change (written/pagekeys.py): a rebuild
after each kind of edit gives the output of a build from nothing, and renders only the pages and feeds
the edit shows on."""

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
# The listings and feeds that show the edited reply, and some that do not.
LISTINGS = {"replies/index.html", "categories/kou-an-jian-she/index.html", "deputies/wang-jianqiu/index.html",
            "deputies/zeng-lijuan/index.html", "key-classes/zimaoqu/index.html", "2017/index.html", "index.html"}
OTHER_LISTINGS = {"categories/dian-zi-shang-wu/index.html", "deputies/chen-ximeng/index.html", "2018/index.html"}
FEEDS = {"feed.atom", "categories/kou-an-jian-she/feed.atom", "deputies/wang-jianqiu/feed.atom",
         "key-classes/zimaoqu/feed.atom"}
OTHER_FEEDS = {"categories/dian-zi-shang-wu/feed.atom", "deputies/chen-ximeng/feed.atom"}


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


@pytest.fixture
def fed(monkeypatch):
    """The paths of the feeds Pelican's writer renders from now on."""
    from pelican import writers

    paths = []
    write_feed = writers.Writer.write_feed

    def recording(self, elements, context, path=None, *args, **kwargs):
        paths.append(path)
        return write_feed(self, elements, context, path, *args, **kwargs)

    monkeypatch.setattr(writers.Writer, "write_feed", recording)
    return paths


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


def test_an_edit_of_the_letter_renders_the_feeds_showing_it_and_no_listing(site, tmp_path, rendered, fed):
    content, out = site
    _edit(content / EDITED, "经研究，现答复如下", "经认真研究，现答复如下")
    build(content, out, **KEEP_OUTPUT)
    assert not (LISTINGS | OTHER_LISTINGS) & set(rendered)
    assert FEEDS <= set(fed) and not OTHER_FEEDS & set(fed)  # a feed shows the letter
    assert "经认真研究" in (out / "feed.atom").read_text(encoding="utf-8")
    assert output_files(out) == _fresh(content, tmp_path)


def test_an_edit_of_the_title_renders_the_listings_and_feeds_showing_it(site, tmp_path, rendered, fed):
    content, out = site
    _edit(content / EDITED, "title: 关于支持京港澳高速宜章", "title: 关于大力支持京港澳高速宜章")
    build(content, out, **KEEP_OUTPUT)
    assert LISTINGS <= set(rendered) and not OTHER_LISTINGS & set(rendered)
    assert FEEDS <= set(fed) and not OTHER_FEEDS & set(fed)
    files = output_files(out)
    assert all("关于大力支持京港澳高速宜章" in files[name] for name in LISTINGS - {"index.html"} | FEEDS)
    assert files == _fresh(content, tmp_path)


def test_a_reply_withheld_since_leaves_the_listings_and_feeds(site, tmp_path, rendered, fed):
    content, out = site
    _edit(content / EDITED, "disclosure: 主动公开", "disclosure: 不予公开\nnondisclosure_reason: 涉及商业秘密")
    build(content, out, **KEEP_OUTPUT)
    # the deputies and the key class that had only this reply have no page and no feed any more
    assert {"replies/index.html", "categories/kou-an-jian-she/index.html", "2017/index.html"} <= set(rendered)
    assert {"feed.atom", "categories/kou-an-jian-she/feed.atom"} <= set(fed)
    files = output_files(out)
    assert not [name for name in LISTINGS | FEEDS if "京港澳高速宜章" in files.get(name, "")]
    assert files == _fresh(content, tmp_path)


def test_a_rebuild_with_nothing_changed_renders_no_reply_page(site, rendered):
    content, out = site
    pages = _reply_pages(p.relative_to(out).as_posix() for p in out.rglob("index.html"))
    assert FAR in pages
    build(content, out, **KEEP_OUTPUT)
    assert not (pages | LISTINGS | OTHER_LISTINGS) & set(rendered)
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
