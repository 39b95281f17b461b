"""Query analysis on the questions exporters actually ask, in both languages."""

from __future__ import annotations

import json
import statistics
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import refs as refgrammar
from assistant.retrieve.analyze import QueryAnalysis, analyze
from assistant.retrieve.products import ProductVocabulary, hs_matches

# (question, markets named, top HS code (prefix) or None, intent, refs)
CASES: list[tuple[str, list[str], str | None, str, list[str]]] = [
    ("蓝牙耳机出口德国要啥认证", ["DEU"], "851830", "requirements", []),
    ("我们的干辣椒在欧盟被通报了", ["EU"], "0904", "alerts", []),
    ("藍牙耳機出口美國", ["USA"], "851830", "requirements", []),
    ("what does G/TBT/N/USA/867/Add.1 say", ["USA"], None, "notification", ["G/TBT/N/USA/867/Add.1"]),
    ("can you tell us about toys", [], "95", "requirements", []),
    ("earphnes to canada", ["CAN"], "851830", "requirements", []),
    ("怎么报告贸易壁垒", [], None, "report", []),
    ("今天天气怎么样", [], None, "out_of_domain", []),
    ("出口蓝牙耳机到欧盟需要什么认证?", ["EU"], "851830", "requirements", []),
    ("美国FCC新规对我们有什么影响?", ["USA"], None, "notification", []),
    ("欧盟最近有没有关于玩具的新通报?", ["EU"], "95", "notification", []),
    ("我们的枸杞在欧盟被通报了怎么办?", ["EU"], "081340", "alerts", []),
    ("意大利那边通报过中国的不锈钢餐具吗？", ["ITA"], "8215", "alerts", []),
    ("What are the certification requirements for power banks in the EU?", ["EU"], "850760", "requirements", []),
    ("Our dried chillies were rejected in the Netherlands", ["NLD"], "0904", "alerts", []),
    ("RASFF 2024.2707", ["EU"], None, "alerts", ["RASFF 2024.2707"]),
    ("DS381 是什么案子", [], None, "cases", ["DS381"]),
    ("海关总署公告〔2024〕151号说了什么", ["CHN"], None, "rules", ["海关总署公告〔2024〕151号"]),
    ("Regulation (EU) 2017/745 Article 52", ["EU"], None, "rules", ["Regulation (EU) 2017/745"]),
    ("2019/1020对跨境电商卖家是什么意思", ["EU"], None, "rules", ["(EU) 2019/1020"]),
    ("MDR对我们的医疗器械有什么要求", ["EU"], "90", "requirements", ["Regulation (EU) 2017/745"]),
    ("47 CFR Part 15 requirements for wifi routers", ["USA"], "851762", "requirements", ["47 CFR Part 15"]),
    ("订阅欧盟玩具通报", ["EU"], "95", "subscribe", []),
    ("notify me when the EU notifies new rules on e-bikes", ["EU"], "871160", "subscribe", []),
    ("以前有没有类似的案例", [], None, "cases", []),
    ("Were there any WTO disputes about tuna?", [], "03", "cases", []),
    ("你好", [], None, "smalltalk", []),
    ("hello", [], None, "smalltalk", []),
    ("你能做什么", [], None, "help", []),
    ("what can you do?", [], None, "help", []),
    ("who won the football match yesterday", [], None, "out_of_domain", []),
    ("给我推荐一个红烧肉的菜谱", [], None, "out_of_domain", []),
    ("冷冻虾出口美国被扣货了怎么办", ["USA"], "030617", "alerts", []),
    ("化妆品出口日本需要注册吗", ["JPN"], "3304", "requirements", []),
    ("锂电池出口沙特需要SASO认证吗", ["SAU"], "850760", "requirements", []),
    ("电动自行车出口欧洲的标准", ["EU"], "871160", "requirements", []),
    ("口罩出口 越南 要啥资质", ["VNM"], "630790", "requirements", []),
    ("儿童餐具 密胺 出口美国 FDA", ["USA"], "3924", "requirements", []),
    ("手機出口台灣", ["TWN"], "851713", "requirements", []),
    ("Our LED lamps were detained by customs in Turkey", ["TUR"], "8539", "alerts", []),
    ("我要举报一个贸易壁垒", [], None, "report", []),
    ("How do I report a trade barrier in Indonesia?", ["IDN"], None, "report", []),
    ("我们的茶叶在欧盟农残超标", ["EU"], "0902", "alerts", []),
    ("我们是做 earbuds 的, 出口 Germany 需要什么 certification", ["DEU"], "851830", "requirements", []),
    ("Does Japan require labelling for honey?", ["JPN"], "0409", "requirements", []),
    ("g/tbt/n/eu/86 的评议截止日期", ["EU"], None, "notification", ["G/TBT/N/EU/86"]),
    ("出口欧美的玩具要注意什么", ["EU", "USA"], "95", "requirements", []),
    ("remind me of comment deadlines for EU notifications on cosmetics", ["EU"], "3304", "subscribe", []),
    ("What's the weather in Shanghai?", [], None, "out_of_domain", []),
    # matchmaking is no trade rule; a report a rule requires is no barrier report
    ("我们想找进口商做代理", [], None, "out_of_domain", []),
    ("年度报告什么时候交？", [], None, "requirements", []),
    ("If we hit a similar barrier today, how do we report it?", [], None, "report", []),
    ("沙特对空调能效有新规吗", ["SAU"], "8415", "notification", []),
]


