"""`--format ftm`: FollowTheMoney entities as JSON lines, `entities.ftm.json`, the form the
`ftm` tools, Aleph (`alephclient write-entities`) and OpenAleph read: one entity a line,
`{"id", "schema", "properties": {name: [values]}}`, every value a string.

Written as plain dictionaries: the followthemoney library is not needed to write them
(the tests load every entity back with it and check each value against FollowTheMoney
4.11's schema). What each audience gets (docs/exports.md, "ftm"):

- every audience: the perpetrating organisations (Organization), the sites (Address, with
  latitude and longitude), the findings (Event: organizer, addressEntity, location, dates
  no finer than the audience may read) and the transfers (Trip: startLocation,
  endLocation);
- internal, legal and partner also: the sources as Person named by pseudonym (LegalEntity
  for a source that is a document), each counted claim as an Event, sources as `involved`;
- internal and legal also: the documents (Document with contentHash, FollowTheMoney's
  SHA-1 of the original, and the SHA-256 the workspace knows it by), `proof` links from
  events to them and Documentation links from each claim and source to its document.

The public export has no source entity at all, not even a W1 label: its witness accounts
are k-anonymous only because no finding points to them, and an Event's `involved` would.

Entity ids are "tm-" and 40 hex digits of an HMAC-SHA256, keyed with a secret derived from
the workspace key, of what the entity stands for (a site id, a pseudonym, a claim id): the
same in every export of the workspace, so that a re-export updates an Aleph collection,
and never reversible to a pseudonym or a document without that key.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

from testimonia.export.published import (
    GEO_PRECISION,
    Context,
    Output,
    date_level,
    place_fields,
    quote,
    quotes,
    site_counts,
    transfer_edges,
    widen,
)
from testimonia.model import SourceKind, StoredClaim
from testimonia.places.gazetteer import get_gazetteer
from testimonia.shapes import EdgeJson, FindingJson, SiteJson
from testimonia.vocab import load_vocabulary

__all__ = ["DOCUMENT_AUDIENCES", "FILE", "LANGUAGES", "build", "entity_id"]

FILE = "entities.ftm.json"
DOCUMENT_AUDIENCES = frozenset({"internal", "legal"})  # documents, their hashes and proof links
# ISO 639-1 (the workspace's) to ISO 639-3 (FollowTheMoney's), for the languages it knows.
LANGUAGES = {"en": "eng", "fr": "fra", "ru": "rus", "uk": "ukr", "ar": "ara", "es": "spa",
             "de": "deu", "pt": "por"}
_GENDERS = {"male": "male", "female": "female", "other": "other"}
_VICTIMS = {"self": "the source", "other": "another person", "group": "a group", "unknown": "unknown"}

Entity = dict[str, Any]


def entity_id(key: bytes, kind: str, natural: str) -> str:
    """The id of the entity of `kind` that stands for `natural` (module docstring)."""
    if not key:
        raise ValueError("FollowTheMoney entity ids need the workspace's id key (Context.id_key)")
    digest = hmac.new(key, f"{kind}\x1f{natural}".encode(), sha256).hexdigest()
    return f"tm-{digest[:40]}"


@dataclass
class _Entities:
    """The entities of one export, in the order they are added; each value once."""

    ctx: Context
    rows: dict[str, Entity] = field(default_factory=dict)
    quoted: dict[str, int] = field(default_factory=dict)
    facts: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)  # pseudonyms written as entities
    papers: set[str] = field(default_factory=set)  # document ids written as entities
    sites_of: dict[int, list[str]] = field(default_factory=dict)  # claim id -> sites of its findings

    def id(self, kind: str, natural: str) -> str:
        return entity_id(self.ctx.id_key, kind, natural)

    def add(self, kind: str, natural: str, schema: str, properties: dict[str, Iterable[Any]]) -> str:
        ident = self.id(kind, natural)
        values = {name: list(dict.fromkeys(str(v) for v in found if v is not None and str(v).strip()))
                  for name, found in properties.items()}
        self.rows[ident] = {"id": ident, "schema": schema,
                            "properties": {name: values[name] for name in sorted(values) if values[name]}}
        return ident

    @property
    def documents(self) -> bool:
        return self.ctx.audience.name in DOCUMENT_AUDIENCES

    def involved(self, pseudonyms: Iterable[str]) -> list[str]:
        return [self.id("source", p) for p in pseudonyms if p in self.people]

    def proof(self, claims: Iterable[StoredClaim]) -> list[str]:
        return [self.id("document", c.document_id) for c in claims if c.document_id in self.papers]


def build(ctx: Context) -> Output:
    out = _Entities(ctx)
    counts = site_counts(ctx)
    edges = transfer_edges(ctx)
    shown = set(counts) | {e["from"] for e in edges} | {e["to"] for e in edges}
    for site in ctx.sites.values():
        if site["id"] in shown:
            _address(out, site)
    if ctx.audience.pseudonyms:
        named = {c.source for c in ctx.inputs.claims.values() if c.source}
        named |= {s for f in ctx.inputs.results["findings"] for s in (*f.get("sources", []),
                                                                       *f.get("hearsay_sources", []))}
        out.people = named & set(ctx.inputs.sources)
        for pseudonym in sorted(out.people):
            _source(out, pseudonym)
    if out.documents:
        out.papers = {c.document_id for c in ctx.inputs.claims.values()} & set(ctx.inputs.documents)
        for document_id in sorted(out.papers):
            _document(out, document_id)
    for finding in ctx.inputs.results["findings"]:
        _finding(out, finding)
    if ctx.audience.pseudonyms:  # claim by claim, as the CSV lists them for these audiences
        for finding in ctx.inputs.results["findings"]:
            for claim_id in finding.get("claims", []):
                out.sites_of.setdefault(claim_id, []).append(finding["site"])
        for claim_id in sorted(ctx.inputs.claims):
            _claim(out, ctx.inputs.claims[claim_id])
    for edge in edges:
        _trip(out, edge)
    _relations(out)
    lines = [json.dumps(e, ensure_ascii=False) for e in _ordered(out.rows.values())]
    data = ("\n".join(lines) + "\n").encode()
    return Output({FILE: data}, len(lines), "entities", out.quoted, facts=frozenset(out.facts))


def _ordered(entities: Iterable[Entity]) -> list[Entity]:
    """Entities before the links that point to them (loaders that resolve as they read)."""
    order = ("Organization", "Address", "Person", "LegalEntity", "Document", "Event", "Trip",
             "Documentation", "UnknownLink")
    return sorted(entities, key=lambda e: order.index(e["schema"]))


# --- places and organisations -----------------------------------------------------------

def _address(out: _Entities, site: SiteJson) -> str:
    place = place_fields(site)
    full = _full(site)
    city = _city(site)
    out.facts |= {full, place["name"], place["country"], place["admin1"], city} - {""}
    summary = [f"Facility: {_facility(place['facility'])}"] if place["facility"] else []
    if place["geo_precision"]:
        summary.append(f"Coordinates: {GEO_PRECISION[place['geo_precision']]} "
                       f"(geo precision {place['geo_precision']})")
    else:
        summary.append("Not placed: the gazetteer does not know this place")
    return out.add("site", site["id"], "Address", {
        "name": [place["name"]], "full": [full], "city": [city], "region": [place["admin1"]],
        "country": [place["country_code"].lower()], "latitude": [_number(place["lat"])],
        "longitude": [_number(place["lon"])], "summary": ["; ".join(summary) + "."]})


def _full(site: SiteJson) -> str:
    """The site's name with its region and country, each once: "prison, Taganrog, Rostov
    Oblast, Russia"."""
    place = place_fields(site)
    parts = [place["name"]]
    for extra in (place["admin1"], place["country"]):
        known = {p.strip().lower() for part in parts for p in part.split(",")}
        if extra and extra.lower() not in known:
            parts.append(extra)
    return ", ".join(parts)


