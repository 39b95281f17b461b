"""`tbt bench channels` (WeChat part): how fast the adapter is and how many answers make the
4.5-second passive reply under load.

Two figures families, both through the real HTTP routes (FastAPI app over httpx's ASGI
transport, signed plain-mode callbacks) into the real core, on the index of `settings`:
- adapter throughput: non-text messages (signature, XML, de-duplication claim, reply) per second,
  which is the channel's own cost without the core;
- 10 concurrent users asking bilingual questions: messages per second, latency of the HTTP reply
  (p50/p95), and the share answered passively within 4.5 s (the rest are counted when their
  late delivery reaches a local recording sender in place of WeChat's API).
Conversations go to a throw-away database in a temporary directory; the index is only read.
"""

from __future__ import annotations

import asyncio
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from assistant.config import Settings
from assistant.notify import Delivery
from bots.wechat.adapter import PASSIVE_SECONDS
from bots.wechat.crypto import signature

USERS = 10
QUESTIONS = [
    "出口蓝牙耳机到欧盟需要什么认证？",
    "What do LED lamps need for the UK?",
    "G/TBT/N/USA/867/Add.1",
    "我们的枸杞在欧盟被通报了怎么办？",
    "What is CBAM?",
    "儿童玩具出口美国有什么要求？",
    "那日本呢？",
    "Which rules apply to lithium batteries in the EU?",
]
TOKEN = "bench-token"


class _Recorder:
    """Stands in for WeChat's message API: counts late deliveries."""

    def __init__(self) -> None:
        self.lock, self.count = threading.Lock(), 0

    def send_text(self, user_id: str, text: str) -> Delivery:
        with self.lock:
            self.count += 1
        return Delivery(True)


def _xml(user: str, kind: str, content: str) -> bytes:
    body = f"<Content><![CDATA[{content}]]></Content>" if kind == "text" else \
        "<PicUrl><![CDATA[http://127.0.0.1/bench.jpg]]></PicUrl>"
    return (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{user}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{kind}]]>"
            f"</MsgType>{body}<MsgId>{secrets.randbits(62)}</MsgId></xml>").encode()


def _params() -> dict[str, str]:
    ts, nonce = str(int(time.time())), secrets.token_hex(4)
    return {"signature": signature(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}


async def _run(settings: Settings, rounds: int, adapter_messages: int) -> dict[str, float]:
    from assistant.api.app import create_app
    from bots.wechat.setup import build_adapter

    app = create_app(settings)
    recorder = _Recorder()
    adapter = build_adapter(settings, "wechat", app.state.services.assistant)
    adapter.sender = recorder
    app.state.wechat_adapters = {"wechat": adapter}
    app.state.services.assistant().ask("warm up", session_id="bench:warm-up")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        # the adapter alone: messages that do not reach the core
        started = time.perf_counter()
        for i in range(adapter_messages):
            r = await client.post("/wechat", params=_params(), content=_xml(f"bench-img-{i % USERS}", "image", ""))
            assert r.status_code == 200, r.text
        adapter_rate = adapter_messages / (time.perf_counter() - started)

        latencies: list[float] = []
        passive = 0

        async def user(n: int) -> None:
            nonlocal passive
            for k in range(rounds):
                question = QUESTIONS[(n + k) % len(QUESTIONS)]
                t0 = time.perf_counter()
                r = await client.post("/wechat", params=_params(), content=_xml(f"bench-user-{n}", "text", question))
                elapsed = time.perf_counter() - t0
                latencies.append(elapsed)
                if r.status_code == 200 and "<Content>" in r.text and elapsed <= PASSIVE_SECONDS:
                    passive += 1

        started = time.perf_counter()
        await asyncio.gather(*(user(n) for n in range(USERS)))
        wall = time.perf_counter() - started
    total = USERS * rounds
    deadline = time.monotonic() + 60  # late answers still on their way
    while passive + recorder.count < total and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    adapter.close()
    ordered = sorted(latencies)
    return {
        "wechat_adapter_msgs_per_s": round(adapter_rate, 1),
        "wechat_text_msgs_per_s_10_users": round(total / wall, 2),
        "wechat_reply_p50_ms": round(statistics.median(ordered) * 1000, 1),
        "wechat_reply_p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
        "wechat_passive_share_4_5s": round(passive / total, 3),
        "wechat_late_delivered": float(recorder.count),
        "wechat_messages": float(total),
    }


def run(settings: Settings, rounds: int = 5, adapter_messages: int = 300) -> dict[str, float]:
    """The WeChat figures for `tbt bench channels` (needs a built index in `settings`)."""
    with tempfile.TemporaryDirectory(prefix="tbt-wechat-bench-") as tmp:
        bench = settings.model_copy(update={
            "database_url": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "wechat_token": TOKEN, "wechat_aes_key": None, "wechat_appid": None,
            "wechat_secret": None, "wechat_api_url": None,
        })
        return asyncio.run(_run(bench, rounds, adapter_messages))
