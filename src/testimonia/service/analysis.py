"""The analysis of a workspace: read claims, sources and judgements; resolve sites;
trace trajectories; corroborate; compare. Results are stored with a digest of their
inputs, so the same inputs give back the same stored results and any change (a new
extraction, a relation, a judgement, a rule) recomputes them."""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any, TypeVar, cast

from testimonia.analysis.corroboration import Rules
from testimonia.analysis.dossier import build_dossier
from testimonia.analysis.edits import digest as review_digest
from testimonia.analysis.graphs import Network, network, pattern_view
from testimonia.analysis.inputs import RelationIn
from testimonia.analysis.overview import Matrix, Timeline, cell_findings, map_layers, timeline
from testimonia.analysis.overview import findings_matrix as matrix_of
from testimonia.analysis.results import Analysis, find_site, findings_at, site_family
from testimonia.analysis.sites import Judgement
from testimonia.analysis.stored import Stored
from testimonia.analysis.stored import write as write_stored
from testimonia.errors import InvalidValue, NotFound
from testimonia.service import orgkeys
from testimonia.service.claims import quotable
from testimonia.service.documents import visible_document
from testimonia.service.policy import requires
from testimonia.service.reviewed import ReviewedClaim, each_reviewed, person_links, reviewed_in
from testimonia.service.workspace import Workspace
from testimonia.shapes import FindingJson, ResultsJson, ReviewBasisJson, SiteJson
from testimonia.store import analyses, records
from testimonia.store.engine import snapshot

__all__ = ["JUDGEMENTS", "analyze_workspace", "cell_claims", "current_analysis", "dossier", "findings_matrix",
           "judge", "map_data", "pattern_report", "site_timeline", "stored_analysis", "transfer_network"]

JUDGEMENTS = ("merge", "split", "rename")
V = TypeVar("V")


@requires('read_results')
def current_analysis(ws: Workspace, include_unreviewed: bool = False) -> ResultsJson:
    """The stored analysis when its inputs are unchanged, else a fresh one (stored), as
    the whole documented JSON (docs/analysis.md). The inputs are the claims and sources
    in the acting user's scope — the claims its organisation accepted, edited or added in
    review, and the unreviewed ones too when `include_unreviewed`; rejected claims never
    count. The result is stored for that user's organisation, encrypted with its key.

    Reading is a look-up while the database's input generation (store/schema.py) has not
    moved since the stored result was known current: no claim is opened. Once it moved,
    the inputs are read (one batch of claims at a time) and digested; the same digest
    only marks the stored result current again, another one recomputes it. The result is
    shared between callers of this process (_MEMO): treat it as read-only. A caller that
    needs only part of it (one site's findings) reads `stored_analysis` instead."""
    key, packed = _current(ws, include_unreviewed)
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key].results
    results = Stored(packed()).results()
    _remember(key, results)
    return results


@requires('read_results')
def stored_analysis(ws: Workspace, include_unreviewed: bool = False) -> Stored:
    """The current analysis (as `current_analysis` finds or makes it) in its stored form:
    the head (sites, transfer edges, patterns, review basis) parsed, the findings and the
    trajectories read one at a time (analysis/stored.py)."""
    _key, packed = _current(ws, include_unreviewed)
    return Stored(packed())


