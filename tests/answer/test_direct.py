"""The offline composer answers the question asked: the key fact first, rules that no longer
apply marked as such, rejections aggregated, a chat form that fits a phone, citations valid.

Evidence is built from real records (corpus/curated, the MDR text, real RASFF rows) the way the
orchestrator builds it; today's date is fixed so statuses and deadlines are stable.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from pathlib import Path

import pytest

from assistant.answer.chat import LIMITS
from assistant.answer.models import Evidence
from assistant.answer.offline import Composed, OfflineComposer
from assistant.answer.sentences import split
from assistant.answer.verify import split_sentences, verify
from assistant.ingest import curated, rasff
from assistant.records import BaseRecord
from assistant.retrieve.question_form import question_form
from tests.answer.conftest import FIXTURES, record_evidence

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.date(2026, 12, 4)
BEFORE_REPEAL = dt.date(2024, 11, 15)


@pytest.fixture(scope="module")
def curated_records() -> dict[str, BaseRecord]:
    out: dict[str, BaseRecord] = {}
    for path in sorted((ROOT / "corpus" / "curated").glob("*.yaml")):
        result = curated.load(path)
        out.update({r.ref: r for r in result.records})
    return out


@pytest.fixture(scope="module")
def goji_alerts() -> list[Evidence]:
    result = rasff.load(FIXTURES / "rasff_goji_china.csv")
    assert not result.issues and len(result.records) == 6
    out = []
    for n, rec in enumerate(result.records, 1):
        row = rec.model_dump(mode="json")
        out.append(Evidence(n=n, ref=rec.ref, type="alert", title=rec.title, cite=rec.ref, snippet=rec.text[:200],
                            text=rec.text, record=row))
    return out


def mdr18(n: int = 1) -> Evidence:
    text = (FIXTURES / "mdr_article18.txt").read_text(encoding="utf-8")
    return Evidence(n=n, ref="Regulation (EU) 2017/745", type="document",
                    title="Regulation (EU) 2017/745 on medical devices",
                    cite="Regulation (EU) 2017/745, Article 18", snippet=text[:200], text=text, page=31,
                    record={"ref": "Regulation (EU) 2017/745", "type": "document", "markets": ["EU"],
                            "title": "Regulation (EU) 2017/745 of the European Parliament and of the Council"})


def evidence(records: dict[str, BaseRecord], refs: list[str], lang: str) -> list[Evidence]:
    return [record_evidence(n, records[ref], lang) for n, ref in enumerate(refs, 1)]


def compose(intent: str, ev: list[Evidence], lang: str, question: str, today: dt.date = NOW,
            **ctx: object) -> Composed:
    out = OfflineComposer(today).compose(intent, ev, lang, {"question": question, **ctx})
    for text in (out.text, out.chat, out.direct):
        result = verify(text, ev)
        assert result.clean, (text, result.removed, result.invented)
    assert set(re.findall(r"\[(\d+)\]", out.chat)) <= {str(e.n) for e in ev}
    return out


def opening(text: str, k: int = 2) -> str:
    """The first k sentences a reader sees."""
    sentences = [s for s in split_sentences(text.split("\n\n")[0]) if s.strip()]
    return "".join(sentences[:k])


# --- the question's form ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("MDR里植入卡是哪一条规定的", "which"),
        ("欧盟香蕉案是哪个争端", "which"),
        ("Which article of the MDR covers implant cards?", "which"),
        ("待机功耗法规什么时候废止的？", "when"),
        ("When does the comment period close?", "when"),
        ("枸杞被通报具体是因为什么", "why"),
        ("Why were the goji berries rejected?", "why"),
        ("玩具里可以用PFAS吗", "allowed"),
        ("Is it allowed to sell toys with PFAS in the EU?", "allowed"),
        ("待机功耗限值是多少？", "how_much"),
        ("What is the standby power limit?", "how_much"),
        ("What share of each consignment is sampled?", "how_much"),
        ("抽检比例是怎么规定的？", "how_much"),
        ("How big can the penalty be?", "how_much"),
        ("How soon does someone follow up?", "how_much"),
        ("PPE法规里口罩算第几类风险？", "which"),
        ("中国的意见是在TBT委员会第几次例会上被认可的？", "which"),
        ("Which category of PPE are FFP2 masks?", "which"),
        # a kind named with its system still asks for an identifier
        ("Which WTO notification covered the FCC lab rules?", "which"),
        ("哪个SPS通报涉及这批货？", "which"),
        ("被通报过几次？", "how_much"),
        ("出口蓝牙耳机到欧盟需要什么认证？", "must"),
        ("What must we do before exporting LED lamps to the UK?", "must"),
        ("玩具出口欧盟有哪些法规", "list"),
        ("What does the MDR say about implant cards?", "what"),
        # a tariff asked is a figure; a case's number "是多少" is an identifier
        ("what import tariff does China charge on durian?", "how_much"),
        ("那个WTO案编号是多少", "which"),
        ("案号是多少？", "which"),
        ("字号是多少？", "how_much"),
    ],
)
def test_question_form_in_both_languages(question: str, form: str) -> None:
    assert question_form(question) == form


def test_sentences_are_not_cut_inside_references_or_figures() -> None:
    text = ("The regulation was repealed by Regulation (EC) No. 1275/2008 from 9 May 2025. Stage 2: at most "
            "0.50 W, e.g. a TV; see Art. 5 for details. 该法规自2025年5月9日起废止。新法规范围更广！")
    got = split(text)
    assert got[0] == "The regulation was repealed by Regulation (EC) No. 1275/2008 from 9 May 2025."
    assert any("Art. 5 for details." in s for s in got)
    assert "该法规自2025年5月9日起废止。" in got and "新法规范围更广！" in got


# --- the key fact first --------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "question"), [("zh", "MDR里植入卡是哪一条规定的"),
                                                 ("en", "What does the MDR say about implant cards?")])
def test_a_provision_question_opens_with_the_article_and_its_sentence(lang: str, question: str) -> None:
    out = compose("rules", [mdr18()], lang, question)
    first = opening(out.text)
    assert "Regulation (EU) 2017/745, Article 18" in first
    assert "shall provide" in first  # a sentence of the article itself (not its heading), quoted
    assert out.direct and out.text.startswith(out.direct)
    assert out.passages and out.passages[0]["cite"] == "Regulation (EU) 2017/745, Article 18"


@pytest.mark.parametrize(("lang", "question"), [("zh", "待机功耗限值是多少？"), ("en", "What is the standby power limit?")])
def test_how_much_opens_with_the_figure(curated_records: dict[str, BaseRecord], lang: str, question: str) -> None:
    ev = evidence(curated_records, ["Regulation (EC) No 1275/2008"], lang)
    out = compose("rules", ev, lang, question, today=BEFORE_REPEAL)
    first = opening(out.text)
    assert re.search(r"[012]\.[05]0\s*(?:W|瓦)", first), first


@pytest.mark.parametrize(("lang", "question"), [("zh", "待机功耗法规什么时候废止的？"),
                                                 ("en", "When was the standby regulation repealed?")])
def test_when_opens_with_the_date(curated_records: dict[str, BaseRecord], lang: str, question: str) -> None:
    ev = evidence(curated_records, ["Regulation (EC) No 1275/2008"], lang)
    first = opening(compose("rules", ev, lang, question).text)
    assert "2025-05-09" in first or "9 May 2025" in first or "2025年5月9日" in first


def test_requirements_open_with_the_rules_that_apply(curated_records: dict[str, BaseRecord]) -> None:
    refs = ["Directive 2014/53/EU", "Directive 2011/65/EU", "Directive 2014/30/EU"]
    for lang, question, product, market in (("zh", "出口蓝牙耳机到欧盟需要什么认证？", "蓝牙耳机", "欧盟"),
                                            ("en", "What do Bluetooth earphones need for the EU?",
                                             "Bluetooth earphones", "EU")):
        out = compose("requirements", evidence(curated_records, refs, lang), lang, question,
                      product=product, market=market)
        first = opening(out.text, 1)
        assert all(ref in first for ref in refs), first


# --- rules that no longer (or not yet) apply ----------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_repealed_rule_is_never_listed_as_applicable(curated_records: dict[str, BaseRecord], lang: str) -> None:
    refs = ["Directive 2014/53/EU", "Regulation (EC) No 1275/2008", "Directive 2011/65/EU"]
    question = "出口蓝牙耳机到欧盟需要什么认证？" if lang == "zh" else "What do Bluetooth earphones need for the EU?"
    out = compose("requirements", evidence(curated_records, refs, lang), lang, question, product="x", market="EU")
    first = opening(out.text, 1)
    assert "Directive 2014/53/EU" in first and "1275/2008" not in first
    applicable, _, rest = out.text.partition("已不再适用" if lang == "zh" else "No longer applicable")
    assert "1275/2008" not in applicable  # only under "no longer applicable"
    assert "1275/2008" in rest and "2025-05-09" in rest and "2023/826" in rest
    assert ("已废止" if lang == "zh" else "repealed") in rest
    # before the repeal date the same rule still applies, and says when it goes
    before = compose("requirements", evidence(curated_records, refs, lang), lang, question, today=BEFORE_REPEAL,
                     product="x", market="EU")
    assert "1275/2008" in opening(before.text, 1)
    assert ("将于2025-05-09废止" if lang == "zh" else "repealed on 2025-05-09") in before.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_rule_not_yet_applicable_is_marked(curated_records: dict[str, BaseRecord], lang: str) -> None:
    ev = evidence(curated_records, ["Regulation (EU) 2023/1230"], lang)
    out = compose("rules", ev, lang, "机械法规什么时候适用？" if lang == "zh" else "When does the Machinery Regulation apply?")
    assert ("尚未适用" if lang == "zh" else "not yet applicable") in opening(out.text, 3)
    assert "2027-01-20" in opening(out.text, 3)


# --- rejections: the aggregate, then the latest few ----------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rejections_are_aggregated(goji_alerts: list[Evidence], lang: str) -> None:
    product = "枸杞" if lang == "zh" else "goji berries"
    out = compose("alerts", goji_alerts, lang, "枸杞在欧盟被通报了怎么办？" if lang == "zh" else "Goji berries rejected in the EU?",
                  product=product, market="EU")
    first = opening(out.text)
    assert "6" in first and "2020" in first and "2023" in first  # how many, which years
    assert ("荷兰" if lang == "zh" else "Netherlands") in out.direct  # notifying countries
    assert ("农药残留" if lang == "zh" else "Pesticide residues") in out.direct  # the main hazard
    latest = [line for line in out.text.splitlines() if line.startswith("- **RASFF")]
    assert [re.search(r"RASFF [\d.]+", x).group(0) for x in latest] == [  # type: ignore[union-attr]
        "RASFF 2023.8900", "RASFF 2023.8573", "RASFF 2021.1244"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_handful_of_rejections_are_each_said_not_tallied(goji_alerts: list[Evidence], lang: str) -> None:
    """One or two alerts: the opening says each one's product, origin, notifier and hazard."""
    two = sorted(goji_alerts, key=lambda e: str(e.record["dates"]["event"]))[-2:]
    question = "这两次枸杞通报是什么问题？" if lang == "zh" else "What was wrong with those goji berries?"
    first = compose("alerts", two, lang, question, product="goji").text.split("\n\n")[0]
    for e in two:
        assert e.ref in first and str(e.record["hazard"])[:20] in first, first
    assert ("中国" if lang == "zh" else "China") in first  # where the goods came from
    counted = opening(compose("alerts", two, lang, "枸杞被通报过几次？" if lang == "zh" else "How many times were goji berries notified?",
                              product="goji").text, 1)
    assert "2" in counted  # a "how many" question opens with the count


