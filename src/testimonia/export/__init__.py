"""Exports: what leaves the workspace, always through the redaction, the leak scan and
the re-identification gate (docs/exports.md)."""
