"""The content one application keeps in memory between requests: campaigns, question
versions and surveys, each read from the database on a miss. Made by the application's
lifespan (``quiz_api.api.resources``) and handed to the services as an argument, so that
two applications in one process (tests, benchmarks) never share what they cached."""

from __future__ import annotations

from dataclasses import dataclass, field

from quiz_api.services.campaigns import CampaignCache
from quiz_api.services.questions import QuestionCache
from quiz_api.services.survey import SurveyCache


@dataclass(frozen=True)
class ContentCaches:
    campaigns: CampaignCache = field(default_factory=CampaignCache)
    questions: QuestionCache = field(default_factory=QuestionCache)
    surveys: SurveyCache = field(default_factory=SurveyCache)
