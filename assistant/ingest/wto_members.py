"""Country names -> ISO-3 codes, so every loader tags `markets` the same way.

The core table is the WTO membership under the names the WTO itself uses (`Korea, Republic of`,
`Chinese Taipei`, `Türkiye`...); the European Union is `EU`, as in notification symbols. Around it
sit the spellings other sources use (RASFF says `Russia`, `Vietnam`, `France (FR)`; the dispute
list says `EUROPEAN COMMUNITIES`), the non-members those sources name (Iran, Serbia, ...), and the
Chinese names China Customs uses (北马其顿, 坦桑尼亚...). `iso3()` is tolerant of case, accents,
punctuation and a trailing `(FR)`-style code.

`Fixtureland` maps to `FIXTURE`, the member code reserved for made-up test fixtures.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# WTO members (166 incl. the EU, as of 2024), English names as the WTO lists them.
WTO_MEMBERS: dict[str, str] = {
    "Afghanistan": "AFG",
    "Albania": "ALB",
    "Angola": "AGO",
    "Antigua and Barbuda": "ATG",
    "Argentina": "ARG",
    "Armenia": "ARM",
    "Australia": "AUS",
    "Austria": "AUT",
    "Bahrain, Kingdom of": "BHR",
    "Bangladesh": "BGD",
    "Barbados": "BRB",
    "Belgium": "BEL",
    "Belize": "BLZ",
    "Benin": "BEN",
    "Bolivia, Plurinational State of": "BOL",
    "Botswana": "BWA",
    "Brazil": "BRA",
    "Brunei Darussalam": "BRN",
    "Bulgaria": "BGR",
    "Burkina Faso": "BFA",
    "Burundi": "BDI",
    "Cabo Verde": "CPV",
    "Cambodia": "KHM",
    "Cameroon": "CMR",
    "Canada": "CAN",
    "Central African Republic": "CAF",
    "Chad": "TCD",
    "Chile": "CHL",
    "China": "CHN",
    "Chinese Taipei": "TWN",
    "Colombia": "COL",
    "Comoros": "COM",
    "Congo": "COG",
    "Costa Rica": "CRI",
    "Côte d'Ivoire": "CIV",
    "Croatia": "HRV",
    "Cuba": "CUB",
    "Cyprus": "CYP",
    "Czech Republic": "CZE",
    "Democratic Republic of the Congo": "COD",
    "Denmark": "DNK",
    "Djibouti": "DJI",
    "Dominica": "DMA",
    "Dominican Republic": "DOM",
    "Ecuador": "ECU",
    "Egypt": "EGY",
    "El Salvador": "SLV",
    "Estonia": "EST",
    "Eswatini": "SWZ",
    "European Union": "EU",
    "Fiji": "FJI",
    "Finland": "FIN",
    "France": "FRA",
    "Gabon": "GAB",
    "The Gambia": "GMB",
    "Georgia": "GEO",
    "Germany": "DEU",
    "Ghana": "GHA",
    "Greece": "GRC",
    "Grenada": "GRD",
    "Guatemala": "GTM",
    "Guinea": "GIN",
    "Guinea-Bissau": "GNB",
    "Guyana": "GUY",
    "Haiti": "HTI",
    "Honduras": "HND",
    "Hong Kong, China": "HKG",
    "Hungary": "HUN",
    "Iceland": "ISL",
    "India": "IND",
    "Indonesia": "IDN",
    "Ireland": "IRL",
    "Israel": "ISR",
    "Italy": "ITA",
    "Jamaica": "JAM",
    "Japan": "JPN",
    "Jordan": "JOR",
    "Kazakhstan": "KAZ",
    "Kenya": "KEN",
    "Korea, Republic of": "KOR",
    "Kuwait, the State of": "KWT",
    "Kyrgyz Republic": "KGZ",
    "Lao People's Democratic Republic": "LAO",
    "Latvia": "LVA",
    "Lesotho": "LSO",
    "Liberia": "LBR",
    "Liechtenstein": "LIE",
    "Lithuania": "LTU",
    "Luxembourg": "LUX",
    "Macao, China": "MAC",
    "Madagascar": "MDG",
    "Malawi": "MWI",
    "Malaysia": "MYS",
    "Maldives": "MDV",
    "Mali": "MLI",
    "Malta": "MLT",
    "Mauritania": "MRT",
    "Mauritius": "MUS",
    "Mexico": "MEX",
    "Moldova, Republic of": "MDA",
    "Mongolia": "MNG",
    "Montenegro": "MNE",
    "Morocco": "MAR",
    "Mozambique": "MOZ",
    "Myanmar": "MMR",
    "Namibia": "NAM",
    "Nepal": "NPL",
    "Netherlands": "NLD",
    "New Zealand": "NZL",
    "Nicaragua": "NIC",
    "Niger": "NER",
    "Nigeria": "NGA",
    "North Macedonia": "MKD",
    "Norway": "NOR",
    "Oman": "OMN",
    "Pakistan": "PAK",
    "Panama": "PAN",
    "Papua New Guinea": "PNG",
    "Paraguay": "PRY",
    "Peru": "PER",
    "Philippines": "PHL",
    "Poland": "POL",
    "Portugal": "PRT",
    "Qatar": "QAT",
    "Romania": "ROU",
    "Russian Federation": "RUS",
    "Rwanda": "RWA",
    "Saint Kitts and Nevis": "KNA",
    "Saint Lucia": "LCA",
    "Saint Vincent and the Grenadines": "VCT",
    "Samoa": "WSM",
    "Saudi Arabia, Kingdom of": "SAU",
    "Senegal": "SEN",
    "Seychelles": "SYC",
    "Sierra Leone": "SLE",
    "Singapore": "SGP",
    "Slovak Republic": "SVK",
    "Slovenia": "SVN",
    "Solomon Islands": "SLB",
    "South Africa": "ZAF",
    "Spain": "ESP",
    "Sri Lanka": "LKA",
    "Suriname": "SUR",
    "Sweden": "SWE",
    "Switzerland": "CHE",
    "Tajikistan": "TJK",
    "Tanzania": "TZA",
    "Thailand": "THA",
    "Timor-Leste": "TLS",
    "Togo": "TGO",
    "Tonga": "TON",
    "Trinidad and Tobago": "TTO",
    "Tunisia": "TUN",
    "Türkiye": "TUR",
    "Uganda": "UGA",
    "Ukraine": "UKR",
    "United Arab Emirates": "ARE",
    "United Kingdom": "GBR",
    "United States": "USA",
    "Uruguay": "URY",
    "Vanuatu": "VUT",
    "Venezuela, Bolivarian Republic of": "VEN",
    "Viet Nam": "VNM",
    "Yemen": "YEM",
    "Zambia": "ZMB",
    "Zimbabwe": "ZWE",
}

# Other spellings of members, as RASFF, ePing, the dispute list and people write them.
ALIASES: dict[str, str] = {
    "Bahrain": "BHR",
    "Bolivia": "BOL",
    "Brunei": "BRN",
    "Cape Verde": "CPV",
    "Congo, Republic of": "COG",
    "Republic of the Congo": "COG",
    "Congo, Democratic Republic of the": "COD",
    "DR Congo": "COD",
    "Ivory Coast": "CIV",
    "Czechia": "CZE",
    "Swaziland": "SWZ",
    "European Communities": "EU",
    "European Commission": "EU",
    "EU": "EU",
    "Gambia": "GMB",
    "Hong Kong": "HKG",
    "Korea": "KOR",
    "South Korea": "KOR",
    "Republic of Korea": "KOR",
    "Kuwait": "KWT",
    "Kyrgyzstan": "KGZ",
    "Laos": "LAO",
    "Lao PDR": "LAO",
    "Macao": "MAC",
    "Macau": "MAC",
    "Moldova": "MDA",
    "Republic of Moldova": "MDA",
    "Kingdom of the Netherlands": "NLD",
    "Netherlands, Kingdom of the": "NLD",
    "Republic of North Macedonia": "MKD",
    "The former Yugoslav Republic of Macedonia": "MKD",
    "Macedonia": "MKD",
    "Russia": "RUS",
    "Saudi Arabia": "SAU",
    "Slovakia": "SVK",
    "Taiwan": "TWN",
    "Separate Customs Territory of Taiwan, Penghu, Kinmen and Matsu": "TWN",
    "Tanzania, United Republic of": "TZA",
    "United Republic of Tanzania": "TZA",
    "Turkey": "TUR",
    "Turkiye": "TUR",
    "UK": "GBR",
    "Great Britain": "GBR",
    "Northern Ireland": "GBR",
    "United States of America": "USA",
    "USA": "USA",
    "US": "USA",
    "Venezuela": "VEN",
    "Vietnam": "VNM",
    "Fixtureland": "FIXTURE",  # the made-up member of test fixtures (symbols G/TBT/N/FIXTURE/...)
}

# Countries and territories that are not WTO members but appear in the sources.
NON_MEMBERS: dict[str, str] = {
    "Algeria": "DZA",
    "Andorra": "AND",
    "Aruba": "ABW",
    "Azerbaijan": "AZE",
    "Bahamas": "BHS",
    "Belarus": "BLR",
    "Bhutan": "BTN",
    "Bosnia and Herzegovina": "BIH",
    "Curaçao": "CUW",
    "Equatorial Guinea": "GNQ",
    "Eritrea": "ERI",
    "Ethiopia": "ETH",
    "Falkland Islands": "FLK",
    "Faroe Islands": "FRO",
    "French Polynesia": "PYF",
    "Gibraltar": "GIB",
    "Greenland": "GRL",
    "Iran": "IRN",
    "Iran, Islamic Republic of": "IRN",
    "Iraq": "IRQ",
    "Kiribati": "KIR",
    "Kosovo": "XKX",  # user-assigned code (no ISO 3166 entry)
    "Lebanon": "LBN",
    "Lebanese Republic": "LBN",
    "Libya": "LBY",
    "Marshall Islands": "MHL",
    "Micronesia": "FSM",
    "Monaco": "MCO",
    "Nauru": "NRU",
    "Netherlands Antilles": "ANT",  # former ISO code, still used by RASFF
    "New Caledonia": "NCL",
    "North Korea": "PRK",
    "Korea, Democratic People's Republic of": "PRK",
    "Palau": "PLW",
    "Palestine": "PSE",
    "West Bank and Gaza Strip": "PSE",
    "Puerto Rico": "PRI",
    "San Marino": "SMR",
    "São Tomé and Príncipe": "STP",
    "Sao Tome and Principe": "STP",
    "Serbia": "SRB",
    "Somalia": "SOM",
    "South Sudan": "SSD",
    "Sudan": "SDN",
    "Syria": "SYR",
    "Syrian Arab Republic": "SYR",
    "Turkmenistan": "TKM",
    "Tuvalu": "TUV",
    "Uzbekistan": "UZB",
    "Vatican City": "VAT",
    "Holy See": "VAT",
}

# Chinese names (as China Customs writes them) -> ISO-3. Longer names first when matching text.
NAMES_ZH: dict[str, str] = {
    "中国": "CHN", "中国香港": "HKG", "香港": "HKG", "中国澳门": "MAC", "澳门": "MAC",
    "中国台湾": "TWN", "台湾": "TWN", "欧盟": "EU", "欧洲联盟": "EU",
    "阿富汗": "AFG", "阿尔巴尼亚": "ALB", "阿尔及利亚": "DZA", "安哥拉": "AGO", "阿根廷": "ARG",
    "亚美尼亚": "ARM", "澳大利亚": "AUS", "奥地利": "AUT", "阿塞拜疆": "AZE", "巴林": "BHR",
    "孟加拉国": "BGD", "孟加拉": "BGD", "巴巴多斯": "BRB", "白俄罗斯": "BLR", "比利时": "BEL",
    "伯利兹": "BLZ", "贝宁": "BEN", "不丹": "BTN", "玻利维亚": "BOL", "波黑": "BIH",
    "波斯尼亚和黑塞哥维那": "BIH", "博茨瓦纳": "BWA", "巴西": "BRA", "文莱": "BRN",
    "保加利亚": "BGR", "布基纳法索": "BFA", "布隆迪": "BDI", "佛得角": "CPV", "柬埔寨": "KHM",
    "喀麦隆": "CMR", "加拿大": "CAN", "中非共和国": "CAF", "乍得": "TCD",
    "智利": "CHL", "哥伦比亚": "COL", "科摩罗": "COM", "刚果共和国": "COG", "刚果（布）": "COG",
    "刚果民主共和国": "COD", "刚果（金）": "COD", "哥斯达黎加": "CRI", "科特迪瓦": "CIV",
    "克罗地亚": "HRV", "古巴": "CUB", "塞浦路斯": "CYP", "捷克": "CZE", "丹麦": "DNK",
    "吉布提": "DJI", "多米尼克": "DMA", "多米尼加": "DOM", "厄瓜多尔": "ECU", "埃及": "EGY",
    "萨尔瓦多": "SLV", "赤道几内亚": "GNQ", "厄立特里亚": "ERI", "爱沙尼亚": "EST",
    "斯威士兰": "SWZ", "埃斯瓦蒂尼": "SWZ", "埃塞俄比亚": "ETH", "斐济": "FJI", "芬兰": "FIN",
    "法国": "FRA", "加蓬": "GAB", "冈比亚": "GMB", "格鲁吉亚": "GEO", "德国": "DEU",
    "加纳": "GHA", "希腊": "GRC", "格林纳达": "GRD", "危地马拉": "GTM", "几内亚": "GIN",
    "几内亚比绍": "GNB", "圭亚那": "GUY", "海地": "HTI", "洪都拉斯": "HND", "匈牙利": "HUN",
    "冰岛": "ISL", "印度": "IND", "印度尼西亚": "IDN", "印尼": "IDN", "伊朗": "IRN",
    "伊拉克": "IRQ", "爱尔兰": "IRL", "以色列": "ISR", "意大利": "ITA", "牙买加": "JAM",
    "日本": "JPN", "约旦": "JOR", "哈萨克斯坦": "KAZ", "肯尼亚": "KEN", "韩国": "KOR",
    "朝鲜": "PRK", "科威特": "KWT", "吉尔吉斯斯坦": "KGZ", "老挝": "LAO", "拉脱维亚": "LVA",
    "黎巴嫩": "LBN", "莱索托": "LSO", "利比里亚": "LBR", "利比亚": "LBY", "列支敦士登": "LIE",
    "立陶宛": "LTU", "卢森堡": "LUX", "马达加斯加": "MDG", "马拉维": "MWI", "马来西亚": "MYS",
    "马尔代夫": "MDV", "马里": "MLI", "马耳他": "MLT", "毛里塔尼亚": "MRT", "毛里求斯": "MUS",
    "墨西哥": "MEX", "摩尔多瓦": "MDA", "摩纳哥": "MCO", "蒙古": "MNG", "蒙古国": "MNG",
    "黑山": "MNE", "摩洛哥": "MAR", "莫桑比克": "MOZ", "缅甸": "MMR", "纳米比亚": "NAM",
    "尼泊尔": "NPL", "荷兰": "NLD", "新西兰": "NZL", "尼加拉瓜": "NIC", "尼日尔": "NER",
    "尼日利亚": "NGA", "北马其顿": "MKD", "马其顿": "MKD", "挪威": "NOR", "阿曼": "OMN",
    "巴基斯坦": "PAK", "巴勒斯坦": "PSE", "巴拿马": "PAN", "巴布亚新几内亚": "PNG",
    "巴拉圭": "PRY", "秘鲁": "PER", "菲律宾": "PHL", "波兰": "POL", "葡萄牙": "PRT",
    "卡塔尔": "QAT", "罗马尼亚": "ROU", "俄罗斯": "RUS", "俄罗斯联邦": "RUS", "卢旺达": "RWA",
    "圣基茨和尼维斯": "KNA", "圣卢西亚": "LCA", "圣文森特和格林纳丁斯": "VCT", "萨摩亚": "WSM",
    "圣马力诺": "SMR", "圣多美和普林西比": "STP", "沙特阿拉伯": "SAU", "沙特": "SAU",
    "塞内加尔": "SEN", "塞尔维亚": "SRB", "塞舌尔": "SYC", "塞拉利昂": "SLE", "新加坡": "SGP",
    "斯洛伐克": "SVK", "斯洛文尼亚": "SVN", "所罗门群岛": "SLB", "索马里": "SOM",
    "南非": "ZAF", "南苏丹": "SSD", "西班牙": "ESP", "斯里兰卡": "LKA", "苏丹": "SDN",
    "苏里南": "SUR", "瑞典": "SWE", "瑞士": "CHE", "叙利亚": "SYR", "塔吉克斯坦": "TJK",
    "坦桑尼亚": "TZA", "泰国": "THA", "东帝汶": "TLS", "多哥": "TGO", "汤加": "TON",
    "特立尼达和多巴哥": "TTO", "突尼斯": "TUN", "土耳其": "TUR", "土库曼斯坦": "TKM",
    "乌干达": "UGA", "乌克兰": "UKR", "阿联酋": "ARE", "阿拉伯联合酋长国": "ARE",
    "英国": "GBR", "美国": "USA", "乌拉圭": "URY", "乌兹别克斯坦": "UZB", "瓦努阿图": "VUT",
    "委内瑞拉": "VEN", "越南": "VNM", "也门": "YEM", "赞比亚": "ZMB", "津巴布韦": "ZWE",
    "所罗门": "SLB", "基里巴斯": "KIR", "瑙鲁": "NRU", "帕劳": "PLW", "密克罗尼西亚": "FSM",
    "马绍尔群岛": "MHL", "图瓦卢": "TUV", "安道尔": "AND", "梵蒂冈": "VAT", "科索沃": "XKX",
    "格陵兰": "GRL", "法属波利尼西亚": "PYF", "新喀里多尼亚": "NCL", "法罗群岛": "FRO",
    "直布罗陀": "GIB", "安提瓜和巴布达": "ATG", "巴哈马": "BHS", "波多黎各": "PRI",
    "库拉索": "CUW", "阿鲁巴": "ABW",
}

_CODE_SUFFIX = re.compile(r"\s*\([A-Z]{2}\)\s*$")  # "France (FR)"
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _key(name: str) -> str:
    """Case-, accent- and punctuation-insensitive lookup key."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "").replace("’", "")
    text = _NON_WORD.sub(" ", text).strip()
    return text.removeprefix("the ")


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    table: dict[str, str] = {}
    for source in (NON_MEMBERS, ALIASES, WTO_MEMBERS):  # WTO names win on a clash
        for name, code in source.items():
            table[_key(name)] = code
    return table


