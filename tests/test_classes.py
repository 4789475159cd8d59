"""Key-class pages with their staff-written introductions; bad introductions stop the build."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from conftest import build
from replies import store as store_module

KEY = "推动创新引领开放崛起战略实施，加快中国（湖南）自由贸易试验区创建"


def soup(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_key_class_page_shows_introduction_then_replies(basic_site):
    page = soup(basic_site, "key-classes/zimaoqu/index.html")
    assert page.h1.get_text(strip=True) == KEY
    assert "已向国务院申报" in page.select_one(".jy-intro").get_text()
    links = [a["href"] for a in page.select(".jy-card a")]
    assert links == ["/2017/sheng-jianyi-0512/"]
    index = soup(basic_site, "key-classes/index.html")
    assert [a["href"] for a in index.select("main .jy-index a")] == ["/key-classes/zimaoqu/"]


def test_key_class_without_introduction_still_gets_a_page(fixture_copy, tmp_path):
    content = fixture_copy("basic")
    (content / "classes/zimaoqu.md").unlink()
    site = build(content, tmp_path / "out")
    pages = list((site / "key-classes").glob("*/index.html"))
    assert len(pages) == 1
    page = soup(site, pages[0].relative_to(site))
    assert page.h1.get_text(strip=True) == KEY and not page.select(".jy-intro")


@pytest.mark.parametrize("text,message", [
    ("---\nkey_group: 甲\nslugg: x\n---\n正文\n", "classes/bad.md:3: 未知字段 “slugg”"),
    ("---\ntitle: 无类名\n---\n正文\n", "classes/bad.md:1: 介绍文件须写明且只写一个：key_group（重点建议类全称）或 category（类别）"),
    ("介绍正文\n", "classes/bad.md:1: 文件开头没有 front-matter"),
])
def test_bad_introduction_is_reported(fixture_copy, text, message):
    content = fixture_copy("basic")
    (content / "classes/bad.md").write_text(text, encoding="utf-8")
    problems = [str(p) for p in store_module.load(content).problems]
    assert len(problems) == 1 and problems[0].startswith(message), problems


def test_category_page_shows_its_introduction(basic_site):
    page = soup(basic_site, "categories/kou-an-jian-she/index.html")
    assert "推进高速公路口岸作业区建设" in page.select_one(".jy-intro").get_text()
    assert not soup(basic_site, "categories/shang-mao-liu-tong/index.html").select(".jy-intro")
