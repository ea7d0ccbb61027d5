"""`testimonia verify-bundle PATH`: check an evidence bundle (bundle.py) offline, with no
workspace and no key: everything it needs is in the bag.

- BagIt: bagit.txt and the manifests open (the `bagit` library); every file under data/
  has the SHA-256 its manifest gives, none is missing and none was added; the tag files
  (bag-info.txt, README.txt, the manifest) have the SHA-256 of the tag manifest; the
  Payload-Oxum counts the payload.
- Originals: each one's SHA-256 is its name, and the digest and size its signed
  `received` custody entry recorded; each text has the digest its `text_extracted` entry
  recorded and, for text and Markdown originals, is what the same reader reads from the
  original.
- Logs: each entry's hash is recomputed from its fields (store/chain.py), entries that
  follow each other link by prev_hash, and each matches the chain file at its seq, which
  links up to the head in bag-info.txt; each entry's Ed25519 signature checks with its
  signer's public key, whose own audit entry introduced it, back to the first admin; the
  exporting user's signature covers the manifest and the heads.
- Claims: every quote is the text of its document at its offsets; every review decision
  is the one its signed audit entry records; every claim a finding rests on is there.

Every problem names the file, log entry, document or claim it concerns.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testimonia.crypto.credentials import verify_signature
from testimonia.crypto.logchain import GENESIS, Problem, entry_hash, signed_message
from testimonia.errors import TestimoniaError
from testimonia.export import bundle_layout as layout
from testimonia.ingest.readers import READERS
from testimonia.ingest.readers.base import ReadLimits
from testimonia.model import LogEntry

__all__ = ["BundleReport", "verify_bundle"]

logging.getLogger("bagit").addHandler(logging.NullHandler())  # problems are reported here, by name

ROOT_ACTIONS = frozenset({"user_added", "user_enrolled"})  # a key its own user signs in
KEY_ACTIONS = frozenset({"user_added", "credential_reset", "credential_changed", "user_enrolled"})
REREAD = frozenset({"text", "markdown"})  # readers whose text is the file decoded: re-read here


@dataclass
class BundleReport:
    path: Path
    files: int = 0  # payload files hashed
    originals: int = 0
    reread: int = 0  # texts read again from their originals
    entries: dict[str, int] = field(default_factory=dict)  # log -> entries checked
    signatures: int = 0
    claims: int = 0
    quotes: int = 0  # quotes compared with the text at their offsets
    elsewhere: int = 0  # claims on documents held by partner organisations: offsets only
    findings: int = 0
    manifest_sha256: str = ""
    signer: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, where: str, what: str) -> None:
        self.problems.append(Problem(where, what))


@dataclass
class _Bag:
    """What the checks share: the bag's folder, its bag-info tags, its parsed files."""

    root: Path
    info: dict[str, str]
    report: BundleReport
    library: Any  # the bagit.Bag
    custody: dict[int, LogEntry] = field(default_factory=dict)
    audit: dict[int, LogEntry] = field(default_factory=dict)
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # document id -> its text in the bag
    digests: dict[str, str] = field(default_factory=dict)  # path in the bag -> SHA-256, once hashed

    def entries_of(self, subject: str, action: str) -> list[LogEntry]:
        return [e for e in self.by_subject.get(subject, []) if e.action == action]

    @functools.cached_property
    def by_subject(self) -> dict[str, list[LogEntry]]:
        found: dict[str, list[LogEntry]] = {}
        for entry in self.custody.values():
            found.setdefault(entry.subject or "", []).append(entry)
        return found

    def json(self, name: str) -> Any:
        """data/`name` parsed, or None (the problem said) when it cannot be."""
        try:
            return json.loads((self.root / "data" / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None  # named by the manifest check
        except (OSError, ValueError) as exc:
            self.report.problem(f"data/{name}", f"cannot be read ({type(exc).__name__})")
            return None


def verify_bundle(path: Path, progress: Callable[[int, int], None] | None = None) -> BundleReport:
    """Check the bag at `path`; `progress(done, total)` as files are hashed."""
    report = BundleReport(path)
    bag = _open(path, report)
    if bag is None:
        return report
    _check_files(bag, progress)
    _check_logs(bag)
    _check_keys(bag)
    _check_documents(bag)
    _check_claims(bag)
    return report


# --- BagIt --------------------------------------------------------------------------------

def _open(path: Path, report: BundleReport) -> _Bag | None:
    bagit = layout.bagit()
    try:
        bag = bagit.Bag(str(path))
    except (bagit.BagError, OSError) as exc:
        report.problem(str(path), f"is not a bag that can be read: {exc}")
        return None
    info = {str(k): str(v[0] if isinstance(v, list) else v) for k, v in bag.info.items()}
    return _Bag(path, info, report, bag)


def _check_files(bag: _Bag, progress: Callable[[int, int], None] | None) -> None:
    """Every payload and tag file against its manifest; what is missing or was added; then
    the BagIt library's own check of the structure and the Payload-Oxum."""
    for name in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        if not (bag.root / name).is_file():
            bag.report.problem(name, "missing")
    payload = _sha256s(bag.library.payload_entries())
    tags = _sha256s(bag.library.tagfile_entries())
    on_disk = {p.relative_to(bag.root).as_posix() for p in _files(bag.root / "data")}
    listed = set(payload)
    for name in sorted(on_disk - listed):
        bag.report.problem(name, "added: manifest-sha256.txt does not list it")
    top = {p.name for p in bag.root.iterdir() if p.is_file() and not p.name.startswith("tagmanifest-")}
    for name in sorted(top - set(tags)):
        bag.report.problem(name, "added: tagmanifest-sha256.txt does not list it")
    checks = sorted(payload.items()) + sorted(tags.items())
    for done, (name, digest) in enumerate(checks, start=1):
        _check_digest(bag, name, digest)
        if progress is not None:
            progress(done, len(checks))
    bag.report.files = len(on_disk & listed)
    _check_oxum(bag, on_disk)
    if not bag.report.problems:  # a second opinion, which stops at the first problem it finds
        bagit = layout.bagit()
        try:
            bag.library.validate(completeness_only=True)
        except bagit.BagError as exc:
            bag.report.problem("bag", f"the BagIt library finds it invalid: {exc}")


def _sha256s(entries: dict[str, dict[str, str]]) -> dict[str, str]:
    """path ('/'-separated) -> SHA-256, from the bagit library's manifest entries."""
    return {Path(name).as_posix(): hashes["sha256"] for name, hashes in entries.items() if "sha256" in hashes}


def _check_digest(bag: _Bag, name: str, digest: str) -> None:
    target = bag.root / name
    if not target.resolve().is_relative_to(bag.root.resolve()):
        bag.report.problem(name, "lies outside the bag")
    elif not target.is_file():
        bag.report.problem(name, "missing: the manifest lists it")
    else:
        bag.digests[name] = _sha256(target)
        if bag.digests[name] != digest:
            bag.report.problem(name, "altered: its SHA-256 is no longer the one the manifest gives")


def _check_oxum(bag: _Bag, on_disk: set[str]) -> None:
    oxum = bag.info.get("Payload-Oxum", "")
    size = sum((bag.root / name).stat().st_size for name in on_disk)
    if oxum != f"{size}.{len(on_disk)}":
        bag.report.problem("bag-info.txt", f"Payload-Oxum says {oxum or 'nothing'} (bytes.files), but "
                           f"data/ holds {len(on_disk)} files of {size} bytes")


def _files(folder: Path) -> Iterator[Path]:
    for current, _dirs, files in os.walk(folder):
        for name in files:
            yield Path(current) / name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the logs ----------------------------------------------------------------------------

def _check_logs(bag: _Bag) -> None:
    summary = bag.json(layout.BUNDLE)
    listed = summary.get("log_entries") if isinstance(summary, dict) else None
    if not isinstance(listed, dict):
        bag.report.problem(f"data/{layout.BUNDLE}", "does not list the log entries the bag holds")
    for log, excerpt, chain_file, tag in (("custody", layout.CUSTODY, layout.CUSTODY_CHAIN, layout.TAG_CUSTODY_HEAD),
                                          ("audit", layout.AUDIT, layout.AUDIT_CHAIN, layout.TAG_AUDIT_HEAD)):
        entries = _entries(bag, log, excerpt)
        setattr(bag, log, entries)
        bag.report.entries[log] = len(entries)
        chain = _chain(bag, log, chain_file, bag.info.get(tag, ""))
        if isinstance(listed, dict):
            expected = {n for n in listed.get(log, []) if isinstance(n, int)}
            for seq in sorted(expected - entries.keys()):
                bag.report.problem(f"{log} entry {seq}", f"missing from data/{excerpt} ({layout.BUNDLE} lists it)")
            for seq in sorted(entries.keys() - expected):
                bag.report.problem(f"{log} entry {seq}", f"added: {layout.BUNDLE} does not list it")
        for entry in entries.values():
            where = f"{log} entry {entry.seq}"
            recomputed = entry_hash(entry.seq, entry.subject, entry.action, entry.at, entry.actor,
                                    entry.details, entry.prev_hash)
            if recomputed != entry.hash:
                bag.report.problem(where, f"was altered ({entry.action} entry no longer matches its hash)")
            if chain is not None and chain.get(entry.seq) != (entry.prev_hash, entry.hash):
                bag.report.problem(where, f"is not the entry the log holds at {entry.seq} ({chain_file})")
            before = entries.get(entry.seq - 1)
            if before is not None and entry.prev_hash != before.hash:
                bag.report.problem(where, "does not follow the entry before it")


def _entries(bag: _Bag, log: str, name: str) -> dict[int, LogEntry]:
    try:
        lines = (bag.root / "data" / name).read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    entries: dict[int, LogEntry] = {}
    for number, line in enumerate(lines, start=1):
        try:
            entry = layout.entry_from_json(line)
        except (ValueError, KeyError, TypeError):
            bag.report.problem(f"data/{name} line {number}", f"is not a {log} log entry")
            continue
        if entry.seq in entries:
            bag.report.problem(f"{log} entry {entry.seq}", "appears twice")
        entries[entry.seq] = entry
    return entries


def _chain(bag: _Bag, log: str, name: str, head: str) -> dict[int, tuple[str, str]] | None:
    """seq -> (prev_hash, hash) of every entry up to the head, once its links are checked."""
    try:
        lines = (bag.root / "data" / name).read_text(encoding="utf-8").splitlines()[1:]
    except OSError:
        return None
    chain: dict[int, tuple[str, str]] = {}
    prev = GENESIS
    for number, line in enumerate(lines, start=1):
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] != str(number):
            bag.report.problem(f"data/{name} line {number + 1}", f"is not '{number}<tab>prev_hash<tab>hash'")
            return chain
        if parts[1] != prev:
            bag.report.problem(f"{log} entry {number}", f"does not follow the entry before it ({name})")
        chain[number] = (parts[1], parts[2])
        prev = parts[2]
    last = f"{len(lines)} {prev}" if lines else ""
    if last != head:
        bag.report.problem(f"data/{name}", f"ends at {last or 'nothing'}, not at the head bag-info.txt "
                           f"gives ({head or 'none'})")
    return chain


# --- keys and signatures -----------------------------------------------------------------

def _check_keys(bag: _Bag) -> None:
    found = bag.json(layout.KEYS)
    rows = found.get("keys", []) if isinstance(found, dict) else []
    bag.keys = {str(k.get("key_id")): k for k in rows if isinstance(k, dict)}
    for key_id, key in bag.keys.items():
        _check_key(bag, key_id, key)
    for log, entries in (("custody", bag.custody), ("audit", bag.audit)):
        for entry in entries.values():
            _check_signature(bag, log, entry)
    _check_bag_signature(bag)


def _check_key(bag: _Bag, key_id: str, key: dict[str, Any]) -> None:
    """The key is the one its audit entry gave its user, and the entries that gave the
    keys lead back to one its own user signed (the first admin's)."""
    start, seen = key_id, {key_id}
    while True:
        number = key.get("introduced_by")
        giving = bag.audit.get(number) if isinstance(number, int) else None
        if giving is None or giving.action not in KEY_ACTIONS or giving.details.get("key_id") != key_id \
                or giving.details.get("signing_key") != key.get("signing_key") or giving.subject != key.get("user"):
            bag.report.problem(f"key {key_id}", f"is not the key audit entry {number} gave to {key.get('user')}")
            return
        if giving.signer == key_id:
            if giving.action not in ROOT_ACTIONS:
                bag.report.problem(f"key {key_id}", f"signed its own {giving.action} entry {giving.seq}")
            return
        if giving.signer is None or giving.signer in seen or giving.signer not in bag.keys:
            bag.report.problem(f"key {start}", "the entries that gave it do not lead back to a key its own "
                               f"user signed in (audit entry {giving.seq} is signed by {giving.signer})")
            return
        key_id = giving.signer
        seen.add(key_id)
        key = bag.keys[key_id]


def _check_signature(bag: _Bag, log: str, entry: LogEntry) -> None:
    where = f"{log} entry {entry.seq}"
    if entry.signer is None or entry.signature is None:
        bag.report.problem(where, f"{entry.action} by {entry.actor} is not signed")
        return
    key = bag.keys.get(entry.signer)
    if key is None:
        bag.report.problem(where, f"is signed by key {entry.signer}, which data/{layout.KEYS} does not hold")
        return
    if str(key.get("user", "")).casefold() != entry.actor.casefold():
        bag.report.problem(where, f"says it was done by {entry.actor} but is signed by {key.get('user')}")
    message = signed_message(layout.LOGS[log], entry.hash, entry.signer)
    if not _verifies(key, message, entry.signature):
        bag.report.problem(where, f"{entry.action} by {entry.actor}: the signature does not match "
                           "(altered or forged)")
        return
    bag.report.signatures += 1


def _check_bag_signature(bag: _Bag) -> None:
    signer = bag.info.get(layout.TAG_SIGNER, "")
    bag.report.signer = signer
    manifest = bag.root / "manifest-sha256.txt"
    bag.report.manifest_sha256 = _sha256(manifest) if manifest.is_file() else ""
    message = layout.bundle_message(bag.report.manifest_sha256, bag.info.get(layout.TAG_CUSTODY_HEAD, ""),
                                    bag.info.get(layout.TAG_AUDIT_HEAD, ""), signer)
    try:
        signature = bytes.fromhex(bag.info.get(layout.TAG_SIGNATURE, ""))
    except ValueError:
        signature = b""
    key = bag.keys.get(signer)
    if key is None or not signature or not _verifies(key, message, signature):
        bag.report.problem("bag-info.txt", f"{layout.TAG_SIGNATURE} does not match the manifest and heads "
                           f"with key {signer or 'none'} (the bag was changed after it was made)")


def _verifies(key: dict[str, Any], message: bytes, signature: bytes) -> bool:
    try:
        public = bytes.fromhex(str(key.get("signing_key", "")))
    except ValueError:
        return False
    return len(public) == 32 and verify_signature(public, message, signature)


# --- documents and claims ----------------------------------------------------------------

def _check_documents(bag: _Bag) -> None:
    found = bag.json(layout.DOCUMENTS)
    rows = [r for r in (found.get("documents", []) if isinstance(found, dict) else []) if isinstance(r, dict)]
    listed = {str(r.get(kind)) for r in rows for kind in ("original", "text") if r.get(kind)}
    for folder in (layout.ORIGINALS, layout.TEXTS):
        for file in _files(bag.root / "data" / folder):
            name = file.relative_to(bag.root / "data").as_posix()
            if name not in listed:
                bag.report.problem(f"data/{name}", f"added: data/{layout.DOCUMENTS} does not list it")
    for row in rows:
        _check_document(bag, row)


def _check_document(bag: _Bag, row: dict[str, Any]) -> None:
    document = str(row.get("id", ""))
    where = f"document {document[:12]} ({row.get('file_name')})"
    received = _latest(bag.entries_of(document, "received"))
    extracted = _latest(bag.entries_of(document, "text_extracted"))
    if received is None or received.details.get("sha256") != document:
        bag.report.problem(where, "has no signed `received` entry with its SHA-256 in the custody excerpt")
    if not row.get("original"):
        return
    original = bag.root / "data" / str(row["original"])
    if Path(str(row["original"])).name != layout.original_name(document, str(row.get("file_name", ""))):
        bag.report.problem(f"data/{row['original']}", f"is not named by {where}'s SHA-256")
    if not original.is_file():
        return  # named by the manifest check
    bag.report.originals += 1
    data = original.read_bytes()
    intact = (bag.digests.get(f"data/{row['original']}") or hashlib.sha256(data).hexdigest()) == document
    if not intact:
        bag.report.problem(f"data/{row['original']}", "altered: its SHA-256 is not its name")
    elif received is not None and received.details.get("size") != len(data):
        bag.report.problem(where, f"has {len(data)} bytes, but custody entry {received.seq} recorded "
                           f"{received.details.get('size')}")
    _check_text(bag, row, data if intact else None, extracted, where)


def _check_text(bag: _Bag, row: dict[str, Any], original: bytes | None, extracted: LogEntry | None,
                where: str) -> None:
    document, name = str(row["id"]), f"data/{row.get('text')}"
    try:
        text = (bag.root / name).read_bytes()
    except OSError:
        return  # named by the manifest check
    bag.texts[document] = text.decode("utf-8", errors="replace")
    if extracted is None:
        bag.report.problem(where, "has no signed `text_extracted` entry in the custody excerpt")
        return
    if hashlib.sha256(text).hexdigest() != extracted.details.get("text_sha256"):
        bag.report.problem(name, f"is not the text {where} was read as (the SHA-256 its signed "
                           f"`text_extracted` custody entry {extracted.seq} recorded)")
        return
    if original is None:
        return
    reader = str(extracted.details.get("reader", ""))
    known = {f"{r.name}@{r.version}": r for r in READERS if r.name in REREAD}
    if reader in known:
        try:
            again = known[reader].read(original, str(row.get("file_name", "")), ReadLimits()).text
        except TestimoniaError as exc:
            bag.report.problem(f"data/{row['original']}", f"cannot be read by {reader}: {exc}")
            return
        bag.report.reread += 1
        if again != bag.texts[document]:
            bag.report.problem(name, f"is not what {reader} reads from the original")


def _latest(entries: list[LogEntry]) -> LogEntry | None:
    return max(entries, key=lambda e: e.seq) if entries else None


def _check_claims(bag: _Bag) -> None:
    found = bag.json(layout.CLAIMS)
    claims = [c for c in (found.get("claims", []) if isinstance(found, dict) else []) if isinstance(c, dict)]
    bag.report.claims = len(claims)
    textless: dict[str, int] = {}
    for claim in claims:
        where, document = f"claim {claim.get('id')}", str(claim.get("document"))
        body = claim.get("claim")
        if isinstance(body, dict) and document in bag.texts:
            _check_quotes(bag, where, bag.texts[document], body)
        elif isinstance(body, dict):
            textless[document] = textless.get(document, 0) + 1
        else:
            bag.report.elsewhere += 1
        for decision in claim.get("decisions", []):
            _check_decision(bag, where, claim, decision)
    for document, count in sorted(textless.items()):
        bag.report.problem(f"document {document[:12]}", f"its text is not in the bag: the quotes of its "
                           f"{count} claims cannot be checked")
    findings = bag.json(layout.FINDINGS)
    ids = {c.get("id") for c in claims}
    for number, finding in enumerate(findings.get("findings", []) if isinstance(findings, dict) else [], start=1):
        bag.report.findings += 1
        for missing in [c for c in finding.get("claims", []) if c not in ids]:
            bag.report.problem(f"finding {number} ({finding.get('allegation')})",
                               f"rests on claim {missing}, which data/{layout.CLAIMS} does not hold")


def _check_quotes(bag: _Bag, where: str, text: str, body: dict[str, Any]) -> None:
    for number, evidence in enumerate(body.get("evidence", []), start=1):
        start, end, quote = evidence.get("start"), evidence.get("end"), evidence.get("quote")
        bag.report.quotes += 1
        if not isinstance(start, int) or not isinstance(end, int) or text[start:end] != quote:
            bag.report.problem(where, f"quote {number} is not the text of its document at {start}–{end}")


def _check_decision(bag: _Bag, where: str, claim: dict[str, Any], decision: dict[str, Any]) -> None:
    entry = bag.audit.get(int(decision.get("audit_entry") or 0))
    said = (f"{decision.get('decision')} by {decision.get('by')} at {decision.get('at')} "
            f"(review {decision.get('review')})")
    if entry is None:
        bag.report.problem(where, f"its decision {said} has no audit entry in data/{layout.AUDIT}")
        return
    if (entry.action != "claim_reviewed" or entry.subject != claim.get("document")
            or entry.details.get("review") != decision.get("review")
            or entry.details.get("decision") != decision.get("decision") or entry.actor != decision.get("by")
            or list(entry.details.get("changed", [])) != decision.get("changed")):
        bag.report.problem(where, f"its decision {said} is not the one audit entry {entry.seq} records")
