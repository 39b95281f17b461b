"""The intake narratives of a split: evals/intake keeps one file (the extractor's own tests read
it whole), so its dev and test halves are cut at load time by the shared id hash."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from assistant.config import PROJECT_ROOT
from assistant.evals.split import in_split

NARRATIVES = PROJECT_ROOT / "evals" / "intake" / "narratives.jsonl"


def split_lines(split: str, path: Path = NARRATIVES) -> list[str]:
    """The lines of `path` whose id falls in `split` (lines without a readable id are kept, so
    that the evaluator reports them)."""
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            qid = str(json.loads(line).get("id") or "")
        except (json.JSONDecodeError, AttributeError):
            qid = ""
        if not qid or in_split(qid, split):
            kept.append(line)
    return kept


def split_file(split: str) -> Path:
    """A temporary JSONL file holding the narratives of `split`, for the intake evaluator."""
    if split == "all":
        return NARRATIVES
    tmp = Path(tempfile.mkdtemp(prefix="tbt-intake-")) / f"intake-{split}.jsonl"
    tmp.write_text("\n".join(split_lines(split)) + "\n", encoding="utf-8")
    return tmp
