"""The market gazetteer: what an exporter names, and what they do not."""

from __future__ import annotations

import pytest

from assistant.retrieve.markets import (
    all_markets,
    bloc_members,
    expand_markets,
    find_markets,
    get_market,
    market_codes,
    market_name,
)


def codes(text: str) -> list[str]:
    return market_codes(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("蓝牙耳机出口德国要啥认证", ["DEU"]),
        ("我们的干辣椒在欧盟被通报了", ["EU"]),
        ("藍牙耳機出口美國", ["USA"]),
        ("出口歐盟和東盟", ["EU", "ASEAN"]),
        ("Exports to the U.S. and the UK", ["USA", "GBR"]),
        ("US FDA rules for honey", ["USA"]),
        ("shipping to the usa", ["USA"]),
        ("EU toy safety", ["EU"]),
        ("selling in eu", ["EU"]),
        ("Germany and France", ["DEU", "FRA"]),
        ("出口沙特和阿联酋", ["SAU", "ARE"]),
        ("印度尼西亚和印度", ["IDN", "IND"]),
        ("巴布亚新几内亚", ["PNG"]),
        ("北爱尔兰和爱尔兰", ["GBR", "IRL"]),
        ("中国香港和中国", ["HKG", "CHN"]),
        ("South Korea, North Korea and Korea", ["KOR", "PRK"]),
        ("Côte d'Ivoire / Ivory Coast", ["CIV"]),
        ("Saint Vincent and the Grenadines", ["VCT"]),
        ("出口紐西蘭和義大利", ["NZL", "ITA"]),
        ("海湾国家和海合会", ["GCC"]),
        ("EAEU 海关联盟认证", ["EAEU"]),
        ("南方共同市场 Mercosur", ["MERCOSUR"]),
        ("Japan.", ["JPN"]),
        ("export to Turkey", ["TUR"]),
        ("Türkiye and Turkiye", ["TUR"]),
        ("notification DEU and BRA codes", ["DEU", "BRA"]),
        ("符合法国标准", ["FRA"]),
        ("美国市场和中东地区", ["USA"]),  # a market word made longer by 市场 is still the market
        ("美加墨协定", ["USA", "CAN"]),  # a run of abbreviated names
        ("辣椒粉因为苏丹红被欧盟通报", ["EU"]),  # 苏丹红 is a dye
    ],
)
def test_find_markets(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "can you tell us about toys",  # "us" is not the USA
        "let us know, tell us more",
        "frozen turkey meat",  # the bird
        "dried chile peppers",  # the pepper, not Chile
        "Latin America and South America",  # not "America"
        "内蒙古的企业",  # not Mongolia
        "南美市场",  # South America is not the USA
        "合法国际贸易",  # 合法 + 国际, not France
        "128 GB storage",  # gigabytes
        "CAN I ship ARE goods PER unit",  # capitals that are words, not ISO codes
        "沿海地区的企业",  # not Haiti
        "DJI drones",  # a brand, not Djibouti
        "荷兰豆出口",  # snow peas, not the Netherlands
        "韩国泡菜",  # a dish
    ],
)
def test_no_false_markets(text: str) -> None:
    assert codes(text) == []


def test_spans_point_into_the_original_text() -> None:
    text = "我們出口歐盟, and the U.S. too"
    found = find_markets(text)
    assert [m.market.code for m in found] == ["EU", "USA"]
    for m in found:
        assert text[m.start : m.end] == m.text
    assert found[0].text == "歐盟"
    assert found[1].text == "U.S."


def test_group_names_give_several_markets() -> None:
    assert codes("出口欧美日韩") == ["EU", "USA", "JPN", "KOR"]
    assert codes("港澳台") == ["HKG", "MAC", "TWN"]
    assert codes("North America") == ["USA", "CAN", "MEX"]


def test_expand_markets_adds_blocs() -> None:
    assert expand_markets(["DEU"]) == ["DEU", "EU"]
    assert expand_markets("SAU") == ["SAU", "GCC"]
    assert expand_markets(["vnm", "RUS", "BRA"]) == ["VNM", "ASEAN", "RUS", "EAEU", "BRA", "MERCOSUR"]
    assert expand_markets(["EU", "DEU", "FRA"]) == ["EU", "DEU", "FRA"]
    assert expand_markets(["USA"]) == ["USA"]
    assert expand_markets(["FIXTURE"]) == ["FIXTURE"]  # unknown codes pass through
    assert expand_markets([]) == []


