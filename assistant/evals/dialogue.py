"""`tbt eval dialogue`: multi-turn conversations through `Assistant.ask`, one session each.

A set is JSONL, one conversation a line: {"id", "lang", "turns": [{"q", "expect", "refs"}], "note"}.
`expect` is `cite` (the turn is right when the answer cites one of `refs`), `refuse` (the answer
is a refusal) or `clarify` (the assistant asks back: no citation, not a refusal, a question or
quick replies). Follow-ups only make sense in order, so every conversation runs in its own fresh
session, turn by turn, as a chat user would type it.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import PROJECT_ROOT, Settings
from assistant.evals.jsonl import read_set
from assistant.evals.split import WITHHELD, split_paths, withheld

SET_DIR = PROJECT_ROOT / "evals" / "dialogue"
RESULTS_DIR = PROJECT_ROOT / "evals" / "results"
EXPECTS = ("cite", "refuse", "clarify")
LANGS = ("zh", "en")


@dataclass
class Turn:
    """One user message and what a right reply does."""

    q: str
    expect: str
    refs: list[str] = field(default_factory=list)
    # for a question about rejections: words one of which a cited China-origin alert must name
    # (any such alert is right; `refs` then lists examples, not every right alert)
    topic: list[str] = field(default_factory=list)


@dataclass
class Conversation:
    """One line of a conversation set."""

    id: str
    lang: str
    turns: list[Turn]
    note: str = ""


@dataclass
class TurnOutcome:
    """What the assistant did on one turn."""

    turn: Turn
    cited: list[str]
    refused: bool
    clarified: bool
    ms: float
    error: str | None = None
    on_topic: list[str] = field(default_factory=list)  # cited alerts that name the turn's topic

    @property
    def right(self) -> bool:
        if self.error:
            return False
        if self.turn.expect == "refuse":
            return self.refused
        if self.turn.expect == "clarify":
            return self.clarified
        return not self.refused and (any(r in self.cited for r in self.turn.refs) or bool(self.on_topic))

    @property
    def did(self) -> str:
        if self.error:
            return "error"
        if self.refused:
            return "refused"
        if self.clarified:
            return "asked back"
        return "cited " + (", ".join(self.cited[:3]) or "nothing")


def parse_conversation(obj: dict[str, Any]) -> Conversation:
    """One conversation from its JSON object; ValueError with a readable reason when unusable."""
    qid, lang, turns = obj.get("id"), obj.get("lang"), obj.get("turns")
    if not isinstance(qid, str) or not qid.strip():
        raise ValueError("id is required (a non-empty string)")
    if lang not in LANGS:
        raise ValueError(f"lang must be zh or en, not {lang!r}")
    if not isinstance(turns, list) or not turns:
        raise ValueError("turns must be a non-empty list")
    parsed = []
    for i, t in enumerate(turns, 1):
        if not isinstance(t, dict) or not isinstance(t.get("q"), str) or not t["q"].strip():
            raise ValueError(f"turn {i}: q is required")
        expect = t.get("expect", "cite")
        refs = t.get("refs") or []
        if expect not in EXPECTS:
            raise ValueError(f"turn {i}: expect must be one of {', '.join(EXPECTS)}")
        if not isinstance(refs, list) or not all(isinstance(r, str) and r for r in refs):
            raise ValueError(f"turn {i}: refs must be a list of refs")
        if expect == "cite" and not refs:
            raise ValueError(f"turn {i}: a `cite` turn needs refs")
        topic = t.get("topic") or []
        if not isinstance(topic, list) or not all(isinstance(w, str) and w for w in topic):
            raise ValueError(f"turn {i}: topic must be a list of words")
        parsed.append(Turn(t["q"], expect, list(refs), [w.lower() for w in topic]))
    return Conversation(qid, lang, parsed, str(obj.get("note") or ""))


def load_conversations(paths: list[Path]) -> tuple[list[Conversation], list[str]]:
    """Conversations of the files, and a readable message for each line that could not be used."""
    convs: list[Conversation] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in paths:
        for no, obj in read_set(path, problems):
            try:
                conv = parse_conversation(obj)
            except ValueError as exc:
                problems.append(f"{path.name}:{no}: {exc}")
                continue
            if conv.id in seen:
                problems.append(f"{path.name}:{no}: duplicate id {conv.id!r}, skipped")
                continue
            seen.add(conv.id)
            convs.append(conv)
    return convs, problems


def asked_back(answer: Any) -> bool:
    """A clarifying question: nothing cited, no refusal, and a question or quick replies."""
    text = str(answer.text or "").rstrip()
    return (not answer.refused and not answer.citations and answer.mode == "ask"
            and (bool(answer.choices) or text.endswith(("?", "？"))))


def run_conversation(assistant: Any, conv: Conversation) -> list[TurnOutcome]:
    """Every turn of one conversation in one fresh session."""
    session = f"eval-dialogue:{conv.id}:{uuid.uuid4().hex[:8]}"
    out = []
    for turn in conv.turns:
        start = time.perf_counter()
        try:
            answer = assistant.ask(turn.q, session_id=session, lang=conv.lang, channel="eval")
        except Exception as exc:  # one crash fails the turn, not the run
            out.append(TurnOutcome(turn, [], False, False, (time.perf_counter() - start) * 1000,
                                   f"{type(exc).__name__}: {exc}"))
            continue
        cited = [c.ref for c in answer.citations]
        out.append(TurnOutcome(turn, cited, bool(answer.refused), asked_back(answer),
                               (time.perf_counter() - start) * 1000, on_topic=_on_topic(assistant, turn, cited)))
    return out


def _on_topic(assistant: Any, turn: Turn, cited: list[str]) -> list[str]:
    """Cited alerts of goods from China that name one of the turn's topic words."""
    if not turn.topic:
        return []
    from assistant.answer.evidence import is_china_origin

    rows = assistant.searcher.index.record_rows
    out = []
    for ref in cited:
        row = rows.get(ref) or {}
        text = f"{row.get('title') or ''} {row.get('product') or ''}".lower()
        if row.get("type") == "alert" and is_china_origin(row) and any(w in text for w in turn.topic):
            out.append(ref)
    return out


