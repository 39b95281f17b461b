"""What a "how much" question measures, and whether a text states a quantity of that kind.

One decision shared by search (a question whose figure no record found states gets no answer) and
the answer composer (which figure answers, and saying a figure is unstated): a font size is a
length, a validity a duration, a fee a sum of money, a lead limit a limit value.
"""

from __future__ import annotations

import re

from assistant.retrieve.question_form import ask_forms

MONEY = re.compile(r"(?:\bUSD|\bEUR|\bGBP|\bRMB|\bCNY|US\$|\$|€|£)\s*\d[\d,.]*(?:\s*(?:million|billion|trillion))?|"
                    r"\d[\d,.]*\s*(?:million|billion|trillion|万|亿)?\s*(?:元|美元|欧元|英镑|yuan|dollars|euros)", re.I)


# What a "how much" question measures, read from its words, and the units that state it: a font
# size is a length, a validity a duration, a fee a sum of money (or a share of one, or nothing at
# all). A figure of another kind ("alcohol strength above 1.2%") does not answer it.
_MEASURES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "length": (
        re.compile(r"\b(?:size|font|height|width|thickness|diameter|length)\b|字号|字高|字体|尺寸|高度|宽度|厚度|直径|长度",
                   re.I),
        re.compile(r"\d\s*(?:mm|cm|m|µm|μm|inch(?:es)?|pt|毫米|厘米|米|微米|英寸)(?![a-z])", re.I)),
    # a period asked in days ("多少天内", "how many working days") is answered by days, weeks or
    # hours, not by the validity in years the same text gives; counted as a duration when checked
    "days": (
        re.compile(r"\bhow many (?:(?:business|working|calendar) )?days\b|(?<![前近这那去头好])几天|多少天|(?:多少|几)个?工作日", re.I),
        re.compile(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|sixty|"
                   r"ninety)\b)[\s-]*(?:(?:business|working|calendar)\s+)?(?:days?|weeks?|hours?)\b|"
                   r"(?<![\d月年])(?:\d{1,3}|[一二两三四五六七八九十百]+)\s*(?:个?工作日|天|小时|周|日(?!\s*\d))", re.I)),
    # a period asked in years ("有效期几年", "how many years") is answered by years, not by the days
    # allowed to apply for its extension
    "years": (
        re.compile(r"\bhow many years\b|(?<![前近这那去头好])几年|多少年", re.I),
        re.compile(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty)\b)"
                   r"[\s-]*years?\b|(?<![\d月年])(?:\d{1,2}|[一二两三四五六七八九十]+)\s*年(?!\s*\d)(?!度)", re.I)),
    "duration": (
        re.compile(r"\bhow (?:long|soon|often)\b|\bvalid(?:ity)?\b|\bwithin how\b|\btime limits?\b|"
                   r"\bhow many (?:(?:business|working|calendar) )?(?:days|weeks|months|hours)\b|"
                   r"多久|多长时间|有效期|几天|多少天|期限|(?:多少|几)个?(?:工作日|月|小时)",
                   re.I),
        re.compile(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|thirty|sixty|ninety)\b)"
                   r"[\s-]*(?:(?:business|working|calendar)\s+)?(?:days?|weeks?|months?|years?|hours?)\b|"
                   # 5个工作日, 6个月, 30日内, 两年; not a date's 2024年, 3月底 or 12日
                   r"(?<![\d月年])(?:\d{1,3}|[一二两三四五六七八九十百]+)\s*(?:个月|个?工作日|天|小时|周|年(?!\s*\d)|日(?!\s*\d))|"
                   r"every\s+(?:year|month)|"
                   # or as the date it runs to: "valid until 31 December 2028", "有效期至2028年"
                   r"(?:\bvalid|\buntil\b|\bexpir|有效|截至|到期)[^。.;；]{0,40}?(?<!\d)(?:19|20)\d{2}(?!\d)",
                   re.I)),
    # a tariff asked ("进口关税是多少", "what import tariff does China charge") is a rate of duty
    # stated as a share of value, or as no duty at all; not any sum or percentage
    "tariff": (
        re.compile(r"\btariffs?\b|\bduty rates?\b|\b(?:import|customs|anti-dumping|countervailing) dut(?:y|ies)\b|"
                   r"税率|关税(?!配额)|反倾销税|反补贴税", re.I),
        re.compile(r"(?:税率|关税|\btariffs?|\bdut(?:y|ies))(?: rates?)?(?:为|是|降至|调整为|由|of|at|is|are)?"
                   r"[^。.;；，,]{0,8}?\d+(?:\.\d+)?\s*%|"
                   r"\d+(?:\.\d+)?\s*%(?:的)?(?:税率|关税|\s+(?:ad valorem\s+)?(?:tariffs?|dut(?:y|ies)))|"
                   r"零关税|免征关税|免征进口关税|免税|\bduty[- ]free\b|\bzero[- ](?:tariff|duty)\b|\bexempt(?:ed)? from (?:customs )?dut", re.I)),
    "money": (
        re.compile(r"\b(?:fee|fees|cost|costs|price|charge|charges)\b|\b(?:export|import|trade|sales) (?:value|volume)s?\b|"
                   r"费用|多少钱|收费|价格|成本|金额|总额|出口额|进口额|贸易额|销售额|(?:注册|申请|检测|认证|年|服务|办理|审核|登记)费",
                   re.I),
        # a share counts as a sum when it is a share of one (4% of turnover), not any percentage
        re.compile(rf"{MONEY.pattern}|\d\s*%[^。.;；]{{0,30}}(?:turnover|revenue|value|营业额|营收|销售额|货值)|"
                   r"(?:turnover|revenue|营业额|营收|销售额|货值)[^。.;；]{0,30}\d\s*%|\b(?:costs?|fees? (?:is|are|of)|priced at|charges?)\s+(?:about |around |up to )?\d|"
                   r"(?:费用|收费|价格)(?:为|是)?\s*\d|\bfree of charge\b|\bno (?:fee|charge)\b|\bwithout charge\b|"
                   r"\bfee-free\b|免费|不收费|不收取(?:任何)?费用", re.I)),
    # a limit said in its dimension ("lead in mg/kg", a migration, a residue; noise in dB; standby
    # power in W) is stated only in that dimension, or as a ban: a 24 V ceiling is no lead limit
    "concentration": (
        re.compile(r"(?<![a-z])mg/(?:kg|l|dm2)\b|µg/kg|μg/kg|(?<![a-z])ppm\b|(?<![a-z])ppb\b|\bmigrat|\bresidues?\b|\bMRLs?\b|"
                   r"\b(?:moisture|water) content\b|\bmaximum (?:\w+ )?(?:content|level)s?\b|"
                   r"残留|迁移|含量|浓度|水分|重量百分比", re.I),
        re.compile(r"\d\s*(?:%|‰|ppm|ppb|mg|µg|μg|ug|ng|g/|毫克|微克)|\bnot (?:be )?detect|\bprohibit|\bbann?ed?\b|"
                   r"\bmust not contain|不得检出|禁止|不得含有", re.I)),
    "sound": (
        re.compile(r"\bnoise\b|\bdecibels?\b|\bdB\b|\bsound (?:power|pressure|level)|噪声|噪音|分贝"),
        re.compile(r"\d\s*(?:dB|分贝)", re.I)),
    "power": (
        re.compile(r"\bwatts?\b|\bpower (?:consumption|draw|use)|\bstandby power\b|功率|功耗|耗电", re.I),
        re.compile(r"\d\s*(?:W|kW|mW|瓦|千瓦)(?![a-zA-Z])")),
    # a limit on what a product may contain or emit: stated as a figure with its unit, or as a ban
    "limit": (
        re.compile(r"\blimits?\b|(?<![a-z])mg/kg\b|(?<![a-z])ppm\b|(?<![a-z])ppb\b|\bconcentrations?\b|\bMRLs?\b|限量|限值|浓度|含量|迁移量",
                   re.I),
        re.compile(r"\d\s*(?:%|‰|ppm|ppb|mg|µg|μg|ug|ng|g/|kg|ml|db|w\b|kw|v\b|hz|bq|毫克|微克|克|千克|公斤|分贝|瓦|伏)|"
                   r"\bnot (?:be )?detect|\bprohibit|\bbann?ed?\b|\bmust not contain|不得检出|禁止|不得含有", re.I)),
}