@pytest.mark.parametrize(("text", "markets", "hs", "intent", "refs"), CASES, ids=[c[0][:40] for c in CASES])
def test_realistic_questions(
    vocab: ProductVocabulary, text: str, markets: list[str], hs: str | None, intent: str, refs: list[str]
) -> None:
    a = analyze(text, vocab)
    assert a.markets == markets
    if hs is None:
        assert not [c for c in a.hs if c["confidence"] >= 0.5], a.hs
    else:
        assert a.hs, text
        assert hs_matches(a.hs[0]["code"], hs), (a.hs[0], hs)
    assert a.intent == intent, a.intent_scores
    assert 0 < a.intent_confidence <= 1
    assert a.refs == refs


def test_the_briefs_examples_in_detail(vocab: ProductVocabulary) -> None:
    a = analyze("蓝牙耳机出口德国要啥认证", vocab)
    assert a.language == "zh-Hans" and a.answer_language == "zh"
    assert a.markets_expanded == ["DEU", "EU"]
    assert a.products == ["蓝牙耳机"]
    assert a.hs[0] == {
        "code": "851830",
        "label_en": a.hs[0]["label_en"],
        "label_zh": "耳机及耳塞机",
        "confidence": 0.95,
        "matched": "蓝牙耳机",
    }
    assert "B83" in a.ntm_hints
    assert a.intent_confidence >= 0.6

    b = analyze("藍牙耳機出口美國", vocab)
    assert b.language == "zh-Hant" and b.answer_language == "zh"
    assert b.normalized == "蓝牙耳机出口美国"

    c = analyze("can you tell us about toys", vocab)
    assert "USA" not in c.markets and c.language == "en" and c.answer_language == "en"

    d = analyze("what does G/TBT/N/USA/867/Add.1 say", vocab)
    assert d.ref_details[0].kind == "symbol"
    assert d.ref_details[0].core == "G/TBT/N/USA/867"


def test_language_and_normalisation(vocab: ProductVocabulary) -> None:
    a = analyze("  藍牙耳機\u3000出口ＵＳＡ，要什麼認證？  ", vocab)
    assert a.normalized == "蓝牙耳机 出口USA,要什么认证?"
    assert a.language == "zh-Hant"
    m = analyze("我们是做 earbuds 的, 出口 Germany 需要什么 certification", vocab)
    assert m.language == "mixed" and m.answer_language == "zh"
    assert analyze("LED灯出口欧盟需要CE认证吗", vocab).language == "zh-Hans"  # acronyms do not make it mixed
    assert analyze("Do LED lamps need CE marking?", vocab).language == "en"
    assert analyze("G/TBT/N/USA/867", vocab).answer_language == "en"


