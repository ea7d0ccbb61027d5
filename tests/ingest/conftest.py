"""Shared set-up for the ingest tests."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # lets the tests import pdfmaker under any pytest import mode
    sys.path.insert(0, _HERE)
