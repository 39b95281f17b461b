"""`tbt staff ...`: staff accounts from the command line (the first admin is made here), and
`tbt bench staff`."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from assistant.config import get_settings

staff_app = typer.Typer(no_args_is_help=True, help="Staff console accounts (argon2 password hashes).")


def _accounts():  # type: ignore[no-untyped-def]
    from assistant.db import init_db
    from assistant.staff.accounts import Accounts

    s = get_settings()
    return Accounts(init_db(s), s.staff_session_hours, s.staff_max_failed_logins, s.staff_lockout_minutes)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password / 密码", hide_input=True, confirmation_prompt=True))


@staff_app.command("add")
def add(
    user: Annotated[str, typer.Argument(help="User name (letters, digits, _.-).")],
    role: Annotated[str, typer.Option("--role", help="viewer | triager | admin")] = "viewer",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Create a staff account (prompts for the password)."""
    from assistant.staff.accounts import AccountError

    try:
        u = _accounts().add(user, _password(password_stdin), role, actor="cli")
    except AccountError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from err
    typer.echo(f"added {u.username} ({u.role})")


@staff_app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Staff accounts with their role and whether they are active."""
    users = _accounts().list()
    if as_json:
        typer.echo(json.dumps([u.__dict__ for u in users]))
        return
    for u in users:
        typer.echo(f"{u.username:<24} {u.role:<8} {'active' if u.active else 'disabled'}")


@staff_app.command("set")
def set_(
    user: Annotated[str, typer.Argument()],
    role: Annotated[str | None, typer.Option("--role")] = None,
    disable: Annotated[bool, typer.Option("--disable")] = False,
    enable: Annotated[bool, typer.Option("--enable")] = False,
    password: Annotated[bool, typer.Option("--password", help="Set a new password (prompted).")] = False,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Change a role, disable or enable an account, or reset its password (ends its logins)."""
    from assistant.staff.accounts import AccountError

    active = False if disable else True if enable else None
    new_password = _password(password_stdin) if (password or password_stdin) else None
    try:
        u = _accounts().update(user, "cli", role=role, active=active, password=new_password)
    except AccountError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from err
    typer.echo(f"{u.username} ({u.role}, {'active' if u.active else 'disabled'})")


def register_bench(bench_app: typer.Typer) -> None:
    @bench_app.command("staff")
    def bench_staff(
        n: Annotated[int, typer.Option(help="How many synthetic reports.")] = 100_000,
        repeat: Annotated[int, typer.Option(help="Runs per query shape.")] = 20,
        database_url: Annotated[str | None, typer.Option(help="e.g. postgresql+psycopg2://...; default a scratch SQLite file.")] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """Staff queue filter + sort latency with many reports (p50/p95 per query shape)."""
        from assistant.staff.bench import bench_staff as run

        out = run(n, repeat, database_url)
        typer.echo(json.dumps(out, ensure_ascii=False)) if as_json else typer.echo(out["text"])
