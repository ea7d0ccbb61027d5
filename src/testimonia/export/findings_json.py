"""`--format json`: the findings as one JSON document, `findings.json`.

For the public (format `testimonia-public-findings/1`): per finding the site, allegation,
year, status, counts, whether a denial contradicts it, a rationale that names nobody and
up to two redacted quotes; the witness accounts as the gate generalised them. For the
other audiences (`testimonia-findings/1`): the exact period, the analysis's rationale,
the sources by pseudonym and their groups, the claims, the denials, and the sources'
kinds (and profiles for internal and legal exports).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from testimonia.export import hierarchy
from testimonia.export.published import Context, Output, claims_basis, kinds, place_fields, quotes
from testimonia.shapes import FindingJson

__all__ = ["FILE", "FORMAT", "FORMAT_INTERNAL", "build", "findings"]

FILE = "findings.json"
FORMAT = "testimonia-public-findings/1"
FORMAT_INTERNAL = "testimonia-findings/1"


def build(ctx: Context) -> Output:
    quoted: dict[str, int] = {}
    found = findings(ctx, quoted)
    document: dict[str, Any] = {
        "format": FORMAT if ctx.audience.gate else FORMAT_INTERNAL, "audience": ctx.audience.name,
        "generated": datetime.now(UTC).strftime("%Y-%m"),  # coarse on purpose
    }
    if ctx.decision is not None:
        document["k_anonymity"] = {"k": ctx.k, "generalised": dict(ctx.decision.level_names),
                                   "reason": ctx.decision.reason}
    document |= {"claims": claims_basis(ctx), "findings": found}
    accounts: list[Any] = ctx.decision.published if ctx.decision is not None else []
    if ctx.decision is not None:
        document["witness_accounts"] = accounts
    if ctx.audience.pseudonyms:
        document["sources"] = _sources(ctx)
    facts = {str(f["site"][key]) for f in found for key in ("name", "country", "admin1") if f["site"].get(key)}
    facts |= {str(f[key]) for f in found for key in ("period_start", "period_end") if f.get(key)}
    data = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return Output({FILE: data}, len(found), "findings", quoted, len(accounts), frozenset(facts))


def findings(ctx: Context, quoted: dict[str, int]) -> list[dict[str, Any]]:
    """One object per finding, as the audience may read it."""
    builder = _public if ctx.audience.gate else _named
    return [builder(ctx, finding, quoted) for finding in ctx.inputs.results["findings"]]


def _public(ctx: Context, finding: FindingJson, quoted: dict[str, int]) -> dict[str, Any]:
    site = ctx.sites[finding["site"]]
    return {
        "site": {"name": site["name"], "facility": site["facility"],
                 "country": hierarchy.country_name(site["country"] or ""),
                 "lat": site["lat"], "lon": site["lon"], "precision": site["precision"]},
        "allegation": finding["allegation"], "year": _years(finding),
        "status": finding["status"],
        "independent_sources": finding["independent_sources"],
        "first_hand_sources": finding["first_hand_sources"],
        "contradicted": bool(finding["contradicted_by"]),
        "rationale": _rationale(finding), "quotes": quotes(ctx, finding, quoted),
    }


def _named(ctx: Context, finding: FindingJson, quoted: dict[str, int]) -> dict[str, Any]:
    site = {"id": finding["site"], **place_fields(ctx.sites[finding["site"]])}
    return {
        "site": site, "allegation": finding["allegation"],
        "period_start": finding.get("period_start"), "period_end": finding.get("period_end"),
        "status": finding["status"], "rationale": finding.get("rationale", ""),
        "independent_sources": finding["independent_sources"],
        "first_hand_sources": finding["first_hand_sources"],
        "sources": finding.get("sources", []), "groups": finding.get("groups", []),
        "hearsay_sources": finding.get("hearsay_sources", []), "source_kinds": kinds(ctx, finding),
        "claims": [c for c in finding.get("claims", []) if c in ctx.inputs.claims],
        "contradicted_by": [{"source": d.get("source"), "kind": d.get("kind"), "claim": d.get("claim")}
                            for d in finding.get("contradicted_by", [])],
        "quotes": quotes(ctx, finding, quoted),
    }


def _sources(ctx: Context) -> list[dict[str, str]]:
    """The sources behind the findings: pseudonym and kind (and profile where allowed)."""
    named = sorted({s for f in ctx.inputs.results["findings"]
                    for s in (*f.get("sources", []), *f.get("hearsay_sources", []))})
    out = []
    for pseudonym in named:
        source = ctx.inputs.sources.get(pseudonym)
        if source is None:
            continue
        row = {"pseudonym": pseudonym, "kind": source.kind.value}
        if ctx.audience.profiles:
            row |= ctx.inputs.profiles.get(pseudonym, {})
        out.append(row)
    return out


def _years(finding: FindingJson) -> str:
    """The years a finding covers, no finer (a month can narrow down who spoke)."""
    first, last = (finding.get("period_start") or "")[:4], (finding.get("period_end") or "")[:4]
    if not first:
        return "undated"
    return first if first == last else f"{first}–{last}"


def _rationale(finding: FindingJson) -> str:
    text = f"{finding['independent_sources']} independent source(s) at first hand"
    if finding.get("hearsay_sources"):
        text += "; also told at second hand"
    return text + ("; contradicted by a denial" if finding["contradicted_by"] else "")
