"""The `tbt` command: ingest, search, ask, report, eval, bench, stats, serve.

A thin typer layer over the core; heavy imports happen inside the commands so `tbt --help` is quick.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.config import Settings, get_settings
from assistant.evals.cli import eval_app

app = typer.Typer(add_completion=False, no_args_is_help=True, help="tbt-assistant: TBT/SPS market-access assistant.")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks that print figures.")
app.add_typer(bench_app, name="bench")
app.add_typer(eval_app, name="eval")

try:  # the barrier-report commands live with the reports feature
    from assistant.reports.cli import report_app

    app.add_typer(report_app, name="report", help="Barrier reports: draft, show, export.")
except ImportError:  # pragma: no cover - only while the feature is absent
    pass

try:  # early warning: `tbt alerts run|list|add|pause|resume|delete|outbox`, `tbt bench alerts`
    from assistant.alerts.cli import alerts_app, bench_alerts

    app.add_typer(alerts_app, name="alerts")
    bench_app.command("alerts")(bench_alerts)
except ImportError:  # pragma: no cover - only while the feature is absent
    pass

try:  # the staff console: `tbt staff add USER --role ...` and `tbt bench staff`
    from assistant.staff.cli import register_bench, staff_app

    app.add_typer(staff_app, name="staff", help="Staff console accounts.")
    register_bench(bench_app)
except ImportError:  # pragma: no cover
    pass


def _settings() -> Settings:
    return get_settings()


def _echo_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


# -- ingest ------------------------------------------------------------------------------------
@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Extra files or folders to add.")] = None,
    force: Annotated[bool, typer.Option(help="Rebuild even if no source changed.")] = False,
    reset: Annotated[bool, typer.Option(help="Forget extra paths added by earlier runs.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Build or update the index from corpus/ and any extra files or folders."""
    from assistant.ingest.pipeline import IngestError, run_ingest

    settings = _settings()
    progress = _progress_printer(enabled=not as_json)
    try:
        report = run_ingest(settings, paths or [], force=force, reset_extra=reset, progress=progress, measure_memory=True)
    except IngestError as exc:
        progress("done", 0, 0)
        typer.echo(f"Ingest failed: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        progress("done", 0, 0)
    if as_json:
        _echo_json(report.as_dict())
    else:
        _print_ingest_summary(report)
    if report.exit_code:
        raise typer.Exit(code=report.exit_code)


def _progress_printer(enabled: bool):  # type: ignore[no-untyped-def]
    """A rich progress bar on a terminal, plain lines otherwise."""
    state: dict[str, Any] = {}
    tty = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> None:
        if not enabled:
            return
        if stage == "done":
            bar = state.pop("bar", None)
            if bar is not None:
                bar.stop()
            return
        if tty:
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            bar = state.get("bar")
            if bar is None:
                bar = Progress(TextColumn("{task.description:>9}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                               TimeRemainingColumn(), transient=True)
                bar.start()
                state["bar"] = bar
                state["tasks"] = {}
            tasks = state["tasks"]
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))
        else:
            from assistant.ingest.progress import ProgressPrinter

            state.setdefault("plain", ProgressPrinter())(stage, done, total)

    return progress


def _print_ingest_summary(report: Any) -> None:
    from assistant.ingest.progress import issue_lines, summary_lines

    for line in summary_lines(report):
        typer.echo(line)
    for line in issue_lines(report.issues):
        typer.echo(line, err=True)
    for failed in report.failed:
        typer.echo(f"Not ingested: {failed}", err=True)
    if report.records == 0 and not report.noop:
        typer.echo("Nothing could be ingested.", err=True)


# -- search ------------------------------------------------------------------------------------
@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="The question or keywords.")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100)] = 10,
    market: Annotated[str | None, typer.Option(help="Only records for this market (EU, USA, 美国...).")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="Only this record type.")] = None,
    hs: Annotated[str | None, typer.Option(help="Only records covering this HS code (hierarchical).")] = None,
    batch: Annotated[Path | None, typer.Option(help="File with one query per line.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Ranked records for a query (or for each line of --batch FILE)."""
    from assistant.index.store import IndexNotReady
    from assistant.retrieve.search import get_searcher

    if query is None and batch is None:
        typer.echo("Give a QUERY or --batch FILE.", err=True)
        raise typer.Exit(2)
    try:
        searcher = get_searcher(_settings())
    except IndexNotReady as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    queries = [query] if query is not None else _read_lines(batch)
    for q in queries:
        resp = searcher.search(q, k, market=market, type=type_, hs=hs)
        if as_json or batch is not None:
            _echo_json([h.as_dict() for h in resp.hits])
            continue
        if not resp.hits:
            typer.echo("Nothing relevant found.")
        for i, h in enumerate(resp.hits, 1):
            typer.echo(f"{i:>2}. [{h.score:.2f}] {h.cite}  ({h.type}; {', '.join(h.markets) or '-'})")
            typer.echo(f"    {h.title[:120]}")
            typer.echo(f"    {h.snippet[:200]}")


def _read_lines(path: Path | None) -> list[str]:
    assert path is not None
    try:
        return [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError as exc:
        typer.echo(f"Cannot read {path}: {exc}", err=True)
        raise typer.Exit(2) from exc


# -- stats -------------------------------------------------------------------------------------
@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counts by record type and source, index size, last ingest time."""
    from assistant.index.store import current_generation, read_manifest

    settings = _settings()
    gen = current_generation(settings)
    if gen is None:
        typer.echo("No index yet: run `tbt ingest`.", err=True)
        raise typer.Exit(1)
    m = read_manifest(gen)
    size = sum(p.stat().st_size for p in gen.rglob("*") if p.is_file())
    from assistant.index.store import vector_problem

    problem = vector_problem(settings, gen, m)
    out: dict[str, Any] = {
        "generation": gen.name,
        "last_ingest": m.get("created"),
        "records": m.get("records"),
        "chunks": m.get("chunks"),
        "records_by_type": m.get("records_by_type"),
        "records_by_source": m.get("records_by_source"),
        "sources": m.get("sources"),
        "embedder": m.get("embedder"),
        "index_bytes": size,
        "issues": len(m.get("issues", [])),
        "problem": problem,
    }
    if as_json:
        _echo_json(out)
        if problem:
            raise typer.Exit(1)
        return
    if problem:
        typer.echo(f"PROBLEM: the index is damaged: {problem}")
    typer.echo(f"Index {out['generation']} built {out['last_ingest']} with {out['embedder']}: "
               f"{out['records']} records, {out['chunks']} chunks, {size / 2**20:.1f} MiB")
    for t, n in sorted((out["records_by_type"] or {}).items()):
        typer.echo(f"  {t:<13} {n:>7}")
    typer.echo("By source:")
    for s, n in sorted((out["records_by_source"] or {}).items(), key=lambda kv: -kv[1]):
        typer.echo(f"  {n:>7}  {s}")
    if problem:
        raise typer.Exit(1)


# -- purge -------------------------------------------------------------------------------------
@app.command()
def purge(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Delete chat sessions and unfinished report drafts older than TBT_SESSION_TTL_HOURS."""
    from assistant.db import init_db
    from assistant.dialogue.sessions import purge as run_purge

    settings = _settings()
    done = run_purge(init_db(settings), settings.session_ttl_hours)
    if as_json:
        _echo_json({"sessions": done.sessions, "drafts": done.drafts})
        return
    typer.echo(f"Deleted {done.sessions} expired session(s) and {done.drafts} unfinished draft(s) "
               f"(older than {settings.session_ttl_hours} h). / 已删除 {done.sessions} 个过期会话和 "
               f"{done.drafts} 份未完成的报告草稿。")


# -- serve -------------------------------------------------------------------------------------
@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Serve the web chat, the JSON API and the staff pages."""
    import uvicorn

    settings = _settings()
    uvicorn.run("assistant.api.app:create_app", factory=True, host=host or settings.host,
                port=port or settings.port, log_level=settings.log_level.lower())


# -- bench -------------------------------------------------------------------------------------
@bench_app.command("ingest")
def bench_ingest(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Cold and incremental ingest of the shipped corpus in a scratch data dir."""
    from assistant.bench import bench_ingest as run

    out = run(_settings())
    _echo_json(out) if as_json else typer.echo(out["text"])


@bench_app.command("search")
def bench_search(
    n: Annotated[int, typer.Option(help="How many queries (from the question set).")] = 200,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search latency p50/p95, with BM25 alone and dense alone beside the hybrid."""
    from assistant.bench import bench_search as run

    out = run(_settings(), n)
    _echo_json(out) if as_json else typer.echo(out["text"])


@bench_app.command("ask")
def bench_ask(
    n: Annotated[int, typer.Option()] = 100,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Offline answer latency p50/p95."""
    from assistant.bench import bench_ask as run

    out = run(_settings(), n)
    _echo_json(out) if as_json else typer.echo(out["text"])


@bench_app.command("cold")
def bench_cold(
    runs: Annotated[int, typer.Option(help="Processes started per question.")] = 3,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Wall time of a cold `tbt ask` (a new process: start-up, index load, answer)."""
    from assistant.bench import bench_cold as run

    out = run(_settings(), runs)
    _echo_json(out) if as_json else typer.echo(out["text"])


@bench_app.command("load")
def bench_load(
    clients: Annotated[int, typer.Option(help="Concurrent clients.")] = 20,
    seconds: Annotated[float, typer.Option(help="Duration of each run (at most 600).")] = 60.0,
    workers: Annotated[str, typer.Option(help="Worker counts to try, comma-separated.")] = "1,4",
    setups: Annotated[str, typer.Option(help="embedded (SQLite, local vectors) and/or scaled "
                                        "(PostgreSQL + Chroma server), comma-separated.")] = "embedded,scaled",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Throughput and p50/p95 of POST /api/ask under concurrent clients, on loopback servers."""
    from assistant.bench_load import bench_load as run

    out = run(_settings(), clients, seconds, tuple(int(w) for w in workers.split(",") if w.strip()),
              tuple(x.strip() for x in setups.split(",") if x.strip()))
    _echo_json(out) if as_json else typer.echo(out["text"])


# -- ask ---------------------------------------------------------------------------------------
@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question, in Chinese or English.")] = None,
    session: Annotated[str | None, typer.Option("--session", help="Continue this conversation (id from an earlier answer).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Answer language: zh or en (default: the question's).")] = None,
    batch: Annotated[Path | None, typer.Option(help="File with one question per line; each in a fresh session.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer JSON (one line per question).")] = False,
) -> None:
    """Answer a question with cited sources (or every line of --batch FILE, one Answer JSON per line)."""
    from assistant.dialogue.assistant import Assistant
    from assistant.dialogue.sessions import check_session_id
    from assistant.index.store import IndexNotReady

    if question is None and batch is None:
        typer.echo("Give a QUESTION or --batch FILE.", err=True)
        raise typer.Exit(2)
    if lang is not None and lang not in ("zh", "en"):
        typer.echo(f"--lang must be zh or en, not {lang!r}.", err=True)
        raise typer.Exit(2)
    if session is not None:
        try:
            check_session_id(session)
        except ValueError as exc:
            typer.echo(f"--session: {exc}", err=True)
            raise typer.Exit(2) from exc
    questions = [question or ""] if batch is None else _read_lines(batch)
    assistant = Assistant(_settings())
    # Loading builds millions of long-lived objects (index rows, vocabularies, the tokenizer);
    # the cyclic GC rescans them over and over, a third of a cold start. Pause it until the
    # first answer, then freeze what was loaded out of its reach.
    import gc

    gc.disable()
    for i, q in enumerate(questions):
        if i == 1:
            gc.freeze()
            gc.enable()
        try:
            answer = assistant.ask(q, session_id=session if batch is None else None, lang=lang, channel="cli")
        except IndexNotReady as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
        if as_json or batch is not None:
            sys.stdout.write(answer.model_dump_json() + "\n")
            continue
        typer.echo(answer.text)
        if answer.choices:
            typer.echo("\n" + " | ".join(answer.choices))
        if answer.citations:
            typer.echo("\n" + ("来源：" if answer.language == "zh" else "Sources:"))
            for c in answer.citations:
                typer.echo(f"[{c.n}] {c.cite or c.ref} - {c.title[:100]}" + (f" <{c.url}>" if c.url else ""))
        typer.echo(f"\n(session {answer.session_id})")


from assistant.demo.cli import demo as _demo  # noqa: E402  (workshop mode)

app.command(name="demo")(_demo)


# -- telegram ----------------------------------------------------------------------------------
@app.command()
def telegram(
    set_webhook: Annotated[str | None, typer.Option(
        help="Instead of polling: point Telegram at this https URL (…/telegram/webhook) and exit.")] = None,
    delete_webhook: Annotated[bool, typer.Option(help="Remove the webhook and exit.")] = False,
) -> None:
    """Run the Telegram bot by long polling (or set/delete its webhook). Needs TBT_TELEGRAM_TOKEN."""
    from bots.telegram.app import NotConfigured, configure_webhook, run_polling

    try:
        if set_webhook or delete_webhook:
            typer.echo(configure_webhook(_settings(), None if delete_webhook else set_webhook))
            return
        run_polling(_settings())
    except (NotConfigured, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc


@bench_app.command("channels")
def bench_channels(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Messages per second through the Telegram and WeChat adapters (local fakes of their APIs)."""
    from bots.telegram.bench import run as run_telegram

    out: dict[str, float] = dict(run_telegram(_settings()))
    from bots.wechat.bench import run as run_wechat

    out.update(run_wechat(_settings()))
    if as_json:
        _echo_json(out)
    else:
        for key, value in out.items():
            typer.echo(f"{key:40s} {value:>10}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
