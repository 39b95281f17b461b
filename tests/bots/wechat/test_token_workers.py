"""The access token across workers: WeChat revokes the previous token whenever a new one is
issued, so several worker processes that find the cache empty at once must fetch it once and
share it (a shared cache in the database; a lease decides who fetches)."""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from tests.bots.wechat.conftest import APPID, TOKEN
from tests.fakes.wechat_api import FakeWeChatAPI

WORKERS = 4


def _worker(data_dir: str, db_url: str, api_url: str, ready: Any, start: Any, out: Any) -> None:
    """One worker process: its own engine and client, started together with the others."""
    from bots.wechat.setup import api_for

    settings = Settings(data_dir=Path(data_dir), database_url=db_url, wechat_api_url=api_url,
                        wechat_token=TOKEN, wechat_appid=APPID, wechat_secret="fixture-secret")
    api = api_for(settings, "wechat")
    assert api is not None
    api.tokens.get("warm-up")  # connect before the race
    ready.put(os.getpid())
    start.wait(30)
    out.put((os.getpid(), api.access_token()))


def _urls(tmp_path: Path, small_index: Settings) -> list[str]:
    urls = [f"sqlite:///{tmp_path / 'workers.sqlite3'}"]
    if small_index.resolved_database_url.startswith("postgresql"):  # TBT_TEST_ENGINES=scaled
        urls.append(small_index.resolved_database_url)
    return urls


@pytest.mark.parametrize("which", [0, 1])
def test_workers_fetch_one_token_and_share_it(which: int, tmp_path: Path, small_index: Settings,
                                              fake_api: FakeWeChatAPI) -> None:
    urls = _urls(tmp_path, small_index)
    if which >= len(urls):
        pytest.skip("no PostgreSQL database in this run (TBT_TEST_ENGINES=scaled provides one)")
    from assistant.db import init_db

    init_db(Settings(data_dir=tmp_path, database_url=urls[which]))  # migrate once, as `tbt serve` does
    ctx = mp.get_context("spawn")
    ready, start, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(str(tmp_path), urls[which], fake_api.url, ready, start, out))
             for _ in range(WORKERS)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=120)  # every worker is up: they all find the cache empty at once
    start.set()
    got = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    assert all(p.exitcode == 0 for p in procs)
    assert len({pid for pid, _ in got}) == WORKERS
    assert len(fake_api.token_requests) == 1, fake_api.token_requests  # one fetch, so no revoked token
    assert len({token for _, token in got}) == 1
