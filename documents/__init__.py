"""Documents as a person would read them: ``read_document(path) -> Document`` (bittts.documents).

Used alike by the app, the command line (``bittts extract``, ``bittts synth --file``) and the
audiobook exporter. See docs/documents.md.
"""
