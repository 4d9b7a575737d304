"""Signed values: one HMAC-SHA256 signer for every token the platform hands out, and the
formats of the participant and staff bearer tokens. They are stateless, so any worker can
check them without a database round trip. A signed message starts with its purpose
(``participant:``, ``staff:``, ``wechat:``), so that no value passes for another kind."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
from datetime import datetime

PARTICIPANT_PREFIX = "p1"
STAFF_PREFIX = "s1"  # "s1" and "p1": the two kinds of token never pass for each other
STAFF_VERSIONED_PREFIX = "s2"  # a staff token of an account whose tokens were ended before
# Ids and expiry times are bounded: a number with more digits is no token of ours.
_MAX_ID_DIGITS = 18
_MAX_TIME_DIGITS = 12


def b64encode(data: bytes) -> str:
    """URL-safe base64 without padding (tokens travel in headers, URLs and fragments)."""
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: str, message: str, size: int = 24) -> str:
    """The HMAC-SHA256 of ``message`` under ``secret``: its first ``size`` bytes, encoded."""
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return b64encode(digest[:size])


def verify(secret: str, message: str, signature: str, size: int = 24) -> bool:
    """Whether ``signature`` is ``sign(secret, message, size)``, compared in constant time."""
    return hmac.compare_digest(signature, sign(secret, message, size))


def _is_number(text: str, max_digits: int) -> bool:
    return text.isdigit() and len(text) <= max_digits


def participant_token(secret: str, participant_id: int) -> str:
    """``p1.<id>.<signature>``: it never expires (a participant has no password to log in
    again with)."""
    return f"{PARTICIPANT_PREFIX}.{participant_id}.{sign(secret, f'participant:{participant_id}')}"


def participant_from_token(secret: str, token: str) -> int | None:
    """The participant id a token was issued for, or None when it is not genuine."""
    parts = token.split(".")
    if (
        len(parts) != 3
        or parts[0] != PARTICIPANT_PREFIX
        or not _is_number(parts[1], _MAX_ID_DIGITS)
    ):
        return None
    participant_id = int(parts[1])
    return participant_id if verify(secret, f"participant:{participant_id}", parts[2]) else None


def staff_token(secret: str, staff_id: int, expires_at: datetime, version: int = 0) -> str:
    """``s1.<id>.<expiry, unix seconds>.<signature>`` for an account's first generation of
    tokens (version 0: the format tokens had before versions existed, so a deploy signs no
    one out), ``s2.<id>.<version>.<expiry>.<signature>`` after the account's tokens were
    ended once (disabled, password changed)."""
    expires = int(expires_at.timestamp())
    if version == 0:
        signature = sign(secret, f"staff:{staff_id}:{expires}")
        return f"{STAFF_PREFIX}.{staff_id}.{expires}.{signature}"
    signature = sign(secret, f"staff:{staff_id}:{version}:{expires}")
    return f"{STAFF_VERSIONED_PREFIX}.{staff_id}.{version}.{expires}.{signature}"


def staff_claims(secret: str, token: str, now: datetime) -> tuple[int, int] | None:
    """The account id and token version of a genuine, unexpired staff token, else None.
    The caller compares the version with the account's (``StaffAccount.token_version``)."""
    parts = token.split(".")
    if len(parts) == 4 and parts[0] == STAFF_PREFIX:
        id_text, version_text, expires_text, signature = parts[1], "0", parts[2], parts[3]
    elif len(parts) == 5 and parts[0] == STAFF_VERSIONED_PREFIX:
        id_text, version_text, expires_text, signature = parts[1:]
        if version_text == "0" or not _is_number(version_text, _MAX_ID_DIGITS):
            return None  # version 0 is only ever written as s1: one token, one spelling
    else:
        return None
    if not (_is_number(id_text, _MAX_ID_DIGITS) and _is_number(expires_text, _MAX_TIME_DIGITS)):
        return None
    staff_id, version, expires = int(id_text), int(version_text), int(expires_text)
    message = (
        f"staff:{staff_id}:{expires}" if version == 0 else f"staff:{staff_id}:{version}:{expires}"
    )
    if not verify(secret, message, signature):
        return None
    return (staff_id, version) if now.timestamp() < expires else None


def staff_from_token(secret: str, token: str, now: datetime) -> int | None:
    """The account id of a genuine, unexpired staff token, else None (whatever its version)."""
    claims = staff_claims(secret, token, now)
    return claims[0] if claims else None


ADDRESS_DIGEST_CHARS = 16  # hex: 64 bits, as few as tell a thousand addresses apart


def address_digest(secret: str, address: str) -> str:
    """A keyed, truncated hash of a client address, for the integrity sweep's "many joins
    from one address" signal: equal addresses give equal digests, and without the secret
    nobody can tell which address it was (the raw address is never stored). An IPv6 address
    counts by its /64, the network of one home or phone (its last half changes at will)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        canonical = address.strip().lower()
    else:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if isinstance(ip, ipaddress.IPv6Address):
            canonical = str(ipaddress.IPv6Network((ip, 64), strict=False))
        else:
            canonical = str(ip)
    digest = hmac.new(secret.encode(), f"address:{canonical}".encode(), hashlib.sha256)
    return digest.hexdigest()[:ADDRESS_DIGEST_CHARS]