# --- two lengths ---------------------------------------------------------------------------------------


def all_answers(records: dict[str, BaseRecord], alerts: list[Evidence]) -> list[tuple[str, Composed]]:
    cases: list[tuple[str, list[Evidence], str, str, dict[str, object]]] = [
        ("requirements", ["Directive 2014/53/EU", "Directive 2011/65/EU", "Directive 2014/30/EU"],
         "出口蓝牙耳机到欧盟需要什么认证？", "What do Bluetooth earphones need for the EU?", {"market": "EU"}),
        ("requirements", ["Directive 2009/48/EC", "Regulation (EU) 2023/988", "Regulation (EU) 2019/1020"],
         "玩具出口欧盟需要什么？", "What do toys need for the EU market?", {"market": "EU"}),
        ("rules", ["Regulation (EC) No 1275/2008", "Directive 2009/125/EC"],
         "待机功耗限值是多少？", "What is the standby power limit?", {}),
        ("rules", ["Regulation (EU) 2023/1230"], "机械法规什么时候适用？", "When does the Machinery Regulation apply?", {}),
        ("notification", ["G/TBT/N/USA/867", "G/TBT/N/USA/867/Add.1", "G/TBT/N/USA/867/Add.2"],
         "G/TBT/N/USA/867/Add.2 是什么内容", "What does G/TBT/N/USA/867/Add.2 say?",
         {"family": ["G/TBT/N/USA/867", "G/TBT/N/USA/867/Add.1", "G/TBT/N/USA/867/Add.2"],
          "core": "G/TBT/N/USA/867", "asked": "G/TBT/N/USA/867/Add.2"}),
    ]
    out: list[tuple[str, Composed]] = []
    for intent, refs, zh, en, ctx in cases:
        for lang, q in (("zh", zh), ("en", en)):
            ev = [record_evidence(n, records[r], lang) for n, r in enumerate(refs, 1)]
            out.append((lang, compose(intent, ev, lang, q, **ctx)))
    for lang in ("zh", "en"):
        out.append((lang, compose("alerts", alerts, lang, "枸杞被通报的原因" if lang == "zh" else "why goji rejected",
                                  product="goji")))
        out.append((lang, compose("rules", [mdr18()], lang, "植入卡" if lang == "zh" else "implant card")))
    return out


