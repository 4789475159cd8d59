"""The search page in Chromium: typing, filters, following a result, hostile input, no JavaScript, a
sub-path, more results, what a query downloads, accessibility."""

from __future__ import annotations

import gzip
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import ROOT, axe_violations, build
from search import analyzer
from search_support import (SPLIT, generated_site, letter_pieces, read_static_index, reexported_site, result_file,
                            result_files)
from serve import serve

DONE = "() => window.jySearchLast && document.getElementById('search-results').getAttribute('aria-busy') === 'false'"


@pytest.fixture(scope="module")
def sample(sample_site):
    return sample_site


@pytest.fixture(scope="module")
def sample_url(sample):
    with serve(sample) as base:
        yield base


@pytest.fixture(scope="module")
def generated_url(tmp_path_factory):
    _, output = generated_site(tmp_path_factory)
    with serve(output) as base:
        yield base


def _search(page, text: str | None = None, **selects):
    page.evaluate("window.jySearchLast = null")
    if text is not None:
        page.fill("#search-q", text)
    for name, value in selects.items():
        page.select_option(f"#search-{name}", value)
    page.press("#search-q", "Enter")
    page.wait_for_function(DONE)


def _results(page) -> list[dict]:
    return page.eval_on_selector_all("#search-results > li", """items => items.map(li => ({
        href: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').textContent,
        marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent), text: li.textContent}))""")


def test_typing_a_name_finds_the_deputys_replies_and_offers_the_deputy_page(browser_page, sample_url):
    page = browser_page
    page.goto(f"{sample_url}/search/")
    _search(page, "王建球")
    results = _results(page)
    assert [r["href"] for r in results] == ["/2017/sheng-jianyi-0512/"]
    assert "王建球" in results[0]["marks"]
    status = page.inner_text(".js-search-status")
    assert "共找到 1 件答复" in status
    assert page.get_attribute(".js-search-status a", "href") == "/deputies/wang-jianqiu/"
    assert parse_qs(urlparse(page.url).query) == {"q": ["王建球"]}


def test_filters_narrow_the_results_and_the_search_is_a_link(browser_page, sample_url):
    page = browser_page
    page.goto(f"{sample_url}/search/")
    _search(page, "物流")
    everything = [r["href"] for r in _results(page)]
    _search(page, year="2018")
    narrowed = [r["href"] for r in _results(page)]
    assert narrowed and set(narrowed) < set(everything) | set(narrowed)
    assert all(href.startswith("/2018/") for href in narrowed)
    assert any(href.startswith("/2017/") for href in everything)
    assert parse_qs(urlparse(page.url).query) == {"q": ["物流"], "year": ["2018"]}

    link = page.url  # bookmarked or shared: the same answer, the form filled in
    page.goto("about:blank")
    page.goto(link)
    page.wait_for_function(DONE)
    assert [r["href"] for r in _results(page)] == narrowed
    assert page.input_value("#search-q") == "物流" and page.input_value("#search-year") == "2018"


def test_sort_by_date_puts_the_newest_first(browser_page, sample_url):
    page = browser_page
    page.goto(f"{sample_url}/search/?q=口岸&sort=date")
    page.wait_for_function(DONE)
    dates = page.eval_on_selector_all(
        ".jy-search__meta", r"ps => ps.map(p => p.textContent.match(/答复日期 (\d+)年(\d+)月(\d+)日/).slice(1).map(Number))")
    assert len(dates) > 3 and dates == sorted(dates, reverse=True)
    assert page.input_value("#search-sort") == "date"


def test_following_a_result_opens_the_reply(browser_page, sample_url):
    page = browser_page
    page.goto(f"{sample_url}/search/")
    _search(page, "湘商函〔2017〕45号")
    first = _results(page)[0]
    page.click("#search-results > li a")
    page.wait_for_load_state()
    assert page.url == sample_url + first["href"]
    assert page.inner_text("h1") == first["title"]
    assert "湘商函〔2017〕45号" in page.inner_text("main")


