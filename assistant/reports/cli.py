"""`tbt report ...`: one-shot extraction, show, export and list; and `tbt eval intake`.

Thin typer commands over the extractor and the report store; the heavy parts load inside the
commands so `tbt --help` stays quick.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.config import get_settings

report_app = typer.Typer(no_args_is_help=True, help="Barrier reports: draft, show, export, list.")


def _echo_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def _vocab() -> Any:
    from assistant.reports.extract import default_vocabulary

    return default_vocabulary(str(get_settings().corpus_dir))


def _store() -> Any:
    from assistant.reports.store import ReportStore

    return ReportStore.from_settings(get_settings())


@report_app.command()
def draft(
    text: Annotated[str | None, typer.Option("--text", help="A narrative in Chinese or English.")] = None,
    batch: Annotated[Path | None, typer.Option("--batch", help="A file with one narrative per line.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (BarrierReport field names).")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Do not ask the LLM even if one is configured.")] = False,
) -> None:
    """Extract the report fields from free text and list the required fields still missing."""
    if (text is None) == (batch is None):
        typer.echo("Give exactly one of --text or --batch. / 请使用 --text 或 --batch 之一。", err=True)
        raise typer.Exit(2)
    vocab = _vocab()
    run = _extractor(vocab, offline)
    if batch is not None:
        try:
            lines = batch.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            typer.echo(f"Cannot read {batch}: {err}", err=True)
            raise typer.Exit(1) from err
        for n, line in enumerate(lines, 1):
            if line.strip():
                _echo_json({"line": n, **run(line).as_json()})
        return
    result = run(text or "")
    if as_json:
        _echo_json(result.as_json())
        return
    _print_draft(result)


def _extractor(vocab: Any, offline: bool) -> Any:
    """Offline extraction, helped by the configured LLM (validated, grounded) unless --offline."""
    from assistant.reports.extract import extract
    from assistant.reports.llm_extract import LLMFieldExtractor, merge_proposals

    llm = None if offline else LLMFieldExtractor.maybe(get_settings())

    def run(text: str) -> Any:
        result = extract(text, vocab=vocab)
        if llm is not None:
            result.report, refused = merge_proposals(result.report, llm(text, result.report.language), text)
            result.notes.extend(f"llm proposal refused: {p}" for p in refused)
        return result

    return run


def _print_draft(result: Any) -> None:
    from assistant.reports.schema import label

    lang = result.report.language
    typer.echo("Fields found / 已识别：")
    for path, value in result.found.items():
        if isinstance(value, list):
            value = ", ".join(getattr(v, "name", str(v)) for v in value)
        typer.echo(f"  {path:<30} {value}    ({label(path, lang)})")
    if result.date_options:
        for path, opts in result.date_options.items():
            typer.echo(f"  {path:<30} ambiguous: {' or '.join(opts)}")
    typer.echo("Required fields still missing / 尚缺必填项：")
    for path in result.missing:
        typer.echo(f"  {path:<30} ({label(path, 'zh')} / {label(path, 'en')})")
    if not result.missing:
        typer.echo("  (none / 无)")


@report_app.command()
def show(
    number: Annotated[str, typer.Argument(help="Report number, e.g. BR-2026-000123.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show a submitted report as the national form."""
    from assistant.reports.render.national_form import form_rows

    stored = _store().get(number)
    if stored is None:
        typer.echo(f"No report {number}. / 没有编号为 {number} 的报告。", err=True)
        raise typer.Exit(1)
    if as_json:
        _echo_json(stored.as_dict())
        return
    typer.echo(f"{stored.number}  status: {stored.status}  submitted: {stored.created_at:%Y-%m-%d %H:%M} UTC")
    for row in form_rows(stored.report):
        typer.echo(f"【{row.label_zh}】")
        for line in (row.value or "-").splitlines():
            typer.echo(f"  {line}")


@report_app.command()
def export(
    number: Annotated[str, typer.Argument(help="Report number.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="docx, pdf, json, tacp or sep.")] = "json",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file (default: stdout for JSON, "
                                                                 "<number>.<format> otherwise).")] = None,
) -> None:
    """Export a report: the national form (docx, pdf, json) or the TACP / EU SEP mapping."""
    from assistant.reports.render.national_form import MissingFontError
    from assistant.reports.store import ReportNotFound

    try:
        result = _store().export(number, fmt)
    except ReportNotFound as err:
        typer.echo(f"No report {number}. / 没有编号为 {number} 的报告。", err=True)
        raise typer.Exit(1) from err
    except (ValueError, MissingFontError) as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from err
    if out is None and result.media_type == "application/json":
        sys.stdout.write(result.content.decode("utf-8") + "\n")
        return
    target = out or Path(result.filename)
    target.write_bytes(result.content)
    typer.echo(str(target))


@report_app.command("list")
def list_reports(
    status: Annotated[str | None, typer.Option(help="submitted, accepted, rejected or archived.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List submitted reports, newest first."""
    from assistant.reports.names import market_name

    reports = _store().list(status=status, limit=limit)
    if as_json:
        for r in reports:
            _echo_json({"number": r.number, "status": r.status, "market": r.report.market,
                        "product": r.report.product.description, "created_at": r.created_at.isoformat() + "Z"})
        return
    if not reports:
        typer.echo("No reports yet. / 暂无报告。")
    for r in reports:
        rep = r.report
        typer.echo(f"{r.number}  {r.status:<10} {r.created_at:%Y-%m-%d}  {market_name(rep.market, rep.language):<8} "
                   f"{rep.product.description or ''}")


def eval_intake(set_path: Path | None = None, as_json: bool = False) -> dict[str, Any]:
    """`tbt eval intake`: per-field accuracy of the offline extractor; prints a table (or JSON)."""
    from assistant.reports.evaluate import DEFAULT_SET, evaluate, format_table, load_set

    items = load_set(set_path or DEFAULT_SET)
    result = evaluate(items, vocab=_vocab())
    if as_json:
        _echo_json(result)
    else:
        typer.echo(format_table(result))
    return result