def test_bloc_membership() -> None:
    eu = bloc_members("EU")
    assert len(eu) == 27
    assert {"DEU", "FRA", "ITA", "POL", "HRV", "IRL"} <= set(eu)
    assert "GBR" not in eu
    assert sorted(bloc_members("GCC")) == ["ARE", "BHR", "KWT", "OMN", "QAT", "SAU"]
    assert sorted(bloc_members("ASEAN")) == ["BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM"]
    assert sorted(bloc_members("EAEU")) == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert sorted(bloc_members("MERCOSUR")) == ["ARG", "BRA", "PRY", "URY"]


def test_every_wto_member_is_there() -> None:
    members = [m for m in all_markets() if m.wto]
    assert len(members) == 166  # 164 + Comoros and Timor-Leste (2024), counting the EU
    for m in members:
        assert m.name_en and m.name_zh
        if not m.is_bloc:
            assert len(m.code) == 3 and m.code.isupper()
            # every member is found by its own English and Chinese name
            assert m.code in codes(m.name_en), m.name_en
            assert m.code in codes(m.name_zh), m.name_zh


# China's largest trading partners: each must be found by its everyday Chinese name.
_ZH_NAMES = {
    "美国": "USA", "日本": "JPN", "韩国": "KOR", "越南": "VNM", "俄罗斯": "RUS", "德国": "DEU",
    "澳大利亚": "AUS", "马来西亚": "MYS", "巴西": "BRA", "印度": "IND", "印尼": "IDN", "泰国": "THA",
    "新加坡": "SGP", "荷兰": "NLD", "墨西哥": "MEX", "英国": "GBR", "沙特": "SAU", "菲律宾": "PHL",
    "加拿大": "CAN", "阿联酋": "ARE", "法国": "FRA", "意大利": "ITA", "智利": "CHL", "台湾": "TWN",
    "香港": "HKG", "西班牙": "ESP", "南非": "ZAF", "伊拉克": "IRQ", "土耳其": "TUR", "比利时": "BEL",
    "波兰": "POL", "孟加拉": "BGD", "秘鲁": "PER", "哈萨克斯坦": "KAZ", "巴基斯坦": "PAK", "瑞士": "CHE",
    "伊朗": "IRN", "阿曼": "OMN", "卡塔尔": "QAT", "科威特": "KWT", "尼日利亚": "NGA", "阿根廷": "ARG",
    "新西兰": "NZL", "柬埔寨": "KHM", "缅甸": "MMR", "以色列": "ISR", "埃及": "EGY", "瑞典": "SWE",
    "哥伦比亚": "COL", "捷克": "CZE", "匈牙利": "HUN", "乌克兰": "UKR", "爱尔兰": "IRL", "丹麦": "DNK",
    "奥地利": "AUT", "斯里兰卡": "LKA", "老挝": "LAO", "安哥拉": "AGO", "肯尼亚": "KEN", "澳门": "MAC",
    "芬兰": "FIN", "挪威": "NOR", "希腊": "GRC", "葡萄牙": "PRT", "罗马尼亚": "ROU", "吉尔吉斯斯坦": "KGZ",
    "乌兹别克斯坦": "UZB", "蒙古": "MNG", "阿尔及利亚": "DZA", "摩洛哥": "MAR", "厄瓜多尔": "ECU",
}


def test_chinese_names_of_main_partners() -> None:
    assert len(_ZH_NAMES) >= 60
    for name, code in _ZH_NAMES.items():
        assert codes(f"出口{name}的要求") == [code], name


def test_names_and_lookup() -> None:
    assert market_name("DEU", "zh") == "德国"
    assert market_name("DEU", "en") == "Germany"
    assert market_name("EU", "zh-Hans") == "欧盟"
    assert market_name("XXX", "en") == "XXX"
    de = get_market("deu")
    assert de is not None and de.blocs == ("EU",) and de.wto
    assert get_market("EU") is not None and get_market("EU").is_bloc  # type: ignore[union-attr]
    assert get_market("") is None
    assert get_market("ZZZ") is None


