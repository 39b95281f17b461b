"""What the written-apart dev questions (apart-2026-12b) showed, as a user would check it.

Each test is a class of failure those questions exposed, asked the way an exporter asks, on the
full shipped index: a country name inside another word, an identifier that does not exist next to
Chinese text, several members bringing one dispute, follow-ups that change the market or drill into
a dispute, goods going into China, alerts singled out by who notified them and when.
"""

from __future__ import annotations

import uuid

import pytest

from assistant.answer.evidence import citation_evidence
from assistant.answer.models import Answer
from assistant.answer.verify import verify
from assistant.config import Settings
from assistant.dialogue.assistant import Assistant
from assistant.evals.answers import opening

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assistant(full_index: Settings) -> Assistant:
    return Assistant(full_index)


def _chat(assistant: Assistant, *questions: str) -> list[Answer]:
    session = f"apart:{uuid.uuid4().hex[:8]}"
    return [assistant.ask(q, session_id=session, channel="test") for q in questions]


def _refs(answer: Answer) -> list[str]:
    return [c.ref for c in answer.citations]


def test_sudan_red_is_a_dye_not_sudan(assistant: Assistant) -> None:
    answer = assistant.ask("中国出口的辣椒粉因为苏丹红被欧盟通报过吗")
    assert "SDN" not in (answer.analysis or {}).get("markets", [])
    rows = assistant.searcher.index.record_rows
    assert any("sudan" in str(rows[r].get("hazard", "")).lower() for r in _refs(answer) if r in rows)


def test_a_dispute_number_next_to_chinese_that_does_not_exist_is_refused(assistant: Assistant) -> None:
    first, missing = _chat(assistant, "WTO里有没有关于欧盟禁止海豹产品的争端？", "DS539呢？")
    assert any(r in ("DS369", "DS400", "DS401") for r in _refs(first))
    assert missing.refused and not missing.citations
    assert "DS539" in missing.text


def test_who_brought_a_dispute_names_every_member_that_did(assistant: Assistant) -> None:
    answer = assistant.ask("Who took the EU to the WTO over its ban on seal products?")
    head = opening(answer.text)
    assert "Canada" in head and "Norway" in head


def test_dispute_follow_ups_stay_with_the_dispute_and_answer_what_is_asked(assistant: Assistant) -> None:
    found, when, end = _chat(assistant, "Was there ever a WTO dispute about the US restricting poultry imports from China?",
                             "When did China request consultations?", "How did it end?")
    assert _refs(found)[0] == "DS392"
    assert _refs(when)[0] == "DS392" and "2009-04-17" in opening(when.text)
    assert _refs(end)[0] == "DS392" and "adopted" in opening(end.text).lower()


def test_a_question_naming_no_product_or_market_is_asked_back(assistant: Assistant) -> None:
    answer = assistant.ask("Hi, I want to start exporting. What do I need?")
    assert not answer.citations and not answer.refused
    assert answer.choices or answer.text.rstrip().endswith(("?", "？"))


def test_a_market_follow_up_keeps_the_product_even_when_its_hs_code_is_not_listed(assistant: Assistant) -> None:
    _eu, us = _chat(assistant, "医用外科口罩出口欧盟，需要满足什么法规？", "那美国呢？")
    assert "21 CFR Part 807" in _refs(us)


def test_no_rejections_there_answers_with_the_market_rules(assistant: Assistant) -> None:
    _rules, alerts, japan = _chat(assistant, "枸杞出口欧盟，农残要看哪个法规？", "有没有中国枸杞被通报过？", "日本呢？")
    assert any(r.startswith("RASFF") for r in _refs(alerts))
    assert "Japan Food Sanitation Act positive list" in _refs(japan)


def test_goods_going_into_china_are_answered_from_china_customs(assistant: Assistant) -> None:
    answer = assistant.ask("德国牛肉现在能进中国了吗？之前那个疯牛病禁令是不是解除了")
    assert _refs(answer)[0] == "海关总署公告〔2024〕41号"
    assert not any(r.startswith(("Regulation (EU)", "Directive")) for r in _refs(answer))


def test_an_alert_singled_out_by_notifier_and_month_opens_with_its_hazard(assistant: Assistant) -> None:
    answer = assistant.ask("2023年12月荷兰通报的那批中国产枸杞干，具体是什么问题啊")
    head = opening(answer.text)
    assert "RASFF 2023.8573" in head and "Irradiation" in head


def test_a_case_against_china_is_found_from_the_complainant_side(assistant: Assistant) -> None:
    answer = assistant.ask("欧盟告中国对X光安检设备征反倾销税，那个WTO案编号是多少")
    assert "DS425" in opening(answer.text, 1)


def test_goods_routed_through_hong_kong_are_a_china_customs_question(assistant: Assistant) -> None:
    answer = assistant.ask("RCEP享惠的货是经香港中转进来的，未再加工证明可以用什么文件代替？")
    assert "海关总署公告〔2024〕110号" in _refs(answer)
    assert "中转确认书" in opening(answer.text)


def test_an_act_not_held_but_named_by_one_that_is_gets_an_answer_from_that_one(assistant: Assistant) -> None:
    answer = assistant.ask("when exactly does the new Machinery Regulation replace 2006/42/EC?")
    assert _refs(answer)[0] == "Regulation (EU) 2023/1230"
    checked = verify(answer.text, citation_evidence(assistant.searcher.index, answer.citations))
    assert checked.clean, (checked.removed, checked.invented)  # nothing said that the sources do not say
    head = opening(answer.text, 3)
    assert "2006/42/EC" in head and "2027" in head
    refused = assistant.ask("海关总署公告2023年第72号是什么内容")
    assert refused.refused and "〔2023〕72号" in refused.text


def test_an_importer_naming_no_market_is_answered_from_china_customs(assistant: Assistant) -> None:
    answer = assistant.ask("我们是做进口食品的贸易公司，听说境外出口商备案以后要用18位编码了？报关单上企业资质那栏怎么填")
    assert _refs(answer)[0] == "海关总署公告〔2024〕105号"
    assert not any(r.startswith("21 CFR") for r in _refs(answer))


def test_an_exporter_asking_about_a_customs_procedure_in_english(assistant: Assistant) -> None:
    # China Customs' rule for all exports answers whatever market the exporter ships to, and "since
    # when?" stays with the text just cited (Chinese-only records, an English conversation)
    first, then = _chat(assistant,
                        "We mostly ship furniture to Chile and Vietnam. A friend told me we don't need the "
                        "原产地企业备案 with customs anymore before asking for a certificate of origin. True?",
                        "ok good. since when exactly?")
    assert "海关总署公告〔2023〕136号" in _refs(first) or any("原产地企业备案" in r for r in _refs(first))
    assert not then.refused and "2023" in opening(then.text) and "11" in opening(then.text), then.text[:300]


def test_an_addendum_answers_what_it_changed(assistant: Assistant) -> None:
    # a notification question quoting no symbol: the addendum that matched best answers, not the core
    answer = assistant.ask("The FCC postponed its test-lab accreditation rule back in 2016 - until what date were "
                           "the existing FCC-listed labs still recognised, and which WTO addendum announced the delay?")
    assert "2017-07-12" in opening(answer.text), answer.text[:300]
    assert "G/TBT/N/USA/867/Add.2" in _refs(answer)


