"""What the HTTP layer holds per app: the settings, one Assistant and the web transcripts.

Everything is created lazily on first use, so the app starts (and /healthz answers) even when
no index has been built; a failed attempt is not cached, so the app picks the index up as soon
as `tbt ingest` has run, without a restart.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from typing import TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.index.store import (
    IndexNotReady,
    LoadedIndex,
    current_generation,
    load_index,
    read_manifest,
)

if TYPE_CHECKING:  # the core is imported on first use only
    from sqlalchemy import Engine

    from assistant.dialogue.assistant import Assistant
    from assistant.retrieve.search import Searcher

log = logging.getLogger(__name__)

MAX_TURNS = 60  # turns kept for the web page; the core keeps its own conversation state


class Services:
    """Per-app singletons, safe to use from the threadpool that runs sync endpoints."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._assistant: Assistant | None = None
        self._engine: Engine | None = None

    # -- the core ------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load the index, the embedder and the database before the first question arrives.

        Run in a background thread at start-up, so the first user does not wait seconds for the
        model to load; without an index it does nothing (pages say how to build one)."""
        try:
            assistant = self.assistant()
            searcher = assistant.searcher
            searcher.embedder.embed_query("warm up")
            _ = assistant.sessions
        except IndexNotReady:
            return
        except Exception:  # a warm-up must never take the server down
            log.exception("warm-up failed; the core will be loaded on first use")

    def assistant(self) -> Assistant:
        """The app's Assistant; raises IndexNotReady (not cached) while there is no index."""
        if self._assistant is None:
            with self._lock:
                if self._assistant is None:
                    if current_generation(self.settings) is None:
                        raise IndexNotReady("no index")
                    from assistant.dialogue.assistant import Assistant

                    self._assistant = Assistant(self.settings)
        return self._assistant

    def index(self) -> LoadedIndex:
        return load_index(self.settings)

    def searcher(self) -> Searcher:
        if current_generation(self.settings) is None:
            raise IndexNotReady("no index")
        from assistant.retrieve.search import get_searcher

        return get_searcher(self.settings)

    def index_status(self) -> dict[str, Any]:
        """Cheap facts about the current index (reads the manifest only)."""
        gen = current_generation(self.settings)
        if gen is None:
            return {"ready": False, "generation": None, "records": 0, "chunks": 0, "last_ingest": None}
        try:
            manifest = read_manifest(gen)
        except (OSError, ValueError):
            log.exception("unreadable manifest in %s", gen)
            return {"ready": False, "generation": gen.name, "records": 0, "chunks": 0, "last_ingest": None}
        from assistant.index.store import vector_problem

        problem = vector_problem(self.settings, gen, manifest)  # vectors missing: not ready
        return {
            "ready": problem is None,
            "problem": problem,
            "generation": gen.name,
            "records": int(manifest.get("records") or 0),
            "chunks": int(manifest.get("chunks") or 0),
            "last_ingest": manifest.get("created"),
        }

    # -- web transcripts -----------------------------------------------------------------
    def _store(self) -> Any:
        from assistant.db import init_db
        from assistant.dialogue.sessions import SessionStore

        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = init_db(self.settings)
        return SessionStore(self._engine)

    @staticmethod
    def _transcript_key(session_id: str) -> str:
        return "webchat-" + hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:40]

    def transcript(self, session_id: str | None) -> list[dict[str, Any]]:
        """The turns shown on the web page for this session (empty when unknown or expired)."""
        if not session_id:
            return []
        try:
            data = self._store().load(self._transcript_key(session_id))
        except Exception:  # a broken database must not take the chat page down
            log.exception("could not load the web transcript")
            return []
        turns = (data or {}).get("turns")
        return turns if isinstance(turns, list) else []

    def append_turn(self, session_id: str, question: str, answer: dict[str, Any]) -> int:
        """Record one question and its answer; returns the new turn's id (unique in the session)."""
        turns = self.transcript(session_id)
        last = turns[-1].get("id", len(turns) - 1) if turns else -1
        turn_id = int(last) + 1 if isinstance(last, int) else len(turns)
        turns.append({"id": turn_id, "question": question, "answer": answer})
        turns = turns[-MAX_TURNS:]
        try:
            self._store().save(
                self._transcript_key(session_id), {"turns": turns}, self.settings.session_ttl_hours
            )
        except Exception:
            log.exception("could not save the web transcript")
        return turn_id

    def forget(self, session_id: str | None) -> None:
        if not session_id:
            return
        try:
            self._store().delete(self._transcript_key(session_id))
        except Exception:
            log.exception("could not delete the web transcript")
