"""Model making (corpus, training, export). Not part of the installed package; run modules
from the repository root, e.g. `python -m training.corpus.text`. See docs/corpus.md."""
