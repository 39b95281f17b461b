"""The fixed things the WeChat channel says, in Chinese and English.

Everything about trade barriers comes from the core; these are only the channel's own words:
the welcome, the reply to a message type we cannot read, language switching and failures.
"""

from __future__ import annotations

WELCOME = (
    "您好！我是技术性贸易措施助手，帮助出口企业了解国外技术法规、标准、认证和通报，"
    "也可以帮您报告遇到的贸易壁垒。您可以直接提问，例如：\n"
    "1. 出口蓝牙耳机到欧盟需要什么认证？\n"
    "2. 我们的枸杞在欧盟被通报了怎么办？\n"
    "3. 报告壁垒\n"
    "回复 English 切换为英文。\n\n"
    "Hello! I help exporters with foreign technical regulations, standards, certification and WTO "
    "notifications, and I can take a barrier report. Ask me, for example:\n"
    "1. What do LED lamps need for the UK?\n"
    "2. G/TBT/N/USA/867/Add.1\n"
    "3. report a barrier\n"
    "Reply 中文 to switch to Chinese."
)

UNSUPPORTED = {
    "zh": "抱歉，我目前只能阅读文字消息（以及已转写的语音）。请用文字描述您的问题，"
          "例如：出口蓝牙耳机到欧盟需要什么认证？",
    "en": "Sorry, I can only read text messages (and transcribed voice messages) for now. "
          "Please type your question, for example: What do LED lamps need for the UK?",
}

NOT_READY = {
    "zh": "抱歉，助手正在准备资料库，请稍后再试。",
    "en": "Sorry, the assistant is still preparing its library. Please try again shortly.",
}

FAILED = {
    "zh": "抱歉，处理您的消息时出错了，请稍后再试。",
    "en": "Sorry, something went wrong with your message. Please try again shortly.",
}

LANG_SET = {
    "zh": "好的，之后我会用中文回复您。",
    "en": "OK, I will reply in English from now on.",
}

CONTINUED = {
    "zh": "（接上条）",
    "en": "(continued)",
}

TOO_LONG = {
    "zh": "……（回答较长，请提问得更具体一些）",
    "en": "... (the answer is long; please ask a more specific question)",
}

# what a user types to choose a language (whole message, case-insensitive)
LANG_COMMANDS = {
    "中文": "zh", "汉语": "zh", "简体中文": "zh", "chinese": "zh", "/lang zh": "zh", "语言 中文": "zh",
    "english": "en", "英文": "en", "英语": "en", "/lang en": "en", "language english": "en",
}


def pick(texts: dict[str, str], lang: str | None) -> str:
    """The text in `lang`; both languages when we do not know the user's yet."""
    if lang in texts:
        return texts[lang]
    return f"{texts['zh']}\n{texts['en']}"
