"""`tbt demo`: workshop mode in one command, offline.

It builds the index of the shipped corpus only when there is none (a second start reuses it and
is serving within seconds), prepares the demo data folder beside the real data, and serves the
app with the projector page at /demo. The real data folder is only read.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from assistant.config import Settings, get_settings
from assistant.demo import space


def ensure_index(base: Settings, say: Callable[[str], None] = print) -> bool:
    """Build the index of `base` when it has none; True when it had to be built."""
    from assistant.index.store import current_generation

    if current_generation(base) is not None:
        return False
    from assistant.ingest.pipeline import run_ingest

    say("No index yet: building it from the shipped corpus (a few minutes, once) …")
    started = time.monotonic()
    report = run_ingest(base)
    say(f"Index built: {report.records} records in {time.monotonic() - started:.0f} s.")
    return True


def demo_settings(base: Settings, demo_dir: Path | None = None, reset_first: bool = False) -> Settings:
    """The demo's settings, made the process settings too (so every part of the app agrees)."""
    settings = space.prepare(base, demo_dir)
    if reset_first:
        space.reset(settings)
    os.environ["TBT_DATA_DIR"] = str(settings.data_dir)
    os.environ.pop("TBT_DATABASE_URL", None)
    get_settings.cache_clear()
    return settings


def run_demo(base: Settings, host: str, port: int, demo_dir: Path | None = None,
             reset_first: bool = False, say: Callable[[str], None] = print) -> None:
    import uvicorn

    from assistant.api.app import create_app

    ensure_index(base, say)
    settings = demo_settings(base, demo_dir, reset_first)
    say(f"Workshop mode: http://{host}:{port}/demo  (demo data in {settings.data_dir}; "
        f"Ctrl+C to stop)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
