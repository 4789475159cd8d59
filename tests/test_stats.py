"""Yearly statistics, charts and year pages (plugins/stats): computed from the front-matter, withheld
replies counted but never named."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, ROOT, build, output_files
from replies import store as store_module
from stats import charts, generator
from stats import stats as st

D = datetime.date
# Names that appear only on withheld replies of the `stats` fixture: counted, never printed.
WITHHELD_ONLY = ["隐秘重点类戊", "隐秘全国会议癸", "隐秘类别己", "隐代表庚", "隐代表子", "隐秘代表团辛", "关于隐秘事项"]


def soup(site, path) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def figures_table(page) -> dict[tuple[str, str], str]:
    """The figures table as {(row label, column heading): cell text}."""
    table = page.select_one("table.jy-figures")
    heads = [th.get_text(strip=True) for th in table.thead.select("th")][1:]
    cells = {}
    for row in table.select("tbody tr"):
        label = row.th.get_text(strip=True) if row.th else ""
        for head, td in zip(heads, row.select("td")):
            cells[(label, head)] = td.get_text("", strip=True)
    return cells


@pytest.fixture(scope="module")
def fixture_replies():
    return store_module.load(FIXTURES / "stats").replies


@pytest.fixture(scope="module")
def stats_site(tmp_path_factory):
    return build(FIXTURES / "stats", tmp_path_factory.mktemp("stats") / "output")


# ---------------------------------------------------------------- computations


def test_median_counts_the_replies_it_is_taken_over():
    assert st.median([3, 1, 2]) == st.Median(2, 3, 3)
    assert st.median([1, 2, 3, 10], of=6).text == "2.5"
    assert st.median([4, 6], of=2).text == "5"
    empty = st.median([], of=4)
    assert (empty.days, empty.count, empty.of, empty.text) == (None, 0, 4, "")


@pytest.mark.parametrize("part,whole,expected", [
    (1, 2, 50), (1, 3, 33), (2, 3, 67), (0, 5, 0), (5, 5, 100), (0, 0, 0),
    (199, 200, 99),  # never 100 % unless all of them
    (1, 300, 1),  # never 0 % unless none of them
])
def test_percent(part, whole, expected):
    assert st.percent(part, whole) == expected


def test_default_deadline_is_the_first_day_after_the_latest_reply_month():
    reply = lambda day: SimpleNamespace(reply_date=day)  # noqa: E731
    assert st.default_deadline([reply(D(2017, 5, 2)), reply(D(2017, 7, 28))]) == D(2017, 8, 1)
    assert st.default_deadline([reply(D(2019, 12, 31))]) == D(2020, 1, 1)
    assert st.default_deadline([]) is None


def test_monthly_shares_are_cumulative_and_span_the_new_year():
    replies = [SimpleNamespace(reply_date=d) for d in (D(2019, 11, 30), D(2019, 12, 1), D(2020, 2, 3), D(2019, 11, 2))]
    months = st.monthly(replies)
    assert [(m.month, m.end, m.replied, m.share) for m in months] == [
        (D(2019, 11, 1), D(2019, 11, 30), 2, 50),
        (D(2019, 12, 1), D(2019, 12, 31), 3, 75),
        (D(2020, 1, 1), D(2020, 1, 31), 3, 75),
        (D(2020, 2, 1), D(2020, 2, 29), 4, 100),
    ]


def test_figures_of_a_year_count_withheld_replies(fixture_replies):
    year = st.build_years(fixture_replies)[1]
    f = year.figures
    assert (year.year, f.handled, f.published, f.withheld) == (2019, 6, 4, 2)
    assert f.by_kind == {"建议": 5, "提案": 1}
    assert f.levels == 2 and f.by_level_kind == [("全国人大代表建议", 1), ("省人大代表建议", 4), ("省政协委员提案", 1)]
    assert f.roles == {"主办": 3, "会办": 1, "分办": 1, "协办": 1}
    assert (f.lead, f.co_handled, f.answering, f.co_handling) == (3, 1, 4, 2)
    assert f.answer_classes == {"A": 1, "B": 1, "C": 1, "D": 1}  # A2 counts as A; 会办/协办 carry none
    assert f.classed == 4
    assert f.feedback == {"满意": 1, "基本满意": 1, "不满意": 1, "未反馈": 1}  # answering replies only
    assert f.disclosure == {"主动公开": 4, "依申请公开": 1, "不予公开": 1}
    # 交办→答复: 12, 70, 102, 110, 132 days (one reply has no assigned_date)
    assert (f.days_to_reply.days, f.days_to_reply.count, f.days_to_reply.of) == (102, 5, 6)
    # 答复→公开: only published replies with a written publish_date: 10, 10, 6 days
    assert (f.days_to_publish.days, f.days_to_publish.count, f.days_to_publish.of) == (10, 3, 4)
    assert year.deadline == D(2019, 8, 1) and f.replied_by_text == "全部 6 件均在2019年8月1日前答复。"
    assert [(m.end.month, m.replied) for m in f.monthly] == [(4, 1), (5, 3), (6, 5), (7, 6)]


def test_names_only_on_withheld_replies_go_to_the_anonymous_bucket(fixture_replies):
    year = st.build_years(fixture_replies)[1]
    assert [(k.name, k.count, k.anonymous) for k in year.figures.key_classes] == [
        ("公开重点类甲", 2, False), (st.ANONYMOUS, 1, True)]
    assert year.figures.key == 3 and year.figures.key_count(st.ANONYMOUS) == 1
    sessions = [(s.name, s.figures.handled, s.anonymous) for s in year.sessions]
    assert sessions == [("省十三届人大二次会议", 4, False), ("省政协十二届二次会议", 1, False), (st.ANONYMOUS, 1, True)]
    printed = repr([(s.name, [k.name for k in s.figures.key_classes]) for s in year.sessions]) + year.headline
    assert not [name for name in WITHHELD_ONLY if name in printed]


def test_a_name_is_printed_only_when_a_published_reply_carries_it(fixture_replies):
    # The generator names only what the build publishes: hold back the one reply of 省政协十二届二次会议.
    year = st.build_years(fixture_replies, named=lambda r: r.is_public and r.number != "0005")[1]
    assert [s.name for s in year.sessions] == ["省十三届人大二次会议", st.ANONYMOUS]
    assert year.sessions[-1].figures.handled == 2


def test_deadline_setting_and_late_replies(fixture_replies):
    year = st.build_years(fixture_replies, deadlines={2019: D(2019, 7, 1)})[1]
    assert (year.figures.replied_by.replied, year.figures.replied_by.total) == (5, 6)
    assert year.figures.replied_by_text == "6 件中有 5 件在2019年7月1日前答复，占 83%。"


def test_years_are_newest_first_and_a_report_year_without_replies_has_a_page(fixture_replies):
    years = st.build_years(fixture_replies, extra_years=[2016])
    assert [y.year for y in years] == [2020, 2019, 2016]
    assert years[-1].figures.handled == 0 and years[-1].headline == "2016年暂无办理数据。"
    assert years[0].headline == "2020年承办省人大代表建议 1 件（主办 1 件）。全部 1 件均在2020年7月1日前答复。全部公开。"


# ---------------------------------------------------------------- settings


def test_stats_settings_defaults_and_unknown_keys():
    assert generator.options({})["year_url"] == "{year}/"
    assert generator.options({"STATS": {"deadlines": {"2017": "2017-08-01"}}})["deadlines"] == {2017: D(2017, 8, 1)}
    with pytest.raises(ValueError, match="Unknown STATS setting\\(s\\): year_ulr"):
        generator.options({"STATS": {"year_ulr": "x/"}})


@pytest.mark.parametrize("deadlines,message", [
    ({2017: "8月1日"}, "STATS\\['deadlines'\\]\\[2017\\] must be a year and an ISO date"),
    ({"二〇一七": "2017-08-01"}, "must be a year and an ISO date"),
    (["2017-08-01"], "must be a dict of year -> date"),
])
def test_bad_deadline_setting_is_an_error(deadlines, message):
    with pytest.raises(ValueError, match=message):
        generator.options({"STATS": {"deadlines": deadlines}})


def test_report_year_must_be_a_four_digit_year():
    page = lambda year: SimpleNamespace(metadata={"year": year}, relative_source_path="pages/r.md")  # noqa: E731
    assert generator.report_year(page("2017")) == 2017
    assert generator.report_year(SimpleNamespace(metadata={})) is None
    with pytest.raises(ValueError, match="pages/r.md: 年度（year）应为四位数字的年份，如 2017（现为 “17年”）"):
        generator.report_year(page("17年"))


# ---------------------------------------------------------------- charts


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_colours_meet_wcag_aa_on_white():
    assert contrast(charts.TEXT_COLOUR, "#ffffff") >= 4.5
    assert contrast(charts.BAR_COLOUR, "#ffffff") >= 3
    assert contrast(charts.AXIS_COLOUR, "#ffffff") >= 3


def test_chart_is_an_image_named_by_its_caption_with_every_figure_in_text():
    chart = charts.Chart("c", "办理方式", [
        charts.Group("省十二届人大七次会议", (charts.Bar("主办", 34, "34 件（64%）"), charts.Bar("会办", 19, "19 件（36%）"))),
        charts.Group("省政协十一届五次会议", (charts.Bar("分办", 0, "0 件"),)),
    ])
    svg = BeautifulSoup(chart.svg, "html.parser").svg
    assert svg["role"] == "img" and svg["aria-labelledby"] == "c-title" and svg["aria-describedby"] == "c-desc"
    assert svg.desc["id"] == "c-desc"
    assert svg.desc.get_text() == "省十二届人大七次会议：主办 34 件（64%）；会办 19 件（36%）。省政协十一届五次会议：分办 0 件。"
    texts = [t.get_text() for t in svg.select("text")]
    assert texts == ["省十二届人大七次会议", "主办", "34 件（64%）", "会办", "19 件（36%）",
                     "省政协十一届五次会议", "分办", "0 件"]
    widths = [float(r["width"]) for r in svg.select("rect")]
    assert len(widths) == 2 and widths[1] == pytest.approx(widths[0] * 19 / 34, abs=0.1)  # no bar for zero
    assert int(svg["height"]) >= max(float(t["y"]) for t in svg.select("text"))


def test_chart_text_is_escaped_and_long_labels_wrap():
    label = "推动创新引领开放崛起战略实施，加快中国（湖南）自由贸易试验区创建<b>"
    chart = charts.Chart("k", "重点建议", [charts.Group(None, (charts.Bar(label, 4, "4 件"),))])
    assert "<b>" not in chart.svg and "&lt;b&gt;" in chart.svg
    lines = charts.wrap(label)
    assert len(lines) == 2 and "".join(lines) == label
    assert all(charts.text_width(line) <= charts.WIDTH for line in lines)
    assert charts.wrap("长" * 200)[-1].endswith("…") and len(charts.wrap("长" * 200)) == 3


# ---------------------------------------------------------------- built pages


def test_sample_2017_page_reads_as_the_annual_report(sample_site):
    page = soup(sample_site, "2017/index.html")
    assert page.h1.get_text(strip=True) == "2017年建议提案办理情况"
    table = figures_table(page)
    session = "省十二届人大七次会议"
    assert table[("承办件数", session)] == "53"
    assert table[("主办", session)] == "34"
    assert table[("会办", session)] == "19"
    assert table[("2017年8月1日前答复", session)] == "53（100%）"
    assert (table[("主动公开", session)], table[("不予公开", session)]) == ("52", "1")
    assert table[("承办件数", "全年")] == "56"
    lead = page.select_one(".jy-lead").get_text(strip=True)
    assert "省人大代表建议 53 件（主办 34 件、会办 19 件）" in lead
    text = page.select_one("main").get_text(" ", strip=True)
    assert "承办 53 件：主办 34 件、会办 19 件。全部 53 件均在2017年8月1日前答复。已公开 52 件，1 件依规定未公开" in text
    headers = page.select("table.jy-figures th")
    assert headers and all(th.get("scope") in ("col", "row", "rowgroup") for th in headers)


def test_sample_2017_page_links_report_and_every_published_reply_of_the_year(sample_site):
    page = soup(sample_site, "2017/index.html")
    report = page.select_one(".jy-year__report")
    assert report.a["href"] == "/report-2017/" and "主办34件、会办19件" in report.get_text()
    cards = [a["href"] for a in page.select(".jy-card__title a")]
    published = {f"/{p.parent.relative_to(sample_site).as_posix()}/" for p in sample_site.glob("2017/*/index.html")}
    assert len(cards) == len(set(cards)) == 55 and set(cards) == published
    headings = [h.get_text(strip=True) for h in page.select(".jy-year__session > h3")]
    assert headings == ["省十二届人大七次会议", "省政协十一届五次会议"]


def test_withheld_sample_reply_is_counted_but_nothing_of_it_is_on_the_year_pages(sample_site):
    withheld = [r for r in store_module.load(ROOT / "content").replies if r.year == 2017 and not r.is_public]
    assert len(withheld) == 1
    reply = withheld[0]
    for path in ("2017/index.html", "years/index.html", "index.html"):
        html = (sample_site / path).read_text(encoding="utf-8")
        assert reply.title not in html and reply.number_label not in html and reply.slug not in html


def test_years_index_lists_each_year_with_headline_figures(sample_site):
    page = soup(sample_site, "years/index.html")
    rows = page.select("table.jy-figures tbody tr")
    assert [(r.th.a["href"], r.th.get_text(strip=True)) for r in rows] == [("/2018/", "2018年"), ("/2017/", "2017年")]
    heads = [th.get_text(strip=True) for th in page.select("table.jy-figures thead th")]
    row_2017 = dict(zip(heads[1:], [td.get_text(strip=True) for td in rows[1].select("td")]))
    assert (row_2017["承办"], row_2017["建议"], row_2017["主办"], row_2017["会办"]) == ("56", "53", "36", "20")
    assert (row_2017["已公开"], row_2017["未公开"]) == ("55", "1")
    assert row_2017["按时答复"] == "2017年8月1日前 56（100%）"


def test_charts_are_named_and_described_on_the_page(sample_site):
    page = soup(sample_site, "2017/index.html")
    svgs = page.select("svg.jy-chart__svg")
    assert len(svgs) >= 5
    for svg in svgs:
        name = page.find(id=svg["aria-labelledby"])
        assert name is not None and name.get_text(strip=True)
        assert svg.find(id=svg["aria-describedby"]).get_text(strip=True)
    roles = page.find(id="chart-2017-roles-desc").get_text()
    assert "省十二届人大七次会议：主办 34 件（64%）；会办 19 件（36%）。" in roles
    assert page.find("link", href=re.compile(r"css/charts\.css$"))


def test_names_only_on_withheld_replies_appear_in_no_output_file(stats_site):
    leaks = {path: [n for n in WITHHELD_ONLY if n in text] for path, text in output_files(stats_site).items()}
    assert {path: names for path, names in leaks.items() if names} == {}
    table = figures_table(soup(stats_site, "2019/index.html"))
    assert table[("承办件数", st.ANONYMOUS)] == "1" and table[("协办", st.ANONYMOUS)] == "1"
    assert table[(st.ANONYMOUS, "全年")] == "1"  # the key class of the withheld reply
    assert table[("不予公开", "全年")] == "1" and table[("依申请公开", "全年")] == "1"


def test_year_page_links_only_the_reports_of_its_year(stats_site):
    page = soup(stats_site, "2019/index.html")
    assert [a["href"] for a in page.select(".jy-year__report a")] == ["/report-2019/"]
    assert not soup(stats_site, "2020/index.html").select(".jy-year__report")


def test_changing_one_reply_role_changes_the_year_figures(stats_site, fixture_copy, tmp_path):
    before = figures_table(soup(stats_site, "2019/index.html"))
    content = fixture_copy("stats")
    path = content / "replies/2019/sheng-jianyi-0002.md"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("role: 主办\n", "role: 会办\nlead_unit: 省发展改革委\n").replace("reply_class: B\n", "")
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    after = figures_table(soup(build(content, tmp_path / "out"), "2019/index.html"))
    session = "省十三届人大二次会议"
    assert (before[("主办", session)], before[("会办", session)], before[("B类（所提问题正在解决或者已列入计划逐步解决）", "全年")]) == ("3", "1", "1")
    assert (after[("主办", session)], after[("会办", session)], after[("B类（所提问题正在解决或者已列入计划逐步解决）", "全年")]) == ("2", "2", "0")
    assert after[("承办件数", session)] == before[("承办件数", session)] == "4"


def test_year_pages_follow_their_settings(tmp_path):
    site = build(FIXTURES / "stats", tmp_path / "out",
                 STATS={"year_url": "nian/{year}/", "year_save_as": "nian/{year}/index.html",
                        "years_url": "nian/", "years_save_as": "nian/index.html", "deadlines": {2019: "2019-07-01"}})
    index = soup(site, "nian/index.html")
    assert [a["href"] for a in index.select("table.jy-figures tbody th a")] == ["/nian/2020/", "/nian/2019/"]
    assert "6 件中有 5 件在2019年7月1日前答复，占 83%。" in soup(site, "nian/2019/index.html").get_text()
    assert not (site / "years").exists()


@pytest.mark.parametrize("path", ["2017/", "years/"])
def test_year_pages_pass_axe_on_a_phone(sample_site, browser, path):
    from conftest import axe_violations
    from serve import serve

    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        with serve(sample_site) as base:
            page.goto(f"{base}/{path}")
            assert page.locator("svg.jy-chart__svg").count() >= 1
            assert axe_violations(page) == []
            # The wide table scrolls inside its own region, not the page.
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
