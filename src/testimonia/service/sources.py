"""Sources (known only by pseudonym), their relations, and the organisations holding them.

A source's real identity never enters these records; it belongs in an encrypted,
per-organisation identity vault, kept apart from them. Here a source is a pseudonym, a
kind, the organisation that collected it and a note that must not identify the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection

from testimonia.errors import InvalidValue, NotFound, PermissionDenied
from testimonia.model import Relation, Source, SourceKind, SourceRelation, parse_choice
from testimonia.service.policy import requires
from testimonia.service.trust import profile_digest
from testimonia.service.workspace import Workspace
from testimonia.store import protection, records

__all__ = ["AGE_BAND", "ImportReport", "PROFILE_FIELDS", "add_source", "import_sources",
           "list_relations", "list_sources", "relate_sources", "set_profile"]

PROFILE_FIELDS = ("age_band", "sex", "ethnicity", "occupation")
AGE_BAND = re.compile(r"\d{1,2}-\d{1,3}|\d{1,2}\+")


@requires('manage_sources')
def add_source(ws: Workspace, pseudonym: str, kind: str, organization: str | None = None,
               note: str = "") -> Source:
    """Add a source to the acting user's organisation (naming another is refused)."""
    source_kind = parse_choice(SourceKind, kind, "source kind")
    org = _own(ws, organization)
    with ws.transaction() as conn:
        source = records.add_source(conn, pseudonym, source_kind, org, note)
        ws.audit(conn, "source_added", source.pseudonym, {"kind": source_kind.value, "organization": org,
                                                           "profile_sha256": profile_digest({})})
    return source


@requires('read_sources')
def list_sources(ws: Workspace) -> list[Source]:
    """The sources the acting user's organisation may see."""
    with ws.engine.connect() as conn:
        scope = ws.scope(conn)
        return [s for s in records.list_sources(conn) if scope.sees_source(s)]


@requires('manage_sources')
def relate_sources(ws: Workspace, a: str, b: str, relation: str, note: str = "") -> SourceRelation:
    kind = parse_choice(Relation, relation, "relation")
    with ws.transaction() as conn:
        _may_relate(ws, conn, a, b)
        related = records.relate_sources(conn, a, b, kind, note)
        ws.audit(conn, "sources_related", related.a, {"other": related.b, "relation": kind.value})
    return related


@requires('read_sources')
def list_relations(ws: Workspace) -> list[SourceRelation]:
    """Relations between two sources the acting user's organisation may see."""
    with ws.engine.connect() as conn:
        scope = ws.scope(conn)
        seen = {s.pseudonym for s in records.list_sources(conn) if scope.sees_source(s)}
        return [r for r in records.list_relations(conn) if r.a in seen and r.b in seen]


@dataclass
class ImportReport:
    sources: list[str] = field(default_factory=list)
    relations: int = 0
    already_known: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)  # other organisations' sources, left to them
    relations_elsewhere: int = 0


@requires('manage_sources')
def import_sources(ws: Workspace, path: Path) -> ImportReport:
    """Add the sources and relations listed in a YAML file, all or nothing.

    Only the acting user's organisation's entries are imported: other organisations'
    sources (and relations between them) are left for them to import from the same file.
    Sources already in the workspace with the same kind are left as they are, so the
    same file can be imported again. Format: docs/sources-file.md.
    """
    data = _load_yaml(path)
    report = ImportReport()
    me = ws.user
    with ws.transaction() as conn:
        known_orgs = {o.name for o in records.list_organizations(conn)}
        owners: dict[str, str] = {}
        for i, entry in enumerate(_list(data, "sources", path)):
            where = f"{path}: sources[{i}]"
            owner = str(entry.get("organization") or me.organization) if isinstance(entry, dict) else ""
            if owner not in known_orgs:
                raise InvalidValue(f"{where}: no organisation '{owner}' in this workspace.",
                                   fix=f"An admin adds it first: `testimonia org add \"{owner}\" "
                                   "--admin USER`.")
            owners[_field(entry, "pseudonym", where).casefold()] = owner
            if owner != me.organization:
                report.elsewhere.append(_field(entry, "pseudonym", where))
                continue
            _import_source(conn, entry, where, owner, report)
        existing = {(r.a, r.b, r.relation) for r in records.list_relations(conn)}
        for i, entry in enumerate(_list(data, "relations", path)):
            where = f"{path}: relations[{i}]"
            a, b = _field(entry, "a", where), _field(entry, "b", where)
            relation = parse_choice(Relation, _field(entry, "relation", where), f"relation in {where}")
            if me.organization not in {_owner(conn, owners, a), _owner(conn, owners, b)}:
                report.relations_elsewhere += 1
            elif (a, b, relation) not in existing:
                _may_relate(ws, conn, a, b)
                records.relate_sources(conn, a, b, relation, str(entry.get("note", "")))
                report.relations += 1
        profiles = dict(protection.profiles(conn))
        ws.audit(conn, "sources_imported", path.name, {
            "sources": len(report.sources), "relations": report.relations,
            "left_to_other_organisations": len(report.elsewhere),
            "profiles": {p: profile_digest(profiles.get(p, {})) for p in report.sources}})
    return report


