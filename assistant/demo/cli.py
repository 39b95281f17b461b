"""The `tbt demo` command (registered by assistant/cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def demo(
    host: Annotated[str | None, typer.Option(help="Where to listen (default TBT_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default TBT_PORT).")] = None,
    demo_dir: Annotated[Path | None, typer.Option(
        envvar="TBT_DEMO_DIR", help="Demo data folder (default <TBT_DATA_DIR>/demo).")] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Start from the demo's start state.")] = False,
) -> None:
    """Workshop mode: the app on the shipped corpus, offline, with a projector page at /demo.

    Demo sessions and reports are kept in their own folder, labelled demo; real data is untouched.
    """
    from assistant.config import get_settings
    from assistant.demo.serve import run_demo
    from assistant.demo.space import DemoError

    base = get_settings()
    try:
        run_demo(base, host or base.host, port or base.port, demo_dir, reset, say=typer.echo)
    except DemoError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
