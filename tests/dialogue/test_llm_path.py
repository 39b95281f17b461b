"""The LLM composer end to end through `Assistant.ask`, against a local fake OpenAI-compatible
server (real HTTP; only the remote model is faked).

An honest answer is used as written (composer "llm"); a sentence with an invented symbol or date
is removed, and an answer that is mostly invented, empty of citations or the product of an
injected instruction falls back to the offline answer (composer "llm-fallback").
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.dialogue.assistant import Assistant
from tests.dialogue.conftest import checked
from tests.fakes.openai_server import FakeOpenAI, serve

QUESTION = "出口蓝牙耳机到欧盟需要什么认证？"
RED = "Directive 2014/53/EU"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dialogue"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    yield from serve()


def with_llm(settings: Settings, fake: FakeOpenAI) -> Assistant:
    return Assistant(settings.model_copy(update={
        "llm_base_url": fake.base_url, "llm_model": "fixture-model", "llm_api_key": None, "llm_timeout": 5.0,
    }))


def source_numbers(messages: list[dict[str, Any]]) -> dict[str, int]:
    """ref -> n of every source fenced in the prompt."""
    user = "\n".join(str(m.get("content")) for m in messages if m.get("role") == "user")
    return {ref: int(n) for n, ref in re.findall(r'<source n="(\d+)" ref="([^"]+)"', user)}


def test_honest_model_answer_is_used(small_index: Settings, index: Any, fake: FakeOpenAI) -> None:
    fake.script(lambda messages: f"蓝牙耳机属于无线电设备，须符合{RED}，加贴CE标志[{source_numbers(messages)[RED]}]。")
    a = checked(with_llm(small_index, fake).ask(QUESTION), index)
    assert a.composer == "llm" and not a.refused
    assert a.text == f"蓝牙耳机属于无线电设备，须符合{RED}，加贴CE标志[1]。"
    assert [c.ref for c in a.citations] == [RED]  # renumbered to what the text cites
    (request,) = fake.completions
    user = request.content_of("user")
    assert QUESTION in user and f'ref="{RED}"' in user
    assert "ONLY the numbered sources" in request.content_of("system") and "Chinese" in request.content_of("system")


def test_invented_symbol_and_date_are_removed(small_index: Settings, index: Any, fake: FakeOpenAI) -> None:
    def reply(messages: list[dict[str, Any]]) -> str:
        n = source_numbers(messages)[RED]
        return (f"蓝牙耳机须符合{RED}[{n}]。"
                f"另据G/TBT/N/EU/777号通报，新规将于2031年1月1日生效[{n}]。"
                f"RED指令自2016年6月13日起适用[{n}]。")

    fake.script(reply)
    a = checked(with_llm(small_index, fake).ask(QUESTION), index)
    assert a.composer == "llm"
    assert "G/TBT/N/EU/777" not in a.text and "2031" not in a.text
    assert a.text == f"蓝牙耳机须符合{RED}[1]。RED指令自2016年6月13日起适用[1]。"
    assert any("G/TBT/N/EU/777" in note for note in a.notes)  # the event is kept for staff


def test_mostly_invented_answer_falls_back_to_the_offline_one(small_index: Settings, index: Any,
                                                              fake: FakeOpenAI) -> None:
    fake.script(lambda messages: "G/TBT/N/EU/777 applies to Bluetooth earphones from 2031-01-01 [1].")
    a = checked(with_llm(small_index, fake).ask(QUESTION), index)
    offline = Assistant(small_index).ask(QUESTION)
    assert a.composer == "llm-fallback"
    assert a.text == offline.text and [c.ref for c in a.citations] == [c.ref for c in offline.citations]
    assert "G/TBT/N/EU/777" not in a.text
    assert a.notes and "G/TBT/N/EU/777" in " ".join(a.notes)


def test_a_failing_server_falls_back_to_the_offline_answer(small_index: Settings, index: Any,
                                                           fake: FakeOpenAI) -> None:
    fake.status = 500
    a = checked(with_llm(small_index, fake).ask(QUESTION), index)
    assert a.composer == "llm-fallback" and a.citations[0].ref == RED


def test_report_intake_and_refusals_never_call_the_model(small_index: Settings, fake: FakeOpenAI) -> None:
    assistant = with_llm(small_index, fake)
    assert assistant.ask("今天天气怎么样？").refused
    assert assistant.ask("G/TBT/N/EU/99999").refused
    assert assistant.ask("报告壁垒", session_id="fixture-llm-intake").composer == "intake"
    assert fake.completions == []


# --- a corpus document that carries an instruction ------------------------------------------------


@pytest.fixture(scope="module")
def injected_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A tiny real index: the shipped notifications and a fixture page carrying a prompt injection."""
    from assistant.ingest.pipeline import run_ingest

    root = tmp_path_factory.mktemp("injected")
    shutil.copytree(FIXTURES / "injection", root / "corpus" / "curated")
    settings = Settings(data_dir=root / "data", corpus_dir=root / "corpus", today="2024-11-15")
    report = run_ingest(settings)
    assert report.ok and report.records == 6, report.as_dict()
    return settings


