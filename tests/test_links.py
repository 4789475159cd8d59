"""The built sample site holds together: every internal link and asset resolves at the root, under a sub-path
and at a published address; sitemap.xml lists exactly the pages written; canonical URLs and descriptions."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, build
from serve import serve
from sitemap.sitemap import options, url_of

CONTENT = ROOT / "content"
DEV_ORIGIN = "http://localhost:8000"  # pelicanconf.py's FEED_DOMAIN
PUBLISHED = "https://example.gov.cn/jytabl"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
#: Every attribute through which a page refers to another file.
REFERENCES = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"),
              ("iframe", "src"), ("form", "action"), ("object", "data"))


@pytest.fixture(scope="module")
def sites(sample_site, tmp_path_factory):
    """The sample site at the root, under /jytabl, and with the published address: (output, base URL)."""
    made = {"root": (sample_site, DEV_ORIGIN)}  # pelicanconf.py's SITEURL is "": the shared build
    for name, siteurl, overrides in (("subpath", "/jytabl", {}), ("published", PUBLISHED, {"FEED_DOMAIN": PUBLISHED})):
        out = build(CONTENT, tmp_path_factory.mktemp(name) / "output", SITEURL=siteurl, **overrides)
        made[name] = (out, siteurl if siteurl.startswith("http") else DEV_ORIGIN + siteurl)
    return made


def html_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@lru_cache(maxsize=None)
def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page_url(base: str, relative: str) -> str:
    return f"{base}/{url_of(relative)}"


def resolve(site: Path, base: str, address: str) -> tuple[Path | None, str]:
    """The output file an absolute address names, or None with the reason."""
    parts, home = urlsplit(address), urlsplit(base)
    if (parts.scheme, parts.netloc) != (home.scheme, home.netloc):
        return None, "another site"
    prefix = home.path.rstrip("/") + "/"
    if not parts.path.startswith(prefix) and parts.path != prefix.rstrip("/"):
        return None, f"outside {prefix}"
    relative = unquote(parts.path[len(prefix):])
    target = site / (relative + "index.html" if relative == "" or relative.endswith("/") else relative)
    return (target, "") if target.is_file() else (None, "no such file")


def broken_references(site: Path, base: str) -> list[str]:
    problems = []
    for relative in html_files(site):
        soup = soup_of(site / relative)
        here = page_url(base, relative)
        for tag, attribute in REFERENCES:
            for element in soup.find_all(tag, attrs={attribute: True}):
                value = element[attribute]
                if value.startswith(("mailto:", "tel:")):
                    continue
                address = urljoin(here, value)
                target, why = resolve(site, base, address)
                if why == "another site" and tag == "a":
                    continue  # a plain link to another site loads nothing by itself
                if target is None:
                    problems.append(f"{relative}: <{tag} {attribute}={value!r}>: {why}")
                    continue
                fragment = urlsplit(address).fragment
                if fragment and target.suffix == ".html" and not soup_of(target).find(id=unquote(fragment)):
                    problems.append(f"{relative}: <{tag} {attribute}={value!r}>: no id {fragment!r}")
    return problems


@pytest.mark.parametrize("name", ["root", "subpath", "published"])
def test_every_internal_link_and_asset_resolves(sites, name):
    site, base = sites[name]
    assert len(html_files(site)) > 150
    assert broken_references(site, base) == []


def test_the_crawler_finds_a_broken_link(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="/jytabl/a/">a</a> <a href="/jytabl/b/">b</a> '
                                         '<a href="/elsewhere/">c</a> <a href="#nowhere">d</a>'
                                         '<img src="https://cdn.example.com/x.png" alt="">', encoding="utf-8")
    (tmp_path / "a/index.html").write_text("<p>a</p>", encoding="utf-8")
    problems = broken_references(tmp_path, DEV_ORIGIN + "/jytabl")
    assert [p.split(": ", 2)[-1] for p in problems] == [
        "no such file", "outside /jytabl/", "no id 'nowhere'", "another site"]


def sitemap_locations(site: Path) -> list[tuple[str, str | None]]:
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == f"{SM}urlset"
    return [(u.find(f"{SM}loc").text, getattr(u.find(f"{SM}lastmod"), "text", None)) for u in root]


@pytest.mark.parametrize("name", ["root", "subpath", "published"])
def test_sitemap_lists_every_page_written_and_each_resolves(sites, name):
    site, base = sites[name]
    locations = [loc for loc, _ in sitemap_locations(site)]
    assert len(locations) == len(set(locations))
    resolved = []
    for loc in locations:
        target, why = resolve(site, base, loc)
        assert target is not None, f"{loc}: {why}"
        resolved.append(target.relative_to(site).as_posix())
    assert sorted(resolved) == html_files(site)


def test_sitemap_dates_reply_pages_by_publication(sites):
    site, base = sites["published"]
    dated = dict(sitemap_locations(site))
    assert dated[f"{PUBLISHED}/2017/sheng-jianyi-0324/"] == "2017-07-20"  # publish_date, not reply_date
    assert dated[f"{PUBLISHED}/"] is None


def test_sub_path_site_served_over_http(sites):
    """Every sitemap page, and every asset and feed those pages load, over HTTP under /jytabl."""
    site, base = sites["subpath"]
    with serve(site, "/jytabl") as served:
        origin = served.removesuffix("/jytabl")
        assets = set()
        for loc, _ in sitemap_locations(site):
            with urllib.request.urlopen(served + loc.removeprefix(base)) as response:
                soup = BeautifulSoup(response.read().decode("utf-8"), "html.parser")
            assets |= {e.get("href") or e.get("src") for e in soup.select("link[href], script[src], img[src]")}
        assert any(a.endswith(".css") for a in assets) and "/jytabl/feed.atom" in assets
        for asset in sorted(assets):
            assert asset.startswith("/jytabl/"), asset
            with urllib.request.urlopen(origin + asset) as response:
                assert response.status == 200 and response.read(), asset


def test_removed_reply_leaves_the_sitemap_and_the_output(fixture_copy, tmp_path):
    content = fixture_copy("basic")
    out = tmp_path / "output"
    build(content, out)
    assert any(loc.endswith("/2018/sheng-tian-0101/") for loc, _ in sitemap_locations(out))
    (content / "replies/2018/sheng-tian-0101.md").unlink()
    build(content, out)  # into the same folder, which is not emptied first
    assert not (out / "2018/sheng-tian-0101").exists()
    locations = [loc for loc, _ in sitemap_locations(out)]
    assert not any("sheng-tian-0101" in loc for loc in locations)
    assert any(loc.endswith("/2017/sheng-jianyi-0512/") for loc in locations)


def test_published_pages_name_their_canonical_address(sites):
    site, base = sites["published"]
    for relative in html_files(site):
        canonical = soup_of(site / relative).select('link[rel="canonical"]')
        assert [c["href"] for c in canonical] == [page_url(base, relative)], relative


def test_development_pages_have_no_canonical_address(sites):
    site, _ = sites["subpath"]
    assert not any(soup_of(site / r).select('link[rel="canonical"]') for r in html_files(site))


def test_every_page_describes_itself(sites):
    site, _ = sites["root"]
    descriptions = {}
    for relative in html_files(site):
        tags = soup_of(site / relative).select('head meta[name="description"]')
        assert len(tags) == 1 and len(tags[0]["content"].strip()) >= 10, relative
        descriptions[relative] = tags[0]["content"]
    assert "省十二届人大七次会议第0512号" in descriptions["2017/sheng-jianyi-0512/index.html"]
    assert "单志刚" in descriptions["deputies/shan-zhigang/index.html"]
    assert "口岸建设" in descriptions["categories/kou-an-jian-she/index.html"]
    assert "JSON" in descriptions["data/index.html"]
    # Apart from paginated listings, pages of one kind share no description: each says what it holds.
    first_pages = {r: d for r, d in descriptions.items() if "/page/" not in r}
    assert len(set(first_pages.values())) == len(first_pages)


def test_unknown_sitemap_setting_is_rejected():
    with pytest.raises(ValueError, match="Unknown SITEMAP setting.*path;.*save_as"):
        options({"SITEMAP": {"path": "x.xml"}})
