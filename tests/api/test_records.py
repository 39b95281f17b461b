"""GET /api/records/{ref} and the record page, for refs with slashes, spaces and Chinese."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.index.store import load_index

SYMBOL = "G/TBT/N/USA/867/Add.1"
CHINESE_REF = "海关总署公告〔2024〕151号"


def enc(ref: str) -> str:
    return quote(ref, safe="")


def test_record_by_encoded_symbol(client: TestClient) -> None:
    r = client.get(f"/api/records/{enc(SYMBOL)}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ref"] == SYMBOL
    assert body["type"] == "notification"
    assert body["core_symbol"] == "G/TBT/N/USA/867"
    # slashes left as they are work too
    assert client.get(f"/api/records/{SYMBOL}").json()["ref"] == SYMBOL


def test_record_by_chinese_ref(client: TestClient) -> None:
    r = client.get(f"/api/records/{enc(CHINESE_REF)}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ref"] == CHINESE_REF
    assert body["type"] == "announcement"


def test_record_with_spaces_and_parentheses(client: TestClient, small_index: Settings) -> None:
    ref = next(r for r in load_index(small_index).record_rows if " " in r and "(" in r)
    r = client.get(f"/api/records/{enc(ref)}")
    assert r.status_code == 200
    assert r.json()["ref"] == ref


def test_unknown_ref_is_404_with_the_ref(client: TestClient) -> None:
    r = client.get(f"/api/records/{enc('G/TBT/N/EU/99999')}")
    assert r.status_code == 404
    assert "G/TBT/N/EU/99999" in r.json()["error"]


def test_records_without_index(empty_client: TestClient) -> None:
    r = empty_client.get(f"/api/records/{enc(SYMBOL)}")
    assert r.status_code == 503


def test_broken_index_is_a_500_without_traceback(
    tmp_path, small_index: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A generation whose files were damaged on disk: logged, answered with a short JSON 500."""
    import shutil

    from assistant.api.app import create_app
    from assistant.index.store import current_generation

    settings = Settings(data_dir=tmp_path / "data", corpus_dir=small_index.corpus_dir)
    shutil.copytree(small_index.data_dir / "index", settings.data_dir / "index")
    gen = current_generation(settings)
    assert gen is not None
    (gen / "records.jsonl").write_bytes(b"{not json\n")
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        r = c.get(f"/api/records/{enc(SYMBOL)}")
    assert r.status_code == 500
    assert set(r.json()) == {"error"}
    assert "Traceback" not in r.text and "records.jsonl" not in r.text
    assert any("unhandled error" in rec.message for rec in caplog.records)


def test_record_page_shows_the_fields(client: TestClient) -> None:
    r = client.get(f"/records/{enc(SYMBOL)}")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    assert SYMBOL in r.text
    assert 'href="/records/G/TBT/N/USA/867"' in r.text or "G/TBT/N/USA/867" in r.text
    page = client.get(f"/records/{enc(CHINESE_REF)}")
    assert page.status_code == 200 and CHINESE_REF in page.text


def test_record_page_unknown_ref_is_404_page(client: TestClient) -> None:
    r = client.get("/records/" + enc("<b>nope</b>"))
    assert r.status_code == 404
    assert "&lt;b&gt;nope&lt;/b&gt;" in r.text
    assert "<b>nope</b>" not in r.text
