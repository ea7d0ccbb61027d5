"""How an entry of a hash-chained log is hashed and what its author signs: shared by the
store, which appends and walks the logs (store/chain.py), and by the evidence bundle's
checker, which has no store (export/verify_bundle.py)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

__all__ = ["GENESIS", "Problem", "entry_hash", "signed_message"]

GENESIS = "0" * 64  # the prev_hash of a log's first entry


@dataclass(frozen=True)
class Problem:
    """One integrity failure, named so that a person can find it."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def entry_hash(seq: int, subject: str | None, action: str, at: str, actor: str,
               details: dict[str, Any], prev_hash: str) -> str:
    body = json.dumps({"seq": seq, "subject": subject, "action": action, "at": at,
                       "actor": actor, "details": details},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def signed_message(log: str, entry_hash: str, key_id: str) -> bytes:
    """What an entry's author signs: the log, the entry's hash (which covers everything
    in it and the whole chain before it) and the author's key id."""
    return f"testimonia-log|{log}|{entry_hash}|{key_id}".encode()