def test_odd_input_is_harmless() -> None:
    assert find_markets("") == []
    assert find_markets("\x00\ud7ff\uffff" * 10) == []
    assert codes("ＵＳＡ和ＥＵ") == ["USA", "EU"]  # full-width letters


def test_a_record_is_about_the_markets_its_title_or_its_parties_name() -> None:
    from assistant.retrieve.relevance import record_markets

    gsp = {"type": "announcement", "markets": ["CHN"], "title": "我国不再对输欧亚经济联盟货物签发普惠制原产地证书"}
    assert "EAEU" in record_markets(gsp)
    dispute = {"type": "dispute", "markets": ["KOR"], "complainant": "Japan"}
    assert record_markets(dispute) == {"KOR", "JPN"}
    # an alert's title names its product and origin, not its market
    assert record_markets({"type": "alert", "markets": ["EU"], "title": "Salmonella in chicken from Poland"}) == {"EU"}


def test_every_eu_member_state_is_found_by_its_demonym() -> None:
    """RASFF alerts are notified by member states, and users write "Danish authorities flagged …"."""
    from assistant.retrieve.markets import bloc_members, get_market

    for code in bloc_members("EU"):
        market = get_market(code)
        assert market is not None
        found = {m.market.code for m in find_markets(f"the {market.name('en')} authorities")}
        assert code in found
    for text, code in [("Danish authorities flagged it", "DNK"), ("a Belgian importer", "BEL"),
                       ("Finnish customs", "FIN"), ("Greek buyers", "GRC"), ("Czech inspectors", "CZE"),
                       ("Cambodian rawhide chews", "KHM"), ("Moroccan sardines", "MAR"), ("Kazakh buyers", "KAZ")]:
        assert code in {m.market.code for m in find_markets(text)}, text


def test_a_possessive_names_the_market() -> None:
    from assistant.retrieve.markets import find_markets

    assert [m.market.code for m in find_markets("China's quarantine pest list")] == ["CHN"]
    assert [m.market.code for m in find_markets("What are the EU’s rules?")] == ["EU"]
    assert [m.market.code for m in find_markets("Côte d'Ivoire cocoa")] == ["CIV"]
    assert not find_markets("what's the rule, it's fine")


@pytest.mark.parametrize(("text", "origins"), [
    ("Iranian pistachios rejected in the EU", {"IRN"}),
    ("licorice from Iran", {"IRN"}),
    ("And the Belgian one?", set()),  # the alert Belgium notified, not goods from Belgium
    ("the Dutch ones - what were they for?", set()),
    ("越南椰子出口前抽检比例是多少？", {"VNM"}),  # the country's goods, which it exports
    ("越南的椰子出口到中国要什么证书", {"VNM"}),
    ("我们蓝牙耳机出口美国", set()),  # where ours go
    ("出口越南椰子要什么", set()),
])
def test_a_demonym_names_where_goods_come_from_but_not_which_one(text: str, origins: set[str]) -> None:
    from assistant.retrieve.markets import named_origins

    assert named_origins(text) == origins


@pytest.mark.parametrize(("text", "places"), [
    ("We're a honey packer in Dar es Salaam. What heat treatment does China accept?", ["Dar es Salaam"]),
    ("We run a durian orchard in Raub, Pahang, mostly Musang King.", ["Raub, Pahang"]),
    ("a lamp factory based in Ningbo exporting to Germany", ["Ningbo"]),
    ("What does Article 18 say, and what is in Annex II?", []),
    ("rules in force in March 2024 in the EU", []),
    ("certificate written in English, shipped from China", []),
    ("我们是山东的大蒜出口商，第一次发美国", ["山东"]),
    ("深圳做WiFi摄像头卖英国的", ["深圳"]),  # 英国 is a market
])
def test_where_the_asker_is_said_in_passing_is_no_market(text: str, places: list[str]) -> None:
    from assistant.retrieve.markets import asker_places

    assert [text[a:b] for a, b in asker_places(text)] == places
