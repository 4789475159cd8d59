"""The quality bar: exactly the replies that contain every term, in the browser and on the command line,
and the same order in both; on the sample content and on a generated corpus.

The ground truth (search_support.Truth) is a Python substring test over each public reply's searchable
text, computed without the index.
"""

from __future__ import annotations

import pytest

from conftest import ROOT
from search import analyzer, query
from search_support import (SPLIT, Truth, corpus, generated_site, read_static_index, reexported_site, result_files,
                            whoosh_index)
from serve import serve

QUERIES = [
    # deputies: two and three characters, rare characters, same-name deputies, surname readings, pinyin
    "李伟", "王建球", "陈喜萌", "王䶮", "䶮", "李𠮷华", "欧阳华", "单志刚", "曾丽娟",
    "wangjianqiu", "wjq", "shanzhigang", "szg", "wangyan", "WJQ",
    # numbers, document numbers, dates
    "1418", "0785", "0512", "湘商函〔2017〕45号", "湘商函〔2017〕4", "〔2017〕", "湘商函〔2099〕1号",
    "省十二届人大七次会议第1418号", "2017年6月12日", "2017-06-12", "0731-8228",
    # phrases and words
    "自由贸易试验区", "物流产业园", "便利店", "冷链物流", "关于支持京港澳高速宜章现代国际物流产业园建设的建议",
    "感谢您对商务工作的关心和支持", "的建议", "满意", "主办", "A类",
    # single characters, Latin and digits
    "物", "港", "䶮", "。", "〔", "B2B", "b2b", "Ｂ２Ｂ", "RCEP", "5G", "2017", "a", "A",
    # Traditional input
    "職業教育", "香港貿易發展局", "貿易", "臺灣",
    # several terms: all must occur
    "物流 口岸", "郴州 物流 2017", "冷链 满意", "王建球 口岸", "李伟 服务贸易", "職業 教育 香港",
    # no match
    "zzzz", "不存在的词语组合", "壬癸", "全文专用句子",
]

FILTERED = [
    ("物流", {"year": "2017"}, "relevance"),
    ("物流", {"year": "2017"}, "date"),
    ("口岸", {"role": "主办", "answer_class": "A"}, "relevance"),
    ("建议", {"kind": "建议", "level": "省"}, "date"),
    ("自由贸易试验区", {"key_class": "zimaoqu"}, "relevance"),
    ("2017", {"category": "口岸建设"}, "relevance"),
    ("李伟", {}, "date"),
    ("wjq", {}, "relevance"),
    ("a", {"kind": "提案"}, "relevance"),
]

BROWSER_SEARCH = """async ([q, filters, sort]) => {
    const index = window.jySearch.page.index;
    const found = await index.search(q, filters, sort);
    await index.more(found, Infinity);  // every result: a query of a split entry finds them as it walks
    const docs = await Promise.all(found.ids.map((id) => index.result(id)));
    return {urls: docs.map((d) => d.u), deputies: found.deputies.map((d) => d[2])};
}"""


def _sites():
    # split: the generated site with most entries split (search_support.SPLIT): the same answers
    return ["sample", "generated", "split"]


@pytest.fixture(scope="module", params=_sites())
def site(request, tmp_path_factory):
    if request.param == "sample":
        content, output = ROOT / "content", request.getfixturevalue("sample_site")
    else:
        content, output = generated_site(tmp_path_factory)
    ix = whoosh_index(content, output)
    if request.param == "split":
        output = reexported_site(tmp_path_factory, "split", SPLIT)[1]
    with serve(output) as base:
        yield {"name": request.param, "truth": Truth(content), "ix": ix, "base": base, "output": output}


@pytest.fixture(scope="module")
def page(site, browser):
    context = browser.new_context()
    opened = context.new_page()
    opened.goto(site["base"] + "/search/")
    opened.wait_for_function("window.jySearch && window.jySearch.page")
    yield opened
    context.close()


