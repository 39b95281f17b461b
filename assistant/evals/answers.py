"""`tbt eval answers`: are the assistant's answers cited, complete, honest and free of invention?

A question set is JSONL, one question a line: {"id", "q", "lang": "zh"|"en", "intent", "refs",
"facts", "refuse"} and optionally "topic" (words a cited rejection must name), "markets" (ISO codes of the
markets asked about, when `refs` cannot tell) and "also" (refs acceptable to cite beside `refs`). Each question is asked through `Assistant.ask` in a
fresh session, exactly as a user would ask it (offline composer unless TBT_LLM_* are set).

Metrics, overall and per language:
- citation precision: the share of cited sources that are relevant. A citation is relevant when
  it is one of the question's refs (or `also`), belongs to the same notification family as one or
  is linked to one in the corpus (`related`), or - judged from the record itself - it is on the
  question's topic (the market and HS codes of the expected records; for a rejection, naming a
  `topic` word) and every sentence citing it passes the citation verifier. An answer to a
  question that must be refused cites nothing relevant.
- key facts: the share of `facts` found in the answer text, after normalising both (NFKC, case,
  spaces, thousands separators, dates to ISO: 2016年7月13日 = 13 July 2016 = 2016-07-13).
- correct refusals: the share of questions refused exactly when `refuse` says so.
- invented: symbols, act numbers, dates, figures and markers the verifier finds in an answer but
  in none of the sources the sentence cites (must be 0).
- ref recall (for information): the share of expected refs cited.
- cited right: the share of answerable questions whose answer cites at least one expected ref.
- answers the question: the share of answerable questions whose answer states the key fact (the
  `direct` facts when given, else the first of `facts`) within its first two sentences.
- no cited answer: the share of answerable questions answered with no citation at all (a refusal,
  or only a question back).
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import PROJECT_ROOT, Settings
from assistant.evals.jsonl import read_set
from assistant.evals.split import WITHHELD, split_paths, withheld

SET_DIR = PROJECT_ROOT / "evals" / "answers"
RESULTS_DIR = PROJECT_ROOT / "evals" / "results"
DEFAULT_SET = "dev"
LANGS = ("zh", "en")
TARGETS = {"citation_precision": 0.95, "key_facts": 0.9, "correct_refusals": 0.9, "invented": 0}


@dataclass
class Question:
    """One line of an answer set."""

    id: str
    q: str
    lang: str
    intent: str
    refs: list[str]
    facts: list[str]
    refuse: bool = False
    topic: list[str] = field(default_factory=list)
    also: list[str] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    direct: list[str] = field(default_factory=list)  # the fact(s) that answer it; default facts[:1]
    origin: str = ""  # tuned | apart-<month> (see evals/README.md)

    @property
    def key_facts(self) -> list[str]:
        return self.direct or self.facts[:1]


@dataclass
class Outcome:
    """One question asked and scored."""

    question: Question
    ms: float
    refused: bool
    composer: str
    intent: str
    cited: list[str]
    relevant: dict[str, str]  # cited ref -> why relevant ("" when it is not)
    facts_found: list[str]
    facts_missing: list[str]
    invented: list[str]
    text: str = ""
    error: str | None = None
    removed: list[str] = field(default_factory=list)  # sentences the verifier would drop

    @property
    def cited_right(self) -> bool:
        return bool(self.refs_cited) or (not self.question.refs and bool(self.cited))

    @property
    def answers_first(self) -> bool:
        """The key fact is stated within the answer's first two sentences."""
        keys = self.question.key_facts
        return bool(keys) and not self.refused and any(fact_found(k, opening(self.text)) for k in keys)

    @property
    def refusal_ok(self) -> bool:
        return self.refused == self.question.refuse

    @property
    def irrelevant(self) -> list[str]:
        return [r for r, why in self.relevant.items() if not why]

    @property
    def refs_cited(self) -> list[str]:
        return [r for r in self.question.refs if r in self.cited]

    @property
    def failed(self) -> bool:
        return bool(self.error or not self.refusal_ok or self.irrelevant or self.facts_missing or self.invented
                    or self.removed)


# --- the question set --------------------------------------------------------------------------


def resolve_set(set_name: str | None) -> tuple[str, Path]:
    """(name, path): a set name under evals/answers/ (default `dev`), or a JSONL path."""
    name = set_name or DEFAULT_SET
    path = Path(name)
    if path.suffix == ".jsonl" or path.exists():
        return path.stem, path
    return name, SET_DIR / f"{name}.jsonl"


