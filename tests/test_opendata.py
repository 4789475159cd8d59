"""Open data of the sample site: replies.json valid against its generated schema, exactly the public replies,
nothing withheld, CSV for Excel, and the same bytes for the same content."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, build
from opendata.generator import options
from replies import schema
from replies import store as store_module

CONTENT = ROOT / "content"
BASE = "http://localhost:8000"
FILES = ("data/replies.json", "data/replies.csv", "data/replies.schema.json", "data/index.html")


@pytest.fixture(scope="module")
def store():
    return store_module.load(CONTENT)


@pytest.fixture(scope="module")
def document(sample_site):
    return json.loads((sample_site / "data/replies.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def json_schema(sample_site):
    return json.loads((sample_site / "data/replies.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def csv_rows(sample_site):
    data = (sample_site / "data/replies.csv").read_bytes()
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def by_number(document, number, year):
    return next(r for r in document["replies"] if r["number"] == number and r["year"] == year)


def test_json_validates_against_its_schema(document, json_schema):
    jsonschema.Draft202012Validator.check_schema(json_schema)
    jsonschema.Draft202012Validator(json_schema, format_checker=jsonschema.FormatChecker()).validate(document)


def test_schema_rejects_what_the_format_forbids(document, json_schema):
    validator = jsonschema.Draft202012Validator(json_schema)
    record = dict(document["replies"][0])
    for bad in ({"reply_class": "E"}, {"kind": "意见"}, {"year": "2017"}, {"nondisclosure_reason": "x"},
                {"body": "x"}):
        assert not validator.is_valid({**document, "replies": [{**record, **bad}]}), bad
    missing = {k: v for k, v in record.items() if k != "title"}
    assert not validator.is_valid({**document, "replies": [missing]})


def test_schema_is_generated_from_the_field_table(json_schema):
    properties = json_schema["$defs"]["reply"]["properties"]
    assert list(properties) == [*schema.PUBLISHED_KEYS, "url", "text"]
    for field in schema.FIELDS:
        if field.key == "nondisclosure_reason":
            assert field.key not in properties
            continue
        spec = properties[field.key]
        assert spec["title"] == field.label and spec["description"].startswith(field.help)
        if field.choices:
            assert [c for c in spec["enum"] if c is not None] == list(field.choices)
        nullable = "null" in spec["type"]
        assert nullable == (not field.required and field.type not in ("list", "attachments")), field.key
    assert properties["reply_class"]["pattern"] == schema.REPLY_CLASS_RE.pattern
    assert properties["year"]["type"] == "integer"
    assert properties["reply_date"] == {**properties["reply_date"], "type": "string", "format": "date"}
    assert json_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json_schema["$id"] == f"{BASE}/data/replies.schema.json"


def test_json_has_exactly_the_public_replies(document, store):
    identities = [(r["level"], r["kind"], r["session"], r["number"]) for r in document["replies"]]
    assert len(identities) == len(set(identities)) == document["count"]
    assert set(identities) == {r.identity for r in store.public}
    assert len(store.public) < len(store.replies)


def test_nothing_withheld_leaves_the_build(sample_site, store):
    text = "".join((sample_site / f).read_text(encoding="utf-8-sig") for f in FILES)
    assert "nondisclosure_reason" not in text and schema.label("nondisclosure_reason") not in text
    for reply in store.replies:
        if not reply.is_public:
            assert reply.title not in text
            assert reply.nondisclosure_reason not in text
            assert reply.body.splitlines()[2][:30] not in text


def test_summary_reply_has_its_summary_and_no_text(sample_site, document, store):
    reply = next(r for r in store.public if r.is_summary_only)
    record = by_number(document, reply.number, reply.year)
    assert record["summary"] == reply.summary and record["text"] is None
    exported = (sample_site / "data/replies.json").read_text(encoding="utf-8") + \
        (sample_site / "data/replies.csv").read_text(encoding="utf-8-sig")
    others = "".join(r.body for r in store.public if not r.is_summary_only)
    letter_only = [line[:20] for line in reply.body.splitlines()
                   if len(line) > 20 and line[:20] not in reply.summary and line[:20] not in others]
    assert letter_only and not any(snippet in exported for snippet in letter_only)


def test_full_text_reply_has_its_letter_as_plain_text(document):
    record = by_number(document, "0512", 2017)
    assert record["text"].startswith("尊敬的王建球代表：\n\n您提出的《关于支持京港澳高速宜章现代国际物流产业园建设的建议》")
    assert "<" not in record["text"] and "**" not in record["text"]
    assert record["url"] == f"{BASE}/2017/sheng-jianyi-0512/"
    assert record["reply_class"] == "A" and record["delegation"] == "郴州代表团" and record["reply_date"] == "2017-06-12"
    assert record["attachments"] == [{"title": "宜章高速公路口岸作业区建设情况说明",
                                      "url": f"{BASE}/attachments/2017/yizhang-kouan-zuoyequ.pdf"}]


def test_every_address_in_the_data_resolves(sample_site, document):
    for record in document["replies"]:
        path = record["url"].removeprefix(BASE + "/")
        assert (sample_site / path / "index.html").is_file(), record["url"]
        for attachment in record["attachments"]:
            assert (sample_site / attachment["url"].removeprefix(BASE + "/")).is_file()


def test_records_are_ordered_by_year_level_kind_session_number(document):
    def key(r):
        return (r["year"], schema.LEVELS.index(r["level"]), schema.KINDS.index(r["kind"]), r["session"],
                int(r["number"]))

    replies = document["replies"]
    assert [key(r) for r in replies] == sorted(key(r) for r in replies)
    assert {r["year"] for r in replies} == {2017, 2018}


def test_csv_is_excel_ready_and_matches_the_json(csv_rows, document):
    data, rows = csv_rows
    assert data.startswith(b"\xef\xbb\xbf")
    header, *body = rows
    assert header[:3] == ["建议（提案）题目", "类型", "层级"] and header[-2:] == ["网址", "答复全文"]
    assert header == [schema.label(k) for k in schema.PUBLISHED_KEYS] + ["网址", "答复全文"]
    assert len(body) == document["count"]
    for row, record in zip(body, document["replies"]):
        assert row[header.index("编号")] == record["number"]  # "0041" keeps its zero
        assert row[header.index("网址")] == record["url"]
        assert row[header.index("附议代表")] == "；".join(record["co_signers"])
        assert row[header.index("答复全文")] == (record["text"] or "")


def test_same_content_gives_identical_files(sample_site, tmp_path):
    again = build(CONTENT, tmp_path / "output")
    for name in FILES:
        assert (again / name).read_bytes() == (sample_site / name).read_bytes(), name


def test_data_page_explains_every_field_and_links_the_files(sample_site, document):
    soup = BeautifulSoup((sample_site / "data/index.html").read_text(encoding="utf-8"), "html.parser")
    rows = {row.th.get_text(strip=True): row.code.get_text() for row in soup.select("main tbody tr")}
    assert rows == {schema.label(k): k for k in schema.PUBLISHED_KEYS} | {"网址": "url", "答复全文": "text"}
    hrefs = {a["href"] for a in soup.select("main a")}
    assert {"/data/replies.json", "/data/replies.csv", "/data/replies.schema.json", "/feed.atom"} <= hrefs
    assert "使用条款" in soup.get_text() and document["terms"] in soup.get_text()
    assert f"{document['count']} 件" in soup.select_one('meta[name="description"]')["content"]


def test_terms_come_from_the_settings(tmp_path):
    out = build(ROOT / "tests/fixtures/basic", tmp_path / "output", OPENDATA={"terms": "可自由使用，请注明来源。"})
    assert json.loads((out / "data/replies.json").read_text(encoding="utf-8"))["terms"] == "可自由使用，请注明来源。"
    assert "可自由使用，请注明来源。" in (out / "data/index.html").read_text(encoding="utf-8")


def test_unknown_opendata_setting_is_rejected():
    with pytest.raises(ValueError, match="Unknown OPENDATA setting.*licence;.*terms"):
        options({"OPENDATA": {"licence": "CC-BY"}})
