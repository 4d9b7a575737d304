"""Participant tokens: stateless HMAC-signed bearer tokens, so any worker can check them
without a database round trip."""

from __future__ import annotations

import base64
import hashlib
import hmac

TOKEN_PREFIX = "p1"


def _signature(secret: str, participant_id: int) -> str:
    digest = hmac.new(secret.encode(), f"participant:{participant_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:24]).decode().rstrip("=")


def participant_token(secret: str, participant_id: int) -> str:
    return f"{TOKEN_PREFIX}.{participant_id}.{_signature(secret, participant_id)}"


def participant_from_token(secret: str, token: str) -> int | None:
    """The participant id a token was issued for, or None when it is not genuine."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1].isdigit() or len(parts[1]) > 18:
        return None
    participant_id = int(parts[1])
    if hmac.compare_digest(parts[2], _signature(secret, participant_id)):
        return participant_id
    return None