def test_chat_form_fits_a_phone_and_says_what_to_ask_next(curated_records: dict[str, BaseRecord],
                                                         goji_alerts: list[Evidence]) -> None:
    for lang, out in all_answers(curated_records, goji_alerts):
        assert out.chat and len(out.chat) <= LIMITS[lang], (len(out.chat), out.chat)
        assert "**" not in out.chat and "|" not in out.chat
        assert out.chat.startswith(out.direct.replace("**", "")[:20])
        assert ("详细说说" if lang == "zh" else "more about source") in out.chat.splitlines()[-1] + \
            out.chat.splitlines()[-2]


def test_full_answers_are_not_record_dumps(curated_records: dict[str, BaseRecord], goji_alerts: list[Evidence]) -> None:
    lengths = [len(out.text) for _, out in all_answers(curated_records, goji_alerts)]
    assert statistics.median(lengths) < 1100, lengths


def test_detail_keeps_everything_and_has_a_chat_form(curated_records: dict[str, BaseRecord]) -> None:
    ev = record_evidence(1, curated_records["Regulation (EC) No 1275/2008"], "zh")
    out = OfflineComposer(NOW).detail(ev, "zh", shown_as=2)
    assert "0.50瓦" in out.text and "2025-05-09" in out.text and verify(out.text, [ev]).clean
    assert len(out.chat) <= LIMITS["zh"] and verify(out.chat, [ev]).clean


