"""Tests of the HTTP layer: JSON API, web chat, docs."""
