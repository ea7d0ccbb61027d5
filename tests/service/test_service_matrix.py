"""Access is decided in the library: every public function of the service API declares the
action it needs (service/policy.py SERVICES), and checks it itself, whoever calls it.

- Every public function of the API modules is declared, and every declared function has a
  call below (an undeclared or uncalled one fails here).
- Each is called directly (no CLI) as a user of each role of Sahel Desk, on a fresh copy of
  one small workspace: the roles of ACTIONS get through, the others get PermissionDenied.
- Partner's analyst, calling them on Sahel Desk's unshared material, is refused
  (PermissionDenied, or NotFound where even naming the material would reveal it).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.pgserver import copy_workspaces

from testimonia.analysis.edits import parse_plan
from testimonia.crypto.keys import KeyMaterial, write_key_file
from testimonia.errors import InvalidValue, NotFound, PermissionDenied
from testimonia.model import Identity, Role
from testimonia.service import (
    analysis,
    audit,
    claims,
    corrections,
    documents,
    evidence,
    export,
    extraction,
    ingest,
    integrity,
    persons,
    review,
    rotation,
    search,
    sharing,
    signin,
    sources,
    users,
    vault,
)
from testimonia.service.policy import ACTIONS, SERVICES
from testimonia.service.workspace import Workspace

API = (analysis, audit, claims, corrections, documents, evidence, export, extraction, ingest, integrity, persons,
       review, rotation, search, sharing, signin, sources, users, vault)
ORG, PARTNER = "Sahel Desk", "Partner"
CREATOR = "sahel-lead"
ROLES = {Role.ADMIN: "s-admin", Role.ANALYST: "s-analyst", Role.REVIEWER: "s-reviewer",
         Role.VIEWER: "s-viewer"}
PARTNER_ANALYST = "p-analyst"
TESTIMONY = ("---\nsource: Kadi\n---\n(Fictional.) They held me in a container at the Sévaré camp "
             "in March 2022 and beat me with cables.\n")


@dataclass(frozen=True)
class Template:
    root: Path
    key: KeyMaterial
    doc: str
    site: str


def _key(root: Path, name: str) -> Path:
    return root / "users" / f"{name}.key"


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    root = tmp_path_factory.mktemp("service-matrix")
    (root / "users").mkdir()
    write_key_file(root / "workspace.key")
    write_key_file(_key(root, CREATOR))
    key = KeyMaterial(key_file=root / "workspace.key")
    (root / "in").mkdir()
    (root / "in" / "kadi.md").write_text(TESTIMONY, encoding="utf-8")
    with Workspace.create(root / "ws", key, ORG, settings={"actor": CREATOR},
                          user_material=KeyMaterial(key_file=_key(root, CREATOR))) as ws:
        for role, name in ROLES.items():
            users.add_user(ws, name, role.value, key_file=_key(root, name))
        users.add_organization(ws, PARTNER, "p-admin", key_file=_key(root, "p-admin"))
        sources.add_source(ws, "Kadi", "survivor")
        sources.add_source(ws, "Wangrin", "witness")
        ingest.ingest_paths(ws, [root / "in"], ingest.IngestOptions())
        vault.set_identity(ws, "Kadi", Identity(name="Vigadana Example"))
        extraction.extract_workspace(ws)
        doc = documents.list_documents(ws)[0].id
        for item in review.review_queue(ws):
            review.decide(ws, item.id, "accepted")
        site = str(analysis.current_analysis(ws)["sites"][0]["id"])
    with _open(root, key, "p-admin") as partner:
        users.add_user(partner, PARTNER_ANALYST, "analyst", key_file=_key(root, PARTNER_ANALYST))
    return Template(root, key, doc, site)


def _open(root: Path, key: KeyMaterial, actor: str, ws: Path | None = None) -> Workspace:
    return Workspace.open(ws or root / "ws", key, flags={"actor": actor},
                          user_material=KeyMaterial(key_file=_key(root, actor)))


Call = Callable[[Workspace, Template, Path], Any]
CALLS: dict[str, Call] = {
    "users.add_organization": lambda ws, t, tmp: users.add_organization(
        ws, "Third Org", "t-admin", key_file=tmp / "t.key"),
    "users.list_organizations": lambda ws, t, tmp: users.list_organizations(ws),
    "users.add_user": lambda ws, t, tmp: users.add_user(ws, "newbie", "viewer", key_file=tmp / "n.key"),
    "users.set_credential": lambda ws, t, tmp: users.set_credential(ws, ws.actor, key_file=tmp / "c.key"),
    "users.enroll": None,  # only for users of a workspace from before credentials: tests/store/test_upgrade.py
    "users.set_role": lambda ws, t, tmp: users.set_role(ws, ROLES[Role.VIEWER], "reviewer"),
    "users.list_users": lambda ws, t, tmp: users.list_users(ws),
    "sharing.share": lambda ws, t, tmp: sharing.share(ws, "all", "", PARTNER),
    "sharing.list_shares": lambda ws, t, tmp: sharing.list_shares(ws),
    "sources.add_source": lambda ws, t, tmp: sources.add_source(ws, "Awa", "witness"),
    "sources.list_sources": lambda ws, t, tmp: sources.list_sources(ws),
    "sources.relate_sources": lambda ws, t, tmp: sources.relate_sources(
        ws, "Kadi", "Wangrin", "interviewed_together"),
    "sources.list_relations": lambda ws, t, tmp: sources.list_relations(ws),
    "sources.import_sources": lambda ws, t, tmp: sources.import_sources(ws, _sources_file(tmp)),
    "sources.set_profile": lambda ws, t, tmp: sources.set_profile(ws, "Kadi", {"age_band": "30-39"}),
    "documents.list_documents": lambda ws, t, tmp: documents.list_documents(ws),
    "documents.show_document": lambda ws, t, tmp: documents.show_document(ws, t.doc[:12]),
    "documents.read_text": lambda ws, t, tmp: documents.read_text(ws, t.doc[:12]),
    "documents.visible_document": lambda ws, t, tmp: _with_conn(ws, documents.visible_document, t.doc[:12]),
    "claims.list_claims": lambda ws, t, tmp: claims.list_claims(ws),
    "claims.quotable": lambda ws, t, tmp: claims.quotable(ws, {1}),
    "claims.claims_of": lambda ws, t, tmp: claims.claims_of(ws, t.doc[:12]),
    "search.search": lambda ws, t, tmp: search.search(ws, "camp"),
    "search.update_index": lambda ws, t, tmp: search.update_index(ws),
    "signin.sign_in": lambda ws, t, tmp: signin.sign_in(
        ws, ws.actor, KeyMaterial(key_file=_key(t.root, ws.actor)), "test", signin.Throttle()),
    "corrections.withdraw_document": lambda ws, t, tmp: corrections.withdraw_document(
        ws, t.doc[:12], "consent withdrawn"),
    "corrections.restore_document": lambda ws, t, tmp: _restore(ws, t),
    "corrections.correct_document": lambda ws, t, tmp: corrections.correct_document(
        ws, t.doc[:12], corrections.Correction(interview_place="Mopti"), "as the notes say"),
    "persons.list_persons": lambda ws, t, tmp: persons.list_persons(ws),
    "persons.link_persons": lambda ws, t, tmp: _link(ws),
    "review.apply_plan": lambda ws, t, tmp: review.apply_plan(ws, parse_plan({"documents": [
        {"file": "kadi.md", "claims": [{"add": {"quote": "in a container at the Sévaré camp",
                                                "act": "detention"}}]}]}, "plan.yaml")),
    "review.review_queue": lambda ws, t, tmp: review.review_queue(ws),
    "review.show_claim": lambda ws, t, tmp: review.show_claim(ws, "1"),
    "review.context": lambda ws, t, tmp: review.context(ws, "1"),
    "review.decide": lambda ws, t, tmp: review.decide(ws, "1", "rejected", "not at this site"),
    "review.keep": lambda ws, t, tmp: review.keep(ws, "1"),
    "review.place_choices": lambda ws, t, tmp: review.place_choices(ws, "Nara"),
    "review.add_claim": lambda ws, t, tmp: review.add_claim(
        ws, t.doc[:12], review.ClaimChanges(act="detention"), quote="in a container at the Sévaré camp"),
    "analysis.current_analysis": lambda ws, t, tmp: analysis.current_analysis(ws),
    "analysis.stored_analysis": lambda ws, t, tmp: analysis.stored_analysis(ws),
    "review.review_page": lambda ws, t, tmp: review.review_page(ws),
    "analysis.analyze_workspace": lambda ws, t, tmp: analysis.analyze_workspace(ws),
    "analysis.judge": lambda ws, t, tmp: analysis.judge(ws, "rename", t.site, name="Yard"),
    "analysis.dossier": lambda ws, t, tmp: analysis.dossier(ws, t.site),
    "analysis.findings_matrix": lambda ws, t, tmp: analysis.findings_matrix(ws),
    "analysis.cell_claims": lambda ws, t, tmp: analysis.cell_claims(ws, t.site, "act:detention"),
    "analysis.map_data": lambda ws, t, tmp: analysis.map_data(ws, method="beating"),
    "analysis.site_timeline": lambda ws, t, tmp: analysis.site_timeline(ws),
    "analysis.transfer_network": lambda ws, t, tmp: analysis.transfer_network(ws),
    "analysis.pattern_report": lambda ws, t, tmp: analysis.pattern_report(ws),
    "export.export": lambda ws, t, tmp: _export(ws, tmp),
    "export.gather": lambda ws, t, tmp: export.gather(ws),
    "evidence.gather_evidence": lambda ws, t, tmp: evidence.gather_evidence(ws, {1}),
    "ingest.ingest_paths": lambda ws, t, tmp: ingest.ingest_paths(ws, [_new_file(tmp)], ingest.IngestOptions()),
    "ingest.collect_garbage": lambda ws, t, tmp: ingest.collect_garbage(ws),
    "extraction.count_pending": lambda ws, t, tmp: extraction.count_pending(ws),
    "extraction.extract_workspace": lambda ws, t, tmp: extraction.extract_workspace(ws),
    "integrity.verify_workspace": lambda ws, t, tmp: integrity.verify_workspace(ws),
    "vault.set_identity": lambda ws, t, tmp: vault.set_identity(ws, "Wangrin", Identity(name="W. Example")),
    "vault.show_identity": lambda ws, t, tmp: vault.show_identity(ws, "Kadi"),
    "vault.identities": lambda ws, t, tmp: vault.identities(ws),
    "vault.list_entries": lambda ws, t, tmp: vault.list_entries(ws),
    "rotation.rotate_workspace": lambda ws, t, tmp: rotation.rotate_workspace(ws),
    "rotation.rotate_organization": lambda ws, t, tmp: rotation.rotate_organization(ws, ws.user.organization),
    "rotation.key_status": lambda ws, t, tmp: rotation.key_status(ws),
    "audit.read_audit": lambda ws, t, tmp: audit.read_audit(ws),
}


def _restore(ws: Workspace, t: Template) -> Any:
    """Restore needs a withdrawn document: withdrawn first as the template's creator."""
    with _open(t.root, t.key, CREATOR, ws.paths.root) as creator:
        corrections.withdraw_document(creator, t.doc[:12], "consent withdrawn")
    return corrections.restore_document(ws, t.doc[:12], "consent given again")


