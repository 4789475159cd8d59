"""Writes a page per year (figures, charts, annual reports, the year's replies) and the years index."""

from __future__ import annotations

import datetime

from pelican.generators import Generator

from replies import registry
from replies.settings import namespaced

from . import charts
from . import stats as stats_module

DEFAULTS = {
    "year_url": "{year}/",
    "year_save_as": "{year}/index.html",
    "years_url": "years/",
    "years_save_as": "years/index.html",
    # {2017: "2017-08-01"}: the date of a year's "all replied before" figure.  A year not listed uses
    # the first day of the month after its latest reply date.
    "deadlines": {},
}


def options(settings) -> dict:
    """The STATS settings dict with its defaults; unknown keys and bad deadlines are errors."""
    merged = namespaced(settings, "STATS", DEFAULTS)
    merged["deadlines"] = _deadlines(merged["deadlines"])
    return merged


def _deadlines(given) -> dict[int, datetime.date]:
    if not isinstance(given, dict):
        raise ValueError(f"STATS['deadlines'] must be a dict of year -> date, e.g. {{2017: '2017-08-01'}}; got {given!r}")
    deadlines = {}
    for year, value in given.items():
        try:
            year = int(year)
            day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"STATS['deadlines'][{year!r}] must be a year and an ISO date such as '2017-08-01'; "
                             f"got {value!r}") from None
        deadlines[year] = day
    return deadlines


def report_year(page) -> int | None:
    """The year of an annual report page (front-matter `year:`), or None for other pages."""
    value = page.metadata.get("year")
    if value is None:
        return None
    text = str(value).strip()
    if not (len(text) == 4 and text.isdigit()):
        raise ValueError(f"{page.relative_source_path}: 年度（year）应为四位数字的年份，如 2017（现为 “{value}”）。")
    return int(text)


class StatsGenerator(Generator):
    def generate_context(self):
        self.options = options(self.settings)
        store = registry.store_for(self.settings)
        articles = [a for a in self.context.get("articles", []) if hasattr(a, "reply")]
        # Names may be printed only from replies that this build publishes.
        published = {a.reply.source for a in articles}
        reports = {}
        for page in self.context.get("pages", []) + self.context.get("hidden_pages", []):
            year = report_year(page)
            if year is not None:
                reports.setdefault(year, []).append(page)
        self.years = stats_module.build_years(store.replies, self.options["deadlines"],
                                              named=lambda r: r.source in published, extra_years=reports)
        key_classes = {k.name: k for k in self.context.get("key_classes", [])}
        for year in self.years:
            year.url = self.options["year_url"].format(year=year.year)
            year.save_as = self.options["year_save_as"].format(year=year.year)
            year.articles = [a for a in articles if a.reply.year == year.year]
            year.reports = sorted(reports.get(year.year, []), key=lambda p: p.relative_source_path)
            for session in year.sessions:
                session.articles = [a for a in year.articles if a.reply.session == session.name]
            for figures in [year.figures] + [s.figures for s in year.sessions]:
                for count in figures.key_classes:
                    count.key_class = key_classes.get(count.name)
            year.charts = charts.year_charts(year)
        self.context["years"] = self.years
        self.context["YEARS_URL"] = self.options["years_url"]

    def generate_output(self, writer):
        template = self.get_template("year")
        for year in self.years:
            writer.write_file(year.save_as, template, self.context, year=year, articles=year.articles,
                              url=year.url, relative_urls=self.settings["RELATIVE_URLS"])
        writer.write_file(self.options["years_save_as"], self.get_template("years"), self.context,
                          years_chart=charts.years_chart(self.years) if self.years else None,
                          url=self.options["years_url"], relative_urls=self.settings["RELATIVE_URLS"])