def test_a_sign_off_line_never_opens_the_answer() -> None:
    """fixture text in the shape of a China Customs announcement: body, then the issuer and date."""
    body = ("根据相关法律法规，即日起，允许符合相关要求的fixture蜂蜜进口。\n\n"
            "输华蜂蜜的加工企业应当经海关总署注册。\n\n海关总署\n2024年10月25日")
    record = {"ref": "海关总署公告〔2024〕999号", "type": "announcement", "title": "关于进口fixture蜂蜜检验检疫要求的公告",
              "text": body, "date": "2024-10-25", "markets": ["CHN"]}
    ev = [Evidence(n=1, ref=record["ref"], type="announcement", title=record["title"], cite=record["ref"],
                   snippet="", text=body, record=record)]
    for lang, question in (("zh", "海关总署公告〔2024〕999号有什么要求？"), ("en", "What does 海关总署公告〔2024〕999号 require?")):
        first = opening(compose("rules", ev, lang, question).text, 1)
        assert "2024年10月25日" not in first or "蜂蜜" in first, first


@pytest.mark.parametrize(("lang", "question"), [
    ("zh", "待机功耗第二阶段限值是多少？这个法规现在还有效吗？"),
    ("en", "What is the Stage 2 standby limit under 1275/2008, and is that regulation still in force?")])
def test_a_figure_then_the_status_in_the_order_asked(curated_records: dict[str, BaseRecord], lang: str,
                                                    question: str) -> None:
    ev = evidence(curated_records, ["Regulation (EC) No 1275/2008"], lang)
    first = compose("rules", ev, lang, question, today=dt.date(2024, 11, 15)).direct  # before its repeal
    assert "0.50" in first and "2025-05-09" in first
    assert first.index("0.50") < first.index("2025-05-09")  # the limit first: it was asked first
    repealed = compose("rules", ev, lang, question).direct  # after it: the repeal is said first, once
    assert repealed.count("2025-05-09") == 1 and repealed.index("2025-05-09") < repealed.index("0.50")


@pytest.mark.parametrize(("lang", "question", "said"), [("zh", "这个法规现在还有效吗？", "废止"),
                                                        ("en", "Is the standby regulation still in force?", "repealed")])
def test_is_it_still_in_force_opens_with_the_status(curated_records: dict[str, BaseRecord], lang: str,
                                                    question: str, said: str) -> None:
    ev = evidence(curated_records, ["Regulation (EC) No 1275/2008"], lang)
    first = opening(compose("rules", ev, lang, question, today=dt.date(2026, 1, 1)).text)
    assert said in first and "2023/826" in first and "2025-05-09" in first


# --- a message that asks several things ------------------------------------------------------------


@pytest.mark.parametrize(("lang", "question"), [
    ("en", "Does the battery itself need CE marking now? Also, is there a lead limit for portable batteries?"),
    ("zh", "电池本身现在需要CE标志吗？另外便携式电池的铅有没有限值？"),
])
def test_each_question_of_a_message_gets_its_sentence(curated_records: dict[str, BaseRecord], lang: str,
                                                      question: str) -> None:
    ev = evidence(curated_records, ["Regulation (EU) 2023/1542"], lang)
    first = compose("rules", ev, lang, question).text.split("\n\n")[0]
    assert re.search(r"CE", first), first
    assert "0.01%" in first, first  # the lead limit, asked second, answered in the opening too


def test_a_question_in_a_q_and_a_text_is_never_the_answer() -> None:
    from assistant.ingest import gacc

    result = gacc.load(ROOT / "corpus" / "gacc" / "policy_interpretations.json")
    rec = next(r for r in result.records if "出口水产品原料养殖场备案管理办法" in r.title)
    ev = [record_evidence(1, rec, "zh")]
    out = compose("rules", ev, "zh", "出口水产品原料养殖场备案需要交哪些材料？")
    first = out.text.split("\n\n")[0]
    assert not re.search(r"问：[^。]*？\s*\[1\]", first), first  # the FAQ's own question is not quoted as the answer
    assert out.passages and not out.passages[0]["sentence"].rstrip().endswith(("？", "?"))


@pytest.mark.parametrize(("lang", "question"), [("en", "Which country notified the most recent goji rejection?"),
                                                 ("zh", "最近一次枸杞被通报是哪个国家？")])
def test_the_most_recent_one_is_named_first(goji_alerts: list[Evidence], lang: str, question: str) -> None:
    newest = max(goji_alerts, key=lambda e: str(e.record["dates"]["event"]))
    first = opening(compose("alerts", goji_alerts, lang, question, product="goji").text, 1)
    assert newest.ref in first and str(newest.record["dates"]["event"])[:10] in first, first


@pytest.mark.parametrize(("lang", "question", "gone"), [
    ("zh", "我们的欧盟客户是小微企业，零毁林法规从哪天开始要合规？", "已不再适用"),
    ("en", "Our EU customer is a small company: from when must it comply with the deforestation regulation?",
     "No longer applicable"),
])
def test_a_rule_not_yet_applicable_answers_when_it_starts(curated_records: dict[str, BaseRecord], lang: str,
                                                         question: str, gone: str) -> None:
    ev = evidence(curated_records, ["Regulation (EU) 2023/1115"], lang)
    out = compose("requirements", ev, lang, question, today=BEFORE_REPEAL, product="wood", market="EU")
    assert gone not in out.text  # upcoming, not history
    first = out.text.split("\n\n")[0]
    assert re.search(r"2026-12-30|2027-06-30|30 December 2026|30 June 2027", first), first


def test_an_amendment_keeps_its_old_and_new_text_in_one_sentence() -> None:
    text = ("将第二十六条“净重（千克）”的填报要求由“计量单位为千克，不足一千克的填报为‘1’。”修改为“计量单位为千克，"
            "不足一千克的精确到小数点后2位。”他说：“好。”然后走了。")
    got = split(text)
    assert got[0].endswith("精确到小数点后2位。”") and "填报为‘1’" in got[0]
    assert got[1:] == ["他说：“好。”", "然后走了。"]  # a quotation that ends its sentence still does


