"""Evaluation harnesses: retrieval, answers and barrier-report intake (`tbt eval ...`)."""