def test_a_market_switch_keeps_what_the_talk_is_about(assistant: Assistant) -> None:
    # "What about Russia?" after a question on GSP certificates asks about GSP certificates there: the
    # talk's words go with the new market, its code is that market, and China Customs' text on goods
    # for the Eurasian Economic Union (named in its title) is a text about Russia and Kazakhstan
    _first, then = _chat(assistant,
                         "Can Chinese customs still give us a GSP Form A for a shipment of furniture to Norway?",
                         "What about Russia and Kazakhstan?")
    assert not then.refused
    assert any("欧亚经济联盟" in r for r in _refs(then)), _refs(then)


def test_a_follow_up_on_a_detail_keeps_what_the_talk_is_about(assistant: Assistant) -> None:
    # the AEO-code question narrows the talk about AEO recognition, it does not replace it: a market
    # switch after it still asks about AEO recognition, and the old market's name stays behind
    *_, then = _chat(assistant,
                     "We export motorbike parts as a GACC AEO company. From when does Australia recognise our AEO status?",
                     "what code do we give the Australian importer?",
                     "and South Africa?")
    assert not then.refused
    assert "海关总署公告〔2023〕111号" in _refs(then), _refs(then)


def test_a_notification_asked_for_is_the_one_its_follow_ups_mean(assistant: Assistant) -> None:
    # "which WTO notification…?" is answered by the notification; "it" is then that notification
    # (circulated on its distribution date), and "the first addendum" its Add.1, said in words
    which, when, addendum = _chat(assistant,
                                  "Which WTO notification was behind the FCC test-lab accreditation rules?",
                                  "when was it circulated?", "what did the first addendum say?")
    assert "G/TBT/N/USA/867" in opening(which.text, 1), which.text[:300]
    assert _refs(when)[0] == "G/TBT/N/USA/867" and "2013-11-08" in opening(when.text, 1), when.text[:300]
    assert _refs(addendum)[0] == "G/TBT/N/USA/867/Add.1", _refs(addendum)


def test_alerts_counted_for_one_notifier_are_dated_one_by_one(assistant: Assistant) -> None:
    # "how many times did Belgium notify…": only Belgium's alerts are counted, each with its date
    answer = assistant.ask("How many times did Belgium notify Chinese honey over oxymatrine?", session_id="bel")
    said = answer.text.split("**")[0]  # the direct answer, before the sections
    assert "3 rejection" in said, said  # Belgium's three, not all four oxymatrine alerts
    assert all(d in said for d in ("2021-11-29", "2022-02-23", "2022-06-14")), said


def test_the_best_rule_of_the_market_stays_though_its_tariff_list_misses_the_goods(assistant: Assistant) -> None:
    # the PSTI Act's HS summary lists no smart plugs, but its text covers connectable products and
    # it passed the gate ahead of UKCA: it answers, with its penalties
    answer = assistant.ask("We export smart plugs to Britain. How large are the fines under the security rules "
                           "for connected products?", session_id="psti")
    assert _refs(answer)[:1] == ["UK PSTI Act 2022"], _refs(answer)
    assert "£10 million" in answer.text


def test_dispute_talk_that_moved_past_the_goods_does_not_carry_them(assistant: Assistant) -> None:
    # after the tuna case, the COOL case (no tuna in it): "did Mexico bring one too?" asks about
    # COOL disputes, not tuna ones
    *_, then = _chat(assistant, "Which WTO dispute did Mexico bring over US tuna labels?",
                     "and the country-of-origin labelling case Canada brought — where does it stand?",
                     "did Mexico bring a COOL case too?")
    assert "DS386" in _refs(then), _refs(then)


def test_a_pronoun_follow_up_asks_about_what_the_last_answer_led_with(assistant: Assistant) -> None:
    # "when did that kick in?" after an answer led by the PSTI Act (with UKCA beside it): the PSTI Act,
    # though its text shares no word with the follow-up and the talk's words
    _first, when, penalty = _chat(assistant, "we sell wifi baby monitors in the UK. is there a new cyber security law?",
                                  "when did that kick in?", "what's the penalty there?")
    assert _refs(when)[:1] == ["UK PSTI Act 2022"] and "2024-04-29" in opening(when.text, 1), when.text[:300]
    assert _refs(penalty)[:1] == ["UK PSTI Act 2022"] and "£10 million" in penalty.text


def test_the_conversations_goods_said_again_keep_its_market(assistant: Assistant) -> None:
    # "that one" is the toy directive the answer led with; "the toy" is the plush toys said shorter,
    # so the label question stays in the EU
    _first, status, label = _chat(assistant, "we make plush toys and got an EU order. what's the main law for toys there?",
                                  "is that one still in force? our buyer mentioned a new toy regulation",
                                  "ok. what does the label on the toy need to show?")
    assert _refs(status)[:1] == ["Directive 2009/48/EC"], _refs(status)
    assert _refs(label)[:1] == ["Directive 2009/48/EC"], _refs(label)


def test_the_latest_of_the_alerts_listed_keeps_their_hazard_and_a_year_leaves_it(assistant: Assistant) -> None:
    # "the latest one" is the latest matrine alert on green tea, not the latest green-tea alert; "and
    # in 2022?" then asks about that year's alerts, not about the one just discussed
    _first, latest, year = _chat(assistant, "any RASFF alerts on matrine in Chinese green tea?",
                                 "who notified the latest one?", "and in 2022?")
    assert _refs(latest)[:1] == ["RASFF 2023.6893"] and "Belgium" in opening(latest.text, 1), latest.text[:300]
    alerts = [r for r in _refs(year) if r.startswith("RASFF")]
    assert "RASFF 2022.5271" in alerts and alerts[0].startswith("RASFF 2022."), alerts


def test_a_longer_follow_up_that_read_alone_jumps_goods_keeps_the_conversations(assistant: Assistant) -> None:
    # "from China" is where the asker is, no market; read alone the question finds medical-device
    # rules, other goods than the lipstick talked about, so it is read with the lipstick and France
    *_, then = _chat(assistant, "we make lipstick for a client selling in France. does it have to be registered?",
                     "can we be the responsible person ourselves, from China?")
    assert _refs(then)[:1] == ["Regulation (EC) No 1223/2009"], _refs(then)


def test_filing_is_what_china_customs_calls_bei_an(assistant: Assistant) -> None:
    # an English question about a Chinese-only text: "filing" is China Customs' English for 备案
    answer = assistant.ask("Do we still have to do the origin-enterprise filing with customs before we apply for "
                           "certificates of origin?")
    assert any(r == "海关总署公告〔2023〕136号" or "取消出口货物原产地企业备案" in r for r in _refs(answer)[:2]), _refs(answer)


def test_a_past_cases_figures_answer_how_much_it_was_estimated(assistant: Assistant) -> None:
    answer = assistant.ask("我们是做超声设备的，MDR最后推迟到哪天开始适用？当时深圳估算出口成本会增加多少？")
    assert "15%" in answer.text.split("\n\n")[0]  # said in the opening paragraph, before the points


def test_a_long_follow_up_naming_nothing_stays_with_the_document_that_answers_it(assistant: Assistant) -> None:
    rules, records, new = _chat(
        assistant,
        "can we export milk powder from China to Vietnam? what are the inspection and quarantine requirements?",
        "how long do we have to keep our production and traceability records?",
        "Do we still have to do the origin-enterprise filing with customs before we apply for certificates of origin?")
    assert _refs(rules)[0] == _refs(records)[0] == "海关总署公告〔2023〕117号"
    assert "6" in opening(records.text)  # six months after the shelf life ends
    assert "海关总署公告〔2023〕117号" not in _refs(new)  # a new question finds its own record


