"""`testimonia export`: write a publication through the gate, or nothing at all.

Order: gather (within the exporting user's scope; the vault read is audited) → the
re-identification gate over the witness accounts (generalise until every group has at
least k members, or refuse) → redaction of the quotes → files written to a staging
folder next to the destination → the leak scan re-reads every produced file and file
name → only then is the staging folder renamed to the destination, and the export
entered in the audit log with the SHA-256 of each file. Any refusal removes the staging
folder: a refused export leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from testimonia.errors import InvalidValue, PublicationRefused
from testimonia.export import gate, hierarchy, public
from testimonia.export.choices import AUDIENCES, FORMATS, ON_RISK
from testimonia.export.leakscan import Leak, scan_tree
from testimonia.export.redact import Protected, Redactor
from testimonia.fsutil import atomic_write
from testimonia.service import doccrypt
from testimonia.service.analysis import current_analysis
from testimonia.service.policy import requires
from testimonia.service.reviewed import reviewed_claims
from testimonia.service.vault import identities
from testimonia.service.workspace import Workspace
from testimonia.store import protection, records

__all__ = ["ExportReport", "FORMAT", "export", "gather"]

FORMAT = "testimonia-public-findings/1"


@dataclass(frozen=True)
class ExportReport:
    folder: Path
    files: dict[str, str]  # name -> SHA-256
    findings: int
    quotes: int
    decision: gate.Decision


@requires('export')
def export(ws: Workspace, folder: Path, *, format: str = "json", audience: str = "public",
           k: int | None = None, on_risk: str = "generalise",
           public_names: Sequence[str] = (), include_unreviewed: bool = False) -> ExportReport:
    _check_choice(format, FORMATS, "format")
    _check_choice(audience, AUDIENCES, "audience")
    _check_choice(on_risk, ON_RISK, "--on-risk")
    folder = folder.expanduser().resolve()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InvalidValue(f"{folder} exists and is not empty.", fix="Export to a new folder.")
    if folder.is_relative_to(ws.paths.root):
        raise InvalidValue(f"{folder} is inside the workspace.", fix="Export outside it.")
    k = int(ws.config["k_anonymity"]) if k is None else k
    inputs = gather(ws, include_unreviewed)
    basis = inputs.results["review"]
    if not inputs.results["findings"]:
        _refuse(ws, "export", "there are no findings to publish" + (
            f" from reviewed claims: {basis['pending']} claims from {basis['pending_sources']} "
            "sources await review" if basis["pending"] and not include_unreviewed else ""),
            at_risk=[], fix="Review the claims (`testimonia review`; docs/review.md), or export "
            "with --include-unreviewed, which the export then says.")
    records = public.accounts(inputs)
    attributes = public.attributes()
    decide = gate.generalise if on_risk == "generalise" else gate.check
    decision = decide(records, attributes, k, level_names=hierarchy.LEVEL_NAMES)
    if not decision.passed:
        _refuse(ws, "gate", decision.reason, at_risk=[list(g.ids) for g in decision.at_risk])
    protected = public.protected_identifiers(inputs, public_names)
    findings, quotes = public.findings(inputs, Redactor(protected), k)
    document = {
        "format": FORMAT, "audience": audience,
        "generated": datetime.now(UTC).strftime("%Y-%m"),  # coarse on purpose
        "k_anonymity": {"k": k, "generalised": dict(decision.level_names), "reason": decision.reason},
        "claims": ("reviewed and unreviewed claims" if include_unreviewed
                   else "claims accepted, edited or added in review only"),
        "findings": findings,
        "witness_accounts": decision.published,
    }
    staging = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, mode=0o700)
    try:
        atomic_write(staging / "findings.json",
                     json.dumps(document, ensure_ascii=False, indent=2).encode())
        leaks = scan_tree(staging, Redactor(_scannable(protected, findings)))
        if leaks:
            _refuse(ws, "leak scan", _describe(leaks), at_risk=[])
        rechecked = gate.verify_published(decision.published, public.QUASI_IDENTIFIERS, k)
        if rechecked:
            _refuse(ws, "gate", f"{len(rechecked)} group(s) of the written accounts are smaller "
                    f"than k={k}", at_risk=[list(g.ids) for g in rechecked])
        files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(staging.iterdir())}
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with ws.transaction() as conn:
        ws.audit(conn, "exported", folder.name, {
            "format": format, "audience": audience, "k": k, "files": files,
            "generalised": dict(decision.level_names), "findings": len(findings), "quotes": quotes})
    return ExportReport(folder, files, len(findings), quotes, decision)


def _scannable(protected: list[Protected], findings: list[dict[str, Any]]) -> list[Protected]:
    """The identifiers the leak scan looks for: all of them, except a place that is part of
    a published site's name (a witness's home town may also hold a prison: "Bamako" in
    "State Security, Bamako"); quotes were redacted with the full list."""
    names = {str(f["site"][key]) for f in findings for key in ("name", "country")}
    return [p for p in protected if p.kind != "place"
            or not any(Redactor([p]).find(name) for name in names)]


def _describe(leaks: list[Leak]) -> str:
    shown = "; ".join(f"{leak.path} {leak.where}: {leak.kind} {leak.shown}" for leak in leaks[:10])
    more = f" (and {len(leaks) - 10} more)" if len(leaks) > 10 else ""
    return f"{len(leaks)} protected identifier(s) found in the output: {shown}{more}"


def _refuse(ws: Workspace, stage: str, reason: str, at_risk: list[list[str]],
            fix: str | None = None) -> None:
    with ws.transaction() as conn:
        ws.audit(conn, "export_refused", stage, {"reason": reason[:500], "at_risk": at_risk})
    where = "" if stage == "export" else f" by the {stage}"
    raise PublicationRefused(f"Export refused{where}: {reason}.", at_risk=at_risk, fix=fix)


def _check_choice(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise InvalidValue(f"Unknown {what} '{value}'.", fix=f"Use one of: {', '.join(allowed)}.")


@requires('export')
def gather(ws: Workspace, include_unreviewed: bool = False) -> public.Inputs:
    """Everything a public export reads, within the exporting user's scope; claims as
    review left them."""
    results = current_analysis(ws, include_unreviewed)
    user = ws.user
    vault = identities(ws)
    with ws.engine.connect() as conn:
        scope = ws.scope(conn)
        visible = scope.document_ids(conn)
        claims = {c.id: replace(c.claim, body=c.body) for c in reviewed_claims(ws, conn)
                  if c.counts(include_unreviewed)}
        documents = {d.id: d for d in records.list_documents(conn) if d.id in visible}
        sources = {s.pseudonym: s for s in records.list_sources(conn) if scope.sees_source(s)}
        profiles = {p: v for p, v in protection.profiles(conn) if p in sources}
        persons = {d: [m.text for m in doccrypt.document_mentions(ws, conn, d) if m.kind == "person"]
                   for d in documents if documents[d].organization == user.organization}
    return public.Inputs(user.organization, results, claims, documents, sources, profiles, vault, persons)
