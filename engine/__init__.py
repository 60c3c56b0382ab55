"""The BitTTS runtime: packed-model reader, ternary kernels, text front end, synthesis.

No PyTorch here: training (in training/) reaches the engine only through the packed model
file that its exporter writes with ``bittts.engine.model_format``.
"""
