"""Dev and test splits of every evaluation set, so that figures on `test` cannot flatter.

`dev` may be tuned on; `test` is never tuned on and is only ever added to. The split of a question
that came from a set tuned before the split existed is decided by a hash of its id (stable across
machines and Python versions, about half and half); questions written apart from the system
(the old holdout, and every question added since) go to `test` whole. The split is stored as files
(`dev.jsonl`, `test.jsonl` in each set folder) so that the tuning loop never opens the test file;
`evals/intake` keeps one file that others' tests read, and is split at load time by the same hash.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

Split = Literal["dev", "test", "all"]
SPLITS: tuple[str, ...] = ("dev", "test", "all")


# Sets whose questions are split by the hash of their id: the questions tuned on before the split,
# and the batches written apart from 2026-12-05 on (their dev half is the tuning loop's sample of
# questions nobody tuned for; evals/README.md). Earlier batches written apart went to test whole.
HASH_SPLIT_ORIGINS = frozenset({"tuned", "apart-2026-12b", "apart-2026-12c", "apart-2026-12d",
                                "apart-2026-12e", "apart-2026-12f", "apart-2026-12g", "apart-2026-12h",
                                "apart-2026-12i", "apart-2026-12j",
                                "apart-2026-12k", "apart-2026-12l", "apart-2026-12m", "apart-2026-12n",
                                "apart-2026-12o", "apart-2026-12p", "apart-2026-12q",
                                "apart-2026-12r", "apart-2026-12s", "apart-2026-12t",
                                "apart-2026-12u", "apart-2026-12v", "apart-2026-12w"})


def split_of(qid: str) -> Literal["dev", "test"]:
    """The split a pre-existing tuned question belongs to: the low bit of sha256 of its id."""
    digest = hashlib.sha256(qid.strip().encode("utf-8")).digest()
    return "test" if digest[0] & 1 else "dev"


def split_paths(folder: Path, split: str) -> list[Path]:
    """The files of `split` in a set folder: dev.jsonl, test.jsonl, or both for `all`."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    names = ("dev", "test") if split == "all" else (split,)
    return [folder / f"{name}.jsonl" for name in names]


def in_split(qid: str, split: str) -> bool:
    """Whether a question of a hash-split set (evals/intake) belongs to `split`."""
    return split == "all" or split_of(qid) == split


WITHHELD = "(test question withheld)"


def withheld(path: Path, split: str | None) -> bool:
    """Whether results must not show question text: anything run on the test split, so that
    nobody tuning the system reads the test questions in an evaluation's output."""
    return split in ("test", "all") or path.stem == "test"
