"""`tbt alerts run | list | add | pause | resume | delete | outbox` and `tbt bench alerts`.

`tbt alerts run` is one pass, safe from cron and twice at once. It registers the e-mail notifier
(TBT_SMTP_HOST) and, when their modules are present and configured, the Telegram and WeChat ones;
messages for a channel not configured here wait in the outbox for a process that has it.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Annotated, Any

import typer

from assistant.config import Settings, get_settings

alerts_app = typer.Typer(no_args_is_help=True, help="Early warning: subscriptions and alert passes.")

_CHANNEL_SETUPS = (("bots.telegram.notifier", "register_notifier"),
                   ("bots.wechat.setup", "register_notifiers"))


def _echo_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def register_notifiers(settings: Settings) -> list[str]:
    """Register every notifier configured in `settings`; the channels now available."""
    from assistant.alerts.email import register_email
    from assistant.notify import CHANNELS, registry

    register_email(settings, registry)
    for module, func in _CHANNEL_SETUPS:
        try:
            getattr(importlib.import_module(module), func)(settings)
        except (ImportError, AttributeError):
            continue
    return [c for c in CHANNELS if registry.get(c) is not None]


@alerts_app.command("run")
def run(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One pass: new notifications and rejections, reminders, digests, delivery and retries."""
    from assistant.alerts.runner import run_pass
    from assistant.index.store import IndexNotReady

    settings = get_settings()
    channels = register_notifiers(settings)
    try:
        report = run_pass(settings)
    except IndexNotReady as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    out = report.as_dict() | {"channels": channels}
    if as_json:
        _echo_json(out)
        return
    if report.baseline:
        typer.echo("First pass: recorded what the index holds; alerts start with the next new items.")
    typer.echo(f"new items {report.new_items}, queued {report.queued}, reminders {report.reminders}, "
               f"messages {report.messages}, sent {report.sent}, retry later {report.failed}, "
               f"given up {report.dead}, waiting for a channel {report.waiting}")
    for err in report.errors:
        typer.echo(f"  error: {err}", err=True)


def _store():  # type: ignore[no-untyped-def]
    from assistant.alerts.subscriptions import SubscriptionStore
    from assistant.db import init_db

    return SubscriptionStore(init_db(get_settings()))


@alerts_app.command("list")
def list_(
    channel: Annotated[str, typer.Option(help="telegram, wechat, wecom or email")],
    user: Annotated[str, typer.Option(help="The channel's user id or the e-mail address")],
    lang: Annotated[str, typer.Option()] = "zh",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """A person's subscriptions."""
    from assistant.alerts.chat import describe
    from assistant.notify import Address

    subs = _store().of(Address(channel, user.lower() if channel == "email" else user))
    if as_json:
        _echo_json([{"number": s.number, "lang": s.lang, "frequency": s.frequency,
                     "paused": s.paused, "criteria": s.criteria.__dict__} for s in subs])
        return
    for s in subs:
        typer.echo(describe(s, lang))
    if not subs:
        typer.echo("no subscriptions")


@alerts_app.command("add")
def add(
    channel: Annotated[str, typer.Option()],
    user: Annotated[str, typer.Option()],
    text: Annotated[str, typer.Argument(help="What to watch, as in chat: 订阅欧盟玩具的通报")],
    lang: Annotated[str, typer.Option()] = "zh",
) -> None:
    """Subscribe someone (e.g. an e-mail address) with a sentence, the way chat does."""
    from assistant.alerts.chat import describe, parse_criteria
    from assistant.alerts.subscriptions import SubscriptionError
    from assistant.notify import Address
    from assistant.retrieve.products import ProductVocabulary

    settings = get_settings()
    try:
        crit, freq = parse_criteria(text, ProductVocabulary.load(settings.corpus_dir))
        sub = _store().create(Address(channel, user), crit, lang=lang, label=text, frequency=freq)
    except SubscriptionError as exc:
        typer.echo(exc.message(lang), err=True)
        raise typer.Exit(2) from exc
    typer.echo(describe(sub, lang))


def _manage(action: str, channel: str, user: str, number: int) -> None:
    from assistant.notify import Address

    store = _store()
    address = Address(channel, user.lower() if channel == "email" else user)
    ok = (store.delete(address, number) if action == "delete"
          else store.set_paused(address, number, action == "pause") is not None)
    if not ok:
        typer.echo(f"no subscription {number} for {channel}:{user}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{action}d {number}")


@alerts_app.command("pause")
def pause(channel: Annotated[str, typer.Option()], user: Annotated[str, typer.Option()],
          number: int) -> None:
    """Pause one subscription."""
    _manage("pause", channel, user, number)


@alerts_app.command("resume")
def resume(channel: Annotated[str, typer.Option()], user: Annotated[str, typer.Option()],
           number: int) -> None:
    """Resume one subscription."""
    _manage("resume", channel, user, number)


@alerts_app.command("delete")
def delete(channel: Annotated[str, typer.Option()], user: Annotated[str, typer.Option()],
           number: int) -> None:
    """Delete one subscription."""
    _manage("delete", channel, user, number)


@alerts_app.command("outbox")
def outbox(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Messages by status: pending (incl. retries), sending, sent, dead; never their content."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from assistant.alerts.models import OutboxRow
    from assistant.db import init_db

    with Session(init_db(get_settings())) as db:
        rows = db.execute(select(OutboxRow.channel, OutboxRow.status, func.count())
                          .group_by(OutboxRow.channel, OutboxRow.status)).all()
    counts = [{"channel": c, "status": s, "messages": n} for c, s, n in rows]
    if as_json:
        _echo_json(counts)
        return
    for row in counts:
        typer.echo(f"{row['channel']:10} {row['status']:8} {row['messages']}")


def bench_alerts(
    items: Annotated[int, typer.Option(help="New items")] = 1000,
    subscriptions: Annotated[int, typer.Option(help="Subscriptions")] = 100_000,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Matching N new items against M subscriptions: seconds and memory."""
    from assistant.alerts.bench import bench_alerts as run_bench

    out = run_bench(items, subscriptions)
    _echo_json(out) if as_json else typer.echo(out["text"])
