"""The vocabulary's records: what `load_vocabulary()` returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

Terms = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, kw_only=True)
class EsfRef:
    """A HURIDOCS Events Standard Formats term: micro-thesaurus, 12-digit huri_code, term."""

    mt: str
    code: str
    term: str


@dataclass(frozen=True, kw_only=True)
class Concept:
    """An act, violation or facility type: an id, ESF mapping and terms per language."""

    id: str
    label: str
    description: str
    esf: EsfRef | None
    esf_also: tuple[EsfRef, ...]
    terms: Terms
    # Acts only: terms that state this act and another at once, by the other's id
    # ("detained": seized and held): {"detention": {"en": ("detain",)}}.
    implies: Mapping[str, Terms] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Method(Concept):
    """A method of violence; `act` is the act id it implies."""

    act: str


@dataclass(frozen=True, kw_only=True)
class AliasGroup:
    """Names that point to an organisation only in the listed countries' testimony."""

    context_countries: tuple[str, ...]
    terms: Terms
    note: str


@dataclass(frozen=True, kw_only=True)
class Relation:
    """A publicly documented link to another organisation, with its source."""

    id: str
    relation: str
    source: str
    note: str


@dataclass(frozen=True, kw_only=True)
class PerpetratorType:
    id: str
    label: str
    esf: EsfRef | None
    note: str


@dataclass(frozen=True, kw_only=True)
class Organisation:
    id: str
    name: str
    type: str
    country: str | None
    description: str
    aliases: Terms
    contextual_aliases: tuple[AliasGroup, ...]
    related: tuple[Relation, ...]


@dataclass(frozen=True, kw_only=True)
class Cues:
    """Cue terms per kind (see CUE_KINDS) and language, plus names of languages."""

    by_kind: Mapping[str, Terms]
    language_names: Mapping[str, Terms]

    def terms(self, kind: str, language: str) -> tuple[str, ...]:
        return self.by_kind[kind].get(language, ())


@dataclass(frozen=True, kw_only=True)
class Place:
    """A curated place (settlement or facility) missing from or wrong in GeoNames."""

    id: str
    name: str
    alt_names: tuple[str, ...]
    country: str
    admin1: str
    lat: float | None
    lon: float | None
    precision: str
    kind: str
    facility_type: str | None
    parent_id: str | None
    coord_source: str
    notes: str


@dataclass(frozen=True, kw_only=True)
class Vocabulary:
    languages: tuple[str, ...]
    acts: Mapping[str, Concept]
    methods: Mapping[str, Method]
    violations: Mapping[str, Concept]
    facilities: Mapping[str, Concept]
    perpetrator_types: Mapping[str, PerpetratorType]
    perpetrators: Mapping[str, Organisation]
    cues: Cues
    places: Mapping[str, Place]
