"""Items 1-4 of issue 13: no citation hijack, one ingest at a time with sound vectors, failing
files named clearly (and once), progress with estimates and a one-line warning summary."""

from __future__ import annotations

import fcntl
import io
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import PROJECT_ROOT, Settings, get_settings
from assistant.index.store import (
    current_generation,
    index_root,
    load_index,
    read_manifest,
    vector_index_for,
    vector_problem,
)
from assistant.ingest.base import IngestIssue
from assistant.ingest.pipeline import LOCK_FILE, IngestBusy, run_ingest
from assistant.ingest.progress import ProgressPrinter, issue_lines

CORPUS = PROJECT_ROOT / "corpus"
HIJACK = """# CPSIA

fixture: a user's own notes. Our supplier says every toy must be painted blue under this
law and tested by the supplier's cousin. This is not what the law says.
"""


def _tiny_corpus(root: Path) -> Path:
    """The curated notifications and forms only (a few seconds to embed)."""
    corpus = root / "corpus"
    (corpus / "curated").mkdir(parents=True)
    for name in ("notifications.yaml", "forms.yaml"):
        shutil.copy(CORPUS / "curated" / name, corpus / "curated" / name)
    shutil.copytree(CORPUS / "vocab", corpus / "vocab")
    return corpus


@pytest.fixture()
def tiny(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", corpus_dir=_tiny_corpus(tmp_path))


@pytest.fixture()
def indexed_copy(small_index: Settings, tmp_path: Path) -> Settings:
    """A private copy of the shared small index (so adding files does not disturb others)."""
    shutil.copytree(small_index.data_dir / "index", tmp_path / "data" / "index")
    return small_index.model_copy(update={"data_dir": tmp_path / "data"})


def _cli(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"TBT_DATA_DIR": str(settings.data_dir), "TBT_CORPUS_DIR": str(settings.corpus_dir)}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, list(args), env=env)
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output


# -- 1. a user-added file never takes over another record's citations -------------------------
def test_user_file_with_an_existing_ref_gets_its_own_record(indexed_copy: Settings, tmp_path: Path) -> None:
    notes = tmp_path / "mine" / "cpsia_notes.md"
    notes.parent.mkdir()
    notes.write_text(HIJACK, encoding="utf-8")
    report = run_ingest(indexed_copy, [notes])
    assert report.ok and report.exit_code == 0
    idx = load_index(indexed_copy)
    assert idx.record_rows["CPSIA"]["type"] == "regulation"  # the curated act is untouched
    cpsia_text = " ".join(r["text"] for r in idx.chunk_rows if r["ref"] == "CPSIA")
    assert "painted blue" not in cpsia_text
    own = [r for r in idx.chunk_rows if "painted blue" in r["text"]]
    assert own and all(r["ref"] != "CPSIA" and "cpsia_notes.md" in r["ref"] for r in own)
    prov = idx.provenance(own[0]["ref"])
    assert prov is not None and prov["user_added"] and prov["file"].endswith("cpsia_notes.md")
    assert prov["loader"] == "text"
    shipped = idx.provenance("CPSIA")
    assert shipped is not None and not shipped["user_added"]
    assert any("cpsia_notes.md" in str(i) and "CPSIA" in str(i) for i in report.issues)


def test_the_answer_never_quotes_the_file_as_the_act(indexed_copy: Settings, tmp_path: Path) -> None:
    from assistant.dialogue.assistant import Assistant

    notes = tmp_path / "cpsia.md"
    notes.write_text(HIJACK, encoding="utf-8")
    run_ingest(indexed_copy, [notes])
    answer = Assistant(indexed_copy).ask("玩具出口美国需要什么？", lang="zh", channel="cli")
    for c in answer.citations:
        if c.ref == "CPSIA":
            assert "painted blue" not in c.snippet
    if "painted blue" in answer.text:  # quoted only under the file's own name
        assert any("cpsia.md" in c.ref for c in answer.citations)


OWN_NOTES = """# Marble licence notes

fixture: a user's own notes. Importers of glass marbles need a Marble Licence from the marble
licensing bureau before the first shipment; the licence costs 40 units and lasts two years.
"""


def test_an_answer_resting_only_on_a_local_file_says_so(indexed_copy: Settings, tmp_path: Path) -> None:
    from assistant.dialogue.assistant import Assistant

    notes = tmp_path / "marble_notes.md"
    notes.write_text(OWN_NOTES, encoding="utf-8")
    run_ingest(indexed_copy, [notes])
    assistant = Assistant(indexed_copy)
    answer = assistant.ask("What does the Marble Licence for glass marbles cost?", lang="en", channel="cli")
    assert not answer.refused and answer.citations
    assert all(c.added_from == "marble_notes.md" for c in answer.citations)
    assert answer.text.startswith("Note:") and "marble_notes.md" in answer.text.split("\n")[0]
    shipped = assistant.ask("玩具出口美国需要什么？", lang="zh", channel="cli")
    assert shipped.citations and not any(c.added_from for c in shipped.citations)
    assert not shipped.text.startswith("注意")

    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    with TestClient(create_app(indexed_copy)) as client:
        page = client.get("/records/" + answer.citations[0].ref, params={"lang": "en"})
        assert page.status_code == 200 and "added locally from" in page.text and "marble_notes.md" in page.text
        cpsia = client.get("/records/CPSIA", params={"lang": "en"})
        assert cpsia.status_code == 200 and "added locally from" not in cpsia.text


