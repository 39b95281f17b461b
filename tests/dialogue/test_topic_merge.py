"""What a follow-up keeps from the conversation's topic (dialogue/followup.py)."""

from __future__ import annotations

from assistant.dialogue.followup import merge_topic

TOPIC = {"intent": "requirements", "products": ["密胺餐具"], "hs": [{"code": "392410", "confidence": 0.9}],
         "markets": ["EU"], "markets_expanded": ["EU"], "words": ["竹纤维"]}


def _turn(products: list[str], markets: list[str], intent: str = "alerts") -> dict[str, object]:
    return {"products": products, "hs": [{"code": "9999", "confidence": 0.5}], "markets": markets,
            "markets_expanded": markets, "intent": intent, "intent_confidence": 0.9, "refs": []}


def test_the_product_said_shorter_is_the_same_product() -> None:
    merged, did = merge_topic(_turn(["餐具"], ["CHN"]), TOPIC, "这类中国产的餐具最近有没有被RASFF通报过？")
    assert did and merged["products"] == ["密胺餐具"] and merged["hs"] == TOPIC["hs"]
    assert merged["intent"] == "alerts"  # the turn's own question


def test_a_more_specific_or_other_product_is_a_new_one() -> None:
    for product in ("儿童餐具套装", "玩具"):
        merged, _ = merge_topic(_turn([product], ["EU"]), TOPIC, f"{product}出口欧盟被通报过吗？")
        assert merged["products"] == [product]


def test_english_head_nouns_work_the_same() -> None:
    topic = {**TOPIC, "products": ["bluetooth earphones"]}
    merged, did = merge_topic(_turn(["earphones"], ["USA"], "requirements"), topic, "And the earphones in the US?")
    assert did and merged["products"] == ["bluetooth earphones"] and merged["markets"] == ["USA"]


def test_a_follow_up_pointing_back_stays_with_the_document() -> None:
    from assistant.dialogue.followup import document_followup, refers_back

    topic = {"doc": "DS495", "markets": ["KOR"]}
    plain = {"intent": "cases", "markets": [], "refs": [], "hs": [], "products": []}
    # nine words, too long to be "short", but "that case" points back at the dispute
    assert refers_back("What's the status of that case in your data?")
    assert document_followup("What's the status of that case in your data?", plain, topic) == "DS495"
    # it names Japan, the complainant: one of the document's own parties, not a new market
    japan = {**plain, "markets": ["JPN"]}
    assert document_followup("Did Japan invoke Article 5.7 of the SPS Agreement there?", japan, topic,
                             frozenset({"KOR", "JPN"})) == "DS495"
    assert document_followup("Did Japan invoke Article 5.7 of the SPS Agreement there?", japan, topic) is None
    # a long question on something else stays on its own
    assert document_followup("We also sell LED lamps, what testing do they need before export?", plain, topic) is None
    assert refers_back("这个案子现在什么状态？") and not refers_back("玩具出口欧盟需要什么")


def test_a_pointing_phrase_names_the_kind_of_document_it_means() -> None:
    from assistant.dialogue.followup import pointed_document, refers_back

    cited = [{"ref": "21 CFR Part 1 Subpart I", "type": "regulation"},
             {"ref": "海关总署公告〔2024〕105号", "type": "announcement"}]
    assert pointed_document("这个公告什么时候实施？", cited) == "海关总署公告〔2024〕105号"
    assert pointed_document("When does that regulation apply?", cited) == "21 CFR Part 1 Subpart I"
    assert pointed_document("那个案子结果如何？", cited) is None  # no case was cited
    assert pointed_document("什么时候实施？", cited) is None  # points at nothing
    assert refers_back("when did these filing rules take effect?")


def test_a_weak_tariff_guess_is_no_new_subject() -> None:
    """"how long do we keep our production and traceability records?" gets an HS guess of 0.335
    from its words; that names no goods, so the talk's product and document stay."""
    from assistant.dialogue.followup import document_followup, names_goods

    weak = {"intent": "rules", "markets": [], "refs": [], "products": [],
            "hs": [{"code": "851930", "confidence": 0.335}]}
    assert not names_goods(weak)
    assert names_goods({**weak, "hs": [{"code": "0402", "confidence": 0.95}]})
    merged, did = merge_topic(weak, TOPIC, "那保存期限呢？")
    assert did and merged["products"] == ["密胺餐具"]
    assert document_followup("and the deadline?", weak, {"doc": "海关总署公告〔2023〕117号"}) == "海关总署公告〔2023〕117号"


def test_a_turn_naming_nothing_of_its_own_but_china_the_actor_is_about_the_topic() -> None:
    turn = {**_turn([], ["CHN"], "cases"), "hs": []}
    merged, did = merge_topic({**turn, "topic_words": []}, TOPIC, "How did China respond?")
    assert did and merged["markets"] == ["EU"]
    # a word of its own ("sardines" the vocabulary does not know) makes it a question of its own
    _, did = merge_topic({**turn, "markets": [], "topic_words": ["沙丁鱼"]}, TOPIC, "另外还有一个沙丁鱼的案子，是谁告的？")
    assert not did
    # and without the searcher's reading of its words nothing is known to be missing: China stays
    merged, _ = merge_topic(turn, TOPIC, "How did China respond?")
    assert merged["markets"] == ["CHN"]
