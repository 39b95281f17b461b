"""Dev and test splits: deterministic, disjoint, and the test split only ever grows.

The test split must not flatter: questions that were tuned on before the split existed go to the
split their id hash names, the old holdout and every question written apart go to test whole, and
nothing that runs on test prints a test question.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.evals.split import HASH_SPLIT_ORIGINS, WITHHELD, split_of, split_paths, withheld

EVALS = Path(__file__).resolve().parents[2] / "evals"
SETS = ["retrieval", "answers"]


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_split_is_a_stable_hash_of_the_id() -> None:
    assert split_of("zh-001") == split_of(" zh-001 ")
    assert {split_of(f"q-{i}") for i in range(50)} == {"dev", "test"}
    share = sum(split_of(f"x-{i}") == "test" for i in range(2000)) / 2000
    assert 0.45 < share < 0.55


def test_split_paths_reject_unknown_splits(tmp_path: Path) -> None:
    assert split_paths(tmp_path, "all") == [tmp_path / "dev.jsonl", tmp_path / "test.jsonl"]
    with pytest.raises(ValueError, match="dev, test, all"):
        split_paths(tmp_path, "train")


@pytest.mark.parametrize("name", SETS)
def test_tuned_questions_sit_where_their_hash_says(name: str) -> None:
    for split in ("dev", "test"):
        for row in rows(EVALS / name / f"{split}.jsonl"):
            if row.get("origin") in HASH_SPLIT_ORIGINS:
                assert split_of(row["id"]) == split, (name, row["id"])


@pytest.mark.parametrize("name", SETS)
def test_dev_and_test_are_disjoint_and_unseen_questions_are_in_test(name: str) -> None:
    dev, test = rows(EVALS / name / "dev.jsonl"), rows(EVALS / name / "test.jsonl")
    assert not {r["id"] for r in dev} & {r["id"] for r in test}
    assert not {r["q"] for r in dev} & {r["q"] for r in test}
    assert {r.get("origin") for r in dev} <= HASH_SPLIT_ORIGINS  # the rest went to test whole
    assert all(r.get("origin") in {"tuned", "holdout"} or str(r.get("origin", "")).startswith("apart-")
               for r in test)
    tuned = Counter(r.get("origin") for r in dev + test)["tuned"]
    assert 0.4 < sum(r.get("origin") == "tuned" for r in test) / tuned < 0.6  # about half and half


def test_the_holdout_went_wholly_to_test() -> None:
    test = rows(EVALS / "retrieval" / "test.jsonl")
    holdout = [r for r in test if r.get("origin") == "holdout"]
    assert len(holdout) == 127 and not [r for r in rows(EVALS / "retrieval" / "dev.jsonl") if r["id"].startswith(("h-", "b-"))]


def test_the_questions_written_apart_meet_their_brief() -> None:
    apart = [r for r in rows(EVALS / "retrieval" / "test.jsonl") if str(r.get("origin")).startswith("apart-")]
    assert len(apart) >= 120
    zh = [r for r in apart if r["lang"] == "zh"]
    assert abs(len(zh) - (len(apart) - len(zh))) <= 0.1 * len(apart)
    assert sum(not r["refs"] for r in apart) >= 20
    # cross-lingual: Chinese questions answered by English-only records, and the reverse
    english_only = re.compile(r"^(RASFF |DS\d|Regulation \(EU\) 2017/745$)")
    assert sum(any(english_only.match(x) for x in r["refs"]) for r in zh) >= 20
    assert sum(any(x.startswith("海关总署") for x in r["refs"]) for r in apart if r["lang"] == "en") >= 15
    kinds = Counter(x.split(" ")[0] for r in apart for x in r["refs"][:1])
    for kind in ("RASFF", "海关总署公告〔2024〕117号", "Regulation", "Directive", "Case:", "G/TBT/N/USA/867/Add.2"):
        assert any(k.startswith(kind.split(" ")[0]) for k in kinds), kind


def test_answer_questions_written_apart_have_key_facts() -> None:
    apart = [r for r in rows(EVALS / "answers" / "test.jsonl") if str(r.get("origin")).startswith("apart-")]
    answerable = [r for r in apart if not r["refuse"]]
    assert len(answerable) >= 40 and all(r["facts"] and r["refs"] for r in answerable)
    assert sum(r["refuse"] for r in apart) >= 4
    assert {r["lang"] for r in answerable} == {"zh", "en"}


def test_the_conversation_set_meets_its_brief() -> None:
    convs = rows(EVALS / "dialogue" / "test.jsonl")
    assert len(convs) >= 12 and all(len(c["turns"]) >= 2 for c in convs)
    expects = Counter(t["expect"] for c in convs for t in c["turns"])
    assert expects["cite"] >= 30 and expects["refuse"] >= 2 and expects["clarify"] >= 1
    assert {c["lang"] for c in convs} == {"zh", "en"}


def test_anything_run_on_test_is_withheld() -> None:
    assert withheld(Path("x/dev.jsonl"), "test") and withheld(Path("x/dev.jsonl"), "all")
    assert withheld(Path("evals/retrieval/test.jsonl"), None)
    assert not withheld(Path("evals/retrieval/dev.jsonl"), "dev")
    assert "withheld" in WITHHELD


def test_intake_is_split_by_the_same_hash() -> None:
    from assistant.evals.intake import NARRATIVES, split_file, split_lines

    dev, test = split_lines("dev"), split_lines("test")
    assert len(dev) + len(test) == len(rows(NARRATIVES)) and not set(dev) & set(test)
    assert all(split_of(json.loads(line)["id"]) == "test" for line in test)
    assert split_file("test").read_text(encoding="utf-8").splitlines() == test
