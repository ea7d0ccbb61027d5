"""Envelope encryption (target S2): any flipped bit of a record's ciphertext or of a
wrapped key, a changed key id or a changed binding raises; nothing decrypts wrongly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from testimonia.crypto import envelope
from testimonia.errors import IntegrityError

PRIVATE, PUBLIC = envelope.new_key_pair()
OTHER_PRIVATE, _ = envelope.new_key_pair()


@settings(max_examples=1000, deadline=None)
@given(plaintext=st.binary(max_size=200), binding=st.text(min_size=1, max_size=40),
       bit=st.integers(min_value=0))
def test_a_flipped_bit_of_a_record_raises(plaintext: bytes, binding: str, bit: int) -> None:
    data_key = envelope.new_data_key()
    blob = bytearray(envelope.encrypt(data_key, binding, plaintext))
    assert envelope.decrypt(data_key, binding, bytes(blob)) == plaintext
    position = bit % (len(blob) * 8)
    blob[position // 8] ^= 1 << (position % 8)
    with pytest.raises(IntegrityError):
        envelope.decrypt(data_key, binding, bytes(blob))


@settings(max_examples=300, deadline=None)
@given(binding=st.text(min_size=1, max_size=40), bit=st.integers(min_value=0))
def test_a_flipped_bit_of_a_wrapped_key_raises(binding: str, bit: int) -> None:
    data_key = envelope.new_data_key()
    wrapped = bytearray(envelope.wrap(data_key, PUBLIC, "a" * 16, binding))
    assert envelope.unwrap(bytes(wrapped), PRIVATE, "a" * 16, binding) == data_key
    position = bit % (len(wrapped) * 8)
    wrapped[position // 8] ^= 1 << (position % 8)
    with pytest.raises(IntegrityError):
        envelope.unwrap(bytes(wrapped), PRIVATE, "a" * 16, binding)


def test_key_id_binding_and_private_key_all_count() -> None:
    data_key = envelope.new_data_key()
    wrapped = envelope.wrap(data_key, PUBLIC, "a" * 16, "vault|org:1|source:1")
    for key_id, binding, private in (("b" * 16, "vault|org:1|source:1", PRIVATE),
                                     ("a" * 16, "vault|org:1|source:2", PRIVATE),
                                     ("a" * 16, "vault|org:1|source:1", OTHER_PRIVATE)):
        with pytest.raises(IntegrityError):
            envelope.unwrap(wrapped, private, key_id, binding)
    blob = envelope.encrypt(data_key, "document|x|text", b"testimony")
    with pytest.raises(IntegrityError, match="moved from another record"):
        envelope.decrypt(data_key, "document|y|text", blob)
    with pytest.raises(IntegrityError, match="truncated or replaced"):
        envelope.decrypt(data_key, "document|x|text", blob[:10])
