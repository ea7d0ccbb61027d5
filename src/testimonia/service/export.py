"""`testimonia export`: write an export for its audience through its gate, or nothing at all.

Order: gather (within the exporting user's scope; the vault read is audited) → refuse if
there is nothing to say → for the public, the re-identification gate over the witness
accounts (generalise until every group has at least k members, or refuse) → the format
module builds its files, quotes redacted for the audience (export/audiences.py) → files
written to a staging folder next to the destination (the evidence bundle: then made a
bag, its originals left unscanned, export/bundle.py) → the leak scan re-reads every
produced file and file name → only then is the staging folder renamed to the
destination, the export entered in the audit log with the SHA-256 of each file, and in
the custody log of every document it quotes. Any refusal removes the staging folder: a
refused export leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from testimonia.errors import IntegrityError, InvalidValue, NotFound, PublicationRefused, did_you_mean
from testimonia.export import (
    audiences,
    bundle,
    csv_events,
    findings_json,
    ftm,
    gate,
    geojson,
    hierarchy,
    html_report,
    public,
)
from testimonia.export.choices import FORMATS, ON_RISK
from testimonia.export.leakscan import BesideEvidence, Leak, scan_tree
from testimonia.export.published import Context, Output
from testimonia.export.redact import Protected, Redactor
from testimonia.fsutil import atomic_write
from testimonia.service import doccrypt
from testimonia.service.analysis import current_analysis
from testimonia.service.evidence import gather_evidence
from testimonia.service.policy import requires
from testimonia.service.reviewed import reviewed_claims
from testimonia.service.vault import identities
from testimonia.service.workspace import Workspace
from testimonia.store import protection, records

__all__ = ["ExportReport", "WRITERS", "export", "gather"]

WRITERS: dict[str, Callable[[Context], Output]] = {
    "json": findings_json.build, "geojson": geojson.build, "csv": csv_events.build, "ftm": ftm.build,
    "html": html_report.build}


@dataclass(frozen=True)
class ExportReport:
    folder: Path
    format: str
    audience: str
    files: dict[str, str]  # name -> SHA-256
    items: int
    what: str  # "findings", "features", "events"
    quotes: int
    accounts: int  # witness accounts written (public json)
    decision: gate.Decision | None  # the gate's, for the public


@requires('export')
def export(ws: Workspace, folder: Path, *, format: str = "json", audience: str = "public",
           k: int | None = None, on_risk: str = "generalise",
           public_names: Sequence[str] = (), include_unreviewed: bool = False) -> ExportReport:
    policy = _choices(format, audience, on_risk, include_unreviewed)
    folder = folder.expanduser().resolve()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InvalidValue(f"{folder} exists and is not empty.", fix="Export to a new folder.")
    if folder.is_relative_to(ws.paths.root):
        raise InvalidValue(f"{folder} is inside the workspace.", fix="Export outside it.")
    k = int(ws.config["k_anonymity"]) if k is None else k
    inputs = gather(ws, include_unreviewed)
    basis = inputs.results["review"]
    if not inputs.results["findings"]:
        _refuse(ws, "export", "there are no findings to export" + (
            f" from reviewed claims: {basis['pending']} claims from {basis['pending_sources']} "
            "sources await review" if basis["pending"] and not include_unreviewed else ""),
            at_risk=[], fix="Review the claims (`testimonia review`; docs/review.md), or export "
            "with --include-unreviewed, which the export then says.")
    decision = _gate(ws, inputs, k, on_risk) if policy.gate else None
    protected = public.protected_identifiers(inputs, public_names, policy)
    sha1 = _original_sha1(ws, inputs) if format == "ftm" and audience in ftm.DOCUMENT_AUDIENCES else {}
    ctx = Context(inputs, policy, Redactor(protected), k, decision, include_unreviewed,
                  id_key=ws.keys.derive("export/entity-ids"), original_sha1=sha1,
                  min_independent=int(ws.config["min_independent_sources"]))
    output = (bundle.build(ctx, gather_evidence(ws, bundle.resting_claims(ctx))) if format == bundle.NAME
              else WRITERS[format](ctx))
    if not output.items:
        _refuse(ws, "export", f"there is nothing to write as {format} for the {audience} audience",
                at_risk=[], fix="See docs/exports.md for what each format holds.")
    files = _write(ws, folder, output, _scannable(protected, output.facts), decision, k)
    details = {"format": format, "audience": audience, "files": files, output.what: output.items,
               "quotes": output.quotes}
    if output.unscanned:  # the evidence bundle: originals are testimony, kept unaltered
        details |= {"unscanned": list(output.unscanned), "originals": len(output.originals)}
    if decision is not None:
        details |= {"k": k, "generalised": dict(decision.level_names)}
    with ws.transaction() as conn:
        ws.audit(conn, "exported", folder.name, details)
        for document in sorted(output.quoted.keys() | output.originals):
            ws.record(conn, "exported", document, {"export": folder.name, "format": format,
                                                   "audience": audience, "quotes": output.quoted.get(document, 0)}
                      | ({"original": True} if document in output.originals else {}))
    return ExportReport(folder, format, audience, files, output.items, output.what, output.quotes,
                        output.accounts, decision)


def _original_sha1(ws: Workspace, inputs: public.Inputs) -> dict[str, str]:
    """The SHA-1 of the original of each document the claims rest on (FollowTheMoney's
    contentHash), each original checked against its SHA-256 on the way."""
    found = {}
    with ws.engine.connect() as conn:
        for document_id in sorted({c.document_id for c in inputs.claims.values()} & set(inputs.documents)):
            try:
                data = ws.read_original(document_id, doccrypt.key_for(ws, conn, document_id))
            except NotFound:  # not readable by this organisation: no hash
                continue
            if hashlib.sha256(data).hexdigest() != document_id:
                raise IntegrityError(f"The original of document {document_id[:12]} no longer matches its "
                                     "SHA-256.", fix="Run `testimonia verify` (docs/custody.md).")
            found[document_id] = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    return found


def _choices(format: str, audience: str, on_risk: str, include_unreviewed: bool) -> audiences.Audience:
    _check_choice(format, FORMATS, "format")
    policy = audiences.audience(audience)
    _check_choice(on_risk, ON_RISK, "--on-risk")
    if format == bundle.NAME and audience not in bundle.AUDIENCES:
        raise InvalidValue(f"An evidence bundle is for the legal audience only, not {audience}: it holds "
                           "the unaltered originals, which are testimony and may name witnesses.",
                           fix="Export it with --audience legal; for others, use json, geojson or csv.")
    if policy.reviewed_only and include_unreviewed:
        raise InvalidValue(f"A {audience} export rests on reviewed claims only; "
                           "--include-unreviewed cannot be used with it.",
                           fix="Review the claims first (`testimonia review`), or leave out "
                               "--include-unreviewed.")
    return policy


def _gate(ws: Workspace, inputs: public.Inputs, k: int, on_risk: str) -> gate.Decision:
    decide = gate.generalise if on_risk == "generalise" else gate.check
    decision = decide(public.accounts(inputs), public.attributes(), k, level_names=hierarchy.LEVEL_NAMES)
    if not decision.passed:
        _refuse(ws, "gate", decision.reason, at_risk=[list(g.ids) for g in decision.at_risk])
    return decision


def _write(ws: Workspace, folder: Path, output: Output, scannable: list[Protected],
           decision: gate.Decision | None, k: int) -> dict[str, str]:
    """The files written in a staging folder, scanned, then renamed to `folder`; their SHA-256."""
    staging = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, mode=0o700)
    try:
        for name, data in output.files.items():
            atomic_write(staging / name, data)
        if output.finish is not None:
            output.finish(staging)
        redactor = BesideEvidence(scannable, output.evidence) if output.evidence else Redactor(scannable)
        leaks = scan_tree(staging, redactor, skip=output.unscanned)
        if leaks:
            _refuse(ws, "leak scan", _describe(leaks), at_risk=[])
        rechecked = gate.verify_published(decision.published, public.QUASI_IDENTIFIERS, k) if decision else []
        if rechecked:
            _refuse(ws, "gate", f"{len(rechecked)} group(s) of the written accounts are smaller "
                    f"than k={k}", at_risk=[list(g.ids) for g in rechecked])
        # A bag's payload is under data/: its manifest, listed here, holds each file's SHA-256.
        files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(staging.iterdir())
                 if p.is_file()}
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return files


def _scannable(protected: list[Protected], facts: frozenset[str]) -> list[Protected]:
    """The identifiers the leak scan looks for: all of them, except a place or a date found
    in a value the export writes as a fact about a place or an event (a witness's home town
    may also hold a prison: "Bamako" in "State Security, Bamako"; an interview may fall in
    the month of a detention); quotes were redacted with the full list (Output.facts)."""
    return [p for p in protected if p.kind not in ("place", "date")
            or not any(Redactor([p]).find(fact) for fact in facts)]


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
        raise InvalidValue(f"Unknown {what} '{value}'. {did_you_mean(value, allowed)}".strip(),
                           fix=f"Use one of: {', '.join(allowed)}.")


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
