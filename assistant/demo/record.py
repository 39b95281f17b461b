"""Record the workshop's chat replays: real questions through `Assistant.ask`, saved as JSON.

    python -m assistant.demo.record            # all conversations below, into recordings/
    python -m assistant.demo.record --only telegram-zh

It runs on the index of TBT_DATA_DIR (build it first), with its own throwaway database for the
session, and stores what the chat channel would have sent (`Answer.for_chat()`). The file says it
is a demo recording, the date it was made and the index it ran on; nothing is edited by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings, get_settings
from assistant.demo.recording import (
    RECORDINGS_DIR,
    RecordedCitation,
    RecordedMessage,
    Recording,
    path_for,
)
from assistant.notify import session_id_for


@dataclass(frozen=True)
class Script:
    name: str
    channel: str
    language: str
    title_zh: str
    title_en: str
    questions: tuple[str, ...]


SCRIPTS = (
    Script(
        "telegram-zh", "telegram", "zh", "Telegram 上的咨询：耳机出口欧盟", "A Telegram chat: earphones for the EU",
        ("出口蓝牙耳机到欧盟需要什么认证？", "那美国呢？", "G/TBT/N/USA/867 有哪些补遗？"),
    ),
    Script(
        "wechat-zh", "wechat", "zh", "微信上的咨询：枸杞被通报", "A WeChat chat: goji berries flagged in the EU",
        ("我们的枸杞在欧盟被通报了怎么办？", "今天天气怎么样？", "怎么报告贸易壁垒？"),
    ),
    Script(
        "telegram-en", "telegram", "en", "Telegram 上的英文咨询：LED 灯出口英国", "A Telegram chat in English: LED lamps for the UK",
        ("What do LED lamps need for the UK?", "What does G/TBT/N/USA/867/Add.1 change?"),
    ),
)


def _index_facts(settings: Settings) -> dict[str, str | int | None]:
    from assistant.index.store import current_generation, read_manifest

    gen = current_generation(settings)
    manifest = read_manifest(gen) if gen else {}
    return {
        "index_generation": gen.name if gen else None,
        "index_records": int(manifest.get("records") or 0),
        "today": settings.today or dt.date.today().isoformat(),
        "composer": "llm" if settings.llm_enabled else "offline",
    }


def record(script: Script, settings: Settings) -> Recording:
    """Run the script's questions in one chat session and return the transcript."""
    from assistant.dialogue.assistant import Assistant

    with tempfile.TemporaryDirectory(prefix="tbt-record-") as tmp:
        # the session and anything it files go to a throwaway database; the index is the real one
        run = settings.model_copy(update={"database_url": f"sqlite:///{Path(tmp) / 'record.sqlite3'}"})
        assistant = Assistant(run)
        session = session_id_for(script.channel, "demo-recording")
        messages: list[RecordedMessage] = []
        for question in script.questions:
            messages.append(RecordedMessage(role="user", text=question))
            started = time.perf_counter()
            answer = assistant.ask(question, session_id=session, channel=script.channel)
            ms = round((time.perf_counter() - started) * 1000, 1)
            messages.append(RecordedMessage(
                role="bot", text=answer.for_chat(), choices=answer.choices, refused=answer.refused,
                report_number=answer.report_number, ms=ms,
                citations=[RecordedCitation(n=c.n, ref=c.ref, title=c.title) for c in answer.citations],
            ))
    return Recording(
        name=script.name, channel=script.channel, language=script.language,  # type: ignore[arg-type]
        title_zh=script.title_zh, title_en=script.title_en,
        recorded_on=dt.date.today().isoformat(), recorded_with=_index_facts(settings), messages=messages,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", help="record only this script (repeatable)")
    parser.add_argument("--out", type=Path, default=RECORDINGS_DIR)
    args = parser.parse_args(argv)
    settings = get_settings()
    args.out.mkdir(parents=True, exist_ok=True)
    for script in SCRIPTS:
        if args.only and script.name not in args.only:
            continue
        rec = record(script, settings)
        path = path_for(rec.name, args.out)
        path.write_text(rec.model_dump_json(indent=2) + "\n", encoding="utf-8")
        print(f"{path}: {len(rec.messages)} messages")


if __name__ == "__main__":
    main()
