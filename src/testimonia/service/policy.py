"""Who may do what, and who sees what: every access decision in one place.

Two questions, asked by the services themselves, so that every front end (the CLI, the
web workspace, a script) inherits every rule:

- *May this user do this?* Each public service function is declared with the action it
  needs (`@requires(ACTION)`, registered in SERVICES); the decorator checks the acting
  user against ACTIONS, which lists the roles allowed for each action, before anything
  else, and writes a refusal to the audit log. tests/service/test_service_matrix.py calls
  every declared function for every role; tests/cli/test_policy_matrix.py runs every CLI
  command of the live command tree for every role.
- *What may this user's organisation see?* `Scope`: its own sources and documents, and
  those another organisation shared with it: all of its collection, one source (with all
  of that source's documents, present and future), or one document. Claims follow their
  document; analysis results are computed over the claims in scope.

Roles (docs/threat-model.md): admin (users, organisations, sharing, keys, the audit log,
reading the identity vault), analyst (ingest, extract, analyse, sources, writing to the
vault, export), reviewer (reads testimony, claims, sources; reviews claims), viewer (analysis results
only).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from sqlalchemy import Connection, select

from testimonia.errors import PermissionDenied
from testimonia.model import Consent, Role, Source
from testimonia.store import protection, records
from testimonia.store.schema import documents, sources

__all__ = ["ACTIONS", "Acting", "P", "R", "SERVICES", "Scope", "User", "W", "authorize",
           "requires", "scope_of", "shareable"]

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
    "review_claims": (_READERS, "accept, reject, edit or add claims"),
    "ingest": (_WRITERS, "ingest documents"),
    "extract": (_WRITERS, "run extraction"),
    "analyze": (_WRITERS, "run the analysis"),
    "judge_sites": (_WRITERS, "merge, split or rename sites"),
    "manage_sources": (_WRITERS, "add, relate and profile sources"),
    "correct_documents": (_WRITERS, "correct, withdraw or restore documents"),
    "vault_write": (_WRITERS, "write identities to the vault"),
    "export": (_WRITERS, "export findings"),
    "vault_read": (_ADMINS, "read identities from the vault"),
    "share": (_ADMINS, "share or unshare material with another organisation"),
    "manage_users": (_ADMINS, "add users and change roles"),
    "manage_orgs": (_ADMINS, "add organisations"),
    "manage_keys": (_ADMINS, "rotate keys"),
    "read_audit": (_ADMINS, "read the audit log"),
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


class Acting(Protocol):
    """What the access check needs of an open workspace (service/workspace.py)."""

    @property
    def user(self) -> User: ...

    def refused(self, action: str, reason: str) -> None: ...


W = TypeVar("W", bound=Acting)
P = ParamSpec("P")
R = TypeVar("R")
# "module.function" -> the action it needs; None: the workspace key suffices (no user).
SERVICES: dict[str, str | None] = {}


def requires(action: str | None) -> Callable[[Callable[Concatenate[W, P], R]],
                                             Callable[Concatenate[W, P], R]]:
    """Declare the action a service function needs, and check it on the acting user
    (its first argument's `user`) before the function runs; a refusal is audited."""
    if action is not None and action not in ACTIONS:
        raise ValueError(f"undeclared action {action!r}")

    def decorate(function: Callable[Concatenate[W, P], R]) -> Callable[Concatenate[W, P], R]:
        SERVICES[f"{function.__module__}.{function.__name__}"] = action
        if action is None:
            return function

        @functools.wraps(function)
        def guarded(ws: W, /, *args: P.args, **kwargs: P.kwargs) -> R:
            try:
                authorize(ws.user, action)
            except PermissionDenied as exc:
                ws.refused(function.__name__, exc.message)
                raise
            return function(ws, *args, **kwargs)
        return guarded
    return decorate


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

    def document_ids(self, conn: Connection, only: str | None = None) -> set[str]:
        """Every document this organisation may see (or just ``only``, if it may): its own,
        and the others' shared with it, except those whose source consented to internal
        use only."""
        query = (select(documents.c.id, documents.c.organization_id, documents.c.metadata,
                        sources.c.pseudonym)
                 .join_from(documents, sources, documents.c.source_id == sources.c.id, isouter=True))
        if only is not None:
            query = query.where(documents.c.id == only)
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
