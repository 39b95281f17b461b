"""tbt-assistant: the channel-agnostic core (no I/O at import time)."""

__version__ = "0.1.0"