def test_filing_alone_names_no_goods(assistant: Assistant) -> None:
    answer = assistant.ask("when did these filing rules take effect?")
    assert not (answer.analysis or {}).get("products")


def test_where_goods_come_from_is_no_market_and_rejection_talk_keeps_its_kind(assistant: Assistant) -> None:
    first, who, other = _chat(
        assistant,
        "We export peanuts from Shandong. How many RASFF notifications did Chinese peanuts get in 2024, and for what?",
        "Which countries notified them?",
        "What about pumpkin seeds from China?")
    rows = assistant.searcher.index.record_rows
    for answer in (first, who, other):
        alerts = [r for r in _refs(answer) if rows.get(r, {}).get("type") == "alert"]
        assert alerts and not answer.refused  # rejections, not China's import rules nor "which market?"
        assert all("china" in str(rows[r].get("origin") or "").lower() for r in alerts)
    assert any("pumpkin" in str(rows[r].get("product") or rows[r].get("title") or "").lower() for r in _refs(other))


def test_a_return_to_an_earlier_subject_takes_that_turns_slots(assistant: Assistant) -> None:
    *_, serbia, back = _chat(
        assistant, "出口越南的RCEP原产地证能自助打印吗？", "那出口塞尔维亚呢，有自贸协定吗？原产地标准怎么算？",
        "回到自助打印，要用什么样的打印机和纸？")
    assert "SRB" in (serbia.analysis or {}).get("markets", [])
    assert "SRB" not in (back.analysis or {}).get("markets", [])  # Vietnam's self-printing, not Serbia's FTA
    assert back.citations and not any("塞尔维亚" in r for r in _refs(back))


def test_examples_asked_of_a_reporting_channel_are_its_linked_cases(assistant: Assistant) -> None:
    *_, cases = _chat(assistant, "美国企业遇到技术性贸易壁垒一般怎么反映？", "他们有成功的例子吗？")
    assert _refs(cases) and all(r.startswith("Case: US TACP") for r in _refs(cases)[:1])


def test_a_customs_procedure_for_exports_to_a_market_does_not_list_that_markets_product_rules(
        assistant: Assistant) -> None:
    answer = assistant.ask("Can Chinese customs still issue a GSP Form A for our shipments to the UK or Canada?")
    rows = assistant.searcher.index.record_rows
    assert _refs(answer) and all(rows[r].get("type") == "announcement" for r in _refs(answer))


def test_a_rule_that_passes_the_gate_answers_though_it_never_names_the_product(assistant: Assistant) -> None:
    first, three, eu = _chat(assistant, "Does a Wi-Fi smart plug need anything special on cybersecurity to be sold in the UK?",
                             "What are the three requirements?", "And in the EU?")
    assert _refs(first)[:1] == ["UK PSTI Act 2022"] and _refs(three)[:1] == ["UK PSTI Act 2022"]
    assert "Directive 2014/53/EU" in _refs(eu)


def test_back_to_an_earlier_shipment_returns_to_its_document(assistant: Assistant) -> None:
    first, _other, back = _chat(
        assistant,
        "We are a honey processor in Tanzania. China has opened its market for Tanzanian honey. What do we have to do before we ship?",
        "Our sister company wants to do the same with Belarusian honey. In which languages must their health certificate be?",
        "OK, back to our own Tanzanian shipment - what has to be printed on the drums and jars, and in what language?")
    assert _refs(first)[:1] == _refs(back)[:1] == ["海关总署公告〔2024〕150号"]


@pytest.mark.parametrize("question", ["what do i need to export my product?", "What certification do I need for my device?"])
def test_a_question_naming_only_some_product_is_asked_back(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question, session_id=f"clarify:{uuid.uuid4().hex[:6]}")
    assert not answer.citations and answer.followups or "?" in answer.text  # a question back, not a dump
    assert not answer.citations


def test_the_one_singled_out_by_a_trait_is_that_record_of_the_last_answer(assistant: Assistant) -> None:
    _alerts, which = _chat(assistant, "How many RASFF alerts were there on Chinese goji between 2020 and 2024?",
                           "the irradiation one - who notified it and when?")
    rows = assistant.searcher.index.record_rows
    assert _refs(which) and "irradiation" in str(rows[_refs(which)[0]].get("hazard") or "").lower()
    assert "Netherlands" in which.text


def test_the_latest_alert_is_looked_up_by_the_users_own_name_for_the_goods(assistant: Assistant) -> None:
    answer = assistant.ask("How recent is the last RASFF alert on Chinese melamine ware, and which country notified it?")
    rows = assistant.searcher.index.record_rows
    dated = sorted((str((rows[r].get("dates") or {}).get("event") or ""), r) for r in _refs(answer)
                   if rows.get(r, {}).get("type") == "alert")
    newest = dated[-1][0]
    assert newest >= "2024-10-01" and newest in opening(answer.text)  # the melamine mug of late October 2024


def test_a_country_goods_come_from_into_china_stays_the_conversations_subject(assistant: Assistant) -> None:
    first, extra = _chat(assistant, "What are China's conditions for importing dairy products from Pakistan?",
                         "We also have a pasteurised flavoured milk line. Is there anything extra for that product?")
    assert _refs(first) and _refs(extra) and any("巴基斯坦" in r for r in _refs(extra))


@pytest.mark.parametrize(("question", "year"), [("2024年新提起的WTO争端有哪些？", "2024"),
                                                ("Any RASFF alerts on Chinese tea in 2025?", "2025")])
def test_records_asked_for_after_the_corpus_ends_are_said_to_be_missing(assistant: Assistant, question: str,
                                                                        year: str) -> None:
    answer = assistant.ask(question, session_id=f"cov:{uuid.uuid4().hex[:6]}")
    assert answer.refused and not answer.citations and year in answer.text


def test_a_year_dating_a_fact_in_a_case_question_is_not_a_coverage_question(assistant: Assistant) -> None:
    answer = assistant.ask("In the FCC test-lab case, how many FCC-recognised labs did mainland China have by August 2020?")
    assert not answer.refused and "113" in answer.text


def test_a_measure_on_chinese_goods_is_not_a_dispute_over_chinas_own_measure(assistant: Assistant) -> None:
    answer = assistant.ask("Was there ever a WTO dispute about EU anti-dumping duties on Chinese fasteners?")
    assert _refs(answer)[:1] == ["DS397"]  # EC duties on Chinese fasteners, not DS407 (China's on EU ones)


def test_china_named_as_rule_maker_for_goods_from_elsewhere_is_where_they_go(assistant: Assistant) -> None:
    answer = assistant.ask("A friend exports apples from Germany. How long is China's quarantine pest list for German apples?")
    rows = assistant.searcher.index.record_rows
    assert _refs(answer) and rows[_refs(answer)[0]].get("type") == "announcement"  # China Customs, not EU rules


def test_alerts_asked_for_from_a_month_after_the_records_end_get_no_hits_and_a_dated_reply(
        assistant: Assistant) -> None:
    question = "Were there any RASFF alerts on Chinese green tea in December 2024?"
    assert assistant.searcher.search(question).hits == []  # search and answer take the same decision
    answer = assistant.ask(question, session_id=f"cov:{uuid.uuid4().hex[:6]}")
    assert answer.refused and not answer.citations and "December 2024" in answer.text


@pytest.mark.parametrize("question", ["印度BIS注册要交多少费用？", "What will a CBAM certificate cost per tonne of CO2?"])
def test_a_fee_no_record_states_is_said_to_be_unstated_not_answered_with_the_record(
        assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question, session_id=f"fee:{uuid.uuid4().hex[:6]}")
    assert answer.refused and not answer.citations
    assert "BIS" in answer.text or "CBAM" in answer.text  # which records were read is said
    found = assistant.searcher.search(question)  # search and answer take the same decision
    assert found.hits == [] and found.unstated is not None and found.unstated.kind == "money"


