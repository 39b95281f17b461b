"""Databases for the report tests: SQLite in a tmp dir, and a throwaway real PostgreSQL cluster.

`pg_server` starts PostgreSQL once per session with the server binaries on the machine (initdb,
pg_ctl; as the `postgres` user when the tests run as root) and stops it at the end; it skips with
the reason when the binaries are missing. `db_engine` is parametrised over both databases, each
test getting a fresh database with the schema migrated to head by `init_db`.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from assistant.config import Settings
from assistant.db import init_db
from assistant.reports.store import ReportStore


def _pg_bindir() -> Path | None:
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(cand, "initdb").exists() and Path(cand, "pg_ctl").exists():
            return Path(cand)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self, bindir: Path, root: Path, port: int, as_postgres: bool) -> None:
        self.bindir, self.root, self.port, self.as_postgres = bindir, root, port, as_postgres
        self.data = root / "data"

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / tool), *args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{dbname}"

    def createdb(self) -> str:
        name = "tbt_" + uuid.uuid4().hex[:12]
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return name

    def dropdb(self, name: str) -> None:
        self.run("dropdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "--if-exists", "--force", name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL cluster of our own for this test session (skips if PostgreSQL is absent)."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    as_postgres = os.geteuid() == 0
    if as_postgres and shutil.which("runuser") is None:
        pytest.skip("running as root but `runuser` is missing to start PostgreSQL as the postgres user")
    root = Path(tempfile.mkdtemp(prefix="tbt-pg-"))
    os.chmod(root, 0o755)
    server = PgServer(bindir, root, _free_port(), as_postgres)
    server.data.mkdir()
    if as_postgres:
        shutil.chown(root, "postgres")
        shutil.chown(server.data, "postgres")
    try:
        server.run("initdb", "-D", str(server.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        server.run("pg_ctl", "-D", str(server.data), "-l", str(root / "server.log"), "-w", "-o",
                   f"-k {server.data} -p {server.port} -h 127.0.0.1 -F", "start")
    except (subprocess.CalledProcessError, OSError) as err:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(err, "stderr", "") or str(err)
        pytest.skip(f"could not start a throwaway PostgreSQL cluster: {detail.strip()[:300]}")
    try:
        yield server
    finally:
        try:
            server.run("pg_ctl", "-D", str(server.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh database: SQLite under tmp, or a new database on the test cluster."""
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = server.createdb()
    try:
        yield Settings(data_dir=tmp_path / "data", database_url=server.url(name))
    finally:
        server.dropdb(name)


@pytest.fixture
def db_engine(db_settings: Settings) -> Iterator[Engine]:
    engine = init_db(db_settings)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def report_store(db_engine: Engine) -> ReportStore:
    return ReportStore(db_engine)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[ReportStore]:
    """SQLite only: for the conversation tests, which do not depend on the database engine."""
    engine = init_db(Settings(data_dir=tmp_path / "data"))
    try:
        yield ReportStore(engine)
    finally:
        engine.dispose()


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reports"


@pytest.fixture(scope="session")
def vocab():  # type: ignore[no-untyped-def]
    """The shipped product vocabulary (corpus/vocab), as the assistant uses it."""
    from assistant.config import PROJECT_ROOT
    from assistant.retrieve.products import ProductVocabulary

    return ProductVocabulary.load(PROJECT_ROOT / "corpus")


@pytest.fixture(scope="session")
def rasff_linker():  # type: ignore[no-untyped-def]
    """A linker over six real RASFF rows (tests/fixtures/reports): food-contact alerts whose hazard
    matches the HS chapter of the product reported (39 melamine, 69 lead), most recent first."""
    import csv

    with (FIXTURES / "rasff_china_sample.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))

    def link(text: str, markets: list[str], hs: list[str]) -> list[tuple[str, str]]:
        chapter = hs[0][:2] if hs else ""
        hazard = {"39": "melamine", "69": "lead"}.get(chapter)
        if hazard is None and re.search(r"ceramic|陶瓷", text, re.I):
            hazard = "lead"
        if hazard is None:
            return []
        return [(f"RASFF {r['Reference']}", r["Product"]) for r in rows
                if r["Hazard Substance"].lower().startswith(hazard)]

    return link
