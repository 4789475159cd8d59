"""`invoke search "QUERY"`: answers from the Whoosh index of the last build, as the search page would."""

from __future__ import annotations

import datetime
import sys

from replies.templating import cn_date

from . import index, query


def format_answer(answer: query.Answer, text: str, siteurl: str, sort: str) -> str:
    if not answer.terms:
        return "请输入要查找的内容。"
    order = "按答复日期" if sort == "date" else "按相关程度"
    lines = [f"“{text}”：共找到 {len(answer.hits)} 件答复（{order}排列）。" if answer.hits
             else f"“{text}”：没有找到答复。可以按代表、类别或年度浏览：{siteurl}/"]
    for name, delegation, url in answer.deputies:
        lines.append(f"代表页：{name}{f'（{delegation}）' if delegation else ''} {siteurl}/{url}")
    for n, hit in enumerate(answer.hits, 1):
        day = cn_date(datetime.date.fromisoformat(hit["date"]))
        lines += [f"{n}. {hit['title']}", f"   {hit['number']} · 答复日期 {day}", f"   {siteurl}/{hit['url']}"]
    return "\n".join(lines)


def run(settings, text: str, filters: dict, sort: str = "relevance", out=sys.stdout) -> query.Answer:
    """Search the index of the build configured by `settings` and print the answer."""
    ix = index.open_index(index.directory(settings))
    answer = query.search(ix, text, filters, sort)
    print(format_answer(answer, text, settings.get("SITEURL", ""), sort), file=out)
    return answer
