"""`--format bundle`: an evidence package for a court or a UN mechanism, in BagIt form
(RFC 8493; the `bagit` library), for the legal audience only.

The bag holds the unaltered originals of the organisation's documents that the legal
findings rest on (each named by its SHA-256), the text each was read as, the claims with
their evidence offsets and quotes and every review decision on them, the findings as the
legal JSON export writes them, the custody and audit log entries that concern those
documents and this export with their hashes and Ed25519 signatures, the public keys that
check them, and a README for the receiving lawyer (bundle_readme.py). The exporting user
signs the payload manifest. Layout: bundle_layout.py; the offline check: verify_bundle.py.

Documents of a partner organisation that the findings also rest on are listed by SHA-256
and custody entries, with their claims' offsets, but neither their originals nor their
words are in the bag: a partner's testimony is theirs to hand over.

Pure, like every format module: the service gathers the evidence (service/evidence.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from testimonia import __version__
from testimonia.export import bundle_layout as layout
from testimonia.export import bundle_readme, findings_json
from testimonia.export.published import Context, Output, claims_basis
from testimonia.model import Document, LogEntry, StoredClaim
from testimonia.shapes import ClaimJson

__all__ = ["AUDIENCES", "ClaimRecord", "Evidence", "KeyRecord", "NAME", "ReviewDecision", "Signer", "build",
           "resting_claims"]

NAME = "bundle"
AUDIENCES = ("legal",)  # originals are unaltered testimony: only the organisation's lawyers


class Signer(Protocol):
    @property
    def key_id(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True)
class ReviewDecision:
    """One decision on a claim, as its reviewer signed it."""

    review: int
    decision: str  # accepted | edited | rejected | added
    actor: str
    at: str
    reason: str | None
    body: ClaimJson  # the claim as decided
    changed: tuple[str, ...] = ()  # the fields an edit changed (from its audit entry)
    entry: int | None = None  # the audit entry that records it


@dataclass(frozen=True)
class ClaimRecord:
    claim: StoredClaim  # as counted: the reviewed version
    state: str
    decisions: tuple[ReviewDecision, ...]


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    user: str
    organization: str
    signing_key: bytes  # Ed25519, raw
    introduced_by: int  # the audit entry that gave the user this key


@dataclass(frozen=True)
class Evidence:
    """What the service reads for a bundle besides the export's Context."""

    organization: str
    signer: Signer  # the exporting user
    documents: dict[str, Document]  # every document the claims rest on
    originals: dict[str, bytes]  # the organisation's own among them: the original bytes
    texts: dict[str, str]  # ... and the text each was read as
    claims: dict[int, ClaimRecord]
    custody: list[LogEntry]  # the excerpts
    audit: list[LogEntry]
    chains: dict[str, list[tuple[int, str, str]]]  # log -> (seq, prev_hash, hash) of every entry
    keys: list[KeyRecord]


def resting_claims(ctx: Context) -> set[int]:
    """The claims the findings rest on."""
    return {c for f in ctx.inputs.results["findings"] for c in f.get("claims", []) if c in ctx.inputs.claims}


