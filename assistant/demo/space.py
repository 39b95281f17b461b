"""The demo's own data folder: sessions and reports labelled demo, apart from real data.

`prepare` makes a folder holding a DEMO.json marker, its own SQLite database and a link to the
real index (read-only use: nothing is ingested there), and returns the Settings that point at it.
`reset` empties that database; it refuses any folder without the marker, so a reset can never
touch real data.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData

from assistant.config import Settings

MARKER = "DEMO.json"
LABEL = "demo"
KEEP = {"index", MARKER}  # what a reset leaves in the folder (the database is emptied, not removed)
SESSION_PREFIX = "demo-"
CHANNEL = "demo"  # the channel recorded on demo reports: no notifier exists for it


class DemoError(RuntimeError):
    """The demo folder cannot be used (for example: a non-empty folder that is not a demo's)."""


@dataclass(frozen=True)
class ResetResult:
    rows: dict[str, int]
    files: int

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def default_dir(base: Settings) -> Path:
    return base.data_dir / LABEL


def is_demo(settings: Settings) -> bool:
    """Whether these settings are a demo's (marker present, database inside the demo folder)."""
    return settings.database_url is None and (settings.data_dir / MARKER).is_file()


def _database_files(demo_dir: Path) -> set[str]:
    return {p.name for p in demo_dir.glob("tbt.sqlite3*")}


def prepare(base: Settings, demo_dir: Path | None = None) -> Settings:
    """Settings for a demo over `base`'s index, with state in `demo_dir` (default <data>/demo)."""
    folder = (demo_dir or default_dir(base)).resolve()
    index = base.index_dir.resolve()
    if folder == base.data_dir.resolve() or index.is_relative_to(folder):
        raise DemoError(f"the demo folder {folder} must not be the real data folder")
    marker = folder / MARKER
    if folder.exists() and not marker.is_file() and any(folder.iterdir()):
        raise DemoError(f"{folder} is not empty and is not a demo folder; choose another --demo-dir")
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "index"
    if link.is_symlink() and link.resolve() != index:
        link.unlink()
    if not link.exists() and not link.is_symlink():
        link.symlink_to(index, target_is_directory=True)
    if not marker.is_file():
        info = {"label": LABEL, "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "index": str(index),
                "note": "Workshop demo data: sessions and reports here are demo data, not real."}
        marker.write_text(json.dumps(info, indent=2), encoding="utf-8")
    settings = base.model_copy(update={"data_dir": folder, "database_url": None})
    _migrate(settings)
    return settings


def _migrate(settings: Settings) -> None:
    """Bring the demo database to the newest schema once, before any server thread uses it."""
    from assistant.db import init_db

    init_db(settings).dispose()


def reset(settings: Settings) -> ResetResult:
    """Empty the demo database and remove anything else the demo wrote; real data is untouched."""
    if not is_demo(settings):
        raise DemoError("not a demo folder: refusing to reset")
    from assistant.db import make_engine

    engine = make_engine(settings.resolved_database_url)
    rows: dict[str, int] = {}
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.begin() as conn:
            for table in reversed(meta.sorted_tables):
                if table.name == "alembic_version":
                    continue
                rows[table.name] = int(conn.execute(table.delete()).rowcount or 0)
    finally:
        engine.dispose()
    files = 0
    keep = KEEP | _database_files(settings.data_dir)
    for path in settings.data_dir.iterdir():
        if path.name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        files += 1
    return ResetResult(rows={k: v for k, v in rows.items() if v}, files=files)


def new_session_id() -> str:
    """A web session id labelled demo (the core stores the conversation under it)."""
    import secrets

    return SESSION_PREFIX + secrets.token_urlsafe(12)