def test_a_fee_a_record_gives_as_free_of_charge_is_answered() -> None:
    from assistant.retrieve.measures import measure_asked, measure_stated

    assert measure_asked("How much is the FDA registration fee?") == "money"
    assert measure_stated("money", "Registration is free of charge.")


def test_goods_sold_in_another_market_too_keep_the_conversations_goods(assistant: Assistant) -> None:
    *_, japan = _chat(assistant, "For pesticides: if the EU has no specific MRL for a substance on goji, what limit applies?",
                      "we also ship some to Japan - same idea there?")
    rows = assistant.searcher.index.record_rows
    assert _refs(japan) and "JPN" in rows[_refs(japan)[0]].get("markets", [])  # not "which product?"


def test_the_latest_alert_named_is_what_it_means_next(assistant: Assistant) -> None:
    latest, wrong = _chat(assistant, "How recent is the last RASFF alert on Chinese melamine ware, and which country notified it?",
                          "and what was wrong with it?")
    rows = assistant.searcher.index.record_rows
    first = _refs(latest)[0]
    assert _refs(wrong)[:1] == [first]
    assert str(rows[first].get("hazard", "")).split(" ")[0] in wrong.text  # what was wrong is said


@pytest.mark.parametrize("question", ["我们的货被卡了，怎么办？", "Our shipment got stuck, what now?"])
def test_a_message_that_names_nothing_to_look_up_is_asked_back_not_refused(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question, session_id=f"vague:{uuid.uuid4().hex[:6]}")
    assert not answer.refused and not answer.citations and answer.choices  # what product, where, what happened


def test_an_announcement_and_its_interpretation_are_companions(assistant: Assistant) -> None:
    searcher = assistant.searcher
    rows = searcher.index.record_rows
    pairs = [(r, searcher.companions(r)) for r in rows if searcher.companions(r)]
    assert pairs  # derived from the titles, not listed
    for ref, others in pairs:
        assert all(rows[o].get("type") == "announcement" for o in others) and ref not in others


def test_a_follow_up_about_an_announcement_may_be_answered_by_its_interpretation(assistant: Assistant) -> None:
    first, when = _chat(assistant, "We're an importer in Shanghai holding an advance ruling on tariff classification from "
                                   "customs. It expires next spring. Can it be extended or do we have to apply from scratch?",
                        "ok so when exactly can we file the extension request?")
    doc = _refs(first)[0]
    assert _refs(when) and _refs(when)[0] in [doc, *assistant.searcher.companions(doc)]


def test_a_period_no_record_states_is_said_to_be_unstated(assistant: Assistant) -> None:
    answer = assistant.ask("Under India's BIS Compulsory Registration Scheme, how many years is a registration valid?",
                           session_id=f"period:{uuid.uuid4().hex[:6]}")
    assert answer.refused and not answer.citations and "BIS" in answer.text


def test_a_period_a_record_states_is_answered_in_the_conversations_market(assistant: Assistant) -> None:
    """A longer follow-up that names no market stays in the conversation's market: read alone, it
    would jump to a Korean rule that also speaks of a technical file."""
    _, keep = _chat(assistant, "EU toy rules for plush toys – what's the conformity route?",
                    "How long do I have to keep the technical file?")
    assert _refs(keep)[:1] == ["Directive 2009/48/EC"] and "10 years" in keep.text


def test_goods_no_record_names_are_not_answered_by_a_rule_listing_other_goods(assistant: Assistant) -> None:
    hits = assistant.searcher.search("We want to sell consumer fireworks in Germany. Which conformity module and "
                                     "notified body do we need?").hits
    assert "Regulation (EU) 2016/425" not in [h.ref for h in hits]  # PPE: no record names fireworks
    ppe = assistant.searcher.search("Which conformity module and notified body do safety gloves need in Germany?").hits
    assert "Regulation (EU) 2016/425" in [h.ref for h in ppe[:3]]


def test_a_product_named_in_two_words_is_not_covered_by_one_of_them_alone(assistant: Assistant) -> None:
    """Every WTO dispute has a "Panel report": that does not make it about solar panels."""
    cands = {c.ref: c for c in assistant.searcher.candidates("EU anti-dumping duties on Chinese solar panels")}
    assert cands["DS479"].features.get("product", 1.0) < 0.5  # Russia's duties on light commercial vehicles


def test_chinas_rules_for_goods_from_one_country_are_not_those_for_another(assistant: Assistant) -> None:
    """An exporter abroad asking China's phytosanitary requirements is asking about imports into
    China: the announcement for Venezuelan avocados does not answer for Kenyan ones, nor does an EU
    border alert."""
    kenya = assistant.searcher.search("I export Hass avocados from Kenya. What are China's phytosanitary "
                                      "requirements for fresh Kenyan avocados?").hits
    assert "海关总署公告〔2023〕118号" not in [h.ref for h in kenya]
    assert not any(h.ref.startswith("RASFF") for h in kenya[:1])
    venezuela = assistant.searcher.search("What are China's phytosanitary requirements for fresh avocados from Venezuela?").hits
    assert [h.ref for h in venezuela[:1]] == ["海关总署公告〔2023〕118号"]


def test_the_country_shipping_into_china_stays_where_the_goods_come_from(assistant: Assistant) -> None:
    """"Pakistan ships dairy to China": China is the market and Pakistan the origin, so a later
    question about packaging is about China's rules for Pakistani dairy, not the EU's labels."""
    _, packaging = _chat(assistant, "We're a dairy company in Lahore. Which dairy products can Pakistan ship to China?",
                         "Which languages must be used on the outer packaging?")
    assert _refs(packaging) and "巴基斯坦" in _refs(packaging)[0]


def test_a_follow_up_keeps_the_origin_a_longer_question_would_otherwise_lose(assistant: Assistant) -> None:
    """Tanzanian honey into China, then a long question about the health certificate: read alone it
    finds China's rules for Belarusian honey; in the conversation it is still Tanzania's."""
    *_, certificate = _chat(assistant, "I'm a honey exporter in Tanzania. Is Tanzanian honey actually allowed into China now?",
                            "OK. What has to be printed on the packaging?",
                            "And the health certificate that goes with each container – which languages must it be in?")
    assert _refs(certificate)[:1] == ["海关总署公告〔2024〕150号"]  # Tanzania, not Belarus (〔2023〕168号)


def test_a_longer_follow_up_naming_nothing_is_read_in_the_conversations_context(assistant: Assistant) -> None:
    """Read alone, "which pests…" names no goods and finds another country's plant rules; read with
    the conversation's durian from Malaysia it is about the announcement just cited."""
    first, pests, hotel = _chat(
        assistant, "Can fresh durian from Malaysia be exported to China, and what must the orchards do?",
        "What quarantine pests are the Chinese inspectors looking out for? Our farm adviser wants the full list",
        "Can you recommend a good hotel in Kuala Lumpur for a trade fair?")
    assert _refs(first)[0] == "海关总署公告〔2024〕72号"
    assert _refs(pests)[0] == "海关总署公告〔2024〕72号", _refs(pests)
    assert hotel.refused and not hotel.citations  # off-topic stays off-topic, whatever the context



