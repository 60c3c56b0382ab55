"""The English text front end: normalization, pronunciation and chunking."""
