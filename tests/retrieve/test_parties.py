"""Who a question says brought a dispute, and the dispute search prefers for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest import disputes
from assistant.retrieve.analyze import analyze
from assistant.retrieve.parties import complainants, respondents
from assistant.retrieve.relevance import QueryContext

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("question", "said"), [
    ("Didn't China once take the EU to the WTO over anti-dumping duties on fasteners?", {"CHN"}),
    ("中国是不是在WTO起诉过美国限制中国禽肉进口？", {"CHN"}),
    ("欧盟对中国钢铁紧固件征反倾销税，中国后来去WTO起诉了，那个案子编号多少？", {"CHN"}),
    ("韩国被日本告到WTO了吗", {"JPN"}),
    ("Was Korea challenged by Japan over its seafood ban?", {"JPN"}),
    ("Has the US been sued by China over poultry?", {"CHN"}),
    ("中国对美国禽肉提起了争端吗", {"CHN"}),
    ("Which dispute did Indonesia bring against the EU over palm oil?", {"IDN"}),
    # punctuation folded to half-width: the complaint verb of the next clause is the question's own
    ("巴西告印尼限制鸡肉进口的那个WTO争端,案号和提出磋商的日期分别是?", {"BRA"}),
    ("US tariffs on Chinese steel", set()),  # no complaint verb: nobody is said to have complained
    ("What did the panel say in the China v EU fasteners dispute?", set()),
])
def test_the_complainant_is_read_from_the_verb(question: str, said: set[str]) -> None:
    assert complainants(question) == said


def _market_fit(question: str, *refs: str) -> dict[str, float]:
    """How well each shipped dispute's parties fit the question (the structure's market feature)."""
    ctx = QueryContext.build(analyze(question), question)
    rows = [r.model_dump(mode="json") for r in disputes.load(ROOT / "corpus" / "wto_disputes" / "wto_disputes.csv").records
            if r.ref in refs]
    return {row["ref"]: ctx.structure(row, set(row.get("markets") or []), [])["market"] for row in rows}


def test_the_dispute_brought_the_way_the_question_says_is_preferred() -> None:
    fit = _market_fit("Didn't China once take the EU to the WTO over anti-dumping duties on fasteners?", "DS397", "DS407")
    assert fit["DS397"] > 0 > fit["DS407"]  # China v EU, not the EU's case against China


@pytest.mark.parametrize(("question", "sued"), [
    ("欧盟禁止进口用激素喂的牛肉那个WTO案子，是谁告的欧盟？", {"EU"}),
    ("Who sued the EU over hormone-treated beef?", {"EU"}),
    ("Was the EU challenged by Canada over seal products?", {"EU"}),
    ("日本在WTO告过韩国吗", {"KOR"}),
    ("中国对美国提起过磋商吗", {"USA"}),
    ("美国对中国的关税", set()),  # no complaint: nobody is said to be sued
])
def test_the_member_complained_against_is_read_from_the_verb(question: str, sued: set[str]) -> None:
    assert respondents(question) == sued


def test_who_sued_a_member_is_not_answered_by_that_members_own_complaints() -> None:
    # US v EC (hormones); EC v Canada (suspension, hormones)
    fit = _market_fit("是谁在WTO告欧盟禁止激素牛肉的？", "DS26", "DS321")
    assert fit["DS26"] > 0 > fit["DS321"]


@pytest.mark.parametrize(("question", "answers"), [
    ("Has Japan filed a WTO dispute against China over this seafood ban?", False),  # Japan v Korea is another case
    ("What about the case Japan brought against Korea over its seafood import bans?", True),
])
def test_a_dispute_against_another_member_than_the_one_named_is_another_case(question: str, answers: bool) -> None:
    row = next(r.model_dump(mode="json") for r in disputes.load(ROOT / "corpus" / "wto_disputes" / "wto_disputes.csv").records
               if r.ref == "DS495")  # Japan v Korea, radionuclides
    ctx = QueryContext.build(analyze(question), question)
    assert (ctx.structure(row, set(row.get("markets") or []), [])["market"] > 0) is answers


@pytest.mark.parametrize(("question", "into"), [
    ("Our Chinese buyer of fishmeal from Peru used to need a quarantine permit. Is that still needed?", True),
    ("我们的中国进口商说秘鲁鱼粉不用再办检疫审批了", True),
    ("I export Hass avocados from Kenya. What are China's phytosanitary requirements for them?", True),
    ("我们是浙江的工厂，出口欧盟的玩具要做什么检测？", False),
    # asked in Chinese whether foreign goods may be imported, no destination said: into China
    ("日本的扇贝现在还能进口吗？", True),
    ("听说以前欧盟写着中国胶原蛋白不能进口，后来怎么解决的？", False),  # Chinese goods into the EU
])
def test_goods_sold_to_a_buyer_in_china_go_into_china(question: str, into: bool) -> None:
    from assistant.retrieve.relevance import into_china

    assert into_china(question) is into
