"""FastAPI dependencies of the staff console: who is calling, with which role, and CSRF.

Every route under /api/staff and /staff declares the least role it needs with `require(...)`.
Anonymous calls get 401 (API) or a redirect to the login page (pages, see routes_pages); a role
that is too low gets 403. Unsafe methods must echo the session's CSRF token.
"""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from assistant.config import Settings, get_settings
from assistant.reports.service import get_report_store
from assistant.reports.store import ReportStore
from assistant.staff.accounts import Accounts, StaffUser

COOKIE = "tbt_staff"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_ACCOUNTS: dict[str, Accounts] = {}
_LOCK = threading.Lock()


def app_settings(request: Request) -> Settings:
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


def get_accounts(request: Request, store: Annotated[ReportStore, Depends(get_report_store)]) -> Accounts:
    settings = app_settings(request)
    key = str(store.engine.url)
    with _LOCK:
        if key not in _ACCOUNTS:
            _ACCOUNTS[key] = Accounts(store.engine, settings.staff_session_hours,
                                      settings.staff_max_failed_logins, settings.staff_lockout_minutes)
        return _ACCOUNTS[key]


AccountsDep = Annotated[Accounts, Depends(get_accounts)]


@dataclass(frozen=True)
class Caller:
    user: StaffUser
    csrf: str

    @property
    def actor(self) -> str:
        return f"staff:{self.user.username}"


def optional_caller(request: Request, accounts: AccountsDep) -> Caller | None:
    found = accounts.session(request.cookies.get(COOKIE))
    return Caller(*found) if found else None


class NotLoggedIn(HTTPException):
    def __init__(self) -> None:
        super().__init__(401, "请先登录 / Please log in")


def _check_csrf(request: Request, caller: Caller, form_token: str | None = None) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER) or form_token or ""
    if not hmac.compare_digest(sent.encode(), caller.csrf.encode()):
        raise HTTPException(403, "CSRF 校验失败，请刷新页面后重试 / CSRF check failed: reload the page and try again")


def require(role: str):  # type: ignore[no-untyped-def]
    """A dependency giving the caller when logged in with at least `role` (CSRF checked)."""

    async def dep(request: Request, caller: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
        if caller is None:
            raise NotLoggedIn()
        if not caller.user.can(role):
            raise HTTPException(403, f"需要 {role} 权限 / This needs the {role} role")
        form_token = None
        if request.method not in SAFE_METHODS and "form" in request.headers.get("content-type", ""):
            form = await request.form()
            value = form.get("csrf")
            form_token = value if isinstance(value, str) else None
        _check_csrf(request, caller, form_token)
        return caller

    return dep


Viewer = Annotated[Caller, Depends(require("viewer"))]
Triager = Annotated[Caller, Depends(require("triager"))]
Admin = Annotated[Caller, Depends(require("admin"))]
StoreDep = Annotated[ReportStore, Depends(get_report_store)]
