"""Atom feeds of the sample site: valid, complete, stable, and never leaking a withheld reply or a 摘要 letter."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, build
from feeds.generator import FeedGenerator, options
from replies import store as store_module
from replies.model import Person

CONTENT = ROOT / "content"
A = "{http://www.w3.org/2005/Atom}"
BASE = "http://localhost:8000"  # pelicanconf.py's FEED_DOMAIN: where `invoke serve` serves a development build


@pytest.fixture(scope="module")
def store():
    return store_module.load(CONTENT)


@pytest.fixture(scope="module")
def feeds(sample_site) -> dict[str, ET.Element]:
    return {p.relative_to(sample_site).as_posix(): ET.parse(p).getroot() for p in sorted(sample_site.rglob("*.atom"))}


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{A}entry")


def links(feed: ET.Element) -> set[str]:
    return {e.find(f"{A}link").get("href") for e in entries(feed)}


def url(reply) -> str:
    return f"{BASE}/{reply.year}/{reply.slug}/"


def test_every_feed_is_atom_with_ids_dates_and_absolute_links(feeds):
    assert {"feed.atom", "categories/kou-an-jian-she/feed.atom", "deputies/shan-zhigang/feed.atom",
            "key-classes/zimaoqu/feed.atom"} <= set(feeds)
    feed_ids = set()
    for path, feed in feeds.items():
        assert feed.tag == f"{A}feed", path
        assert feed.find(f"{A}title").text
        assert feed.find(f"{A}updated").text.startswith("20")
        self_link = feed.find(f"{A}link[@rel='self']").get("href")
        assert self_link == f"{BASE}/{path}"
        feed_ids.add(feed.find(f"{A}id").text)
        assert entries(feed), path
        ids = [e.find(f"{A}id").text for e in entries(feed)]
        assert len(ids) == len(set(ids)), path
        for entry in entries(feed):
            assert entry.find(f"{A}id").text.startswith("tag:localhost,20")
            assert entry.find(f"{A}link").get("href").startswith(BASE + "/")
            assert entry.find(f"{A}published").text and entry.find(f"{A}updated").text
            assert entry.find(f"{A}author/{A}name").text == "湖南省商务厅"
    assert len(feed_ids) == len(feeds)  # Pelican alone would give every feed the site's address as id


def test_all_replies_feed_has_exactly_the_public_replies(store, feeds):
    assert links(feeds["feed.atom"]) == {url(r) for r in store.public}


def test_category_feed_has_its_category(store, feeds):
    assert links(feeds["categories/kou-an-jian-she/feed.atom"]) == {
        url(r) for r in store.public if r.category == "口岸建设"}


def test_key_class_feed_has_its_class(store, feeds):
    assert links(feeds["key-classes/zimaoqu/feed.atom"]) == {
        url(r) for r in store.public if r.key_group and "自由贸易试验区" in r.key_group}


def test_deputy_feed_has_led_and_cosigned_replies(store, feeds):
    led = {url(r) for r in store.public if r.lead == "单志刚"}
    cosigned = {url(r) for r in store.public if "单志刚" in {Person.parse(c).name for c in r.co_signers}}
    assert led and cosigned
    assert links(feeds["deputies/shan-zhigang/feed.atom"]) == led | cosigned


def test_entry_shows_number_lead_and_answer_class(store, feeds):
    reply = next(r for r in store.public if r.number == "0512" and r.year == 2017)
    entry = next(e for e in entries(feeds["feed.atom"]) if e.find(f"{A}link").get("href") == url(reply))
    assert entry.find(f"{A}title").text == reply.title
    summary = entry.find(f"{A}summary").text
    assert "省十二届人大七次会议第0512号" in summary and "领衔代表：王建球" in summary and "答复类别：A" in summary
    content = entry.find(f"{A}content").text
    assert "第0512号" in content and reply.body.splitlines()[0].strip("：") in content


def test_no_feed_names_a_withheld_reply(store, sample_site):
    text = "".join(p.read_text(encoding="utf-8") for p in sample_site.rglob("*.atom"))
    withheld = [r for r in store.replies if not r.is_public]
    assert withheld
    for reply in withheld:
        assert reply.title not in text
        assert f"/{reply.year}/{reply.slug}/" not in text


def test_summary_reply_feeds_its_summary_never_its_letter(store, sample_site, feeds):
    reply = next(r for r in store.public if r.is_summary_only)
    entry = next(e for e in entries(feeds["feed.atom"]) if e.find(f"{A}link").get("href") == url(reply))
    assert reply.summary in entry.find(f"{A}content").text
    text = "".join(p.read_text(encoding="utf-8") for p in sample_site.rglob("*.atom"))
    others = "".join(r.body for r in store.public if not r.is_summary_only)
    letter_lines = [line for line in reply.body.splitlines()
                    if len(line) > 20 and line[:20] not in reply.summary and line[:20] not in others]
    assert letter_lines
    for line in letter_lines:
        assert line[:20] not in text


def test_pages_link_their_feed_in_head_and_visibly(sample_site, feeds):
    for page, feed in (("deputies/shan-zhigang/index.html", "deputies/shan-zhigang/feed.atom"),
                       ("categories/kou-an-jian-she/index.html", "categories/kou-an-jian-she/feed.atom"),
                       ("key-classes/zimaoqu/index.html", "key-classes/zimaoqu/feed.atom"),
                       ("replies/index.html", "feed.atom")):
        soup = BeautifulSoup((sample_site / page).read_text(encoding="utf-8"), "html.parser")
        alternates = [link["href"] for link in soup.select("head link[rel=alternate][type='application/atom+xml']")]
        assert f"/{feed}" in alternates, page
        visible = [a for a in soup.select("main a") if a.get_text().startswith("订阅（Atom）")]
        assert [a["href"] for a in visible] == [f"/{feed}"], page
        assert feed in feeds


def test_feeds_are_identical_when_built_again(sample_site, tmp_path):
    again = build(CONTENT, tmp_path / "output")
    for path in sample_site.rglob("*.atom"):
        assert (again / path.relative_to(sample_site)).read_bytes() == path.read_bytes(), path


def test_published_feeds_use_the_public_address(tmp_path):
    siteurl = "https://example.gov.cn/jytabl"
    out = build(CONTENT, tmp_path / "output", SITEURL=siteurl, FEED_DOMAIN=siteurl)
    feed = ET.parse(out / "deputies/shan-zhigang/feed.atom").getroot()
    assert feed.find(f"{A}link[@rel='self']").get("href") == f"{siteurl}/deputies/shan-zhigang/feed.atom"
    assert feed.find(f"{A}link[@rel='alternate']").get("href") == f"{siteurl}/deputies/shan-zhigang/"
    for entry in entries(feed):
        assert entry.find(f"{A}link").get("href").startswith(f"{siteurl}/20")
        assert entry.find(f"{A}id").text.startswith("tag:example.gov.cn,20")
        assert ":/jytabl/20" in entry.find(f"{A}id").text


def test_development_build_under_a_sub_path_links_into_it(tmp_path):
    out = build(CONTENT, tmp_path / "output", SITEURL="/jytabl")
    feed = ET.parse(out / "feed.atom").getroot()
    assert feed.find(f"{A}link[@rel='self']").get("href") == f"{BASE}/jytabl/feed.atom"
    assert all(href.startswith(f"{BASE}/jytabl/20") for href in links(feed))


def test_unknown_feeds_setting_is_rejected():
    with pytest.raises(ValueError, match="Unknown FEEDS setting.*deputy_feed;.*deputy_feed_atom"):
        options({"FEEDS": {"deputy_feed": "x"}})


def test_feeds_without_browse_plugin_says_how_to_fix():
    # Plugins stay registered for the whole test process, so this is checked on the generator itself.
    generator = SimpleNamespace(settings={}, context={"articles": []})
    with pytest.raises(RuntimeError, match="list 'feeds' after 'browse' in PLUGINS"):
        FeedGenerator.generate_context(generator)