def _city(site: SiteJson) -> str:
    place = get_gazetteer().by_id(site["id"].removeprefix("site:").split("/")[0])
    if place is not None and place.kind == "facility" and place.parent_id:
        place = get_gazetteer().by_id(place.parent_id)
    return place.name if place is not None and place.kind == "settlement" else ""


def _organisations(out: _Entities, claims: Iterable[StoredClaim]) -> list[str]:
    """The entities of the recognised organisations among the claims' perpetrators."""
    known = load_vocabulary().perpetrators
    ids = [c for claim in claims for p in claim.body["perpetrators"]
           if (c := p.get("canonical")) is not None and c in known]
    return [_organisation(out, c) for c in dict.fromkeys(ids)]


def _organisation(out: _Entities, vocab_id: str) -> str:
    vocab = load_vocabulary()
    org = vocab.perpetrators[vocab_id]
    kind = vocab.perpetrator_types.get(org.type)
    described = "persons" not in out.ctx.audience.redacted  # a description may name people
    return out.add("organisation", vocab_id, "Organization", {
        "name": [org.name], "country": [(org.country or "").lower()],
        "classification": [kind.label if kind else org.type],
        "description": [" ".join(org.description.split())] if described else []})


def _relations(out: _Entities) -> None:
    """The publicly documented links between the organisations written (vocabulary)."""
    vocab = load_vocabulary().perpetrators
    written = {out.id("organisation", o): o for o in vocab}
    present = [written[i] for i in out.rows if i in written]
    described = "persons" not in out.ctx.audience.redacted
    for org in present:
        for relation in vocab[org].related:
            if relation.id in present:
                out.add("relation", f"{org}|{relation.relation}|{relation.id}", "UnknownLink", {
                    "subject": [out.id("organisation", org)],
                    "object": [out.id("organisation", relation.id)],
                    "role": [relation.relation.replace("_", " ")],
                    "summary": [" ".join(relation.source.split())] if described else []})