# -- 2. one ingest at a time; vectors always match chunks ------------------------------------
def test_a_second_ingest_waits_for_the_first(tiny: Settings) -> None:
    run_ingest(tiny)
    lock = index_root(tiny) / LOCK_FILE
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as if another `tbt ingest` were running
    try:
        with pytest.raises(IngestBusy):
            run_ingest(tiny, force=True, wait=False)
        stages: list[str] = []
        done: list[object] = []
        t = threading.Thread(target=lambda: done.append(
            run_ingest(tiny, force=True, progress=lambda s, d, n: stages.append(s))))
        t.start()
        time.sleep(1.0)
        assert not done and "wait" in stages  # blocked, and it says so
    finally:
        os.close(fd)
    t.join(120)
    assert done
    gen = current_generation(tiny)
    assert gen is not None and vector_problem(tiny, gen, read_manifest(gen)) is None


def test_two_ingest_processes_at_once_leave_a_sound_index(tiny: Settings) -> None:
    import subprocess
    import sys

    run_ingest(tiny)
    env = {**os.environ, "TBT_DATA_DIR": str(tiny.data_dir), "TBT_CORPUS_DIR": str(tiny.corpus_dir)}
    cmd = [sys.executable, "-m", "assistant.cli", "ingest", "--force"]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    second = subprocess.run(cmd, env=env, capture_output=True, timeout=300)
    assert first.wait(300) == 0 and second.returncode == 0
    gen = current_generation(tiny)
    assert gen is not None
    m = read_manifest(gen)
    assert vector_problem(tiny, gen, m) is None
    assert vector_index_for(tiny, gen, m).count() == m["chunks"] > 0


def test_a_generation_with_missing_vectors_is_reported_and_healed(tiny: Settings) -> None:
    run_ingest(tiny)
    gen = current_generation(tiny)
    assert gen is not None
    m = read_manifest(gen)
    store = vector_index_for(tiny, gen, m)
    store.delete(sorted(store.ids()))  # what the old race left behind: 0 vectors
    for name in ("vectors.npy", "vector_ids.json"):
        (gen / name).unlink()
    assert "0 vectors" in (vector_problem(tiny, gen, m) or "")
    code, out = _cli(tiny, "stats")
    assert code == 1 and "0 vectors" in out
    report = run_ingest(tiny)  # not a no-op, and nothing reused from the empty store
    assert not report.noop and report.reused == 0 and report.embedded == report.chunks
    new = current_generation(tiny)
    assert new is not None and vector_problem(tiny, new, read_manifest(new)) is None


def test_healthz_reports_a_vector_mismatch(tiny: Settings) -> None:
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    run_ingest(tiny)
    gen = current_generation(tiny)
    assert gen is not None
    (gen / "vector_ids.json").write_text('["only-one"]', encoding="utf-8")
    import numpy as np

    np.save(gen / "vectors.npy", np.ones((1, 512), dtype=np.float32))
    with TestClient(create_app(tiny)) as c:
        index = c.get("/healthz").json()["index"]
    assert index["ready"] is False and "1 vectors" in index["problem"]


# -- 3. failing files: exit non-zero, say why in the format's terms, only once ---------------
def test_named_bad_files_fail_the_run_with_reasons(tiny: Settings, tmp_path: Path) -> None:
    run_ingest(tiny)
    zipped = tmp_path / "report.pdf"
    zipped.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a ZIP archive renamed .pdf
    huge = tmp_path / "dump.txt"
    with huge.open("wb") as fh:  # 50 MB, sparse: refused before it is read
        fh.truncate(50 * 1024 * 1024)
    started = time.perf_counter()
    code, out = _cli(tiny, "ingest", str(zipped), str(huge))
    assert time.perf_counter() - started < 60
    assert code == 1
    assert "not a PDF: this is a ZIP archive" in out
    assert "too large" in out and "TBT_MAX_FILE_MB" in out
    # the next plain run does not drag the bad files along and report them again
    code, out = _cli(tiny, "ingest")
    assert code == 0
    assert "report.pdf" not in out and "dump.txt" not in out


# -- 4. progress with elapsed time and an estimate; warnings in one line ----------------------
def test_progress_lines_have_elapsed_and_estimate() -> None:
    now = [0.0]
    out = io.StringIO()
    p = ProgressPrinter(out, every=0.0, clock=lambda: now[0])
    for done in range(0, 25297, 256):
        now[0] += 1.5
        p("embed", done, 25297)
    p("embed", 25297, 25297)
    lines = out.getvalue().splitlines()
    assert len(lines) > 50  # every batch, not 6,000-chunk jumps
    assert "elapsed" in lines[20] and "left" in lines[20]
    assert "done in" in lines[-1]


def test_embed_progress_is_reported_batch_by_batch(tiny: Settings) -> None:
    calls: list[tuple[str, int, int]] = []
    run_ingest(tiny, progress=lambda s, d, n: calls.append((s, d, n)))
    embed = [c for c in calls if c[0] == "embed"]
    assert embed[0][1] == 0 and embed[-1][1] == embed[-1][2] > 0


def test_known_warnings_take_one_line() -> None:
    issues = [IngestIssue("corpus/gacc/gacc_regulations.jsonl", f"公告 {i} appears again; merged", i,
                          severity="warning") for i in range(23)]
    issues += [IngestIssue("corpus/gacc/policy_interpretations.json", "no text", 5, severity="warning")] * 2
    issues.append(IngestIssue("/tmp/x.pdf", "not a PDF: this is a ZIP archive"))
    lines = issue_lines(issues)
    assert len(lines) == 2
    assert lines[0].startswith("error:") and "ZIP" in lines[0]
    assert "25 warning" in lines[1]


@pytest.fixture(autouse=True)
def _no_leaked_settings() -> Iterator[None]:
    yield
    get_settings.cache_clear()
