"""Domain types, units, the metric catalog, frameworks and factor libraries (no store I/O)."""
