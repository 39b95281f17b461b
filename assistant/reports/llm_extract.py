"""Optional model-assisted extraction: an OpenAI-compatible model proposes report fields as JSON.

Used only when TBT_LLM_BASE_URL and TBT_LLM_MODEL are set, and only to fill fields the offline
extractor left empty. Every proposal goes through the BarrierReport validators, and identifiers
and figures must appear in the reporter's own words (a model must not invent a notification
symbol, a date or an amount). Any failure of the remote model gives no proposals, never an error.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx

from assistant import refs
from assistant.config import Settings
from assistant.reports import validate as v
from assistant.reports.schema import BarrierReport, is_filled, set_path

log = logging.getLogger("assistant.reports.llm")

PROPOSABLE: tuple[str, ...] = (
    "market", "product.description", "product.hs", "measure.title", "measure.issuing_body",
    "measure.ntm_code", "measure.published", "measure.entry_into_force", "measure.notification_symbol",
    "incident.first_met", "impact.lost_sales", "impact.extra_cost", "impact.currency",
    "impact.shipments_affected", "reporter.name", "reporter.organisation", "reporter.phone",
    "reporter.email", "trade_direction",
)

SYSTEM_PROMPT = (
    "You read a Chinese exporter's message about a trade barrier and return ONLY a JSON object whose "
    "keys are among: " + ", ".join(PROPOSABLE) + ". market is an ISO-3 country code or EU (the market "
    "imposing the measure, never CHN); dates are ISO (YYYY, YYYY-MM or YYYY-MM-DD); amounts are plain "
    "numbers with impact.currency a 3-letter code; measure.ntm_code is an UNCTAD NTM code such as A22 "
    "or B83. Include a key only when the message states it; never guess or add facts."
)


class LLMFieldExtractor:
    """Callable `(text, lang) -> {field path: value}` backed by a chat-completions endpoint."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        if not settings.llm_enabled:
            raise ValueError("LLM extraction needs TBT_LLM_BASE_URL and TBT_LLM_MODEL")
        self.model = str(settings.llm_model)
        headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
        self.client = client or httpx.Client(base_url=str(settings.llm_base_url).rstrip("/") + "/",
                                             timeout=settings.llm_timeout, headers=headers)

    @classmethod
    def maybe(cls, settings: Settings) -> LLMFieldExtractor | None:
        return cls(settings) if settings.llm_enabled else None

    def __call__(self, text: str, lang: str = "zh") -> dict[str, Any]:
        body = {"model": self.model, "temperature": 0, "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": text[:4000]},
        ]}
        try:
            resp = self.client.post("chat/completions", json=body)
            resp.raise_for_status()
            content = resp.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("llm extraction failed: %s: %s", type(exc).__name__, str(exc)[:200])
            return {}
        return parse_proposals(content if isinstance(content, str) else "")


def parse_proposals(content: str) -> dict[str, Any]:
    """The JSON object in a model reply (code fences tolerated), restricted to known fields."""
    m = re.search(r"\{.*\}", content or "", re.S)
    if not m:
        return {}
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: val for k, val in data.items()
            if k in PROPOSABLE and isinstance(val, str | int | float) and not isinstance(val, bool)}


def grounded(path: str, value: Any, text: str) -> bool:
    """Identifiers and figures must be in the reporter's words, not only in the model's."""
    norm = v.normalise_text(text)
    if path == "market":
        return str(value).upper() != "CHN"
    if path == "measure.notification_symbol":
        return str(refs.normalise_symbol(str(value))) in {str(s) for s in refs.find_symbols(norm)}
    if path in ("measure.published", "measure.entry_into_force", "incident.first_met"):
        return str(value)[:4] in norm
    if path in ("impact.lost_sales", "impact.extra_cost"):
        return any(abs(h.money.amount - float(value)) < 0.5 for h in v.find_amounts(norm))
    if path in ("reporter.phone", "reporter.email", "product.hs"):
        digits = re.sub(r"\D", "", str(value))
        return (str(value).lower() in norm.lower()) or (bool(digits) and digits in re.sub(r"\D", "", norm))
    return True


def merge_proposals(report: BarrierReport, proposals: dict[str, Any], text: str) -> tuple[BarrierReport, list[str]]:
    """Fill empty fields from the proposals that pass validation and grounding; returns the report
    and the paths refused."""
    refused: list[str] = []
    for path, value in proposals.items():
        if path not in PROPOSABLE or is_filled(report, path):
            continue
        if not grounded(path, value, text):
            refused.append(path)
            continue
        try:
            report = set_path(report, path, value)
        except (ValueError, KeyError, TypeError):
            refused.append(path)
    return report, refused