@pytest.mark.parametrize(("lang", "question"), [
    ("zh", "欧盟新电池法对便携式电池的铅含量限多少？电池要CE标志是从什么时候开始的？"),
    ("en", "What is the lead limit for portable batteries under the new EU battery law? And from when do batteries "
           "need the CE marking?"),
])
def test_several_questions_are_answered_in_the_order_asked(curated_records: dict[str, BaseRecord], lang: str,
                                                          question: str) -> None:
    ev = evidence(curated_records, ["Regulation (EU) 2023/1542"], lang)
    first = compose("requirements", ev, lang, question, market="EU").text.split("\n\n")[0]
    lead, date = first.find("0.01%"), first.find("2024-08-18" if "2024-08-18" in first else "2024年8月18日")
    assert lead >= 0 and date >= 0, first
    assert opening(first, 1).find("0.01%") >= 0, first  # the lead limit, asked first, comes first


def test_a_one_character_noun_picks_the_sentence(curated_records: dict[str, BaseRecord]) -> None:
    # 铅 (lead) shares no character pair with "铅：可触及基材中不超过100ppm"; the noun itself counts
    ev = evidence(curated_records, ["CPSIA"], "zh")
    first = opening(compose("requirements", ev, "zh", "CPSIA对铅的限量是多少？", market="USA").text, 1)
    assert "100ppm" in first.replace(" ", ""), first


def test_a_one_character_noun_inside_a_longer_word_picks_the_sentence(
        curated_records: dict[str, BaseRecord]) -> None:
    # jieba keeps 铅含量 whole; its 铅 still picks "铅：可触及基材中不超过100ppm" among the requirements
    from assistant.answer.sentences import question_terms

    assert "铅" in question_terms("儿童水杯的铅含量限值是多少？")
    ev = evidence(curated_records, ["CPSIA"], "zh")
    text = compose("requirements", ev, "zh", "儿童水杯的铅含量限值是多少？要第三方检测吗？", market="USA").text
    assert "可触及基材中不超过100ppm" in text.replace(" ", ""), text


@pytest.mark.parametrize(("question", "wanted", "not_wanted"), [
    ("这个公告从哪天开始实施？", "2024-10-15", "2024-09-20"),
    ("When does the pilot start?", "2024-10-15", "2024-09-20"),
    ("这个公告是哪天发布的？", "2024-09-20", "2024-10-15"),
])
def test_a_when_question_gets_the_moment_it_asks(question: str, wanted: str, not_wanted: str) -> None:
    from assistant.ingest import gacc

    result = gacc.load(ROOT / "corpus" / "gacc" / "gacc_regulations.jsonl")
    rec = next(r for r in result.records if r.ref == "海关总署公告〔2024〕137号")
    lang = "en" if question.isascii() else "zh"
    ev = [Evidence(n=1, ref=rec.ref, type="announcement", title=rec.title, cite=rec.ref, snippet=rec.text[:200],
                   text=rec.text, record=rec.model_dump(mode="json"))]
    first = opening(compose("rules", ev, lang, question).text, 1)

    def says(iso: str) -> bool:
        y, m, d = (int(x) for x in iso.split("-"))
        return iso in first or f"{y}年{m}月{d}日" in first

    assert says(wanted) and not says(not_wanted), first


def test_a_dispute_says_which_agreements_it_cites() -> None:
    from assistant.ingest import disputes

    result = disputes.load(ROOT / "corpus" / "wto_disputes" / "wto_disputes.csv")
    rec = next(r for r in result.records if r.ref == "DS495")
    ev = [Evidence(n=1, ref=rec.ref, type="dispute", title=rec.title, cite=rec.ref, snippet=rec.text[:200],
                   text=rec.text, record=rec.model_dump(mode="json"))]
    first = opening(compose("cases", ev, "en", "Did Japan invoke Article 5.7 of the SPS Agreement there?").text, 1)
    assert "5.7" in first and "SPS" in first, first


def test_a_long_sentence_is_quoted_at_the_clauses_that_answer() -> None:
    from assistant.answer.direct import MAX_DIRECT, _quote
    from assistant.answer.sentences import question_terms

    sentence = ("(a) a diploma, certificate or other evidence of formal qualification, awarded on completion of a "
                "university degree or of a course of study recognised as equivalent by the Member State concerned, "
                "in law, medicine, pharmacy, engineering or another relevant scientific discipline, and at least "
                "one year of professional experience in regulatory affairs or in quality management systems "
                "relating to medical devices; (b) four years of professional experience in regulatory affairs or "
                "in quality management systems relating to medical devices.")
    quoted = _quote(sentence, question_terms("What professional experience qualifies someone?"))
    assert len(quoted) <= MAX_DIRECT + 2 and "professional experience" in quoted, quoted
    assert _quote(sentence).startswith("(a) a diploma")  # no question words: the start, as before


