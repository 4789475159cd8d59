"""Yearly figures computed from the reply front-matter: counts, medians and shares, never typed by hand.

Statistics count every suggestion and proposal handled, withheld replies included (``store.replies``),
but they show only counts.  A name — key class, session — is printed only when it appears on at least
one published reply; the replies that carry only unpublished names are counted under ``ANONYMOUS``.

The objects below reach the templates; the generator puts ``years`` (newest first) in the context.

``Year``
    year          int, e.g. 2017
    figures       ``Figures`` of every reply of the year, withheld ones included
    sessions      list of ``Session``: the year's sessions (届次会议), published names first, then at
                  most one anonymous bucket for the sessions known only from withheld replies
    headline      the year as annual reports put it: '2017年承办建议提案 56 件，其中省人大代表建议 53 件
                  （主办 34 件、会办 19 件）、省政协委员提案 3 件（主办 2 件、会办 1 件）。全部 56 件均在
                  2017年8月1日前答复。已公开 55 件，1 件依规定未公开（只计入统计）。'
    kinds         [(label, Figures)] per level and kind, e.g. ("省人大代表建议", figures of those 53)
    deadline      the date of the "replied before" figures: STATS["deadlines"][year], or the first day
                  of the month after the year's latest reply date
    articles      the year's published reply articles, newest first (set by the generator)
    reports       annual report pages (pages with ``year:`` in their front-matter), oldest first
    url, save_as  the year page's address and output file (STATS["year_url"], ["year_save_as"])
    charts        list of ``charts.Chart`` drawn for the year page (set by the generator)

``Session``
    name          the session, e.g. 省十二届人大七次会议, or ANONYMOUS
    anonymous     True for the bucket of sessions that appear only on withheld replies
    figures       ``Figures`` of the session's replies
    articles      the session's published reply articles, newest first (set by the generator)

``Figures`` (one set of replies; every dict is in the order of the schema's enumerations)
    handled                 number of replies (suggestions and proposals handled)
    by_kind                 {建议: n, 提案: n}, kinds present only
    by_level_kind           [(label, n)], e.g. [("省人大代表建议", 53), ("省政协委员提案", 3)]
    levels                  how many levels (全国, 省…) the replies span
    roles                   {主办: n, 会办: n, 分办: n, 协办: n}, zeros included
    lead, co_handled        roles 主办 and 会办; ``answering`` (主办+分办), ``co_handling`` (会办+协办)
    answer_classes          {A: n, B: n, C: n, D: n} among the answering replies with a class (A2 counts as A)
    classed                 how many replies carry an answer class
    feedback                {满意: n, 基本满意: n, 不满意: n, 未反馈: n} among the answering replies
    key                     number of key suggestions; ``key_classes`` a list of ``KeyCount``
    disclosure              {主动公开: n, 依申请公开: n, 不予公开: n}; ``published``, ``withheld``
    days_to_reply           ``Median`` days from assigned_date to reply_date (replies with both dates)
    days_to_publish         ``Median`` days from reply_date to a stated publish_date (published replies)
    replied_by              ``ReplyBy``: how many were replied before the year's deadline
    monthly                 list of ``MonthShare``: cumulative number and share replied by each month end
    summary                 the figures in one sentence (handled, roles, replied before the deadline, published)
    roles_text              '主办 34 件、会办 19 件'; ``disclosure_text`` '已公开 52 件，1 件依规定未公开…'
    replied_by_text         '全部 53 件均在2017年8月1日前答复。' (or how many of them were)
"""

from __future__ import annotations

import calendar
import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from replies import schema
from replies.model import Reply
from replies.templating import cn_date

#: The bucket of names that appear only on withheld replies: counted, never named.
ANONYMOUS = "其他（未公开）"

KIND_NAMES = {"建议": "人大代表建议", "提案": "政协委员提案"}


def kind_label(level: str, kind: str) -> str:
    """('省', '建议') -> '省人大代表建议'; ('全国', '提案') -> '全国政协委员提案'."""
    return f"{level}{KIND_NAMES[kind]}"


