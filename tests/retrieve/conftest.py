"""Shared fixtures: the product vocabulary built from the shipped corpus (corpus/vocab)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.retrieve.products import ProductVocabulary

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="session")
def vocab() -> ProductVocabulary:
    v = ProductVocabulary.load(CORPUS)
    v.warm()
    return v