def _current(ws: Workspace, include_unreviewed: bool) -> tuple[_MemoKey, Callable[[], bytes]]:
    """The key of the current analysis in _MEMO, and how to get its stored form."""
    user = ws.user
    variant = "all" if include_unreviewed else "reviewed"
    rules = _rules(ws)
    basis = _basis(rules, variant)
    record = f"analysis|org:{user.organization_id}|{variant}"

    def unsealed() -> bytes:
        with ws.engine.connect() as conn:
            keys = ws.org_private_keys(conn, user.organization_id, user.organization)
            return orgkeys.read_record(conn, record, analyses.sealed_results(conn, user.organization_id, variant),
                                       keys)

    with ws.engine.connect() as conn:
        generation = analyses.generation(conn)  # before the inputs: a later write only recomputes
        stored = analyses.load_results(conn, user.organization_id, variant)
    if stored is not None and stored.basis != basis:
        stored = None
    if stored is not None and stored.generation == generation:
        return _memo_key(ws, stored.digest, basis), unsealed
    digest, packed = _inputs(ws, include_unreviewed, rules, stored.digest if stored is not None else None)
    if packed is None:  # the same inputs as the stored result's
        if not ws.read_only:
            with ws.transaction() as conn:
                analyses.mark_current(conn, user.organization_id, variant, generation)
        return _memo_key(ws, digest, basis), unsealed
    if not ws.read_only:
        with ws.transaction() as conn:
            analyses.save_results(conn, user.organization_id, variant,
                                  analyses.StoredResults(basis, generation, digest),
                                  orgkeys.write_record(conn, record, packed, [user.organization_id]))
    return _memo_key(ws, digest, basis), lambda: packed


@dataclass
class _Held:
    """A parsed analysis kept in this process, with the views drawn from it (the findings
    matrix, the timeline: a page's cost once per analysis, not per request)."""

    results: ResultsJson
    views: dict[tuple[str, int], tuple[ResultsJson | None, Any]] = field(default_factory=dict)


_MemoKey = tuple[str, int, str, str]
_MEMO: OrderedDict[_MemoKey, _Held] = OrderedDict()
_MEMO_SIZE = 4  # a web server's organisations × variants; each entry is one parsed analysis
_MEMO_LOCK = threading.Lock()


def _memo_key(ws: Workspace, digest: str, basis: str) -> _MemoKey:
    return str(ws.paths.root), ws.user.organization_id, digest, basis


def _remember(key: _MemoKey, results: ResultsJson) -> None:
    with _MEMO_LOCK:
        _MEMO[key] = _Held(results)
        _MEMO.move_to_end(key)
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)


def _view(name: str, results: ResultsJson, pending: ResultsJson | None, draw: Callable[[], V]) -> V:
    """A view of an analysis (and of its pending counterpart) drawn once while that
    analysis is held in this process."""
    with _MEMO_LOCK:
        held = next((h for h in _MEMO.values() if h.results is results), None)
        if held is not None and (name, id(pending)) in held.views:
            kept_pending, value = held.views[(name, id(pending))]
            if kept_pending is pending:
                return cast(V, value)
    value = draw()
    if held is not None:
        with _MEMO_LOCK:
            held.views[(name, id(pending))] = (pending, value)
    return value


@requires('analyze')
def analyze_workspace(ws: Workspace, include_unreviewed: bool = False) -> Stored:
    """Run the analysis (or take the stored one when nothing changed) as a writer: the
    results are stored for the acting user's organisation; given in their stored form."""
    _key, packed = _current(ws, include_unreviewed)
    return Stored(packed())


@requires('judge_sites')
def judge(ws: Workspace, kind: str, site: str, other: str = "", name: str = "") -> str:
    """Record a merge, split or rename; returns the site id it applies to. Sites are
    looked up among all claims, reviewed or not: a judgement is about the place."""
    if kind not in JUDGEMENTS:
        raise InvalidValue(f"Unknown judgement '{kind}'.", fix=f"Use one of: {', '.join(JUDGEMENTS)}.")
    found = stored_analysis(ws, include_unreviewed=True)
    results = found.head  # the sites: no finding is parsed
    site_id = str(find_site(results, site)["id"])
    if kind == "merge":
        other = str(find_site(results, other)["id"])
        if other == site_id:
            raise InvalidValue(f"Cannot merge site {site_id} with itself.")
    if kind == "split":
        other = _document_prefix(ws, other, site_id, found)
    if kind == "rename" and not name.strip():
        raise InvalidValue("A rename needs a new name.", fix="Give --name NAME.")
    with ws.transaction() as conn:
        analyses.add_judgement(conn, kind, site_id, other, name.strip(), ws.actor,
                               ws.user.organization_id)
        ws.audit(conn, "site_judgement", site_id, {"kind": kind, "other": other, "name": name.strip()})
    return site_id


