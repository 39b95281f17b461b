"""Chat sessions in the database (SQLite and PostgreSQL): load, save, expiry, ids."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from assistant.dialogue.sessions import SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 1, 12, 0)

    def __call__(self) -> dt.datetime:
        return self.now


def test_save_load_update_delete(db_engine: Engine) -> None:
    store = SessionStore(db_engine)
    assert store.load("web:abc") is None
    store.save("web:abc", {"lang": "zh", "intake": {"asking": "market"}, "text": "德国'; DROP TABLE x;--"}, 24)
    assert store.load("web:abc") == {"lang": "zh", "intake": {"asking": "market"}, "text": "德国'; DROP TABLE x;--"}
    store.save("web:abc", {"lang": "en"}, 24)
    assert store.load("web:abc") == {"lang": "en"}
    store.delete("web:abc")
    assert store.load("web:abc") is None


def test_sessions_expire_and_are_purged(db_engine: Engine) -> None:
    clock = Clock()
    store = SessionStore(db_engine, clock=clock)
    store.save("a", {"n": 1}, ttl_hours=1)
    store.save("b", {"n": 2}, ttl_hours=48)
    clock.now += dt.timedelta(hours=2)
    assert store.load("a") is None
    assert store.load("b") == {"n": 2}
    assert store.purge_expired() == 1
    assert store.purge_expired() == 0
    store.save("a", {"n": 3}, ttl_hours=1)  # an expired id can be used again
    assert store.load("a") == {"n": 3}


@pytest.mark.parametrize("bad", ["", "x" * 129, "has space", "tab\tid", "中文会话", None])
def test_bad_session_ids_are_rejected(sqlite_store, bad: object) -> None:
    store = SessionStore(sqlite_store.engine)
    with pytest.raises(ValueError):
        store.load(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        store.save(bad, {}, 1)  # type: ignore[arg-type]


def test_longest_id_is_accepted(db_engine: Engine) -> None:
    store = SessionStore(db_engine)
    sid = "wx:" + "o" * 125
    store.save(sid, {"ok": True}, 1)
    assert store.load(sid) == {"ok": True}
