"""The scaled-out set-up on real engines, started on loopback ports for CI, load benchmarks and
trials: a throwaway PostgreSQL cluster (state), a Chroma server (vectors, `chroma run` from the
chromadb package) and the app under uvicorn with several worker processes.

Each piece is a context manager that starts a real server, waits until it answers, and stops it
(and removes its files) on exit; `scaled_app` chains the three over a copy of an existing index.
Other suites reuse them (see tests/hardening/conftest.py).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.config import Settings


class Unavailable(RuntimeError):
    """A server could not be started here (binaries missing, ...): callers skip with the reason."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, seconds: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise Unavailable(f"{url}: the server exited with code {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise Unavailable(f"{url} did not answer within {seconds:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


# -- PostgreSQL ----------------------------------------------------------------------------------
def pg_bindir() -> Path | None:
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(cand, "initdb").exists() and Path(cand, "pg_ctl").exists():
            return Path(cand)
    return None


@dataclass
class Postgres:
    bindir: Path
    root: Path
    port: int
    as_postgres: bool

    def run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def createdb(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = "tbt_" + uuid.uuid4().hex[:12]
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{name}"


@contextlib.contextmanager
def postgres() -> Iterator[Postgres]:
    """A throwaway cluster on a loopback port (trust auth; as `postgres` when run as root)."""
    bindir = pg_bindir()
    if bindir is None:
        raise Unavailable("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
    as_postgres = os.geteuid() == 0
    if as_postgres and shutil.which("runuser") is None:
        raise Unavailable("running as root without `runuser` to start PostgreSQL as postgres")
    root = Path(tempfile.mkdtemp(prefix="tbt-pg-"))
    os.chmod(root, 0o755)
    server = Postgres(bindir, root, free_port(), as_postgres)
    data = root / "data"
    data.mkdir()
    if as_postgres:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
    try:
        server.run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        server.run("pg_ctl", "-D", str(data), "-l", str(root / "server.log"), "-w", "-o",
                   f"-k {data} -p {server.port} -h 127.0.0.1 -F -c max_connections=200", "start")
    except (subprocess.CalledProcessError, OSError) as err:
        shutil.rmtree(root, ignore_errors=True)
        raise Unavailable(f"could not start PostgreSQL: {getattr(err, 'stderr', '') or err}") from err
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


# -- Chroma server -------------------------------------------------------------------------------
@contextlib.contextmanager
def chroma_server() -> Iterator[str]:
    """`chroma run` on a loopback port with its data in a temporary folder; yields its URL."""
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        raise Unavailable("the `chroma` command of the chromadb package is not installed")
    root = Path(tempfile.mkdtemp(prefix="tbt-chroma-"))
    port = free_port()
    log = (root / "chroma.log").open("wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen([str(exe), "run", "--path", str(root / "data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(url + "/api/v2/heartbeat", 60, proc)
        yield url
    finally:
        _stop(proc)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


# -- the app under several workers ---------------------------------------------------------------
@contextlib.contextmanager
def app_workers(settings: Settings, workers: int, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """uvicorn with `workers` processes serving `settings` on a loopback port; yields its URL once
    /healthz says the index is ready."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TBT_")}
    env.update({
        "TBT_DATA_DIR": str(settings.data_dir),
        "TBT_CORPUS_DIR": str(settings.corpus_dir),
        "TBT_LOG_LEVEL": "WARNING",
        **({"TBT_DATABASE_URL": settings.database_url} if settings.database_url else {}),
        **({"TBT_CHROMA_URL": settings.chroma_url} if settings.chroma_url else {}),
        **({"TBT_TODAY": settings.today} if settings.today else {}),
        **(extra_env or {}),
    })
    log_path = Path(tempfile.mkstemp(prefix="tbt-uvicorn-", suffix=".log")[1])
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "assistant.api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(url + "/healthz", 120, proc)
        # every worker loads its index on its first question: warm them all up
        with httpx.Client(timeout=120) as c:
            for _ in range(workers * 3):
                c.post(url + "/api/ask", json={"text": "LED lamps EU"})
        yield url
    finally:
        _stop(proc)
        log.close()
        log_path.unlink(missing_ok=True)


@contextlib.contextmanager
def scaled_settings(base: Settings, work: Path) -> Iterator[Settings]:
    """PostgreSQL + a Chroma server, with the current index of `base` copied and its vectors
    carried into the server by an ingest (nothing is re-embedded)."""
    from assistant.ingest.pipeline import run_ingest

    with postgres() as pg, chroma_server() as chroma_url:
        data = work / "data"
        shutil.copytree(base.data_dir / "index", data / "index")
        s = base.model_copy(update={"data_dir": data, "database_url": pg.createdb(),
                                    "chroma_url": chroma_url})
        run_ingest(s)  # the chroma URL is part of the key: a new generation on the server
        yield s
