"""`tbt eval retrieval|answers|intake`: print metrics tables and write JSON results."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

eval_app = typer.Typer(no_args_is_help=True, help="Evaluation harnesses (retrieval, answers, intake, dialogue).")

SplitOpt = Annotated[
    str, typer.Option("--split", help="dev (tuning allowed, the default), test (never tuned on; CI) or all.")
]


def _check_split(split: str) -> str:
    from assistant.evals.split import SPLITS

    if split not in SPLITS:
        raise typer.BadParameter(f"--split must be one of {', '.join(SPLITS)}")
    return split


@eval_app.command("retrieval")
def eval_retrieval(
    set_name: Annotated[str | None, typer.Option("--set", help="Question set name or path (overrides --split).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results JSON instead of tables.")] = False,
    out: Annotated[Path | None, typer.Option(help="Where to write the results JSON.")] = None,
    split: SplitOpt = "dev",
    model: Annotated[Path | None, typer.Option(help="Score with a model from `tbt eval fit` (a trial).")] = None,
) -> None:
    """Recall@1/5/10, MRR and nDCG@10 overall, per language and per intent; lists the misses."""
    from assistant.config import get_settings
    from assistant.evals.retrieval import run_retrieval_eval

    if model is not None:
        from assistant.retrieve.ranker import load_model
        from assistant.retrieve.relevance import try_model

        try:
            try_model(load_model(model))
        except (OSError, ValueError, KeyError) as exc:
            raise typer.BadParameter(f"cannot use {model}: {exc}") from exc

    result = run_retrieval_eval(get_settings(), set_name, out=out, echo=not as_json, split=_check_split(split))
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


@eval_app.command("answers")
def eval_answers(
    set_name: Annotated[str | None, typer.Option("--set", help="Answer set name or path (overrides --split).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    out: Annotated[Path | None, typer.Option(help="Where to write the results JSON.")] = None,
    split: SplitOpt = "dev",
) -> None:
    """Citation precision, key facts, answers-the-question, refusals and invented symbols."""
    from assistant.config import get_settings
    from assistant.evals.answers import run_answer_eval

    result = run_answer_eval(get_settings(), set_name, out=out, echo=not as_json, split=_check_split(split))
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


@eval_app.command("intake")
def eval_intake_cmd(
    set_path: Annotated[Path | None, typer.Option("--set", help="Narratives JSONL (overrides --split).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    split: SplitOpt = "dev",
) -> None:
    """Per-field accuracy of the offline barrier-report extractor."""
    from assistant.evals.intake import split_file
    from assistant.reports.cli import eval_intake

    eval_intake(set_path or split_file(_check_split(split)), as_json)


@eval_app.command("dialogue")
def eval_dialogue(
    set_name: Annotated[str | None, typer.Option("--set", help="Conversation set path (overrides --split).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    out: Annotated[Path | None, typer.Option(help="Where to write the results JSON.")] = None,
    split: SplitOpt = "dev",
) -> None:
    """Multi-turn conversations, one session each: the share of turns that cite the right record,
    or refuse or ask back when they should."""
    from assistant.config import get_settings
    from assistant.evals.dialogue import run_dialogue_eval

    result = run_dialogue_eval(get_settings(), set_name, out=out, echo=not as_json, split=_check_split(split))
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


@eval_app.command("invariance")
def eval_invariance(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    out: Annotated[Path | None, typer.Option(help="Where to write the results JSON.")] = None,
    per_question: Annotated[int, typer.Option(help="Rewrites per dev question (rotated by hash).")] = 4,
) -> None:
    """Meaning-preserving rewrites of the dev questions: the share that keep the same top record."""
    from assistant.config import get_settings
    from assistant.evals.checklist import run_invariance_eval

    result = run_invariance_eval(get_settings(), out=out, echo=not as_json, per_question=per_question)
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


@eval_app.command("fit")
def eval_fit(
    split: Annotated[str, typer.Option("--split", help="Only dev: the model is never fitted on test.")] = "dev",
    out: Annotated[Path | None, typer.Option(help="Where to write the model (default: the shipped one).")] = None,
) -> None:
    """Fit the relevance model and its no-answer gate on the dev split (cross-validated)."""
    from assistant.config import get_settings
    from assistant.evals.fit import MODEL_OUT, fit

    try:
        fit(get_settings(), split, out=out or MODEL_OUT)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
