"""The bot's side of a turn, synchronous and free of Telegram objects: ask the core, keep the
chat's button keys, and say which messages and buttons to send.

The async handlers (handlers.py) run these in a worker thread, so a slow answer never blocks
other chats, and only translate between Telegram updates and these typed records.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from assistant.answer.models import Answer
from assistant.channel_users import ChannelUsers
from assistant.config import Settings
from assistant.dialogue.assistant import Assistant
from assistant.dialogue.sessions import SessionStore
from assistant.notify import session_id_for
from bots.telegram.render import esc, render_answer
from bots.telegram.state import ChatState, ChatStates, StoredAnswer
from bots.telegram.texts import guess_lang, t

log = logging.getLogger("bots.telegram")

CHANNEL = "telegram"
MAX_BUTTON_TEXT = 60
MAX_FOLLOWUPS = 4
MAX_CHOICES = 9


@dataclass(frozen=True)
class Button:
    """An inline button: `data` (<= 64 bytes) comes back in a callback query."""

    text: str
    data: str


@dataclass
class OutMessage:
    """One message to send: Telegram HTML and its inline keyboard (rows of buttons)."""

    html: str
    keyboard: list[list[Button]] = field(default_factory=list)


@dataclass
class Reply:
    """What a turn produces: messages to send, and for a button press a short notice."""

    messages: list[OutMessage] = field(default_factory=list)
    notice: str | None = None
    edit: OutMessage | None = None  # replaces the message whose button was pressed
    lang: str = "zh"


@dataclass(frozen=True)
class Who:
    """Who wrote and where: the chat (the conversation) and the user (the language)."""

    chat_id: int
    user_id: int
    language_code: str | None = None


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_BUTTON_TEXT else text[: MAX_BUTTON_TEXT - 1] + "…"


class TelegramCore:
    """Turns for one bot; thread-safe (state is per chat, updates of a chat are serialised)."""

    def __init__(self, settings: Settings, assistant: Callable[[], Assistant],
                 engine: Engine | None = None) -> None:
        self.settings = settings
        self._assistant = assistant
        self._engine = engine
        self._lock = threading.Lock()

    # -- storage -------------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    from assistant.db import init_db

                    self._engine = init_db(self.settings)
        return self._engine

    @property
    def users(self) -> ChannelUsers:
        return ChannelUsers(self.engine)

    @property
    def states(self) -> ChatStates:
        return ChatStates(SessionStore(self.engine), self.settings.session_ttl_hours)

    def language(self, who: Who) -> tuple[str, bool]:
        """The user's language and whether they chose it (else guessed from Telegram)."""
        user = self.users.touch(CHANNEL, str(who.user_id))
        if user.lang in ("zh", "en"):
            return user.lang, True
        return guess_lang(who.language_code), False

    # -- commands ------------------------------------------------------------------------------
    def start(self, who: Who) -> Reply:
        """/start and /lang: the language picker (in both languages)."""
        lang, _ = self.language(who)
        keyboard = [[Button("中文", "l:zh"), Button("English", "l:en")]]
        return Reply([OutMessage(esc(t("choose_lang", lang)), keyboard)], lang=lang)

    def set_language(self, who: Who, lang: str) -> Reply:
        """A language was picked: remember it, confirm, and offer example questions."""
        lang = "en" if lang == "en" else "zh"
        self.users.touch(CHANNEL, str(who.user_id), lang)
        state = self.states.load(who.chat_id)
        examples = t("examples", lang).split("|")
        keyboard = [[Button(_label(q), f"q:{state.ask_key(q)}")] for q in examples]
        self.states.save(who.chat_id, state)
        confirm = OutMessage(esc(t("lang_set", lang)))
        welcome = OutMessage(esc(t("welcome", lang)) + "\n\n" + esc(t("help", lang)), keyboard)
        return Reply([welcome], edit=confirm, lang=lang)

    def help(self, who: Who) -> Reply:
        lang, _ = self.language(who)
        return Reply([OutMessage(esc(t("help", lang)))], lang=lang)

    def report(self, who: Who, narrative: str = "") -> Reply:
        """/report: start the core's intake; a narrative after the command is its first answer."""
        lang, chosen = self.language(who)
        reply = self.ask(who, t("report_start", lang))
        if narrative.strip():
            reply = self.ask(who, narrative)
        return reply

    def subscribe(self, who: Who, words: str) -> Reply:
        """/subscribe words: the core's subscription command (no subscription logic here)."""
        lang, _ = self.language(who)
        if not words.strip():
            return Reply([OutMessage(esc(t("subscribe_usage", lang)))], lang=lang)
        return self.ask(who, f"{t('subscribe_cmd', lang)} {words.strip()}")

    def my_subscriptions(self, who: Who) -> Reply:
        lang, _ = self.language(who)
        return self.ask(who, t("mysubs_cmd", lang))

    # -- questions -----------------------------------------------------------------------------
    def ask(self, who: Who, text: str) -> Reply:
        """Free text to the core; the answer as messages with its buttons."""
        lang, chosen = self.language(who)
        answer = self._assistant().ask(
            text, session_id=session_id_for(CHANNEL, str(who.chat_id)),
            lang=lang if chosen else None, channel=CHANNEL,
        )
        lang = lang if chosen else (answer.language if answer.language in ("zh", "en") else lang)
        state = self.states.load(who.chat_id)
        message = self._answer_message(answer, lang, state)
        self.states.save(who.chat_id, state)
        return Reply([message], lang=lang)

    def _answer_message(self, answer: Answer, lang: str, state: ChatState) -> OutMessage:
        rendered = render_answer(answer, lang)
        aid = state.add_answer(StoredAnswer(more=rendered.more, sources=rendered.sources))
        top: list[Button] = []
        if rendered.sources:
            top.append(Button(t("btn_sources", lang), f"s:{aid}"))
        if rendered.more:
            top.append(Button(t("btn_more", lang), f"m:{aid}:0"))
        rows: list[list[Button]] = [top] if top else []
        for q in answer.followups[:MAX_FOLLOWUPS]:
            rows.append([Button(_label(q), f"q:{state.ask_key(q)}")])
        choices = [Button(_label(c), f"q:{state.ask_key(c)}") for c in answer.choices[:MAX_CHOICES]]
        rows += [choices[i:i + 3] for i in range(0, len(choices), 3)]
        if answer.mode != "report" and not answer.report_number and answer.intent != "report":
            rows.append([Button(t("btn_report", lang), "r")])
        return OutMessage(rendered.first, rows)

    # -- buttons -------------------------------------------------------------------------------
    def button(self, who: Who, data: str) -> Reply:
        """A pressed inline button; unknown or expired keys get a notice, never an error."""
        kind, _, rest = data.partition(":")
        if kind == "l" and rest in ("zh", "en"):
            return self.set_language(who, rest)
        if kind == "r" and not rest:
            return self.report(who)
        lang, _ = self.language(who)
        state = self.states.load(who.chat_id)
        if kind == "q" and rest in state.asks:
            return self.ask(who, state.asks[rest])
        if kind == "s" and rest in state.answers:
            parts = state.answers[rest].sources or [esc(t("no_sources", lang))]
            return Reply([OutMessage(p) for p in parts], lang=lang)
        if kind == "m":
            aid, _, index = rest.partition(":")
            stored = state.answers.get(aid)
            if stored is not None and index.isdigit() and int(index) < len(stored.more):
                i = int(index)
                keyboard = ([[Button(t("btn_more", lang), f"m:{aid}:{i + 1}")]]
                            if i + 1 < len(stored.more) else [])
                return Reply([OutMessage(stored.more[i], keyboard)], lang=lang)
        return Reply(notice=t("expired", lang), lang=lang)

    def unknown_command(self, who: Who) -> Reply:
        lang, _ = self.language(who)
        return Reply([OutMessage(esc(t("unknown_command", lang)) + "\n\n" + esc(t("help", lang)))],
                     lang=lang)

    def unsupported(self, who: Who) -> Reply:
        """A photo, sticker, voice note...: a short polite reply in the user's language."""
        lang, chosen = self.language(who)
        text = t("unsupported", lang) if chosen else "\n".join(
            (t("unsupported", "zh"), t("unsupported", "en")))
        return Reply([OutMessage(esc(text))], lang=lang)
