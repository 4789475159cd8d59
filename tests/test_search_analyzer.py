"""The analyzer: normalisation and tokenisation, and the browser's copy of them giving the same answers."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from search import analyzer, export
from search_support import _Bytes, corpus

TRICKY = [
    "", " ", "\u3000\u3000", "王建球", "王䶮", "李𠮷华", "欧阳华", "单志刚", "曾丽娟",
    "湘商函〔2017〕45号", "湘商函[2017]45号", "第1418号", "0785", "0731-82280000",
    "職業教育", "香港貿易發展局", "臺灣區電機電子工業同業公會", "乾隆 乾净 於是 著作",
    "Ｂ２Ｂ平台", "ＷＴＯ规则", "２０１７年版", "B2B O2O RCEP 5G", "ﬁnance ㍿ ① ｶﾞ ＡＢＣ",
    "物流\u200b产业园", "soft\u00adhyphen", "\ufeffBOM开头",
    "tab\tnew\nline\rcr\x0bvt\x0cff\x1cfs\x85nel\xa0nbsp\u2028ls\u2029ps\u202f\u205f\u3000end",
    "ΣΑΣ ΟΔΟΣ", "İstanbul", "Ǆemal", "straße STRASSE", "e\u0301 é",
    "👍🏽 emoji ✔︎", "混合Mixed大小写CASE", "自由贸易试验区", "推动创新引领开放崛起战略实施，加快中国（湖南）自由贸易试验区创建",
    "<img src=x onerror=alert(1)>", "a", "ab", "abc", "abcd",
]


def test_normalise_full_width_traditional_case_and_invisible_characters():
    assert analyzer.normalise("Ｂ２Ｂ") == "b2b"
    assert analyzer.normalise("職業教育") == "职业教育"
    assert analyzer.normalise("物流\u200b产业园") == "物流产业园"
    assert analyzer.normalise("湘商函〔2017〕45号") == "湘商函〔2017〕45号"  # 〔〕 are not full-width forms
    assert analyzer.normalise("\u3000") == " "


def test_ambiguous_characters_that_are_also_simplified_are_kept():
    assert analyzer.normalise("乾隆") == "乾隆"
    assert analyzer.normalise("著作") == "著作"


def test_normalising_twice_changes_nothing():
    for text in TRICKY:
        once = analyzer.normalise(text)
        assert analyzer.normalise(once) == once, text


def test_terms_split_on_whitespace_and_are_distinct():
    assert analyzer.terms("  物流\u3000口岸 物流\t") == ["物流", "口岸"]
    assert analyzer.terms("\u3000 ") == []


def test_grams_have_code_point_positions_and_stop_at_whitespace():
    assert list(analyzer.grams("李𠮷华 ab 1418号")) == [
        (0, "李𠮷华"), (1, "𠮷华"), (2, "华"), (4, "ab"), (5, "b"), (7, "1418"), (8, "418号"), (9, "18号"),
        (10, "8号"), (11, "号")]


def test_plans():
    assert analyzer.plan("李") == ("prefix", "李")
    assert analyzer.plan("王建球") == ("prefix", "王建球")
    assert analyzer.plan("1418") == ("gram", "1418")
    assert analyzer.plan("湘商函〔2017〕45号") == ("phrase", [(0, "湘商函〔"), (4, "2017"), (8, "〕45号")])
    assert analyzer.plan("自由贸易试验区") == ("phrase", [(0, "自由贸易"), (3, "易试验区")])
    for length in range(4, 30):
        offsets = [o for o, _ in analyzer.cover("x" * length)]
        covered = {o + k for o in offsets for k in range(analyzer.GRAM)}
        assert covered == set(range(length)) and offsets[-1] == length - analyzer.GRAM


def _strings() -> list[str]:
    letters = [text for _, text in corpus.generate(6, seed=3)]
    return TRICKY + letters


def test_browser_tokenisation_is_identical(browser_page):
    """search.js, run in Chromium, normalises, splits, tokenises, plans and hashes exactly as Python."""
    strings = _strings()
    table = analyzer.t2s_table()
    page = browser_page
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=(ROOT / "theme" / "js" / "search.js").read_text(encoding="utf-8"))
    result = page.evaluate("""([strings, table]) => {
        const s = window.jySearch, t2s = (ch) => table[ch];
        return strings.map((text) => {
            const normal = s.normalise(text, t2s);
            return {normal: normal, terms: s.terms(normal), grams: s.grams(normal),
                    plans: s.terms(normal).map(s.plan), hashes: s.terms(normal).map(s.keyHash)};
        });
    }""", [strings, table])
    for text, got in zip(strings, result):
        normal = analyzer.normalise(text)
        terms = analyzer.terms(text)
        expected = {
            "normal": normal, "terms": terms, "grams": [list(g) for g in analyzer.grams(normal)],
            "plans": [json.loads(json.dumps(analyzer.plan(t))) for t in terms],
            "hashes": [export.key_hash(t) for t in terms],
        }
        assert got == expected, text[:40]


def test_the_exported_t2s_table_holds_the_characters_the_replies_can_match(tmp_path):
    """The browser's table is analyzer.t2s_table, restricted to the Traditional characters whose
    Simplified form occurs in some normalised text: any other one finds nothing, converted or not."""
    import gzip

    from search.export import _Writer, _write_t2s

    _write_t2s(["职业教育", "香港台湾"], _Writer(str(tmp_path)))
    r = _Bytes(gzip.decompress((tmp_path / "t2s.gz").read_bytes()))
    codes = r.listed()
    table = {}
    for code in codes:
        z = r.v()
        table[chr(code)] = chr(code - (z + 1) // 2 if z & 1 else code + z // 2)
    assert r.at == len(r.data)
    full = analyzer.t2s_table()
    assert table == {k: v for k, v in full.items() if v in set("职业教育香港台湾")}
    assert table["職"] == "职" and table["臺"] == "台" and "貿" not in table  # 贸 occurs in no text
