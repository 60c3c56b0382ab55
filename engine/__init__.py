"""The BitTTS runtime: packed-model reader, ternary kernels, text front end, synthesis.

No PyTorch here: training (in training/) reaches the engine only through the packed model
file that its exporter writes with ``bittts.engine.model_format``. Importing the engine
checks that its native extension is built and says how to build it if not.
"""

from bittts.engine import kernels as _kernels  # noqa: F401  (fails early with a build hint)
