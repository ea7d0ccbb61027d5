"""Partners in one workspace: with the workspace key and a copy of everything, an
organisation reads none of another's unshared documents or vault entries (target S3);
sharing lets it read exactly what was shared; consent limited to internal use is never
shared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from testimonia.crypto.keys import KeyMaterial
from testimonia.errors import NotFound, PermissionDenied
from testimonia.model import Identity
from testimonia.service import doccrypt
from testimonia.service.analysis import current_analysis
from testimonia.service.claims import list_claims
from testimonia.service.documents import list_documents, read_text
from testimonia.service.extraction import extract_workspace
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.sharing import share
from testimonia.service.sources import add_source
from testimonia.service.users import add_organization
from testimonia.service.vault import set_identity, show_identity
from testimonia.service.workspace import Workspace

SECRET = "Canaryvault Ostapchuk-Mirenko"
B_TEXT = "Kanarka-Bilyi saw them beat the prisoners in the Kherson basement in June 2022."
INTERNAL = "Internalcanary Petrenko-Lys said the guards used electric shocks in Kherson."


@pytest.fixture
def partners(ws: Workspace, material: KeyMaterial, tmp_path: Path) -> Iterator[tuple[Workspace, KeyMaterial]]:
    """Sahel Desk (ws) and Partner, whose key opens only with its own key file; Partner
    holds one consortium-consent testimony, one internal-only, and a vault entry."""
    partner_key = tmp_path / "partner.key"
    add_organization(ws, "Partner", "p-admin", key_file=partner_key)
    folder = tmp_path / "partner-files"
    folder.mkdir()
    (folder / "b.md").write_text(f"---\nsource: Bohdan\nsource_kind: witness\nconsent: consortium\n---\n"
                                 f"{B_TEXT}\n", encoding="utf-8")
    (folder / "c.md").write_text(f"---\nsource: Bohdan\nconsent: internal\n---\n{INTERNAL}\n",
                                 encoding="utf-8")
    b_material = KeyMaterial(key_file=partner_key)
    with Workspace.open(ws.paths.root, material, flags={"actor": "p-admin"}, user_material=b_material) as b:
        add_source(b, "Bohdan", "witness", organization="Partner")
        report = ingest_paths(b, [folder], IngestOptions())
        assert report.count("ingested") == 2
        extract_workspace(b)
        assert current_analysis(b, include_unreviewed=True)["sites"]  # stored, encrypted for Partner
        set_identity(b, "Bohdan", Identity(name=SECRET, contacts=["+380 50 999 88 77"]))
    yield ws, b_material


def _all_bytes(ws: Workspace) -> str:
    """Every row of every table (decrypted with the workspace key) and every original
    opened with the workspace seal: what a partner holding the workspace key can read."""
    with ws.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        rows = [repr(r) for t in tables for r in conn.execute(text(f'SELECT * FROM "{t}"'))]
        ids = [r[0] for r in conn.execute(text("SELECT id FROM documents"))]
    originals = [repr(ws.read_original(i, None)) for i in ids]
    return "\n".join(rows + originals)


def test_partner_material_is_unreadable_with_the_workspace_key(partners: tuple[Workspace, KeyMaterial]) -> None:
    ws, _ = partners
    everything = _all_bytes(ws)
    with ws.engine.connect() as conn:
        derived = conn.execute(text("SELECT count(*) FROM claims")).scalar_one()
        analysed = conn.execute(text("SELECT count(*) FROM analysis_results")).scalar_one()
    assert derived > 0 and analysed == 1  # the partner's claims and analysis, sealed
    for secret in (SECRET, "999 88 77", B_TEXT, INTERNAL, "Kanarka", "Internalcanary",
                   "Kherson", "Херсон", "electric shocks", "electric_shock"):
        assert secret not in everything
    assert list_documents(ws) == []
    assert all(c.source != "Bohdan" for c in list_claims(ws))
    with pytest.raises(NotFound, match="No source 'Bohdan'"):  # not even its existence
        show_identity(ws, "Bohdan")


def test_the_partner_key_material_is_needed_even_by_the_partner(partners: tuple[Workspace, KeyMaterial],
                                                               material: KeyMaterial) -> None:
    ws, _ = partners
    with Workspace.open(ws.paths.root, material, flags={"actor": "p-admin"}) as b:
        with pytest.raises(PermissionDenied, match="No credential was given for user 'p-admin'"):
            show_identity(b, "Bohdan")


def test_sharing_opens_exactly_what_consent_allows(partners: tuple[Workspace, KeyMaterial],
                                                  material: KeyMaterial, me: KeyMaterial) -> None:
    ws, b_material = partners
    with Workspace.open(ws.paths.root, material, flags={"actor": "p-admin"}, user_material=b_material) as b:
        assert share(b, "all", "", "Sahel Desk") is True
        internal = next(d for d in list_documents(b) if d.file_name == "c.md")
        with pytest.raises(PermissionDenied, match="internal use only"):
            share(b, "document", internal.id, "Sahel Desk")
    ws.close()
    with Workspace.open(ws.paths.root, material, user_material=me) as a:
        seen = list_documents(a)
        assert [d.file_name for d in seen] == ["b.md"]
        assert B_TEXT in read_text(a, seen[0].id)
        with pytest.raises(NotFound):
            read_text(a, internal.id)
        with a.engine.connect() as conn, pytest.raises(NotFound, match="not readable by Sahel Desk"):
            doccrypt.key_for(a, conn, internal.id)
        assert INTERNAL not in _all_bytes(a)
        with pytest.raises(PermissionDenied):
            show_identity(a, "Bohdan")  # vault entries are never shared
    with Workspace.open(ws.paths.root, material, flags={"actor": "p-admin"}, user_material=b_material) as b:
        assert share(b, "all", "", "Sahel Desk", remove=True) is True
    with Workspace.open(ws.paths.root, material, user_material=me) as a:
        assert list_documents(a) == []
        with a.engine.connect() as conn:
            wrapped = conn.execute(text("SELECT count(*) FROM record_keys rk JOIN organization_keys ok "
                                        "ON rk.key_id = ok.key_id WHERE ok.organization_id = 1 "
                                        "AND rk.record LIKE 'document|%'")).scalar_one()
        assert wrapped == 0  # the data keys wrapped for Sahel Desk were removed


def test_admins_cannot_enter_another_organisation(partners: tuple[Workspace, KeyMaterial]) -> None:
    ws, _ = partners
    from testimonia.service.users import add_user
    with pytest.raises(PermissionDenied, match="administers Sahel Desk, not Partner"):
        add_user(ws, "intruder", "admin", organization="Partner")
    with pytest.raises(PermissionDenied, match="belongs to Partner"):
        share(ws, "source", "Bohdan", "Partner")
