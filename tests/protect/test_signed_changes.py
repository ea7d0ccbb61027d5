"""Finding 4 of the reliability probe: anyone holding the workspace key could act as anyone.

Now every user has a credential of their own, every log entry is signed, and `verify`
rebuilds who may do what from the signed audit log. These tests replay the probe's
impersonation steps through the CLI (a partner setting TESTIMONIA_ACTOR to another
organisation's admin: each step fails with a clear error and an audited refusal) and
its database edits (each is named by verify).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from testimonia.cli.main import app
from testimonia.crypto.credentials import new_user_keys
from testimonia.crypto.keys import KeyMaterial, write_key_file
from testimonia.errors import PermissionDenied
from testimonia.model import Identity
from testimonia.service.audit import read_audit
from testimonia.service.documents import list_documents
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.integrity import verify_workspace
from testimonia.service.sharing import share
from testimonia.service.sources import add_source, set_profile
from testimonia.service.users import add_organization, add_user
from testimonia.service.vault import set_identity, show_identity
from testimonia.service.workspace import Workspace

SECRET = "Vigadana Kanareika"
INTERNAL = "Internalcanary Lysenko said they were kept in the basement of the school."


@pytest.fixture
def two_orgs(ws: Workspace, user_key: Callable[[str], Path], tmp_path: Path) -> Workspace:
    """Sahel Desk (ws, admin: the default actor) with a viewer, a source, a vault entry, an
    internal-only testimony, a share; Partner with its own admin."""
    add_user(ws, "vera", "viewer", key_file=user_key("vera"))
    add_organization(ws, "Partner", "p-admin", key_file=user_key("p-admin"))
    add_source(ws, "Olena", "survivor")
    set_profile(ws, "Olena", {"age_band": "30-39"})
    set_identity(ws, "Olena", Identity(name=SECRET, home="Izium"))
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "olena.md").write_text(f"---\nsource: Olena\nconsent: internal\n---\n{INTERNAL}\n",
                                     encoding="utf-8")
    ingest_paths(ws, [folder], IngestOptions())
    share(ws, "source", "Olena", "Partner")
    return ws


def _cli(ws: Workspace, key_file: Path, actor: str, credential: Path, *args: str) -> Result:
    env = {"TESTIMONIA_KEY_FILE": str(key_file), "TESTIMONIA_PASSPHRASE": "",
           "TESTIMONIA_USER_PASSPHRASE": "", "TESTIMONIA_ACTOR": actor,
           "TESTIMONIA_USER_KEY_FILE": str(credential)}
    return CliRunner().invoke(app, [*args, "-w", str(ws.paths.root)], env=env)


IMPERSONATION = [
    ("vault", "set", "Olena", "--name", "Overwritten Name"),
    ("user", "add", "intruder", "--role", "admin", "--key-file", "{tmp}/intruder.key"),
    ("user", "role", "vera", "admin"),
    ("unshare", "source", "Olena", "--with", "Partner"),
    ("ingest", "{tmp}/retraction.md", "--source", "Olena"),
    ("source", "profile", "Olena", "--age-band", "70+"),
    ("vault", "show", "Olena"),
    ("show", "--text", "{doc}"),
]


def test_a_partner_cannot_act_in_another_organisations_name(
        two_orgs: Workspace, key_file: Path, user_key: Callable[[str], Path], tmp_path: Path,
        me: KeyMaterial) -> None:
    ws = two_orgs
    doc = list_documents(ws)[0].id
    (tmp_path / "retraction.md").write_text("I retract everything I said.\n", encoding="utf-8")
    before = _state(ws)
    me_name = ws.actor
    ws.close()
    for step in IMPERSONATION:
        args = [a.format(tmp=tmp_path, doc=doc[:12]) for a in step]
        result = _cli(ws, key_file, me_name, user_key("p-admin"), *args)
        assert result.exit_code == 1, (step, result.output)
        assert f"does not open the keys of user '{me_name}'" in result.stderr, (step, result.stderr)
    assert not (tmp_path / "intruder.key").exists()
    with Workspace.open(ws.paths.root, KeyMaterial(key_file=key_file), user_material=me) as again:
        assert _state(again) == before
        refusals = [e for e in read_audit(again).entries if e.action == "authentication_failed"]
        assert len(refusals) == len(IMPERSONATION)
        assert {e.actor for e in refusals} == {me_name} and all(e.signature is None for e in refusals)
        report = verify_workspace(again)
        assert report.ok, report.problems


def test_a_partner_with_its_own_identity_reads_no_internal_testimony_or_vault(
        two_orgs: Workspace, key_file: Path, user_key: Callable[[str], Path]) -> None:
    """The organisation keys are wrapped for their users only, never for the workspace key."""
    ws = two_orgs
    with Workspace.open(ws.paths.root, KeyMaterial(key_file=key_file), flags={"actor": "p-admin"},
                        user_material=KeyMaterial(key_file=user_key("p-admin"))) as partner:
        assert list_documents(partner) == []  # shared source, internal-only testimony
        with pytest.raises(PermissionDenied, match="belongs to Sahel Desk"):
            show_identity(partner, "Olena")
        with partner.engine.connect() as conn:
            slots = conn.execute(text("SELECT slots FROM organization_keys")).scalars().all()
        assert all(json.loads(s) == [] if isinstance(s, str) else s == [] for s in slots)


def _state(ws: Workspace) -> tuple[object, ...]:
    with ws.engine.connect() as conn:
        return tuple(conn.execute(text(query)).all() for query in (
            "SELECT name, role, key_id FROM users ORDER BY name",
            "SELECT kind, item, with_organization_id FROM shares",
            "SELECT source_id, ciphertext FROM vault_entries",
            "SELECT pseudonym, profile FROM sources",
            "SELECT id, source_id FROM documents"))


def _sql(ws: Workspace, *statements: str, **params: object) -> None:
    with ws.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), params)


def _problems(ws: Workspace) -> list[str]:
    return [str(p) for p in verify_workspace(ws).problems]


def test_verify_names_a_role_granted_in_the_table(two_orgs: Workspace) -> None:
    _sql(two_orgs, "UPDATE users SET role = 'admin' WHERE name = 'vera'")
    assert _problems(two_orgs) == ["user vera: is recorded as admin of Sahel Desk, but the signed "
                                   "log made them viewer of Sahel Desk"]


def test_verify_names_a_user_inserted_with_keys_of_its_own(two_orgs: Workspace) -> None:
    keys, _slots = new_user_keys(KeyMaterial(passphrase="an intruder's own passphrase"))
    _sql(two_orgs, "INSERT INTO users (name, organization_id, role, created_at, key_id, signing_key, "
         "box_key, slots) VALUES ('mallory', 1, 'admin', '2026-01-01T00:00:00Z', :k, :s, :b, '[]')",
         k=keys.public.key_id, s=keys.public.signing, b=keys.public.box)
    assert _problems(two_orgs) == ["user mallory: is in the users table but no signed entry added "
                                   "them (added outside Testimonia)"]


def test_verify_names_a_demoted_admin_and_a_removed_share(two_orgs: Workspace) -> None:
    _sql(two_orgs, f"UPDATE users SET role = 'viewer' WHERE name = '{two_orgs.actor}'",
         "DELETE FROM shares")
    assert _problems(two_orgs) == [
        f"user {two_orgs.actor}: is recorded as viewer of Sahel Desk, but the signed log made them "
        "admin of Sahel Desk",
        "share of Sahel Desk: source Olena with Partner was removed outside Testimonia"]


def test_verify_names_an_overwritten_vault_entry_and_profile(two_orgs: Workspace) -> None:
    _sql(two_orgs, "UPDATE vault_entries SET ciphertext = :noise",
         "UPDATE sources SET profile = '{\"age_band\": \"70+\"}' WHERE pseudonym = 'Olena'",
         noise=random.Random(80).randbytes(80))
    assert _problems(two_orgs) == [
        "vault entry of Olena: is not the one its organisation signed (overwritten outside Testimonia)",
        "source Olena: its profile is not the one its organisation signed (changed outside Testimonia)"]


def test_verify_names_a_document_re_attributed_in_the_table(two_orgs: Workspace) -> None:
    add_source(two_orgs, "Petro", "witness")
    _sql(two_orgs, "UPDATE documents SET source_id = (SELECT id FROM sources WHERE pseudonym = 'Petro')")
    problems = _problems(two_orgs)
    assert len(problems) == 1 and "is filed under Sahel Desk / Petro, but its custody files it " \
        "under Sahel Desk / Olena (re-attributed outside Testimonia)" in problems[0]


def test_verify_names_an_entry_signed_by_an_unknown_key(two_orgs: Workspace) -> None:
    """An entry re-signed with a key nobody granted: the chain still holds, the signature not."""
    keys, _ = new_user_keys(KeyMaterial(passphrase="an intruder's own passphrase"))
    from testimonia.store.chain import signed_message
    with two_orgs.engine.connect() as conn:
        seq, digest = conn.execute(text("SELECT seq, hash FROM audit_events WHERE action = "
                                        "'vault_set'")).one()
    forged = keys.sign(signed_message("audit_events", digest, keys.key_id))
    _sql(two_orgs, "UPDATE audit_events SET signer = :k, signature = :s WHERE seq = :q",
         k=keys.key_id, s=forged, q=seq)
    problems = _problems(two_orgs)
    assert problems[0] == (f"audit entry {seq}: vault_set is signed by key {keys.key_id}, which no "
                           "signed entry gave to a user (forged)")


def test_stripped_signatures_are_named(two_orgs: Workspace) -> None:
    _sql(two_orgs, "UPDATE custody_events SET signature = NULL WHERE action = 'received'")
    assert _problems(two_orgs) == [f"custody entry 2: received by {two_orgs.actor} is not signed"]


def test_a_viewer_cannot_sign_what_their_role_does_not_allow(two_orgs: Workspace, material: KeyMaterial,
                                                             user_key: Callable[[str], Path]) -> None:
    """Even signing with her own key through the library, a viewer's share is caught."""
    with Workspace.open(two_orgs.paths.root, material, flags={"actor": "vera"},
                        user_material=KeyMaterial(key_file=user_key("vera"))) as vera:
        with vera.transaction() as conn:
            vera.audit(conn, "shared", "Olena", {"share": ["source", "Olena"], "with": "Partner"})
    assert "shared by vera, who was viewer: not allowed" in " ".join(_problems(two_orgs))


def test_a_key_file_of_random_bytes_is_named(tmp_path: Path) -> None:
    garbage = tmp_path / "random.key"
    garbage.write_bytes(bytes(range(200, 256)) * 3)
    other = tmp_path / "ok.key"
    write_key_file(other)
    result = CliRunner().invoke(app, ["init", str(tmp_path / "ws")], env={
        "TESTIMONIA_KEY_FILE": str(garbage), "TESTIMONIA_USER_KEY_FILE": str(other),
        "TESTIMONIA_PASSPHRASE": ""})
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {garbage} is not a Testimonia key file (it holds binary "
                                     "data). Point to the key file made by `testimonia keygen PATH`.")
