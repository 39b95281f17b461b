"""Labels of the web pages in Chinese and English.

Only the chrome of the page is translated here; what the assistant says comes from the core in
the language of the question.
"""

from __future__ import annotations

from collections.abc import Mapping

from assistant.answer.i18n import type_label

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "tbt_lang"

INDEX_NOT_READY = {
    "en": "The index is not built yet: run `tbt ingest`.",
    "zh": "索引尚未建立：请先运行 `tbt ingest`。",
}

EXAMPLES: dict[str, list[str]] = {
    "zh": [
        "出口蓝牙耳机到欧盟需要什么认证?",
        "我们的枸杞在欧盟被通报了怎么办?",
        "美国FCC新规对我们有什么影响?",
        "怎么报告贸易壁垒?",
    ],
    "en": [
        "What does G/TBT/N/USA/867/Add.1 change?",
        "Which certification do Bluetooth earphones need for the EU?",
        "Our goji berries were flagged in the EU. What now?",
        "How do I report a trade barrier?",
    ],
}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "TBT/SPS Assistant",
        "tagline": "Foreign technical regulations, WTO notifications and border rejections, with sources.",
        "placeholder": "Ask about a product, market or notification…",
        "send": "Send",
        "sending": "Thinking…",
        "new_chat": "New chat",
        "you": "You",
        "assistant": "Assistant",
        "sources": "Sources",
        "record": "Record details",
        "official": "Official text",
        "page": "p.",
        "try": "Try one of these:",
        "index_ready": "Index ready",
        "index_missing": "Index not built",
        "records": "records",
        "refused": "Not enough evidence",
        "followups": "You could also ask",
        "choices": "Choose",
        "error_empty": "Please type a question.",
        "error_too_long": "The question is too long (at most 10,000 characters).",
        "error_failed": "Something went wrong while answering. Please try again.",
        "error_session": "The conversation could not be continued; a new one was started.",
        "report_number": "Report number",
        "back": "Back to the chat",
        "not_found": "No record with this reference.",
        "fields": "Fields",
        "api_docs": "API",
        "lang_switch": "中文",
        "disclaimer": "Answers come from the indexed records only. Check the official text before you act.",
        "keyboard_hint": "Enter to send · Shift+Enter for a new line",
        "source_n": "source",
        "added_locally": "added locally from",
        "error_generic": "Error",
        "how": "How it works",
        "how_analysis": "1 · Reading the question",
        "how_retrievers": "2 · Candidates from each retriever",
        "how_decision": "3 · Relevance decision",
        "how_passages": "4 · Passages the answer used",
        "how_direct": "Answering sentence",
        "how_verifier": "5 · Citation check",
        "how_timings": "Time per step",
        "how_none": "No trace for this answer.",
        "how_fallback": "Reconstructed from the query analysis and citations (no step trace yet).",
        "k_language": "Language", "k_markets": "Markets", "k_hs": "HS codes", "k_intent": "Intent",
        "k_form": "Question form", "k_refs": "References", "k_product": "Product",
        "k_score": "Score", "k_threshold": "Threshold", "k_answered": "Answered",
        "k_reasons": "Reasons", "k_checked": "Checked", "k_removed": "Removed", "k_total": "Total",
        "k_rank": "#", "k_ref": "Record", "yes": "yes", "no": "no", "ms": "ms", "none": "none",
        "demo": "Workshop",
        "demo_badge": "DEMO",
        "demo_title": "Workshop mode",
        "demo_intro": "Pick a scenario, then click its steps in order. Each answer shows how it was reached.",
        "demo_scenarios": "Scenarios",
        "demo_start": "Start",
        "demo_step": "Step",
        "demo_point": "Point out",
        "demo_reset": "Reset demo",
        "demo_reset_confirm": "Return the demo to its start state? Demo sessions and demo reports are deleted; real data is not touched.",
        "demo_reset_done": "The demo is back at its start state.",
        "demo_data_note": "Demo data: sessions and reports here are labelled demo and kept apart from real data.",
        "demo_not_active": "Workshop mode is not running. Start it with `tbt demo` or `make demo`; it uses a separate demo data folder and never touches real data.",
        "demo_replays": "Recorded chats",
        "demo_replay": "Replay",
        "demo_recorded": "Demo recording",
        "demo_recorded_on": "recorded on",
        "demo_play": "Play",
        "demo_next": "Next message",
        "demo_show_all": "Show all",
        "demo_replay_note": "A real conversation run through the assistant by the recording script and saved as it was answered; replayed here, not live.",
        "demo_form": "National form (技术性贸易措施征集表)",
        "demo_form_of": "Filled national form of report",
        "demo_staff_view": "Staff view",
        "demo_staff_missing": "The staff console is not installed in this build; this is the national form export staff receive.",
        "demo_staff_console": "This is the report as staff receive it. The staff console shows it with its queue, status and history (a staff login is needed: tbt staff add).",
        "demo_open_console": "Open in the staff console",
        "demo_no_report": "No report has been filed in this demo yet: run the “file a barrier report” scenario first.",
        "demo_download": "Download",
        "demo_open_form": "Show the filled national form",
        "demo_open_staff": "Open the staff view",
        "demo_back": "Back to the workshop",
        "demo_field": "Field",
        "demo_value": "Value",
        "demo_status": "Status",
        "demo_filed": "Filed",
        "demo_open": "Open",
        "demo_channel_telegram": "Telegram",
        "demo_channel_wechat": "WeChat",
        "demo_phone_user": "Exporter",
        "not_found_page": "Page not found.",
        "demo_export_failed": "This export could not be made here (for the PDF a CJK font is needed: fonts-wqy-microhei).",
        "trend_title": "RASFF alerts per year for",
        "trend_origin": "origin",
        "trend_total": "Alerts in the index:",
        "trend_hazards": "commonest hazards",
    },
    "zh": {
        "title": "技术性贸易措施助手",
        "tagline": "国外技术法规、WTO 通报与出口受阻信息，一问即答，条条有出处。",
        "placeholder": "输入产品、目标市场或通报号…",
        "send": "发送",
        "sending": "正在检索…",
        "new_chat": "新对话",
        "you": "我",
        "assistant": "助手",
        "sources": "来源",
        "record": "记录详情",
        "official": "官方原文",
        "page": "第",
        "try": "试试这些问题：",
        "index_ready": "索引就绪",
        "index_missing": "索引未建立",
        "records": "条记录",
        "refused": "证据不足",
        "followups": "您还可以问",
        "choices": "请选择",
        "error_empty": "请输入问题。",
        "error_too_long": "问题过长（最多 10000 个字符）。",
        "error_failed": "回答时出现错误，请重试。",
        "error_session": "无法继续原对话，已开始新对话。",
        "report_number": "报告编号",
        "back": "返回对话",
        "not_found": "没有找到这个编号的记录。",
        "fields": "字段",
        "api_docs": "API",
        "lang_switch": "English",
        "disclaimer": "回答仅依据已收录的记录，行动前请核对官方原文。",
        "keyboard_hint": "回车发送 · Shift+回车换行",
        "source_n": "来源",
        "added_locally": "本地添加，来自",
        "error_generic": "出错了",
        "how": "工作原理",
        "how_analysis": "1 · 理解问题",
        "how_retrievers": "2 · 各检索器的候选",
        "how_decision": "3 · 相关性判断",
        "how_passages": "4 · 回答所用的段落",
        "how_direct": "直接回答的句子",
        "how_verifier": "5 · 引用核查",
        "how_timings": "各步骤用时",
        "how_none": "此回答没有过程记录。",
        "how_fallback": "根据问题分析和引用还原（尚无逐步记录）。",
        "k_language": "语言", "k_markets": "市场", "k_hs": "HS 编码", "k_intent": "意图",
        "k_form": "问题类型", "k_refs": "编号", "k_product": "产品",
        "k_score": "得分", "k_threshold": "阈值", "k_answered": "是否回答",
        "k_reasons": "理由", "k_checked": "已核查", "k_removed": "已删除", "k_total": "合计",
        "k_rank": "序", "k_ref": "记录", "yes": "是", "no": "否", "ms": "毫秒", "none": "无",
        "demo": "培训演示",
        "demo_badge": "演示",
        "demo_title": "培训演示模式",
        "demo_intro": "选择一个场景，按顺序点击各步骤。每个回答旁边都显示它是怎样得出的。",
        "demo_scenarios": "演示场景",
        "demo_start": "开始",
        "demo_step": "步骤",
        "demo_point": "讲解要点",
        "demo_reset": "重置演示",
        "demo_reset_confirm": "将演示恢复到初始状态？演示会话和演示报告将被删除，真实数据不受影响。",
        "demo_reset_done": "演示已恢复到初始状态。",
        "demo_data_note": "演示数据：此处的会话和报告均标记为演示，与真实数据分开存放。",
        "demo_not_active": "培训演示模式未启动。请运行 `tbt demo` 或 `make demo`；它使用单独的演示数据目录，不会改动真实数据。",
        "demo_replays": "对话录像",
        "demo_replay": "回放",
        "demo_recorded": "演示录像",
        "demo_recorded_on": "录制于",
        "demo_play": "播放",
        "demo_next": "下一条",
        "demo_show_all": "全部显示",
        "demo_replay_note": "由录制脚本向助手提出真实问题、按原样保存的对话；此处为回放，不是实时对话。",
        "demo_form": "技术性贸易措施征集表",
        "demo_form_of": "已填写的征集表，报告",
        "demo_staff_view": "工作人员视图",
        "demo_staff_missing": "此版本未安装工作人员后台；这里显示工作人员收到的征集表导出。",
        "demo_staff_console": "这是工作人员收到的报告内容。工作人员后台还显示处理队列、状态和历史（需要工作人员账号：tbt staff add）。",
        "demo_open_console": "在工作人员后台打开",
        "demo_no_report": "本次演示还没有提交报告：请先运行“提交壁垒报告”场景。",
        "demo_download": "下载",
        "demo_open_form": "查看已填写的征集表",
        "demo_open_staff": "打开工作人员视图",
        "demo_back": "返回演示",
        "demo_field": "字段",
        "demo_value": "内容",
        "demo_status": "状态",
        "demo_filed": "提交时间",
        "demo_open": "打开",
        "demo_channel_telegram": "Telegram",
        "demo_channel_wechat": "微信",
        "demo_phone_user": "出口企业",
        "not_found_page": "页面不存在。",
        "demo_export_failed": "无法在本机生成此导出文件（PDF 需要中文字体 fonts-wqy-microhei）。",
        "trend_title": "RASFF 逐年通报数量",
        "trend_origin": "原产地",
        "trend_total": "索引中的通报：",
        "trend_hazards": "主要危害",
    },
}

