"""`tbt telegram`: the real command, long polling the fake Bot API, answers and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from assistant.config import Settings
from tests.bots.telegram.conftest import text_update
from tests.fakes.telegram_api import FakeTelegram


def test_tbt_telegram_polls_answers_and_stops(bot_settings: Settings, fake: FakeTelegram) -> None:
    env = {**os.environ, "TBT_DATA_DIR": str(bot_settings.data_dir),
           "TBT_CORPUS_DIR": str(bot_settings.corpus_dir), "TBT_TELEGRAM_TOKEN": fake.token,
           "TBT_TELEGRAM_API_URL": fake.base_url, "TBT_TODAY": "2024-11-15"}
    fake.push_update(text_update(730_001, "/help"))
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "telegram"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        replies = fake.wait_for("sendMessage", chat_id=730_001, timeout=40)
        assert replies and "/report" in replies[0].text
        assert fake.sent("deleteWebhook") and fake.sent("setMyCommands")  # polling excludes a webhook
        polls = fake.sent("getUpdates")
        assert polls and "message" in str(polls[-1].params.get("allowed_updates"))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert proc.returncode == 0, out.decode("utf-8", "replace")[-2000:]
    assert b"Traceback" not in out
