"""The process-wide ReportStore, one per database (FastAPI dependency; tests override it)."""

from __future__ import annotations

import threading

from assistant.config import get_settings
from assistant.reports.store import ReportStore

_STORES: dict[str, ReportStore] = {}
_STORES_LOCK = threading.Lock()


def get_report_store() -> ReportStore:
    """The store for the process settings, built once per database (the app may override this)."""
    settings = get_settings()
    key = settings.resolved_database_url
    with _STORES_LOCK:
        if key not in _STORES:
            _STORES[key] = ReportStore.from_settings(settings)
        return _STORES[key]