def _link(ws: Workspace) -> Any:
    """Linking needs a named person: the template's claims name nobody (a refusal of
    another kind than the policy's, which comes first)."""
    with pytest.raises(InvalidValue, match="No claim names"):
        persons.link_persons(ws, ["Moussa"], "Moussa")


def _with_conn(ws: Workspace, function: Callable[..., Any], *args: Any) -> Any:
    with ws.engine.connect() as conn:
        return function(ws, conn, *args)


def _sources_file(tmp: Path) -> Path:
    path = tmp / "sources.yaml"
    path.write_text(f"sources:\n  - pseudonym: Moussa\n    kind: relative\n    organization: {ORG}\n",
                    encoding="utf-8")
    return path


def _new_file(tmp: Path) -> Path:
    path = tmp / "new.md"
    path.write_text("---\nsource: Kadi\n---\n(Fictional.) In April 2022 they beat me again at Sévaré.\n",
                    encoding="utf-8")
    return path


def _export(ws: Workspace, tmp: Path) -> Any:
    return export.export(ws, tmp / "out", k=1)


def _declared_api() -> set[str]:
    found = set()
    for module in API:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            found.add(f"{module.__name__}.{name}")
    return found


def test_every_public_service_function_is_declared_and_called() -> None:
    public = _declared_api()
    undeclared = sorted(public - set(SERVICES))
    assert undeclared == [], f"declare these with @requires(ACTION): {undeclared}"
    assert {f"testimonia.service.{n}" for n in CALLS} == {s for s in SERVICES if s in public}
    assert all(action is None or action in ACTIONS for action in SERVICES.values())


