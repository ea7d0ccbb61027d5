"""A small workspace for the web tests: Sahel Desk with a user of each role (key files,
and one passphrase), Partner with an analyst of its own, three fictional testimonies
(one in Russian, one carrying script payloads in its text, source and file name),
extracted; and an app over a fresh copy of it per test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.pgserver import copy_workspaces

from testimonia.crypto.keys import KeyMaterial, write_key_file
from testimonia.model import Role
from testimonia.service import documents, extraction, ingest, sources, users
from testimonia.service.signin import Throttle
from testimonia.service.workspace import Workspace
from testimonia.web.app import create_app
from testimonia.web.sessions import SessionStore

ORG, PARTNER = "Sahel Desk", "Partner"
CREATOR = "s-admin"
ROLES = {Role.ADMIN: "s-admin", Role.ANALYST: "s-analyst", Role.REVIEWER: "s-reviewer",
         Role.VIEWER: "s-viewer"}
PARTNER_USERS = {Role.ADMIN: "p-admin", Role.ANALYST: "p-analyst"}
PASSPHRASE_USER, PASSPHRASE = "s-reader", "a reader's own long passphrase"
PAYLOADS = ("<script>alert('doc')</script>", "<img src=x onerror=alert('img')>",
            "<svg onload=alert('svg')>")
XSS_SOURCE = "<script>alert(1)</script>Ama"
XSS_FILE = "<img src=x onerror=alert(2)>.md"
TESTIMONIES = {
    "kadi.md": "---\nsource: Kadi\nsource_kind: survivor\nlanguage: en\n---\n(Fictional.) They held me in "
               "a container at the Sévaré camp in March 2022 and beat me with cables every night.\n",
    "oleg.md": "---\nsource: Oleg\nsource_kind: witness\nlanguage: ru\n---\n(Вымысел.) В марте 2023 года "
               "меня держали в подвале в Херсоне и пытали током.\n",
    XSS_FILE: f"---\nsource: {XSS_SOURCE}\nsource_kind: witness\nlanguage: en\n---\n(Fictional.) "
              f"{PAYLOADS[0]} In April 2022 soldiers beat me at the Sévaré camp. {PAYLOADS[1]} "
              f"{PAYLOADS[2]}\n",
}


@dataclass(frozen=True)
class Template:
    root: Path
    key: KeyMaterial


def key_path(root: Path, name: str) -> Path:
    return root / "users" / f"{name}.key"


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    root = tmp_path_factory.mktemp("web")
    (root / "users").mkdir()
    write_key_file(root / "workspace.key")
    write_key_file(key_path(root, CREATOR))
    key = KeyMaterial(key_file=root / "workspace.key")
    folder = root / "in"
    folder.mkdir()
    for name, text in TESTIMONIES.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Workspace.create(root / "ws", key, ORG, settings={"actor": CREATOR},
                          user_material=KeyMaterial(key_file=key_path(root, CREATOR))) as ws:
        for role, name in ROLES.items():
            if name != CREATOR:
                users.add_user(ws, name, role.value, key_file=key_path(root, name))
        users.add_user(ws, PASSPHRASE_USER, "reviewer", passphrase=PASSPHRASE)
        users.add_organization(ws, PARTNER, "p-admin", key_file=key_path(root, "p-admin"))
        sources.add_source(ws, "Kadi", "survivor")
        sources.add_source(ws, "Oleg", "witness")
        sources.add_source(ws, XSS_SOURCE, "witness")
        ingest.ingest_paths(ws, [folder], ingest.IngestOptions())
        extraction.extract_workspace(ws)
        assert len(documents.list_documents(ws)) == 3
    with Workspace.open(root / "ws", key, flags={"actor": "p-admin"},
                        user_material=KeyMaterial(key_file=key_path(root, "p-admin"))) as partner:
        users.add_user(partner, "p-analyst", "analyst", key_file=key_path(root, "p-analyst"))
    return Template(root, key)


class Clock:
    """A clock the test moves (session time-outs, the throttle)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Web:
    client: TestClient
    ws: Workspace
    root: Path
    key: KeyMaterial
    clock: Clock
    sessions: SessionStore

    def sign_in(self, name: str, client: TestClient | None = None) -> str:
        """Sign `name` in with their key file's content; the session's CSRF token."""
        http = client or self.client
        content = key_path(self.root, name).read_text(encoding="ascii")
        response = post_signin(http, name, key_text=content)
        assert response.status_code == 303, response.text
        return csrf_of(http.get("/").text)

    def open_as(self, name: str) -> Workspace:
        return Workspace.open(self.ws.paths.root, self.key, flags={"actor": name},
                              user_material=KeyMaterial(key_file=key_path(self.root, name)))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def post_signin(http: TestClient, name: str, passphrase: str = "", key_text: str = "",
                key_file: bytes | None = None) -> httpx.Response:
    token = csrf_of(http.get("/signin").text)
    files = {"key_file": ("me.key", key_file, "application/octet-stream")} if key_file else None
    return http.post("/signin", data={"user": name, "passphrase": passphrase, "key_text": key_text,
                                      "csrf_token": token}, files=files, follow_redirects=False)


@pytest.fixture
def web(template: Template, tmp_path: Path) -> Iterator[Web]:
    copy_workspaces(template.root / "ws", tmp_path / "ws")
    clock = Clock()
    sessions = SessionStore(clock=clock)
    with Workspace.open(tmp_path / "ws", template.key) as ws:
        app = create_app(ws, sessions, Throttle(clock=clock))
        with TestClient(app) as client:
            yield Web(client, ws, template.root, template.key, clock, sessions)
