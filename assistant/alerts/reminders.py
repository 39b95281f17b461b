"""Comment-deadline reminders: which reminder (10 or 3 working days before, by default) is due.

Working days are Monday to Friday; public holidays are not known here. Each reminder has a window
from its own day until the next reminder's day (the last one until the deadline itself), so a pass
that missed a day still sends it late, once, and a notification that arrives late gets only the
reminder that is still meaningful.
"""

from __future__ import annotations

import datetime as dt


def parse_days(text: str) -> tuple[int, ...]:
    """"10,3" -> (10, 3): distinct positive numbers, largest first; bad parts are ignored."""
    out = set()
    for part in str(text or "").split(","):
        part = part.strip()
        if part.isdigit() and 0 < int(part) <= 60:
            out.add(int(part))
    return tuple(sorted(out, reverse=True))


def working_days_before(deadline: dt.date, n: int) -> dt.date:
    """The date `n` working days (Mon-Fri) before `deadline`."""
    day = deadline
    left = n
    while left > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def due_reminder(deadline: dt.date | None, today: dt.date, days: tuple[int, ...]) -> int | None:
    """The reminder (its number of working days) whose window holds `today`, or None."""
    if deadline is None or today > deadline or not days:
        return None
    starts = [(n, working_days_before(deadline, n)) for n in days]  # largest first
    due = None
    for n, start in starts:
        if today >= start:
            due = n  # later (smaller) reminders override earlier ones once their day comes
    return due
