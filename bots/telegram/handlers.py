"""python-telegram-bot handlers: read an update, run the turn in a worker thread, send the reply.

Updates of one chat are handled one at a time (a per-chat lock), so a report conversation never
sees its answers out of order; different chats run concurrently. Anything the bot does not use
(edited messages, channel posts, inline queries, polls, payments...) has no handler and is
ignored; a photo, sticker or voice note in a private chat gets a short polite reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, MessageEntityType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from assistant.index.store import IndexNotReady
from bots.telegram.core import OutMessage, Reply, TelegramCore, Who
from bots.telegram.render import esc
from bots.telegram.texts import both, t

log = logging.getLogger("bots.telegram")

T = TypeVar("T")
Context = ContextTypes.DEFAULT_TYPE
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
COMMANDS = ("start", "help", "report", "lang", "subscribe", "mysubs")


def keyboard(message: OutMessage) -> InlineKeyboardMarkup | None:
    if not message.keyboard:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
                                 for row in message.keyboard])


def bot_commands(lang: str) -> list[BotCommand]:
    """The command menu Telegram shows, in one language."""
    return [BotCommand(name, t(f"cmd_{name}", lang)) for name in COMMANDS]


class Handlers:
    """The bot's handlers around one TelegramCore."""

    def __init__(self, core: TelegramCore) -> None:
        self.core = core
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def install(self, app: Application) -> None:  # type: ignore[type-arg]
        private = filters.ChatType.PRIVATE
        new_message = filters.UpdateType.MESSAGE  # edited messages are not answered again
        for name, callback in self.commands().items():
            app.add_handler(CommandHandler(name, callback, filters=new_message))
        app.add_handler(MessageHandler(new_message & private & filters.COMMAND, self.on_unknown))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(MessageHandler(new_message & filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(
            new_message & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, self.on_unsupported))
        app.add_error_handler(self.on_error)

    def commands(self) -> dict[str, Callable[[Update, Context], Coroutine[Any, Any, None]]]:
        return {"start": self.on_start, "lang": self.on_start, "help": self.on_help,
                "report": self.on_report, "subscribe": self.on_subscribe, "mysubs": self.on_mysubs}

    # -- plumbing ------------------------------------------------------------------------------
    @staticmethod
    def who(update: Update) -> Who | None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return None
        return Who(chat_id=chat.id, user_id=user.id if user else chat.id,
                   language_code=user.language_code if user else None)

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    async def _run(self, who: Who, turn: Callable[[], T]) -> T:
        async with self._lock(who.chat_id):
            return await asyncio.to_thread(turn)

    async def _send(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply,
                    reply_to: int | None = None) -> None:
        for i, message in enumerate(reply.messages):
            await context.bot.send_message(
                chat_id, message.html, parse_mode=ParseMode.HTML, reply_markup=keyboard(message),
                link_preview_options=NO_PREVIEW,
                reply_parameters=(ReplyParameters(reply_to, allow_sending_without_reply=True)
                                  if reply_to is not None and i == 0 else None),
            )

    async def _turn(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                    turn: Callable[[Who], Reply], typing: bool = True) -> None:
        who = self.who(update)
        if who is None:
            return
        if typing:
            with contextlib.suppress(TelegramError):  # only a courtesy
                await context.bot.send_chat_action(who.chat_id, ChatAction.TYPING)
        message = update.effective_message
        reply_to = message.message_id if message and message.chat.type != ChatType.PRIVATE else None
        try:
            reply = await self._run(who, lambda: turn(who))
        except IndexNotReady:
            reply = Reply([OutMessage(esc(both("not_ready")))])
        await self._send(context, who.chat_id, reply, reply_to)

    # -- handlers ------------------------------------------------------------------------------
    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if _after_command(update.effective_message).lower() == "report":  # deep link t.me/<bot>?start=report
            await self._turn(update, context, self.core.report)
            return
        await self._turn(update, context, self.core.start, typing=False)

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._turn(update, context, self.core.help, typing=False)

    async def on_report(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        narrative = _after_command(update.effective_message)
        await self._turn(update, context, lambda who: self.core.report(who, narrative))

    async def on_subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        words = _after_command(update.effective_message)
        await self._turn(update, context, lambda who: self.core.subscribe(who, words))

    async def on_mysubs(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._turn(update, context, self.core.my_subscriptions)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        text: str | None = message.text
        if message.chat.type != ChatType.PRIVATE:  # in a group: only when spoken to
            text = _addressed_text(message, context.bot.username, context.bot.id)
        if text is None:
            return
        if text.startswith("/"):  # a command Telegram did not mark as one (typed by hand)
            name = text[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(text) > 1 else ""
            command = self.commands().get(name)
            if command is not None:
                await command(update, context)
            elif message.chat.type == ChatType.PRIVATE:
                await self.on_unknown(update, context)
            return
        question = text
        await self._turn(update, context, lambda who: self.core.ask(who, question))

    async def on_unknown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._turn(update, context, self.core.unknown_command, typing=False)

    async def on_unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._turn(update, context, self.core.unsupported, typing=False)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        who = self.who(update)
        if who is None or query.message is None:  # a button of an inline message: nothing to do
            await query.answer()
            return
        data = query.data or ""
        try:
            reply = await self._run(who, lambda: self.core.button(who, data))
        except IndexNotReady:
            reply = Reply(notice=both("not_ready"))
        await query.answer(reply.notice)
        if reply.edit is not None and isinstance(query.message, Message):
            try:
                await query.edit_message_text(reply.edit.html, parse_mode=ParseMode.HTML,
                                              reply_markup=keyboard(reply.edit))
            except BadRequest:  # e.g. "message is not modified": the reply below still goes out
                log.info("could not edit the message of a pressed button")
        await self._send(context, who.chat_id, reply)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error with its traceback; the user gets a short apology, never the error."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram update %s failed", update_id, exc_info=context.error)
        if not isinstance(update, Update) or isinstance(context.error, Forbidden):
            return
        chat = update.effective_chat
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer(both("error")[:200])
        if chat is None or (update.message is None and update.callback_query is None):
            return
        try:
            await context.bot.send_message(chat.id, esc(both("error")), parse_mode=ParseMode.HTML)
        except TelegramError:
            log.warning("could not tell chat about the failed update %s", update_id)


def _after_command(message: Message | None) -> str:
    """The text after `/command` (or `/command@bot`), kept whole with its spaces and new lines."""
    if message is None or not message.text:
        return ""
    first, _, rest = message.text.partition(" ")
    if "\n" in first:
        first, _, more = first.partition("\n")
        rest = more + (" " + rest if rest else "")
    return rest.strip()


def _addressed_text(message: Message, username: str | None, bot_id: int) -> str | None:
    """In a group, the text when it mentions the bot or replies to it (mention removed)."""
    text = message.text or ""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    if username:
        for entity in message.entities:
            if entity.type == MessageEntityType.MENTION:
                mention = message.parse_entity(entity)
                if mention.lstrip("@").lower() == username.lower():
                    return text.replace(mention, " ").strip() or None
    return None
