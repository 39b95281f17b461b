"""Every label, menu and notice the Telegram bot shows, in Chinese and English (one place)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

_TEXTS: dict[str, tuple[str, str]] = {
    "choose_lang": ("请选择语言 / Please choose your language:",
                    "请选择语言 / Please choose your language:"),
    "welcome": (
        "您好！我是技术性贸易措施助手：可以回答出口产品在目标市场需要满足的法规、认证和 WTO 通报，"
        "并帮您报告遇到的贸易壁垒。直接输入问题即可，例如：",
        "Hello! I am the trade-barrier assistant: ask what your product needs to enter a market "
        "(regulations, certification, WTO notifications), or report a barrier you met. "
        "Just type a question, for example:",
    ),
    "lang_set": ("已切换为中文。", "Language set to English."),
    "help": (
        "直接输入问题，我会给出带来源的回答。\n"
        "/report 报告遇到的贸易壁垒（几个问题，最后给您一个编号）\n"
        "/subscribe 关键词 订阅相关的新通报和预警\n"
        "/mysubs 查看我的订阅\n"
        "/lang 切换语言 中文 / English\n"
        "/help 显示本说明\n"
        "回答下方的按钮可以查看来源、展开全文或继续追问。",
        "Type a question and I answer with its sources.\n"
        "/report report a trade barrier you met (a few questions, then a number)\n"
        "/subscribe words: get new notifications and alerts about them\n"
        "/mysubs list my subscriptions\n"
        "/lang switch language 中文 / English\n"
        "/help show this help\n"
        "The buttons under an answer show its sources, the full text, or ask a follow-up.",
    ),
    "examples": ("出口蓝牙耳机到欧盟需要什么认证？|LED灯出口英国有什么要求？|怎么报告贸易壁垒？",
                 "What do Bluetooth earphones need for the EU?|What do LED lamps need for the UK?"
                 "|How do I report a trade barrier?"),
    "btn_sources": ("📚 来源", "📚 Sources"),
    "btn_more": ("➕ 更多", "➕ More"),
    "btn_report": ("📝 报告壁垒", "📝 Report a barrier"),
    "sources_title": ("来源", "Sources"),
    "no_sources": ("这条回答没有引用来源。", "This answer has no sources."),
    "expired": ("这个按钮已过期，请直接输入您的问题。", "This button has expired; please type your question."),
    "unsupported": ("目前我只能阅读文字消息，请用文字描述您的问题。",
                    "I can only read text messages for now; please type your question."),
    "unknown_command": ("我不认识这个命令。", "I do not know that command."),
    "error": ("抱歉，处理时出了问题，请稍后再试。", "Sorry, something went wrong; please try again."),
    "not_ready": ("资料库正在准备中，请稍后再试。", "The knowledge base is being prepared; please try later."),
    "subscribe_usage": ("请在 /subscribe 后写上关键词，例如：/subscribe 欧盟 玩具",
                        "Write the words after /subscribe, e.g. /subscribe EU toys"),
    "report_start": ("报告壁垒", "report a barrier"),
    "subscribe_cmd": ("订阅", "subscribe"),
    "mysubs_cmd": ("我的订阅", "my subscriptions"),
    "report_number": ("报告编号", "Report number"),
    "part": ("第 {i}/{n} 部分", "part {i}/{n}"),
    "cmd_start": ("开始 / 选择语言", "start / choose language"),
    "cmd_help": ("使用说明", "how to use"),
    "cmd_report": ("报告贸易壁垒", "report a trade barrier"),
    "cmd_lang": ("切换语言", "switch language"),
    "cmd_subscribe": ("订阅关键词", "subscribe to words"),
    "cmd_mysubs": ("我的订阅", "my subscriptions"),
}


def t(key: str, lang: str | None) -> str:
    """The text for `key` in `lang` (Chinese unless English was asked for)."""
    zh, en = _TEXTS[key]
    return en if lang == "en" else zh


def both(key: str) -> str:
    """Both languages, for users whose language we do not know yet."""
    zh, en = _TEXTS[key]
    return zh if zh == en else f"{zh}\n{en}"


def guess_lang(language_code: str | None) -> Lang:
    """The language for a user who has not chosen one: Chinese unless Telegram says otherwise."""
    if not language_code:
        return "zh"
    return "zh" if language_code.lower().startswith("zh") else "en"
