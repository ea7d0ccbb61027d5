from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from testimonia.export import gate, hierarchy
from testimonia.export.audiences import POLICIES, Audience
from testimonia.export.redact import Protected, private_persons
from testimonia.model import Document, Identity, Source, SourceKind, StoredClaim
from testimonia.places.gazetteer import get_gazetteer
from testimonia.shapes import ResultsJson

__all__ = ["Inputs", "QUASI_IDENTIFIERS", "WEIGHTS", "accounts", "attributes",
           "protected_identifiers", "quotable_documents"]

QUASI_IDENTIFIERS = ("site", "period", "kind", "age_band", "sex", "ethnicity", "occupation", "home")
WEIGHTS = {"site": 8.0, "period": 2.0}  # the site and date are the point of a finding
PUBLIC = POLICIES["public"]


@dataclass
class Inputs:
    """Everything an export reads, within the exporting user's scope."""

    organization: str
    results: ResultsJson
    claims: dict[int, StoredClaim]
    documents: dict[str, Document]
    sources: dict[str, Source]
    profiles: dict[str, dict[str, str]]
    vault: dict[str, Identity]
    persons: dict[str, list[str]] = field(default_factory=dict)  # document id -> NER persons


def protected_identifiers(inputs: Inputs, public_names: Sequence[str],
                          audience: Audience = PUBLIC) -> list[Protected]:
    """Everything that must not appear in an export for `audience`, with its placeholder."""
    found: list[Protected] = []
    for identity in inputs.vault.values():  # every audience
        found += [Protected(n, "name", "[witness]") for n in (identity.name, *identity.aliases) if n.strip()]
        found += [_contact(c) for c in identity.contacts if c.strip()]
        if identity.home.strip():
            found.append(Protected(identity.home, "place", "[place]"))
    if "pseudonyms" in audience.redacted:
        found += [Protected(p, "name", "[witness]") for p, source in inputs.sources.items()
                  if source.kind is not SourceKind.DOCUMENT]  # a document's label names nobody
    if "interviews" in audience.redacted:
        for doc in inputs.documents.values():
            front = doc.metadata.get("front_matter", {})
            if front.get("interview_date"):
                found.append(Protected(str(front["interview_date"]), "date", "[date]"))
            if front.get("interview_place"):
                found.append(Protected(str(front["interview_place"]), "place", "[place]"))
    if "persons" in audience.redacted:
        gazetteer = get_gazetteer()
        mentions = [("person", text) for texts in inputs.persons.values() for text in texts
                    if not gazetteer.lookup(text, "und")]
        named = [] if "pseudonyms" in audience.redacted else list(inputs.sources)  # may be read
        found += private_persons(mentions, [*public_names, *named, *_not_persons(inputs)])
    return _unique(found)


def _not_persons(inputs: Inputs) -> list[str]:
    """Names that a person mention may wrongly take and that are never private persons:
    the organisations of the documents in scope and the conflicts of the analysis (the
    name recogniser reads "I have covered the Sahel" as a person named Sahel)."""
    conflicts = [str(c.get("label", "")) for c in inputs.results["patterns"].get("conflicts", [])]
    return sorted({inputs.organization, *(d.organization for d in inputs.documents.values()), *conflicts})


def quotable_documents(inputs: Inputs, audience: Audience = PUBLIC) -> set[str]:
    """Own documents whose source's consent covers the audience (`consent: public` for
    the public)."""
    return {d.id for d in inputs.documents.values() if d.organization == inputs.organization
            and str(d.metadata.get("front_matter", {}).get("consent", "")) in audience.quote_consents}


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


def _contact(value: str) -> Protected:
    return Protected(value, "email", "[email]") if "@" in value else Protected(value, "phone", "[phone]")


def _unique(items: list[Protected]) -> list[Protected]:
    return list(dict.fromkeys(items))
