"""The analysis of a workspace: read claims, sources and judgements; resolve sites;
trace trajectories; corroborate; compare. Results are stored with a digest of their
inputs, so the same inputs give back the same stored results and any change (a new
extraction, a relation, a judgement, a rule) recomputes them."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict
from importlib import resources
from typing import Any

from testimonia.analysis.corroboration import Groups, Rules, corroborate
from testimonia.analysis.inputs import ClaimIn, RelationIn
from testimonia.analysis.patterns import patterns
from testimonia.analysis.sites import Judgement, resolve_sites
from testimonia.analysis.trajectories import network, trajectories
from testimonia.documents import visible_document
from testimonia.protect import doccrypt, orgkeys
from testimonia.errors import InvalidValue, NotFound
from testimonia.extract.textfold import fold
from testimonia.store import analyses, records
from testimonia.workspace import Workspace

JUDGEMENTS = ("merge", "split", "rename")


def analyze(claims: list[ClaimIn], relations: list[RelationIn], judgements: list[Judgement],
            rules: Rules) -> dict[str, Any]:
    """The whole analysis as documented JSON (docs/analysis.md): a pure function."""
    resolution = resolve_sites(claims, judgements)
    groups = Groups(relations, rules.relations)
    findings = corroborate(claims, resolution, groups, rules)
    names = {s.id: s.name for s in resolution.sites.values()}
    return {
        "sites": [s.to_json() for s in sorted(resolution.sites.values(), key=lambda s: (-len(s.claims), s.id))],
        "findings": [{**f.to_json(), "site_name": names[f.site]} for f in findings],
        "transfers": {"edges": [{**e.to_json(), "from_name": names[e.origin], "to_name": names[e.destination]}
                                for e in network(claims, resolution)],
                      "trajectories": [t.to_json() for t in trajectories(claims, resolution)]},
        "patterns": patterns(claims, resolution, groups),
    }


def current_analysis(ws: Workspace) -> dict[str, Any]:
    """The stored analysis when its inputs are unchanged, else a fresh one (stored). The
    inputs are the claims and sources in the acting user's scope; the result is stored
    for that user's organisation, encrypted with its key."""
    claims, relations, judgements = _inputs(ws)
    rules = _rules(ws)
    digest = _digest(claims, relations, judgements, rules)
    user = ws.user
    record = f"analysis|org:{user.organization_id}"
    with ws.engine.connect() as conn:
        stored = analyses.load_results(conn, user.organization_id, digest)
        if stored is not None:
            keys = ws.org_private_keys(conn, user.organization_id, user.organization)
            cached: dict[str, Any] = json.loads(orgkeys.read_record(conn, record, stored, keys))
            return cached
    results = analyze(claims, relations, judgements, rules)
    with ws.transaction() as conn:
        plaintext = json.dumps(results, ensure_ascii=False).encode("utf-8")
        analyses.save_results(conn, user.organization_id, digest,
                              orgkeys.write_record(conn, record, plaintext, [user.organization_id]))
    return results


def judge(ws: Workspace, kind: str, site: str, other: str = "", name: str = "") -> str:
    """Record a merge, split or rename; returns the site id it applies to."""
    if kind not in JUDGEMENTS:
        raise InvalidValue(f"Unknown judgement '{kind}'.", fix=f"Use one of: {', '.join(JUDGEMENTS)}.")
    results = current_analysis(ws)
    site_id = str(find_site(results, site)["id"])
    if kind == "merge":
        other = str(find_site(results, other)["id"])
        if other == site_id:
            raise InvalidValue(f"Cannot merge site {site_id} with itself.")
    if kind == "split":
        other = _document_prefix(ws, other, site_id, results)
    if kind == "rename" and not name.strip():
        raise InvalidValue("A rename needs a new name.", fix="Give --name NAME.")
    with ws.transaction() as conn:
        analyses.add_judgement(conn, kind, site_id, other, name.strip(), ws.actor,
                               ws.user.organization_id)
        ws.audit(conn, "site_judgement", site_id, {"kind": kind, "other": other, "name": name.strip()})
    return site_id


def find_site(results: dict[str, Any], query: str) -> dict[str, Any]:
    """A site by id, else by name, else by any alias (any script; case and accents
    ignored), else by part of its name; the most reported when several match."""
    wanted = fold(query.strip())
    sites = results["sites"]
    named: list[dict[str, Any]] = []
    for test in (lambda s: s["id"] == query.strip(),
                 lambda s: fold(s["name"]) == wanted,
                 lambda s: wanted in {fold(a) for a in s["aliases"]},
                 lambda s: bool(wanted) and wanted in fold(s["name"])):
        named = named or [s for s in sites if test(s)]
    if not named:
        raise NotFound(f"No site matches '{query}'.", fix="See `testimonia sites` for names and ids.")
    return max(named, key=lambda s: s["claim_count"])


def site_family(results: dict[str, Any], site_id: str) -> set[str]:
    """A site and the sites inside it (the containers of a camp)."""
    return {site_id} | {s["id"] for s in results["sites"] if s["parent"] == site_id}


def findings_at(results: dict[str, Any], query: str | None) -> list[dict[str, Any]]:
    """The findings of a site and of the sites inside it; all of them without a query."""
    if query is None:
        return list(results["findings"])
    family = site_family(results, str(find_site(results, query)["id"]))
    return [f for f in results["findings"] if f["site"] in family]


def _document_prefix(ws: Workspace, prefix: str, site_id: str, results: dict[str, Any]) -> str:
    with ws.engine.connect() as conn:
        doc = visible_document(ws, conn, prefix)
    site = next(s for s in results["sites"] if s["id"] == site_id)
    if not any(f["site"] == site_id for f in results["findings"]) and not site["claim_count"]:
        raise InvalidValue(f"Site {site_id} has no claims to split off.")
    return doc.id


def _inputs(ws: Workspace) -> tuple[list[ClaimIn], list[RelationIn], list[Judgement]]:
    with ws.engine.connect() as conn:
        scope = ws.scope(conn)
        claims = [ClaimIn(c.id, c.document_id, c.source, c.source_kind, c.body)
                  for c in doccrypt.visible_claims(ws, conn)]
        sources = {s.pseudonym for s in records.list_sources(conn) if scope.sees_source(s)}
        relations = [RelationIn(r.a, r.b, r.relation.value) for r in records.list_relations(conn)
                     if r.a in sources and r.b in sources]
        judgements = [Judgement(*row) for row in analyses.judgements(conn, ws.user.organization_id)]
    return claims, relations, judgements


def _rules(ws: Workspace) -> Rules:
    return Rules(min_independent=int(ws.config["min_independent_sources"]))


def _digest(claims: list[ClaimIn], relations: list[RelationIn], judgements: list[Judgement],
            rules: Rules) -> str:
    """Of every input, and of the analysis code and data itself (an upgrade recomputes)."""
    digest = hashlib.sha256(_code_digest().encode())
    for claim in claims:
        digest.update(f"{claim.id}|{claim.document_id}|{claim.source}|{claim.source_kind}\n".encode())
    items: list[Any] = [*relations, *judgements, rules]
    for item in items:
        digest.update(json.dumps(asdict(item), sort_keys=True).encode())
    return digest.hexdigest()


@functools.cache
def _code_digest() -> str:
    digest = hashlib.sha256()
    for package, suffix in (("testimonia.analysis", ".py"), ("testimonia.vocab", "conflicts.yaml")):
        for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(suffix):
                digest.update(entry.read_bytes())
    return digest.hexdigest()