def _import_source(conn: Connection, entry: Any, where: str, organization: str,
                   report: ImportReport) -> None:
    pseudonym = _field(entry, "pseudonym", where)
    kind = parse_choice(SourceKind, _field(entry, "kind", where), f"source kind in {where}")
    existing = records.find_source(conn, pseudonym)
    if existing is not None:
        if existing.kind != kind or existing.organization != organization:
            raise InvalidValue(f"{where}: '{pseudonym}' exists as {existing.kind.value} of "
                               f"{existing.organization}, the file says {kind.value} of "
                               f"{organization}.", fix="Correct the file.")
        report.already_known.append(pseudonym)
        return
    source = records.add_source(conn, pseudonym, kind, organization, str(entry.get("note", "")))
    if entry.get("profile"):
        protection.set_profile(conn, source.id, _parse_profile(entry["profile"], where))
    report.sources.append(pseudonym)


def _owner(conn: Connection, owners: dict[str, str], pseudonym: str) -> str | None:
    known = records.find_source(conn, pseudonym)
    return known.organization if known else owners.get(pseudonym.casefold())


def _own(ws: Workspace, organization: str | None, pseudonym: str | None = None) -> str:
    """The acting user's organisation; PermissionDenied when `organization` is another."""
    me = ws.user
    if organization and organization != me.organization:
        what = f"Source '{pseudonym}' belongs to {organization}" if pseudonym else \
            f"{me.name} belongs to {me.organization}, not {organization}"
        raise PermissionDenied(f"{what}.", fix=f"A user of {organization} can do this.")
    return me.organization


def _may_relate(ws: Workspace, conn: Connection, a: str, b: str) -> None:
    """A relation needs both sources visible to the acting user, one of them their own."""
    scope = ws.scope(conn)
    first, second = records.get_source(conn, a), records.get_source(conn, b)
    for source in (first, second):
        if not scope.sees_source(source):
            raise NotFound(f"No source '{source.pseudonym}'.", fix="See `testimonia source list`.")
    if ws.user.organization not in (first.organization, second.organization):
        raise PermissionDenied(f"Neither {first.pseudonym} nor {second.pseudonym} belongs to "
                               f"{ws.user.organization}.",
                               fix="Their organisations record how they are related.")


@requires('manage_sources')
def set_profile(ws: Workspace, pseudonym: str, values: dict[str, str]) -> dict[str, str]:
    """Replace the given profile fields of a source (an empty value removes one)."""
    with ws.transaction() as conn:
        source = records.get_source(conn, pseudonym)
        _own(ws, source.organization, pseudonym=source.pseudonym)
        profile = dict(dict(protection.profiles(conn)).get(source.pseudonym, {}))
        for name, value in _parse_profile(values, f"source {pseudonym}", allow_empty=True).items():
            if value:
                profile[name] = value
            else:
                profile.pop(name, None)
        protection.set_profile(conn, source.id, profile)
        ws.audit(conn, "source_profiled", source.pseudonym, {"fields": sorted(values),
                                                              "profile_sha256": profile_digest(profile)})
    return profile


def _parse_profile(value: Any, where: str, allow_empty: bool = False) -> dict[str, str]:
    """A source profile: declared quasi-identifiers, coarse by design (docs/sources-file.md)."""
    if not isinstance(value, dict):
        raise InvalidValue(f"{where}: 'profile' must be a mapping of {', '.join(PROFILE_FIELDS)}.")
    unknown = sorted(set(value) - set(PROFILE_FIELDS))
    if unknown:
        raise InvalidValue(f"{where}: unknown profile field(s) {', '.join(map(str, unknown))}.",
                           fix=f"Use: {', '.join(PROFILE_FIELDS)}. Identifying details (home "
                           "village, contacts) belong in the vault: `testimonia vault set`.")
    profile = {str(k): str(v).strip() for k, v in value.items() if v is not None}
    if not allow_empty:
        profile = {k: v for k, v in profile.items() if v}
    band = profile.get("age_band")
    if band and not AGE_BAND.fullmatch(band):
        raise InvalidValue(f"{where}: age band '{band}' is not like 30-39 or 70+.",
                           fix="Give a band of ten years (30-39) or an open one (70+).")
    return profile


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidValue(f"Cannot read {path}: {exc}.",
                           fix="Give a UTF-8 YAML file as in docs/sources-file.md.") from exc
    if not isinstance(data, dict):
        raise InvalidValue(f"{path} is not a YAML mapping with 'sources' and 'relations'.")
    return data


def _list(data: dict[str, Any], key: str, path: Path) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise InvalidValue(f"{path}: '{key}' must be a list.")
    return value


def _field(entry: Any, key: str, where: str) -> str:
    if not isinstance(entry, dict) or not str(entry.get(key) or "").strip():
        raise InvalidValue(f"{where}: missing '{key}'.")
    return str(entry[key]).strip()
