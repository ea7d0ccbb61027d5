"""README.txt of the evidence bundle: for the lawyer who receives it, what is in the bag,
how to check each item by hand with common tools, and what the Berkeley Protocol's
preservation requirements mean for each item here."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from testimonia.export import bundle_layout as layout

__all__ = ["Facts", "readme"]


@dataclass(frozen=True)
class Facts:
    organization: str
    findings: int
    claims: int
    originals: int
    held_elsewhere: int  # documents of partner organisations, listed but not included
    custody_entries: int
    audit_entries: int
    keys: int
    signer: str  # the exporting user's key id
    media_types: list[str]


def readme(facts: Facts) -> str:
    return "\n".join([_intro(facts), _contents(facts), _checks(facts), _berkeley(facts), _limits()]) + "\n"


def _intro(f: Facts) -> str:
    elsewhere = "\n" + textwrap.fill(
        f"{f.held_elsewhere} further documents the findings rest on belong to partner organisations: "
        "they are listed by SHA-256 with their custody entries, but their originals and words are not "
        "in this bag. Ask those organisations for them, and check each against its SHA-256 here.",
        width=88) + "\n" if f.held_elsewhere else ""
    return f"""EVIDENCE BUNDLE — {f.organization}

This folder is a bag in the BagIt format (RFC 8493). It holds {f.findings} findings on
detention and torture, the {f.claims} reviewed claims they rest on, the unaltered
originals of {f.originals} documents, and the log entries that show where each original
came from and what was done with it, each signed by its author.

FOR THE LEGAL AUDIENCE ONLY. The originals are testimony as it was received, not
redacted: they may name witnesses and others. Keep the bag as you would keep the
statements themselves. The identities the organisation keeps apart from the testimony
(its vault) were not added to any file. The leak scan that checks this read every file
but the originals and their texts (data/{layout.ORIGINALS}/, data/{layout.TEXTS}/), which must stay
as they are, and bag-info.txt, whose values data/{layout.BUNDLE} repeats; words the
originals themselves contain were not counted against the files that quote them.
{elsewhere}"""


def _contents(f: Facts) -> str:
    items = [
        ("bagit.txt, bag-info.txt", "the BagIt declaration; who made the bag and when; the heads of "
         f"the logs when it was made ({layout.TAG_CUSTODY_HEAD}, {layout.TAG_AUDIT_HEAD}: seq and hash of "
         f"the last entry); the exporting user's signature ({layout.TAG_SIGNATURE}, key {f.signer})"),
        ("manifest-sha256.txt", "the SHA-256 of every file under data/"),
        ("tagmanifest-sha256.txt", "the SHA-256 of the files beside it, this README included"),
        (f"data/{layout.BUNDLE}", "what the bag holds, for whom, on which basis, and which log entries"),
        (f"data/{layout.DOCUMENTS}", "each document: SHA-256, original file name, media type, size, "
         "organisation, source (pseudonym), language, when received, which reader made its text"),
        (f"data/{layout.ORIGINALS}/<sha256>.<ext>", "the originals, byte for byte as received, each "
         "named by its SHA-256 with the extension of its original file name"),
        (f"data/{layout.TEXTS}/<sha256>.txt", "the text each original was read as (UTF-8): the claims' "
         "offsets count characters in it"),
        (f"data/{layout.CLAIMS}", "the claims: what was done, to whom, where, when, by whom, with the "
         "exact words (evidence: start, end, quote), and every review decision (decision, by, at, "
         "reason, fields changed, the audit entry that records it)"),
        (f"data/{layout.FINDINGS}", "the analysis: findings per site, allegation and period, with "
         "their status, independent sources and the claims behind each"),
        (f"data/{layout.KEYS}", f"the {f.keys} public keys (Ed25519) that signed the entries and the "
         "bag, each with the audit entry that gave it to its user"),
        (f"data/{layout.CUSTODY}", f"{f.custody_entries} custody entries of these documents: received, "
         "text extracted, viewed, extracted, corrected, exported …"),
        (f"data/{layout.AUDIT}", f"{f.audit_entries} audit entries: the decisions on these claims, reads "
         "and shares of these documents, the users' keys, the vault read of this export"),
        (f"data/{layout.CUSTODY_CHAIN}, data/{layout.AUDIT_CHAIN}", "seq, prev_hash and hash of every "
         "entry of each log, up to its head"),
    ]
    lines = [f"{name}\n{textwrap.fill(what, width=88, initial_indent='    ', subsequent_indent='    ')}"
             for name, what in items]
    return "WHAT IS IN THE BAG\n\n" + "\n".join(lines) + "\n"


def _checks(f: Facts) -> str:
    return f"""HOW TO CHECK IT

All at once, offline (Testimonia installed; no workspace or key needed):

    testimonia verify-bundle PATH-TO-THIS-FOLDER

It names every altered, missing or added file and log entry, and exits 1 if there is one.
By hand, from this folder:

1. Files. `sha256sum -c manifest-sha256.txt` and `sha256sum -c tagmanifest-sha256.txt`
   must print OK for every line; a file under data/ that the manifest does not list was
   added. Payload-Oxum in bag-info.txt is the total bytes and number of files under data/.

2. Originals. `sha256sum data/{layout.ORIGINALS}/*`: each digest must equal the file's name
   (less its extension) and the `sha256` of the document's `received` entry in
   data/{layout.CUSTODY}: the organisation recorded that digest, signed, when the
   file arrived.

