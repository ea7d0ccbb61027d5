"""What `testimonia export` offers: formats, audiences, and what to do when a witness
record is at risk of re-identification (docs/exports.md). What each audience may
receive is in audiences.py."""

from __future__ import annotations

__all__ = ["AUDIENCES", "FORMATS", "ON_RISK"]

FORMATS = ("json", "geojson", "csv", "ftm", "html", "bundle")
AUDIENCES = ("internal", "partner", "public", "legal")
ON_RISK = ("generalise", "refuse")
