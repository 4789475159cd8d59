"""The one button block (jy-button) of the header search form and the search page, in every state.

axe-core checks the contrast of the state a page loads in; hover and focus are checked here.
"""

from __future__ import annotations

import re

import pytest

from serve import serve

HEADER = ("", ".jy-header__search .jy-button")
SUBMIT = ("search/", ".jy-search .jy-button[type=submit]")
MORE = ("search/", ".jy-button.js-search-more")  # hidden until there are more results: shown by the test
BUTTONS = {"header search": HEADER, "search page": SUBMIT, "search page, more results": MORE}

STYLE = """e => { const s = getComputedStyle(e);
  return {color: s.color, background: s.backgroundColor, border: s.borderTopColor, weight: s.fontWeight,
          padding: s.padding, outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor}; }"""


@pytest.fixture(scope="module")
def site_url(basic_site):
    with serve(basic_site) as base:
        yield base


def _button(page, site_url, where):
    path, selector = where
    page.goto(f"{site_url}/{path}")
    button = page.locator(selector)
    button.evaluate("e => { e.hidden = false; }")
    return button


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_both_search_forms_use_the_one_button(browser_page, site_url):
    header = _button(browser_page, site_url, HEADER).evaluate(STYLE)
    page = _button(browser_page, site_url, SUBMIT).evaluate(STYLE)
    assert {k: header[k] for k in ("color", "background", "weight")} == \
           {k: page[k] for k in ("color", "background", "weight")} == \
           {"color": "rgb(255, 255, 255)", "background": "rgb(26, 68, 128)", "weight": "700"}
    # The header modifier: smaller, with a white edge against the dark header.
    assert (header["padding"], header["border"]) == ("4px 14px", "rgb(255, 255, 255)")
    assert (page["padding"], page["border"]) == ("6px 20px", "rgb(26, 68, 128)")


@pytest.mark.parametrize("where", BUTTONS.values(), ids=BUTTONS.keys())
def test_every_state_of_the_button_is_readable(browser_page, site_url, where):
    button = _button(browser_page, site_url, where)
    states = {"rest": button.evaluate(STYLE)}
    button.hover()
    states["hover"] = button.evaluate(STYLE)
    browser_page.mouse.move(0, 0)
    button.focus()
    states["focus"] = button.evaluate(STYLE)
    for state, style in states.items():
        assert _contrast(style["color"], style["background"]) >= 4.5, (state, style)
    assert (states["focus"]["background"], states["focus"]["color"]) == ("rgb(255, 221, 0)", "rgb(11, 12, 12)")
    assert states["focus"]["outline"] == "solid 3px rgb(255, 221, 0)"