def test_may_we_still_questions_are_answered_from_the_text_that_says_so(assistant: Assistant) -> None:
    """"还能开…吗" asks whether it may still be done: for Russia the EAEU text answers (no product
    is needed to ask back for); for Norway the GSP interpretation that names the three countries
    still granting it, though its title lists the countries no longer served."""
    russia = assistant.ask("出口到俄罗斯的货还能开普惠制产地证吗？")
    assert _refs(russia)[:1] == ["海关总署政策解读：我国不再对输欧亚经济联盟货物签发普惠制原产地证书"], russia.text
    norway = assistant.ask("挪威的客户还要普惠制证书（Form A），海关现在还能签吗？还有哪些国家可以签？")
    assert not norway.refused and "挪威、新西兰、澳大利亚" in opening(norway.text), norway.text


def test_goods_from_suppliers_abroad_are_no_export_to_that_country(assistant: Assistant) -> None:
    """A trader in China buying from Malaysian packhouses: "before export" is the Malaysian side's
    export, so China Customs' durian announcement answers though China is never named."""
    answer = assistant.ask("We buy durian from Malaysian packhouses for wholesalers in Guangzhou. Before export, "
                           "what share of each lot must the Malaysian side inspect?")
    assert _refs(answer)[:1] == ["海关总署公告〔2024〕72号"], _refs(answer)
    assert "2%" in opening(answer.text)


def test_china_customs_rules_for_one_other_product_do_not_answer(assistant: Assistant) -> None:
    """Thai passion fruit's announcement is no answer about Thai durian (there is none); a title
    naming a category (乳品) still answers for goods under it (奶粉)."""
    from assistant.retrieve.search import NO_ANSWER_THRESHOLD

    searcher = assistant.searcher
    durian = searcher.search("泰国鲜食榴莲输华，出口前泰方要按多大比例抽检？", 5)
    assert all(h.ref != "海关总署公告〔2023〕137号" or h.score < NO_ANSWER_THRESHOLD for h in durian.hits)
    milk = searcher.search("奶粉出口越南，海关对出口企业有什么检验检疫要求？", 5)
    assert any("乳品" in str(h.title) for h in milk.hits[:3]), [h.title for h in milk.hits]
    money = assistant.ask("2023年我国对欧盟出口玩具的总金额是多少？同比增长了多少？")
    assert money.refused and not money.citations  # trade statistics are stated by no record


def test_some_of_the_alerts_just_listed_are_singled_out_by_who_notified_them(assistant: Assistant) -> None:
    """"How many of those were notified by Sweden?" is about the crayfish alerts just listed: the
    goods carry over, and Sweden is who notified them, not a new market."""
    first, sweden = _chat(assistant, "Any RASFF alerts on crayfish from China?",
                          "How many of those were notified by Sweden, and what was the problem?")
    rows = assistant.searcher.index.record_rows
    assert first.citations and sweden.citations
    assert all(rows[r].get("notifying_country") == "Sweden" for r in _refs(sweden) if rows[r].get("type") == "alert")
    assert any(rows[r].get("type") == "alert" for r in _refs(sweden))


def test_goods_no_rule_lists_are_answered_by_the_rule_for_their_kind(assistant: Assistant) -> None:
    """Frozen dumplings for Japan: Japan's food law lists food chapters, not 1902, yet applies."""
    answer = assistant.ask("We export frozen dumplings. What rules apply in Japan?")
    assert "Japan Food Sanitation Act positive list" in _refs(answer), _refs(answer)


def test_another_case_named_by_its_goods_is_a_new_question_not_the_last_one(assistant: Assistant) -> None:
    """After the scallops disputes, "还有个沙丁鱼的案子" is another dispute (DS231), while "这个案子…"
    and "加拿大那个…" stay with the one discussed."""
    first, canada, sardines = _chat(assistant, "WTO有没有关于扇贝商品名称的争端？", "加拿大那个是什么时候提出磋商的？",
                                    "另外还有一个沙丁鱼的案子，是谁告的？")
    assert {"DS7", "DS12", "DS14"} & set(_refs(first))
    assert _refs(canada)[:1] == ["DS7"], _refs(canada)
    assert _refs(sardines)[:1] == ["DS231"], _refs(sardines)


def test_and_the_goods_and_market_of_another_dispute_stay_a_dispute_question(assistant: Assistant) -> None:
    first, shoes = _chat(assistant, "Did China challenge the EU's anti-dumping duties on fasteners at the WTO?",
                         "And the EU's duties on Chinese shoes?")
    assert "DS397" in _refs(first)
    assert "DS405" in _refs(shoes)[:2], _refs(shoes)


def test_a_bare_follow_up_is_about_the_record_just_cited_that_answers_it(assistant: Assistant) -> None:
    """"多久续一次？" names nothing: of the FDA texts just cited, registration answers it; "从哪天
    开始的？" after the ban on Japan's aquatic products asks when the ban began."""
    fda, renew = _chat(assistant, "山东大蒜工厂第一次出口美国，要在FDA注册吗？要交钱吗？", "那多久要续一次？")
    assert "21 CFR Part 1 Subpart H" in _refs(fda)
    assert _refs(renew)[:1] == ["21 CFR Part 1 Subpart H"], _refs(renew)
    ban, since = _chat(assistant, "日本的水产品现在还能进口到中国吗？", "从哪天开始的？")
    assert "海关总署公告〔2023〕103号" in _refs(ban)
    assert _refs(since)[:1] == ["海关总署公告〔2023〕103号"], _refs(since)
    assert "2023年8月24日" in opening(since.text), since.text


def test_a_section_quoted_is_not_a_missing_part() -> None:
    from assistant.retrieve.search import _part_of_found

    assert _part_of_found("29 CFR Part 1910", {"29 CFR 1910.7"})
    assert not _part_of_found("29 CFR Part 1910", {"29 CFR 19.7"})
    assert not _part_of_found("21 CFR Part 807", set())


def test_the_askers_town_does_not_dilute_what_the_question_is_about(assistant: Assistant) -> None:
    """"a honey packer in Dar es Salaam": the town is context; China's Tanzanian honey rules answer
    (China named as the one that accepts a treatment is the rule-maker)."""
    answer = assistant.ask("We're a small honey packer in Dar es Salaam. Which heat treatment does China accept "
                           "against varroa mites?")
    assert not answer.refused and _refs(answer)[:1] == ["海关总署公告〔2024〕150号"], _refs(answer)


def test_we_import_naming_no_market_asks_chinas_rules(assistant: Assistant) -> None:
    """An importer in China naming no market ("we import … through Shanghai") asks China Customs'
    rules: the duty payment period and the daily late-payment surcharge of Decree 272."""
    answer = assistant.ask("We import machine parts through Shanghai. How many days do we have to pay the duties "
                           "after declaration, and what is the daily late-payment surcharge?")
    assert "海关总署令第272号" in _refs(answer), _refs(answer)
    assert "万分之五" in answer.text


def test_alerts_naming_goods_by_their_species_are_found_and_fines_are_not_invented(assistant: Assistant) -> None:
    """RASFF names most Chinese crayfish by the species (Procambarus clarckii): asked as 小龙虾 they
    are found; what a notifier fined is stated by no alert, so it is said to be unstated."""
    first, fine = _chat(assistant, "欧盟RASFF有没有通报过中国出口的小龙虾？", "瑞典对这几批货罚了多少钱？")
    rows = assistant.searcher.index.record_rows
    crayfish = [r for r in _refs(first) if "procambarus" in str(rows[r].get("product", "")).lower()]
    assert len(crayfish) >= 4, _refs(first)
    assert fine.refused and not fine.citations