# Field names shown on the record page; anything not listed is shown by its key.
_FIELDS: dict[str, tuple[str, str]] = {
    "ref": ("Reference", "编号"), "type": ("Type", "类型"), "title": ("Title", "标题"),
    "title_en": ("Title (English)", "英文标题"), "title_zh": ("Title (Chinese)", "中文标题"),
    "summary_en": ("Summary", "英文摘要"), "summary_zh": ("Summary (Chinese)", "摘要"),
    "markets": ("Markets", "市场"), "hs": ("HS codes", "HS 编码"), "ntm": ("NTM codes", "非关税措施代码"),
    "issuer": ("Issuer", "发布机构"), "dates": ("Dates", "日期"), "key_dates": ("Key dates", "关键日期"),
    "url": ("Official link", "官方链接"), "source": ("Source", "来源"), "licence": ("Licence", "许可"),
    "as_of": ("Checked on", "核对日期"), "related": ("Related records", "相关记录"),
    "keywords": ("Keywords", "关键词"), "text": ("Text", "正文"), "language": ("Language", "语言"),
    "agreement": ("Agreement", "协定"), "member": ("Notifying member", "通报成员"),
    "core_symbol": ("Core notification", "核心通报"), "suffix": ("Suffix", "后缀"),
    "notification_type": ("Notification type", "通报类型"), "article": ("Article", "通报条款"),
    "products": ("Products", "产品"), "objectives": ("Objectives", "目的"),
    "comment_url": ("Comments", "评议链接"), "measure_kind": ("Kind of measure", "措施类型"),
    "scope_en": ("Scope", "英文适用范围"), "scope_zh": ("Scope (Chinese)", "适用范围"),
    "requirements_en": ("Requirements", "英文要求"), "requirements_zh": ("Requirements (Chinese)", "要求"),
    "conformity_en": ("Conformity assessment", "英文合格评定"),
    "conformity_zh": ("Conformity assessment (Chinese)", "合格评定"),
    "enquiry_en": ("Enquiries", "英文咨询"), "enquiry_zh": ("Enquiries (Chinese)", "咨询"),
    "notifications": ("WTO notifications", "相关通报"), "outcome_en": ("Outcome", "英文结果"),
    "outcome_zh": ("Outcome (Chinese)", "结果"), "lessons_en": ("Lessons", "英文经验"),
    "lessons_zh": ("Lessons (Chinese)", "经验"), "figures_en": ("Figures", "英文数据"),
    "figures_zh": ("Figures (Chinese)", "数据"), "system": ("System", "系统"),
    "notifying_country": ("Notified by", "通报国"), "origin": ("Origin", "原产国"),
    "origin_code": ("Origin code", "原产国代码"), "product": ("Product", "产品"),
    "product_category": ("Product category", "产品类别"), "hazard": ("Hazard", "危害"),
    "hazard_category": ("Hazard category", "危害类别"), "kind": ("Kind", "种类"),
    "category": ("Category", "类别"), "document_type": ("Document type", "文件类型"),
    "status": ("Status", "状态"), "answer": ("Official answer", "官方答复"),
    "complainant": ("Complainant", "起诉方"), "respondent": ("Respondent", "被诉方"),
    "agreements": ("Agreements cited", "援引的协定条款"), "fields": ("Form fields", "表格字段"),
    "how_to_en": ("How to file", "英文提交方式"), "how_to_zh": ("How to file (Chinese)", "提交方式"),
    "path": ("File", "文件"),
    # dates
    "distributed": ("distributed", "分发"), "published": ("published", "发布"),
    "adopted": ("adopted", "通过"), "entry_into_force": ("entry into force", "生效"),
    "applies_from": ("applies from", "适用"), "comment_deadline": ("comments until", "评议截止"),
    "event": ("event", "事件"),
}
FIELD_LABELS: dict[str, dict[str, str]] = {
    "en": {k: v[0] for k, v in _FIELDS.items()},
    "zh": {k: v[1] for k, v in _FIELDS.items()},
}


def pick_lang(*candidates: str | None) -> str:
    """The first supported language among the candidates (query param, cookie, header...)."""
    for cand in candidates:
        if not cand:
            continue
        code = cand.strip().lower()[:2]
        if code in LANGS:
            return code
    return DEFAULT_LANG


def lang_from_accept(header: str | None) -> str | None:
    """zh or en from an Accept-Language header, whichever comes first; None when neither."""
    for part in (header or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return None


def labels(lang: str) -> Mapping[str, str]:
    return LABELS.get(lang, LABELS[DEFAULT_LANG])


def record_type(rtype: str, lang: str) -> str:
    return type_label(rtype, lang)