def test_query_input_is_never_injected_as_html(browser_page, sample_url):
    page = browser_page
    hostile = '<img src=x onerror="window.injected=1">王建球'
    page.goto(f"{sample_url}/search/?q=" + hostile.replace(" ", "%20"))
    page.wait_for_function(DONE)
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None
    assert page.query_selector("main img") is None
    assert hostile in page.inner_text(".js-search-status")
    _search(page, '"><script>window.injected=2</script> 物流')
    assert page.evaluate("window.injected") is None and page.query_selector("#search-results script") is None


def test_no_results_says_so_and_suggests_browsing(browser_page, sample_url):
    page = browser_page
    page.goto(f"{sample_url}/search/")
    _search(page, "湘商函〔2099〕1号")
    assert _results(page) == []
    assert "没有找到" in page.inner_text(".js-search-status")
    assert page.is_visible(".js-search-empty")
    for name in ("按代表", "按类别", "按年度"):
        assert page.is_visible(f".jy-search__browse a:has-text('{name}')")
    _search(page, "口岸")
    assert _results(page) and not page.is_visible(".js-search-empty")


def test_without_javascript_the_page_offers_the_browse_entry_points(browser, sample_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{sample_url}/search/?q=王建球")
    assert page.is_visible(".jy-search__nojs")
    links = page.eval_on_selector_all(".jy-search__browse a", "as => as.map(a => a.getAttribute('href'))")
    assert links == ["/deputies/", "/categories/", "/key-classes/", "/years/"]
    page.click(".jy-search__browse a >> nth=0")
    assert page.url == f"{sample_url}/deputies/"
    context.close()


def test_the_header_form_leads_to_the_answer(browser_page, sample_url):
    page = browser_page
    page.goto(f"{sample_url}/")
    page.fill("header input[name=q]", "陈喜萌")
    page.press("header input[name=q]", "Enter")
    page.wait_for_function(DONE)
    assert urlparse(page.url).path == "/search/"
    assert [r["href"] for r in _results(page)] == ["/2017/sheng-jianyi-1418/"]


def test_it_works_under_a_sub_path(browser_page, tmp_path):
    output = build(ROOT / "content", tmp_path / "output", SITEURL="/jytabl")
    requested = []
    page = browser_page
    page.on("request", lambda request: requested.append(request.url))
    with serve(output, "/jytabl") as base:
        page.goto(f"{base}/search/")
        _search(page, "wjq")
        assert [r["href"] for r in _results(page)] == ["/jytabl/2017/sheng-jianyi-0512/"]
        page.click("#search-results > li a")
        page.wait_for_load_state()
        assert page.url == f"{base}/2017/sheng-jianyi-0512/"
    origin = base.removesuffix("/jytabl")
    assert all(url.startswith(origin + "/jytabl/") for url in requested), requested


def test_more_results_on_demand(browser_page, generated_url):
    page = browser_page
    page.goto(f"{generated_url}/search/")
    _search(page, "物")
    total = int(page.get_attribute("#search-results", "data-count"))
    assert total > 10 and len(_results(page)) == 5  # SEARCH["page_size"]
    page.click(".js-search-more")
    page.wait_for_function("document.querySelectorAll('#search-results > li').length === 10")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == _results(page)[5]["href"]
    assert page.is_visible(".js-search-more")


def test_a_query_downloads_only_what_it_needs(browser_page, generated_url):
    page = browser_page
    downloads: list[str] = []
    page.on("request", lambda r: downloads.append(r.url.split("/search/index/")[-1].split("?")[0])
            if "/search/index/" in r.url else None)
    page.goto(f"{generated_url}/search/")
    _search(page, "1418")
    assert downloads.count("t2s.gz") == 1  # the query's conversion table, once for the page
    downloads.clear()
    _search(page, "王建球")  # a three-character name: one gram, found in the head of each result
    shown = len(_results(page))
    grams = [d for d in downloads if d.startswith(("g/", "e/", "p/"))]
    assert len(grams) == 1 and grams[0].startswith("g/")
    assert len([d for d in downloads if d.startswith("r/")]) == shown  # one result file each, nothing else
    assert len([d for d in downloads if d.startswith("a/")]) == 1
    assert len(downloads) == 2 + shown
    downloads.clear()
    _search(page, "王建球")  # nothing twice
    assert downloads == []
    _search(page, "香港職業訓練局")  # Traditional characters: converted by the table the first query loaded
    assert not [d for d in downloads if d.startswith(("s/", "t2s"))]
    assert int(page.get_attribute("#search-results", "data-count")) > 5  # results shown, with snippets
    # The letters' Traditional text is converted with each result file's own map: highlighted as written.
    assert "香港職業訓練局" in page.locator(".jy-search__snippet mark").all_inner_texts()
    assert not [d for d in downloads if d.startswith("a/")]  # seven Chinese characters cannot be a name
    downloads.clear()
    _search(page, "感谢您对商务工作")  # in every letter: one entry of its own, no positions
    assert len([d for d in downloads if d.startswith(("g/", "e/"))]) <= 2
    assert not [d for d in downloads if d.startswith("p/")]
    assert int(page.get_attribute("#search-results", "data-count")) > 250


def test_search_page_with_results_has_no_axe_violation(browser_page, sample_url):
    page = browser_page
    page.goto(f"{sample_url}/search/?q=物流%20口岸")
    page.wait_for_function(DONE)
    assert _results(page)
    assert axe_violations(page) == []


def test_highlighting_marks_every_term_as_text(browser_page, sample_url):
    page = browser_page
    page.goto(f"{sample_url}/search/")
    _search(page, "Ｂ２Ｂ 跨境")
    results = _results(page)
    assert results
    for r in results:
        assert any(re.fullmatch("(?i)b2b", m) for m in r["marks"]) and "跨境" in r["marks"], r


@pytest.mark.parametrize("width", [360, 1280])
def test_search_page_with_results_fits_narrow_and_wide_screens(browser, sample_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{sample_url}/search/?q=物流%20口岸")
    page.wait_for_function(DONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 0


def _unique_phrase(index, piece: int) -> tuple[int, str]:
    """(reply, eight characters) from piece `piece` of the reply's letter (past the overlap with the
    previous piece), found in no other text of any reply."""
    results = result_files(index)
    every = [json.dumps(r, ensure_ascii=False) for r in results]
    every += [gzip.decompress(p.read_bytes()).decode("utf-8") for p in index.glob("l/*.gz")]
    for doc in range(len(results)):
        pieces = letter_pieces(index, doc)
        text = pieces[piece] if len(pieces) > piece else ""
        for i in range(60, len(text) - 8):
            phrase = text[i:i + 8]
            if re.fullmatch(r"[\u4e00-\u9fff]{8}", phrase) and sum(phrase in t for t in every) == 1:
                return doc, phrase
    raise AssertionError(f"no unique phrase in piece {piece} of any letter")


@pytest.mark.parametrize("piece", [0, 1])
def test_a_term_in_a_letter_gets_its_snippet_from_the_piece_holding_it(browser_page, sample, sample_url, piece):
    """The positions of a rare phrase come with its grams' entries: its snippet downloads the result file
    and the one piece that holds the phrase, not the pieces before it."""
    index = sample / "search" / "index"
    doc, phrase = _unique_phrase(index, piece)
    result = result_file(index, doc)
    assert phrase not in result["h"] and not any(phrase in value for _, value in result["m"])
    requested = []
    page = browser_page
    page.goto(f"{sample_url}/search/")
    page.on("request", lambda request: requested.append(urlparse(request.url).path))
    _search(page, phrase)
    results = _results(page)
    assert [r["href"] for r in results] == [f"/{result['u']}"]
    assert phrase in "".join(results[0]["marks"])
    assert page.locator(".jy-search__snippet").count() == 1
    files = [p for p in requested if p.startswith(("/search/index/r/", "/search/index/l/"))]
    assert files == [f"/search/index/r/{doc}.gz", f"/search/index/l/{doc}-{piece}.gz"]


def test_a_term_without_positions_reads_the_one_piece_its_code_points_to(browser_page, tmp_path_factory,
                                                                         generated_url):
    """A term shorter than a gram has no positions, but its entry gives each reply's piece code: its
    snippet downloads the result file and the piece holding the term, not the pieces before it."""
    index = generated_site(tmp_path_factory)[1] / "search" / "index"
    every = [json.dumps(r, ensure_ascii=False) for r in result_files(index)]
    every += [gzip.decompress(p.read_bytes()).decode("utf-8") for p in index.glob("l/*.gz")]
    doc, term = next((doc, pieces[2][i:i + 3]) for doc in range(len(result_files(index)))
                     for pieces in [letter_pieces(index, doc)] if len(pieces) > 2
                     for i in range(60, len(pieces[2]) - 3)
                     if re.fullmatch(r"[\u4e00-\u9fff]{3}", pieces[2][i:i + 3])
                     and sum(pieces[2][i:i + 3] in t for t in every) == 1)
    requested = []
    page = browser_page
    page.goto(f"{generated_url}/search/")
    page.on("request", lambda request: requested.append(urlparse(request.url).path))
    _search(page, term)
    assert [r["href"] for r in _results(page)] == [f"/{result_file(index, doc)['u']}"]
    assert term in page.inner_text(".jy-search__snippet mark")
    files = [p for p in requested if p.startswith(("/search/index/r/", "/search/index/l/"))]
    assert files == [f"/search/index/r/{doc}.gz", f"/search/index/l/{doc}-2.gz"]


@pytest.fixture(scope="module")
def chunked_codes_url(tmp_path_factory):
    """The generated site with its index exported again with every piece code of more than one byte in
    chunks of one byte (four members each), and every entry body of more than 48 bytes in a file of its
    own (gzip), as a term in most replies has them in a large corpus."""
    _, site = reexported_site(tmp_path_factory, "chunked-codes",
                              {"INLINE_PIECES": 1, "PIECE_CHUNK_BYTES": 1, "SOLO_BYTES": 48})
    with serve(site) as base:
        yield base, site / "search" / "index"


def test_piece_codes_in_chunks_are_read_for_the_results_shown_only(browser_page, chunked_codes_url):
    """A shorter term in many replies keeps its piece codes in chunk files: a query reads the chunks of
    the results it shows, and each snippet still starts at the piece its code points to."""
    base, index = chunked_codes_url
    static = read_static_index(index)
    entries, size = static["entries"], static["manifest"]["pageSize"]

    def in_metadata(doc, key):  # then its snippet comes from there
        return any(key in analyzer.normalise(value) for _, value in result_file(index, doc)["m"])

    # A two-character term in many replies without it in their head (all of them shown by date), whose
    # first results have letters of four pieces or more (their codes point to a piece each), and one of
    # the first four reads another piece than the first: a code read from another member's bits fails.
    term = next(key for key, (docs, heads, _, codes) in sorted(entries.items(), key=lambda item: -len(item[1][0]))
                if re.fullmatch(r"[\u4e00-\u9fff]{2}", key) and not any(heads)
                and all(result_file(index, doc)["c"] >= 4 for doc in docs[:size])
                and any(codes[m] != codes[0] and not in_metadata(docs[m], key) for m in range(1, 4)))
    docs, _, _, codes = entries[term]
    requested = []
    page = browser_page
    page.goto(f"{base}/search/")
    page.on("request", lambda request: requested.append(urlparse(request.url).path))
    _search(page, term)
    shown = docs[:size]
    assert len(docs) > 40 and [r["href"] for r in _results(page)] == [f"/{result_file(index, d)['u']}" for d in shown]
    assert f"/search/index/e/{term.encode().hex()}.gz" in requested
    assert all(term in r["marks"] for r in _results(page))
    # The chunks of the members shown (a chunk holds four), each once, not the others.
    chunks = [p for p in requested if p.startswith("/search/index/p/")]
    assert len(chunks) == len(set(chunks)) == len({member >> 2 for member in range(size)})
    for doc, code in zip(shown, codes):
        pieces = [p for p in requested if p.startswith(f"/search/index/l/{doc}-")]
        assert in_metadata(doc, term) or pieces[0] == f"/search/index/l/{doc}-{code}.gz"


def test_a_chinese_term_asks_for_a_deputy_only_when_it_can_be_a_key(browser_page, generated_url):
    """Chinese deputy keys longer than a name (parties' committees) are listed in the manifest: a
    five-character phrase downloads no deputy shard, a five-character deputy still finds its page.  The
    first characters of the shorter ones are listed too: a term starting otherwise asks for none."""
    page = browser_page
    downloads: list[str] = []
    page.on("request", lambda r: downloads.append(r.url.split("/search/index/")[-1].split("?")[0])
            if "/search/index/" in r.url else None)
    page.goto(f"{generated_url}/search/")
    manifest = page.evaluate("fetch('/search/index/manifest.json').then(r => r.json())")
    assert "农工党省委" in manifest["deputyLongKeys"] and manifest["deputyKeyLengths"]["other"][1] <= 4
    _search(page, "物流产业园")
    assert _results(page) and not [d for d in downloads if d.startswith("a/")]
    # Nor does a shorter one that starts with no deputy's surname; a name still does.
    assert "物" not in manifest["deputyFirsts"] and "口" not in manifest["deputyFirsts"]
    _search(page, "物流 口岸")
    assert _results(page) and not [d for d in downloads if d.startswith("a/")]
    _search(page, "王建球")
    assert len([d for d in downloads if d.startswith("a/")]) == 1
    downloads.clear()
    _search(page, "农工党省委")
    assert len([d for d in downloads if d.startswith("a/")]) == 1
    assert page.get_attribute(".js-search-status a", "href").startswith("/deputies/")
    assert "农工党省委" in page.inner_text(".jy-search__deputy")


@pytest.fixture(scope="module")
def split_url(tmp_path_factory):
    """The generated site with most entries split (search_support.SPLIT): reply lists in ten segments."""
    _, site = reexported_site(tmp_path_factory, "split", SPLIT)
    with serve(site) as base:
        yield base, site / "search" / "index"


def test_a_split_entry_is_read_as_far_as_the_results_shown(browser_page, split_url, generated_url):
    """物流 (in 210 of 291 replies) has its list in segments, 郴州 (57) not: the query reads the segments
    of 物流 that its first results are in, estimates the count until 精确统计 reads the rest, and shows
    what the site without split entries shows, page by page."""
    base, index = split_url
    page = browser_page
    page.goto(f"{generated_url}/search/")
    _search(page, "物流 郴州")
    page.click(".js-search-more")
    page.wait_for_function("document.querySelectorAll('#search-results > li').length === 10")
    whole, count = [r["href"] for r in _results(page)], page.get_attribute("#search-results", "data-count")
    assert page.get_attribute("#search-results", "data-exact") == "true" and int(count) > 10

    name = "物流".encode().hex()
    segments = len(list((index / "s").glob(f"{name}-*.gz")))
    requested = []
    page.on("request", lambda request: requested.append(urlparse(request.url).path))
    page.goto(f"{base}/search/")
    _search(page, "物流 郴州")
    read = [p for p in requested if p.startswith(f"/search/index/s/{name}-")]
    assert f"/search/index/e/{name}.gz" in requested and 0 < len(read) < segments == 10
    assert [r["href"] for r in _results(page)] == whole[:5]
    assert page.get_attribute("#search-results", "data-exact") == "false"
    status = page.inner_text(".js-search-status")
    estimate = int(page.get_attribute("#search-results", "data-count"))
    assert f"约有 {estimate} 件答复" in status and abs(estimate - int(count)) <= int(count) // 2
    page.click(".js-search-more")
    page.wait_for_function("document.querySelectorAll('#search-results > li').length === 10")
    assert [r["href"] for r in _results(page)] == whole

    page.click(".jy-search__exact")
    page.wait_for_function("document.getElementById('search-results').getAttribute('data-exact') === 'true'")
    assert page.get_attribute("#search-results", "data-count") == count
    assert f"共找到 {count} 件答复" in page.inner_text(".js-search-status")
    assert page.evaluate("document.activeElement.className") == "jy-search__count"
    assert len(set(p for p in requested if p.startswith(f"/search/index/s/{name}-"))) == segments
    assert page.is_visible(".js-search-more")
