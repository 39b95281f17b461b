"""`tbt bench channels` (Telegram part): messages per second through the bot.

The real Application (handlers, HTML rendering, rate limiter with Telegram's limits switched
off so the adapter itself is measured, HTTP calls) runs against the local fake Bot API server of
the test suite, fed concurrently by many chats:
- commands: /help from distinct chats, the channel's own cost (no retrieval);
- questions: bilingual questions answered by the real core on the index of `settings`.
Conversations go to a throw-away database in a temporary directory; the index is only read.
"""

from __future__ import annotations

import asyncio
import importlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from telegram.ext import AIORateLimiter, Application

from assistant.config import PROJECT_ROOT, Settings
from assistant.dialogue.assistant import Assistant
from assistant.notify import registry
from bots.telegram.updates import parse_update

CHATS = 10
QUESTIONS = [
    "出口蓝牙耳机到欧盟需要什么认证？",
    "What do LED lamps need for the UK?",
    "G/TBT/N/USA/867/Add.1",
    "我们的枸杞在欧盟被通报了怎么办？",
    "What is CBAM?",
    "儿童玩具出口美国有什么要求？",
]


def _fake_module() -> ModuleType:
    """The fake Bot API server of the test suite (a source checkout is needed)."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    try:
        return importlib.import_module("tests.fakes.telegram_api")
    except ModuleNotFoundError as exc:
        raise RuntimeError("the Telegram bench needs tests/fakes/telegram_api.py "
                           "(run it from a source checkout)") from exc


def _update(n: int, chat_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": n, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "fixture"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "fixture", "language_code": "zh"},
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": n, "message": message}


async def _drive(app: Application, texts: list[str], chats: int) -> tuple[float, list[float]]:  # type: ignore[type-arg]
    """Feed `texts` round-robin from `chats` concurrent chats; (seconds, per-message ms)."""
    queues: list[list[tuple[int, str]]] = [[] for _ in range(chats)]
    for i, text in enumerate(texts):
        queues[i % chats].append((i, text))
    latencies: list[float] = []

    async def chat(k: int) -> None:
        for i, text in queues[k]:
            t0 = time.perf_counter()
            update = parse_update(_update(i + 1, 800_000 + k, text), app.bot)
            if update is not None:
                await app.process_update(update)
            latencies.append((time.perf_counter() - t0) * 1000)

    t0 = time.perf_counter()
    await asyncio.gather(*(chat(k) for k in range(chats)))
    return time.perf_counter() - t0, latencies


def run(settings: Settings, commands: int = 300, questions: int = 60) -> dict[str, float]:
    """Messages per second through the Telegram adapter (commands, and questions with the core)."""
    from bots.telegram.app import build_application

    fake_mod = _fake_module()
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="tbt-bench-telegram-") as tmp, \
            fake_mod.fake_telegram() as fake:
        scratch = settings.model_copy(update={
            "database_url": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "telegram_token": fake.token, "telegram_api_url": fake.base_url,
        })
        assistant = Assistant(scratch)
        app = build_application(scratch, assistant=lambda: assistant, updater=False,
                                rate_limiter=AIORateLimiter(overall_max_rate=0, group_max_rate=0))

        async def bench() -> None:
            await app.initialize()
            try:
                await _drive(app, ["/help"] * CHATS, CHATS)  # warm up: tables, connections
                secs, lat = await _drive(app, ["/help"] * commands, CHATS)
                out["telegram_commands_per_s"] = round(commands / secs, 1)
                out["telegram_commands_p50_ms"] = round(statistics.median(lat), 1)
                await _drive(app, QUESTIONS[:2], 2)  # load the model and the index
                texts = [QUESTIONS[i % len(QUESTIONS)] for i in range(questions)]
                secs, lat = await _drive(app, texts, CHATS)
                out["telegram_questions_per_s"] = round(questions / secs, 1)
                out["telegram_questions_p50_ms"] = round(statistics.median(lat), 1)
                out["telegram_questions_p95_ms"] = round(
                    statistics.quantiles(lat, n=20)[-1] if len(lat) > 1 else lat[0], 1)
            finally:
                await app.shutdown()
                registry.unregister("telegram")

        asyncio.run(bench())
        sent = len(fake.sent("sendMessage"))
        out["telegram_messages_sent"] = float(sent)
    return out
