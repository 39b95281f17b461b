"""What a reporter is told after submitting: the number and what happens next, in both languages.

SCREENING_DAYS is this service's own target for the first screening (not an external rule); it is
shown so the reporter knows roughly when to expect a reply.
"""

from __future__ import annotations

SCREENING_DAYS = 5


def report_link(number: str, token: str, base: str | None = None) -> str:
    """The reporter's private link to their report (the token is the only key: keep it)."""
    if base is None:
        from assistant.config import get_settings

        base = get_settings().public_url
    return f"{(base or '').rstrip('/')}/r/{number}?t={token}"


def next_steps(number: str, lang: str, contact: str | None = None, link: str | None = None) -> str:
    contact_zh = f"通过 {contact} " if contact else ""
    contact_en = f" at {contact}" if contact else ""
    if lang.startswith("zh"):
        view = f"\n查看报告及处理进度（请妥善保管此链接，勿转发）：{link}" if link else ""
        return (
            f"已提交，报告编号：{number}。\n"
            f"接下来：工作人员会先对报告进行筛查（通常在 {SCREENING_DAYS} 个工作日内），核实后将其与相关通报关联，"
            f"需要时{contact_zh}与您联系。\n"
            f"补充材料：在本对话中直接发送文件链接即可附到报告上；联系工作人员时请注明报告编号 {number}。"
            + view
        )
    view = f"\nYour report and its progress (keep this link private): {link}" if link else ""
    return (
        f"Submitted. Your report number is {number}.\n"
        f"What happens next: staff screen the report (usually within {SCREENING_DAYS} working days), link it "
        f"to the relevant notifications and contact you{contact_en} if they need more.\n"
        f"To add documents, send links to them in this chat; quote {number} whenever you contact staff."
        + view
    )
