"""Testimonia: from testimonies to corroborated, source-protected findings."""

__version__ = "0.1.0"
