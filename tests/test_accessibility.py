"""Browser tests of the sample site: axe-core (WCAG 2.1 A/AA) on every page type, keyboard-only use."""

from __future__ import annotations

import pytest

from conftest import axe_violations
from serve import serve

PAGE_TYPES = {
    "home": "",
    "all replies": "replies/",
    "all replies, page 2": "replies/page/2/",
    "reply": "2017/sheng-jianyi-0512/",
    "summary-only reply": "2017/sheng-jianyi-0324/",
    "co-handled reply": "2017/sheng-jianyi-0785/",
    "proposal": "2017/sheng-tian-0136/",
    "deputy index": "deputies/",
    "deputy": "deputies/wang-jianqiu/",
    "category index": "categories/",
    "category": "categories/kou-an-jian-she/",
    "key class index": "key-classes/",
    "key class": "key-classes/zimaoqu/",
    "year": "2017/",
    "years": "years/",
    "annual report": "report-2017/",
    "open data": "data/",
    "accessibility statement": "accessibility/",
    "search": "search/",
}


@pytest.fixture(scope="module")
def site_url(sample_site):
    with serve(sample_site) as base:
        yield base


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_page_type_has_no_axe_violation(browser_page, site_url, path):
    response = browser_page.goto(f"{site_url}/{path}")
    assert response.ok, path
    assert axe_violations(browser_page) == []


@pytest.mark.parametrize("width", [360, 1280])
def test_reply_page_fits_narrow_and_wide_screens(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{site_url}/2017/sheng-jianyi-0512/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 0


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {text: (e.innerText || '').trim(), href: e.getAttribute('href') || '', tag: e.tagName}; }""")


def _tab_to(page, wanted, limit=300) -> dict:
    """Press Tab until the focused element satisfies `wanted`; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
    raise AssertionError("never reached the element with the keyboard")


def test_skip_link_is_first_and_moves_focus_to_main(browser_page, site_url):
    browser_page.goto(f"{site_url}/deputies/")
    browser_page.keyboard.press("Tab")
    assert _focused(browser_page)["text"] == "跳到正文"
    assert browser_page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("document.activeElement.id") == "main-content"


def test_keyboard_only_walk_from_home_through_deputy_index_to_a_reply(browser_page, site_url):
    page = browser_page
    page.goto(f"{site_url}/")
    _tab_to(page, lambda f: f["text"] == "按代表")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site_url}/deputies/")
    _tab_to(page, lambda f: f["text"] == "W" and f["href"].startswith("#"))
    page.keyboard.press("Enter")
    _tab_to(page, lambda f: f["text"] == "王建球")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site_url}/deputies/wang-jianqiu/")
    _tab_to(page, lambda f: "宜章" in f["text"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site_url}/2017/sheng-jianyi-0512/")
    assert page.locator("h1").inner_text() == "关于支持京港澳高速宜章现代国际物流产业园建设的建议"