def _str_list(value: Any, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValueError(f"{key} must be a list of strings")
    return list(value)


def parse_question(obj: Any) -> Question:
    """One question from its JSON object; ValueError with a readable reason when it is unusable."""
    if not isinstance(obj, dict):
        raise ValueError("a line must be a JSON object")
    for key in ("id", "q", "lang"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise ValueError(f"{key} is required (a non-empty string)")
    if obj["lang"] not in LANGS:
        raise ValueError(f"lang must be zh or en, not {obj['lang']!r}")
    refuse = obj.get("refuse", False)
    if not isinstance(refuse, bool):
        raise ValueError("refuse must be true or false")
    return Question(
        id=obj["id"], q=obj["q"], lang=obj["lang"], intent=str(obj.get("intent") or ""),
        refs=_str_list(obj.get("refs"), "refs"), facts=_str_list(obj.get("facts"), "facts"),
        refuse=refuse, topic=_str_list(obj.get("topic"), "topic"), also=_str_list(obj.get("also"), "also"),
        markets=_str_list(obj.get("markets"), "markets"), direct=_str_list(obj.get("direct"), "direct"),
        origin=str(obj.get("origin") or ""),
    )


def load_questions(path: Path) -> tuple[list[Question], list[str]]:
    """Questions of a set, and a readable message for each line that could not be used."""
    questions: list[Question] = []
    problems: list[str] = []
    seen: set[str] = set()
    for no, obj in read_set(path, problems):
        try:
            q = parse_question(obj)
        except ValueError as exc:
            problems.append(f"{path.name}:{no}: {exc}")
            continue
        if q.id in seen:
            problems.append(f"{path.name}:{no}: duplicate id {q.id!r}, skipped")
            continue
        seen.add(q.id)
        questions.append(q)
    return questions, problems


# --- normalising text for fact matching ---------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    re.compile(r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(rf"(?P<d>\d{{1,2}})\s+{_MON}\s*,?\s+(?P<y>(?:19|20)\d{{2}})", re.I),
    re.compile(rf"{_MON}\s+(?P<d>\d{{1,2}})\s*,\s*(?P<y>(?:19|20)\d{{2}})", re.I),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])"),
    re.compile(rf"{_MON}\s+(?P<y>(?:19|20)\d{{2}})", re.I),
]
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def _iso(m: re.Match[str]) -> str:
    g = m.groupdict()
    month = _MONTHS[g["mon"].lower()] if g.get("mon") else int(g["m"])
    if not 1 <= month <= 12:
        return m.group(0)
    if g.get("d"):
        return f"{g['y']}-{month:02d}-{int(g['d']):02d}"
    return f"{g['y']}-{month:02d}"


_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"])}
_ZH_NUMBERS = {ch: str(i) for i, ch in enumerate("零一二三四五六七八九十")} | {"两": "2"}
# a quantity in either language: the same fact whether the answer says "45 days" or "45天"
_UNITS = [
    (re.compile(r"(\d+)\s*(?:working days?|business days?|个工作日|工作日)", re.I), "wd"),
    (re.compile(r"(\d+)\s*(?:calendar days?|days?|天|日)(?![\d-])", re.I), "d"),
    (re.compile(r"(\d+)\s*(?:months?|个月)", re.I), "mo"),
    (re.compile(r"(\d+)\s*(?:years?|年)(?!\d)", re.I), "y"),
    (re.compile(r"(\d+)\s*(?:tonnes?|tons?|吨)", re.I), "t"),
]


def _quantities(text: str) -> str:
    text = re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b(?=[\s-]+(?:working |business |calendar )?"
                  r"(?:days?|months?|years?|tonnes?|tons?)\b)", lambda m: _NUMBER_WORDS[m.group(1).lower()], text,
                  flags=re.I)
    text = re.sub(r"(?<![一二三四五六七八九十])([一二两三四五六七八九十])(?=(?:个工作日|个月|天|年|吨))",
                  lambda m: _ZH_NUMBERS[m.group(1)], text)
    for rx, unit in _UNITS:
        text = rx.sub(lambda m, u=unit: f"{m.group(1)}{u}", text)  # type: ignore[misc]
    return text


