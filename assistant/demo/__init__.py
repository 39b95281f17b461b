"""Workshop mode: a projector-ready, offline demo over the shipped corpus.

Demo sessions and reports live in their own data folder (see space.py), labelled demo; the
index is shared read-only with the real data folder, so nothing real is written or reset.
"""