def test_a_long_sentence_is_quoted_where_it_states_the_figure_asked_for() -> None:
    from assistant.answer.direct import MAX_DIRECT, _quote
    from assistant.answer.sentences import question_terms

    # MDR Article 87(4): the deadline comes after 300 characters of conditions
    sentence = ("Notwithstanding paragraph 3, in the event of death or an unanticipated serious deterioration in a "
                "person's state of health the report shall be provided immediately after the manufacturer has "
                "established or as soon as it suspects a causal relationship between the device and the serious "
                "incident but not later than 10 days after the date on which the manufacturer becomes aware of the "
                "serious incident.")
    asked = question_terms("How many days to report a death?")
    quoted = _quote(sentence, asked, "how_much")
    assert "10 days" in quoted and len(quoted) <= MAX_DIRECT + 2, quoted
    assert "10 days" not in _quote(sentence, asked, "what")  # not asked for a figure: the start
    # the figure already shown: the usual cut
    assert _quote("Within 15 days, " + sentence, asked, "how_much").startswith("Within 15 days")


def test_a_short_sentence_with_a_code_is_quoted_with_the_one_it_completes() -> None:
    from assistant.ingest import gacc

    result = gacc.load(ROOT / "corpus" / "gacc" / "policy_interpretations.json")
    rec = next(r for r in result.records if "跨境电子商务企业对企业出口监管试点" in r.ref)
    ev = [record_evidence(1, rec, "zh")]
    first = opening(compose("rules", ev, "zh", "我们的货先发到海外仓再卖，报关的监管方式代码填哪个？").text, 2)
    # "适用监管方式代码“9810”。" alone does not say for which mode; the sentence before it does
    assert "9810" in first and "海外仓" in first and "9710" not in first, first


def test_a_sign_off_run_into_the_measures_it_publishes_is_its_own_line() -> None:
    text = ("特此公告。海关总署2024年4月28日中华人民共和国海关关于《协定》项下进出口货物原产地管理办法第一条"
            "为了正确确定原产地，制定本办法。")
    got = split(text)
    assert "海关总署2024年4月28日" in got
    assert any(s.startswith("中华人民共和国海关关于") for s in got), got


@pytest.mark.parametrize(("sentence", "moments"), [
    ("本公告自2024年10月15日起实施。", {"start"}),
    ("海关总署发布2023年第136号公告，自2023年11月1日起取消出口货物原产地企业备案事项。", {"start", "publish"}),
    ("海关总署公告〔2024〕137号: published 2024-09-20", {"publish"}),
    ("附件：申请表.pdf海关总署2024年9月20日", {"publish"}),
    ("本公告有效期自2023年12月1日起至2025年12月31日。", {"start", "end"}),
    ("Comments are due by 2024-03-01; the deadline may be extended until 2024-04-01.", {"end"}),
    ("The label must be in English.", set()),
    # the date of another act named right after it is not this text's start
    ("2022年1月1日起施行的《中华人民共和国进出口食品安全管理办法》（海关总署令第249号）第四十条规定应当备案。", set()),
])
def test_the_moments_a_sentence_dates(sentence: str, moments: set[str]) -> None:
    from assistant.answer.sentences import date_moments

    assert date_moments(sentence) == moments


def test_chinese_answers_keep_a_space_before_latin_text_after_a_citation_mark() -> None:
    from assistant.answer.direct import _join

    joined = _join(["MDR第87条：……不迟于15天。 [1]", "Notwithstanding paragraph 3, … [1]", "另见指南。 [2]"], "zh")
    assert "[1] Notwithstanding" in joined and "[1]另见" in joined, joined


def test_a_china_customs_text_beside_the_answer_shows_when_it_applies() -> None:
    from assistant.ingest import gacc

    result = gacc.load(ROOT / "corpus" / "gacc" / "gacc_regulations.jsonl")
    rec = next(r for r in result.records if r.ref == "海关总署公告〔2023〕193号")
    ev = [record_evidence(1, rec, "en")]
    text = compose("rules", ev, "en", "Can China customs accept a third-party lab report for crude oil imports?").text
    # published 2023-12-25, applies from 2024-01-01: both dates, each named, whatever else is said
    assert "2023-12-25" in text and "2024-01-01" in text, text


def test_a_clause_ending_in_a_semicolon_is_quoted_with_the_one_that_completes_the_figure() -> None:
    from assistant.ingest import gacc

    result = gacc.load(ROOT / "corpus" / "gacc" / "gacc_regulations.jsonl")
    rec = next(r for r in result.records if r.ref == "海关总署公告〔2023〕117号")
    ev = [record_evidence(1, rec, "zh")]
    first = opening(compose("requirements", ev, "zh", "出口越南乳品，生产企业的各项记录要保存多长时间？").text, 2)
    # "不得少于…期满后6个月；没有明确保质期的，…不得少于2年。": both periods, the second its condition
    assert "6个月" in first and "2年" in first, first


@pytest.mark.parametrize(("sentence", "figure"), [
    ("Within 2 business days ITA staff review it and follow up by e-mail.", True),
    ("Civil penalties can reach USD 2,500 per violation per day.", True),
    ("EU-type examination certificates are valid for at most five years.", True),
    ("材料齐全的，5个工作日内完成备案。", True),
    ("The regulation was adopted in 2024 by the Council.", False),
])
def test_a_duration_or_sum_written_either_way_answers_how_much(sentence: str, figure: bool) -> None:
    from assistant.answer.sentences import form_cue

    assert form_cue(sentence, "how_much") is figure