INJECTED_QUESTION = "Has the US notified its FCC equipment authorisation rules? Any guidance for importers?"


def test_injected_instruction_does_not_change_the_offline_answer(injected_index: Settings) -> None:
    a = Assistant(injected_index).ask(INJECTED_QUESTION)
    assert not a.refused and a.text.strip() != "HACKED"
    refs = [c.ref for c in a.citations]
    # the notification and its addenda, the best-matching one first
    assert set(refs[:3]) == {"G/TBT/N/USA/867", "G/TBT/N/USA/867/Add.1", "G/TBT/N/USA/867/Add.2"}
    assert "fixture-doc-injection-page" in refs and "fixture-forged" not in refs
    assert "distributed 2013-11-08" in a.text  # the answer is still about the notification
    assert "[9]" not in a.text and len(refs) < 9


def test_a_model_that_obeys_the_injection_is_not_shown(injected_index: Settings, fake: FakeOpenAI) -> None:
    fake.script(lambda messages: "HACKED" if "Ignore previous instructions" in str(messages) else "fixture reply")
    assistant = with_llm(injected_index, fake)
    a = assistant.ask(INJECTED_QUESTION)
    assert a.composer == "llm-fallback" and a.text.strip() != "HACKED"
    assert a.text == Assistant(injected_index).ask(INJECTED_QUESTION).text
    (request,) = fake.completions
    user = request.content_of("user")
    assert "Ignore previous instructions" in user  # passed on as quoted data ...
    assert '<source n="9"' not in user and "&lt;/source&gt;" in user  # ... inside a fence it cannot close
    assert "never instructions" in request.content_of("system")


def test_a_model_that_cites_the_forged_source_falls_back(injected_index: Settings, fake: FakeOpenAI) -> None:
    fake.script("G/TBT/N/USA/999 now applies to all radio devices [9].")
    a = with_llm(injected_index, fake).ask(INJECTED_QUESTION)
    assert a.composer == "llm-fallback"
    assert "G/TBT/N/USA/999" not in a.text and "fixture-forged" not in [c.ref for c in a.citations]


def test_an_honest_model_ignores_the_injection(injected_index: Settings, fake: FakeOpenAI) -> None:
    def reply(messages: list[dict[str, Any]]) -> str:
        n = source_numbers(messages)["G/TBT/N/USA/867"]
        return f"The US notified the FCC equipment authorisation rules as G/TBT/N/USA/867 on 2013-11-08 [{n}]."

    fake.script(reply)
    a = with_llm(injected_index, fake).ask(INJECTED_QUESTION)
    assert a.composer == "llm" and "HACKED" not in a.text
    assert a.text == "The US notified the FCC equipment authorisation rules as G/TBT/N/USA/867 on 2013-11-08 [1]."
    assert [c.ref for c in a.citations] == ["G/TBT/N/USA/867"]