def _document_prefix(ws: Workspace, prefix: str, site_id: str, found: Stored) -> str:
    with ws.engine.connect() as conn:
        doc = visible_document(ws, conn, prefix)
    site = next(s for s in found.sites() if s["id"] == site_id)
    if next(found.findings({site_id}), None) is None and not site["claim_count"]:
        raise InvalidValue(f"Site {site_id} has no claims to split off.")
    return doc.id


def _inputs(ws: Workspace, include_unreviewed: bool, rules: Rules,
             known: str | None) -> tuple[str, bytes | None]:
    """Read the inputs and digest them; unless the digest is `known` (the stored result's),
    analyse them and give the stored form. The claims are read one batch at a time and
    each is kept only as what the analysis uses of it (analysis/facts.py). One snapshot of
    the database throughout, without blocking writers while the claims are read."""
    with snapshot(ws.engine) as conn:
        scope = ws.scope(conn)
        sources = {s.pseudonym for s in records.list_sources(conn) if scope.sees_source(s)}
        relations = [RelationIn(r.a, r.b, r.relation.value) for r in records.list_relations(conn)
                     if r.a in sources and r.b in sources]
        judgements = [Judgement(*row) for row in analyses.judgements(conn, ws.user.organization_id)]
        links = person_links(ws, conn)
        analysis = Analysis(relations, judgements, rules, links)
        digest = hashlib.sha256(_code_digest().encode())
        basis = _Basis(include_unreviewed)
        for reviewed in each_reviewed(ws, conn):
            basis.add(reviewed)
            if reviewed.counts(include_unreviewed):
                claim = reviewed.as_input()
                digest.update(f"{claim.id}|{claim.document_id}|{claim.source}|{claim.source_kind}|"
                              f"{review_digest(claim.body)}\n".encode())
                analysis.add(claim)
    review = basis.json()
    digest.update(json.dumps(review, sort_keys=True).encode())
    items: list[Any] = [*relations, *judgements, rules, *links]
    for item in items:
        digest.update(json.dumps(asdict(item), sort_keys=True).encode())
    found = digest.hexdigest()
    return found, None if found == known else write_stored(analysis, review)


class _Basis:
    """Which claims an analysis counts, counted as they pass (ReviewBasisJson)."""

    def __init__(self, include_unreviewed: bool) -> None:
        self.include_unreviewed = include_unreviewed
        self.counted = self.pending = self.rejected = self.conflicts = self.withdrawn = 0
        self.pending_sources: set[str] = set()

    def add(self, c: ReviewedClaim) -> None:
        self.counted += c.counts(self.include_unreviewed)
        if c.state == "unreviewed" and not c.withdrawn:
            self.pending += 1
            self.pending_sources.add(c.claim.source or c.claim.document_id)
        self.rejected += c.state == "rejected"
        self.conflicts += c.conflict is not None and not c.withdrawn
        self.withdrawn += c.withdrawn

    def json(self) -> ReviewBasisJson:
        return {"include_unreviewed": self.include_unreviewed, "counted": self.counted,
                "pending": self.pending, "pending_sources": len(self.pending_sources),
                "rejected": self.rejected, "conflicts": self.conflicts, "withdrawn": self.withdrawn}


def _rules(ws: Workspace) -> Rules:
    return Rules(min_independent=int(ws.config["min_independent_sources"]))


def _basis(rules: Rules, variant: str) -> str:
    """What a stored analysis was computed with besides its inputs: the code, the rules
    and the variant (reviewed claims only, or all)."""
    return hashlib.sha256(f"{_code_digest()}|{json.dumps(asdict(rules), sort_keys=True)}|{variant}"
                          .encode()).hexdigest()


@functools.cache
def _code_digest() -> str:
    digest = hashlib.sha256()
    for package, suffix in (("testimonia.analysis", ".py"), ("testimonia.vocab", "conflicts.yaml")):
        for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(suffix):
                digest.update(entry.read_bytes())
    return digest.hexdigest()



