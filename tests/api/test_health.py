"""GET /healthz reports whether the index exists, and picks it up without a restart."""

from __future__ import annotations

import shutil

from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.index.store import current_generation, read_manifest


def test_healthz_without_index(empty_client: TestClient) -> None:
    r = empty_client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert {k: body["index"][k] for k in ("ready", "generation", "records", "chunks", "last_ingest")} == {
        "ready": False, "generation": None, "records": 0, "chunks": 0, "last_ingest": None}
    assert not body["index"].get("problem")


def test_healthz_with_index(client: TestClient, small_index: Settings) -> None:
    gen = current_generation(small_index)
    assert gen is not None
    manifest = read_manifest(gen)
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["index"]["ready"] is True
    assert body["index"]["generation"] == gen.name
    assert body["index"]["records"] == manifest["records"] > 300
    assert body["index"]["chunks"] >= body["index"]["records"]
    assert body["index"]["last_ingest"] == manifest["created"]


def test_index_built_after_start_is_served_without_restart(
    empty_client: TestClient, empty_settings: Settings, small_index: Settings
) -> None:
    assert empty_client.get("/healthz").json()["index"]["ready"] is False
    assert empty_client.get("/api/search", params={"q": "goji"}).status_code == 503
    # what `tbt ingest` leaves behind appears while the app runs
    shutil.copytree(small_index.data_dir / "index", empty_settings.data_dir / "index")
    assert empty_client.get("/healthz").json()["index"]["ready"] is True
    r = empty_client.get("/api/search", params={"q": "goji berries"})
    assert r.status_code == 200
    assert r.json()["hits"]
