"""Tests of the answer layer: LLM composer, prompt, citation verifier."""
