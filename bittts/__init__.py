"""BitTTS Desktop: offline text-to-speech on a 1.58-bit neural model.

Subpackages: ``bittts.engine`` (the runtime, no PyTorch), ``bittts.app`` (the PySide6
window), ``bittts.documents`` (documents as they are read aloud) and ``bittts.resources``
(the bundled model and its card).
"""

__version__ = "0.1.0"