def test_references(vocab: ProductVocabulary) -> None:
    a = analyze("see g/tbt/n/usa/867/add1, (EC) No 1907/2006, 2009/48/EC, RoHS 2011/65 and 10/2011 in the EU", vocab)
    assert a.refs == [
        "G/TBT/N/USA/867/Add.1",
        "(EC) No 1907/2006",
        "2009/48/EC",
        "2011/65/EU",
        "(EU) No 10/2011",
    ]
    # every EU act we emit is read back to the same key by the shared identifier grammar
    for ref in a.ref_details:
        if ref.kind == "eu_act":
            assert refgrammar.find_eu_acts(ref.value), ref.value
    assert refgrammar.find_eu_acts("(EC) No 1907/2006") == ["1907/2006"]
    assert analyze("deadline 2024/10/30", vocab).refs == []  # a date, not an act
    assert analyze("47 CFR 15.247 limits", vocab).refs == ["47 CFR Part 15", "47 CFR 15.247"]
    assert analyze("FCC Part 15 认证", vocab).refs == ["47 CFR Part 15"]
    # a subpart is its own act in the corpus (food facility registration, prior notice)
    assert analyze("21 CFR Part 1 Subpart H renewal", vocab).refs == ["21 CFR Part 1 Subpart H"]
    assert analyze("21 CFR Part 1 subpart of the rules", vocab).refs == ["21 CFR Part 1"]
    assert analyze("IVDR 过渡期", vocab).refs == ["Regulation (EU) 2017/746"]
    assert analyze("HS 851830 的要求", vocab).refs == ["HS 851830"]
    taipei = analyze("G/TBT/N/TPKM/500 是什么", vocab)
    assert taipei.refs == ["G/TBT/N/TPKM/500"] and taipei.markets == ["TWN"]


def test_ntm_hints(vocab: ProductVocabulary) -> None:
    assert analyze("玩具需要什么认证", vocab).ntm_hints == ["B83"]
    assert analyze("化妆品标签要求", vocab).ntm_hints == ["B31"]
    assert analyze("茶叶检测报告", vocab).ntm_hints == ["B82"]
    assert analyze("医疗器械注册", vocab).ntm_hints == ["B81"]
    assert analyze("枸杞农残超标", vocab).ntm_hints == ["A2"]
    assert analyze("你好", vocab).ntm_hints == []


def test_json_round_trip(vocab: ProductVocabulary) -> None:
    a = analyze("我们的干辣椒在欧盟被通报了 RASFF 2024.2707", vocab)
    payload = json.loads(json.dumps(a.model_dump()))
    assert payload["markets"] == ["EU"]
    assert payload["hs"][0]["code"] == "090421"
    assert QueryAnalysis.model_validate_json(a.model_dump_json()) == a


def test_empty_and_odd_input(vocab: ProductVocabulary) -> None:
    for text in ["", "   ", "？？？", "\x00", "🙂🙂", "1234567890"]:
        a = analyze(text, vocab)
        assert a.markets == [] and a.refs == []
    assert analyze("", vocab).intent == "smalltalk"


def test_fast_enough(vocab: ProductVocabulary) -> None:
    texts = [c[0] for c in CASES]
    for t in texts:
        analyze(t, vocab)  # warm caches
    runs = []
    for t in texts:
        t0 = time.perf_counter()
        analyze(t, vocab)
        runs.append((time.perf_counter() - t0) * 1000)
    assert statistics.median(runs) < 5.0, runs
    assert max(runs) < 50.0, runs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_never_crashes_on_arbitrary_text(vocab: ProductVocabulary, text: str) -> None:
    a = analyze(text, vocab)
    json.dumps(a.model_dump())
    assert a.intent in {
        "requirements", "notification", "alerts", "cases", "report", "rules", "subscribe", "help",
        "smalltalk", "out_of_domain",
    }


def _ten_thousand(seed: str) -> str:
    return (seed * (10_000 // len(seed) + 1))[:10_000]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.text(min_size=1, max_size=200),
        st.text(alphabet=st.sampled_from(list("蓝牙耳机出口德国要啥认证被通报藍牙 abcUS./G/TBT/N/867欧盟")), min_size=1),
    ).map(_ten_thousand)
)
def test_long_inputs(vocab: ProductVocabulary, text: str) -> None:
    assert len(text) == 10_000
    t0 = time.perf_counter()
    a = analyze(text, vocab)
    assert a.text == text
    json.dumps(a.model_dump())
    assert time.perf_counter() - t0 < 2.0


def test_default_vocabulary_is_the_shipped_corpus() -> None:
    a = analyze("充电宝出口日本")
    assert a.markets == ["JPN"]
    assert a.hs and a.hs[0]["code"] == "850760"


