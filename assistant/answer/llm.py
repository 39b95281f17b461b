"""The LLM composer: any OpenAI-compatible endpoint writes the answer, the verifier checks it.

Used only when `TBT_LLM_BASE_URL` and `TBT_LLM_MODEL` are set. It never raises on a remote
failure: a transport error, a timeout, a malformed or empty reply gives `None`, and the caller
falls back to the offline composer. A reply that the verifier rejects comes back with
`ok=False` for the same reason. Every such event is logged on `assistant.answer.llm`.

Nothing here counts tokens: langchain's counters use tiktoken, which downloads its encodings at
run time; the prompt budget is kept in characters instead (see `prompting`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from assistant.answer.models import Citation, Evidence
from assistant.answer.prompting import build_messages, select_evidence
from assistant.answer.verify import Verification, verify
from assistant.config import Settings

log = logging.getLogger("assistant.answer.llm")


@dataclass
class LLMResult:
    """A model's answer after verification.

    `text` is what may be shown (failed sentences removed); `citations` are the sources whose
    markers are left in it; `ok` is False when the orchestrator should use the offline answer.
    """

    text: str
    citations: list[Citation] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    ok: bool = True
    raw: str = ""  # the model's reply as received, for logs and staff
    model: str = ""
    elapsed_ms: float = 0.0


def _reply_text(content: Any) -> str:
    """The text of a chat reply, whether a string or a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and part.get("type", "text") == "text":
                parts.append(str(part.get("text", "")))
        return "".join(parts)
    return ""


class LLMComposer:
    """Compose answers with an OpenAI-compatible chat model (through langchain-openai)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.llm_enabled:
            raise ValueError("LLM composer needs TBT_LLM_BASE_URL and TBT_LLM_MODEL")
        from langchain_openai import ChatOpenAI  # imported here: the offline path never pays for it

        self.model = str(settings.llm_model)
        self.base_url = str(settings.llm_base_url)
        self.chat = ChatOpenAI(
            base_url=self.base_url,
            api_key=SecretStr(settings.llm_api_key or "not-needed"),
            model=self.model,
            timeout=settings.llm_timeout,
            max_retries=1,
            temperature=0,
        )

    @classmethod
    def maybe(cls, settings: Settings) -> LLMComposer | None:
        """A composer when the settings name an endpoint and a model, else None."""
        return cls(settings) if settings.llm_enabled else None

    def _call(self, messages: list[dict[str, str]]) -> str | None:
        from langchain_core.messages import HumanMessage, SystemMessage

        lc = [
            SystemMessage(content=m["content"]) if m["role"] == "system"
            else HumanMessage(content=m["content"])
            for m in messages
        ]
        try:
            reply = self.chat.invoke(lc)
        except Exception as exc:  # any transport, HTTP, timeout or decoding failure
            log.warning("llm call failed (%s at %s): %s: %s", self.model, self.base_url,
                        type(exc).__name__, str(exc)[:300])
            return None
        text = _reply_text(getattr(reply, "content", None)).strip()
        if not text:
            log.warning("llm returned an empty reply (%s at %s)", self.model, self.base_url)
            return None
        return text

    def compose(
        self,
        question: str,
        evidence: Sequence[Evidence],
        lang: str,
        analysis: dict[str, Any] | None = None,
    ) -> LLMResult | None:
        """Ask the model, verify its answer; None when the model could not be used at all."""
        shown = select_evidence(evidence)
        start = time.perf_counter()
        raw = self._call(build_messages(question, shown, lang, analysis or {}))
        elapsed = (time.perf_counter() - start) * 1000
        if raw is None:
            return None
        checked: Verification = verify(raw, shown)
        if not checked.clean:
            log.warning("verifier removed %d sentence(s), invented %s, ok=%s: %s",
                        len(checked.removed), checked.invented, checked.ok,
                        " | ".join(checked.removed)[:1000])
        if not checked.ok:
            log.warning("llm answer rejected by the verifier; the offline answer should be used")
        by_n = {ev.n: ev for ev in shown}
        return LLMResult(
            text=checked.text,
            citations=[by_n[n].citation() for n in checked.cited if n in by_n],
            removed=checked.removed,
            invented=checked.invented,
            ok=checked.ok,
            raw=raw,
            model=self.model,
            elapsed_ms=round(elapsed, 1),
        )
