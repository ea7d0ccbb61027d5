"""What a public export publishes, built from the analysis of the exporting user's scope.

- Findings: site (a detention site is a fact, not a person), allegation, year, status,
  counts of independent sources (a count below k is written "fewer than k"), and a
  rationale in words that names nobody.
- Quotes: only from documents of the exporting organisation whose source consented to
  public quotation (`consent: public`), and only after redaction of every protected
  identifier: the identities in the organisation's vault (names, other names, contacts,
  home), every pseudonym, the interview dates and places, phone numbers and e-mail
  addresses, and private persons named in the quoted documents (NER), unless named on
  the command line as public figures.
- Witness accounts: one record per witness (k counts people, so one person never fills a
  group alone) with the declared quasi-identifiers: the site they report most, the first
  month they report there, source kind, age band, sex, ethnicity, occupation and home
  region; labelled W1, W2… in random order. The re-identification gate decides how
  general they must be.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from testimonia.analysis.dossier import quoted_claims
from testimonia.export import gate, hierarchy
from testimonia.export.redact import Protected, Redactor, private_persons
from testimonia.model import Consent, Document, Identity, Source, SourceKind, StoredClaim
from testimonia.places.gazetteer import get_gazetteer
from testimonia.shapes import FindingJson, ResultsJson

__all__ = ["Inputs", "QUASI_IDENTIFIERS", "QUOTES_PER_FINDING", "WEIGHTS", "accounts",
           "attributes", "findings", "protected_identifiers", "quotable_documents"]

QUASI_IDENTIFIERS = ("site", "period", "kind", "age_band", "sex", "ethnicity", "occupation", "home")
WEIGHTS = {"site": 8.0, "period": 2.0}  # the site and date are the point of a finding
QUOTES_PER_FINDING = 2


@dataclass
class Inputs:
    """Everything a public export reads, within the exporting user's scope."""

    organization: str
    results: ResultsJson
    claims: dict[int, StoredClaim]
    documents: dict[str, Document]
    sources: dict[str, Source]
    profiles: dict[str, dict[str, str]]
    vault: dict[str, Identity]
    persons: dict[str, list[str]] = field(default_factory=dict)  # document id -> NER persons


def protected_identifiers(inputs: Inputs, public_names: Sequence[str]) -> list[Protected]:
    """Everything that must not appear in the export, with its placeholder."""
    found: list[Protected] = []
    for identity in inputs.vault.values():
        found += [Protected(n, "name", "[witness]") for n in (identity.name, *identity.aliases) if n.strip()]
        found += [_contact(c) for c in identity.contacts if c.strip()]
        if identity.home.strip():
            found.append(Protected(identity.home, "place", "[place]"))
    found += [Protected(p, "name", "[witness]") for p, source in inputs.sources.items()
              if source.kind is not SourceKind.DOCUMENT]  # a document's label names nobody
    for doc in inputs.documents.values():
        front = doc.metadata.get("front_matter", {})
        if front.get("interview_date"):
            found.append(Protected(str(front["interview_date"]), "date", "[date]"))
        if front.get("interview_place"):
            found.append(Protected(str(front["interview_place"]), "place", "[place]"))
    gazetteer = get_gazetteer()
    mentions = [("person", text) for texts in inputs.persons.values() for text in texts
                if not gazetteer.lookup(text, "und")]
    found += private_persons(mentions, public_names)
    return _unique(found)


def quotable_documents(inputs: Inputs) -> set[str]:
    """Own documents whose source agreed to public quotation."""
    return {d.id for d in inputs.documents.values() if d.organization == inputs.organization
            and d.metadata.get("front_matter", {}).get("consent") == Consent.PUBLIC.value}