@pytest.mark.parametrize("text", ["What does 海关总署公告〔2024〕150号 require?",
                                  "What is 《进出口食品安全管理办法》 about?"])
def test_a_quoted_chinese_reference_does_not_make_an_english_question_chinese(text: str) -> None:
    assert analyze(text).answer_language == "en"


def test_a_bare_chinese_reference_is_still_chinese() -> None:
    assert analyze("海关总署公告〔2024〕150号").answer_language == "zh"


@pytest.mark.parametrize("text", ["What does GACC Announcement No. 150 of 2024 require?",
                                  "China Customs announcement 2024 No. 150", "gacc announcement [2024] 150"])
def test_english_ways_of_citing_a_china_customs_announcement(text: str) -> None:
    assert analyze(text).refs == ["海关总署公告〔2024〕150号"]


@pytest.mark.parametrize("text", ["How did China respond to the EU market surveillance regulation proposal?",
                                  "中国对欧盟市场监管条例提案有什么回应？"])
def test_how_a_member_responded_is_a_case_question(text: str) -> None:
    assert analyze(text).intent == "cases"


def test_a_dispute_number_touching_chinese_text_is_still_a_reference(vocab: ProductVocabulary) -> None:
    assert analyze("DS539呢？", vocab).refs == ["DS539"]
    assert analyze("争端DS392是什么", vocab).refs == ["DS392"]
    assert analyze("RASFF2024.7813呢", vocab).refs == ["RASFF 2024.7813"]


def test_a_member_state_that_notified_makes_an_alert_question(vocab: ProductVocabulary) -> None:
    assert analyze("2023年12月荷兰通报的那批中国产枸杞干，具体是什么问题啊", vocab).intent == "alerts"
    assert analyze("A supplement from China got flagged by Hungary in 2023", vocab).intent == "alerts"
    assert analyze("欧盟通报了新的玩具法规", vocab).intent == "notification"  # the EU itself notifies the WTO
    # asking which country notified, within the EU: a member state, so a RASFF alert
    assert analyze("欧盟有一条关于中国枸杞干的通报，是哪个国家通报的？", vocab).intent == "alerts"
    assert analyze("Which EU member state notified the goji alert?", vocab).intent == "alerts"
    assert analyze("Which country notified G/TBT/N/EU/542?", vocab).intent == "notification"


def test_someone_elses_complaint_is_a_case(vocab: ProductVocabulary) -> None:
    assert analyze("What did the EU complain about in China's raw materials export restrictions?", vocab).intent == "cases"
    assert analyze("how do I complain about a Brazilian barrier", vocab).intent == "report"


def test_a_record_names_an_identifier_by_its_number() -> None:
    from assistant.refs import names_ref

    row = {"text": "废止《进口食品接触产品检验监管工作规范》（原国家质量监督检验检疫总局公告2016年第31号发布）; repealing Directive 2006/42/EC; see DS27"}
    assert names_ref(row, "Directive 2006/42/EC")
    assert names_ref(row, "海关总署公告〔2016〕31号")
    assert names_ref(row, "DS27") and not names_ref(row, "DS2")
    assert not names_ref(row, "海关总署公告〔2016〕3号")
    assert not names_ref(row, "Regulation (EU) 2017/745, Article 127")  # a provision is never "named"


def test_a_rasff_notification_is_an_alert(vocab: ProductVocabulary) -> None:
    # RASFF calls its alerts "notifications": the system said decides which kind is meant
    assert analyze("花椒在RASFF里被通报过几次", vocab).intent == "alerts"
    assert analyze("How many RASFF notifications for Chinese green tea?", vocab).intent == "alerts"
    assert analyze("WTO通报里有没有关于玩具的", vocab).intent == "notification"
    # a notification about goods from China is a rejection; one about a measure says its system
    assert analyze("欧盟以前对中国猪肠衣通报过什么问题？", vocab).intent == "alerts"
    assert analyze("美国对中国产品的TBT通报有哪些？", vocab).intent == "notification"
    assert analyze("欧盟对我国玩具的技术法规通报有哪些？", vocab).intent == "notification"


def test_a_cue_said_twice_counts_once(vocab: ProductVocabulary) -> None:
    once = analyze("欧盟通报的玩具标准", vocab)
    twice = analyze("欧盟通报的玩具标准，通报通报通报", vocab)
    assert once.intent == twice.intent


