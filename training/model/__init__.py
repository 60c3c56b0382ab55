"""The BitTTS model in PyTorch: 1.58-bit QAT layers, acoustic model, DDSP vocoder."""