def _countries(text: str) -> str:
    """Country names in either language as their ISO codes (Netherlands = 荷兰 = NLD)."""
    from assistant.retrieve.markets import find_markets

    out, last = [], 0
    for m in find_markets(text):
        if m.start < last:
            continue
        out.append(text[last:m.start] + f"<{m.market.code}>")
        last = m.end
    return "".join(out) + text[last:]


def canon(text: str) -> str:
    """Text in one comparable form: NFKC, case-folded, dates in ISO, no thousands separators or
    spaces, quantities and country names the same in both languages."""
    text = unicodedata.normalize("NFKC", text or "")
    for rx in _DATE_PATTERNS:
        text = rx.sub(_iso, text)
    text = _THOUSANDS.sub("", text)
    text = _countries(_quantities(text))
    return re.sub(r"\s+", "", text.casefold())


def fact_found(fact: str, text: str) -> bool:
    return canon(fact) in canon(text)


_SENTENCE_END = re.compile(
    r"(?<=[。！？!?；;])|(?<!\bNo\.)(?<!\bArt\.)(?<!e\.g\.)(?<!i\.e\.)(?<!U\.S\.)(?<!\bvs\.)(?<=[.])(?=\s)|\n+"
)
_MARKUP = re.compile(r"^[\s#>*\-•\d.)）、]*|[*_`]+")


def opening(text: str, n: int = 2) -> str:
    """The first `n` sentences of an answer, Markdown markers dropped. A line is at least one
    sentence (a heading counts: it is what the reader sees first); citation markers stay."""
    parts = [_MARKUP.sub("", p).strip() for p in _SENTENCE_END.split(text or "")]
    return " ".join([p for p in parts if p and re.search(r"\w", p)][:n])


# --- relevance of a citation --------------------------------------------------------------------


def _family(ref: str, rows: dict[str, dict[str, Any]]) -> str:
    return str(rows.get(ref, {}).get("core_symbol") or ref)


def _mentions(row: dict[str, Any], words: Iterable[str]) -> bool:
    blob = " ".join(str(row.get(k) or "") for k in ("title", "title_en", "title_zh", "product", "products")).lower()
    return any(w.lower() in blob for w in words)


def judge_citation(ref: str, q: Question, rows: dict[str, dict[str, Any]], supported: bool) -> str:
    """Why citing `ref` is relevant to `q` ("" when it is not); see the module docstring."""
    from assistant.answer.evidence import linked
    from assistant.retrieve.products import hs_matches

    if q.refuse:
        return ""
    expected = q.refs + q.also
    if ref in expected:
        return "expected"
    row = rows.get(ref, {})
    for e in expected:
        e_row = rows.get(e, {})
        if _family(ref, rows) == _family(e, rows) and (row or e_row):
            return "same notification"
        if linked(e, e_row, ref, row):
            return "linked"
    if not supported:
        return ""
    if row.get("type") == "alert" and q.topic and not _mentions(row, q.topic):
        return ""
    markets: set[str] = set(q.markets)
    hs: list[str] = []
    for e in expected:
        markets.update(rows.get(e, {}).get("markets") or [])
        hs.extend(rows.get(e, {}).get("hs") or [])
    r_markets = set(row.get("markets") or [])
    if markets and r_markets and not markets & r_markets:
        return ""
    r_hs = row.get("hs") or []
    if hs and r_hs and not any(hs_matches(a, b) for a in hs for b in r_hs):
        return ""
    if not expected and not q.topic and not q.markets:
        return ""  # nothing to judge the topic by
    return "on topic"


# --- running -----------------------------------------------------------------------------------


