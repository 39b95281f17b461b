"""Every label of the staff console in Chinese and English (one table, looked up by key)."""

from __future__ import annotations

T: dict[str, tuple[str, str]] = {
    "console": ("技贸措施报告工作台", "Barrier reports console"),
    "login": ("登录", "Log in"), "logout": ("退出", "Log out"),
    "username": ("用户名", "User name"), "password": ("密码", "Password"),
    "queue": ("报告队列", "Queue"), "dashboard": ("统计", "Dashboard"), "accounts": ("账户", "Accounts"),
    "filter": ("筛选", "Filter"), "reset": ("清除", "Reset"), "search": ("搜索（中英文）", "Search (Chinese or English)"),
    "status": ("状态", "Status"), "stage": ("阶段", "Stage"), "market": ("市场", "Market"),
    "hs": ("HS 章", "HS chapter"), "ntm": ("措施类型", "Measure type"), "channel": ("渠道", "Channel"),
    "language": ("语言", "Language"), "date_from": ("起始日期", "From"), "date_to": ("截止日期", "To"),
    "assigned_to": ("负责人", "Assigned to"), "sort": ("排序", "Sort"), "any": ("全部", "Any"),
    "sort_priority": ("优先级从高到低", "Priority, highest first"),
    "sort_priority_asc": ("优先级从低到高", "Priority, lowest first"),
    "sort_date": ("最新提交在前", "Newest first"), "sort_date_asc": ("最早提交在前", "Oldest first"),
    "unassigned": ("未分配", "Unassigned"), "me": ("我", "Me"),
    "number": ("编号", "Number"), "priority": ("优先级", "Priority"), "product": ("产品", "Product"),
    "measure": ("措施", "Measure"), "organisation": ("单位", "Organisation"), "filed": ("提交时间", "Filed"),
    "results": ("条结果", "results"), "export_csv": ("导出 CSV", "Export CSV"),
    "export_xlsx": ("导出 Excel", "Export Excel"), "saved_views": ("已保存的视图", "Saved views"),
    "save_view": ("保存当前筛选", "Save this view"), "view_name": ("视图名称", "View name"),
    "prev": ("上一页", "Previous"), "next": ("下一页", "Next"), "none_found": ("没有符合条件的报告。", "No reports match."),
    "fields": ("报告内容", "Report fields"), "save": ("保存", "Save"), "version": ("版本", "Version"),
    "lifecycle": ("处理状态", "Lifecycle"), "pending_by": ("待谁处理", "Pending action by"),
    "archive_reason": ("归档原因", "Archive reason"), "note": ("备注", "Note"),
    "notify_reporters": ("通知报告人", "Notify the reporters"), "apply": ("更新", "Update"),
    "assign": ("分配", "Assign"), "comments": ("内部评论", "Internal comments"),
    "add_comment": ("添加评论", "Add comment"), "merge": ("合并重复报告", "Merge duplicates"),
    "merge_help": ("输入要并入本壁垒的报告编号，用逗号分隔", "Report numbers to merge into this barrier, comma-separated"),
    "merged_reports": ("已并入的报告", "Merged reports"), "merged_into": ("已并入", "Merged into"),
    "links": ("关联记录", "Linked records"), "named": ("报告人提及", "named by reporter"),
    "relink": ("重新查找关联记录", "Find linked records again"),
    "similar": ("相似报告", "Similar reports"), "same": ("同市场、HS、措施类型", "same market, HS and measure"),
    "wording": ("内容相近", "close in wording"), "history": ("修改记录", "History"),
    "who": ("操作人", "Who"), "when": ("时间", "When"), "field": ("字段", "Field"),
    "before": ("修改前", "Before"), "after": ("修改后", "After"),
    "export": ("导出征集表", "Export the national form"), "form": ("征集表预览", "National form preview"),
    "priority_reasons": ("优先级依据", "Why this priority"), "drafts": ("草稿", "Drafts"),
    "draft_comment": ("生成评议意见草稿", "Draft a comment (评议意见)"),
    "draft_stc": ("生成特别贸易关注提案草稿", "Draft a specific trade concern"),
    "draft_check": ("引用核查", "Citation check"), "draft_ok": ("全部陈述均有出处", "Every statement is supported"),
    "draft_problems": ("以下陈述未能核实", "These statements could not be verified"),
    "use_in_form": ("写入征集表“评论意见”", "Use as the form's comments"),
    "sources": ("出处", "Sources"), "conflict": ("保存冲突", "Save conflict"),
    "conflict_help": ("他人已修改此报告。您的修改未保存，仍保留在下方表单中；请核对当前内容后再保存。",
                      "Someone else changed this report. Your changes were not saved and are kept in the form "
                      "below; check the current values and save again."),
    "current_value": ("当前值", "Current value"), "saved": ("已保存", "Saved"),
    "by_market": ("按市场", "By market"), "by_ntm": ("按措施类型", "By measure type"),
    "by_status": ("按状态", "By status"), "by_month": ("按月份", "By month"),
    "screening_days": ("筛查用时（天，按月中位数）", "Time to screening (median days, by month)"),
    "total_reports": ("报告总数", "Reports"), "awaiting": ("待筛查", "Awaiting screening"),
    "add_account": ("新建账户", "Add account"), "role": ("角色", "Role"), "active": ("启用", "Active"),
    "your_report": ("您的报告", "Your report"), "error": ("出错了", "Something went wrong"),
    "csrf_help": ("请刷新页面后重试。", "Reload the page and try again."),
    "reporters": ("报告人", "Reporters"), "audit": ("审计日志", "Audit log"),
}

STATUS: dict[str, tuple[str, str]] = {
    "submitted": ("待筛查", "Awaiting screening"), "accepted": ("已接受", "Accepted"),
    "rejected": ("已拒绝", "Rejected"), "archived": ("已归档", "Archived"),
}
STAGE: dict[str, tuple[str, str]] = {
    "open": ("待处理", "Open"), "in_progress": ("处理中", "In progress"),
    "resolved_part": ("部分解决", "Resolved in part"), "resolved_full": ("完全解决", "Resolved in full"),
    "dormant": ("暂停", "Dormant"),
}
ARCHIVE: dict[str, tuple[str, str]] = {
    "duplicate": ("重复", "Duplicate"), "not_a_barrier": ("不属于壁垒", "Not a barrier"), "other": ("其他", "Other"),
}


class Labels:
    """`t.key` in templates gives the label in the page language."""

    def __init__(self, lang: str) -> None:
        self.i = 0 if lang == "zh" else 1

    def __getattr__(self, key: str) -> str:
        pair = T.get(key)
        return pair[self.i] if pair else key

    def pick(self, table: dict[str, tuple[str, str]], key: str | None) -> str:
        if not key:
            return ""
        pair = table.get(key)
        return pair[self.i] if pair else key