def test_who_sued_at_the_wto_is_a_case(vocab: ProductVocabulary) -> None:
    assert analyze("日本是不是在WTO告过韩国？案号是多少", vocab).intent == "cases"


def test_only_the_member_state_that_notified_narrows_alerts() -> None:
    from assistant.retrieve.analyze import notifying_members

    assert notifying_members("2023年12月荷兰通报的那批枸杞干") == {"NLD"}
    assert notifying_members("Finland rejected our green tea") == {"FIN"}
    assert notifying_members("我们意大利那边有客户，荔枝被通报过吗") == set()
    assert notifying_members("荷兰对中国花生的RASFF通报，主要是查出什么？") == {"NLD"}
    assert notifying_members("意大利那边通报过中国的不锈钢餐具吗") == {"ITA"}
    assert notifying_members("what did France keep finding in frog legs?") == {"FRA"}
    # the place of a customer, or a list of what a country asks, names no notifier
    assert notifying_members("Our client in Finland rejected a lot of pumpkin seeds") == set()
    assert notifying_members("德国对我们的要求和通报有哪些") == set()
    # the verb in any tense: "did Belgium notify", "has Spain rejected"
    assert notifying_members("How many times did Belgium notify honey from China?") == {"BEL"}
    assert notifying_members("Has Spain rejected our garlic?") == {"ESP"}
    assert notifying_members("2024年德国有没有通报过中国干海带？") == {"DEU"}


def test_a_follow_up_document_said_in_words_is_its_symbol() -> None:
    from assistant.refs import find_symbols, worded_follow_up

    assert [str(s) for s in find_symbols("What did the second addendum to G/TBT/N/USA/867 change?")] == [
        "G/TBT/N/USA/867/Add.2"]
    assert [str(s) for s in find_symbols("G/TBT/N/EU/86的第一份修订版")] == ["G/TBT/N/EU/86/Rev.1"]
    # a few words may name the notification in between
    assert [str(s) for s in find_symbols("The first addendum to the FCC notification G/TBT/N/USA/867: when?")] == [
        "G/TBT/N/USA/867/Add.1"]
    assert [str(s) for s in find_symbols("I read the first addendum. What is G/TBT/N/USA/867 about?")] == [
        "G/TBT/N/USA/867"]
    assert [str(s) for s in find_symbols("the first addendum to our notification and G/TBT/N/USA/867")] == [
        "G/TBT/N/USA/867"]
    assert [str(s) for s in find_symbols("G/TBT/N/USA/867/Add.1 and the third addendum")] == ["G/TBT/N/USA/867/Add.1"]
    assert worded_follow_up("tell me more about the second addendum") == ("Add", 2)
    assert worded_follow_up("第三份增补说了什么") == ("Add", 3)
    assert worded_follow_up("the second notification") is None


def test_chinese_and_english_provision_names_are_one_place() -> None:
    from assistant.refs import canonical_place, place_label

    assert canonical_place("第十五条") == canonical_place("Article 15") == "Article 15"
    assert place_label("Article 45", "zh") == "第45条"
    assert place_label("Annex II", "zh") == "附件II"
    assert place_label("Article 45", "en") == "Article 45"


def test_a_request_to_compose_something_is_off_topic_whatever_goods_it_names(vocab: ProductVocabulary) -> None:
    for q in ("帮我写一首关于大蒜丰收的诗吧", "Can you write me a poem about our tea exports?"):
        assert analyze(q, vocab).intent == "out_of_domain", q
    assert analyze("写一份给欧盟客户的合规说明需要哪些内容", vocab).intent != "out_of_domain"


def test_a_service_asked_for_is_refused_whatever_its_setting(vocab: ProductVocabulary) -> None:
    """Sums and estimates done for the asker, and a formulation made up for them, are services no
    record answers, even said after a rejection or an additive ("万一被通报了…")."""
    for q in ("万一我们被通报了，这批货的损失你帮我估一下？", "Could you estimate what a rejection would cost us?",
              "帮我们把香精换掉，给个具体配方？"):
        assert analyze(q, vocab).intent == "out_of_domain", q
    for q in ("配方里能用卡拉胶吗？", "欧盟对婴儿配方奶粉有什么要求？", "How is the embedded emission estimated under CBAM?",
              "标签上要写配方吗？", "注册时要给出配方吗？", "帮我估计一下这个通报什么时候生效？",
              "Do we have to pay a fee per container for inspection?",
              "How much do we pay per kg under the UK plastic packaging tax?"):
        assert analyze(q, vocab).intent != "out_of_domain", q