def test_the_alert_a_country_notified_is_singled_out_by_its_demonym(assistant: Assistant) -> None:
    """"The Spanish one — what did they find?" after a list of alerts: the one Spain notified, not a
    question about the Spanish market that needs a product."""
    first, spanish = _chat(assistant, "Any RASFF alerts on durian from Vietnam in 2024?",
                           "The Spanish one - what exactly was found?")
    rows = assistant.searcher.index.record_rows
    assert any(rows[r].get("notifying_country") == "Spain" for r in _refs(first))
    assert _refs(spanish) and rows[_refs(spanish)[0]].get("notifying_country") == "Spain", spanish.text


def test_a_follow_up_naming_only_a_market_keeps_the_conversations_goods(assistant: Assistant) -> None:
    """"What must be on the label for the US?" after a Bluetooth speaker for Europe: the speaker's
    US rules (FCC Part 15), not US labelling rules for other goods."""
    first, us = _chat(assistant, "Our Bluetooth speaker goes to Europe next year. Does it need USB-C charging?",
                      "What must be printed on the label for the US market?")
    assert "Directive 2014/53/EU" in _refs(first)
    assert "47 CFR Part 15" in _refs(us)[:2], _refs(us)


def test_an_annual_report_a_rule_requires_is_no_barrier_report(assistant: Assistant) -> None:
    # "年度报告什么时候交？" after a question on a farm's filing asks what that rule requires, not
    # how to file a barrier report
    _filed, report = _chat(assistant, "我们是湛江的对虾养殖场，已经在海关备了案。现在养殖面积扩大了，要多少天内去变更？",
                           "年度报告什么时候交？")
    assert not report.refused and report.intent != "report"
    assert "海关总署公告〔2024〕27号" in _refs(report) and "3月底前" in opening(report.text), report.text[:300]


def test_a_question_naming_no_goods_that_a_record_answers_gets_no_market_product_rules(assistant: Assistant) -> None:
    # a processing plant's registration abroad, exporting to Japan: China Customs' rule on it, not
    # Japan's radio and electrical rules
    answer = assistant.ask("下游加工厂想出口日本，要做境外注册，需要具备哪些条件？")
    refs = _refs(answer)
    assert refs and refs[0].startswith("海关总署"), refs
    assert not any(r.startswith("Japan") for r in refs), refs


def test_a_tariff_no_record_states_is_said_to_be_unstated(assistant: Assistant) -> None:
    # "does China charge" makes China the rule-maker; no record gives durian's tariff rate
    answer = assistant.ask("what import tariff does China charge on durian?")
    assert answer.refused and not answer.citations, answer.text[:300]
    assert "tariff" in answer.text.lower()


def test_a_verb_after_have_to_names_no_goods_and_the_follow_up_stays_with_the_protocol(assistant: Assistant) -> None:
    # "have to check" is no check valve: the follow-up is about the durian protocol just cited,
    # and "mealybugs" reaches the pests it names in Chinese (粉蚧)
    _first, pests = _chat(assistant, "A Malaysian durian grower we work with wants to ship fresh durian to China. "
                                     "Which GACC announcement sets the requirements?",
                          "how often do the orchards have to check for mealybugs?")
    assert _refs(pests)[:1] == ["海关总署公告〔2024〕72号"], _refs(pests)
    assert "15天" in opening(pests.text), pests.text[:300]


def test_the_alert_of_the_month_and_notifier_named_is_found_under_its_foreign_name(assistant: Assistant) -> None:
    # RASFF names the goods in Spanish ("Vajilla de melamina"): the month and the notifier the
    # question names single the alert out; alerts of other months rank below it
    refs = [h.ref for h in assistant.searcher.search("我们做密胺餐具的。2024年8月西班牙通报了一批中国密胺餐具，是什么问题？", 5).hits]
    assert "RASFF 2024.5986" in refs[:3], refs
    alerts = [r for r in refs if r.startswith("RASFF")]
    assert alerts[0] == "RASFF 2024.5986", refs


def test_a_longer_market_follow_up_keeps_the_goods_but_asks_its_own_question(assistant: Assistant) -> None:
    # "the pack" is no photographic film pack; the FDA fee of the turn before is not carried into
    # a question that says what it is about (allergens)
    _fee, allergens = _chat(assistant, "We make frozen dumplings in Qingdao. Is there a fee to register our factory "
                                       "with the FDA?",
                            "for the EU version of the pack — how many allergens have to be highlighted?")
    assert _refs(allergens)[:1] == ["Regulation (EU) No 1169/2011"], _refs(allergens)


@pytest.mark.parametrize("question", ["has anyone brought a WTO dispute against the EU deforestation regulation?",
                                      "有没有国家就欧盟零毁林法规在WTO起诉过？",
                                      "Has Japan taken China to the WTO over the 2023 seafood ban?"])
def test_asking_for_a_dispute_no_record_holds_says_there_is_none(assistant: Assistant, question: str) -> None:
    # the regulation it would be about is no dispute: none is found, and the answer says so
    answer = assistant.ask(question)
    assert answer.refused and not answer.citations, answer.text[:300]
    assert "WTO" in answer.text  # it says no dispute was found, naming what was found instead
    found = assistant.ask("Was there ever a WTO dispute about the US restricting poultry imports from China?")
    assert _refs(found)[:1] == ["DS392"]


def test_shipments_that_ran_into_trouble_are_rejections_and_the_most_recent_one_is_among_them(
        assistant: Assistant) -> None:
    # "run into trouble in the EU" asks for border rejections; "the most recent one — who notified
    # it?" opens with one of those, the newest, not a WTO notification
    trouble, latest = _chat(assistant, "Have Chinese honey shipments run into trouble in the EU?",
                            "the most recent one — who notified it and when?")
    assert trouble.intent == "alerts" and any(r.startswith("RASFF") for r in _refs(trouble))
    listed = [r for r in _refs(trouble) if r.startswith("RASFF")]
    assert _refs(latest) and _refs(latest)[0] in listed, _refs(latest)
    assert "notified by" in opening(latest.text, 1)


def test_how_to_report_after_a_case_gets_the_form_not_the_case(assistant: Assistant) -> None:
    # "how do we report it in China?" names a market but asks how to report: China's form, not the
    # collagen case read with the conversation's goods
    _case, report, fields = _chat(assistant, "We make collagen casings in Fujian. I heard the EU once blocked collagen "
                                             "from China - what happened?",
                                  "If we hit a similar barrier today, how do we report it in China?",
                                  "Which fields on that form are mandatory?")
    assert report.intent == "report" and _refs(report)[:1] == ["技术性贸易措施征集表"], _refs(report)
    assert "技术性贸易措施征集表" in _refs(fields)


def test_a_blood_glucose_meter_is_an_in_vitro_diagnostic_device(assistant: Assistant) -> None:
    for question in ("It's a blood glucose meter for home use, for the EU", "血糖仪出口欧盟要什么认证"):
        refs = [h.ref for h in assistant.searcher.search(question, 3).hits]
        assert refs[:1] == ["Regulation (EU) 2017/746"], (question, refs)


def test_a_question_about_the_document_keeps_the_users_goods_for_the_next_market(assistant: Assistant) -> None:
    """"Who files the notification there?" is about Japan's PSE Act, whose name reads as
    "appliances"; the goods are still power banks, so "India?" finds India's rules for them."""
    first, files, india = _chat(assistant, "We make power banks. For Japan, which mark do we need?",
                                "who files the notification there, us?", "India?")
    assert "Japan PSE (Electrical Appliances and Materials Safety Act)" in _refs(files)
    assert (india.analysis or {}).get("products") == (first.analysis or {}).get("products")
    assert "India BIS Compulsory Registration Scheme (CRS)" in _refs(india)


