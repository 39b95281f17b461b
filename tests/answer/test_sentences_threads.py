"""The server answers from several threads at once (uvicorn's thread pool, every worker). The word
tables the question reader builds on first use must come out whole for every thread, not half-built
for the ones that arrive while another is filling them (a CI run of 20 concurrent clients got 500s)."""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = """
import threading
import time
from assistant.answer.sentences import question_terms
from assistant.index.tokenize import cut_words
cut_words("出口欧盟")  # as in the server: search has cut words before the answer reads the question
q = "违规罚多少？对铅的限量是多少"
out, errors = [], []
def ask():
    try:
        out.append(sorted(question_terms(q)))
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=ask) for _ in range(8)]
for t in threads:  # requests arrive a moment apart, while the first is still reading the tables
    t.start()
    time.sleep(0.05)
for t in threads:
    t.join()
alone = sorted(question_terms(q))
print(len(errors), sum(o == alone for o in out), "罚" in alone and "铅" in alone)
"""


def test_first_questions_on_many_threads_read_the_same_terms() -> None:
    # a fresh interpreter: the tables are built by the racing threads themselves
    run = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["0", "8", "True"]