def build(ctx: Context, evidence: Evidence) -> Output:
    findings = findings_json.build(ctx)
    claims = _claims(evidence)
    heads = {log: _head(evidence.chains[log]) for log in layout.LOGS}
    info = _bag_info(evidence, findings.items, heads)
    files = {
        layout.BUNDLE: _json(_summary(ctx, evidence, findings.items, info)),
        layout.DOCUMENTS: _json(_documents(evidence)),
        layout.CLAIMS: _json(claims),
        layout.FINDINGS: findings.files[findings_json.FILE],
        layout.KEYS: _json({"keys": [_key(k) for k in evidence.keys]}),
        layout.CUSTODY: _lines(evidence.custody),
        layout.AUDIT: _lines(evidence.audit),
        layout.CUSTODY_CHAIN: _chain(evidence.chains["custody"]),
        layout.AUDIT_CHAIN: _chain(evidence.chains["audit"]),
    }
    for document_id, data in evidence.originals.items():
        name = layout.original_name(document_id, evidence.documents[document_id].file_name)
        files[f"{layout.ORIGINALS}/{name}"] = data
        files[f"{layout.TEXTS}/{document_id}.txt"] = evidence.texts[document_id].encode("utf-8")
    quoted = {d: sum(1 for c in evidence.claims.values() if c.claim.document_id == d) for d in evidence.originals}
    readme = bundle_readme.readme(bundle_readme.Facts(
        organization=evidence.organization, findings=findings.items, claims=len(evidence.claims),
        originals=len(evidence.originals), held_elsewhere=len(evidence.documents) - len(evidence.originals),
        custody_entries=len(evidence.custody), audit_entries=len(evidence.audit), keys=len(evidence.keys),
        signer=evidence.signer.key_id,
        media_types=sorted({evidence.documents[d].media_type for d in evidence.originals})))
    return Output(files, findings.items, "findings", quoted, facts=findings.facts,
                  finish=partial(_bag, info=info, readme=readme, signer=evidence.signer),
                  unscanned=layout.UNSCANNED,
                  originals=frozenset(evidence.originals), evidence=tuple(evidence.texts.values()))


# --- the bag -----------------------------------------------------------------------------

def _bag(folder: Path, info: dict[str, str], readme: str, signer: Signer) -> None:
    """Make `folder` a bag: payload under data/, manifests, bagit.txt (BagIt 1.0), the
    README as a tag file, and the exporting user's signature in bag-info.txt."""
    bagit = layout.bagit()
    bagit.make_bag(str(folder), dict(info), checksums=["sha256"])
    (folder / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
                                      encoding="utf-8")
    (folder / layout.README).write_text(readme, encoding="utf-8")
    manifest = hashlib.sha256((folder / "manifest-sha256.txt").read_bytes()).hexdigest()
    bag = bagit.Bag(str(folder))
    message = layout.bundle_message(manifest, info[layout.TAG_CUSTODY_HEAD], info[layout.TAG_AUDIT_HEAD],
                                    signer.key_id)
    bag.info[layout.TAG_SIGNER] = signer.key_id
    bag.info[layout.TAG_SIGNATURE] = signer.sign(message).hex()
    bag.save()


def _bag_info(evidence: Evidence, findings: int, heads: dict[str, str]) -> dict[str, str]:
    held = len(evidence.documents) - len(evidence.originals)
    return {
        "Source-Organization": evidence.organization,
        "Contact-Name": _actor(evidence),
        "Bagging-Date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "External-Description": (
            f"Evidence bundle of {evidence.organization}: {findings} findings on detention and "
            f"torture resting on {len(evidence.claims)} reviewed claims; the unaltered originals of "
            f"{len(evidence.originals)} documents named by their SHA-256"
            + (f" ({held} more held by partner organisations, listed by SHA-256)" if held else "")
            + "; the custody and audit log entries that concern them, with their Ed25519 signatures "
            "and the public keys that check them. For the legal audience only: the originals are "
            "testimony, unredacted. Read README.txt; check with `testimonia verify-bundle`."),
        "Bag-Software-Agent": f"Testimonia {__version__} (bagit.py {layout.bagit().VERSION})",
        layout.TAG_CUSTODY_HEAD: heads["custody"],
        layout.TAG_AUDIT_HEAD: heads["audit"],
    }


def _actor(evidence: Evidence) -> str:
    found = [k.user for k in evidence.keys if k.key_id == evidence.signer.key_id]
    return found[0] if found else ""


def _head(chain: list[tuple[int, str, str]]) -> str:
    seq, _prev, digest = chain[-1] if chain else (0, "", "")
    return f"{seq} {digest}".strip()


# --- the payload -------------------------------------------------------------------------

