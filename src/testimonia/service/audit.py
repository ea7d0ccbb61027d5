"""The audit log: every read of protected data and every change to who is who.

Entries (docs/audit.md): `read_text` (a document's working copy shown), `read_claims`
and `read_dossier` (quotes of testimony listed), `source_added`, `sources_related`,
`sources_imported`, `organization_added`, `site_judgement`. The log is hash-chained like
the chain of custody, with its own sealed head (audit.head); `testimonia audit --verify`
walks it.

The whole chain is checked, but an organisation's admin is shown only the entries made
by its own users or about what it sees (its organisation, its users, the sources and
documents in its scope): partners' activity on their own material stays theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from testimonia.errors import IntegrityError
from testimonia.model import LogEntry
from testimonia.service import trust
from testimonia.service.policy import requires
from testimonia.service.workspace import Workspace
from testimonia.store import logs, protection, records
from testimonia.store.chain import Problem, check_chain
from testimonia.store.heads import HeadState
from testimonia.store.schema import audit_events

__all__ = ["AuditReport", "read_audit"]


@dataclass
class AuditReport:
    entries: list[LogEntry] = field(default_factory=list)  # the whole log, for the check
    shown: list[LogEntry] = field(default_factory=list)  # what the acting user may read
    head: HeadState | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@requires('read_audit')
def read_audit(ws: Workspace) -> AuditReport:
    """The whole audit log, checked: every break in the chain is a problem."""
    report = AuditReport()
    try:
        report.head = ws.read_head("audit")
    except IntegrityError as exc:
        report.problems.append(Problem("audit.head", str(exc)))
    user = ws.user
    with ws.engine.connect() as conn:
        report.entries = list(logs.iter_entries(conn, audit_events))
        scope = ws.scope(conn)
        people = {u.name for u in protection.list_users(conn) if u.organization_id == user.organization_id}
        mine = people | {user.organization} | scope.document_ids(conn) | {
            s.pseudonym for s in records.list_sources(conn) if scope.sees_source(s)}
    report.shown = [e for e in report.entries if e.actor in people or e.subject in mine]
    report.problems += check_chain(report.entries, report.head, "audit")
    trust.replay(report.entries, report.problems)
    return report
