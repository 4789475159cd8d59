"""Checks of a built site before it goes live: every internal link resolves, nothing of a withheld or
summary-only letter is in it (replies.disclosure), no private data is in any file (replies.privacy).

Each check returns problems as Chinese lines naming the output file.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from replies import disclosure, privacy
from replies import registry
from replies import store as store_module

_LINK = re.compile(r"""\s(?:href|src|action)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_EXTERNAL = ("mailto:", "tel:", "javascript:", "data:", "#")


def output_files(output: Path) -> list[Path]:
    return sorted(p for p in Path(output).rglob("*") if p.is_file())


def broken_links(output, siteurl: str) -> list[str]:
    """Links and sources in HTML files that point into the site but to no file of `output`."""
    output = Path(output)
    base = urlsplit(siteurl.rstrip("/") + "/")
    problems = []
    for path in output_files(output):
        if path.suffix.lower() not in (".html", ".htm"):
            continue
        name = path.relative_to(output).as_posix()
        page_url = urljoin(base.path or "/", name)  # where the page is served, under the site's path
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _LINK.finditer(text):
            href = (match.group(1) if match.group(1) is not None else match.group(2)).strip()
            target = _local_path(href, page_url, base)
            if target is None:
                continue
            file = output / target
            if not target or target.endswith("/") or file.is_dir():
                file = file / "index.html"
            if not file.is_file():
                problems.append(f"{path}: 链接 {href} 指向的网页不存在。")
    return sorted(set(problems))


def _local_path(href: str, page_url: str, base) -> str | None:
    """The path of `href` inside the output folder, or None for a link that leaves the site."""
    if not href or href.lower().startswith(_EXTERNAL):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not base.netloc:
            return None  # another host
        path = parts.path
    else:
        path = urljoin(page_url, parts.path) if parts.path else page_url
    prefix = base.path or "/"
    if not (path + "/").startswith(prefix) and path != prefix.rstrip("/"):
        return None  # above the site's sub-path: not ours
    return unquote(path[len(prefix):] if path.startswith(prefix) else "")


def private_data(output, guard: privacy.Guard) -> list[str]:
    """Mobile numbers, ID numbers, e-mail and street addresses in any output file."""
    problems = set()
    for path in output_files(output):
        data = path.read_bytes()
        if b"\x00" in data:
            continue  # images, fonts, archives
        for view in disclosure.readable_views(path, data):
            for finding in guard.find(view):
                problems.add(f"{path}: 含有疑似{finding.kind} “{finding.value}”。如确属可以公开的信息，"
                             "请加入 pelicanconf.py 的 PRIVACY 允许名单 allow；否则请从来源文件中删除。")
    return sorted(problems)


def leaked_text(output, store) -> list[str]:
    found = disclosure.leaks(output, disclosure.secrets(store))
    return disclosure.report(found, output).split("\n")[1:-1] if found else []


def verify(output, settings) -> list[str]:
    """Every problem of the built site in `output`, built with `settings` (a Pelican settings dict)."""
    loaded = store_module.load(settings["PATH"], registry.options(settings)["path"], privacy.guard(settings))
    return (broken_links(output, settings.get("SITEURL", ""))
            + leaked_text(output, loaded)
            + private_data(output, privacy.guard(settings)))
