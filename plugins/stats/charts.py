"""Horizontal bar charts drawn at build time as inline SVG, and the charts of a year page.

No script and no library: a chart is a few rectangles and text.  Each bar has its label above it and its
figure printed after it, so nothing depends on colour or on reading bar lengths.  The SVG is
role="img", named by the chart's caption in the page (`<figcaption id="{id}-title">`) and described by
a `<desc>` that says every figure in words; the page also prints the figures in a table.

Colours (WCAG 2.1 AA against the white page): bars #1a4480 (9.6:1; 3:1 is needed for graphics),
text #0b0c0c (19.6:1), axis #505a5f (7.1:1).  charts.css overrides them for forced-colours mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from replies import schema

from .stats import Figures, Year, percent

WIDTH = 320  # viewBox units; the SVG scales to its container (about 1:1 on a 360 px phone)
FONT = 14
LABEL_HEIGHT = 20  # the label line above a bar
BAR_HEIGHT = 16
ROW_GAP = 10
GROUP_HEIGHT = 26  # a group title line
VALUE_GAP = 6  # between a bar's end and its figure

BAR_COLOUR = "#1a4480"
TEXT_COLOUR = "#0b0c0c"
AXIS_COLOUR = "#505a5f"


def text_width(text: str) -> float:
    """Rough width in viewBox units: a CJK character is a full em, other characters about 0.6 em."""
    return sum(FONT if ord(ch) > 0x2E80 else FONT * 0.6 for ch in text)


def wrap(text: str, width: float = WIDTH, max_lines: int = 3) -> list[str]:
    """`text` in lines that fit `width`; past `max_lines` the last line ends with an ellipsis
    (the page's table always has the full text)."""
    lines, line = [], ""
    for ch in text:
        if line and text_width(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "…") > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last + "…"]
    return lines


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str  # the figure as printed after the bar, e.g. "34 件（64%）"


@dataclass(frozen=True)
class Group:
    title: str | None
    bars: tuple[Bar, ...]


@dataclass
class Chart:
    id: str  # unique on its page; the caption that names the chart has the id f"{id}-title"
    title: str
    groups: list[Group]
    note: str = ""  # what the figures are taken over, shown under the caption
    scale: int | None = None  # the value of a full-length bar (default: the largest value)

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def description(self) -> str:
        """Every figure in words, e.g. '主办 34 件（64%）；会办 19 件（35%）。'"""
        parts = []
        for group in self.groups:
            figures = "；".join(f"{bar.label} {bar.text}" for bar in group.bars)
            parts.append(f"{group.title}：{figures}。" if group.title else f"{figures}。")
        return "".join(parts)

    @property
    def height(self) -> int:
        height = 0
        for group in self.groups:
            height += len(wrap(group.title)) * GROUP_HEIGHT if group.title else 0
            height += sum(len(wrap(bar.label)) * LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP for bar in group.bars)
        return height

    @property
    def svg(self) -> Markup:
        bars = [bar for group in self.groups for bar in group.bars]
        scale = self.scale or max((bar.value for bar in bars), default=0) or 1
        reserve = max((text_width(bar.text) for bar in bars), default=0) + VALUE_GAP + 2
        room = WIDTH - reserve  # the length of a full bar
        desc_id = f"{self.id}-desc"
        out = [f'<svg class="jy-chart__svg" xmlns="http://www.w3.org/2000/svg" role="img" '
               f'aria-labelledby="{self.title_id}" aria-describedby="{desc_id}" '
               f'viewBox="0 0 {WIDTH} {self.height}" width="{WIDTH}" height="{self.height}" '
               f'font-size="{FONT}" fill="{TEXT_COLOUR}">',
               f'<desc id="{desc_id}">{escape(self.description)}</desc>']
        y = 0
        for group in self.groups:
            for line in wrap(group.title) if group.title else []:
                out.append(f'<text class="jy-chart__group" x="0" y="{y + FONT + 4}" font-weight="700">{escape(line)}</text>')
                y += GROUP_HEIGHT
            for bar in group.bars:
                length = round(room * min(bar.value, scale) / scale, 1)
                for line in wrap(bar.label):
                    out.append(f'<text class="jy-chart__label" x="0" y="{y + FONT}">{escape(line)}</text>')
                    y += LABEL_HEIGHT
                top = y
                if length:
                    out.append(f'<rect class="jy-chart__bar" x="0" y="{top}" width="{length}" '
                               f'height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>')
                out.append(f'<line class="jy-chart__axis" x1="0.5" y1="{top - 2}" x2="0.5" y2="{top + BAR_HEIGHT + 2}" '
                           f'stroke="{AXIS_COLOUR}" stroke-width="1"/>')
                out.append(f'<text class="jy-chart__value" x="{length + VALUE_GAP}" y="{top + BAR_HEIGHT - 3}">'
                           f'{escape(bar.text)}</text>')
                y = top + BAR_HEIGHT + ROW_GAP
        out.append("</svg>")
        return Markup("".join(out))


