"""Stored analysis: the analysts' site judgements (per organisation, kept for ever,
applied on every run) and the latest results with a digest of the inputs they were
computed from."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from testimonia.store.records import now
from testimonia.store.schema import analysis_results, site_judgements


def add_judgement(conn: Connection, kind: str, site: str, other: str, name: str, actor: str,
                  organization_id: int) -> None:
    conn.execute(insert(site_judgements).values(kind=kind, site=site, other=other, name=name,
                                                actor=actor, at=now(), organization_id=organization_id))


def judgements(conn: Connection, organization_id: int) -> list[tuple[str, str, str, str]]:
    """One organisation's judgements: another's merges and renames never change its sites."""
    rows = conn.execute(select(site_judgements.c.kind, site_judgements.c.site,
                               site_judgements.c.other, site_judgements.c.name)
                        .where(site_judgements.c.organization_id == organization_id)
                        .order_by(site_judgements.c.id))
    return [(r.kind, r.site, r.other, r.name) for r in rows]


def load_results(conn: Connection, organization_id: int, digest: str) -> bytes | None:
    """The organisation's stored analysis (encrypted) if computed from the same inputs."""
    row = conn.execute(select(analysis_results.c.sealed, analysis_results.c.digest)
                       .where(analysis_results.c.organization_id == organization_id)).first()
    return bytes(row.sealed) if row is not None and row.digest == digest else None


def save_results(conn: Connection, organization_id: int, digest: str, sealed: bytes) -> None:
    conn.execute(delete(analysis_results).where(analysis_results.c.organization_id == organization_id))
    conn.execute(insert(analysis_results).values(organization_id=organization_id, sealed=sealed,
                                                 digest=digest, at=now()))
