"""The ``esgledger`` command line (Typer)."""