def count_text(n: int, whole: int | None = None) -> str:
    """'34 件' or, with the whole, '34 件（64%）'."""
    return f"{n} 件（{percent(n, whole)}%）" if whole else f"{n} 件"


def _bars(counts, whole: int, label=str) -> tuple[Bar, ...]:
    return tuple(Bar(label(name), n, count_text(n, whole)) for name, n in counts)


def year_charts(year: Year) -> list[Chart]:
    """The charts of a year page; a chart whose figures are all absent is left out."""
    f: Figures = year.figures
    if not f.handled:
        return []
    prefix = f"chart-{year.year}"
    charts = []
    # Roles per session (the numbers annual reports lead with: 53 = 34 主办 + 19 会办), roles with replies only.
    sessions = [(s.name, s.figures) for s in year.sessions] if len(year.sessions) > 1 else [(None, f)]
    charts.append(Chart(f"{prefix}-roles", schema.label("role"), [
        Group(name, _bars([(r, n) for r, n in g.roles.items() if n], g.handled)) for name, g in sessions],
        note=f"承办 {f.handled} 件"))
    if f.classed:
        charts.append(Chart(f"{prefix}-classes", schema.label("reply_class"), [
            Group(None, _bars(f.answer_classes.items(), f.classed, lambda c: f"{c}类：{schema.REPLY_CLASS_MEANINGS[c]}"))],
            note=f"{'、'.join(schema.ANSWERING_ROLES)}答复 {f.classed} 件"))
    if f.answering:
        charts.append(Chart(f"{prefix}-feedback", schema.label("feedback"), [
            Group(None, _bars(f.feedback.items(), f.answering))],
            note=f"{'、'.join(schema.ANSWERING_ROLES)}答复 {f.answering} 件"))
    if f.key:
        charts.append(Chart(f"{prefix}-key", "重点建议（按类）", [
            Group(None, tuple(Bar(k.short_name, k.count, count_text(k.count)) for k in f.key_classes))],
            note=f"重点建议 {f.key} 件"))
    if f.monthly:
        charts.append(Chart(f"{prefix}-monthly", "逐月累计答复", [
            Group(None, tuple(Bar(f"截至{m.end.month}月底" if m.end.year == year.year else f"截至{m.end.year}年{m.end.month}月底",
                                  m.replied, count_text(m.replied, m.total)) for m in f.monthly))],
            note=f"承办 {f.handled} 件", scale=f.handled))
    charts.append(Chart(f"{prefix}-disclosure", schema.label("disclosure"), [
        Group(None, _bars(f.disclosure.items(), f.handled))], note=f"承办 {f.handled} 件", scale=f.handled))
    return charts


def years_chart(years: list[Year]) -> Chart:
    """Replies handled each year, for the years index."""
    return Chart("chart-years", "各年度承办件数", [
        Group(None, tuple(Bar(f"{y.year}年", y.figures.handled, count_text(y.figures.handled)) for y in years))])

