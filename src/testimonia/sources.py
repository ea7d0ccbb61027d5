"""Sources (known only by pseudonym), their relations, and the organisations holding them.

A source's real identity never enters these records; it belongs in an encrypted,
per-organisation identity vault, kept apart from them. Here a source is a pseudonym, a
kind, the organisation that collected it and a note that must not identify the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from testimonia.errors import InvalidValue
from testimonia.model import (Organization, Relation, Source, SourceKind, SourceRelation,
                              parse_choice)
from testimonia.store import records
from testimonia.workspace import Workspace


def add_organization(ws: Workspace, name: str) -> Organization:
    with ws.engine.begin() as conn:
        org = records.add_organization(conn, name)
        ws.audit(conn, "organization_added", org.name, {})
    ws.write_head()
    return org


def list_organizations(ws: Workspace) -> list[Organization]:
    with ws.engine.connect() as conn:
        return records.list_organizations(conn)


def add_source(ws: Workspace, pseudonym: str, kind: str, organization: str | None = None,
               note: str = "") -> Source:
    source_kind = parse_choice(SourceKind, kind, "source kind")
    with ws.engine.begin() as conn:
        org = organization or records.default_organization(conn).name
        source = records.add_source(conn, pseudonym, source_kind, org, note)
        ws.audit(conn, "source_added", source.pseudonym, {"kind": source_kind.value, "organization": org})
    ws.write_head()
    return source


def list_sources(ws: Workspace) -> list[Source]:
    with ws.engine.connect() as conn:
        return records.list_sources(conn)


def relate_sources(ws: Workspace, a: str, b: str, relation: str, note: str = "") -> SourceRelation:
    kind = parse_choice(Relation, relation, "relation")
    with ws.engine.begin() as conn:
        related = records.relate_sources(conn, a, b, kind, note)
        ws.audit(conn, "sources_related", related.a, {"other": related.b, "relation": kind.value})
    ws.write_head()
    return related


def list_relations(ws: Workspace) -> list[SourceRelation]:
    with ws.engine.connect() as conn:
        return records.list_relations(conn)


@dataclass
class ImportReport:
    organizations: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    relations: int = 0
    already_known: list[str] = field(default_factory=list)


def import_sources(ws: Workspace, path: Path) -> ImportReport:
    """Add the sources and relations listed in a YAML file, all or nothing.

    Sources already in the workspace with the same kind are left as they are, so the
    same file can be imported again. Format: docs/sources-file.md.
    """
    data = _load_yaml(path)
    report = ImportReport()
    with ws.engine.begin() as conn:
        known_orgs = {o.name for o in records.list_organizations(conn)}
        for i, entry in enumerate(_list(data, "sources", path)):
            _import_source(conn, entry, f"{path}: sources[{i}]", known_orgs, report)
        existing = {(r.a, r.b, r.relation) for r in records.list_relations(conn)}
        for i, entry in enumerate(_list(data, "relations", path)):
            where = f"{path}: relations[{i}]"
            a, b = _field(entry, "a", where), _field(entry, "b", where)
            relation = parse_choice(Relation, _field(entry, "relation", where), f"relation in {where}")
            if (a, b, relation) not in existing:
                records.relate_sources(conn, a, b, relation, str(entry.get("note", "")))
                report.relations += 1
        ws.audit(conn, "sources_imported", path.name, {
            "sources": len(report.sources), "relations": report.relations,
            "organizations": report.organizations})
    ws.write_head()
    return report


def _import_source(conn: Any, entry: Any, where: str, known_orgs: set[str],
                   report: ImportReport) -> None:
    pseudonym = _field(entry, "pseudonym", where)
    kind = parse_choice(SourceKind, _field(entry, "kind", where), f"source kind in {where}")
    existing = records.find_source(conn, pseudonym)
    if existing is not None:
        if existing.kind != kind:
            raise InvalidValue(f"{where}: '{pseudonym}' exists as {existing.kind.value}, "
                               f"the file says {kind.value}.", fix="Correct the file.")
        report.already_known.append(pseudonym)
        return
    org = str(entry.get("organization") or records.default_organization(conn).name)
    if org not in known_orgs:
        records.add_organization(conn, org)
        known_orgs.add(org)
        report.organizations.append(org)
    records.add_source(conn, pseudonym, kind, org, str(entry.get("note", "")))
    report.sources.append(pseudonym)


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
