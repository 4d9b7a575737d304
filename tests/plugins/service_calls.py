"""The attempts service called directly, as a route calls it (not a pytest plugin: imported
by the service tests): the content caches an application's lifespan makes, a start and a
submission on a hot-path connection."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Engine

from quiz_api.db.engine import hot_connection
from quiz_api.db.models import Attempt, Result
from quiz_api.services import attempts as service
from quiz_api.services.caches import ContentCaches
from tests.plugins.app import Clock

GRACE = 30
# The services' content caches, as an application's lifespan makes them.
CONTENT = ContentCaches()


def start(engine: Engine, participant_id: int, clock: Clock) -> tuple[Attempt, bool]:
    with hot_connection(engine) as connection:
        starter = service.load_starter(connection, participant_id)
        assert starter is not None
        campaign = CONTENT.campaigns.get(connection, starter.campaign_id)
        assert campaign is not None
        return service.start_attempt(connection, CONTENT, starter, campaign, clock(), GRACE)


def submit(
    engine: Engine,
    participant_id: int,
    attempt_id: int,
    answers: Sequence[tuple[str, Sequence[str]]],
    clock: Clock,
) -> Result:
    with hot_connection(engine) as connection:
        result, _ = service.submit(
            connection, CONTENT, participant_id, attempt_id, answers, clock(), GRACE
        )
        return result