# --- sources and documents --------------------------------------------------------------

def _source(out: _Entities, pseudonym: str) -> str:
    kind = out.ctx.inputs.sources[pseudonym].kind
    said = [f"Pseudonym of a source ({kind.value})"]
    profile = out.ctx.inputs.profiles.get(pseudonym, {}) if out.ctx.audience.profiles else {}
    if profile.get("age_band"):
        said.append(f"age {profile['age_band']}")
    schema = "LegalEntity" if kind is SourceKind.DOCUMENT else "Person"
    person = {"gender": [_GENDERS.get(profile.get("sex", ""))], "ethnicity": [profile.get("ethnicity")],
              "profession": [profile.get("occupation")]} if schema == "Person" else {}
    return out.add("source", pseudonym, schema, {"name": [pseudonym], "summary": ["; ".join(said) + "."],
                                                 **person})


def _document(out: _Entities, document_id: str) -> str:
    doc = out.ctx.inputs.documents[document_id]
    front = doc.metadata.get("front_matter", {})
    interviewed = str(front.get("interview_date") or "")[:10]
    ident = out.add("document", document_id, "Document", {
        "fileName": [doc.file_name], "title": [f"Testimony of {doc.source}" if doc.source else doc.file_name],
        "author": [doc.source], "mimeType": [doc.media_type], "language": [LANGUAGES.get(doc.language)],
        "fileSize": [doc.size], "contentHash": [out.ctx.original_sha1.get(document_id)],
        "authoredAt": [interviewed if _iso_day(interviewed) else None],
        "retrievedAt": [doc.received_at[:10] if _iso_day(doc.received_at[:10]) else None],
        "description": [f"SHA-256 of the original file: {document_id}."]})
    out.quoted.setdefault(document_id, 0)  # its custody log records the export
    for person in out.involved([doc.source] if doc.source else []):
        out.add("documentation", f"{document_id}|source", "Documentation", {
            "document": [ident], "entity": [person], "role": ["source of the document"]})
    return ident


# --- events -----------------------------------------------------------------------------

