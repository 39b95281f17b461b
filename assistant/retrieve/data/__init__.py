"""Data files for query analysis (a package so that built wheels include them)."""
