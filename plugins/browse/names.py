"""Pinyin of personal names, with surnames read as surnames (单 shan, 曾 zeng, 解 xie).

pypinyin reads characters as common words; as a surname many characters have another reading.
The tables below hold only the surnames whose reading differs, and the compound surnames.

pypinyin also reads many characters of the extensions beyond the Basic Multilingual Plane (𪚥 zhe,
𰻞 biang), but not all of them: 𠮷 (U+20BB7) has no reading in its data.  A character without a
reading stands for itself by its code point, 'u20bb7', so no character of a name is ever dropped and
two names that differ in such a character never share a slug.
"""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao", "查": "zha",
    "盖": "ge", "覃": "qin", "乐": "yue", "缪": "miao", "翟": "zhai", "召": "shao", "种": "chong",
    "秘": "bi", "繁": "po", "朝": "chao", "员": "yun", "沈": "shen", "洗": "xian", "隗": "wei",
    "尉": "yu", "长": "chang", "重": "chong", "尹": "yin", "华": "hua", "任": "ren", "宁": "ning",
    "藏": "zang", "句": "gou", "折": "she", "冼": "xian", "阚": "kan", "庞": "pang", "纪": "ji",
    "薄": "bo", "都": "du", "褚": "chu", "过": "guo", "万": "wan", "卜": "bu", "曲": "qu",
}
COMPOUND_SURNAMES = {
    "欧阳": "ouyang", "司马": "sima", "诸葛": "zhuge", "上官": "shangguan", "尉迟": "yuchi",
    "长孙": "zhangsun", "司徒": "situ", "东方": "dongfang", "皇甫": "huangfu", "令狐": "linghu",
    "慕容": "murong", "公孙": "gongsun", "夏侯": "xiahou", "宇文": "yuwen", "澹台": "tantai",
    "端木": "duanmu", "万俟": "moqi", "单于": "chanyu", "呼延": "huyan", "申屠": "shentu",
}
# Proposals may come from a body (民盟省委, 省工商联); such names have no surname to split off.
_BODY = re.compile(r"(委|委员会|学社|工商联|党|民建|民进|台盟|协会|商会)$")
# Han characters: extension A and the unified block, and planes 2 and 3 (extensions B to H).
_HAN = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003ffff]+$")
# What `_unreadable` makes of a character; pinyin has no digits, so no reading looks like it.
_CODE = re.compile(r"^u[0-9a-f]{4,5}$")
_PINYIN = re.compile(r"^[a-zü]+$")


def syllables(name: str) -> list[str]:
    """['shan', 'zhi', 'gang'] for 单志刚; non-Chinese names give their lower-case ASCII words."""
    name = name.strip()
    if not _HAN.match(name):
        return [w for w in re.split(r"[^0-9a-z]+", _ascii(name).lower()) if w]
    for surname, reading in COMPOUND_SURNAMES.items():
        if name.startswith(surname) and len(name) > 2:
            return [reading] + _plain(name[2:])
    first = SURNAME_READINGS.get(name[0])
    return ([first] + _plain(name[1:])) if first else _plain(name)


def _plain(text: str) -> list[str]:
    # Characters without a reading come back as themselves, one item each (pypinyin would strip the
    # digits of a code point returned here, as if they were tone numbers), and are replaced after.
    read = lazy_pinyin(text, style=Style.NORMAL, errors=list)
    return [s.replace("ü", "v") if _PINYIN.match(s) else _unreadable(s) for s in read]


def _unreadable(char: str) -> str:
    """𠮷 → 'u20bb7'."""
    return f"u{ord(char):04x}"


def _ascii(text: str) -> str:
    """Non-Han names: unidecode's transliteration; a letter it cannot read gets pypinyin's reading or
    its code point, as a word of its own."""
    from unidecode import unidecode  # a Pelican dependency; only for the rare non-Han names

    return "".join(unidecode(c) or (f" {' '.join(_plain(c))} " if unicodedata.category(c)[0] in "LN" else "")
                   for c in text)


def full(name: str) -> str:
    """'wangjianqiu'."""
    return "".join(syllables(name))


def initials(name: str) -> str:
    """'wjq'; a character without a reading keeps its whole code point ('lu20bb7h' for 李𠮷华)."""
    return "".join(s if _CODE.match(s) else s[0] for s in syllables(name) if s)


def letter(name: str) -> str:
    """'W', the A–Z heading of the name; '#' when it starts with neither a letter nor a reading."""
    parts = syllables(name)
    first = parts[0][:1].upper() if parts and not _CODE.match(parts[0]) else ""
    return first if first.isalpha() and first.isascii() else "#"


def slug(name: str) -> str:
    """'wang-jianqiu': surname, then given name."""
    parts = syllables(name)  # a compound surname is already one item
    if not _HAN.match(name.strip()):
        return "-".join(parts) or "x"
    if len(parts) < 2 or len(name.strip()) > 4 or _BODY.search(name.strip()):
        return "".join(parts)
    return f"{parts[0]}-{''.join(parts[1:])}"


def sort_key(name: str) -> tuple[str, str]:
    """Order by pinyin, then by the characters for a stable order of homophones."""
    return (" ".join(syllables(name)), name)
