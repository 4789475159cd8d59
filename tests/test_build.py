"""Builds the `basic` fixture site and reads its output: reply pages, links, disclosure."""

from __future__ import annotations

import re
import subprocess
import sys

from bs4 import BeautifulSoup

from conftest import FIXTURES, ROOT, build, output_files

REPLY = "2017/sheng-jianyi-0512/index.html"


def page(site, path) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def meta(soup) -> dict[str, str]:
    table = soup.select_one("table.jy-meta")
    return {row.th.get_text(strip=True): row.td.get_text(" ", strip=True) for row in table.select("tr")}


def test_reply_page_has_subject_as_title_and_readable_address(basic_site):
    soup = page(basic_site, REPLY)
    assert soup.h1.get_text(strip=True) == "关于支持京港澳高速宜章现代国际物流产业园建设的建议"
    assert soup.title.get_text().startswith("关于支持京港澳高速宜章现代国际物流产业园建设的建议")
    assert len(soup.find_all("h1")) == 1
    assert soup.html["lang"] == "zh-CN"


def test_reply_page_metadata_table(basic_site):
    rows = meta(page(basic_site, REPLY))
    assert rows["编号"] == "省十二届人大七次会议第0512号"
    assert rows["类型"] == "省人大代表建议"
    assert rows["领衔代表"] == "王建球"
    assert rows["附议代表"] == "单志刚 、 曾丽娟"
    assert rows["代表团 / 界别"] == "郴州代表团"
    assert rows["办理方式"] == "主办"
    assert rows["会办单位"] == "长沙海关、湖南出入境检验检疫局"
    assert rows["承办处室"] == "口岸处"
    assert rows["复文文号"] == "湘商函〔2017〕31号"
    assert rows["答复类别"] == "A类：所提问题已经解决或者基本解决"
    assert rows["交办日期"] == "2017年3月15日"
    assert rows["答复日期"] == "2017年6月12日"
    assert rows["公开日期"] == "2017年6月20日"
    assert rows["代表意见"] == "满意"
    assert rows["重点建议类"].startswith("推动创新引领开放崛起战略实施")
    assert rows["类别"] == "口岸建设"


def test_co_handled_reply_names_lead_unit_and_has_no_answer_class(basic_site):
    rows = meta(page(basic_site, "2017/sheng-jianyi-0785/index.html"))
    assert rows["办理方式"] == "会办"
    assert rows["主办单位"] == "省发展改革委"
    assert "答复类别" not in rows and "代表意见" not in rows


def test_deputies_link_to_their_pages_which_list_led_and_cosigned(basic_site):
    soup = page(basic_site, REPLY)
    links = {a.get_text(): a["href"] for a in soup.select("table.jy-meta a")}
    assert links["王建球"] == "/deputies/wang-jianqiu/"
    assert links["单志刚"] == "/deputies/shan-zhigang/"  # surname 单 reads shan
    assert links["曾丽娟"] == "/deputies/zeng-lijuan/"
    shan = page(basic_site, "deputies/shan-zhigang/index.html")
    cards = [li.get_text(" ", strip=True) for li in shan.select(".jy-card")]
    assert len(cards) == 2
    assert any("关于加快冷链物流发展的建议" in c and "领衔" in c for c in cards)
    assert any("宜章" in c and "附议" in c for c in cards)


def test_reply_links_to_same_deputy_and_category(basic_site):
    soup = page(basic_site, "2017/sheng-jianyi-0785/index.html")
    related = soup.select_one(".jy-related")
    hrefs = [a["href"] for a in related.select("a")]
    assert "/2017/sheng-jianyi-0512/" in hrefs  # same category 口岸建设
    assert "/deputies/shan-zhigang/" in hrefs
    assert "/categories/kou-an-jian-she/" in hrefs


def test_every_internal_link_resolves(basic_site):
    for path, text in output_files(basic_site).items():
        if not path.endswith(".html"):
            continue
        for href in re.findall(r'(?:href|src)="(/[^"#?]*)', text):  # a query (?v=build) names the same file
            target = basic_site / href.lstrip("/")
            if href.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), f"{path} links to missing {href}"


