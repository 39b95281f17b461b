"""Scripted conversations with the real bot, checked on what Telegram (the fake) received."""

from __future__ import annotations

import re

from assistant.channel_users import ChannelUsers
from assistant.db import init_db
from assistant.reports.store import ReportStore
from tests.bots.telegram.conftest import Bot, button
from tests.fakes.telegram_api import FakeTelegram


def test_start_offers_both_languages_and_remembers_the_choice(bot: Bot, fake: FakeTelegram) -> None:
    chat = 700_001
    [picker] = bot.say(chat, "/start")
    labels = [b["text"] for b in picker.buttons()]
    assert labels == ["中文", "English"] and "语言" in picker.text and "language" in picker.text

    calls = bot.press(chat, button([picker], "English"))
    assert [c.method for c in calls][:2] == ["answerCallbackQuery", "editMessageText"]
    assert "English" in calls[1].text
    welcome = [c for c in calls if c.method == "sendMessage"]
    assert welcome and "/report" in welcome[0].text and welcome[0].buttons()  # example questions
    user = ChannelUsers(init_db(bot.settings)).get("telegram", str(chat))
    assert user is not None and user.lang == "en"

    [help_msg] = bot.say(chat, "/help")  # the menu now follows the choice
    assert "/subscribe" in help_msg.text and "Type a question" in help_msg.text


def test_answer_with_sources_more_and_followup(bot: Bot, fake: FakeTelegram) -> None:
    chat = 700_002
    bot.press(chat, "l:zh")
    [answer] = bot.say(chat, "出口蓝牙耳机到欧盟需要什么认证？")
    assert answer.params["parse_mode"] == "HTML"
    assert 'href="https://eur-lex.europa.eu/' in answer.text  # sources listed as links
    assert "Directive 2014/53/EU" in answer.text and "[1]" in answer.text
    assert len(answer.text) <= 4096
    for b in answer.buttons():
        assert len(b["callback_data"].encode("utf-8")) <= 64

    sources = [c for c in bot.press(chat, button([answer], "来源")) if c.method == "sendMessage"]
    assert sources and "Directive 2014/30/EU" in " ".join(c.text for c in sources)

    follow = [c for c in bot.press(chat, button([answer], "美国")) if c.method == "sendMessage"]
    assert follow and "欧盟无线电设备指令" not in follow[0].text  # the market switched
    assert any(m in follow[0].text for m in ("美国", "FCC", "USA"))


def test_typed_followup_keeps_the_topic(bot: Bot) -> None:
    chat = 700_003
    bot.press(chat, "l:en")
    [first] = bot.say(chat, "What do LED lamps need for the UK?")
    assert "<a href=" in first.text
    [second] = bot.say(chat, "What about the EU?")
    assert second.text != first.text and "EU" in second.text


def test_complete_barrier_report_ends_with_its_number(bot: Bot, bot_settings) -> None:  # type: ignore[no-untyped-def]
    chat = 700_004
    bot.press(chat, "l:zh")
    [start] = bot.say(chat, "/report")
    assert "取消" in start.text
    [t] = bot.say(chat, "德国海关说我们的儿童餐具三聚氰胺迁移超标，扣了两柜货，损失大概8万美元（fixture）")
    number = None
    for _ in range(12):  # answer what is asked: buttons where offered, text otherwise
        labels = [b["text"] for b in t.buttons()]
        if "确认提交" in labels:
            step = bot.press(chat, button([t], "确认提交"))
        elif "跳过" in labels:
            step = bot.press(chat, button([t], "跳过"))
        elif "解释" in labels:
            step = bot.press(chat, button([t], "解释"))
        elif "单位" in t.text:
            step = bot.say(chat, "宁波示例餐具有限公司（fixture）")
        else:
            step = bot.say(chat, "张伟（fixture），电话0574-8765432")
        sent = [c for c in step if c.method == "sendMessage"]
        assert sent, "every step gets a reply"
        t = sent[-1]
        found = re.search(r"BR-\d{4}-\d{6}", t.text)
        if found:
            number = found.group(0)
            break
    assert number is not None, "the report was filed"
    stored = ReportStore(init_db(bot_settings)).get(number)
    assert stored is not None and stored.report.channel == "telegram"
    assert not [b for b in t.buttons() if "报告" in b["text"]]  # no "report" button on the receipt


def test_expired_button_gets_a_notice_not_an_error(bot: Bot, fake: FakeTelegram) -> None:
    calls = bot.press(700_005, "q:zzzz")
    [ack] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert "过期" in ack.params.get("text", "") or "expired" in ack.params.get("text", "")
    assert not [c for c in calls if c.method == "sendMessage"]


def test_hostile_text_is_escaped(bot: Bot) -> None:
    chat = 700_006
    bot.press(chat, "l:en")
    [reply] = bot.say(chat, "<b>bold</b> & <script>alert(1)</script> toys EU?")
    assert "<script>" not in reply.text


def test_subscribe_goes_to_the_core(bot: Bot, assistant) -> None:  # type: ignore[no-untyped-def]
    chat = 700_007
    bot.press(chat, "l:zh")
    [usage] = bot.say(chat, "/subscribe")
    assert "/subscribe" in usage.text
    [reply] = bot.say(chat, "/subscribe 欧盟 玩具")
    assert reply.text  # whatever the core answers: the bot adds no subscription logic
    [mine] = bot.say(chat, "/mysubs")
    assert mine.text
    state = assistant.sessions.load("telegram:700007")
    assert state is not None and state.get("turns", 0) >= 2


def test_group_messages_need_a_mention(bot: Bot) -> None:
    group = -100_700_008
    assert bot.say(group, "hello everyone", user_id=700_008, chat_type="supergroup") == []
    replies = bot.say(group, "@tbt_fixture_bot What do toys need for the EU?", user_id=700_008,
                      chat_type="supergroup")
    assert len(replies) == 1 and replies[0].chat_id == group


def test_more_button_sends_the_rest_of_the_answer(bot: Bot) -> None:
    chat = 700_009
    bot.press(chat, "l:en")
    [answer] = bot.say(chat, "What do LED lamps need for the UK?")
    more = [c for c in bot.press(chat, button([answer], "More")) if c.method == "sendMessage"]
    assert more and more[0].text and more[0].text != answer.text and len(more[0].text) <= 4096


def test_language_and_buttons_survive_a_restart(bot_settings, fake: FakeTelegram, assistant) -> None:  # type: ignore[no-untyped-def]
    chat = 700_010
    first = Bot(bot_settings, fake, assistant)
    try:
        first.press(chat, "l:en")
        [answer] = first.say(chat, "What do toys need for the EU?")
    finally:
        first.close()
    again = Bot(bot_settings, fake, assistant)  # a new process would see the same database
    try:
        sources = [c for c in again.press(chat, button([answer], "Sources")) if c.method == "sendMessage"]
        assert sources and "Sources" in sources[0].text  # still English, still the same answer
    finally:
        again.close()
