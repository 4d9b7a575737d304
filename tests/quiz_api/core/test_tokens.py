"""The one signer and the token formats: tokens made before the signer was shared (by the
code of commit d21d9d9, from a fixed key) keep verifying, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime

from quiz_api.core.tokens import (
    participant_from_token,
    participant_token,
    sign,
    staff_claims,
    staff_from_token,
    staff_token,
    verify,
)
from quiz_api.integrations.wechat import read_identity, sign_identity

KEY = "fixed-key-for-token-formats"
# Made by the code of d21d9d9: participant_token(KEY, 42), staff_token(KEY, 7, 2030-01-01),
# sign_identity(KEY, "o-abc", 1_780_000_000).
PARTICIPANT = "p1.42.d2JZWRGDwAkCS3-sd_M902u59XIFtmLB"
STAFF = "s1.7.1893456000.bonjyVWpuVzvdEBxBfwsoxZCIl9B5Dt6"
IDENTITY = "w1.by1hYmM.1780007200.Ux52G65vX2pth4PVcfo_IWe1TO9UGKCWyNcvaFqSf4Q"
EXPIRY = datetime(2030, 1, 1, tzinfo=UTC)
BEFORE = datetime(2029, 12, 31, tzinfo=UTC)


def test_participant_tokens_keep_their_format() -> None:
    assert participant_token(KEY, 42) == PARTICIPANT
    assert participant_from_token(KEY, PARTICIPANT) == 42
    assert participant_from_token("another key", PARTICIPANT) is None


def test_staff_tokens_keep_their_format() -> None:
    assert staff_token(KEY, 7, EXPIRY) == STAFF
    assert staff_from_token(KEY, STAFF, BEFORE) == 7
    assert staff_from_token(KEY, STAFF, EXPIRY) is None  # expired at that second
    assert staff_claims(KEY, STAFF, BEFORE) == (7, 0)  # tokens made before versions: version 0


def test_versioned_staff_tokens_carry_their_version() -> None:
    token = staff_token(KEY, 7, EXPIRY, version=3)
    assert token.startswith("s2.7.3.1893456000.")
    assert staff_claims(KEY, token, BEFORE) == (7, 3)
    assert staff_claims(KEY, token, EXPIRY) is None
    # Another version under the same signature, or version 0 spelt the long way, is refused.
    assert staff_claims(KEY, token.replace(".3.", ".4.", 1), BEFORE) is None
    signature = STAFF.rsplit(".", 1)[1]
    assert staff_claims(KEY, f"s2.7.0.1893456000.{signature}", BEFORE) is None


def test_wechat_identities_keep_their_format() -> None:
    assert sign_identity(KEY, "o-abc", 1_780_000_000) == IDENTITY
    assert read_identity(KEY, IDENTITY, 1_780_000_001) == "o-abc"


def test_a_token_of_one_kind_never_passes_for_another() -> None:
    # The same id under the same key: the purpose in the signed message tells them apart.
    forged = "p1.7." + STAFF.rsplit(".", 1)[1]
    assert participant_from_token(KEY, forged) is None
    assert (
        staff_from_token(KEY, "s1.42.1893456000." + PARTICIPANT.rsplit(".", 1)[1], BEFORE) is None
    )


def test_verify_refuses_another_message_or_size() -> None:
    signature = sign(KEY, "message")
    assert verify(KEY, "message", signature)
    assert not verify(KEY, "massage", signature)
    assert not verify(KEY, "message", signature, size=32)
    assert len(sign(KEY, "message", size=32)) > len(signature)