3. The hash chain. Each log entry's hash covers its content and the entry before it:
   hash = SHA-256(prev_hash + "\\n" + canonical JSON of seq, subject, action, at, actor,
   details), canonical JSON having its keys sorted, no spaces, UTF-8. In Python 3:

    import hashlib, json
    for line in open("data/{layout.CUSTODY}", encoding="utf-8"):
        e = json.loads(line)
        body = json.dumps({{k: e[k] for k in ("seq", "subject", "action", "at", "actor", "details")}},
                          sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256((e["prev_hash"] + "\\n" + body).encode()).hexdigest()
        print(e["seq"], "ok" if digest == e["hash"] else "ALTERED")

   The same for data/{layout.AUDIT}. Where two entries follow each other (seq n and n+1), the second's prev_hash is the
   first's hash. data/{layout.CUSTODY_CHAIN} lists the hash of every entry of the log up to
   the head in bag-info.txt; the organisation can show that its log holds the same.

4. Signatures. Each entry is signed with Ed25519 by its author: `signer` is the key id in
   data/{layout.KEYS}, `signature` the signature (hex) over the text
   testimonia-log|<log>|<hash>|<signer>, where <log> is custody_events or audit_events.
   In Python 3 with the `cryptography` package:

    import json
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    keys = {{k["key_id"]: k for k in json.load(open("data/{layout.KEYS}"))["keys"]}}
    for line in open("data/{layout.CUSTODY}", encoding="utf-8"):
        e = json.loads(line)
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(keys[e["signer"]]["signing_key"]))
        message = f"testimonia-log|custody_events|{{e['hash']}}|{{e['signer']}}".encode()
        key.verify(bytes.fromhex(e["signature"]), message)  # raises InvalidSignature if altered

   For data/{layout.AUDIT}, read that file and put audit_events in the message.

   With OpenSSL 3 (one entry; HASH, SIGNER, SIGNATURE and KEY copied from the files):

    printf '%s' 'testimonia-log|custody_events|HASH|SIGNER' > message
    echo 302a300506032b6570032100KEY | xxd -r -p > key.der
    echo SIGNATURE | xxd -r -p > signature
    openssl pkeyutl -verify -pubin -keyform DER -inkey key.der -rawin -in message -sigfile signature

   Each key was given to its user by an audit entry (`introduced_by`) signed by an admin,
   back to the workspace's first admin, whose entry is signed by their own key. The bag
   itself is signed by key {f.signer}: {layout.TAG_SIGNATURE} in bag-info.txt is over
   testimonia-bundle|<SHA-256 of manifest-sha256.txt>|<{layout.TAG_CUSTODY_HEAD}>|<{layout.TAG_AUDIT_HEAD}>|<key id>
   (the values as bag-info.txt writes them).

5. Quotes. Every claim's evidence names a stretch of its document's text: in Python 3,
   open("data/{layout.TEXTS}/<document>.txt", encoding="utf-8", newline="").read()[start:end] == quote
   (offsets count characters, not bytes). For text and Markdown originals the text is the
   file itself decoded, after its front matter (the block between the first two "---"
   lines), with line ends as "\\n" and Unicode composed (NFC); for other formats (PDF,
   DOCX, HTML, e-mail) it is what the reader named in data/{layout.DOCUMENTS}
   extracted. Either way its SHA-256 is the `text_sha256` of the signed `text_extracted`
   custody entry.
"""


def _berkeley(f: Facts) -> str:
    types = ", ".join(f.media_types) or "none"
    return f"""THE BERKELEY PROTOCOL'S PRESERVATION REQUIREMENTS, ITEM BY ITEM

Authenticity — that each item is what it claims to be, unchanged. The originals are the
  bytes received, never converted or cleaned; their SHA-256 was recorded and signed on
  receipt. Every log entry is hash-chained and signed by the person who made it; the bag
  is signed by the person who exported it. Steps 1 to 4 above check all of this.
Identity — that each item can be told apart and traced. Each original is identified by
  its SHA-256, with its original file name, source (pseudonym), organisation and time of
  receipt in data/{layout.DOCUMENTS}; each claim by its id and document, each log entry
  by its log and seq. Witnesses are named by pseudonym: their identities stay with the
  organisation, which can link a pseudonym to a person for the court under protection.
Persistence — that the items last unchanged. BagIt is a plain-file format read by many
  archives; the manifests are its fixity record. Keep two copies or more on separate
  media and re-run step 1 (or verify-bundle) after every copy and at intervals: the
  digests do not change.
Renderability — that the items can still be opened and read. The originals keep their
  formats ({types}), named with their usual extensions; each has its text beside it in
  plain UTF-8, and every other file is JSON, JSON lines, tab-separated or plain text.
Availability and understandability — this README, the field names in each file, and
  docs/exports.md, docs/custody.md and docs/audit.md of Testimonia, which describe every
  log action and field.
"""


def _limits() -> str:
    return f"""WHAT THE CHECKS DO NOT PROVE

Within the bag, an item's integrity rests on the signatures. Someone who replaced every
key, entry and signature with their own could build a consistent bag; what they cannot
do is sign as the organisation's users. So confirm two values with the organisation by
another channel: the key id and signing key of its first admin (the entry with
"first": true in data/{layout.AUDIT}), and the SHA-256 of this bag's manifest-sha256.txt,
which its audit log recorded in the `exported` entry written right after the bag was made
(that entry cannot be inside the bag it describes). Quotes of originals that need a reader
(PDF, DOCX, HTML, e-mail) are checked against the extracted text stored here, whose digest
the custody log recorded.
"""