def measure_asked(question: str) -> str | None:
    """The kind of quantity a question measures ("length", "duration", "money", a limit in one
    dimension or any limit), if it says."""
    return next((kind for kind, (asked, _) in _MEASURES.items() if asked.search(question)), None)


def measure_stated(kind: str, sentence: str) -> bool:
    """The sentence states a quantity of this kind (a sum, "free of charge", 1.2 mm, five years)."""
    return bool(_MEASURES[kind][1].search(sentence))


# quantities a record either states or does not: a fee, a size, a limit, a period (or the date a
# validity runs to). A question asking only for one of these that no record read states has no answer.
CHECKED_MEASURES = frozenset({"tariff", "money", "length", "limit", "concentration", "sound", "power", "duration"})


def checked_measure(question: str, intent: str) -> str | None:
    """The quantity a question asks for and nothing else (in one ask or several), when a record
    either states one or does not ("印度BIS注册要交多少费用？": money); None for reports, and for
    alerts but a sum or a level found ("罚了多少钱？", "检出值是多少mg/kg？"): "how many alerts" is
    answered by the alerts themselves."""
    if intent == "report":
        return None
    pieces = ask_forms(question)
    if not pieces or any(form != "how_much" for _, form in pieces):
        return None  # (every ask a "how much": "总金额是多少？同比涨了多少？")
    kind = measure_asked(question)
    if kind in ("days", "years"):
        kind = "duration"  # a record states a period or does not; its unit is the composer's choice
    if intent == "alerts" and kind not in ("money", "concentration"):
        return None
    return kind if kind in CHECKED_MEASURES else None