def _ask_one(assistant: Any, index: Any, q: Question) -> Outcome:
    from assistant.answer.evidence import citation_evidence
    from assistant.answer.verify import marker_numbers, verify

    rows = index.record_rows
    start = time.perf_counter()
    try:
        answer = assistant.ask(q.q, lang=q.lang)
    except Exception as exc:  # a crash is a failure of this question, not of the run
        return Outcome(q, (time.perf_counter() - start) * 1000, False, "error", "", [], {}, [], list(q.facts), [],
                       error=f"{type(exc).__name__}: {exc}")
    ms = (time.perf_counter() - start) * 1000
    evidence = citation_evidence(index, answer.citations)
    # a refusal cites nothing and states nothing about a measure; it may only echo the user's own symbol
    check = verify("" if answer.refused and not answer.citations else answer.text, evidence)
    unsupported = {n for r in check.removed for n in marker_numbers(r.split(" — ")[0])}
    cited = [c.ref for c in answer.citations]
    relevant = {c.ref: judge_citation(c.ref, q, rows, c.n not in unsupported) for c in answer.citations}
    found = [f for f in q.facts if fact_found(f, answer.text)] if not q.refuse else []
    missing = [f for f in q.facts if f not in found] if not q.refuse else []
    return Outcome(q, ms, answer.refused, answer.composer, answer.intent, cited, relevant, found, missing,
                   list(check.invented), answer.text, removed=list(check.removed))


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    cites = [why for o in outcomes for why in o.relevant.values()]
    facts_total = sum(len(o.question.facts) for o in outcomes if not o.question.refuse)
    facts_found = sum(len(o.facts_found) for o in outcomes)
    refs_total = sum(len(o.question.refs) for o in outcomes if not o.question.refuse)
    refs_cited = sum(len(o.refs_cited) for o in outcomes if not o.question.refuse)
    times = [o.ms for o in outcomes]
    answerable = [o for o in outcomes if not o.question.refuse]
    return {
        "questions": len(outcomes),
        "answerable": sum(1 for o in outcomes if not o.question.refuse),
        "must_refuse": sum(1 for o in outcomes if o.question.refuse),
        "citations": len(cites),
        "citation_precision": _ratio(sum(1 for w in cites if w), len(cites)),
        "key_facts": _ratio(facts_found, facts_total),
        "correct_refusals": _ratio(sum(1 for o in outcomes if o.refusal_ok), len(outcomes)),
        "false_refusals": sum(1 for o in outcomes if o.refused and not o.question.refuse),
        "missed_refusals": sum(1 for o in outcomes if o.question.refuse and not o.refused),
        "invented": sum(len(o.invented) for o in outcomes),
        "unverified_sentences": sum(len(o.removed) for o in outcomes),
        "ref_recall": _ratio(refs_cited, refs_total),
        "cited_right": _ratio(sum(1 for o in answerable if o.cited_right), len(answerable)),
        "answers_question": _ratio(sum(1 for o in answerable if o.answers_first), len(answerable)),
        "no_cited_answer": _ratio(sum(1 for o in answerable if not o.cited), len(answerable)),
        "no_cited_answer_n": sum(1 for o in answerable if not o.cited),
        "errors": sum(1 for o in outcomes if o.error),
        "p50_ms": round(statistics.median(times), 1) if times else None,
    }


def _passed(m: dict[str, Any]) -> bool:
    def at_least(key: str) -> bool:
        return m[key] is None or m[key] >= TARGETS[key]

    return (at_least("citation_precision") and at_least("key_facts") and at_least("correct_refusals")
            and m["invented"] == 0 and m["errors"] == 0)


def _outcome_json(o: Outcome) -> dict[str, Any]:
    return {
        "id": o.question.id, "q": o.question.q, "lang": o.question.lang, "expected_intent": o.question.intent,
        "intent": o.intent, "composer": o.composer, "refuse": o.question.refuse, "refused": o.refused,
        "cited": o.cited, "relevance": o.relevant, "irrelevant": o.irrelevant,
        "facts_found": o.facts_found, "facts_missing": o.facts_missing, "invented": o.invented,
        "unverified": o.removed,
        "refs_missing": [r for r in o.question.refs if r not in o.cited], "ms": round(o.ms, 1),
        "error": o.error, "failed": o.failed, "cited_right": o.cited_right,
        "answers_question": o.answers_first if not o.question.refuse else None,
    }


def _table(result: dict[str, Any]) -> str:
    cols = [("citation_precision", "cite-prec"), ("cited_right", "cited-right"), ("key_facts", "facts"),
            ("answers_question", "answers-q"), ("no_cited_answer", "no-cited"), ("correct_refusals", "refusals"),
            ("invented", "invented"), ("unverified_sentences", "unverified"), ("ref_recall", "ref-recall"),
            ("p50_ms", "p50 ms")]
    lines = [f"answer eval: set {result['set']}, {result['metrics']['all']['questions']} questions, "
             f"composer {result['composer']}",
             f"  {'':<14}{'n':>5}" + "".join(f"{label:>12}" for _, label in cols)]
    for key in (*LANGS, "all", *[k for k in result["metrics"] if k not in (*LANGS, "all")]):
        m = result["metrics"].get(key)
        if not m or not m["questions"]:
            continue
        cells = "".join(f"{'-' if m[k] is None else m[k]:>12}" for k, _ in cols)
        lines.append(f"  {key:<14}{m['questions']:>5}{cells}")
    t = TARGETS
    lines.append(f"  targets: citation precision >= {t['citation_precision']}, key facts >= {t['key_facts']}, "
                 f"correct refusals >= {t['correct_refusals']}, invented = {t['invented']}  ->  "
                 + ("PASS" if result["passed"] else "FAIL"))
    return "\n".join(lines)


