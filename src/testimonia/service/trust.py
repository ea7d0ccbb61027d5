"""Who may have done what, replayed from the signed audit log alone.

The users table, the shares, the vault rows, the source profiles and the decisions on
claims are what Testimonia acts on, but anyone holding the workspace key can edit them. What they
cannot do is sign as a user. So `verify` rebuilds the state from the audit log, entry
by entry, checking that each entry is signed by a user the log itself introduced, and
that the user's role (as the log granted it at that point) allowed the action:

- the workspace's first admin is introduced by a self-signed `user_added` (first: true);
- every later user, role, credential reset and organisation key by an admin of that
  user's organisation (an organisation's first admin by the admin who created it);
- shares by an admin of the sharing organisation; vault writes and source changes by
  an analyst or admin of the source's organisation; decisions on claims by a reviewer,
  analyst or admin.

Entries written before a workspace's users had credentials are unsigned ("legacy");
after the first signed entry only a refusal of someone who could not authenticate may
be unsigned. integrity.py compares the rebuilt state with the tables.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from testimonia.crypto.credentials import PublicKeys, verify_signature
from testimonia.model import LogEntry, Role
from testimonia.service.policy import ACTIONS
from testimonia.store.chain import Problem, signed_message

__all__ = ["AUTHORITY", "TrustState", "TrustedUser", "UNSIGNED", "check_custody", "profile_digest",
           "replay"]

# Audit actions that confer no authority and may come from someone unauthenticated.
UNSIGNED = frozenset({"authentication_failed", "refused"})

# Audit action -> the policy action its author needed.
AUTHORITY = {
    "user_added": "manage_users", "role_changed": "manage_users",
    "credential_reset": "manage_users", "organization_added": "manage_orgs",
    "org_key_created": "manage_keys", "keys_rotated": "manage_keys",
    "shared": "share", "unshared": "share", "vault_set": "vault_write",
    "source_added": "manage_sources", "sources_related": "manage_sources",
    "sources_imported": "manage_sources", "source_profiled": "manage_sources",
    "site_judgement": "judge_sites", "read_text": "read_text", "read_claims": "read_claims",
    "search_index": "read_text",
    "read_dossier": "read_claims", "exported": "export", "export_refused": "export",
    "claim_reviewed": "review_claims", "document_withdrawn": "correct_documents",
    "document_restored": "correct_documents", "document_corrected": "correct_documents",
    "persons_linked": "review_claims",
}


def profile_digest(profile: dict[str, str]) -> str:
    """What the signed audit log records of a source profile."""
    return hashlib.sha256(json.dumps(profile, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class TrustedUser:
    name: str
    organization: str
    role: str
    keys: PublicKeys | None


@dataclass
class TrustState:
    users: dict[str, TrustedUser] = field(default_factory=dict)  # by lower-cased name
    keys: dict[str, TrustedUser] = field(default_factory=dict)  # every key id ever granted
    org_keys: dict[str, str] = field(default_factory=dict)  # org key id -> public key (hex)
    shares: set[tuple[str, str, str, str]] = field(default_factory=set)  # owner, kind, item, with
    vault: dict[str, str] = field(default_factory=dict)  # pseudonym -> sealed entry's SHA-256
    profiles: dict[str, str] = field(default_factory=dict)  # pseudonym -> profile's SHA-256
    reviews: dict[int, str] = field(default_factory=dict)  # claim decision id -> its SHA-256
    person_links: dict[int, str] = field(default_factory=dict)  # person link id -> its SHA-256
    signed: int = 0
    legacy: int = 0  # unsigned entries from before the workspace's users had credentials

    def user(self, name: str) -> TrustedUser | None:
        return self.users.get(name.casefold())


def replay(entries: Iterable[LogEntry], problems: list[Problem]) -> TrustState:
    """The state the signed audit log establishes; each entry that is not properly signed
    or authorised is added to `problems`."""
    state = TrustState()
    for entry in entries:
        author = _author(state, entry, "audit_events", problems)
        if author is None and entry.signature is None and not state.signed:
            state.legacy += 1
            _apply(state, entry, None)
            continue
        if author is None:
            continue
        why = _unauthorised(state, entry, author)
        if why:
            problems.append(Problem(f"audit entry {entry.seq}", why))
            continue
        _apply(state, entry, author)
    return state


def check_custody(entries: Iterable[LogEntry], state: TrustState, problems: list[Problem]) -> Iterator[LogEntry]:
    """Every custody entry, its signature checked against the keys the audit log
    granted; yields them on for the rest of the checks."""
    signing_seen = False
    for entry in entries:
        if entry.signature is not None:
            signing_seen = True
        author = _author(state, entry, "custody_events", problems, legacy_ok=not signing_seen)
        if author is not None and entry.action == "received":
            org = entry.details.get("organization")
            if org is not None and org != author.organization:
                problems.append(Problem(f"custody entry {entry.seq}", f"{author.name} of "
                                        f"{author.organization} filed a document for {org}"))
        yield entry


def _author(state: TrustState, entry: LogEntry, log: str, problems: list[Problem],
            legacy_ok: bool | None = None) -> TrustedUser | None:
    where = f"{log.split('_')[0]} entry {entry.seq}"
    if entry.signature is None or entry.signer is None:
        allowed = entry.action in UNSIGNED or (legacy_ok if legacy_ok is not None else not state.signed)
        if not allowed:
            problems.append(Problem(where, f"{entry.action} by {entry.actor} is not signed"))
        return None
    if log == "audit_events" and entry.action == "user_added" and entry.details.get("first") \
            and not state.users:
        keys = PublicKeys.from_details(entry.details)
        if keys is None or keys.key_id != entry.signer:
            problems.append(Problem(where, "the first admin's entry does not carry its own key"))
            return None
        root = TrustedUser(entry.subject or "", str(entry.details.get("organization")), "admin", keys)
        state.keys[keys.key_id] = root
    if log == "audit_events" and entry.action == "user_enrolled":
        enrolled = _enrolment(state, entry, where, problems)
        if enrolled is None:
            return None
    author = state.keys.get(entry.signer)
    if author is None or author.keys is None:
        problems.append(Problem(where, f"{entry.action} is signed by key {entry.signer}, which "
                                "no signed entry gave to a user (forged)"))
        return None
    if author.name.casefold() != entry.actor.casefold():
        problems.append(Problem(where, f"says it was done by {entry.actor} but is signed by "
                                f"{author.name}"))
        return None
    if not verify_signature(author.keys.signing, signed_message(log, entry.hash, entry.signer),
                            entry.signature):
        problems.append(Problem(where, f"{entry.action} by {entry.actor}: the signature does not "
                                "match (altered or forged)"))
        return None
    state.signed += 1
    return author


def _enrolment(state: TrustState, entry: LogEntry, where: str,
               problems: list[Problem]) -> TrustedUser | None:
    """A user of a workspace made before credentials takes keys of their own: only once,
    only themselves, and signed with the keys the entry carries."""
    user = state.user(entry.subject or "")
    keys = PublicKeys.from_details(entry.details)
    if user is None or user.keys is not None or keys is None or keys.key_id != entry.signer \
            or user.name.casefold() != entry.actor.casefold():
        problems.append(Problem(where, f"{entry.actor} enrolled as {entry.subject}, who already "
                                "had keys or is not a user from before credentials"))
        return None
    user.keys = keys
    state.keys[keys.key_id] = user
    return user


def _unauthorised(state: TrustState, entry: LogEntry, author: TrustedUser) -> str | None:
    """Why the author could not do this, or None when they could."""
    current = state.user(author.name) or author
    needed = AUTHORITY.get(entry.action)
    if needed is not None and Role(current.role) not in ACTIONS[needed][0]:
        return f"{entry.action} by {author.name}, who was {current.role}: not allowed"
    org = str(entry.details.get("organization", current.organization))
    if entry.action in ("user_added",) and not entry.details.get("first"):
        members = [u for u in state.users.values() if u.organization == org]
        if org != current.organization and members:
            return (f"{author.name} of {current.organization} added a user to {org}, which "
                    "already had its own users")
    if entry.action in ("role_changed", "credential_reset"):
        target = state.user(entry.subject or "")
        if target is None or target.organization != current.organization:
            return f"{author.name} of {current.organization} changed a user of another organisation"
    if entry.action == "credential_changed" and (entry.subject or "").casefold() != author.name.casefold():
        return f"{author.name} changed another user's credential without being their admin"
    return None


def _apply(state: TrustState, entry: LogEntry, author: TrustedUser | None) -> None:
    d, subject = entry.details, entry.subject or ""
    if entry.action == "user_added":
        keys = PublicKeys.from_details(d)
        user = TrustedUser(subject, str(d.get("organization")), str(d.get("role")), keys)
        state.users[subject.casefold()] = user
        if keys is not None:
            state.keys[keys.key_id] = user
    elif entry.action == "role_changed" and state.user(subject):
        state.users[subject.casefold()].role = str(d.get("to"))
    elif entry.action in ("credential_reset", "credential_changed") and state.user(subject):
        user = state.users[subject.casefold()]
        user.keys = PublicKeys.from_details(d)
        if user.keys is not None:
            state.keys[user.keys.key_id] = user
    elif entry.action in ("organization_added", "org_key_created") and d.get("org_key"):
        state.org_keys[str(d["org_key"])] = str(d.get("public_key"))
    elif entry.action in ("shared", "unshared") and author is not None and d.get("share"):
        kind, item = d["share"]
        share = (author.organization, str(kind), str(item), str(d.get("with")))
        (state.shares.add if entry.action == "shared" else state.shares.discard)(share)
    elif entry.action == "vault_set" and d.get("sealed_sha256"):
        state.vault[subject] = str(d["sealed_sha256"])
    elif entry.action in ("source_added", "source_profiled") and d.get("profile_sha256"):
        state.profiles[subject] = str(d["profile_sha256"])
    elif entry.action == "claim_reviewed" and d.get("sealed_sha256"):
        state.reviews[int(d["review"])] = str(d["sealed_sha256"])
    elif entry.action == "persons_linked" and d.get("sealed_sha256"):
        state.person_links[int(d["link"])] = str(d["sealed_sha256"])
    elif entry.action == "sources_imported":
        state.profiles.update({str(k): str(v) for k, v in (d.get("profiles") or {}).items()})
