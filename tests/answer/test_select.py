"""Which hits an answer may cite: a question about a rule it names is answered by that rule."""

from __future__ import annotations

from pathlib import Path

from assistant.answer.evidence import select_hits
from assistant.ingest import curated, rasff
from assistant.retrieve.search import Hit
from tests.answer.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


def _rows() -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for path in sorted((ROOT / "corpus" / "curated").glob("*.yaml")):
        rows.update({r.ref: r.model_dump(mode="json") for r in curated.load(path).records})
    rows.update({r.ref: r.model_dump(mode="json") for r in rasff.load(FIXTURES / "rasff_goji_china.csv").records})
    return rows


def _hit(rows: dict[str, dict[str, object]], ref: str, score: float) -> Hit:
    row = rows[ref]
    return Hit(ref=ref, type=str(row["type"]), title=str(row.get("title") or ref), score=score, snippet="",
               markets=list(row.get("markets") or []), hs=list(row.get("hs") or []), cite=ref, chunk_id=ref)


def test_rejections_join_a_product_question_but_not_one_about_the_rule_named() -> None:
    rows = _rows()
    alert = next(ref for ref, r in rows.items() if r["type"] == "alert")
    hits = [_hit(rows, "Regulation (EC) No 396/2005", 0.9), _hit(rows, alert, 0.5)]
    a = {"markets": ["EU"], "markets_expanded": ["EU"], "products": ["goji berries"], "hs": []}
    product = select_hits(hits, a, rows, "requirements", "What do goji berries need for the EU?")
    assert alert in [h.ref for h in product]
    named = select_hits(hits, a, rows, "requirements",
                        "What does the EU pesticide MRL regulation 396/2005 require of goji berries?")
    assert [h.ref for h in named] == ["Regulation (EC) No 396/2005"]


def test_the_act_a_record_is_named_after_names_it() -> None:
    rows = _rows()
    radio = "Korea KC radio conformity assessment (Radio Waves Act)"
    safety = "Korea KC safety certification (Electrical Appliances and Consumer Products Safety Control Act)"
    hits = [_hit(rows, radio, 0.86), _hit(rows, safety, 0.51)]
    a = {"intent": "requirements", "markets": ["KOR"], "markets_expanded": ["KOR"], "products": ["smart plugs"],
         "hs": [{"code": "853669", "confidence": 0.9}]}
    q = "Selling Wi-Fi smart plugs into South Korea. Korean distributor says we need KC radio certification under the " \
        "Radio Waves Act. Who is the body?"
    # the smart plug's HS code is not among the radio rule's, but the user named the act
    assert radio in [h.ref for h in select_hits(hits, a, rows, "requirements", q)]


def test_a_product_name_matches_its_singular_and_plural() -> None:
    from assistant.answer.evidence import _mentions

    row = {"title": "Mooncake from China", "product": "Mooncake"}
    assert _mentions(row, ["mooncakes"]) and _mentions(row, ["mooncake"])
    assert not _mentions({"title": "Beef steak from Brazil"}, ["tea"])  # still whole words


def test_a_member_state_that_notified_narrows_the_alerts_cited_to_its_own() -> None:
    rows = _rows()
    alerts = [ref for ref, r in rows.items() if r["type"] == "alert"]
    hits = [_hit(rows, ref, 0.6) for ref in alerts]
    a = {"markets": ["NLD"], "markets_expanded": ["NLD", "EU"], "products": ["goji berries"], "hs": []}
    by_nl = select_hits(hits, a, rows, "alerts", "荷兰对中国枸杞的通报，主要是查出什么？")
    assert by_nl and all(rows[h.ref]["notifying_country"] == "Netherlands" for h in by_nl)
    # a customer's place is no notifier: every member state's alerts stay
    clients = select_hits(hits, a, rows, "alerts", "Our client in the Netherlands asks: were Chinese goji berries notified?")
    assert len({rows[h.ref]["notifying_country"] for h in clients}) > 1


def test_a_china_customs_text_on_trade_with_the_one_country_asked_about_may_answer() -> None:
    """"China-Korea FTA certificates of origin": the interpretation names Korea and no other country
    (fixture rows shaped like the shipped GACC records); a guide naming every FTA partner does not
    join a question about India."""
    rows: dict[str, dict[str, object]] = {
        "fixture 中韩": {"type": "announcement", "title": "中韩自贸协定新版原产地证书（fixture）", "markets": ["CHN"],
                        "mentions": ["KOR"]},
        "fixture 指引": {"type": "announcement", "title": "优惠贸易协定项下享惠进出口业务指引（fixture）",
                        "markets": ["CHN"], "mentions": ["KOR", "IND", "AUS", "CHL"]},
    }
    hits = [_hit(rows, ref, 0.6) for ref in rows]
    korea = {"markets": ["KOR"], "markets_expanded": ["KOR"], "products": [], "hs": []}
    assert [h.ref for h in select_hits(hits, korea, rows, "rules", "China-Korea FTA certificates of origin limit?")] \
        == ["fixture 中韩"]
    india = {**korea, "markets": ["IND"], "markets_expanded": ["IND"]}
    assert select_hits(hits, india, rows, "rules", "Electronics to India: do we need BIS registration?") == []


def test_a_requirements_question_naming_no_goods_and_no_market_keeps_only_the_close_matches() -> None:
    """"Which customs codes for cross-border B2B exports?" reads as requirements but names neither
    goods nor a market: a general question, so a record scoring far below the best is not cited."""
    rows: dict[str, dict[str, object]] = {
        "fixture best": {"type": "announcement", "title": "跨境电商B2B出口（fixture）", "markets": ["CHN"]},
        "fixture far": {"type": "regulation", "title": "EU deforestation (fixture)", "markets": ["EU"]},
    }
    hits = [_hit(rows, "fixture best", 0.47), _hit(rows, "fixture far", 0.30)]
    general = {"markets": [], "markets_expanded": [], "products": [], "hs": []}
    got = select_hits(hits, general, rows, "requirements", "which customs codes for cross-border B2B exports?", [])
    assert [h.ref for h in got] == ["fixture best"]
