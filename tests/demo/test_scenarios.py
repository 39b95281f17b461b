"""The shipped scenarios: every one the workshop needs, each fully in both languages."""

from __future__ import annotations

import pytest

from assistant.demo.scenarios import ScenarioError, parse, scenarios


def test_the_workshop_scenarios_are_all_there_in_both_languages() -> None:
    shipped = {s.id: s for s in scenarios()}
    assert set(shipped) == {"market", "notification", "rejections", "refuse", "report", "staff"}
    for s in shipped.values():
        for lang in ("zh", "en"):
            assert s.title(lang) and s.summary(lang)
            assert all(step.button(lang) for step in s.steps)
    assert any("G/TBT/N/USA/867" in st.button("en") for st in shipped["notification"].steps)
    assert any("枸杞" in st.button("zh") for st in shipped["rejections"].steps)
    assert [st.open for st in shipped["report"].steps if st.open] == ["report"]
    assert [st.open for st in shipped["staff"].steps] == ["staff"]


@pytest.mark.parametrize("data", [
    [],
    [{"id": "x", "title": {"zh": "标题"}, "summary": {"zh": "a", "en": "b"}, "steps": [{"say": {"zh": "a", "en": "b"}}]}],
    [{"id": "x", "title": {"zh": "a", "en": "b"}, "summary": {"zh": "a", "en": "b"}, "steps": []}],
    [{"id": "x", "title": {"zh": "a", "en": "b"}, "summary": {"zh": "a", "en": "b"}, "steps": [{"open": "elsewhere"}]}],
])
def test_a_missing_translation_or_step_fails_loudly(data: object) -> None:
    with pytest.raises(ScenarioError):
        parse(data)
