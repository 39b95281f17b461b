"""Staff accounts and logins: argon2 password hashes, sessions with expiry, CSRF tokens and
lock-out after repeated failures. Every outcome is written to the audit log.

The session cookie carries a random token; the table keeps only its SHA-256, so reading the
database does not let anyone log in. Each session has its own CSRF token that every unsafe
request must echo (header `X-CSRF-Token` or form field `csrf`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.db import utcnow
from assistant.staff import audit
from assistant.staff.models import ROLE_RANK, Role, StaffSessionRow, StaffUserRow

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not-a-real-password")  # equal work for unknown user names
USERNAME_RE = re.compile(r"[A-Za-z0-9_.\-]{2,64}")
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A bilingual message about an account operation that was refused."""


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    role: str
    active: bool = True

    def can(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


@dataclass(frozen=True)
class Login:
    user: StaffUser
    token: str  # goes into the cookie, never stored
    csrf: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class LoginFailed:
    locked: bool
    message_zh: str
    message_en: str


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row: StaffUserRow) -> StaffUser:
    return StaffUser(row.id, row.username, row.role, row.active)


class Accounts:
    def __init__(self, engine: Engine, session_hours: float = 12, max_failed: int = 5,
                 lockout_minutes: float = 15) -> None:
        self.engine = engine
        self.session_hours = session_hours
        self.max_failed = max_failed
        self.lockout = dt.timedelta(minutes=lockout_minutes)

    # --- accounts --------------------------------------------------------------------------

    def add(self, username: str, password: str, role: str, actor: str = "cli") -> StaffUser:
        username = username.strip()
        if not USERNAME_RE.fullmatch(username):
            raise AccountError("用户名为 2–64 个字母、数字或 _.- / A user name is 2-64 letters, digits or _.-")
        if role not in ROLE_RANK:
            raise AccountError("角色应为 viewer、triager 或 admin / Role must be viewer, triager or admin")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符 / A password needs at least {MIN_PASSWORD} characters")
        try:
            with Session(self.engine) as db, db.begin():
                row = StaffUserRow(username=username, password_hash=_HASHER.hash(password), role=role,
                                   active=True, failed_logins=0, created_at=utcnow())
                db.add(row)
                db.flush()
                user = _user(row)
        except IntegrityError as err:
            raise AccountError(f"用户 {username} 已存在 / User {username} already exists") from err
        audit.record(self.engine, actor, "account.add", username, {"role": role})
        return user

    def list(self) -> list[StaffUser]:
        with Session(self.engine) as db:
            return [_user(r) for r in db.scalars(select(StaffUserRow).order_by(StaffUserRow.username))]

    def get(self, username: str) -> StaffUser | None:
        with Session(self.engine) as db:
            row = db.scalars(select(StaffUserRow).where(StaffUserRow.username == username)).first()
            return _user(row) if row else None

    def update(self, username: str, actor: str, *, role: str | None = None, active: bool | None = None,
               password: str | None = None) -> StaffUser:
        if role is not None and role not in ROLE_RANK:
            raise AccountError("角色应为 viewer、triager 或 admin / Role must be viewer, triager or admin")
        if password is not None and len(password) < MIN_PASSWORD:
            raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符 / A password needs at least {MIN_PASSWORD} characters")
        with Session(self.engine) as db, db.begin():
            row = db.scalars(select(StaffUserRow).where(StaffUserRow.username == username)).first()
            if row is None:
                raise AccountError(f"没有用户 {username} / No user {username}")
            changed: dict[str, object] = {}
            if role is not None and role != row.role:
                changed["role"] = [row.role, role]
                row.role = role
            if active is not None and active != row.active:
                changed["active"] = [row.active, active]
                row.active = active
            if password is not None:
                row.password_hash = _HASHER.hash(password)
                row.failed_logins, row.locked_until = 0, None
                changed["password"] = "changed"
            if changed:  # a changed role, a disabled account or a new password ends every login
                db.execute(delete(StaffSessionRow).where(StaffSessionRow.user_id == row.id))
            user = _user(row)
        audit.record(self.engine, actor, "account.update", username, changed)
        return user

    # --- logins ----------------------------------------------------------------------------

    def login(self, username: str, password: str, ip: str | None = None) -> Login | LoginFailed:
        now = utcnow()
        bad = LoginFailed(False, "用户名或密码错误。", "Wrong user name or password.")
        with Session(self.engine) as db, db.begin():
            row = db.scalars(select(StaffUserRow).where(StaffUserRow.username == username[:64])).first()
            if row is None or not row.active:
                _verify(_DUMMY_HASH, password)
                outcome: Login | LoginFailed = bad
            elif row.locked_until is not None and row.locked_until > now:
                outcome = self._locked(row.locked_until, now)
            elif not _verify(row.password_hash, password):
                row.failed_logins += 1
                if row.failed_logins >= self.max_failed:
                    row.locked_until, row.failed_logins = now + self.lockout, 0
                    outcome = self._locked(row.locked_until, now)
                else:
                    outcome = bad
            else:
                row.failed_logins, row.locked_until = 0, None
                if _HASHER.check_needs_rehash(row.password_hash):
                    row.password_hash = _HASHER.hash(password)
                token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
                expires = now + dt.timedelta(hours=self.session_hours)
                db.add(StaffSessionRow(id=_hash_token(token), user_id=row.id, csrf=csrf, created_at=now,
                                       expires_at=expires))
                db.execute(delete(StaffSessionRow).where(StaffSessionRow.expires_at < now))
                outcome = Login(_user(row), token, csrf, expires)
        if isinstance(outcome, Login):
            audit.record(self.engine, username, "login.ok", username, ip=ip)
        else:
            audit.record(self.engine, username[:64], "login.locked" if outcome.locked else "login.failed",
                         username[:64], ip=ip)
        return outcome

    @staticmethod
    def _locked(until: dt.datetime, now: dt.datetime) -> LoginFailed:
        minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        return LoginFailed(True, f"登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试。",
                           f"Too many failed logins: the account is locked; try again in {minutes} minutes.")

    def session(self, token: str | None) -> tuple[StaffUser, str] | None:
        """The user and CSRF token of a live session, or None (unknown, expired, disabled)."""
        if not token or len(token) > 200:
            return None
        with Session(self.engine) as db:
            row = db.get(StaffSessionRow, _hash_token(token))
            if row is None or row.expires_at <= utcnow():
                return None
            user = db.get(StaffUserRow, row.user_id)
            if user is None or not user.active:
                return None
            return _user(user), row.csrf

    def logout(self, token: str | None, actor: str) -> None:
        if not token:
            return
        with Session(self.engine) as db, db.begin():
            db.execute(delete(StaffSessionRow).where(StaffSessionRow.id == _hash_token(token)))
        audit.record(self.engine, actor, "logout", actor)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password[:1024])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
