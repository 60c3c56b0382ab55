"""The bundled model file and its model card (package data)."""
