"""`tbt eval retrieval|answers|intake`: print metrics tables and write JSON results."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

eval_app = typer.Typer(no_args_is_help=True, help="Evaluation harnesses (retrieval, answers, intake).")


@eval_app.command("retrieval")
def eval_retrieval(
    set_name: Annotated[str | None, typer.Option("--set", help="Question set name or path (default: full set).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results JSON instead of tables.")] = False,
    out: Annotated[Path | None, typer.Option(help="Where to write the results JSON.")] = None,
) -> None:
    """Recall@1/5/10, MRR and nDCG@10 overall, per language and per intent; lists the misses."""
    from assistant.config import get_settings
    from assistant.evals.retrieval import run_retrieval_eval

    result = run_retrieval_eval(get_settings(), set_name, out=out, echo=not as_json)
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


@eval_app.command("answers")
def eval_answers(
    set_name: Annotated[str | None, typer.Option("--set", help="Answer set name or path.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    out: Annotated[Path | None, typer.Option(help="Where to write the results JSON.")] = None,
) -> None:
    """Citation precision, key-fact recall, refusal accuracy and invented symbols."""
    from assistant.config import get_settings
    from assistant.evals.answers import run_answer_eval

    result = run_answer_eval(get_settings(), set_name, out=out, echo=not as_json)
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


@eval_app.command("intake")
def eval_intake_cmd(
    set_path: Annotated[Path | None, typer.Option("--set", help="Narratives JSONL (default evals/intake).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Per-field accuracy of the offline barrier-report extractor."""
    from assistant.reports.cli import eval_intake

    eval_intake(set_path, as_json)