def test_the_original_notification_of_the_case_discussed_is_the_one_pointed_at(assistant: Assistant) -> None:
    """"The original US notification" after the FCC lab-accreditation case names the case's own
    notification, not a new question about US notifications in general."""
    *_, original = _chat(assistant, "Before the FCC changed its lab rules, how many labs in China were FCC-recognised?",
                         "who got approved to accredit labs in non-MRA countries like China?",
                         "what was the symbol of the original US notification, and when was it circulated?")
    assert _refs(original)[0] == "G/TBT/N/USA/867"


def test_a_lawsuit_under_the_rule_discussed_is_asked_of_that_rule(assistant: Assistant) -> None:
    """起诉 after Prop 65 is a private enforcer's lawsuit under it, not a WTO dispute to look for."""
    _, sue = _chat(assistant, "我们的箱包卖到加州，要不要加Prop 65警告？", "私人执法者起诉前要先做什么？罚款最多多少？")
    assert _refs(sue) == ["California Proposition 65"] and not sue.refused
    assert "60" in sue.text


def test_allergens_highlighted_finds_the_rule_that_says_emphasised(assistant: Assistant) -> None:
    answer = assistant.ask("how many allergens have to be highlighted on EU food labels?")
    assert "Regulation (EU) No 1169/2011" in _refs(answer)[:2]
    assert "14" in answer.text


def test_each_ask_gets_the_condition_that_changes_its_figure(assistant: Assistant) -> None:
    """Two asks in one message: the sampling rate is 2%, and 1% after two clean years; the second
    sentence qualifies the first and is part of its answer."""
    answer = assistant.ask("马来西亚榴莲的果园多久监测一次介壳虫？输华前抽检比例是多少？")
    assert _refs(answer)[0] == "海关总署公告〔2024〕72号"
    opening_part = answer.text.split("\n\n")[0]
    assert all(x in opening_part for x in ("15天", "2%", "1%"))


def test_customs_with_no_market_named_is_chinas_customs(assistant: Assistant) -> None:
    """An exporter's farm filing "with customs", no market named: China Customs' texts answer;
    Japan's residue list or the US FDA registration are not cited as if they did."""
    answer = assistant.ask("Our shrimp farm supplies an export processing plant. How many working days does "
                           "customs take to finish the farm's filing?")
    refs = _refs(answer)
    assert refs and ("出口水产品原料养殖场" in refs[0] or refs[0] == "海关总署公告〔2024〕27号")
    assert not {"Japan Food Sanitation Act positive list", "21 CFR Part 1 Subpart H"} & set(refs)


@pytest.mark.parametrize("question", ["泰国榴莲最近有没有新的检疫要求公告？", "Is there a new GACC quarantine notice for Thai durian?"])
def test_an_import_protocol_for_goods_the_vocabulary_cannot_read_is_not_about_durian(
        assistant: Assistant, question: str) -> None:
    """The Thai podocarpus (罗汉松) protocol is Thai and quarantine, but not durian: no durian
    protocol from Thailand is held, so it is not cited as the answer."""
    answer = assistant.ask(question)
    assert "海关总署公告〔2024〕25号" not in _refs(answer)[:1]


def test_an_aeo_recognition_concerns_whatever_goods_the_exporter_ships(assistant: Assistant) -> None:
    """China–Australia AEO mutual recognition is about the firm's status, not its goods: naming
    motorbike parts does not make the announcement a text on other goods."""
    answer = assistant.ask("We're an AEO-certified exporter of motorbike parts. Since when does Australia "
                           "recognise China's AEO status?")
    assert not answer.refused
    assert _refs(answer)[0] in ("海关总署公告〔2023〕177号",
                                "海关总署政策解读：海关总署关于实施中国-澳大利亚海关“经认证的经营者”（AEO）互认的公告")


def test_records_and_shelf_life_in_english_find_the_chinese_rule(assistant: Assistant) -> None:
    """保质期, 追溯, 记录, 保存期限 have their English words: a dairy exporter asking in English how long
    to keep traceability records finds China Customs' rule for dairy to Vietnam."""
    answer = assistant.ask("We export milk powder to Vietnam. How long must we keep production and traceability "
                           "records when the product has no clear shelf life?")
    assert _refs(answer)[0] == "海关总署公告〔2023〕117号"
    assert "2年" in answer.text


@pytest.mark.parametrize(("question", "box_says"), [
    ("我要填征集表，那个措施的WTO通报号我查不到，空着行吗？", "不清楚可以不填"),
    ("On China's form for reporting foreign technical trade measures, what should I write under Comments? "
     "Can anyone help me with that part?", "Experts at the TBT centre can help"),
])
def test_a_question_about_one_box_of_a_form_gets_what_the_form_says_of_that_box(
        assistant: Assistant, question: str, box_says: str) -> None:
    answer = assistant.ask(question)
    assert "技术性贸易措施征集表" in _refs(answer)
    assert box_says.lower() in opening(answer.text).lower()


@pytest.mark.parametrize("question", ["Can you help me with the EU toy rules?",
                                      "Could someone help me understand what the national barrier form's comments box needs?"])