def _finding(out: _Entities, finding: FindingJson) -> str:
    ctx = out.ctx
    site = ctx.sites[finding["site"]]
    claims = [c for i in finding.get("claims", []) if (c := ctx.inputs.claims.get(i)) is not None]
    start, end = _dates(ctx, finding.get("period_start"), finding.get("period_end"))
    name = f"{_label(finding['allegation'])} {_at(site)} {site['name']}"
    out.facts |= {name, *(d for d in (start, end) if d)}
    said = [f"«{q['text']}» ({q.get('source') or 'unattributed'})" if ctx.audience.pseudonyms
            else f"«{q['text']}»" for q in quotes(ctx, finding, out.quoted)]
    natural = f"{finding['site']}|{finding['allegation']}|{finding.get('period', '')}"
    while out.id("finding", natural) in out.rows:  # two episodes with one label: numbered
        natural += "|again"
    return out.add("finding", natural, "Event", {
        "name": [name], "summary": [_status(finding)],
        "description": [finding.get("rationale")] if ctx.audience.pseudonyms else [],
        "notes": ["\n".join(said)] if said else [],
        "startDate": [start], "endDate": [end], "date": [start if start == end else None],
        "organizer": _organisations(out, claims),
        "involved": out.involved([*finding.get("sources", []), *finding.get("hearsay_sources", [])]),
        "addressEntity": [out.id("site", site["id"])], "location": [_full(site)],
        "country": [(site["country"] or "").lower()],
        "keywords": [finding["allegation"], finding.get("status")],
        "proof": out.proof(claims)})


def _claim(out: _Entities, claim: StoredClaim) -> str:
    ctx = out.ctx
    body = claim.body
    sites = _claim_sites(ctx, out.sites_of.get(claim.id, []))
    places = [_full(ctx.sites[s]) for s in sites] or [p["name"] for p in body["places"][:1] if p.get("name")]
    countries = ([ctx.sites[s]["country"] for s in sites] if sites
                 else [p.get("country") for p in body["places"][:1]])
    period = body["period"] or {}
    start, end = _dates(ctx, period.get("start"), period.get("end"))
    allegations = [*body["methods"], *body["violations"]]
    name = _label(body["act"]) + (f" ({', '.join(map(_label, allegations))})" if allegations else "")
    if sites:
        name += f" {_at(ctx.sites[sites[0]])} {ctx.sites[sites[0]]['name']}"
    elif places:
        name += f" in {places[0]}"
    out.facts |= {name, *places, *(d for d in (start, end) if d)}
    notes = ""
    if claim.document_id in ctx.quotable:
        said = quote(ctx, claim)
        out.quoted[claim.document_id] = out.quoted.get(claim.document_id, 0) + 1
        notes = f"«{said['text']}» ({claim.source or 'unattributed'})"
    ident = out.add("claim", str(claim.id), "Event", {
        "name": [name], "summary": [_told(claim, bool(sites))], "description": [_who(ctx, claim)],
        "notes": [notes], "startDate": [start], "endDate": [end], "date": [start if start == end else None],
        "organizer": _organisations(out, [claim]),
        "involved": out.involved([claim.source] if claim.source else []),
        "addressEntity": [out.id("site", s) for s in sites], "location": places,
        "country": [(c or "").lower() for c in countries], "recordId": [claim.id],
        "keywords": [body["act"], *allegations],
        "proof": out.proof([claim])})
    if claim.document_id in out.papers:
        evidence = body["evidence"][0]
        where = (f"; characters {evidence['start']}-{evidence['end']} of its text"
                 if ctx.audience.citations else "")
        out.add("documentation", f"{claim.document_id}|claim|{claim.id}", "Documentation", {
            "document": [out.id("document", claim.document_id)], "entity": [ident],
            "role": ["evidence"], "summary": [f"Claim {claim.id}{where}."]})
    return ident


