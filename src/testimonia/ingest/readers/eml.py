"""E-mail messages (.eml) read with the standard library.

The text/plain body is preferred, else the text/html body converted to text.
Attachments are not ingested: only their file names are recorded. Sender and
recipient addresses are never put in metadata, because they identify people.
"""

from __future__ import annotations

import email
import email.errors
from email import policy
from email.message import EmailMessage, Message
from typing import Any

from testimonia.errors import UnreadableFile
from testimonia.ingest.readers.base import ReadLimits, ReadResult
from testimonia.ingest.readers.html import html_to_text
from testimonia.ingest.textdecode import (
    BINARY_REASON,
    finish_text,
    looks_binary,
    looks_binary_bytes,
    normalize_text,
)

_EMAIL_ERRORS = (
    email.errors.MessageError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    KeyError,
    AssertionError,
    RecursionError,
)
_NO_HEADERS = (
    "no e-mail headers found; if this is plain text, rename it to .txt, "
    "otherwise export the message again as .eml"
)


class EmlReader:
    """Reads the body of .eml messages; attachments are listed, not read."""

    name: str = "eml"
    version: str = "1"
    media_type: str = "message/rfc822"
    extensions: tuple[str, ...] = (".eml",)

    def read(self, data: bytes, file_name: str, limits: ReadLimits) -> ReadResult:
        """Return the body text; metadata: subject, date, body_type, attachments."""
        if not data.strip():
            raise UnreadableFile(file_name, "the file is empty")
        if looks_binary_bytes(data):
            raise UnreadableFile(file_name, BINARY_REASON)
        try:
            text, metadata = _read_message(data, file_name)
        except LookupError as exc:
            raise UnreadableFile(
                file_name,
                f"the e-mail uses an unknown character set ({exc}); "
                "export the message again as UTF-8",
            ) from None
        except _EMAIL_ERRORS as exc:
            raise UnreadableFile(
                file_name,
                f"damaged e-mail ({str(exc)[:120] or type(exc).__name__}); "
                "export the message again",
            ) from None
        text = finish_text(text, file_name, limits)
        return ReadResult(
            text=text,
            media_type=self.media_type,
            reader=f"{self.name}@{self.version}",
            metadata=metadata,
        )


def _read_message(data: bytes, file_name: str) -> tuple[str, dict[str, Any]]:
    message = email.message_from_bytes(data, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise UnreadableFile(file_name, _NO_HEADERS)
    body_part, body_type, text = _body(message)
    if body_part is None:
        raise UnreadableFile(
            file_name, "the e-mail has no text body (attachments are not ingested)"
        )
    if looks_binary(text):
        raise UnreadableFile(file_name, f"the e-mail body is {BINARY_REASON}")
    metadata = _headers(message)
    metadata["body_type"] = body_type
    metadata["attachments"] = _attachment_names(message, body_part)
    return text, metadata


def _body(message: EmailMessage) -> tuple[Message | None, str, str]:
    """The first non-empty body, plain text preferred over HTML."""
    for subtype in ("plain", "html"):
        part = message.get_body(preferencelist=(subtype,))
        if not isinstance(part, EmailMessage):
            continue
        content = part.get_content()
        if not isinstance(content, str):
            continue
        text = html_to_text(content).text if subtype == "html" else content
        if text.strip():
            return part, f"text/{subtype}", text
    return None, "", ""


def _headers(message: EmailMessage) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for key in ("subject", "date"):
        value = message.get(key)
        if value is not None and str(value).strip():
            metadata[key] = normalize_text(" ".join(str(value).split()))
    return metadata


def _attachment_names(message: EmailMessage, body_part: Message) -> list[str]:
    names: list[str] = []
    for part in message.walk():
        if part is body_part or part.get_content_maintype() == "multipart":
            continue
        filename = part.get_filename()
        if filename or part.get_content_disposition() == "attachment":
            names.append(normalize_text(filename) if filename else "(unnamed)")
    return names
