"""Abbreviations the Chinese records give their terms become translations (普惠制（GSP）)."""

from __future__ import annotations

from assistant.retrieve.abbreviations import harvest
from assistant.retrieve.relevance import china_customs_for_exports


def test_a_term_and_the_abbreviation_the_text_gives_it() -> None:
    texts = ["普遍优惠制度（Generalized System of Preferences）简称普惠制（GSP），是发达国家给予的关税优惠。",
             "出口企业应遵守世界动物卫生组织（WOAH）的规定。",  # where the term starts is unclear: left out
             "国别代码（AU）"]  # two letters: too ambiguous
    assert harvest(texts) == [("普惠制", "GSP")]


def test_china_customs_for_goods_going_elsewhere() -> None:
    assert china_customs_for_exports("Can Chinese customs still give us a GSP Form A for goods to Norway?")
    assert not china_customs_for_exports("Is there a China Customs ban on ruminants from Belgium?")
    assert not china_customs_for_exports("What does China Customs require for beef imports into China?")


def test_a_china_customs_procedure_for_all_exports() -> None:
    from assistant.retrieve.relevance import for_all_exports

    assert for_all_exports({"type": "announcement", "title": "关于取消出口货物原产地企业备案事项的公告"})
    # names its partner: a matter of that market, not of every market
    assert not for_all_exports({"type": "announcement", "title": "关于《中华人民共和国政府和厄瓜多尔共和国政府自由贸易协定》实施相关事项的公告"})
    assert not for_all_exports({"type": "announcement", "title": "关于进口坦桑尼亚蜂蜜检验检疫要求的公告"})
