"""Who may do what, and who sees what: every access decision in one place.

Two questions, asked by the CLI (and by any other front end) before it calls the library:

- *May this user do this?* `authorize(user, action)` against ACTIONS, which lists the
  roles allowed for each action. COMMANDS maps every CLI command to its action; a command
  missing from it is refused (fail closed), and tests/cli/test_policy_matrix.py runs
  every command of the live command tree for every role.
- *What may this user's organisation see?* `Scope`: its own sources and documents, and
  those another organisation shared with it: all of its collection, one source (with all
  of that source's documents, present and future), or one document. Claims follow their
  document; analysis results are computed over the claims in scope.

Roles (docs/threat-model.md): admin (users, organisations, sharing, keys, the audit log,
reading the identity vault), analyst (ingest, extract, analyse, sources, writing to the
vault, export), reviewer (reads testimony, claims, sources), viewer (analysis results
only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, select

from testimonia.errors import PermissionDenied
from testimonia.model import Consent, Source
from testimonia.store import protection, records
from testimonia.store.schema import documents, sources


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


_ALL = frozenset(Role)
_READERS = frozenset({Role.ADMIN, Role.ANALYST, Role.REVIEWER})
_WRITERS = frozenset({Role.ADMIN, Role.ANALYST})
_ADMINS = frozenset({Role.ADMIN})

# action -> (roles allowed, what it is, in words)
ACTIONS: Mapping[str, tuple[frozenset[Role], str]] = {
    "read_results": (_ALL, "read analysis results (sites, findings, transfers, patterns)"),
    "read_settings": (_ALL, "read the workspace settings and organisations"),
    "verify": (_ALL, "verify the workspace's integrity"),
    "list_documents": (_READERS, "list documents"),
    "read_text": (_READERS, "read testimony text"),
    "read_claims": (_READERS, "read claims and their quotes"),
    "read_sources": (_READERS, "read sources and their relations"),
    "ingest": (_WRITERS, "ingest documents"),
    "extract": (_WRITERS, "run extraction"),
    "analyze": (_WRITERS, "run the analysis"),
    "judge_sites": (_WRITERS, "merge, split or rename sites"),
    "manage_sources": (_WRITERS, "add, relate and profile sources"),
    "vault_write": (_WRITERS, "write identities to the vault"),
    "export": (_WRITERS, "export findings"),
    "vault_read": (_ADMINS, "read identities from the vault"),
    "share": (_ADMINS, "share or unshare material with another organisation"),
    "manage_users": (_ADMINS, "add users and change roles"),
    "manage_orgs": (_ADMINS, "add organisations"),
    "manage_keys": (_ADMINS, "rotate keys"),
    "read_audit": (_ADMINS, "read the audit log"),
}

# CLI command path -> action. None: the command opens no workspace (nothing to guard).
COMMANDS: Mapping[str, str | None] = {
    "init": None, "keygen": None, "version": None, "extract-file": None, "eval": None,
    "config": None,  # reads testimonia.toml and the environment only, never the workspace
    "verify": None,  # needs the workspace key only, so that a read-only copy can be checked
    "audit": "read_audit",
    "org add": "manage_orgs", "org list": "read_settings",
    "user add": "manage_users", "user role": "manage_users", "user list": "manage_users",
    "user credential": "read_settings",  # one's own; another's needs manage_users (protection.py)
    "user enroll": None,  # a user of a workspace from before credentials: the organisation key proves them
    "share": "share", "unshare": "share", "shares": "read_sources",
    "source add": "manage_sources", "source relate": "manage_sources",
    "source import": "manage_sources", "source profile": "manage_sources",
    "source list": "read_sources",
    "vault set": "vault_write", "vault show": "vault_read", "vault list": "read_sources",
    "keys rotate": "manage_keys", "keys status": "manage_keys",
    "ingest": "ingest", "documents": "list_documents", "show": "list_documents",
    "extract": "extract", "claims": "read_claims", "dossier": "read_claims",
    "analyze": "analyze", "sites": "read_results", "transfers": "read_results",
    "findings": "read_results", "patterns": "read_results",
    "site merge": "judge_sites", "site split": "judge_sites", "site rename": "judge_sites",
    "export": "export",
}


@dataclass(frozen=True)
class User:
    name: str
    organization_id: int
    organization: str
    role: Role


def authorize(user: User, action: str) -> None:
    """Return quietly when `user` may do `action`; PermissionDenied otherwise."""
    if action not in ACTIONS:
        raise PermissionDenied(f"Unknown action '{action}' (refused: every action must be "
                               "declared in the policy).")
    roles, words = ACTIONS[action]
    if user.role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise PermissionDenied(
            f"{user.name} ({user.role.value}, {user.organization}) may not {words}.",
            fix=f"It takes one of these roles: {allowed}; an admin can change roles with "
            f"`testimonia user role {user.name} ROLE`.")


def action_for(command: str) -> str | None:
    """The action a CLI command needs; PermissionDenied for an undeclared command."""
    if command not in COMMANDS:
        raise PermissionDenied(f"The command '{command}' is not declared in the access policy, "
                               "so it is refused.")
    return COMMANDS[command]


@dataclass
class Scope:
    """What one organisation sees: its own material and what was shared with it."""

    organization_id: int
    organizations: set[int] = field(default_factory=set)  # whole collections shared with it
    organization_names: set[str] = field(default_factory=set)  # its own and those, by name
    sources: set[str] = field(default_factory=set)  # pseudonyms shared with it
    documents: set[str] = field(default_factory=set)  # document ids shared with it

    def sees(self, organization_id: int, pseudonym: str | None = None,
             document_id: str | None = None) -> bool:
        return (organization_id == self.organization_id or organization_id in self.organizations
                or (pseudonym is not None and pseudonym in self.sources)
                or (document_id is not None and document_id in self.documents))

    def sees_source(self, source: Source) -> bool:
        return source.organization in self.organization_names or source.pseudonym in self.sources

    def document_ids(self, conn: Connection) -> set[str]:
        """Every document this organisation may see: its own, and the others' shared with
        it, except those whose source consented to internal use only."""
        query = (select(documents.c.id, documents.c.organization_id, documents.c.metadata,
                        sources.c.pseudonym)
                 .join_from(documents, sources, documents.c.source_id == sources.c.id, isouter=True))
        return {r.id for r in conn.execute(query)
                if r.organization_id == self.organization_id
                or (shareable(r.metadata) and self.sees(r.organization_id, r.pseudonym, r.id))}


def shareable(metadata: Mapping[str, Any]) -> bool:
    """False for a document whose source agreed to its use by the collecting
    organisation only (front matter `consent: internal`): no share reaches it."""
    return bool(metadata.get("front_matter", {}).get("consent") != Consent.INTERNAL.value)


def scope_of(conn: Connection, user: User) -> Scope:
    scope = Scope(user.organization_id, organization_names={user.organization})
    names = {o.id: o.name for o in records.list_organizations(conn)}
    for owner, kind, item in protection.shares_with(conn, user.organization_id):
        if kind == "organization":
            scope.organizations.add(owner)
            scope.organization_names.add(names[owner])
        elif kind == "source":
            scope.sources.add(item)
        else:
            scope.documents.add(item)
    return scope
