"""The corpus pipeline: text -> generate -> align -> features -> report (docs/corpus.md)."""