def test_how_many_is_answered_by_a_count_not_a_sum_of_money() -> None:
    from assistant.answer.sentences import amount_only, counts_asked

    assert counts_asked("how many of them were in Shenzhen?") and counts_asked("被通报过几次？")
    assert not counts_asked("How big can the penalty be?")
    assert amount_only("Shenzhen exported USD 2.87 billion of IT products to the US.", "how_much")
    assert not amount_only("Shenzhen had 53 (46.9%), the most of any city.", "how_much")


def test_a_reporting_forms_follow_up_time_answers_how_soon() -> None:
    rec = next(r for r in curated.load(ROOT / "corpus" / "curated" / "forms.yaml").records
               if r.ref == "US ITA TACP trade barrier form")
    ev = [record_evidence(1, rec, "en")]
    first = opening(compose("report", ev, "en", "If a US company files a TACP report, how soon does ITA follow up?").text, 2)
    assert "2 business days" in first, first



@pytest.mark.parametrize(("question", "answers", "not_answers"), [
    ("Minimum font size on a small snack label?", "Minimum x-height of 1.2 mm for mandatory particulars.",
     "Alcohol strength above 1.2% must be stated."),
    ("How long is the certificate valid?", "Certificates are valid for at most five years.",
     "The fee is EUR 2,500 per certificate."),
    ("注册费用是多少？", "注册费为每个型号5000元。", "注册有效期为2年。"),
    # a percentage is a sum only as a share of one; a 24 V ceiling is no lead limit in mg/kg
    ("What's ECHA's registration fee for an SME?", "Fines of up to 4% of annual turnover apply.",
     "Substances above 0.1% by weight must be notified."),
    ("What is the lead limit in mg/kg for toy paint?", "Lead in paint must not exceed 90 mg/kg.",
     "Electric toys must not exceed 24 V."),
    ("要交申请费吗？", "申请费为200元。", "抽样比例为2%。"),
    ("审批一般多少个工作日？", "海关自受理之日起20个工作日内作出决定。", "每批货物抽样2%。"),
    ("What's the maximum moisture content allowed for the honey?", "Moisture must not exceed 20%.",
     "Heat to 50℃ and hold for 20 minutes."),
    # the unit asked: days to apply are not the validity in years, a validity in years not the days
    ("要在到期前多少天内申请展期？", "应当在有效期截止日前30日至90日内申请。", "预裁定决定有效期为3年。"),
    ("How many days before expiry must we apply?", "Apply at least 30 days before expiry.",
     "The ruling is valid for 3 years."),
    ("新决定书有效期几年？", "新的决定书有效期为3年。", "应当在截止日前30日至90日内申请。"),
    # a unit written right after Chinese text ("多少mg/kg") is still the unit asked
    ("铅的限量是多少mg/kg？", "铅不得超过90 mg/kg。", "电动玩具电压不得超过24 V。"),
    # a tariff is a rate of duty on the goods, not any percentage near the word 关税
    ("榴莲进口关税是多少？", "榴莲的最惠国税率为20%。", "加工增值小于30%的货物，从合作区进入内地按实际报验状态征收进口关税。"),
    ("What import tariff does China charge on durian?", "an anti-dumping duty of 34.6% on imports",
     "Fees are 4% of turnover."),
])
def test_a_figure_of_the_kind_measured_answers_how_much(question: str, answers: str, not_answers: str) -> None:
    from assistant.retrieve.measures import measure_asked, measure_stated

    kind = measure_asked(question)
    assert kind is not None and measure_stated(kind, answers) and not measure_stated(kind, not_answers)


def _gacc_evidence(path: str, match: str) -> list[Evidence]:
    from assistant.ingest import gacc

    result = gacc.load(ROOT / "corpus" / "gacc" / path)
    rec = next(r for r in result.records if match in r.ref or match in r.title)
    return [Evidence(n=1, ref=rec.ref, type="announcement", title=rec.title, cite=rec.ref, snippet=rec.text[:200],
                     text=rec.text, record=rec.model_dump(mode="json"))]


def test_an_english_question_is_answered_by_the_chinese_sentence_not_by_its_quoted_english() -> None:
    """The durian announcement quotes a certificate's English declaration ("This consignment
    complies…"); the English question's words, said in Chinese by search's alignment, find the
    sentence that answers: 2% of each consignment is sampled."""
    ev = _gacc_evidence("gacc_regulations.jsonl", "〔2024〕72号")
    aligned = [("durian", ["榴莲"]), ("consignment", ["批货物", "货物"]), ("checked", ["检查"]), ("fresh", ["鲜食"])]
    for question in ("What share of each consignment of Malaysian fresh durian must be checked?",
                     "How is each consignment of fresh durian from Malaysia checked before export to China?"):
        first = opening(compose("requirements", ev, "en", question, aligned=aligned).text, 1)
        assert "2%" in first and "This consignment complies" not in first, first


def test_which_date_is_answered_with_a_date_that_has_its_year() -> None:
    ev = _gacc_evidence("policy_interpretations.json", "中韩自贸协定新版原产地证书将取消商品项数上限")
    question = "China-Korea FTA certificates of origin used to be capped at 20 items. From which date was that limit removed?"
    aligned = [("limit", ["上限", "限制"]), ("removed", ["取消"]), ("certificates", ["证书"]), ("origin", ["原产地"])]
    first = opening(compose("rules", ev, "en", question, aligned=aligned).text, 1)
    assert "2022年6月12日" in first, first


