"""Signing in on a server: a user's view of an open workspace, a key file's content as a
credential, and the throttle."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from testimonia.crypto.keys import KeyMaterial, parse_key_file
from testimonia.errors import PermissionDenied, WorkspaceLocked
from testimonia.service.audit import read_audit
from testimonia.service.documents import list_documents
from testimonia.service.signin import WRONG, Throttle, Throttled, sign_in
from testimonia.service.sources import add_source, list_sources
from testimonia.service.users import add_user
from testimonia.service.workspace import Workspace


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_throttle_holds_a_name_and_an_address_back_and_doubles() -> None:
    clock = Clock()
    throttle = Throttle(limit=3, window=600, lockout=60, clock=clock)
    for _ in range(3):
        assert throttle.wait("Ana ", "10.0.0.1") == 0
        throttle.failed("Ana ", "10.0.0.1")
    assert throttle.wait("ana", "10.0.0.9") == 60  # the name, from anywhere (folded)
    assert throttle.wait("bob", "10.0.0.1") == 60  # the address, for any name
    assert throttle.wait("bob", "10.0.0.2") == 0
    clock.now += 61
    throttle.failed("ana", "10.0.0.2")
    assert throttle.wait("ana", "10.0.0.3") == 120  # doubled at the next failure
    clock.now += 601
    assert throttle.wait("ana", "10.0.0.1") == 0  # failures older than the window are forgotten


def test_success_clears_the_name_but_not_the_address() -> None:
    throttle = Throttle(limit=2, clock=Clock())
    throttle.failed("ana", "10.0.0.1")
    throttle.failed("ana", "10.0.0.1")
    throttle.succeeded("ana")
    assert throttle.wait("ana", "10.0.0.2") == 0 and throttle.wait("x", "10.0.0.1") > 0


def test_a_key_files_content_opens_as_the_file_does(ws: Workspace, me: KeyMaterial) -> None:
    assert me.key_file is not None
    content = KeyMaterial(key=parse_key_file(me.key_file.read_bytes(), "the pasted key"))
    assert "key" not in repr(content).replace("key_file", "")  # the secret is not in its repr
    assert content.describe() == "key file given in the browser"
    base = Workspace.open(ws.paths.root, ws.material)
    with base:
        view = base.signed_in(ws.actor, content)
        assert view.user.name == ws.actor
    with pytest.raises(WorkspaceLocked, match="damaged"):
        parse_key_file(b"testimonia-key/1 AAAA", "the pasted key")


def test_a_view_acts_and_signs_as_its_user_and_leaves_the_workspace_open(
        ws: Workspace, me: KeyMaterial, user_key: Callable[[str], Path]) -> None:
    add_user(ws, "vera", "analyst", key_file=user_key("vera"))
    with Workspace.open(ws.paths.root, ws.material) as base:
        vera = base.signed_in("vera", KeyMaterial(key_file=user_key("vera")))
        admin = base.signed_in(ws.actor, me)
        add_source(vera, "Kadi", "survivor")
        assert [s.pseudonym for s in list_sources(admin)] == ["Kadi"]
        vera.close()  # a view's close leaves the server's workspace open
        assert list_documents(admin) == []
        entry = [e for e in read_audit(admin).entries if e.action == "source_added"][-1]
        assert entry.actor == "vera" and entry.signature is not None


def test_sign_in_says_the_same_for_every_failure_and_audits_it(ws: Workspace, me: KeyMaterial) -> None:
    throttle = Throttle(limit=2, clock=Clock())
    with Workspace.open(ws.paths.root, ws.material) as base:
        for name, material in (("nobody", me), (ws.actor, KeyMaterial(passphrase="not the right one")),
                               (ws.actor, KeyMaterial())):
            with pytest.raises(PermissionDenied) as refused:
                sign_in(base, name, material, "10.1.1.1", Throttle(clock=Clock()))
            assert refused.value.message == WRONG
        for _ in range(2):
            with pytest.raises(PermissionDenied):
                sign_in(base, ws.actor, KeyMaterial(passphrase="wrong again, twice"), "10.1.1.2", throttle)
        with pytest.raises(Throttled, match="Too many failed sign-ins"):
            sign_in(base, ws.actor, me, "10.1.1.2", throttle)
    entries = read_audit(ws).entries
    failed = [(e.subject, e.details.get("client"), e.signature) for e in entries if e.action == "authentication_failed"]
    assert failed[:2] == [("nobody", "10.1.1.1", None), (ws.actor, "10.1.1.1", None)]
    assert [e.subject for e in entries if e.action == "refused"] == ["sign_in"]
