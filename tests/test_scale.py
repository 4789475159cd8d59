"""What keeps the build's time linear and its memory flat at 100,000 replies gives the same output:
open-data exports written one record at a time, large output files checked piece by piece."""

from __future__ import annotations

import csv
import html
import io
import json

import pytest

from conftest import FIXTURES
from opendata import records
from replies import disclosure, store

WITHHELD_SENTENCE = "不予公开的答复正文独有句子壬癸"  # tests/fixtures/basic/replies/2017/sheng-jianyi-0999.md


def test_the_json_export_is_the_json_of_its_document(sample_site):
    data = (sample_site / "data/replies.json").read_bytes()
    document = json.loads(data)
    assert document["count"] == len(document["replies"]) > 1
    assert records.to_json(document) == data


def test_the_csv_export_is_rfc_4180_with_a_bom(sample_site):
    data = (sample_site / "data/replies.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    again = io.StringIO()
    csv.writer(again, lineterminator="\r\n").writerows(rows)
    assert data.startswith(b"\xef\xbb\xbf") and again.getvalue().encode("utf-8-sig") == data
    assert len(rows) == 1 + json.loads((sample_site / "data/replies.json").read_bytes())["count"]


def test_a_site_without_replies_exports_empty_lists(tmp_path):
    head = {"format_version": "1", "count": 0}
    count, _ = records.write_exports([], {}, head, tmp_path / "r.json", tmp_path / "r.csv")
    assert count == 0
    assert (tmp_path / "r.json").read_bytes() == records.to_json({**head, "replies": []})
    assert (tmp_path / "r.csv").read_bytes().decode("utf-8-sig").count("\r\n") == 1  # the header


@pytest.fixture(scope="module")
def basic_secrets():
    return disclosure.secrets(store.load(FIXTURES / "basic"))


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


@pytest.mark.parametrize("name,data", [
    # on one line of many, the file read in many pieces
    ("data/big.csv", "编号,标题\r\n" * 40 + f"1418,据了解{WITHHELD_SENTENCE}。\r\n" + "0785,其他\r\n" * 40),
    # escaped for a script, on a late line
    ("search/big.js", "var a = 1;\n" * 60 + f'var s = "{_escaped(WITHHELD_SENTENCE)}";\n'),
    # escaped in a JSON string: found in the JSON reading of the file
    ("data/big.json", '{\n  "replies": [\n' + '    {"t": "其他"},\n' * 30
     + f'    {{"t": "{_escaped(WITHHELD_SENTENCE[:5])}{WITHHELD_SENTENCE[5:]}"}}\n  ]\n}}\n'),
])
def test_large_files_are_checked_in_pieces_as_when_read_whole(tmp_path, monkeypatch, basic_secrets, name, data):
    path = tmp_path / name
    path.parent.mkdir(parents=True)
    path.write_text(data, encoding="utf-8")
    whole = disclosure.leaks(tmp_path, basic_secrets)
    monkeypatch.setattr(disclosure, "LARGE", 64)
    monkeypatch.setattr(disclosure, "PIECE", 16)
    in_pieces = disclosure.leaks(tmp_path, basic_secrets)
    assert [(leak.path, leak.secret.text) for leak in in_pieces] == [(name, WITHHELD_SENTENCE)]
    assert in_pieces == whole


@pytest.mark.parametrize("text", [
    json.dumps({"a": [1, -0, -0.0, 1.5e3, 2e-2, True, None, "x\"y\\z\n\u0001𠮷 中文"], "b": {}, "c": []}, indent=2),
    '{"a":"\\u4e2d\\u6587\\ud842\\udfb7", "b" : [ 1 , 2.0 ,-3E5 ] ,\n "c":"\\/\\b\\f\\r\\t", "d": [ ] }\n',
    json.dumps([{"题目": "关于“建议”的答复"}] * 3, ensure_ascii=True, indent=1),
])
def test_the_json_reading_of_a_large_file_is_json_loads_and_dumps(text):
    pieces = disclosure._pieces(io.BytesIO(text.encode("utf-8")), size=5)
    streamed = "".join(disclosure._JSON_TOKEN.sub(disclosure._json_token, piece) for piece in pieces)
    assert streamed == json.dumps(json.loads(text), ensure_ascii=False)


@pytest.mark.parametrize("text", [
    "&lt;p&gt;答复&lt;/p&gt; &amp;lt; &quot;引&#34;号&#39;",
    "&amp;amp; &lt &copy; &#21477; &nbsp;x &ampx",
    "没有实体", "&", "&&lt;;",
])
def test_unescaping_is_html_unescape(text):
    assert disclosure._unescape(text.encode("utf-8")) == html.unescape(text).encode("utf-8")


def test_half_of_an_escaped_surrogate_pair_does_not_stop_the_check(tmp_path, basic_secrets):
    # json.dumps(ensure_ascii=True) writes 𠮷 as \ud842\udfb7; the \u-decoded view holds its halves
    (tmp_path / "index.js").write_text(f'var s = "\\ud842\\udfb7{_escaped(WITHHELD_SENTENCE)}";', encoding="utf-8")
    found = disclosure.leaks(tmp_path, basic_secrets)
    assert [(leak.path, leak.secret.text) for leak in found] == [("index.js", WITHHELD_SENTENCE)]
