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
])
def test_name_pinyin(name, slug, full, initials):
    assert names.slug(name) == slug
    assert names.full(name) == full
    assert names.initials(name) == initials


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
