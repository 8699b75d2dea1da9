"""Collecting data: importers of datapoint files (YAML, CSV) and the embedded demo."""
