"""The guided workshop scenarios (scenarios.yaml), as typed records in both languages.

The YAML file is what a trainer edits; this module only reads and checks it, so a missing
translation fails loudly at start-up instead of showing an empty button on the projector.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SCENARIOS_FILE = Path(__file__).resolve().parent / "scenarios.yaml"
LANGS = ("zh", "en")
OPEN_TARGETS = ("report", "staff")


@dataclass(frozen=True)
class Text:
    """One text in both languages."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Step:
    """Either a message to send (`say`) or a demo page to open (`open`: report | staff)."""

    say: Text | None = None
    open: str | None = None
    label: Text | None = None
    point: Text | None = None

    def button(self, lang: str) -> str:
        if self.say is not None:
            return self.say(lang)
        return self.label(lang) if self.label else str(self.open)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: Text
    summary: Text
    steps: tuple[Step, ...]


class ScenarioError(ValueError):
    """scenarios.yaml is malformed: says which scenario and what is wrong."""


def _text(value: Any, where: str) -> Text:
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) and value[k].strip()
                                              for k in LANGS):
        raise ScenarioError(f"{where}: needs a non-empty zh and en text")
    return Text(zh=str(value["zh"]).strip(), en=str(value["en"]).strip())


def _step(raw: Any, where: str) -> Step:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a step is a mapping")
    point = _text(raw["point"], f"{where}.point") if raw.get("point") else None
    if "say" in raw:
        return Step(say=_text(raw["say"], f"{where}.say"), point=point)
    target = raw.get("open")
    if target not in OPEN_TARGETS:
        raise ScenarioError(f"{where}: needs `say` or `open` (one of {', '.join(OPEN_TARGETS)})")
    return Step(open=str(target), label=_text(raw.get("label"), f"{where}.label"), point=point)


def parse(data: Any) -> tuple[Scenario, ...]:
    if not isinstance(data, list) or not data:
        raise ScenarioError("scenarios: a non-empty list is expected")
    out: list[Scenario] = []
    for i, raw in enumerate(data):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise ScenarioError(f"scenario {i + 1}: needs an id")
        sid = raw["id"]
        steps = raw.get("steps")
        if not isinstance(steps, list) or not steps:
            raise ScenarioError(f"{sid}: needs at least one step")
        out.append(Scenario(
            id=sid,
            title=_text(raw.get("title"), f"{sid}.title"),
            summary=_text(raw.get("summary"), f"{sid}.summary"),
            steps=tuple(_step(s, f"{sid}.steps[{j + 1}]") for j, s in enumerate(steps)),
        ))
    if len({s.id for s in out}) != len(out):
        raise ScenarioError("scenario ids must be unique")
    return tuple(out)


@lru_cache(maxsize=1)
def scenarios() -> tuple[Scenario, ...]:
    """The shipped scenarios, read once."""
    return parse(yaml.safe_load(SCENARIOS_FILE.read_text(encoding="utf-8")))


def find(scenario_id: str) -> Scenario | None:
    return next((s for s in scenarios() if s.id == scenario_id), None)