def test_asking_for_help_with_a_subject_asks_about_the_subject(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.intent != "help" and answer.citations


def test_how_did_china_respond_after_a_notification_is_about_that_notification(assistant: Assistant) -> None:
    _, respond = _chat(assistant, "What was the EU's 2013 WTO notification on networked standby power about, "
                       "and which products did it hit?", "How did China respond?")
    assert "Case: EU network standby ecodesign (G/TBT/N/EU/86)" in _refs(respond)
    assert not any(r.startswith("DS") for r in _refs(respond))


def test_a_different_question_does_not_carry_the_goods_before_it(assistant: Assistant) -> None:
    _, new = _chat(assistant, "Can Chinese dairy products be exported to Vietnam now? What are the main conditions?",
                   "Different question: we're an advanced-certified AEO exporter shipping to Australia. How does "
                   "our Aussie importer get the AEO benefits?")
    assert _refs(new)[0] == "海关总署公告〔2023〕177号"
    assert "dairy" not in new.text.lower()


def test_a_follow_up_on_a_china_customs_export_text_keeps_the_export_market(assistant: Assistant) -> None:
    _, _, marked = _chat(assistant, "Can Chinese dairy products be exported to Vietnam now? What are the main conditions?",
                         "What certificate has to travel with each shipment?",
                         "What has to be marked on the outer packaging?")
    assert "海关总署公告〔2023〕117号" in _refs(marked)
    assert "生产企业备案号" in opening(marked.text)


def test_the_past_few_years_is_no_period_asked(assistant: Assistant) -> None:
    answer = assistant.ask("前几年美国FCC改设备授权规则，要求测试实验室都得认可，对应的WTO通报编号是多少？")
    assert not answer.refused
    assert "G/TBT/N/USA/867" in opening(answer.text)


def test_success_stories_of_a_reporting_channel_are_the_cases_it_links(assistant: Assistant) -> None:
    *_, examples = _chat(assistant, "是出口欧盟的灯具，对方说有个新的技术要求我们达不到，想向国家反映一下。",
                         "美国企业遇到这种事一般怎么反映？", "他们有成功的例子吗？")
    assert any(r.startswith("Case: US TACP") for r in _refs(examples))


@pytest.mark.parametrize("question", ["你觉得中国要不要也就类似的问题去WTO告欧盟？", "你觉得欧盟还会不会再推迟一次？"])
def test_a_view_or_a_forecast_asked_in_chinese_is_declined(assistant: Assistant, question: str) -> None:
    _, view = _chat(assistant, "欧盟零毁林法规什么时候开始适用？", question)
    assert view.refused and not view.citations


@pytest.mark.parametrize("question", [
    "Can you just name a German notified body that'll do our MDR class IIa certificate quickly and cheaply?",
    "What will the USD/CNY rate be by September, and should we hedge our receivables from the US buyer now?",
])
def test_a_vendor_picked_or_a_currency_forecast_is_declined(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.refused and not answer.citations


def test_a_markets_rule_for_non_food_goods_is_no_general_rule_for_food(assistant: Assistant) -> None:
    answer = assistant.ask("我们乳企想往越南出奶粉，海关对出口越南的乳品有啥要求？")
    assert "海关总署公告〔2023〕117号" in _refs(answer)
    assert "ASEAN Cosmetic Directive" not in _refs(answer)


def test_a_sentence_that_introduces_a_list_is_quoted_with_its_items(assistant: Assistant) -> None:
    answer = assistant.ask("What qualifications must the person responsible for regulatory compliance have under the MDR?")
    assert "Regulation (EU) 2017/745" in _refs(answer)
    assert "four years of professional experience" in opening(answer.text)


def test_paragraph_numbers_left_alone_are_not_quoted(assistant: Assistant) -> None:
    import re

    answer = assistant.ask("Under the MDR, how many days do manufacturers have to report a serious incident?")
    assert "Regulation (EU) 2017/745" in _refs(answer)
    assert not re.search(r"(?:(?<=\s)\d{1,2}\.\s+){2,}", answer.text)


def test_which_country_notified_after_the_latest_alert_is_asked_of_that_alert(assistant: Assistant) -> None:
    latest, who = _chat(assistant, "我们是安溪的茶叶出口商，中国茶叶最近在RASFF上被通报多吗？最新一条是哪天？",
                        "是哪个国家通报的？查出了啥？")
    first = _refs(latest)[0]
    assert _refs(who)[:1] == [first]
    row = assistant.searcher.index.record_rows[first]
    assert str(row.get("hazard") or "").split(" - ")[0] in who.text


def test_a_dispute_question_naming_who_sued_whom_is_answered_by_their_dispute(assistant: Assistant) -> None:
    answer = assistant.ask("韩国因为福岛核事故限制日本水产品进口，日本是不是在WTO告过韩国？案号和提起时间？")
    assert not answer.refused
    assert _refs(answer)[0] == "DS495"
    assert "2015-05-21" in answer.text


def test_an_addendum_the_corpus_does_not_hold_is_said_to_be_missing(assistant: Assistant) -> None:
    answer = assistant.ask("顺便帮我看看G/TBT/N/USA/867/Add.3讲了什么")
    assert answer.refused and not answer.citations
    assert "G/TBT/N/USA/867/Add.3" in answer.text
    assert "G/TBT/N/USA/867/Add.2" in answer.text  # the real ones, offered as such


def test_which_article_is_answered_with_the_provision_whose_heading_the_question_names(assistant: Assistant) -> None:
    answer = assistant.ask("我们是深圳做指夹血氧仪的，在欧盟没有公司。按MDR是不是一定要找个欧代？法规哪一条规定的？")
    assert "Article 11" in opening(answer.text)
    assert "(continued)" not in answer.text


def test_whether_to_sue_a_trading_partner_and_with_which_law_firm_is_not_answered(assistant: Assistant) -> None:
    answer = assistant.ask("Our container of ceramic mugs was rejected in Rotterdam. Should we sue the Dutch importer "
                           "or go to arbitration, and which law firm would you hire?")
    assert answer.refused and not answer.citations


def test_recent_rejections_of_a_product_lead_with_the_newest_on_record(assistant: Assistant) -> None:
    rows = assistant.searcher.index.record_rows
    green_tea = [r for r in rows.values() if r.get("type") == "alert" and r.get("origin_code") == "CHN"
                 and "green tea" in str(r.get("product") or "").lower()]
    newest = max(green_tea, key=lambda r: str((r.get("dates") or {}).get("event") or ""))
    answer = assistant.ask("最近欧盟有没有通报中国绿茶的？查出来啥了")
    assert newest["ref"] in _refs(answer)[:3]


def test_a_market_price_is_not_answered_from_the_rules_for_the_goods(assistant: Assistant) -> None:
    answer = assistant.ask("Roughly what price per kg are Chinese importers paying for East African raw honey at the moment?")
    assert answer.refused and not answer.citations
    # what a buyer pays per unit is a price too; what a test costs is a fee a rule may state
    paid = assistant.ask("How much do Japanese wholesalers pay per kilo for frozen Chinese edamame these days?")
    assert paid.refused and not paid.citations


def test_supporting_points_hold_what_the_opening_sentence_left_out(assistant: Assistant) -> None:
    """Two asks, one record: the opening quotes the annual-report deadline; the supporting points
    below it quote the same announcement's processing period, cited, and said once."""
    answer = assistant.ask("Our fish farm supplies a seafood export factory. How long does customs take to "
                           "process the farm's filing, and when is the annual report due?")
    assert _refs(answer)[:1] == ["海关总署公告〔2024〕27号"]
    assert "3月底前" in answer.text and "5个工作日" in answer.text
    assert answer.text.count("5个工作日内完成备案") == 1
    assert verify(answer.text, citation_evidence(assistant.searcher.index, answer.citations)).clean


def test_a_follow_up_naming_who_sued_whom_leaves_a_dispute_with_other_parties(assistant: Assistant) -> None:
    """After China v United States (DS379), "the one the US brought against China on …" is another
    dispute; what is asked next is about that one."""
    first, other, end = _chat(assistant, "中国2008年告美国反倾销反补贴的WTO案子是哪个？",
                              "美国告中国取向电工钢双反的那个呢？", "最后结果如何？")
    assert "DS379" in _refs(first)
    assert _refs(other)[:1] == ["DS414"] and _refs(end)[:1] == ["DS414"]
    # a step the respondent takes within the dispute is still about it
    _first, appeal = _chat(assistant, "中国2008年告美国反倾销反补贴的WTO案子是哪个？", "美国后来对中国提起上诉了吗？")
    assert _refs(appeal)[:1] == ["DS379"]


def test_also_one_on_other_goods_is_another_of_the_kind_under_discussion(assistant: Assistant) -> None:
    """"They also had one on fresh lemons?" while talking about Argentina's meat dispute: another
    dispute (DS448), not the import rules for lemons."""
    first, other = _chat(assistant, "Which WTO dispute did Argentina bring over US restrictions on its meat imports?",
                         "Didn't they also have one on fresh lemons? What happened there?")
    assert "DS447" in _refs(first)
    assert _refs(other)[:1] == ["DS448"]


def test_a_follow_up_naming_a_text_by_its_title_is_about_that_text(assistant: Assistant) -> None:
    """"中韩证书项数上限" names China Customs' text on the China-Korea certificate by its title: a
    question of its own, not one about the Philippines read with the conversation's words."""
    *_, korea = _chat(assistant, "出口英国的货现在还能办普惠制原产地证吗？", "RCEP对菲律宾哪天开始生效？",
                      "中韩证书项数上限取消了，那一份报关单能对应几份原产地证明？")
    assert _refs(korea)[:1] == ["海关总署政策解读：中韩自贸协定新版原产地证书将取消商品项数上限"]
