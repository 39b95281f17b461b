"""Alert passes inside `tbt serve`, every TBT_ALERTS_INTERVAL_MINUTES (off when 0, the default).

A daemon thread runs the same pass as `tbt alerts run`; since passes are safe to run at once, a
cron job beside it does no harm. A failing pass is logged and the next one runs on time.
"""

from __future__ import annotations

import logging
import threading

from assistant.config import Settings

log = logging.getLogger(__name__)


def start_alert_scheduler(settings: Settings) -> threading.Event | None:
    """Start the periodic pass when configured; the Event that stops it, or None when off."""
    minutes = settings.alerts_interval_minutes
    if minutes <= 0:
        return None
    stop = threading.Event()

    def loop() -> None:
        from assistant.alerts.email import register_email
        from assistant.alerts.runner import run_pass
        from assistant.notify import registry

        register_email(settings, registry)
        while not stop.wait(minutes * 60):
            try:
                report = run_pass(settings)
                log.info("alerts pass: %s", report.as_dict())
            except Exception:  # noqa: BLE001 - logged; the next pass runs anyway
                log.exception("alerts pass failed")

    threading.Thread(target=loop, name="tbt-alerts", daemon=True).start()
    return stop
