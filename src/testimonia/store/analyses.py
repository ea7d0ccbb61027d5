"""Stored analysis: the analysts' site judgements (per organisation, kept for ever,
applied on every run) and the latest results with a digest of the inputs they were
computed from, and the input generation that tells whether they are still current."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from testimonia.store.records import now
from testimonia.store.schema import analysis_results, input_generation, site_judgements


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


@dataclass(frozen=True)
class StoredResults:
    basis: str  # of the code, rules and variant it was computed with
    generation: int  # the input generation at which it was last known current
    digest: str  # of the inputs it was computed from


def generation(conn: Connection) -> int:
    """The input generation: moved by the database on every write to an analysis input
    (schema.ANALYSIS_INPUTS)."""
    return int(conn.execute(select(input_generation.c.generation)).scalar_one())


def load_results(conn: Connection, organization_id: int, variant: str) -> StoredResults | None:
    """What is known of the organisation's stored analysis of one variant ("reviewed" or
    "all"), without the analysis itself (sealed_results)."""
    row = conn.execute(select(analysis_results.c.basis, analysis_results.c.generation, analysis_results.c.digest)
                       .where(analysis_results.c.organization_id == organization_id,
                              analysis_results.c.variant == variant)).first()
    return None if row is None else StoredResults(row.basis, row.generation, row.digest)


def sealed_results(conn: Connection, organization_id: int, variant: str) -> bytes:
    """The stored analysis, encrypted for the organisation."""
    return bytes(conn.execute(select(analysis_results.c.sealed).where(
        analysis_results.c.organization_id == organization_id,
        analysis_results.c.variant == variant)).scalar_one())


def save_results(conn: Connection, organization_id: int, variant: str, stored: StoredResults,
                 sealed: bytes) -> None:
    conn.execute(delete(analysis_results).where(analysis_results.c.organization_id == organization_id,
                                                analysis_results.c.variant == variant))
    conn.execute(insert(analysis_results).values(
        organization_id=organization_id, variant=variant, basis=stored.basis,
        generation=stored.generation, digest=stored.digest, sealed=sealed, at=now()))


def mark_current(conn: Connection, organization_id: int, variant: str, generation: int) -> None:
    """The stored analysis is still current at `generation` (its inputs came out the same)."""
    conn.execute(update(analysis_results).where(analysis_results.c.organization_id == organization_id,
                                                analysis_results.c.variant == variant)
                 .values(generation=generation))