def test_words_of_our_domain_are_not_read_as_services_we_do_not_give(vocab: ProductVocabulary) -> None:
    """签证机构 is who issues a certificate of origin; an importer's or distributor's duties are rules."""
    for q in ("在海关申请原产地证书，签证机构一般多久审核完？", "Must the distributor find the importer before selling?",
              "Does the importer need to find a notified body?", "进口商需要承担哪些义务？",
              "Which laboratories are accepted by the CPSC?", "How do we calculate embedded emissions under CBAM?",
              "Do we need a US agent for FDA registration?"):
        assert analyze(q, vocab).intent != "out_of_domain", q


@pytest.mark.parametrize(("message", "small"), [
    ("ok thanks", True), ("好的，谢谢", True), ("hi there how are you?", True),
    ("ok so when exactly can we file the extension request?", False),
    ("thanks - and which documents does customs want for the filing?", False),
])
def test_a_greeting_that_goes_on_to_ask_something_is_a_question(message: str, small: bool) -> None:
    from assistant.retrieve.analyze import analyze
    from assistant.retrieve.products import ProductVocabulary

    assert (analyze(message, ProductVocabulary.load()).intent == "smalltalk") is small


@pytest.mark.parametrize("question", [
    "Did Japan take Korea to the WTO over its import bans on Japanese seafood?",
    "Is there a WTO case about Indonesia's palm oil?",
    "When were consultations requested in the EU fasteners dispute?",
])
def test_taking_a_member_to_the_wto_asks_about_a_dispute(question: str) -> None:
    assert analyze(question).intent == "cases"


def test_a_free_trade_agreement_said_in_short_names_its_partner() -> None:
    """"中尼自贸协定" is China's agreement with Nicaragua: the partners are those the corpus's
    own texts name in full, so 中新 stands for both New Zealand and Singapore, and 中东 for none."""
    from assistant.retrieve.markets import agreement_markets, agreement_partners

    partners = agreement_partners(["《中国-尼加拉瓜自由贸易协定》于2024年1月1日生效",
                                   "中国—新西兰自由贸易协定升级议定书", "中国与新加坡自由贸易协定", "中韩自贸协定"])
    assert partners == ["NIC", "NZL", "SGP"]  # 中韩 is a short form: it names no partner itself
    assert agreement_markets("按中尼自贸协定，区域价值成分要多少？", partners) == ["NIC"]
    assert sorted(agreement_markets("中新自贸协定升级后有什么变化", partners)) == ["NZL", "SGP"]
    assert agreement_markets("中东局势会影响出口吗", partners) == []
    assert agreement_markets("出口到中东自贸区需要什么证书？", ["ASEAN", *partners]) == []  # 东盟 is named in full
    assert analyze("按中尼自贸协定，电动车区域价值成分要多少？", agreements=partners).markets == ["NIC"]
    assert "NIC" not in analyze("中尼自贸协定", agreements=()).markets


def test_what_a_rejection_was_for_is_no_goods(vocab: ProductVocabulary) -> None:
    """"因为农药残留被通报" names a hazard: 农药 (pesticides, 3808) and 添加剂 (feed additives, 2309)
    share a tariff word, but said as the cause they are not the goods asked about."""
    a = analyze("中国枸杞因为农药残留被通报过几次？", vocab)
    assert a.products == ["枸杞"] and [h["code"] for h in a.hs][:1] == ["081340"]
    assert not analyze("台湾果冻有没有因为添加剂被通报的？", vocab).hs or all(
        h["matched"] != "添加剂" for h in analyze("台湾果冻有没有因为添加剂被通报的？", vocab).hs)
    assert analyze("出口饲料添加剂到欧盟需要什么？", vocab).products == ["饲料添加剂"]
    # goods said after the cause, with their problem after them, are still the goods
    assert "茶叶" in analyze("由于茶叶农残超标被欧盟通报怎么办？", vocab).products
