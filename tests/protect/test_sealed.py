from __future__ import annotations

import secrets

import pytest

from testimonia.crypto.sealed import MAGIC, seal, unseal
from testimonia.errors import IntegrityError

KEY = bytes(range(32))
KEY_ID = "0123456789abcdef"


def test_round_trip() -> None:
    assert unseal(KEY, KEY_ID, "doc", seal(KEY, KEY_ID, "doc", b"I was held in a container.")) == \
        b"I was held in a container."


def test_ciphertext_hides_plaintext() -> None:
    assert b"container" not in seal(KEY, KEY_ID, "doc", b"I was held in a container.")


@pytest.mark.parametrize("region", ["magic", "key_id", "nonce", "ciphertext", "tag"])
def test_every_flipped_byte_is_detected(region: str) -> None:
    sealed = bytearray(seal(KEY, KEY_ID, "doc", b"x" * 100))
    starts = {"magic": 0, "key_id": len(MAGIC), "nonce": len(MAGIC) + 16,
              "ciphertext": len(MAGIC) + 28, "tag": len(sealed) - 16}
    ends = {"magic": len(MAGIC), "key_id": len(MAGIC) + 16, "nonce": len(MAGIC) + 28,
            "ciphertext": len(sealed) - 16, "tag": len(sealed)}
    for position in range(starts[region], ends[region]):
        for bit in (0x01, 0x80):
            damaged = bytearray(sealed)
            damaged[position] ^= bit
            with pytest.raises(IntegrityError):
                unseal(KEY, KEY_ID, "doc", bytes(damaged))


def test_a_file_moved_under_another_name_fails() -> None:
    with pytest.raises(IntegrityError, match="authentication failed"):
        unseal(KEY, KEY_ID, "other-doc", seal(KEY, KEY_ID, "doc", b"text"))


def test_wrong_key_fails() -> None:
    with pytest.raises(IntegrityError):
        unseal(secrets.token_bytes(32), KEY_ID, "doc", seal(KEY, KEY_ID, "doc", b"text"))


def test_truncated_file_fails() -> None:
    with pytest.raises(IntegrityError, match="truncated"):
        unseal(KEY, KEY_ID, "doc", seal(KEY, KEY_ID, "doc", b"text")[:20])
