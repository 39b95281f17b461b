"""The audit log: every login (good or bad), account change and report action, who and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from assistant.db import utcnow
from assistant.staff.models import AuditRow


def record(engine: Engine, actor: str, action: str, target: str | None = None,
           detail: dict[str, Any] | None = None, ip: str | None = None) -> None:
    with Session(engine) as db, db.begin():
        db.add(AuditRow(actor=actor[:100], action=action[:40], target=(target or "")[:100] or None,
                        detail=detail, ip=(ip or "")[:64] or None, at=utcnow()))


def recent(engine: Engine, limit: int = 200, action: str | None = None) -> list[dict[str, Any]]:
    with Session(engine) as db:
        q = select(AuditRow).order_by(AuditRow.id.desc()).limit(max(1, min(limit, 1000)))
        if action:
            q = q.where(AuditRow.action == action)
        return [{"actor": r.actor, "action": r.action, "target": r.target, "detail": r.detail,
                 "ip": r.ip, "at": r.at.isoformat() + "Z"} for r in db.scalars(q)]