@requires('read_claims')
def dossier(ws: Workspace, query: str, include_unreviewed: bool = False) -> dict[str, Any]:
    """Everything known of one site (analysis/dossier.py): only its findings (and those
    of the sites inside it) are read from the stored analysis, only its claims opened."""
    found = stored_analysis(ws, include_unreviewed)
    site_id = str(find_site(found.head, query)["id"])
    results: ResultsJson = {**found.head,
                            "findings": list(found.findings(site_family(found.head, site_id)))}
    ids = {i for f in findings_at(results, site_id) for i in f["claims"]}  # quotes chosen per source
    with ws.transaction() as conn:
        ws.audit(conn, "read_dossier", site_id, {"claims": len(ids)})
    return build_dossier(results, site_id, quotable(ws, ids))


def _shown(ws: Workspace, include_unreviewed: bool) -> tuple[ResultsJson, ResultsJson | None]:
    """The analysis asked for and, when it counts reviewed claims only, the one with the
    unreviewed claims too: what it adds is shown as pending review."""
    results = current_analysis(ws, include_unreviewed)
    return results, None if include_unreviewed else current_analysis(ws, include_unreviewed=True)


@requires('read_results')
def findings_matrix(ws: Workspace, include_unreviewed: bool = False) -> tuple[Matrix, ReviewBasisJson | None]:
    """Sites × allegations (analysis/overview.py), each cell the strongest status of its
    findings and their independent sources; what only unreviewed claims support is
    `pending review` (unless they are counted). With the basis of the figures."""
    results, pending = _shown(ws, include_unreviewed)
    return _view("matrix", results, pending, lambda: matrix_of(results, pending)), results.get("review")


@requires('read_claims')
def cell_claims(ws: Workspace, site: str, allegation: str, include_unreviewed: bool = False) -> tuple[
        SiteJson, list[FindingJson], list[ReviewedClaim]]:
    """A findings-matrix cell's findings and the claims behind them, as review left them.
    A cell that only unreviewed claims support is looked up among them."""
    results, pending = _shown(ws, include_unreviewed)
    found = cell_findings(results, site, allegation)
    if not found and pending is not None:
        results = pending
        found = cell_findings(results, site, allegation)
    chosen = find_site(results, site)
    if chosen["id"] != site or not found:
        raise NotFound(f"No finding of '{allegation}' at site '{site}'.",
                       fix="Open the findings matrix and follow a cell's link.")
    ids = {i for f in found for i in f["claims"]}
    with ws.transaction() as conn:
        claims = list(reviewed_in(ws, conn, ids).values())
        ws.audit(conn, "read_claims", site, {"allegation": allegation, "claims": len(claims)})
    return chosen, found, sorted(claims, key=lambda c: (c.claim.document_id, c.id))


@requires('read_results')
def map_data(ws: Workspace, include_unreviewed: bool = False, method: str | None = None,
             start: str | None = None, end: str | None = None, perpetrator: str | None = None,
             conflict: str | None = None) -> dict[str, Any]:
    """The map's layers (analysis/overview.py map_layers): sites, transfer routes."""
    results, pending = _shown(ws, include_unreviewed)
    return {**map_layers(results, pending, method, start, end, perpetrator, conflict),
            "review": results.get("review")}


@requires('read_results')
def site_timeline(ws: Workspace, include_unreviewed: bool = False) -> Timeline:
    """Each site's activity over time (analysis/overview.py timeline)."""
    results, pending = _shown(ws, include_unreviewed)
    return _view("timeline", results, pending, lambda: timeline(results, pending))


@requires('read_results')
def transfer_network(ws: Workspace, include_unreviewed: bool = False) -> tuple[Network, ReviewBasisJson | None]:
    """The transfer network laid out (analysis/graphs.py), with the basis of the figures."""
    results = current_analysis(ws, include_unreviewed)
    return network(results), results.get("review")


@requires('read_results')
def pattern_report(ws: Workspace, include_unreviewed: bool = False) -> tuple[dict[str, Any], ReviewBasisJson | None]:
    """What `testimonia patterns` gives (analysis/graphs.py names the sites and conflicts)."""
    results = current_analysis(ws, include_unreviewed)
    return pattern_view(results), results.get("review")
