"""The WTO TBT and SPS Agreement articles a comment or STC usually relies on, summarised in our
own words (source: the WTO legal texts, https://www.wto.org/english/docs_e/legal_e/legal_e.htm).
They are handed to the citation verifier as a source like any record, so a draft may only cite
the article numbers listed here."""

from __future__ import annotations

from dataclasses import dataclass

SOURCE_URL = "https://www.wto.org/english/docs_e/legal_e/legal_e.htm"


@dataclass(frozen=True)
class Article:
    number: str
    zh: str
    en: str


TBT: tuple[Article, ...] = (
    Article("2.1", "技术法规给予进口产品的待遇不得低于本国同类产品及其他国家同类产品", "technical regulations must treat imported products no less favourably than like domestic products and like products from any other country"),
    Article("2.2", "技术法规对贸易的限制不得超过实现合法目标所必需的程度，并应考虑目标无法实现可能带来的风险", "technical regulations must not be more trade-restrictive than necessary to fulfil a legitimate objective, taking account of the risks non-fulfilment would create"),
    Article("2.4", "存在相关国际标准时，应以国际标准作为技术法规的基础，除非其无效或不适当", "where relevant international standards exist, members must use them as a basis for technical regulations unless they would be ineffective or inappropriate"),
    Article("2.9", "没有相关国际标准且可能对贸易有重大影响的草案应向WTO通报，并给予合理的评议时间、考虑评议意见", "drafts not based on international standards that may significantly affect trade must be notified, with reasonable time for comments that are taken into account"),
    Article("2.12", "除紧急情况外，技术法规公布与生效之间应留出合理间隔，使出口成员的生产者能够调整产品或生产方法", "except in urgent circumstances, members must allow a reasonable interval between publication and entry into force so that producers in exporting members can adapt"),
    Article("5.1.2", "合格评定程序不得比必要的更严格，也不得对国际贸易造成不必要的障碍", "conformity assessment procedures must not be stricter than necessary or create unnecessary obstacles to international trade"),
    Article("12.3", "成员应考虑发展中国家成员特殊的发展、财政和贸易需要", "members must take account of the special development, financial and trade needs of developing country members"),
)

SPS: tuple[Article, ...] = (
    Article("2.2", "卫生与植物卫生措施应以科学原理为依据，无充分科学证据不得维持", "SPS measures must be based on scientific principles and not maintained without sufficient scientific evidence"),
    Article("3.1", "卫生与植物卫生措施应以国际标准、准则或建议为依据", "SPS measures must be based on international standards, guidelines or recommendations where they exist"),
    Article("5.6", "措施对贸易的限制不得超过达到适当保护水平所要求的程度", "measures must not be more trade-restrictive than required to achieve the appropriate level of protection"),
    Article("7", "成员应按附件B通报措施的变化并提供信息，公布与生效之间留出合理间隔", "members must notify changes and provide information under Annex B, allowing a reasonable interval between publication and entry into force"),
    Article("10.1", "成员应考虑发展中国家成员的特殊需要", "members must take account of the special needs of developing country members"),
)


def agreement_for(symbol: str | None, ntm_code: str | None) -> str:
    """SPS for SPS notifications and NTM chapter A (SPS measures); TBT otherwise."""
    if symbol and symbol.upper().startswith("G/SPS/"):
        return "SPS"
    if ntm_code and ntm_code.upper().startswith("A"):
        return "SPS"
    return "TBT"


def articles(agreement: str) -> tuple[Article, ...]:
    return SPS if agreement == "SPS" else TBT


def source_text(agreement: str) -> str:
    name_zh = "《实施卫生与植物卫生措施协定》(SPS协定)" if agreement == "SPS" else "《技术性贸易壁垒协定》(TBT协定)"
    name_en = f"WTO {agreement} Agreement"
    lines = [f"{name_zh} / {name_en}"]
    for a in articles(agreement):
        lines.append(f"第{a.number}条 / Article {a.number}: {a.zh}。 {a.en}.")
    return "\n".join(lines)
