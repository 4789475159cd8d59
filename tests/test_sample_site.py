"""The sample content: valid, consistent with the seed report, fully built, and leak-free."""

from __future__ import annotations

import datetime
import re

import pytest

from conftest import ROOT, output_files
from replies import store as store_module
from replies.check import check

CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def sample():
    return store_module.load(CONTENT)


@pytest.fixture(scope="module")
def files(sample_site):
    return output_files(sample_site)


def test_sample_content_passes_the_check():
    problems, count = check([], CONTENT)
    assert problems == [] and count > 60


def test_2017_matches_the_seed_report(sample):
    suggestions = [r for r in sample.replies if r.year == 2017 and r.kind == "建议" and r.level == "省"]
    assert len(suggestions) == 53
    assert sum(r.role == "主办" for r in suggestions) == 34
    assert sum(r.role == "会办" for r in suggestions) == 19
    assert all(r.reply_date < datetime.date(2017, 8, 1) for r in suggestions)
    titles = {r.title: r for r in suggestions}
    assert titles["关于扶持和规范我省连锁便利店行业发展的建议"].lead == "陈喜萌"
    assert titles["关于支持京港澳高速宜章现代国际物流产业园建设的建议"].lead == "王建球"
    key = [r for r in suggestions if r.key_group == "推动创新引领开放崛起战略实施，加快中国（湖南）自由贸易试验区创建"]
    assert {"张早平", "张世愚", "谢春生"} <= {r.lead for r in key}


def test_sample_covers_every_case_the_site_shows(sample):
    replies = sample.replies
    assert {r.year for r in replies} >= {2017, 2018}
    assert any(r.kind == "提案" for r in replies)
    assert any(r.is_summary_only and r.is_public for r in replies)
    assert any(not r.is_public for r in replies)
    assert sum(bool(r.co_signers) for r in replies) >= 3
    assert sum(bool(r.attachments) for r in replies if r.is_public) >= 2


def test_every_public_reply_has_its_page(sample, sample_site):
    for reply in sample.public:
        assert (sample_site / str(reply.year) / reply.slug / "index.html").is_file(), reply.source
    written = "\n".join(output_files(sample_site))
    pages = {p for p in re.findall(r"^(\d{4}/[a-z]+-[a-z]+-\w+)/index\.html$", written, re.M)}
    assert pages == {f"{r.year}/{r.slug}" for r in sample.public}


def _distinctive_lines(text: str, public_text: str) -> list[str]:
    """Lines of a letter that no published text contains (closing formulas are shared; the closing
    date is also shown, as metadata, for other replies)."""
    lines = [line.strip(" #*") for line in text.split("\n")]
    return [line for line in lines if len(line) >= 8 and line not in public_text
            and not re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line)]


def test_withheld_and_summary_only_letters_leave_no_trace(sample, files):
    published = [r.summary if r.is_summary_only else r.body for r in sample.public]
    public_text = "\n".join(published + [r.title for r in sample.public])
    public_names = {r.lead for r in sample.public} | {n for r in sample.public for n in r.co_signers}
    secrets = []
    for reply in sample.replies:
        if not reply.is_public:
            secrets += [reply.title, reply.number_label, *(_distinctive_lines(reply.body, public_text))]
            secrets += [reply.doc_no] if reply.doc_no else []
            secrets += [a.file for a in reply.attachments]
            secrets += [n for n in [reply.lead, *reply.co_signers] if n not in public_names]
        elif reply.is_summary_only:
            secrets += _distinctive_lines(reply.body, public_text)
    assert len(secrets) > 10
    for path, text in files.items():
        for secret in secrets:
            assert secret not in text and secret not in path, f"{secret!r} leaked into {path}"


def test_annual_report_page_restates_the_seed(files):
    report = files["report-2017/index.html"]
    for fact in ("53", "34", "19", "8月1日", "陈喜萌", "王建球", "张早平", "张世愚", "谢春生"):
        assert fact in report, fact


def test_demo_banner_on_every_sample_page(files):
    pages = [t for p, t in files.items() if p.endswith(".html")]
    assert len(pages) > 100 and all("示例数据" in t for t in pages)
