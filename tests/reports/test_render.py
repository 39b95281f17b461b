"""The national form as JSON, DOCX and PDF (opened the way a user would), HTML escaping, and the
TACP / EU SEP mappings."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pypdf
import pytest
from docx import Document

from assistant.reports.render import national_form, sep, tacp
from assistant.reports.store import ReportStore
from tests.reports.helpers import complete_report

FORM_LABELS = ["姓名", "工作单位", "电话", "邮箱", "通报号", "关注内容", "背景情况", "评论意见", "结论与要求"]
EVIL = "<script>alert('x')</script> & Robert'); DROP TABLE reports;--"


def _docx_cells(data: bytes) -> list[list[str]]:
    doc = Document(io.BytesIO(data))
    return [[c.text for c in row.cells] for row in doc.tables[0].rows]


def test_docx_has_every_box_of_the_national_form() -> None:
    report = complete_report(measure={"ntm_code": "A22", "notification_symbol": "G/TBT/N/EU/86"},
                             confidential_fields=["impact.lost_sales"])
    data = national_form.to_docx(report, "BR-2026-000123", dt.date(2026, 1, 5))
    doc = Document(io.BytesIO(data))
    assert "技术性贸易措施征集表" in doc.paragraphs[0].text
    assert any("BR-2026-000123" in p.text for p in doc.paragraphs)
    rows = {label: value for label, value in _docx_cells(data)}
    assert list(rows) == FORM_LABELS
    assert rows["姓名"] == "张伟"
    assert rows["工作单位"].startswith("宁波示例餐具有限公司")
    assert rows["电话"] == "13812345678"
    assert rows["邮箱"] == "zhang.wei@example.com"
    assert rows["通报号"] == "G/TBT/N/EU/86"
    assert "德国（欧盟成员国）" in rows["关注内容"] and "A22" in rows["关注内容"]
    assert "儿童餐具（HS 392410）" in rows["关注内容"]
    assert "三聚氰胺迁移超标" in rows["背景情况"] and "2024年3月5日" in rows["背景情况"]
    assert "【商业保密】损失约8万美元" in rows["背景情况"] and "受影响 2 批/柜" in rows["背景情况"]
    assert rows["结论与要求"].startswith("要求对方对措施有关部分进行：解释、给予过渡期")
    assert "损失金额" in rows["结论与要求"]  # the confidential mark is spelled out for staff


def test_pdf_embeds_a_cjk_font_and_the_text_is_readable() -> None:
    try:
        national_form.find_cjk_font()
    except national_form.MissingFontError as err:
        pytest.skip(str(err))
    data = national_form.to_pdf(complete_report(), "BR-2026-000123", dt.date(2026, 1, 5))
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    for label in FORM_LABELS:
        assert label in text
    for value in ("技术性贸易措施征集表", "BR-2026-000123", "张伟", "13812345678", "德国", "儿童餐具",
                  "三聚氰胺迁移超标", "给予过渡期"):
        assert value in text
    fonts = [f for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert any("/FontFile2" in f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
               for f in fonts)


def test_pdf_without_a_cjk_font_says_what_to_install() -> None:
    with pytest.raises(national_form.MissingFontError, match="fonts-wqy-microhei"):
        national_form.find_cjk_font(("/nonexistent/font.ttc",))


def test_user_text_is_kept_verbatim_in_docx_and_pdf_and_escaped_in_html() -> None:
    report = complete_report(reporter={"name": EVIL, "organisation": "A&B <Co>", "phone": "13812345678"},
                             incident={"description": EVIL})
    rows = dict(_docx_cells(national_form.to_docx(report)))
    assert rows["姓名"] == EVIL
    html = national_form.to_html(report, "BR-2026-000001")
    assert "<script>" not in html and "&lt;script&gt;" in html and "A&amp;B &lt;Co&gt;" in html
    if any(Path(p).exists() for p in national_form.CJK_FONT_CANDIDATES):
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(national_form.to_pdf(report))).pages)
        assert "<script>alert('x')</script>" in text.replace("\n", "")


def test_json_form_lists_the_boxes_and_the_report() -> None:
    data = national_form.to_json(complete_report(), "BR-2026-000007", dt.date(2026, 2, 1))
    assert [f["label_zh"] for f in data["fields"]] == FORM_LABELS
    assert data["number"] == "BR-2026-000007" and data["report"]["market"] == "DEU"
    json.dumps(data, ensure_ascii=False)


def test_tacp_mapping() -> None:
    report = complete_report(measure={"ntm_code": "B83", "notification_symbol": "G/TBT/N/EU/86"},
                             confidential_fields=["impact.lost_sales", "reporter.phone"])
    data = tacp.to_tacp(report, "BR-2026-000001")
    assert (data["first_name"], data["last_name"]) == ("伟", "张")
    assert data["company_name"].startswith("宁波示例餐具有限公司")
    assert data["what_does_this_problem_involve"] == "Exports"
    assert data["foreign_government_involved"] == "Germany"
    assert data["product_or_service_impacted"] == "儿童餐具 (HS 392410)"
    assert data["problem_type"] == "Burdensome testing or certification"
    assert "G/TBT/N/EU/86" in data["description_of_the_trade_barrier"]
    assert "Lost sales: USD 80,000" in data["description_of_the_trade_barrier"]
    assert data["business_confidential_fields"] == ["description_of_the_trade_barrier", "phone"]


def test_sep_mapping() -> None:
    data = sep.to_sep(complete_report(), "BR-2026-000001")
    assert data["2_complaint"]["country_imposing"] == "Germany"
    assert data["2_complaint"]["member_states_affected"] == ["DEU"]
    assert data["4_economic_impact"]["hs_codes"] == ["392410"] and data["4_economic_impact"]["hs4"] == "3924"
    assert data["4_economic_impact"]["lost_sales"] == 80000
    assert data["1_identity_and_contact"]["complainant_type"] == "Company"
    assert data["3_description"]["agreements_concerned"] == ["WTO SPS Agreement"]


def test_store_exports_every_format(sqlite_store: ReportStore) -> None:
    number = sqlite_store.submit(complete_report()).number
    for fmt in ("docx", "json", "tacp", "sep"):
        out = sqlite_store.export(number, fmt)
        assert out.filename.startswith(number) and out.content
    assert json.loads(sqlite_store.export(number, "json").content)["status"] == "submitted"
    with pytest.raises(ValueError, match="docx"):
        sqlite_store.export(number, "xls")


def test_long_text_control_characters_and_emoji_do_not_break_the_forms() -> None:
    report = complete_report(incident={"description": "😀 bell\x07 tab\t" + "很长的描述。" * 600})
    cells = dict(_docx_cells(national_form.to_docx(report)))
    assert "\x07" not in cells["背景情况"] and "很长的描述。很长的描述。" in cells["背景情况"]
    if any(Path(p).exists() for p in national_form.CJK_FONT_CANDIDATES):
        reader = pypdf.PdfReader(io.BytesIO(national_form.to_pdf(report)))
        assert len(reader.pages) >= 2  # the long description flows over pages
        assert "结论与要求" in reader.pages[-1].extract_text()