def _trip(out: _Entities, edge: EdgeJson) -> str:
    ctx = out.ctx
    claims = [c for i in edge.get("claims", []) if (c := ctx.inputs.claims.get(i)) is not None]
    name = f"Transfer from {ctx.sites[edge['from']]['name']} to {ctx.sites[edge['to']]['name']}"
    out.facts.add(name)
    told = f"Told in {edge.get('count', 0)} document(s), {len(claims)} claim(s)"
    start = end = None
    if ctx.audience.pseudonyms:  # dates of a transfer only where its claims are listed too
        periods = [c.body["period"] or {} for c in claims]
        firsts = [str(p.get("start")) for p in periods if p.get("start")]
        lasts = [str(p.get("end")) for p in periods if p.get("end")]
        start, end = _dates(ctx, min(firsts, default=None), max(lasts, default=None))
        out.facts |= {d for d in (start, end) if d}
    return out.add("transfer", f"{edge['from']}|{edge['to']}", "Trip", {
        "name": [name], "startLocation": [out.id("site", edge["from"])],
        "endLocation": [out.id("site", edge["to"])],
        "summary": [told + ("; crosses a border." if edge.get("cross_border") else ".")],
        "startDate": [start], "endDate": [end], "organizer": _organisations(out, claims),
        "involved": out.involved(edge.get("sources", [])), "proof": out.proof(claims)})


def _claim_sites(ctx: Context, found: list[str]) -> list[str]:
    """The sites of a claim's findings, the most specific only (a container, not its camp)."""
    sites = list(dict.fromkeys(found))
    outer = {ctx.sites[s].get("parent") for s in sites}
    return [s for s in sites if s not in outer] or sites


# --- words and values -------------------------------------------------------------------

def _status(finding: FindingJson) -> str:
    text = (f"{finding.get('status', '')}: {finding.get('independent_sources', 0)} independent "
            "source(s) at first hand")
    if finding.get("hearsay_sources"):
        text += "; also told at second hand"
    return text + ("; contradicted by a denial." if finding.get("contradicted_by") else ".")


def _told(claim: StoredClaim, found: bool) -> str:
    told = "A denial" if claim.body["denial"] else (
        "Told at first hand" if claim.body["first_hand"] else "Told at second hand")
    return told + ("" if found else "; supports no finding") + "."


def _who(ctx: Context, claim: StoredClaim) -> str:
    victim = claim.body["victim"]
    who = _VICTIMS.get(str(victim.get("who") or "unknown"), "unknown")
    text = f"Victim: {who}" + (f" of {victim['count']}" if who == "a group" and victim.get("count") else "")
    if ctx.audience.perpetrator_names:
        told = [p["name"].strip() for p in claim.body["perpetrators"] if p["name"].strip()]
        text += f". Perpetrators as told: {'; '.join(told)}" if told else ""
    return text + "."


def _at(site: SiteJson) -> str:
    """"at" a facility, "in" a town, region or country."""
    return "at" if site["facility"] else "in"


def _label(code: str) -> str:
    vocab = load_vocabulary()
    bare = code.removeprefix("act:")
    for table in (vocab.acts, vocab.methods, vocab.violations):
        if bare in table:
            return table[bare].label
    return bare


def _facility(code: str) -> str:
    found = load_vocabulary().facilities.get(code)
    return found.label if found is not None else code.replace("_", " ")


def _dates(ctx: Context, start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """ISO dates as precise as the audience may read them, in FollowTheMoney's prefix form:
    "2022-03-14", or "2022-03" for a month (a quarter as its first and last month), or "2022"."""
    level = date_level(ctx)
    first, last = widen(start, end, level)
    cut = {"day": 10, "month": 7, "quarter": 7, "year": 4}[level]
    return (first[:cut] if first else None, last[:cut] if last else None)


def _number(value: float | None) -> str | None:
    return None if value is None else f"{float(value):.6f}".rstrip("0").rstrip(".")


def _iso_day(value: str) -> bool:
    parts: Sequence[str] = value.split("-")
    return len(value) == 10 and len(parts) == 3 and all(p.isdigit() for p in parts)