def test_attachment_is_linked_and_copied(basic_site):
    soup = page(basic_site, REPLY)
    link = soup.select_one(".jy-reply__attachments a")
    assert link.get_text() == "宜章口岸作业区进出口统计" and link["href"] == "/attachments/yizhang.csv"
    assert (basic_site / "attachments/yizhang.csv").read_text(encoding="utf-8").startswith("年份")


def test_summary_reply_publishes_summary_never_body(basic_site):
    files = output_files(basic_site)
    text = files["2017/sheng-jianyi-1418/index.html"]
    assert "我厅将出台支持连锁便利店发展的指导意见" in text
    assert "答复摘要" in text
    assert not [p for p, t in files.items() if "便利店全文专用句子甲乙丙" in t]


def test_withheld_reply_leaves_no_trace(basic_site):
    secrets = ["关于某保密事项的建议隐匿标题", "隐代表甲", "隐附议乙", "0999", "湘商函〔2017〕99号",
               "不予公开的答复正文独有句子壬癸", "保密附件标题", "secret.csv", "保密内容", "保密类别丁",
               "涉及商业秘密"]
    for path, text in output_files(basic_site).items():
        for secret in secrets:
            assert secret not in path and secret not in text, f"{secret} leaked into {path}"


def test_pages_use_yaml_front_matter(basic_site):
    soup = page(basic_site, "report-2017/index.html")
    assert soup.h1.get_text(strip=True) == "2017年建议办理情况报告"


def test_demo_banner_is_on_every_page_and_a_setting_switches_it_off(basic_site, tmp_path):
    pages = {p: t for p, t in output_files(basic_site).items() if p.endswith(".html")}
    assert len(pages) > 5
    assert all("示例数据" in t for t in pages.values())
    plain = build(FIXTURES / "basic", tmp_path / "plain", DEMO_BANNER=False)
    assert not [p for p, t in output_files(plain).items() if p.endswith(".html") and "示例数据" in t]


def test_raw_html_in_a_letter_is_shown_not_run(fixture_copy, tmp_path):
    content = fixture_copy("basic")
    reply = content / "replies/2017/sheng-jianyi-0512.md"
    reply.write_text(reply.read_text(encoding="utf-8") + "\n<script>alert('x')</script>\n", encoding="utf-8")
    out = build(content, tmp_path / "out")
    soup = page(out, REPLY)
    assert not soup.select(".jy-reply__letter script")
    assert "<script>alert('x')</script>" in soup.select_one(".jy-reply__letter").get_text()


def test_builds_any_content_folder_with_fatal_warnings(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pelican", str(FIXTURES / "basic"), "-s",
                             str(ROOT / "pelicanconf.py"), "-o", str(tmp_path / "out"), "--fatal", "warnings"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout
    assert (tmp_path / "out" / REPLY).is_file()
    assert (tmp_path / "out/deputies/index.html").is_file()


def test_reply_pages_link_newer_and_older_replies(basic_site):
    newest = page(basic_site, "2018/sheng-tian-0101/index.html").select_one(".jy-pager")
    assert not newest.select("a[rel=prev]")
    older = newest.select_one("a[rel=next]")["href"]
    assert older == "/2017/sheng-jianyi-1418/"
    back = page(basic_site, "2017/sheng-jianyi-1418/index.html").select_one(".jy-pager a[rel=prev]")
    assert back["href"] == "/2018/sheng-tian-0101/"


def test_a_build_starts_from_an_empty_output_folder(tmp_path):
    output = tmp_path / "out"
    stale = output / "2017/sheng-jianyi-0999/index.html"  # a page from when the reply was public
    stale.parent.mkdir(parents=True)
    stale.write_text("old page", encoding="utf-8")
    build(FIXTURES / "basic", output)
    assert not stale.exists() and (output / REPLY).is_file()
