"""The one error type of the domain. Services raise ``DomainError`` with a ``ProblemType``;
they know nothing of HTTP: ``quiz_api.api.problems`` maps each type to its status and title
and renders it as an RFC 9457 problem (docs/api.md lists them all)."""

from __future__ import annotations

from enum import StrEnum
from typing import TypedDict, Unpack


class ProblemType(StrEnum):
    """Every problem the platform reports; the values are the stable ``type`` slugs that
    clients switch on (``/problems/<value>``)."""

    validation_error = "validation-error"
    unknown_school = "unknown-school"
    unknown_class = "unknown-class"
    unknown_campaign = "unknown-campaign"
    unknown_district = "unknown-district"
    no_open_campaign = "no-open-campaign"
    track_not_offered = "track-not-offered"
    campaign_not_started = "campaign-not-started"
    campaign_ended = "campaign-ended"
    attempt_limit_reached = "attempt-limit-reached"
    daily_attempt_limit_reached = "daily-attempt-limit-reached"
    already_submitted = "already-submitted"
    attempt_expired = "attempt-expired"
    not_passed = "not-passed"
    bank_incomplete = "bank-incomplete"
    not_authenticated = "not-authenticated"
    invalid_token = "invalid-token"
    invalid_credentials = "invalid-credentials"
    outside_scope = "outside-scope"
    not_found = "not-found"
    no_survey = "no-survey"
    survey_not_available = "survey-not-available"
    survey_already_answered = "survey-already-answered"
    already_decided = "already-decided"
    no_round = "no-round"
    daily_not_today = "daily-not-today"
    wechat_not_configured = "wechat-not-configured"
    wechat_unavailable = "wechat-unavailable"
    invalid_wechat_identity = "invalid-wechat-identity"
    # Raised by the HTTP layer itself (routing, limits, the database's health).
    method_not_allowed = "method-not-allowed"
    rate_limited = "rate-limited"
    server_busy = "server-busy"
    database_unavailable = "database-unavailable"
    internal_error = "internal-error"
    http_error = "http-error"


class FieldFault(TypedDict):
    """One fault of a validation error: where, what, and a stable code."""

    field: str
    message: str
    code: str


class ProblemExtras(TypedDict, total=False):
    """The members some problems add to the standard ones, as clients read them."""

    field: str  # the request field at fault
    errors: list[FieldFault]  # validation-error: every fault at once
    limit: int  # attempt limits: how many were allowed
    attempt_id: int  # already-submitted: the attempt whose result stands
    starts_at: str  # campaign-not-started (ISO 8601)
    ends_at: str  # campaign-ended (ISO 8601)
    errcode: int  # wechat-unavailable: WeChat's own error code
    retry_after: int  # rate-limited: seconds to wait


class DomainError(Exception):
    """A request the domain refuses. ``retry_in_seconds`` tells when the same request may
    succeed (the HTTP layer sends it as ``Retry-After``)."""

    def __init__(
        self,
        type_: ProblemType,
        detail: str | None = None,
        *,
        retry_in_seconds: int | None = None,
        **extra: Unpack[ProblemExtras],
    ) -> None:
        super().__init__(detail or type_.value)
        self.type = type_
        self.detail = detail
        self.retry_in_seconds = retry_in_seconds
        self.extra = extra
