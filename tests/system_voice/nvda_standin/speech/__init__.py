"""A stand-in for NVDA's speech package (only speech.commands is used by the driver)."""
