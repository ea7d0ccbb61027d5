"""The fictional review case (examples/review-case/): eight testimonies, a relative in two
documents, an unattributed note, an official's denial and one person named in three
documents come out, after the scripted review, exactly as its README section 9 states —
checked by the case's own script, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_the_review_case_comes_out_as_its_ground_truth_says() -> None:
    env = {**os.environ, "TESTIMONIA_BIN": str(Path(sys.executable).parent / "testimonia"),
           "PYTHON_BIN": sys.executable}
    env = {k: v for k, v in env.items() if not k.startswith("TESTIMONIA_") or k == "TESTIMONIA_BIN"}
    done = subprocess.run(["bash", "examples/review-case/review.sh"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "All README section 9 checks hold." in done.stdout
    assert "FAIL" not in done.stdout