def accounts(inputs: Inputs) -> list[gate.Record]:
    """One record per witness of the published findings, labelled in random order."""
    sites = {s["id"]: s for s in inputs.results["sites"]}
    claims_at: Counter[tuple[str, str]] = Counter()
    months: dict[tuple[str, str], list[str]] = defaultdict(list)
    for finding in inputs.results["findings"]:
        for claim_id in finding["claims"]:
            claim = inputs.claims.get(claim_id)
            if claim is None or claim.source not in inputs.sources:
                continue
            key = (str(claim.source), finding["site"])
            claims_at[key] += 1
            start = (claim.body.get("period") or {}).get("start")
            months[key] += [str(start)[:7]] if start else []
    main_site: dict[str, str] = {}
    for (pseudonym, site_id), _count in sorted(claims_at.items(), key=lambda kv: (-kv[1], kv[0])):
        main_site.setdefault(pseudonym, site_id)
    witnesses = sorted(main_site)
    order = list(range(len(witnesses)))
    secrets.SystemRandom().shuffle(order)
    out = []
    for label, pseudonym in zip(order, witnesses, strict=True):
        site_id = main_site[pseudonym]
        profile = inputs.profiles.get(pseudonym, {})
        identity = inputs.vault.get(pseudonym)
        found = sorted(months.get((pseudonym, site_id), []))
        out.append(gate.Record(f"W{label + 1}", {
            "site": hierarchy.site_chain(sites[site_id], sites),
            "period": hierarchy.period_chain(found[0] if found else None),
            "kind": hierarchy.value_chain(inputs.sources[pseudonym].kind.value),
            "age_band": hierarchy.age_chain(profile.get("age_band")),
            "sex": hierarchy.value_chain(profile.get("sex")),
            "ethnicity": hierarchy.value_chain(profile.get("ethnicity")),
            "occupation": hierarchy.value_chain(profile.get("occupation")),
            "home": hierarchy.home_chain(identity.home if identity else None),
        }))
    return sorted(out, key=lambda r: int(r.id[1:]))


def attributes() -> list[gate.Attribute]:
    return [gate.Attribute(name, WEIGHTS.get(name, 1.0)) for name in QUASI_IDENTIFIERS]


def findings(inputs: Inputs, redactor: Redactor, k: int) -> tuple[list[dict[str, Any]], int]:
    """The public findings and how many quotes they carry."""
    sites = {s["id"]: s for s in inputs.results["sites"]}
    quotable = quotable_documents(inputs)
    out, quotes = [], 0
    for finding in inputs.results["findings"]:
        site = sites[finding["site"]]
        said = _quotes(finding, inputs, quotable, redactor)
        quotes += len(said)
        out.append({
            "site": {"name": site["name"], "facility": site["facility"],
                     "country": hierarchy.country_name(site["country"] or ""),
                     "lat": site["lat"], "lon": site["lon"], "precision": site["precision"]},
            "allegation": finding["allegation"], "year": _years(finding),
            "status": finding["status"],
            "independent_sources": _count(finding["independent_sources"], k),
            "first_hand_sources": _count(finding["first_hand_sources"], k),
            "contradicted": bool(finding["contradicted_by"]),
            "rationale": _rationale(finding, k), "quotes": said,
        })
    return out, quotes


def _years(finding: FindingJson) -> str:
    """The years a finding covers, no finer (a month can narrow down who spoke)."""
    first, last = (finding.get("period_start") or "")[:4], (finding.get("period_end") or "")[:4]
    if not first:
        return "undated"
    return first if first == last else f"{first}–{last}"


def _quotes(finding: FindingJson, inputs: Inputs, quotable: set[str],
            redactor: Redactor) -> list[dict[str, str]]:
    claims = [c for i in finding["claims"] if (c := inputs.claims.get(i)) is not None
              and c.document_id in quotable]
    return [{"text": redactor.redact(claim.body["evidence"][0]["quote"]),  # the sentence of the act
             "language": inputs.documents[claim.document_id].language}
            for claim in quoted_claims(claims, lambda c: (c.source, c.body), QUOTES_PER_FINDING)]


def _count(value: int, k: int) -> int | str:
    return value if value == 0 or value >= k else f"fewer than {k}"


def _rationale(finding: FindingJson, k: int) -> str:
    text = f"{_count(finding['independent_sources'], k)} independent source(s) at first hand"
    if finding.get("hearsay_sources"):
        text += "; also told at second hand"
    return text + ("; contradicted by a denial" if finding["contradicted_by"] else "")


def _contact(value: str) -> Protected:
    return Protected(value, "email", "[email]") if "@" in value else Protected(value, "phone", "[phone]")


def _unique(items: list[Protected]) -> list[Protected]:
    return list(dict.fromkeys(items))
