"""Product words -> HS codes, as an exporter would type them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.retrieve.products import ProductVocabulary, hs_matches, lemma

from .conftest import CORPUS

SYNONYMS = Path(__file__).resolve().parents[2] / "assistant" / "retrieve" / "data" / "product_synonyms.yaml"


def top(vocab: ProductVocabulary, text: str) -> str | None:
    found = vocab.lookup(text)
    return found[0].code if found else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("蓝牙耳机出口德国要啥认证", "851830"),
        ("藍牙耳機出口美國", "851830"),
        ("bluetooth earbuds for the EU", "851830"),
        ("headphones", "851830"),
        ("充电宝能不能带上飞机", "850760"),
        ("power banks to Japan", "850760"),
        ("手机出口印度", "851713"),
        ("smartphones", "851713"),
        ("口罩出口美国", "630790"),
        ("face masks", "630790"),
        ("枸杞在欧盟被通报", "081340"),
        ("goji berries", "081340"),
        ("wolfberry", "081340"),
        ("我们的干辣椒在欧盟被通报了", "0904"),
        ("dried chilli from Hunan", "0904"),
        ("儿童餐具出口美国", "3924"),
        ("密胺碗", "3924"),
        ("melamine tableware", "3924"),
        ("玩具出口欧盟", "95"),
        ("toys", "95"),
        ("毛绒玩具", "950300"),
        ("化妆品标签要求", "3304"),
        ("cosmetics", "3304"),
        ("锂电池运输", "850760"),
        ("电动自行车出口荷兰", "871160"),
        ("e-bikes", "871160"),
        ("LED灯", "8539"),
        ("医疗器械注册", "90"),
        ("茶叶农残", "0902"),
        ("大蒜出口", "070320"),
        ("花生黄曲霉", "1202"),
        ("冷冻虾被扣", "030617"),
        ("蜂蜜", "0409"),
        ("食品接触材料", "3924"),
        ("家具", "94"),
        ("鞋子", "64"),
        ("服装", "61"),
        ("太阳能板", "854143"),
        ("photovoltaic modules", "854143"),
        ("无人机", "8806"),
        ("drones", "8806"),
        ("电动工具", "8467"),
        ("吸尘器", "8508"),
        ("空调", "8415"),
        ("冰箱", "8418"),
        ("电视", "8528"),
        ("路由器", "851762"),
        ("充电器", "850440"),
        ("数据线", "854442"),
        ("电子烟出口英国", "854340"),
        ("vapes", "854340"),
        ("轮胎", "4011"),
        ("陶瓷餐具", "69"),
        ("不锈钢餐具", "8215"),
        ("children's clothing", "6111"),
    ],
)
def test_product_words(vocab: ProductVocabulary, text: str, expected: str) -> None:
    code = top(vocab, text)
    assert code is not None, text
    assert hs_matches(code, expected), (text, code, expected)


def test_synonyms_come_first_with_high_confidence(vocab: ProductVocabulary) -> None:
    found = vocab.lookup("蓝牙耳机出口德国要啥认证")
    assert found[0].code == "851830"
    assert found[0].confidence >= 0.9
    assert found[0].matched == "蓝牙耳机"
    assert found[0].label_en.startswith("Headphones and earphones")
    assert found[0].label_zh


def test_ambiguous_words_keep_several_candidates(vocab: ProductVocabulary) -> None:
    found = vocab.lookup("LED灯出口欧盟")
    assert {c.code for c in found} >= {"853952", "9405"}
    assert found[0].confidence > found[1].confidence
    medical = vocab.lookup("医疗器械")
    assert {c.code for c in medical} == {"9018", "9019", "9020", "9021", "9022"}
    assert all(c.confidence < 0.95 for c in medical)


def test_sentences_without_products(vocab: ProductVocabulary) -> None:
    for text in [
        "今天天气怎么样",
        "怎么报告贸易壁垒",
        "what does G/TBT/N/USA/867/Add.1 say",
        "what's the weather like",
        "who won the football match",
        "the meeting led to nothing",
        "tell us about the new rules",
        "你好",
        "",
        "   ",
    ]:
        assert vocab.lookup(text) == [], text


def test_typos_in_english(vocab: ProductVocabulary) -> None:
    found = vocab.lookup("earphnes to canada")
    assert found and found[0].code == "851830"
    assert found[0].matched == "earphnes"
    assert found[0].confidence < 0.95  # a corrected word is a little less sure
    assert top(vocab, "smartphnes") == "851713"
    assert top(vocab, "bluetooth haedphones") == "851830"  # a swap
    # real words one edit away from a product are left alone
    assert vocab.lookup("certain") == []
    assert vocab.lookup("weather") == []
    # a name more common than the product word it is one edit from is that name (a port, not durian)
    assert vocab.lookup("containers clearing in Durban") == []
    assert top(vocab, "durain to china") == top(vocab, "durian to china")


def test_traditional_and_full_width(vocab: ProductVocabulary) -> None:
    assert top(vocab, "電動自行車") == "871160"
    assert top(vocab, "ＬＥＤ燈") == "853952"


def test_quoted_codes(vocab: ProductVocabulary) -> None:
    for text, code in [
        ("HS 851830 requirements", "851830"),
        ("HS code 8518.30", "851830"),
        ("税号85183000", "85183000"),
        ("8518.30 rules", "851830"),
        ("HS第95章", "95"),
        ("第85章的产品", "85"),
        ("HS chapter 61", "61"),
    ]:
        found = vocab.lookup(text)
        assert found and found[0].code == code, text
        assert found[0].confidence >= 0.9
    assert vocab.lookup("HS 770100") == []  # chapter 77 is reserved: no such code
    assert vocab.lookup("MDR第5章") == []  # a chapter of a regulation, not HS chapter 05
    assert vocab.lookup("updated 2008.10") == []  # a date, not heading 2008


def test_chinese_tariff_names_fill_gaps(vocab: ProductVocabulary) -> None:
    # not in the synonym table: found through China's tariff goods names
    found = vocab.lookup("我想出口一些钨丝")
    assert found and found[0].code.startswith("8101")
    assert found[0].confidence < 0.9
    # HS2012 basis: walkie-talkies were 851712, a code HS2022 no longer has -> heading 8517
    walkie = vocab.lookup("对讲机出口")
    assert walkie and walkie[0].code == "8517"


def test_a_tariff_word_that_only_qualifies_goods_names_none(vocab: ProductVocabulary) -> None:
    # 检查 occurs in tariff names only before the goods (检查车, 检查仪): inspection, not goods
    assert vocab.lookup("如果老是被查出问题，会被放进哪部法规的加强检查名单？") == []
    assert vocab.lookup("出口越南的RCEP原产地证能自助打印吗？") == []
    # a goods name given in brackets is a name of its own: 甲硫氨酸(蛋氨酸)
    methionine = vocab.lookup("中国产的蛋氨酸被通报过几次")
    assert methionine and methionine[0].code == "293040"


def test_an_english_tariff_word_that_only_qualifies_goods_names_none(vocab: ProductVocabulary) -> None:
    # "extra virgin olive oil" ends with oil: extra qualifies the goods, as in "extra cost"
    assert vocab.lookup("what extra cost did Shenzhen firms estimate?") == []
    assert all(c.matched != "smart" for c in vocab.lookup("UK rules on default passwords for smart TVs"))
    herring = vocab.lookup("herring exports")
    assert herring and herring[0].code.startswith(("0302", "0303", "0304", "1604"))


def test_english_hs_descriptions_fill_gaps(vocab: ProductVocabulary) -> None:
    found = vocab.lookup("herring exports")  # not in the synonym table
    assert found and all(c.code.startswith("030") or c.code.startswith("160") for c in found)
    assert found[0].confidence <= 0.55


def test_describe(vocab: ProductVocabulary) -> None:
    assert vocab.describe("851830", "en").startswith("Headphones and earphones")
    assert vocab.describe("851830", "zh") == "耳机及耳塞机"
    assert vocab.describe("85183000", "zh")  # an 8-digit Chinese tariff line
    assert vocab.describe("090421", "zh") == "未磨干辣椒"  # the one tariff line under it
    assert vocab.describe("95", "zh").startswith("玩具")
    assert vocab.describe("95", "en").startswith("Toys, games")
    assert vocab.describe("8518", "zh").startswith("电机")  # falls back to the chapter
    assert vocab.describe("770100", "en") == ""


def test_hs_matches() -> None:
    assert hs_matches("851830", "8518")
    assert hs_matches("8518", "851830")
    assert hs_matches("85", "851830")
    assert hs_matches("8518.30", "HS 851830")
    assert not hs_matches("851830", "851821")
    assert not hs_matches("8518", "8517")
    assert not hs_matches("", "85")
    assert not hs_matches("8", "85")


def test_lemma() -> None:
    assert lemma("batteries") == lemma("battery") == "battery"
    assert lemma("boxes") == "box"
    assert lemma("toys") == "toy"
    assert lemma("knives") == "knife"
    assert lemma("glasses") == "glass"
    assert lemma("children's") == "children"


def test_synonym_table_is_valid(vocab: ProductVocabulary) -> None:
    data = yaml.safe_load(SYNONYMS.read_text(encoding="utf-8"))
    zh_words: set[str] = set()
    en_words: set[str] = set()
    for entry in data["products"]:
        assert entry["hs"], entry
        for code in entry["hs"] + entry.get("also", []):
            assert isinstance(code, str), f"quote HS codes in YAML: {code!r}"
            assert code in vocab.hs_en, f"{code} is not an HS 2022 code"
        zh_words.update(entry.get("zh", []))
        en_words.update(entry.get("en", []))
    assert len(zh_words) >= 300
    assert len(en_words) >= 300


def test_loads_cleanly_and_is_cached(tmp_path: Path) -> None:
    # how fast it loads is measured by `tbt bench`, not asserted here
    shutil.copytree(CORPUS / "vocab", tmp_path / "vocab")
    vocab = ProductVocabulary.load(tmp_path)
    assert not vocab.issues
    assert ProductVocabulary.load(tmp_path) is vocab
    assert ProductVocabulary.load(tmp_path / "vocab") is vocab


def test_missing_files_degrade_to_the_synonym_table(tmp_path: Path) -> None:
    vocab = ProductVocabulary.load(tmp_path / "nowhere")
    assert len(vocab.issues) == 2
    assert "hs2022.csv" in vocab.issues[0]
    found = vocab.lookup("蓝牙耳机")
    assert found and found[0].code == "851830"
    assert found[0].label_en == ""
    assert vocab.lookup("钨丝") == []


_DICT = Path("/usr/share/dict/american-english")


@pytest.mark.skipif(not _DICT.exists(), reason="needs the Debian wamerican word list to regenerate")
def test_not_typos_list_is_current(vocab: ProductVocabulary) -> None:
    """en_not_typos.txt must list every real word one edit from a one-word product synonym."""
    from assistant.retrieve.products import _deletes, _osa_distance_le1

    single = {k[0] for k in vocab.syn_en if len(k) == 1 and len(k[0]) >= 4 and k[0].isalpha()}
    index: dict[str, set[str]] = {}
    for w in single:
        for d in _deletes(w) | {w}:
            index.setdefault(d, set()).add(w)
    missing = []
    for line in _DICT.read_text(encoding="utf-8", errors="ignore").splitlines():
        w = line.strip()
        if len(w) < 5 or not (w.isalpha() and w.islower()) or w in single or lemma(w) in single:
            continue
        for probe in (w, lemma(w)):
            cands = set().union(*(index.get(k, set()) for k in _deletes(probe) | {probe}))
            if any(_osa_distance_le1(probe, c) for c in cands):
                if w not in vocab.not_typos:
                    missing.append(w)
                break
    assert not missing, f"regenerate en_not_typos.txt; missing {missing[:20]}"


def test_tariff_words_strewn_over_a_sentence_name_no_product(vocab: ProductVocabulary) -> None:
    """A weak guess from words far apart is an HS hint, not "the product asked about"."""
    from assistant.retrieve.analyze import analyze

    a = analyze("our farm grows shrimp that we sell to a seafood processor who exports. "
                "does the farm need to file with China customs?", vocab)
    assert "shrimp" in a.products
    assert all(len(p.split()) <= 3 for p in a.products), a.products


def test_a_word_said_only_of_what_goods_are_for_names_no_goods(vocab: ProductVocabulary) -> None:
    """'persons' is in the tariff only as whom carriages are for: 'our person responsible for
    regulatory compliance' names no product, 'disabled persons carriages' still does."""
    from assistant.retrieve.analyze import analyze

    assert analyze("what qualifications must our person responsible for regulatory compliance have?", vocab).products == []
    assert any("carriage" in p for p in analyze("we sell disabled persons carriages to Germany", vocab).products)