def test_a_rule_is_answered_with_the_condition_that_qualifies_it_right_after() -> None:
    """2% of each consignment is sampled; the next sentence says when that falls to 1%."""
    ev = _gacc_evidence("gacc_regulations.jsonl", "〔2024〕72号")
    aligned = [("durian", ["榴莲"]), ("shipment", ["批货物", "货物"]), ("sample", ["抽样"]), ("fresh", ["鲜食"])]
    question = "Before each shipment of fresh durian to China, what percentage does the Malaysian side have to sample?"
    first = opening(compose("requirements", ev, "en", question, aligned=aligned).text, 2)
    assert "2%" in first and "1%" in first, first


def test_a_date_that_comes_round_every_year_answers_without_its_year() -> None:
    """"每年什么时候交年度报告": 每年3月底前 is the answer, not a sentence with a dated decree."""
    ev = _gacc_evidence("gacc_regulations.jsonl", "〔2024〕27号")
    first = opening(compose("rules", ev, "zh", "养殖场在海关备案以后，每年什么时候要交年度报告？").text, 1)
    assert "3月底前" in first, first




def test_each_ask_is_read_with_its_own_words_in_the_other_language() -> None:
    """Two asks about Tanzanian honey: the certificate's languages, and the heat treatment against
    Varroa mites. The second is read with 加热 (its own "heat"), not with 卫生证书 (the first's "health
    certificate"), which would make a sentence on certificates answer it; and a message whose words
    search aligned none of keeps its translations."""
    from assistant.answer.direct import _aligned_in

    aligned = [("certificate", ["证书"]), ("health", ["卫生"]), ("languages", ["语"]), ("heat", ["加热"]),
               ("honey", ["蜂蜜"])]
    translated = sorted({a for _, alts in aligned for a in alts})
    mine, words = _aligned_in("what heat treatment is accepted against Varroa mites?", aligned, translated)
    assert words == ["加热"] and [w for w, _ in mine] == ["heat"]
    assert _aligned_in("多少钱？", [], ["fee"]) == ([], ["fee"])


def test_an_ask_for_a_fact_that_names_nothing_is_asked_of_the_ask_before_it() -> None:
    """"每年还要交什么材料？最晚什么时候交？": the second ask names nothing of its own; it asks when
    the yearly report is due, which Article 11 says (每年3月底前), not when the rules were published."""
    guide = _gacc_evidence("policy_interpretations.json", "出口水产品原料养殖场备案管理办法")[0]
    rules = _gacc_evidence("gacc_regulations.jsonl", "〔2024〕27号")[0].model_copy(update={"n": 2})
    ev = [guide, rules]  # China Customs' interpretation first, as search ranks them
    question = "我们的养殖场已经在海关备过案了。之后每年还要交什么材料？最晚什么时候交？"
    text = compose("requirements", ev, "zh", question).text
    assert "3月底前" in opening(text, 3), text


@pytest.mark.parametrize(("question", "wanted"), [
    ("预裁定决定书快到期了，要在到期前多少天内申请展期？", "30日至90日"),
    ("How many days before expiry can we apply to extend an advance ruling?", "30日至90日"),
])
def test_a_rule_answers_before_the_worked_example_that_illustrates_it(question: str, wanted: str) -> None:
    """The interpretation states the rule (截止日前30日至90日内), then a worked example whose dates
    (有效期截止2023年10月30日) are made up to illustrate it: the rule opens the answer."""
    ev = _gacc_evidence("policy_interpretations.json", "实施海关预裁定展期")
    aligned = [("extend", ["展期"]), ("expiry", ["到期", "截止日"]), ("apply", ["申请"]), ("advance ruling", ["预裁定"])]
    lang = "zh" if re.search(r"[\u4e00-\u9fff]", question) else "en"
    first = opening(compose("rules", ev, lang, question, aligned=aligned).text, 2)
    assert wanted in first and "2023年10月30日" not in first, first


@pytest.mark.parametrize(("sentence", "before", "inside"), [
    ("举例：某企业2023年7月15日提交申请。", False, True),
    ("原申请人2023年9月15日提交展期申请，可以申请展期。", True, True),  # the example goes on
    ("（二）申请展期的内容均应保持不变。", True, False),  # the next numbered point ends it
    ("For example, a firm filed on 1 March 2024.", False, True),
    ("The applicant shall file 30 days before expiry.", False, False),
])
def test_a_worked_example_runs_until_the_next_numbered_point(sentence: str, before: bool, inside: bool) -> None:
    from assistant.answer.direct import in_example

    assert in_example(sentence, before) is inside


def test_a_one_character_verb_of_a_question_is_a_term_unless_everyday() -> None:
    from assistant.answer.sentences import question_terms, sentence_terms

    asked = question_terms("违规罚多少？")
    assert "罚" in asked and "罚" in sentence_terms("罚款最高可达1000万英镑或全球营业额的4%。", asked)
    assert "填" in question_terms("填哪些信息？")
    assert not {"是", "要", "做", "有"} & question_terms("是不是要做这个，有没有必要？")


def test_an_adverb_meets_its_adjective() -> None:
    from assistant.answer.sentences import terms

    assert "normal" in terms("Members should normally allow at least 60 days for comments")
    assert {"supply", "only"} <= terms("supply only")  # (no -ly folded off a word that is no adverb)
