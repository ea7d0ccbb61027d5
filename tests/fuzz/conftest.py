"""Shared set-up for the fuzz tests: they reuse the ingest tests' PDF builder."""

from __future__ import annotations

import sys
from pathlib import Path

_INGEST_TESTS = str(Path(__file__).resolve().parent.parent / "ingest")
if _INGEST_TESTS not in sys.path:  # lets the fuzz tests import pdfmaker under any import mode
    sys.path.insert(0, _INGEST_TESTS)
