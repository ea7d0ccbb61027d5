"""E-mail messages (.eml) read with the standard library.

The text/plain body is preferred, else the text/html body converted to text.
A body that declares no character set but is not ASCII is decoded as textdecode
decodes text files (UTF-8, else a detected older encoding, recorded as a repair).
Attachments are not ingested: only their file names are recorded. Sender and
recipient addresses are never put in metadata, because they identify people.
"""

from __future__ import annotations

import codecs
import email
import email.errors
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from typing import Any

from testimonia.errors import UnreadableFile
from testimonia.ingest.readers.base import ReadLimits, ReadResult
from testimonia.ingest.readers.html import html_to_text
from testimonia.ingest.textdecode import (
    BINARY_REASON,
    DecodedText,
    decode_text,
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
    version: str = "2"
    media_type: str = "message/rfc822"
    extensions: tuple[str, ...] = (".eml",)

    def read(self, data: bytes, file_name: str, limits: ReadLimits) -> ReadResult:
        """Return the body text; metadata: subject, date, body_type, attachments, encoding."""
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


@dataclass(frozen=True)
class _Body:
    part: Message
    body_type: str  # "text/plain" or "text/html"
    decoded: DecodedText  # text before HTML conversion is applied


def _read_message(data: bytes, file_name: str) -> tuple[str, dict[str, Any]]:
    message = email.message_from_bytes(data, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise UnreadableFile(file_name, _NO_HEADERS)
    body = _body(message, file_name)
    if body is None:
        raise UnreadableFile(
            file_name, "the e-mail has no text body (attachments are not ingested)"
        )
    text = body.decoded.text
    if looks_binary(text):
        raise UnreadableFile(file_name, f"the e-mail body is {BINARY_REASON}")
    metadata = _headers(message)
    metadata["body_type"] = body.body_type
    metadata["attachments"] = _attachment_names(message, body.part)
    metadata.update(body.decoded.as_metadata())
    return text, metadata


def _body(message: EmailMessage, file_name: str) -> _Body | None:
    """The first non-empty body, plain text preferred over HTML."""
    for subtype in ("plain", "html"):
        part = message.get_body(preferencelist=(subtype,))
        if not isinstance(part, EmailMessage):
            continue
        decoded = _content(part, file_name)
        if decoded is None:
            continue
        text = html_to_text(decoded.text).text if subtype == "html" else decoded.text
        if text.strip():
            return _Body(part, f"text/{subtype}", DecodedText(text, decoded.encoding, decoded.repairs))
    return None


def _content(part: EmailMessage, file_name: str) -> DecodedText | None:
    """The part's text; undeclared non-ASCII bytes are decoded like a text file."""
    content = part.get_content()
    if not isinstance(content, str):
        return None
    charset = part.get_content_charset()
    if charset in (None, "us-ascii"):
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and not payload.isascii():
            try:
                return decode_text(payload, file_name)
            except UnreadableFile:
                pass
    return DecodedText(content, codecs.lookup(charset or "us-ascii").name)


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
