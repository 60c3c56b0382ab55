"""The BitTTS Desktop application (PySide6)."""
