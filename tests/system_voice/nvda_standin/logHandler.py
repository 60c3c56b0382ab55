"""A stand-in for NVDA's logHandler: the messages are kept for the tests to read."""

import logging

log = logging.getLogger("nvda-standin")