def _summary(ctx: Context, evidence: Evidence, findings: int, info: dict[str, str]) -> dict[str, Any]:
    return {
        "format": layout.FORMAT, "audience": ctx.audience.name, "organization": evidence.organization,
        "exported_by": _actor(evidence), "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "claims_basis": claims_basis(ctx),
        "counts": {"findings": findings, "claims": len(evidence.claims),
                   "documents": len(evidence.documents), "originals": len(evidence.originals),
                   "custody_entries": len(evidence.custody), "audit_entries": len(evidence.audit),
                   "keys": len(evidence.keys)},
        "heads": {log: info[tag] for log, tag in (("custody", layout.TAG_CUSTODY_HEAD),
                                                  ("audit", layout.TAG_AUDIT_HEAD))},
        "bag_info": info,
        "log_entries": {"custody": [e.seq for e in evidence.custody], "audit": [e.seq for e in evidence.audit]},
        "leak_scan": {"unscanned": list(layout.UNSCANNED),
                      "why": "the originals and their texts are the evidence, kept unaltered; "
                             "bag-info.txt holds the values of bag_info above and the machine's "
                             "Payload-Oxum and signature. Every other file was searched for the "
                             "identities in the organisation's vault; words the originals "
                             "themselves contain are not counted, as the bag holds them anyway"},
    }


def _documents(evidence: Evidence) -> dict[str, Any]:
    custody: dict[str, list[int]] = {}
    for entry in evidence.custody:
        custody.setdefault(entry.subject or "", []).append(entry.seq)
    rows = []
    for doc in sorted(evidence.documents.values(), key=lambda d: (d.organization, d.file_name)):
        held = doc.id in evidence.originals
        rows.append({
            "id": doc.id, "file_name": doc.file_name, "media_type": doc.media_type, "size": doc.size,
            "organization": doc.organization, "source": doc.source, "language": doc.language,
            "received_at": doc.received_at, "reader": doc.reader, "text_sha256": doc.text_sha256,
            "original": f"{layout.ORIGINALS}/{layout.original_name(doc.id, doc.file_name)}" if held else None,
            "text": f"{layout.TEXTS}/{doc.id}.txt" if held else None,
            "held_by": None if held else doc.organization,
            "claims": sum(1 for c in evidence.claims.values() if c.claim.document_id == doc.id),
            "custody_entries": custody.get(doc.id, []),
        })
    return {"documents": rows}


def _claims(evidence: Evidence) -> dict[str, Any]:
    written = [_claim(record, record.claim.document_id in evidence.originals)
               for record in sorted(evidence.claims.values(), key=lambda r: (r.claim.document_id, r.claim.id))]
    return {"format": "testimonia-evidence-claims/1", "organization": evidence.organization,
            "offsets": "character offsets (Unicode code points) into texts/<document>.txt",
            "claims": written}


def _claim(record: ClaimRecord, in_bag: bool) -> dict[str, Any]:
    claim = record.claim
    item: dict[str, Any] = {
        "id": claim.id, "document": claim.document_id, "file_name": claim.file_name,
        "source": claim.source, "source_kind": claim.source_kind, "origin": claim.origin,
        "state": record.state, "act": claim.body["act"],
    }
    if in_bag:
        item["claim"] = claim.body
    else:
        item["held_by"] = "a partner organisation: its words are not in this bag"
        item["evidence"] = [{"start": e["start"], "end": e["end"]} for e in claim.body["evidence"]]
    item["decisions"] = [_decision(d, in_bag) for d in record.decisions]
    return item


def _decision(decision: ReviewDecision, in_bag: bool) -> dict[str, Any]:
    said: dict[str, Any] = {"review": decision.review, "decision": decision.decision, "by": decision.actor,
                            "at": decision.at, "reason": decision.reason, "changed": list(decision.changed),
                            "audit_entry": decision.entry}
    if in_bag and decision.decision in ("edited", "added"):
        said["claim"] = decision.body
    return said


def _key(key: KeyRecord) -> dict[str, Any]:
    return {"key_id": key.key_id, "user": key.user, "organization": key.organization,
            "algorithm": "Ed25519", "signing_key": key.signing_key.hex(), "introduced_by": key.introduced_by}


def _lines(entries: list[LogEntry]) -> bytes:
    return "".join(layout.entry_json(e) + "\n" for e in entries).encode("utf-8")


def _chain(chain: list[tuple[int, str, str]]) -> bytes:
    return (layout.CHAIN_HEADER + "".join(f"{seq}\t{prev}\t{digest}\n" for seq, prev, digest in chain)).encode()


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
