"""The core records, as plain dataclasses. The store maps them to tables."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, TypeVar, cast

from testimonia.errors import InvalidValue
from testimonia.shapes import ClaimJson


class SourceKind(StrEnum):
    """Who or what a source is (HURIDOCS ESF: Information → source type)."""

    SURVIVOR = "survivor"
    WITNESS = "witness"
    RELATIVE = "relative"
    OFFICIAL = "official"
    DEFECTOR = "defector"
    JOURNALIST = "journalist"
    DOCUMENT = "document"


class Relation(StrEnum):
    """How two sources are linked; the analysis uses this to judge independence."""

    INTERVIEWED_TOGETHER = "interviewed_together"
    RELATIVE_OF = "relative_of"
    SAME_INTERMEDIARY = "same_intermediary"
    DERIVED_FROM = "derived_from"


class Consent(StrEnum):
    """How far a testimony may travel, as agreed with the person who gave it."""

    INTERNAL = "internal"  # the collecting organisation only
    CONSORTIUM = "consortium"  # partner organisations of the investigation
    PUBLIC = "public"  # may be quoted in anonymised publications


E = TypeVar("E", bound=StrEnum)


def parse_choice(enum: type[E], value: str, what: str) -> E:
    """`enum(value)` with an error that lists the valid choices."""
    try:
        return enum(value.strip().lower())
    except ValueError as exc:
        options = ", ".join(member.value for member in enum)
        raise InvalidValue(f"Unknown {what} '{value}'.", fix=f"Use one of: {options}.") from exc


@dataclass(frozen=True)
class Organization:
    id: int
    name: str


@dataclass(frozen=True)
class Source:
    id: int
    pseudonym: str
    kind: SourceKind
    organization: str
    note: str = ""


@dataclass(frozen=True)
class SourceRelation:
    a: str
    b: str
    relation: Relation
    note: str = ""


@dataclass(frozen=True)
class Document:
    id: str  # SHA-256 of the original bytes, hex
    file_name: str
    size: int
    media_type: str
    received_at: str
    language: str
    language_detected: str
    language_confidence: float
    source: str | None
    organization: str
    state: str
    text_sha256: str
    reader: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def short_id(self) -> str:
        return self.id[:12]


@dataclass(frozen=True)
class LogEntry:
    """One entry of a hash-chained log: the chain of custody (subject: a document id) or
    the audit log (subject: what was read or changed)."""

    seq: int
    subject: str | None
    action: str  # custody: received | text_extracted | extracted | viewed; audit: see docs/audit.md
    at: str
    actor: str
    details: dict[str, Any]
    prev_hash: str
    hash: str
    signer: str | None = None  # the author's key id
    signature: bytes | None = None  # Ed25519 over signed_message()


# Extraction records (FtM Mention + offsets; HURIDOCS ESF Act + Involvement)

@dataclass(frozen=True)
class Evidence:
    """Exact words of a source: `quote == document_text[start:end]`."""

    start: int
    end: int
    quote: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "quote": self.quote}


@dataclass(frozen=True)
class Mention:
    kind: str  # place | facility | perpetrator | organization | person | act | method | violation | period | cue
    start: int
    end: int
    text: str
    value: dict[str, Any]
    component: str  # "name@version" of the component that found it

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end,
                "value": self.value, "component": self.component}


@dataclass(frozen=True)
class Claim:
    """One act: who did what to whom, where, when — with the words that say so."""

    act: str
    methods: tuple[str, ...]
    violations: tuple[str, ...]
    places: tuple[dict[str, Any], ...]
    perpetrators: tuple[dict[str, Any], ...]
    period: dict[str, Any] | None
    victim: dict[str, Any]
    first_hand: bool
    denial: bool
    interrogation_languages: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    component: str
    transfer: dict[str, Any] | None = None  # {"from": place, "to": place} for act == transfer

    def to_json(self) -> ClaimJson:
        """The documented claim JSON (extraction builds its parts as plain dicts)."""
        return cast(ClaimJson, {
            "act": self.act, "methods": list(self.methods), "violations": list(self.violations),
            "places": list(self.places), "perpetrators": list(self.perpetrators),
            "period": self.period, "victim": self.victim, "first_hand": self.first_hand,
            "denial": self.denial, "interrogation_languages": list(self.interrogation_languages),
            "evidence": [e.to_json() for e in self.evidence], "component": self.component,
            "transfer": self.transfer})


@dataclass(frozen=True)
class Identity:
    name: str
    aliases: list[str] = field(default_factory=list)  # other names, spellings, nicknames
    contacts: list[str] = field(default_factory=list)  # phone numbers, e-mail addresses, handles
    home: str = ""  # home village or town
    notes: str = ""

    def fields_set(self) -> list[str]:
        return [name for name, value in asdict(self).items() if value]


@dataclass(frozen=True)
class StoredClaim:
    """A claim read back from the workspace, with its document and source."""

    id: int
    document_id: str
    file_name: str
    source: str | None
    body: ClaimJson  # Claim.to_json(), opened by service/doccrypt.visible_claims
    source_kind: str | None = None
    origin: str = "extraction"  # or "analyst": added in review (service/review.py)


class Role(StrEnum):
    """What a user may do in their organisation (service/policy.py ACTIONS)."""

    ADMIN = "admin"
    ANALYST = "analyst"
    REVIEWER = "reviewer"
    VIEWER = "viewer"