@lru_cache(maxsize=4096)
def iso3(name: str | None) -> str | None:
    """ISO-3 code (or `EU`) for an English or Chinese country name; None if unknown."""
    if not name:
        return None
    name = name.strip()
    if name in NAMES_ZH:
        return NAMES_ZH[name]
    name = _CODE_SUFFIX.sub("", name)
    code = _index().get(_key(name))
    if code is None and re.fullmatch(r"[A-Z]{3}", name) and name in _CODES:
        return name
    return code


_CODES = frozenset(WTO_MEMBERS.values()) | frozenset(NON_MEMBERS.values())

_NAME_OF: dict[str, str] = {code: name for name, code in WTO_MEMBERS.items()}


def member_name(code: str) -> str | None:
    """The WTO's English name for a member code (`KOR` -> `Korea, Republic of`)."""
    return _NAME_OF.get(code.upper())


_ZH_RE = re.compile("|".join(sorted(map(re.escape, NAMES_ZH), key=len, reverse=True)))


def find_zh(text: str) -> list[str]:
    """ISO-3 codes of the countries named in a Chinese text, in order, without repeats.

    Longest names win (`印度尼西亚` is not `印度`, `南苏丹` is not `苏丹`).
    """
    out: list[str] = []
    for m in _ZH_RE.finditer(text):
        code = NAMES_ZH[m.group(0)]
        if code not in out:
            out.append(code)
    return out
