"""What the evidence bundle's writer (bundle.py) and its checker (verify_bundle.py) agree
on: where each item lies in the bag, how a log entry is written as one JSON line, what
the exporting user signs, and how the BagIt library is loaded.

    bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt  README.txt
    data/bundle.json          what the bag holds, for whom, on which basis
    data/documents.json       each document the claims rest on: SHA-256, file name, …
    data/originals/<sha256><.ext>   the originals, byte for byte
    data/texts/<sha256>.txt   the text each was read as (what claims' offsets count in)
    data/claims.json          the claims, their evidence and every review decision
    data/findings.json        the analysis, as `export --format json --audience legal` writes it
    data/keys.json            the public keys that signed the log entries and the bag
    data/logs/custody.jsonl   the custody entries of those documents
    data/logs/audit.jsonl     the audit entries of those documents, of the keys, of this export
    data/logs/custody-chain.tsv, audit-chain.tsv   seq, prev_hash, hash of every entry
"""

from __future__ import annotations

import json
import re
from types import ModuleType
from typing import Any

from testimonia.errors import ConfigError
from testimonia.model import LogEntry

__all__ = ["AUDIT", "AUDIT_CHAIN", "BUNDLE", "CHAIN_HEADER", "CLAIMS", "CUSTODY", "CUSTODY_CHAIN",
           "DOCUMENTS", "FINDINGS", "FORMAT", "KEYS", "LOGS", "ORIGINALS", "README", "TAG_AUDIT_HEAD",
           "TAG_CUSTODY_HEAD", "TAG_SIGNATURE", "TAG_SIGNER", "TEXTS", "UNSCANNED", "bagit",
           "bundle_message", "entry_from_json", "entry_json", "original_name"]

FORMAT = "testimonia-evidence-bundle/1"
BUNDLE = "bundle.json"
DOCUMENTS = "documents.json"
CLAIMS = "claims.json"
FINDINGS = "findings.json"
KEYS = "keys.json"
ORIGINALS = "originals"
TEXTS = "texts"
README = "README.txt"  # a tag file, beside bag-info.txt: the first thing a reader opens
LOGS = {"custody": "custody_events", "audit": "audit_events"}  # log name -> table signed over
CUSTODY, AUDIT = "logs/custody.jsonl", "logs/audit.jsonl"
CUSTODY_CHAIN, AUDIT_CHAIN = "logs/custody-chain.tsv", "logs/audit-chain.tsv"
CHAIN_HEADER = "seq\tprev_hash\thash\n"
# What the leak scan does not read: the evidence itself, kept unaltered; and bag-info.txt,
# whose values are written in data/bundle.json too (which it reads) but for the machine's
# Payload-Oxum ("1128731.21" looks like a phone number) and signature.
UNSCANNED = (f"data/{ORIGINALS}", f"data/{TEXTS}", "bag-info.txt")

# bag-info.txt tags of our own (RFC 8493 §2.2.2 allows any).
TAG_CUSTODY_HEAD = "Custody-Head"  # "<seq> <hash>": the custody log's last entry when bagged
TAG_AUDIT_HEAD = "Audit-Head"
TAG_SIGNER = "Bundle-Signer"  # the exporting user's key id (data/keys.json)
TAG_SIGNATURE = "Bundle-Signature"  # Ed25519, hex, over bundle_message()

_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


def original_name(document_id: str, file_name: str) -> str:
    """An original's name in the bag: its SHA-256, with its file name's extension so
    that it opens in the right program ("<sha256>.pdf")."""
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return document_id + (suffix if _SUFFIX.fullmatch(suffix) else "")


def bundle_message(manifest_sha256: str, custody_head: str, audit_head: str, key_id: str) -> bytes:
    """What the exporting user signs: the payload manifest (which names the SHA-256 of
    every payload file) and the heads of both logs when the bag was made."""
    return f"testimonia-bundle|{manifest_sha256}|{custody_head}|{audit_head}|{key_id}".encode()


def entry_json(entry: LogEntry) -> str:
    """One log entry as one JSON line, every field its hash and signature cover."""
    return json.dumps({
        "seq": entry.seq, "subject": entry.subject, "action": entry.action, "at": entry.at,
        "actor": entry.actor, "details": entry.details, "prev_hash": entry.prev_hash,
        "hash": entry.hash, "signer": entry.signer,
        "signature": entry.signature.hex() if entry.signature is not None else None,
    }, ensure_ascii=False, sort_keys=True)


def entry_from_json(line: str) -> LogEntry:
    """The entry a line of a bag's log excerpt holds; ValueError (or KeyError, TypeError)
    when it is not one."""
    raw: dict[str, Any] = json.loads(line)
    signature = raw.get("signature")
    return LogEntry(seq=int(raw["seq"]), subject=raw["subject"], action=str(raw["action"]),
                    at=str(raw["at"]), actor=str(raw["actor"]), details=dict(raw["details"]),
                    prev_hash=str(raw["prev_hash"]), hash=str(raw["hash"]), signer=raw.get("signer"),
                    signature=bytes.fromhex(signature) if signature is not None else None)


def bagit() -> ModuleType:
    """The BagIt library (PyPI `bagit`, pinned in requirements.lock)."""
    try:
        import bagit as library  # here: only the bundle needs it
    except ImportError as exc:
        raise ConfigError("The evidence bundle needs the `bagit` library, which is not installed.",
                          fix="Install the pinned dependencies: `make install`.") from exc
    module: ModuleType = library
    return module
