"""What `testimonia export` offers: formats, audiences, and what to do when a witness
record is at risk of re-identification (docs/exports.md)."""

from __future__ import annotations

__all__ = ["AUDIENCES", "FORMATS", "ON_RISK"]

FORMATS = ("json",)
AUDIENCES = ("public",)
ON_RISK = ("generalise", "refuse")