def _precision_recall(found: list[str], truth: set[str]) -> tuple[float, float]:
    hits = len(set(found) & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall


def test_the_query_set_means_something(site):
    """Most queries have answers on each corpus, so precision and recall of 1.0 are not vacuous."""
    answered = [q for q in QUERIES if site["truth"].matches(q)]
    assert len(answered) >= (30 if site["name"] == "sample" else 40)
    assert not site["truth"].matches("zzzz") and not site["truth"].matches("全文专用句子")


@pytest.mark.parametrize("q", QUERIES)
def test_command_line_precision_and_recall_are_one(site, q):
    truth = site["truth"].matches(q)
    found = [hit["url"] for hit in query.search(site["ix"], q).hits]
    assert len(found) == len(set(found))
    assert _precision_recall(found, truth) == (1.0, 1.0), (q, sorted(set(found) ^ truth)[:5])


def test_browser_precision_and_recall_are_one(site, page):
    failures = []
    for q in QUERIES:
        truth = site["truth"].matches(q)
        found = page.evaluate(BROWSER_SEARCH, [q, {}, "relevance"])["urls"]
        if len(found) != len(set(found)) or _precision_recall(found, truth) != (1.0, 1.0):
            failures.append((q, sorted(set(found) ^ truth)[:5]))
    assert failures == []


def test_browser_and_command_line_give_the_same_order(site, page):
    different = []
    for q, filters, sort in [(q, {}, "relevance") for q in QUERIES] + FILTERED:
        answer = query.search(site["ix"], q, filters, sort)
        browser = page.evaluate(BROWSER_SEARCH, [q, filters, sort])
        if browser["urls"] != [hit["url"] for hit in answer.hits] or \
                browser["deputies"] != [d[2] for d in answer.deputies]:
            different.append((q, filters, sort))
    assert different == []


def test_filters_keep_exactly_the_matching_replies(site):
    store = site["truth"].store
    for q, filters, _ in FILTERED:
        found = {hit["url"] for hit in query.search(site["ix"], q, filters).hits}
        expected = {url for url in site["truth"].matches(q)
                    for r in store.public if f"{r.year}/{r.slug}/" == url
                    and all(_value(r, name) == value for name, value in filters.items() if name != "key_class")}
        if "key_class" in filters:  # zimaoqu: the free trade zone class, introduced in both content folders
            expected = {u for u in expected for r in store.public
                        if f"{r.year}/{r.slug}/" == u and r.key_group == corpus.KEY_CLASSES[0]}
        assert found == expected, (q, filters)


def _value(reply, name):
    return {"year": str(reply.year), "kind": reply.kind, "level": reply.level, "category": reply.category,
            "role": reply.role, "answer_class": (reply.reply_class or "")[:1]}[name]


def test_a_deputy_name_ranks_their_own_suggestions_first(site):
    """李伟 is also part of other names (李伟华…): the two deputies called 李伟 come first, with their pages."""
    answer = query.search(site["ix"], "李伟")
    own = [any(p[0] == "李伟" for p in hit["deputy_pages"]) for hit in answer.hits]
    assert own == sorted(own, reverse=True)
    if site["name"] != "sample":
        # Same-name deputies stay apart: each has a page of their own, and every one is offered.
        assert sum(own) >= 2 and {"长沙代表团", "衡阳代表团"} <= {d[1] for d in answer.deputies}
        assert len({d[2] for d in answer.deputies}) == len(answer.deputies) >= 2
    pinyin = query.search(site["ix"], "shanzhigang")
    assert pinyin.hits and [d[0] for d in pinyin.deputies] == ["单志刚"]


def _phrases(site) -> list[str]:
    """Phrases longer than a gram, not indexed whole: a few replies holding every gram of the phrase but
    not the phrase (to be rejected), a few holding it (anywhere in the letter), and many holding every
    gram but not all of them the phrase (checked by positions)."""
    import random

    folder = site["output"] / "search" / "index"
    static = read_static_index(folder)["entries"]
    url_of = [r["u"] for r in result_files(folder)]
    rng, chosen, seen = random.Random(3), {"rejected": [], "found": [], "many": []}, set()
    texts = sorted(site["truth"].texts.values())
    for _ in range(4000):
        runs = [run for run in rng.choice(texts).split() if len(run) >= 8]
        if not runs:
            continue
        a, b = rng.choice(runs), rng.choice(runs)
        i, j = rng.randrange(len(a) - 3), rng.randrange(len(b) - 3)
        # Half are taken from a reply, half joined from two places (found nowhere, mostly).
        phrase = a[i:i + 5 + rng.randrange(6)] if rng.random() < 0.5 else a[i:i + 4 + rng.randrange(3)] + b[j:j + 4]
        if phrase in seen or len(phrase) <= analyzer.GRAM or phrase in static or analyzer.terms(phrase) != [phrase]:
            continue
        seen.add(phrase)
        candidates = None
        for _, gram in analyzer.cover(phrase):
            docs = {url_of[d] for d in static[gram][0]} if gram in static else set()
            candidates = docs if candidates is None else candidates & docs
        matches = site["truth"].matches(phrase)
        kind = ("many" if len(matches) < len(candidates) else None) if len(candidates) > 5 else \
            "rejected" if len(matches) < len(candidates) else "found" if matches else None
        if kind and len(chosen[kind]) < 12:
            chosen[kind].append(phrase)
    assert len(chosen["rejected"]) == len(chosen["found"]) == 12
    assert len(chosen["many"]) >= (12 if site["name"] != "sample" else 4)
    return chosen["rejected"] + chosen["found"] + chosen["many"]


def test_a_phrase_is_checked_in_the_replies_that_have_its_grams(site, page):
    """Replies holding every gram of a phrase but not the phrase are rejected, whether the browser checks
    their text (up to a page of them) or the grams' positions; and the phrase is found where it is."""
    different = []
    for q in _phrases(site):
        truth = site["truth"].matches(q)
        found = page.evaluate(BROWSER_SEARCH, [q, {}, "relevance"])["urls"]
        if sorted(found) != sorted(truth) or found != [hit["url"] for hit in query.search(site["ix"], q).hits]:
            different.append(q)
    assert different == []
