"""The report printed to PDF by a headless chromium, when one is installed.

The page is written to a private temporary folder (mode 0700, removed afterwards) and
printed from there with a throw-away browser profile, no page header or footer (they
would print the temporary file's path and the time), and the background services that
call home turned off; the page itself forbids every network request (its Content
Security Policy). The PDF's document information is then reduced to its title and
producer: chromium writes the exact creation time, which the export never publishes
(an export is dated to the month).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess  # runs a browser found on PATH, with a fixed argument list  # nosec B404
import tempfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from testimonia.errors import TestimoniaError

__all__ = ["BROWSERS", "TIMEOUT", "find_browser", "print_pdf"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 180.0  # seconds: a large report takes a few


def find_browser() -> str | None:
    """The first of BROWSERS found on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(page: bytes, browser: str, title: str) -> bytes:
    """`page` (a self-contained HTML document) printed by `browser` to PDF."""
    with tempfile.TemporaryDirectory(prefix="testimonia-report-") as tmp:
        folder = Path(tmp)
        source, target = folder / "report.html", folder / "report.pdf"
        source.write_bytes(page)
        command = [browser, "--headless", "--disable-gpu", "--no-pdf-header-footer",
                   "--generate-pdf-document-outline", f"--user-data-dir={folder / 'profile'}",
                   "--no-first-run", "--disable-extensions", "--disable-sync", "--disable-default-apps",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-breakpad", "--mute-audio", f"--print-to-pdf={target}"]
        if os.geteuid() == 0:  # chromium refuses to run as root inside its sandbox
            command.append("--no-sandbox")
        try:
            done = subprocess.run([*command, source.as_uri()], capture_output=True, timeout=TIMEOUT,  # nosec B603
                                  check=False)
        except subprocess.TimeoutExpired:
            raise _failed(browser, f"it did not finish within {TIMEOUT:.0f} s") from None
        if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            said = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
            raise _failed(browser, f"it exited with {done.returncode}"
                          + (f" ({said[-1][:200]})" if said else ""))
        return _plain_information(target.read_bytes(), title)


def _plain_information(pdf: bytes, title: str) -> bytes:
    """The PDF with its document information reduced to a title and a producer."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.metadata = None
    writer.add_metadata({"/Title": title, "/Producer": "Testimonia"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _failed(browser: str, why: str) -> TestimoniaError:
    return TestimoniaError(f"The report could not be printed to PDF by {browser}: {why}.",
                           fix="Check that the browser starts (`chromium --headless --version`), or "
                               "export from a machine where it does; nothing was written.")
