"""Controlled vocabularies: acts, methods, violations, facility types, perpetrators,
cue words and a curated place supplement, in English, French, Russian and Ukrainian.

The data lives in the YAML/CSV files beside this module; `load_vocabulary()` reads and
validates them once per process. Any problem raises `ConfigError` naming the file, the
entry and the fix. Term syntax (lowercase; `word*` any ending; `a ~ b` up to three words
between) is described in docs/vocabularies.md and checked by `term_problem`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from itertools import pairwise
from types import MappingProxyType
from typing import Any, TypeVar

import yaml

from testimonia.errors import ConfigError
from testimonia.vocab.records import (
    AliasGroup,
    Concept,
    Cues,
    EsfRef,
    Method,
    Organisation,
    PerpetratorType,
    Place,
    Relation,
    Terms,
    Vocabulary,
)

__all__ = [
    "CUE_KINDS", "PLACE_COLUMNS", "AliasGroup", "Concept", "Cues", "EsfRef", "Method",
    "Organisation", "PerpetratorType", "Place", "Relation", "Vocabulary", "load_vocabulary",
    "load_vocabulary_from", "term_problem",
]

MIN_TERMS = 2  # per entry and language
MIN_PREFIX = 4  # characters before a trailing `*`
ESF_LISTS = frozenset({"MT4", "MT5", "MT17", "MT24", "MT25", "MT30", "MT31", "MT36"})
RELATIONS = frozenset({"part_of", "works_with", "successor_of", "commanded_by"})
CUE_KINDS = ("negation", "hypothetical", "hearsay", "denial", "first_person", "group",
             "witness", "interrogation", "not_allegation", "statement", "sequence",
             "third_person", "people", "attribution")
PLACE_COLUMNS = ("id", "name", "alt_names", "country", "admin1", "lat", "lon", "precision",
                 "kind", "facility_type", "parent_id", "coord_source", "notes")
PRECISIONS = frozenset({"settlement", "facility", "district", "region"})
PLACE_KINDS = frozenset({"settlement", "facility"})

_ID = re.compile(r"[a-z][a-z0-9_]*")
_COUNTRY = re.compile(r"[A-Z]{2}")
_ESF_CODE = re.compile(r"\d{12}")
_WORD = re.compile(r"[^\W_](?:[\w'\-]*[\w'])?", re.UNICODE)
_TERM_FIX = ("Rewrite it: lowercase words of letters, digits, ' and -; `*` only at a word's end after "
             f"at least {MIN_PREFIX} characters; `~` only between words; no punctuation "
             "(write 'говорили что', not 'говорили, что'). See docs/vocabularies.md.")
_QUOTE_FIX = "Quote it: YAML reads bare no/on/yes/off as booleans and bare digits as numbers."


# --- public entry points ---------------------------------------------------------------

@cache
def load_vocabulary() -> Vocabulary:
    """The bundled vocabularies, validated (cached for the process)."""
    return load_vocabulary_from(files(__name__))


def load_vocabulary_from(root: Traversable) -> Vocabulary:
    """Read and validate the vocabulary files in `root` (a package dir or any folder)."""
    languages, cues = _load_cues(root)
    acts = _load_acts(root, languages)
    methods = _load_methods(root, languages, acts)
    facilities = _load_concepts(root, "facilities.yaml", "facilities", languages)
    types, perpetrators = _load_perpetrators(root, languages)
    return Vocabulary(
        languages=languages,
        acts=acts,
        methods=methods,
        violations=_load_concepts(root, "violations.yaml", "violations", languages),
        facilities=facilities,
        perpetrator_types=types,
        perpetrators=perpetrators,
        cues=cues,
        places=_load_places(root, facilities),
    )


def term_problem(term: str) -> str | None:
    """Why `term` breaks the term syntax, or None when it is valid."""
    if not term or term != term.strip() or "  " in term:
        return "it is empty or has stray spaces"
    if term != term.lower():
        return "it has capitals (write terms lowercase)"
    tokens = term.split(" ")
    if tokens[0] == "~" or tokens[-1] == "~":
        return "`~` must stand between two words"
    for before, token in pairwise(["", *tokens]):
        problem = _token_problem(before, token)
        if problem:
            return problem
    return None


def _token_problem(before: str, token: str) -> str | None:
    if token == "~":
        return "`~` must not follow another `~`" if before == "~" else None
    word = token[:-1] if token.endswith("*") else token
    if not _WORD.fullmatch(word):
        return f"'{token}' is not a word (letters, digits, ' and - only; `*` only at the end)"
    if token.endswith("*") and len(word) < MIN_PREFIX:
        return f"prefix '{token}' is shorter than {MIN_PREFIX} characters"
    return None


# --- errors and small readers ----------------------------------------------------------

@dataclass(frozen=True)
class _Where:
    file: str
    entry: str = ""

    def error(self, problem: str, fix: str) -> ConfigError:
        where = f"{self.file}: entry '{self.entry}'" if self.entry else self.file
        return ConfigError(f"Vocabulary {where}: {problem}", fix=fix)

    def at(self, entry: str) -> _Where:
        return _Where(self.file, entry)


def _read_yaml(root: Traversable, name: str) -> dict[str, Any]:
    where = _Where(name)
    try:
        doc = yaml.safe_load(root.joinpath(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise where.error("file is missing", "Restore it from the repository.") from None
    except yaml.YAMLError as exc:
        raise where.error(f"not valid YAML ({exc})", "Fix the YAML syntax.") from None
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise where.error("top level must be a mapping with `version: 1`",
                          "Start the file with `version: 1`.")
    return doc


def _records(doc: dict[str, Any], key: str, where: _Where) -> list[dict[str, Any]]:
    items = doc.get(key)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise where.error(f"`{key}` must be a list of mappings", f"Write `{key}:` then `- id: ...` items.")
    return items


def _text(record: Mapping[str, Any], key: str, where: _Where, *, optional: bool = False) -> str:
    value = record.get(key)
    if value is None and optional:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise where.error(f"`{key}` must be a non-empty string", f"Give the entry a `{key}`.")
    return value.strip()


def _entry_id(record: Mapping[str, Any], where: _Where, seen: set[str]) -> str:
    value = record.get("id")
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise where.error(f"id {value!r} is not a lowercase snake_case identifier",
                          "Use ids like `electric_shock`.")
    if value in seen:
        raise where.at(value).error("duplicate id", "Give every entry its own id.")
    seen.add(value)
    return value


_T = TypeVar("_T")


def _by_id(items: list[_T], ident: Callable[[_T], str]) -> Mapping[str, _T]:
    return MappingProxyType({ident(item): item for item in items})


def _esf(value: Any, where: _Where) -> EsfRef | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"mt", "code", "term"}:
        raise where.error(f"ESF reference {value!r} must have exactly mt, code, term",
                          'Write {mt: MT5, code: "030800000000", term: "..."} (quote terms with commas).')
    mt, code, term = value["mt"], value["code"], value["term"]
    if mt not in ESF_LISTS or not isinstance(code, str) or not _ESF_CODE.fullmatch(code):
        raise where.error(f"ESF reference {mt}/{code!r} is not a known list and 12-digit code",
                          f"Use one of {sorted(ESF_LISTS)} and a quoted 12-digit huri_code.")
    if not isinstance(term, str) or not term:
        raise where.error("ESF reference has no term", "Copy the ESF English term.")
    return EsfRef(mt=mt, code=code, term=term)


def _esf_list(value: Any, where: _Where) -> tuple[EsfRef, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise where.error("`esf_also` must be a list", "Write `esf_also: []` when empty.")
    refs = (_esf(item, where) for item in value)
    return tuple(ref for ref in refs if ref is not None)


# --- terms -----------------------------------------------------------------------------

def _term_list(value: Any, language: str, where: _Where, minimum: int) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) < minimum:
        raise where.error(f"needs at least {minimum} term(s) in '{language}'",
                          f"Add how witnesses say it in '{language}'.")
    for term in value:
        if not isinstance(term, str):
            raise where.error(f"term {term!r} ({language}) is not a string", _QUOTE_FIX)
        problem = term_problem(term)
        if problem:
            raise where.error(f"term {term!r} ({language}) is invalid: {problem}", _TERM_FIX)
    if len(set(value)) != len(value):
        raise where.error(f"duplicate terms in '{language}'", "Remove the repeated term.")
    return tuple(value)


def _terms(value: Any, languages: tuple[str, ...], where: _Where, minimum: int = MIN_TERMS,
           *, required: bool = True) -> Terms:
    if not isinstance(value, dict):
        raise where.error("terms must be a mapping of language to list",
                          f"Write `terms:` with keys {', '.join(languages)}.")
    unknown = set(value) - set(languages)
    if unknown:
        raise where.error(f"unknown language(s) {sorted(unknown)}",
                          "Add the language to `languages` in cues.yaml, or fix the key.")
    wanted = languages if required else tuple(lang for lang in languages if lang in value)
    return MappingProxyType({lang: _term_list(value.get(lang), lang, where, minimum) for lang in wanted})


# --- concepts (acts, methods, violations, facilities) ---------------------------------

def _concept_fields(record: Mapping[str, Any], where: _Where, languages: tuple[str, ...]) -> dict[str, Any]:
    return {
        "label": _text(record, "label", where),
        "description": _text(record, "description", where),
        "esf": _esf(record.get("esf"), where),
        "esf_also": _esf_list(record.get("esf_also"), where),
        "terms": _terms(record.get("terms"), languages, where),
    }


def _load_concepts(root: Traversable, name: str, key: str,
                   languages: tuple[str, ...]) -> Mapping[str, Concept]:
    file = _Where(name)
    seen: set[str] = set()
    items = []
    for record in _records(_read_yaml(root, name), key, file):
        ident = _entry_id(record, file, seen)
        items.append(Concept(id=ident, **_concept_fields(record, file.at(ident), languages)))
    return _by_id(items, lambda c: c.id)


def _load_acts(root: Traversable, languages: tuple[str, ...]) -> Mapping[str, Concept]:
    """Acts, with the terms that state two acts at once (`implies`)."""
    file = _Where("acts.yaml")
    records = _records(_read_yaml(root, "acts.yaml"), "acts", file)
    ids = [r.get("id") for r in records]
    seen: set[str] = set()
    items = []
    for record in records:
        ident = _entry_id(record, file, seen)
        where = file.at(ident)
        implies = record.get("implies") or {}
        if not isinstance(implies, dict) or any(other not in ids or other == ident for other in implies):
            raise where.error(f"implies must map other act ids to terms, got {implies!r}",
                              f"Use keys among: {', '.join(str(i) for i in ids if i != ident)}.")
        items.append(Concept(id=ident, **_concept_fields(record, where, languages),
                             implies=MappingProxyType({other: _terms(terms, languages, where.at(f"implies.{other}"),
                                                                      1, required=False)
                                                       for other, terms in implies.items()})))
    return _by_id(items, lambda c: c.id)


def _load_methods(root: Traversable, languages: tuple[str, ...],
                  acts: Mapping[str, Concept]) -> Mapping[str, Method]:
    file = _Where("methods.yaml")
    seen: set[str] = set()
    items = []
    for record in _records(_read_yaml(root, "methods.yaml"), "methods", file):
        ident = _entry_id(record, file, seen)
        where = file.at(ident)
        act = _text(record, "act", where)
        if act not in acts:
            raise where.error(f"act '{act}' is not an id in acts.yaml",
                              f"Use one of: {', '.join(acts)}.")
        items.append(Method(id=ident, act=act, **_concept_fields(record, where, languages)))
    return _by_id(items, lambda m: m.id)


# --- perpetrators ----------------------------------------------------------------------

def _country(value: Any, where: _Where, *, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not _COUNTRY.fullmatch(value):
        raise where.error(f"country {value!r} is not an ISO 3166-1 alpha-2 code",
                          "Use two capitals, e.g. ML, UA, RU (occupied areas: UA).")
    return value


def _alias_group(value: Any, languages: tuple[str, ...], where: _Where) -> AliasGroup:
    if not isinstance(value, dict) or not isinstance(value.get("context_countries"), list):
        raise where.error("contextual alias group needs `context_countries` and `terms`",
                          "Write `- context_countries: [ML]` with `terms:` and `note:`.")
    countries = tuple(_country(c, where, nullable=False) or "" for c in value["context_countries"])
    if not countries:
        raise where.error("contextual alias group has no country", "List at least one country.")
    terms = _terms(value.get("terms"), languages, where, 1, required=False)
    return AliasGroup(context_countries=countries, terms=terms, note=_text(value, "note", where))


def _relation(value: Any, where: _Where) -> Relation:
    if not isinstance(value, dict) or value.get("relation") not in RELATIONS:
        raise where.error(f"relation {value!r} is not one of {sorted(RELATIONS)}",
                          "Write `- {id: ..., relation: part_of, source: ...}`.")
    return Relation(id=_text(value, "id", where), relation=value["relation"],
                    source=_text(value, "source", where), note=_text(value, "note", where, optional=True))


def _list(record: Mapping[str, Any], key: str, where: _Where) -> list[Any]:
    value = record.get(key)
    if not isinstance(value, list):
        raise where.error(f"`{key}` must be a list", f"Write `{key}: []` when empty.")
    return value


def _organisation(record: Mapping[str, Any], ident: str, where: _Where,
                  languages: tuple[str, ...], types: Mapping[str, PerpetratorType]) -> Organisation:
    kind = _text(record, "type", where)
    if kind not in types:
        raise where.error(f"type '{kind}' is not a perpetrator type", f"Use one of: {', '.join(types)}.")
    return Organisation(
        id=ident, name=_text(record, "name", where), type=kind,
        country=_country(record.get("country"), where, nullable=True),
        description=_text(record, "description", where),
        aliases=_terms(record.get("aliases"), languages, where),
        contextual_aliases=tuple(_alias_group(g, languages, where)
                                 for g in _list(record, "contextual_aliases", where)),
        related=tuple(_relation(r, where) for r in _list(record, "related", where)),
    )


def _perpetrator_types(doc: dict[str, Any], file: _Where) -> Mapping[str, PerpetratorType]:
    seen: set[str] = set()
    items = []
    for record in _records(doc, "perpetrator_types", file):
        ident = _entry_id(record, file, seen)
        where = file.at(ident)
        items.append(PerpetratorType(id=ident, label=_text(record, "label", where),
                                     esf=_esf(record.get("esf"), where),
                                     note=_text(record, "note", where, optional=True)))
    return _by_id(items, lambda t: t.id)


def _check_relations(orgs: Mapping[str, Organisation], file: _Where) -> None:
    for org in orgs.values():
        for rel in org.related:
            if rel.id not in orgs or rel.id == org.id:
                raise file.at(org.id).error(f"related id '{rel.id}' is not another organisation",
                                            f"Use one of: {', '.join(orgs)}.")


def _load_perpetrators(root: Traversable, languages: tuple[str, ...]
                       ) -> tuple[Mapping[str, PerpetratorType], Mapping[str, Organisation]]:
    file = _Where("perpetrators.yaml")
    doc = _read_yaml(root, "perpetrators.yaml")
    types = _perpetrator_types(doc, file)
    seen: set[str] = set()
    items = []
    for record in _records(doc, "organisations", file):
        ident = _entry_id(record, file, seen)
        items.append(_organisation(record, ident, file.at(ident), languages, types))
    orgs = _by_id(items, lambda o: o.id)
    _check_relations(orgs, file)
    return types, orgs


# --- cues ------------------------------------------------------------------------------

def _languages(doc: dict[str, Any], where: _Where) -> tuple[str, ...]:
    value = doc.get("languages")
    if not isinstance(value, list) or not value or not all(
            isinstance(v, str) and re.fullmatch(r"[a-z]{2,3}", v) for v in value):
        raise where.error("`languages` must list ISO 639 codes", "Write `languages: [en, fr, ru, uk]`.")
    return tuple(value)


def _load_cues(root: Traversable) -> tuple[tuple[str, ...], Cues]:
    file = _Where("cues.yaml")
    doc = _read_yaml(root, "cues.yaml")
    languages = _languages(doc, file)
    kinds = doc.get("cues")
    names = doc.get("language_names")
    if not isinstance(kinds, dict) or set(kinds) != set(CUE_KINDS) or not isinstance(names, dict):
        raise file.error(f"`cues` must have exactly {', '.join(CUE_KINDS)}; `language_names` a mapping",
                         "Restore the missing section.")
    by_kind = {kind: _terms(kinds[kind], languages, file.at(kind)) for kind in CUE_KINDS}
    named = {code: _terms(terms, languages, file.at(f"language_names.{code}"), 1)
             for code, terms in names.items()}
    cues = Cues(by_kind=MappingProxyType(by_kind), language_names=MappingProxyType(named))
    return languages, cues


# --- places ----------------------------------------------------------------------------

def _coordinate(row: Mapping[str, str], key: str, limit: float, where: _Where) -> float | None:
    raw = row[key].strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > limit:
        raise where.error(f"{key} {raw!r} is not a number within ±{limit:g}",
                          "Use decimal degrees (e.g. 14.533, -4.100), or leave both lat and lon empty.")
    return value


def _choice(row: Mapping[str, str], key: str, allowed: frozenset[str], where: _Where) -> str:
    value = row[key].strip()
    if value not in allowed:
        raise where.error(f"{key} '{value}' is not one of {sorted(allowed)}", f"Fix the {key} column.")
    return value


def _place(row: Mapping[str, str], ident: str, where: _Where) -> Place:
    lat = _coordinate(row, "lat", 90, where)
    lon = _coordinate(row, "lon", 180, where)
    if (lat is None) != (lon is None):
        raise where.error("has only one of lat/lon", "Give both coordinates or neither.")
    alt_names = tuple(n.strip() for n in row["alt_names"].split("|") if n.strip())
    if any(ch in n for n in (row["name"], *alt_names) for ch in "*~"):
        raise where.error("a name contains `*` or `~`", "Names are literal; write every spelling out.")
    return Place(
        id=ident, name=_text(row, "name", where), alt_names=alt_names,
        country=_country(row["country"].strip(), where, nullable=False) or "",
        admin1=row["admin1"].strip(), lat=lat, lon=lon,
        precision=_choice(row, "precision", PRECISIONS, where),
        kind=_choice(row, "kind", PLACE_KINDS, where),
        facility_type=row["facility_type"].strip() or None,
        parent_id=row["parent_id"].strip() or None,
        coord_source=_text(row, "coord_source", where), notes=row["notes"].strip(),
    )


def _check_place(place: Place, places: Mapping[str, Place], facilities: Mapping[str, Concept],
                 where: _Where) -> None:
    if place.facility_type and place.facility_type not in facilities:
        raise where.error(f"facility_type '{place.facility_type}' is not in facilities.yaml",
                          f"Use one of: {', '.join(facilities)}.")
    if place.kind == "settlement" and place.facility_type:
        raise where.error("a settlement has a facility_type", "Clear facility_type or set kind=facility.")
    if place.parent_id and (place.parent_id not in places or place.parent_id == place.id):
        raise where.error(f"parent_id '{place.parent_id}' is not another place in the file",
                          "Add the parent row (usually the town) or fix the id.")


def _place_rows(root: Traversable, file: _Where) -> list[dict[str, str]]:
    try:
        text = root.joinpath("places_supplement.csv").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise file.error("file is missing", "Restore it from the repository.") from None
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != PLACE_COLUMNS:
        raise file.error(f"header is {reader.fieldnames}", f"Use exactly: {','.join(PLACE_COLUMNS)}.")
    rows = list(reader)
    if any(None in row or any(v is None for v in row.values()) for row in rows):
        raise file.error("a row has the wrong number of columns", "Quote fields that contain commas.")
    return rows


def _load_places(root: Traversable, facilities: Mapping[str, Concept]) -> Mapping[str, Place]:
    file = _Where("places_supplement.csv")
    seen: set[str] = set()
    items = []
    for row in _place_rows(root, file):
        ident = _entry_id(row, file, seen)
        items.append(_place(row, ident, file.at(ident)))
    places = _by_id(items, lambda p: p.id)
    for place in places.values():
        _check_place(place, places, facilities, file.at(place.id))
    return places
