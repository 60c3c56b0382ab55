"""Teacher TTS voices for the distillation corpus (install.sh, voices.py)."""