def percent(part: int, whole: int) -> int:
    """Whole percent, rounded half up, but 100 only for all of them and 0 only for none."""
    if not whole or not part:
        return 0
    if part == whole:
        return 100
    return min(99, max(1, (part * 200 + whole) // (2 * whole)))


@dataclass(frozen=True)
class Median:
    days: float | None  # None when no reply has the dates
    count: int  # how many replies the median is taken over
    of: int  # how many replies were considered

    @property
    def text(self) -> str:
        """'12' or '12.5'; '' when there is no value."""
        if self.days is None:
            return ""
        return f"{self.days:g}" if self.days == int(self.days) else f"{self.days:.1f}"


def median(values: Iterable[int], of: int | None = None) -> Median:
    values = list(values)
    return Median(statistics.median(values) if values else None, len(values),
                  len(values) if of is None else of)


@dataclass(frozen=True)
class ReplyBy:
    deadline: datetime.date | None
    replied: int  # replied strictly before the deadline
    total: int

    @property
    def all(self) -> bool:
        return self.total > 0 and self.replied == self.total

    @property
    def share(self) -> int:
        return percent(self.replied, self.total)


@dataclass(frozen=True)
class MonthShare:
    month: datetime.date  # the first day of the month
    replied: int  # cumulative: replied on or before the month's last day
    total: int

    @property
    def end(self) -> datetime.date:
        return self.month.replace(day=calendar.monthrange(self.month.year, self.month.month)[1])

    @property
    def share(self) -> int:
        return percent(self.replied, self.total)


@dataclass
class KeyCount:
    name: str  # the key class, or ANONYMOUS
    count: int
    anonymous: bool = False
    key_class: object = None  # the browse plugin's KeyClass with its page, when there is one (generator)

    @property
    def short_name(self) -> str:
        return getattr(self.key_class, "short_name", None) or self.name


@dataclass
class Figures:
    handled: int
    by_kind: dict[str, int]
    by_level_kind: list[tuple[str, int]]
    levels: int
    roles: dict[str, int]
    answer_classes: dict[str, int]
    classed: int
    feedback: dict[str, int]
    key_classes: list[KeyCount]
    disclosure: dict[str, int]
    days_to_reply: Median
    days_to_publish: Median
    replied_by: ReplyBy
    monthly: list[MonthShare]

    @property
    def lead(self) -> int:
        return self.roles["主办"]

    @property
    def co_handled(self) -> int:
        return self.roles["会办"]

    @property
    def answering(self) -> int:
        return sum(self.roles[r] for r in schema.ANSWERING_ROLES)

    @property
    def co_handling(self) -> int:
        return sum(self.roles[r] for r in schema.CO_HANDLING_ROLES)

    @property
    def key(self) -> int:
        return sum(k.count for k in self.key_classes)

    def key_count(self, name: str) -> int:
        """How many key suggestions of the class `name` (or ANONYMOUS) these figures count."""
        return next((k.count for k in self.key_classes if k.name == name), 0)

    @property
    def published(self) -> int:
        return self.disclosure[schema.PUBLIC]

    @property
    def withheld(self) -> int:
        return self.handled - self.published

    @property
    def replied_by_text(self) -> str:
        """'全部 53 件均在2017年8月1日前答复。' or '53 件中有 50 件在…前答复，占 94%。'"""
        by = self.replied_by
        if not (by.deadline and by.total):
            return ""
        if by.all:
            return f"全部 {by.total} 件均在{cn_date(by.deadline)}前答复。"
        return f"{by.total} 件中有 {by.replied} 件在{cn_date(by.deadline)}前答复，占 {by.share}%。"

    @property
    def roles_text(self) -> str:
        """'主办 34 件、会办 19 件' (roles with replies only)."""
        return "、".join(f"{role} {n} 件" for role, n in self.roles.items() if n)

    @property
    def disclosure_text(self) -> str:
        """'已公开 52 件，1 件依规定未公开（只计入统计）。' or '全部公开。'"""
        if not self.withheld:
            return "全部公开。"
        return f"已公开 {self.published} 件，{self.withheld} 件依规定未公开（只计入统计）。"

    @property
    def summary(self) -> str:
        """'承办 53 件：主办 34 件、会办 19 件。全部 53 件均在2017年8月1日前答复。已公开 52 件，1 件依规定未公开。'"""
        if not self.handled:
            return "承办 0 件。"
        return f"承办 {self.handled} 件：{self.roles_text}。{self.replied_by_text}{self.disclosure_text}"


def _ordered(counter: Counter, order: Iterable[str]) -> dict[str, int]:
    return {key: counter.get(key, 0) for key in order}


def _stated_publish_date(reply: Reply) -> bool:
    """publish_date defaults to reply_date; only a date written by staff is a measured delay."""
    return "publish_date" in reply.lines and reply.publish_date is not None


def default_deadline(replies: Iterable[Reply]) -> datetime.date | None:
    """The first day of the month after the latest reply date: every reply came before it."""
    latest = max((r.reply_date for r in replies), default=None)
    if latest is None:
        return None
    return datetime.date(latest.year + latest.month // 12, latest.month % 12 + 1, 1)


def monthly(replies: list[Reply]) -> list[MonthShare]:
    """Cumulative replies by the end of each month, from the first reply's month to the last's."""
    if not replies:
        return []
    dates = sorted(r.reply_date for r in replies)
    month, last = dates[0].replace(day=1), dates[-1].replace(day=1)
    shares = []
    while month <= last:
        end = MonthShare(month, 0, 0).end
        shares.append(MonthShare(month, sum(d <= end for d in dates), len(dates)))
        month = end + datetime.timedelta(days=1)
    return shares


def key_counts(replies: list[Reply], key_names: set[str]) -> list[KeyCount]:
    """Key suggestions per class, most first; classes not in `key_names` share one anonymous bucket."""
    key_replies = [r for r in replies if r.key_group]
    shown = Counter(r.key_group for r in key_replies if r.key_group in key_names)
    result = [KeyCount(name, n) for name, n in sorted(shown.items(), key=lambda item: (-item[1], item[0]))]
    hidden = len(key_replies) - sum(shown.values())
    if hidden:
        result.append(KeyCount(ANONYMOUS, hidden, anonymous=True))
    return result


def figures(replies: list[Reply], deadline: datetime.date | None = None,
            key_names: set[str] | None = None) -> Figures:
    """The figures of `replies`, withheld ones included.

    `deadline` defaults to the first day of the month after the latest reply.  `key_names` are the key
    classes that may be named: by default those on a 主动公开 reply among `replies`; build_years passes
    those on any published reply of any year.
    """
    answering = [r for r in replies if r.role in schema.ANSWERING_ROLES]
    classes = [r.reply_class[0] for r in answering if r.reply_class]
    level_kinds = Counter((r.level, r.kind) for r in replies)
    if key_names is None:
        key_names = {r.key_group for r in replies if r.key_group and r.is_public}
    deadline = deadline or default_deadline(replies)
    assigned = [(r.reply_date - r.assigned_date).days for r in replies if r.assigned_date]
    published = [r for r in replies if r.is_public]
    delays = [r.publication_delay for r in published if _stated_publish_date(r)]
    return Figures(
        handled=len(replies),
        by_kind={kind: n for kind in schema.KINDS if (n := sum(r.kind == kind for r in replies))},
        by_level_kind=[(kind_label(level, kind), level_kinds[(level, kind)])
                       for level in schema.LEVELS for kind in schema.KINDS if (level, kind) in level_kinds],
        levels=len({r.level for r in replies}),
        roles=_ordered(Counter(r.role for r in replies), schema.ROLES),
        answer_classes=_ordered(Counter(classes), "ABCD"),
        classed=len(classes),
        feedback=_ordered(Counter(r.feedback for r in answering), schema.FEEDBACKS),
        key_classes=key_counts(replies, key_names),
        disclosure=_ordered(Counter(r.disclosure for r in replies), schema.DISCLOSURES),
        days_to_reply=median(assigned, of=len(replies)),
        days_to_publish=median(delays, of=len(published)),
        replied_by=ReplyBy(deadline, sum(1 for r in replies if deadline and r.reply_date < deadline), len(replies)),
        monthly=monthly(replies),
    )


@dataclass(eq=False)
class Session:
    name: str
    figures: Figures
    anonymous: bool = False
    articles: list = field(default_factory=list)

    def __str__(self) -> str:
        return self.name


@dataclass(eq=False)
class Year:
    year: int
    figures: Figures
    sessions: list[Session]
    deadline: datetime.date | None
    kinds: list[tuple[str, Figures]] = field(default_factory=list)
    articles: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    url: str = ""
    save_as: str = ""
    charts: list = field(default_factory=list)

    @property
    def headline(self) -> str:
        """The year in a sentence or three, as annual reports put it (for the year page and the home page)."""
        f = self.figures
        if not f.handled:
            return f"{self.year}年暂无办理数据。"
        if len(self.kinds) == 1:
            label, only = self.kinds[0]
            handled = f"承办{label} {f.handled} 件（{only.roles_text}）"
        else:
            parts = "、".join(f"{label} {g.handled} 件（{g.roles_text}）" for label, g in self.kinds)
            handled = f"承办建议提案 {f.handled} 件，其中{parts}"
        return f"{self.year}年{handled}。{f.replied_by_text}{f.disclosure_text}"

    def __str__(self) -> str:
        return str(self.year)


def _session_order(replies: list[Reply]):
    """Sessions sort by level (全国 first), then kind (建议 first), then name."""
    return min((schema.LEVELS.index(r.level), schema.KINDS.index(r.kind)) for r in replies)


def build_years(replies: list[Reply], deadlines: dict[int, datetime.date] | None = None,
                named: Callable[[Reply], bool] | None = None, extra_years: Iterable[int] = ()) -> list[Year]:
    """A Year for each year of `replies` and of `extra_years` (e.g. a year with only a report), newest first.

    `named(reply)` tells whether the names on a reply may be printed: by default when it is 主动公开; the
    generator passes "is a published article of this build", so a reply held back by a future
    publish_date names nothing yet.  `deadlines` maps a year to the date of its "replied before" figure.
    """
    named = named or (lambda r: r.is_public)
    deadlines = deadlines or {}
    key_names = {r.key_group for r in replies if r.key_group and named(r)}
    session_names = {r.session for r in replies if named(r)}
    by_year: dict[int, list[Reply]] = {year: [] for year in extra_years}
    for reply in replies:
        by_year.setdefault(reply.year, []).append(reply)
    years = []
    for year, of_year in sorted(by_year.items(), reverse=True):
        deadline = deadlines.get(year) or default_deadline(of_year)
        by_session: dict[str, list[Reply]] = {}
        hidden: list[Reply] = []
        for reply in of_year:
            if reply.session in session_names:
                by_session.setdefault(reply.session, []).append(reply)
            else:
                hidden.append(reply)
        sessions = [Session(name, figures(group, deadline, key_names))
                    for name, group in sorted(by_session.items(), key=lambda item: (_session_order(item[1]), item[0]))]
        if hidden:
            sessions.append(Session(ANONYMOUS, figures(hidden, deadline, key_names), anonymous=True))
        kinds = [(kind_label(level, kind), figures([r for r in of_year if (r.level, r.kind) == (level, kind)],
                                                   deadline, key_names))
                 for level in schema.LEVELS for kind in schema.KINDS
                 if any((r.level, r.kind) == (level, kind) for r in of_year)]
        years.append(Year(year, figures(of_year, deadline, key_names), sessions, deadline, kinds))
    return years