def _failure_lines(outcomes: list[Outcome], hide: bool = False) -> list[str]:
    out = []
    for o in outcomes:
        if not o.failed:
            continue
        if hide:  # test split: which question failed and how, never what it asks or expects
            kinds = [k for k, bad in (("error", o.error), ("refusal", not o.refusal_ok),
                                      ("irrelevant citations", o.irrelevant), ("missing facts", o.facts_missing),
                                      ("invented", o.invented), ("unverified", o.removed)) if bad]
            out.append(f"  {o.question.id}: " + ", ".join(kinds))
            continue
        bits = []
        if o.error:
            bits.append(f"error {o.error}")
        if not o.refusal_ok:
            bits.append("refused but should answer" if o.refused else "answered but should refuse")
        if o.irrelevant:
            bits.append("irrelevant citations " + ", ".join(o.irrelevant))
        if o.facts_missing:
            bits.append("missing facts " + ", ".join(o.facts_missing))
        if o.invented:
            bits.append("invented " + ", ".join(o.invented))
        if o.removed:
            bits.append(f"{len(o.removed)} sentence(s) fail the verifier: " + " | ".join(r[:120] for r in o.removed[:2]))
        out.append(f"  {o.question.id} {o.question.q[:60]!r}: " + "; ".join(bits))
    return out


def load_split(split: str) -> tuple[list[Question], list[str]]:
    """The questions of a split (`dev`, `test` or `all`) and the problems met reading them."""
    questions: list[Question] = []
    problems: list[str] = []
    for path in split_paths(SET_DIR, split):
        qs, ps = load_questions(path)
        questions += qs
        problems += ps
    return questions, problems


def run_answer_eval(settings: Settings, set_name: str | None, out: Path | None = None, echo: bool = True,
                    split: str = "dev") -> dict[str, Any]:
    """Ask every question of the set (a named set or file, else the split), score the answers,
    print a table, write the JSON results."""
    from assistant.dialogue.assistant import Assistant
    from assistant.retrieve.search import get_searcher

    if set_name:
        name, path = resolve_set(set_name)
        questions, problems = load_questions(path)
    else:
        name, path = split, SET_DIR / f"{split}.jsonl"
        questions, problems = load_split(split)
    hide = withheld(path, None if set_name else split)

    def say(text: str) -> None:
        if echo:
            sys.stdout.write(text + "\n")

    for p in problems:
        say(f"note: {p}")
    assistant = Assistant(settings)
    index = get_searcher(settings).index
    outcomes = [_ask_one(assistant, index, q) for q in questions]
    metrics = {"all": summarise(outcomes)}
    for lang in LANGS:
        metrics[lang] = summarise([o for o in outcomes if o.question.lang == lang])
    for origin in sorted({o.question.origin for o in outcomes if o.question.origin}):
        metrics[origin] = summarise([o for o in outcomes if o.question.origin == origin])
    composers = sorted({o.composer for o in outcomes if not o.refused and o.composer not in ("error",)})
    result: dict[str, Any] = {
        "set": name, "path": str(path), "composer": "/".join(composers) or "offline",
        "metrics": metrics, "targets": TARGETS, "passed": _passed(metrics["all"]) and bool(outcomes),
        "problems": problems, "split": None if set_name else split,
        "questions": [_outcome_json(o) for o in outcomes],
    }
    if hide:
        for row in result["questions"]:
            row.update(q=WITHHELD, facts_found=len(row["facts_found"]), facts_missing=len(row["facts_missing"]),
                       refs_missing=len(row["refs_missing"]))
    say(_table(result))
    fails = _failure_lines(outcomes, hide)
    if fails:
        say(f"failures ({len(fails)}):")
        for line in fails:
            say(line)
    target = out or RESULTS_DIR / f"answers-{name}.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        result["written_to"] = str(target)
    except OSError as exc:
        say(f"could not write {target}: {exc}")
    return result
