"""The text a reader sees in a rendered letter: inline elements run on, block elements are lines."""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "table", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
           "blockquote", "pre", "hr", "dt", "dd", "section", "figure", "figcaption"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def lines(html: str) -> list[str]:
    """The non-empty lines of `html`'s text, stripped, one per block."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return [line.strip() for line in "".join(parser.parts).split("\n") if line.strip()]