def summarise(results: list[tuple[Conversation, list[TurnOutcome]]]) -> dict[str, Any]:
    turns = [t for _, ts in results for t in ts]
    right = sum(1 for t in turns if t.right)
    by_expect = {}
    for kind in EXPECTS:
        of_kind = [t for t in turns if t.turn.expect == kind]
        if of_kind:
            by_expect[kind] = {"turns": len(of_kind), "right": sum(1 for t in of_kind if t.right)}
    return {
        "conversations": len(results),
        "turns": len(turns),
        "turns_right": right,
        "share": round(right / len(turns), 3) if turns else None,
        "conversations_all_right": sum(1 for _, ts in results if all(t.right for t in ts)),
        "follow_ups_right": sum(1 for _, ts in results for t in ts[1:] if t.right),
        "follow_ups": sum(len(ts) - 1 for _, ts in results),
        "by_expect": by_expect,
        "errors": sum(1 for t in turns if t.error),
    }


def _table(result: dict[str, Any]) -> str:
    lines = [f"dialogue eval: {result['set']}, {result['metrics']['all']['conversations']} conversations",
             f"  {'':<5}{'convs':>7}{'turns':>7}{'right':>7}{'share':>8}{'follow-ups':>12}{'all-right':>11}"]
    for key in (*LANGS, "all"):
        m = result["metrics"].get(key)
        if not m or not m["turns"]:
            continue
        lines.append(f"  {key:<5}{m['conversations']:>7}{m['turns']:>7}{m['turns_right']:>7}{m['share']:>8}"
                     f"{str(m['follow_ups_right']) + '/' + str(m['follow_ups']):>12}{m['conversations_all_right']:>11}")
    for kind, m in result["metrics"]["all"]["by_expect"].items():
        lines.append(f"  expected {kind}: {m['right']} of {m['turns']} right")
    return "\n".join(lines)


def run_dialogue_eval(settings: Settings, set_name: str | None, out: Path | None = None, echo: bool = True,
                      split: str = "dev") -> dict[str, Any]:
    """Run every conversation of the set (a file, else the split), print a table, write JSON."""
    from assistant.dialogue.assistant import Assistant

    if set_name:
        path = Path(set_name) if (set_name.endswith(".jsonl") or Path(set_name).exists()) \
            else SET_DIR / f"{set_name}.jsonl"
        paths = [path]
    else:
        paths = split_paths(SET_DIR, split)
        path = paths[0] if len(paths) == 1 else SET_DIR / f"{split}.jsonl"
    hide = withheld(path, None if set_name else split)
    convs, problems = load_conversations(paths)
    assistant = Assistant(settings)
    results = [(c, run_conversation(assistant, c)) for c in convs]
    metrics = {"all": summarise(results)}
    for lang in LANGS:
        metrics[lang] = summarise([(c, ts) for c, ts in results if c.lang == lang])
    rows: list[dict[str, Any]] = []
    for c, ts in results:
        rows.append({"id": c.id, "lang": c.lang, "turns": [
            {"q": WITHHELD if hide else t.turn.q, "expect": t.turn.expect,
             "refs": [] if hide else t.turn.refs, "right": t.right, "did": t.did, "ms": round(t.ms, 1),
             "error": t.error} for t in ts]})
    result: dict[str, Any] = {"set": path.stem, "split": None if set_name else split, "metrics": metrics,
                              "problems": problems, "conversations": rows}
    if echo:
        sys.stdout.write(_table(result) + "\n")
        for p in problems:
            sys.stdout.write(f"note: {p}\n")
        for row in rows:
            turns: list[dict[str, Any]] = row["turns"]
            wrong = [(i, t) for i, t in enumerate(turns, 1) if not t["right"]]
            for i, t in wrong:
                what = "" if hide else f" {t['q'][:50]!r} expected {t['expect']} {', '.join(t['refs'][:2])};"
                sys.stdout.write(f"  {row['id']} turn {i}:{what} {t['did'] if not hide else t['expect'] + ' wrong'}\n")
    target = out or RESULTS_DIR / f"dialogue-{path.stem}.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        result["written_to"] = str(target)
    except OSError as exc:
        result["problems"].append(f"{target}: results not written ({exc.strerror or exc})")
    return result
