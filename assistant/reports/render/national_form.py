"""China's national intake form 技术性贸易措施征集表 (DOMAIN.md §4) filled from a BarrierReport.

`form_rows` decides what goes in each box once; JSON, DOCX, PDF and HTML only lay the rows out.
Reporter text is placed as plain text everywhere (python-docx and fpdf2 do not interpret markup;
HTML is escaped), and fields the reporter marked business-confidential are flagged in place.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.reports.names import market_display, ntm_label
from assistant.reports.schema import LABELS, REPORTER_TYPE_LABELS, REQUEST_LABELS, BarrierReport
from assistant.reports.validate import format_date, format_money

FORM_TITLE = "技术性贸易措施征集表"
FORM_TITLE_EN = "China technical trade measure concern form"

CJK_FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


class MissingFontError(RuntimeError):
    """No CJK font on this machine: the PDF cannot show Chinese."""


@dataclass(frozen=True)
class FormRow:
    key: str
    label_zh: str
    label_en: str
    value: str
    confidential: bool = False


CONFIDENTIAL_MARK = "【商业保密】"


def _mark(report: BarrierReport, path: str, text: str) -> str:
    return f"{CONFIDENTIAL_MARK}{text}" if text and path in report.confidential_fields else text


@dataclass(frozen=True)
class FormExtras:
    """What staff add to a form: the 评论意见 text and, for a merged barrier, the other reporters."""

    comments: str | None = None
    co_reporters: tuple[str, ...] = ()


def form_rows(report: BarrierReport, extras: FormExtras | None = None) -> list[FormRow]:
    """The nine boxes of the national form, in order."""
    extras = extras or FormExtras()
    r, m, inc, imp = report.reporter, report.measure, report.incident, report.impact
    conf = set(report.confidential_fields)
    none = "不详"

    concern = [f"WTO 成员：{market_display(report.market, 'zh') or none}"]
    concern.append(f"措施：{m.title or '（名称不详，由报告人描述见背景情况）'}")
    if m.ntm_code:
        concern.append(f"措施类型：{ntm_label(m.ntm_code, 'zh')}")
    if m.notification_symbol:
        concern.append(f"通报号：{m.notification_symbol}")
    concern.append(f"负责机构：{_mark(report, 'measure.issuing_body', m.issuing_body or none)}")
    if report.product.description:
        hs = f"（HS {report.product.hs}）" if report.product.hs else ""
        concern.append(f"涉及产品：{_mark(report, 'product.description', report.product.description)}{hs}")

    background: list[str] = []
    if m.issuing_body:
        background.append(f"措施发布机关：{_mark(report, 'measure.issuing_body', m.issuing_body)}")
    if m.published:
        background.append(f"发布时间：{format_date(m.published, 'zh')}")
    if m.entry_into_force:
        background.append(f"生效时间：{format_date(m.entry_into_force, 'zh')}")
    if inc.description:
        background.append(f"企业遇到的情况：{_mark(report, 'incident.description', inc.description)}")
    if inc.first_met:
        background.append(f"首次遇到：{format_date(inc.first_met, 'zh')}")
    impact: list[str] = []
    if imp.lost_sales is not None:
        impact.append(_mark(report, "impact.lost_sales", f"损失约{format_money(imp.lost_sales, imp.currency, 'zh')}"))
    if imp.extra_cost is not None:
        impact.append(_mark(report, "impact.extra_cost", f"额外成本约{format_money(imp.extra_cost, imp.currency, 'zh')}"))
    if imp.shipments_affected is not None:
        impact.append(_mark(report, "impact.shipments_affected", f"受影响 {imp.shipments_affected} 批/柜"))
    if imp.smes_affected is not None:
        impact.append("涉及中小企业" if imp.smes_affected else "未涉及中小企业")
    if impact:
        background.append("对我国产品出口的影响：" + "；".join(impact))
    if report.actions_taken:
        background.append(f"已开展的交涉/行动：{_mark(report, 'actions_taken', report.actions_taken)}")
    related = [a.name for a in report.attachments if a.kind == "record"]
    if related:
        background.append("相关记录：" + "；".join(related))
    files = [a.name + (f"（{a.url}）" if a.url else "") for a in report.attachments if a.kind != "record"]
    if files:
        background.append("附件：" + "；".join(files))
    if extras.co_reporters:
        background.append(f"同一壁垒的其他报告单位（{len(extras.co_reporters)}）：" + "；".join(extras.co_reporters))

    requests = "、".join(REQUEST_LABELS[k][0] for k in report.request)
    conclusion = f"要求对方对措施有关部分进行：{requests}。" if requests else "（报告人未提出具体要求）"
    if conf:
        names = "、".join(LABELS.get(f, (f, f))[0] for f in report.confidential_fields)
        conclusion += f"\n报告人标注为商业保密的内容：{names}，请勿公开。"

    org = r.organisation or ""
    if org and r.type:
        org += f"（{REPORTER_TYPE_LABELS[r.type][0]}）"
    return [
        FormRow("name", "姓名", "Name", _mark(report, "reporter.name", r.name or ""), "reporter.name" in conf),
        FormRow("organisation", "工作单位", "Organisation", _mark(report, "reporter.organisation", org),
                "reporter.organisation" in conf),
        FormRow("phone", "电话", "Phone", _mark(report, "reporter.phone", r.phone or ""), "reporter.phone" in conf),
        FormRow("email", "邮箱", "E-mail", _mark(report, "reporter.email", r.email or ""), "reporter.email" in conf),
        FormRow("symbol", "通报号", "Notification symbol", m.notification_symbol or "未通报或不详"),
        FormRow("concern", "关注内容", "Concern (WTO member and measure)", "\n".join(concern)),
        FormRow("background", "背景情况", "Background", "\n".join(background)),
        FormRow("comments", "评论意见", "Comments (analysis against the TBT/SPS Agreement)",
                extras.comments
                or "（待评议专家分析：是否与国际标准或通行做法有实质性差异、是否有科学依据、是否存在贸易限制更小的替代措施）"),
        FormRow("conclusion", "结论与要求", "Conclusion and request", conclusion),
    ]


def _header(report: BarrierReport, number: str | None, date: dt.date | None) -> list[tuple[str, str]]:
    out = []
    if number:
        out.append(("报告编号", number))
    if date:
        out.append(("日期", date.isoformat()))
    return out


def to_json(report: BarrierReport, number: str | None = None, date: dt.date | None = None,
            extras: FormExtras | None = None) -> dict[str, Any]:
    return {
        "form": FORM_TITLE,
        "form_en": FORM_TITLE_EN,
        "number": number,
        "date": date.isoformat() if date else None,
        "fields": [asdict(row) for row in form_rows(report, extras)],
        "report": report.model_dump(mode="json"),
    }


def to_html(report: BarrierReport, number: str | None = None, date: dt.date | None = None) -> str:
    """An HTML table of the form; every user value is escaped."""
    e = html.escape
    rows = "".join(
        f"<tr><th>{e(row.label_zh)}</th><td>{e(row.value).replace(chr(10), '<br>')}</td></tr>"
        for row in form_rows(report)
    )
    head = "".join(f"<p>{e(k)}：{e(v)}</p>" for k, v in _header(report, number, date))
    return f'<section class="national-form"><h1>{FORM_TITLE}</h1>{head}<table>{rows}</table></section>'


def to_docx(report: BarrierReport, number: str | None = None, date: dt.date | None = None,
            extras: FormExtras | None = None) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Microsoft YaHei"
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "Microsoft YaHei")
    doc.core_properties.title = f"{FORM_TITLE} {number or ''}".strip()
    doc.add_heading(FORM_TITLE, level=1)
    for k, v in _header(report, number, date):
        doc.add_paragraph(f"{k}：{v}")
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for row in form_rows(report, extras):
        cells = table.add_row().cells
        cells[0].text = row.label_zh
        cells[1].text = _printable(row.value)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str) -> str:
    """Control characters cannot go into DOCX XML or a PDF text line; everything else is kept."""
    return _CONTROL.sub("", text)


def find_cjk_font(candidates: tuple[str, ...] = CJK_FONT_CANDIDATES) -> Path:
    for c in candidates:
        if Path(c).is_file():
            return Path(c)
    raise MissingFontError(
        "No Chinese (CJK) font found for the PDF form; install the Debian package fonts-wqy-microhei "
        "(`apt-get install fonts-wqy-microhei` or `make system-deps`). "
        "未找到中文字体，请安装 fonts-wqy-microhei。"
    )


def to_pdf(
    report: BarrierReport,
    number: str | None = None,
    date: dt.date | None = None,
    font_path: Path | None = None,
    extras: FormExtras | None = None,
) -> bytes:
    """The form as PDF with a CJK font embedded (subset), so the text is readable and extractable."""
    from fpdf import FPDF

    font = font_path or find_cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_title(f"{FORM_TITLE} {number or ''}".strip())
    pdf.set_creator("tbt-assistant")
    pdf.add_font("cjk", fname=str(font))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 12, FORM_TITLE, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", size=10)
    for k, v in _header(report, number, date):
        pdf.cell(0, 7, f"{k}：{v}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for row in form_rows(report, extras):
        pdf.set_font("cjk", size=11)
        pdf.set_fill_color(235, 235, 235)
        pdf.cell(width, 7, row.label_zh, border=1, fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=10)
        pdf.multi_cell(width, 6, _printable(row.value) or " ", border=1, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
