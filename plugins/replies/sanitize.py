"""Letters are pasted by staff: raw HTML in them is shown as text, never run."""

from __future__ import annotations

import html
import re

# Markdown passes raw HTML through; a pasted <script> or <iframe> must not reach the public page.
_RAW_HTML = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")


def strip_raw_html(markdown_text: str) -> str:
    """Escape every HTML tag in Markdown source so that it renders as visible text."""
    return _RAW_HTML.sub(lambda m: html.escape(m.group(0)), markdown_text)
