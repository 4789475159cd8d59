"""Pinyin of deputy names: surnames read as surnames, stable slugs, same names kept apart."""

from types import SimpleNamespace

import pytest

from browse import deputies, names
from replies.model import Person


@pytest.mark.parametrize("name,slug,full,initials", [
    ("王建球", "wang-jianqiu", "wangjianqiu", "wjq"),
    ("单志刚", "shan-zhigang", "shanzhigang", "szg"),
    ("曾丽娟", "zeng-lijuan", "zenglijuan", "zlj"),
    ("解文华", "xie-wenhua", "xiewenhua", "xwh"),
    ("王䶮", "wang-yan", "wangyan", "wy"),
    ("欧阳修文", "ouyang-xiuwen", "ouyangxiuwen", "oxw"),
    ("民盟省委", "minmengshengwei", "minmengshengwei", "mmsw"),
    ("刘䶮", "liu-yan", "liuyan", "ly"),  # 䶮 (U+4DAE) is the last block of extension A
    # The surname reading is for the surname only: as a given name these are read as words.
    ("王单", "wang-dan", "wangdan", "wd"),
    ("王曾", "wang-ceng", "wangceng", "wc"),
    ("王解", "wang-jie", "wangjie", "wj"),
    ("单曾", "shan-ceng", "shanceng", "sc"),
    # Beyond the Basic Multilingual Plane, pypinyin reads what its data holds:
    ("李𪚥", "li-zhe", "lizhe", "lz"),  # U+2A6A5, extension B
    ("𰻞𰻞", "biang-biang", "biangbiang", "bb"),  # U+30EDE, extension G (plane 3)
    # ... and it holds no reading of 𠮷 (U+20BB7), so the code point stands in for it.
    ("李𠮷华", "li-u20bb7hua", "liu20bb7hua", "lu20bb7h"),
    ("王𪛖", "wang-u2a6d6", "wangu2a6d6", "wu2a6d6"),  # U+2A6D6, the last of extension B
    ("王兙", "wang-u5159", "wangu5159", "wu5159"),  # a common-block character pypinyin cannot read
    ("𠮷野 Taro", "u20bb7-ye-taro", "u20bb7yetaro", "u20bb7yt"),  # not all Han: transliterated
])
def test_name_pinyin(name, slug, full, initials):
    assert names.slug(name) == slug
    assert names.full(name) == full
    assert names.initials(name) == initials


def test_no_character_of_a_name_is_dropped():
    """Before, 李𠮷华 was 'li-hua' (the slug of 李华) and 𠮷 alone gave an empty slug."""
    assert names.slug("李𠮷华") != names.slug("李华")
    assert names.slug("𠮷") == "u20bb7"
    assert len({names.slug(n) for n in ["王𠮷", "王𪛖", "王𪛗", "王兙"]}) == 4


@pytest.mark.parametrize("name,letter", [
    ("王建球", "W"), ("单志刚", "S"), ("李𠮷华", "L"), ("𰻞𰻞", "B"),
    ("𠮷华", "#"),  # a code point is no pinyin: no 'U' heading (no pinyin starts with u)
    ("1号", "#"), ("", "#"),
])
def test_letter(name, letter):
    assert names.letter(name) == letter


def test_co_signer_delegation_syntax():
    assert Person.parse("李伟（衡阳代表团）") == Person("李伟", "衡阳代表团")
    assert Person.parse("李伟(衡阳代表团)") == Person("李伟", "衡阳代表团")
    assert Person.parse(" 张三 ") == Person("张三", None)


def article(lead, delegation, co_signers=(), number="1"):
    reply = SimpleNamespace(lead_person=Person(lead, delegation), reply_date=number, number=number,
                            co_signer_people=[Person.parse(c) for c in co_signers])
    return SimpleNamespace(reply=reply)


def test_same_name_deputies_of_different_delegations_are_not_merged():
    a = article("李伟", "长沙代表团", number="1")
    b = article("李伟", "衡阳代表团", number="2")
    c = article("张三", "长沙代表团", co_signers=["李伟（衡阳代表团）"], number="3")
    found = deputies.build([a, b, c], "deputies/{slug}/", "deputies/{slug}/index.html")
    li = [d for d in found if d.name == "李伟"]
    assert sorted(d.slug for d in li) == ["li-wei-changsha", "li-wei-hengyang"]
    hengyang = next(d for d in li if d.delegation == "衡阳代表团")
    assert hengyang.led == [b] and hengyang.cosigned == [c]
    assert c.cosigner_deputies == [hengyang]


def test_co_signer_without_delegation_joins_the_only_deputy_of_that_name():
    a = article("王建球", "郴州代表团")
    b = article("张三", "长沙代表团", co_signers=["王建球"], number="2")
    found = deputies.build([a, b], "d/{slug}/", "d/{slug}/index.html")
    assert [d.slug for d in found] == ["wang-jianqiu", "zhang-san"]
    assert found[0].cosigned == [b]


def test_deputies_are_ordered_by_pinyin_with_letters():
    found = deputies.build([article("曾丽娟", "长沙代表团"), article("安然", "长沙代表团", number="2"),
                            article("单志刚", "湘潭代表团", number="3")], "d/{slug}/", "d/{slug}/index.html")
    assert [(d.name, d.letter) for d in found] == [("安然", "A"), ("单志刚", "S"), ("曾丽娟", "Z")]


def test_deputies_with_unreadable_characters_get_their_own_pages():
    found = deputies.build([article("李𠮷华", "长沙代表团"), article("李华", "长沙代表团", number="2"),
                            article("𠮷华", "长沙代表团", number="3")], "d/{slug}/", "d/{slug}/index.html")
    assert [(d.name, d.slug, d.url, d.letter) for d in found] == [
        ("李华", "li-hua", "d/li-hua/", "L"),
        ("李𠮷华", "li-u20bb7hua", "d/li-u20bb7hua/", "L"),
        ("𠮷华", "u20bb7-hua", "d/u20bb7-hua/", "#"),
    ]
