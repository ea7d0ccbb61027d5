"""The JSON shapes that cross packages: a claim as extraction writes it and analysis,
the CLI and exports read it (docs/extraction.md), and the analysis results
(docs/analysis.md). Typed, so that a key read in one package and written in another is
checked by mypy."""

from __future__ import annotations

from typing import Any, Required, TypedDict

__all__ = ["ClaimJson", "EdgeJson", "EvidenceJson", "FindingJson", "PerpetratorJson", "PeriodJson",
           "PlaceJson", "ResultsJson", "SiteJson", "TrajectoryJson", "TransferJson", "TransfersJson",
           "VictimJson"]


class PlaceJson(TypedDict, total=False):
    name: str
    id: str | None
    country: str | None
    lat: float | None
    lon: float | None
    facility: str | None
    precision: str
    text: str
    parent_id: str | None
    facility_place: bool


class PerpetratorJson(TypedDict):
    name: str
    canonical: str | None


class PeriodJson(TypedDict, total=False):
    start: str | None
    end: str | None
    precision: str
    duration_days: int | None
    approximate: bool
    text: str
    span: list[int]


class VictimJson(TypedDict, total=False):
    who: str  # self | other | group | unknown
    count: int | None
    name: str | None


class EvidenceJson(TypedDict):
    start: int
    end: int
    quote: str


TransferJson = TypedDict("TransferJson", {"from": PlaceJson, "to": PlaceJson})


class ClaimJson(TypedDict):
    act: str
    methods: list[str]
    violations: list[str]
    places: list[PlaceJson]
    perpetrators: list[PerpetratorJson]
    period: PeriodJson | None
    victim: VictimJson
    first_hand: bool
    denial: bool
    interrogation_languages: list[str]
    evidence: list[EvidenceJson]
    component: str
    transfer: TransferJson | None


class SiteJson(TypedDict):
    id: str
    name: str
    facility: str | None
    country: str | None
    lat: float | None
    lon: float | None
    precision: str
    parent: str | None
    aliases: list[str]
    first_reported: str | None
    last_reported: str | None
    forces: list[dict[str, Any]]
    sources: list[str]
    source_count: int
    claim_count: int
    from_town: list[int]  # claims naming only the town, placed at its main place of detention
    note: str  # why they were ("" when none were)


class FindingJson(TypedDict, total=False):
    site: str
    site_name: str
    allegation: str
    period: str  # "2022-03", "2022", "2022-03..2022-05" or "undated"
    period_start: str | None
    period_end: str | None
    status: str  # corroborated | single source | contested | hearsay only | unattributed
    rationale: str
    independent_sources: int
    first_hand_sources: int
    sources: list[str]
    source_kinds: list[str]
    groups: list[list[str]]
    hearsay_sources: list[str]  # groups that only repeat what they were told: listed, not counted
    unattributed_documents: list[str]  # listed, never counted
    claims: list[int]
    contradicted_by: list[dict[str, Any]]


EdgeJson = TypedDict("EdgeJson", {"from": str, "to": str, "count": int, "cross_border": bool,
                                  "sources": list[str], "claims": list[int], "from_name": str,
                                  "to_name": str}, total=False)


class TrajectoryJson(TypedDict):
    victim: str
    source: str
    stops: list[dict[str, Any]]
    transfers: list[dict[str, Any]]


class TransfersJson(TypedDict):
    edges: list[EdgeJson]
    trajectories: list[TrajectoryJson]


class ReviewBasisJson(TypedDict):
    """Which claims an analysis counted (service/review.py)."""

    include_unreviewed: bool
    counted: int  # claims counted as evidence
    pending: int  # unreviewed claims (counted only with include_unreviewed)
    pending_sources: int  # sources (or unattributed documents) of the pending claims
    rejected: int  # never counted
    conflicts: int  # decisions that extraction now disagrees with
    withdrawn: int  # claims of withdrawn documents: never counted


class ResultsJson(TypedDict, total=False):
    sites: Required[list[SiteJson]]
    findings: Required[list[FindingJson]]
    transfers: Required[TransfersJson]
    patterns: Required[dict[str, Any]]
    review: ReviewBasisJson  # added by the service that read the claims