@pytest.mark.parametrize("text", [
    "When the FCC changes its Part 15 rules, who notifies the drafts?",  # a verb before its object
    "Moving to the US: how often do we renew our FDA registration?",  # a participle of motion
    "export containers moving by rail inside China then leaving by truck",  # a means of transport
    "Do ASEAN countries require pre-market approval, or something lighter?",  # prefix; adjective
    "we sell shrimp to a seafood processor who exports",  # a firm, not goods
    "how many labs in China were FCC-recognised?",  # a compound adjective
    "until what date were the existing labs still recognised, and which addendum said so?",  # a predicate
])
def test_words_used_as_verbs_adjectives_or_firms_name_no_goods(vocab: ProductVocabulary, text: str) -> None:
    matched = {c.matched for c in vocab.lookup(text)}
    assert not matched & {"changes", "Moving", "moving", "truck", "pre", "lighter", "processor", "recognised"}, matched


@pytest.mark.parametrize(("text", "code"), [("wooden toys to the EU", "9503"), ("our lighters are exported", "9613"),
                                            ("T-shirts to the EU", "6109"), ("frozen durian pulp", "0810")])
def test_goods_nouns_keep_their_codes(vocab: ProductVocabulary, text: str, code: str) -> None:
    assert (top(vocab, text) or "").startswith(code)


def test_grammar_words_the_tariff_happens_to_use_name_no_goods() -> None:
    """"Did the EU put out any alert…": "out" is in the tariff ("worn out articles") but is grammar."""
    from assistant.retrieve.products import ProductVocabulary

    vocab = ProductVocabulary.load()
    assert vocab.lookup("Did the EU put out any alert on tea from China?", k=3)[0].code.startswith("09")
    assert not any(c.matched == "out" for c in vocab.lookup("Did the EU put out any alert?", k=3))


def test_a_word_only_in_a_tariff_qualifier_names_no_goods() -> None:
    """"whether or not containing small quantities of other oxides" says what magnesia may contain:
    "small quantities" in a question ("is there an exemption for small quantities?") is no product."""
    vocab = ProductVocabulary.load()
    for q in ("is there an exemption for small quantities?", "what quantity triggers it?"):
        assert not vocab.lookup(q, k=3), q
    assert (top(vocab, "washed wool to Italy") or "").startswith("5101")
