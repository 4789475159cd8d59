"""Privacy guard: deputies' mobile numbers, ID numbers, e-mail and street addresses are never published.

The publication rules forbid publishing deputies' phone numbers, addresses or e-mail.  Letters are
pasted from word processors, so the guard runs where validation runs (`invoke check` and the start of
every build): a published reply that contains such a value stops the build before anything is written.

What is matched (on text whose full-width digits, letters and punctuation are read as ASCII):
- mobile numbers: 1[3-9] and nine more digits, also as 3-4-4 groups separated by spaces or dashes,
  optionally after +86 (landlines such as 0731-82280000 are not mobile numbers and are not matched);
- resident ID numbers: 18 characters, 17 digits and a check digit or X that is valid under
  ISO 7064 MOD 11-2 (also as 6-8-4 groups); 15-digit numbers of the first generation are not matched;
- e-mail addresses;
- street addresses: a road, street or lane with a house number (…路/街/巷/大道/胡同/弄 + number + 号),
  a building and room (…栋/幢/号楼 … 室), a village group (…村 N 组).  Addresses written without a
  house number (“住长沙市芙蓉区”) are not recognised; numbers written in Chinese words are, for houses.

Whose value it is cannot be known from the text: the department's own address or office e-mail is
published on purpose, so any exact value can be put on the allow-list, PRIVACY = {"allow": [...]}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .settings import namespaced

DEFAULTS = {
    "allow": [],  # values that may be published although they look private, e.g. the office address
}

MOBILE = "手机号码"
ID_NUMBER = "身份证号码"
EMAIL = "电子邮箱"
ADDRESS = "住址"

# Full-width forms (U+FF01–FF5E) and the ideographic space read as ASCII; one character for one, so
# a match on the translated text has the same span in the original.
_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x00A0: 0x20}
# The full-width characters whose ASCII form a pattern below can match: digits, letters, + - . _ % @
# and spaces.  A line without them (full-width punctuation such as ，（）：only) is matched as it is:
# translating it would change nothing the patterns see, and translation is slow on long lines.
_MATTERS = re.compile("[０-９Ａ-Ｚａ-ｚ＋－．＿％＠\u3000\u00a0]")

_MOBILE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[ -]?)?1[3-9]\d(?P<sep>[ -]?)\d{4}(?P=sep)\d{4}(?![0-9A-Za-z])")
_ID = re.compile(r"(?<![0-9A-Za-z])\d{6}(?P<sep>[ -]?)\d{8}(?P=sep)\d{3}[0-9Xx](?![0-9A-Za-z])")
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_NUMERAL = r"[0-9一二三四五六七八九十百千零〇]+"
_ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{1,10}?(?:路|街|巷|大道|胡同|弄)\s*" + _NUMERAL + r"(?:\s*-\s*\d+)?\s*号"
    r"|\d+\s*(?:栋|幢|号楼)[^\n，。；,;]{0,12}?\d+\s*室"
    r"|[\u4e00-\u9fff]{1,6}?村\s*" + _NUMERAL + r"\s*组"
)
# E-mail first (13800138000@qq.com is an address), then ID numbers (whose digits are not a phone).
_PATTERNS = ((EMAIL, _EMAIL), (ID_NUMBER, _ID), (MOBILE, _MOBILE), (ADDRESS, _ADDRESS))
_DIGIT = re.compile(r"\d")
_STREET = re.compile("路|街|巷|大道|胡同|弄")
_BUILDING = re.compile("栋|幢|号楼")
# What a line needs for any pattern to match (see _may_match), before or after the translation to
# ASCII (\d includes the full-width digits).  Most lines of a letter have none of these.
_ANY = re.compile(r"[\d@＠号室组]")


def _may_match(kind: str, ascii_text: str) -> bool:
    """False when `ascii_text` lacks what every match of the kind's pattern contains: an @, a digit,
    or for an address the two words of one of its forms (路/街/巷/大道/胡同/弄 … 号, 栋/幢/号楼 … 室,
    村 … 组).  Most lines of a letter have none of them, and the address pattern is slow to rule out
    on long Chinese lines."""
    if kind == EMAIL:
        return "@" in ascii_text
    if kind == ADDRESS:
        return ("号" in ascii_text and _STREET.search(ascii_text) is not None) \
            or ("室" in ascii_text and _BUILDING.search(ascii_text) is not None) \
            or ("组" in ascii_text and "村" in ascii_text)
    return _DIGIT.search(ascii_text) is not None


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_id_number(text: str) -> bool:
    """Whether an 18-character resident ID number has a valid check digit (ISO 7064 MOD 11-2)."""
    digits = re.sub(r"[ -]", "", text).upper()
    if not re.fullmatch(r"\d{17}[0-9X]", digits):
        return False
    return _ID_CHECK[sum(int(d) * w for d, w in zip(digits, _ID_WEIGHTS)) % 11] == digits[17]


def normalise(value: str) -> str:
    """The form in which values are compared with the allow-list: ASCII, no spaces or dashes,
    lower case, no +86 before a mobile number."""
    text = re.sub(r"[\s-]", "", value.translate(_ASCII)).lower()
    return re.sub(r"^\+?86(?=1[3-9]\d{9}$)", "", text)


@dataclass(frozen=True)
class Finding:
    kind: str  # MOBILE, ID_NUMBER, EMAIL or ADDRESS
    value: str  # as written in the text
    line: int  # 1-based line, when the text was given line by line; 0 otherwise

    @property
    def message(self) -> str:
        return (f"疑似{self.kind} “{self.value}”：代表、委员的手机号码、身份证号码、电子邮箱和住址不得公开。"
                "请删除，或改写为不可识别的形式（如 138****8000）；如果确属可以公开的信息（如本单位地址、"
                "办公邮箱），请把这个值原样加入 pelicanconf.py 的 PRIVACY 允许名单 allow。")


class Guard:
    """Finds private values in text; values on the allow-list are let through."""

    def __init__(self, allow=()):
        self.allow = {normalise(value) for value in allow if str(value).strip()}

    def allowed(self, kind: str, value: str) -> bool:
        key = normalise(value)
        if key in self.allow:
            return True
        # An address is matched with the words before it (“位于长沙市湘府西路8号”): an allow-listed
        # address that is itself a whole address and ends the match lets it through.
        return kind == ADDRESS and any(key.endswith(a) and _ADDRESS.fullmatch(a) for a in self.allow)

    def find(self, text: str, line: int = 0) -> list[Finding]:
        if _ANY.search(text) is None:
            return []
        ascii_text = text.translate(_ASCII) if _MATTERS.search(text) else text
        found = []
        taken: list[range] = []
        for kind, pattern in _PATTERNS:
            if not _may_match(kind, ascii_text):
                continue
            for match in pattern.finditer(ascii_text):
                span = range(match.start(), match.end())
                if any(span.start < t.stop and t.start < span.stop for t in taken):
                    continue  # e.g. the digits of an ID number are not also a mobile number
                value = text[match.start():match.end()]
                if kind == ID_NUMBER and not valid_id_number(match.group(0)):
                    continue
                if self.allowed(kind, value):
                    continue
                taken.append(span)
                found.append(Finding(kind, value, line))
        return found

    def find_in_lines(self, lines, first_line: int = 1) -> list[Finding]:
        """Findings in consecutive lines, the first being line `first_line`."""
        return [f for number, text in enumerate(lines, first_line) for f in self.find(text, number)]


def options(settings) -> dict:
    """The PRIVACY settings dict with its defaults; unknown keys are an error."""
    merged = namespaced(settings, "PRIVACY", DEFAULTS)
    if isinstance(merged["allow"], str) or not all(isinstance(v, str) for v in merged["allow"]):
        raise ValueError("PRIVACY['allow'] must be a list of strings")
    return merged


def guard(settings) -> Guard:
    return Guard(options(settings)["allow"])