GUARDED = [(name, role) for name, call in CALLS.items() if call is not None
           and SERVICES[f"testimonia.service.{name}"] is not None for role in Role]


@pytest.fixture
def copy(template: Template, tmp_path: Path) -> Path:
    copy_workspaces(template.root / "ws", tmp_path / "ws")
    return tmp_path / "ws"


@pytest.mark.slow
@pytest.mark.parametrize(("name", "role"), GUARDED, ids=[f"{n}-{r.value}" for n, r in GUARDED])
def test_each_function_for_each_role(template: Template, copy: Path, tmp_path: Path,
                                     name: str, role: Role) -> None:
    action = SERVICES[f"testimonia.service.{name}"]
    assert action is not None
    call = CALLS[name]
    assert call is not None
    with _open(template.root, template.key, ROLES[role], copy) as ws:
        if role in ACTIONS[action][0]:
            call(ws, template, tmp_path)
        else:
            with pytest.raises(PermissionDenied, match="may not"):
                call(ws, template, tmp_path)


# Sahel Desk's material, as Partner's analyst sees it: nothing of it, whatever the role allows.
OUT_OF_SCOPE = ["claims.claims_of", "documents.show_document", "documents.read_text", "documents.visible_document",
                "vault.set_identity", "vault.show_identity", "sources.set_profile",
                "sources.relate_sources", "sharing.share", "users.set_role", "analysis.dossier", "analysis.cell_claims",
                "review.show_claim", "review.context", "review.decide", "review.add_claim",
                "corrections.withdraw_document", "corrections.correct_document"]


@pytest.mark.slow
@pytest.mark.parametrize("name", OUT_OF_SCOPE)
def test_another_organisations_analyst_gets_nothing(template: Template, copy: Path, tmp_path: Path,
                                                    name: str) -> None:
    call = CALLS[name]
    assert call is not None
    with _open(template.root, template.key, PARTNER_ANALYST, copy) as ws:
        with pytest.raises((PermissionDenied, NotFound)):
            call(ws, template, tmp_path)
        assert documents.list_documents(ws) == [] and vault.list_entries(ws) == []
    importlib.import_module("testimonia.service.policy")  # (the module under test stays loaded)
