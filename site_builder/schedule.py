"""Which posts a build shows: drafts and posts not yet due stay out of the live site.

A post with ``draft: true`` is never published; a post whose ``publish_at`` (or, without
it, its ``date`` at midnight) lies in the future in the site's time zone is left out of
main builds until then. Previews show both, marked. The decision is taken once, where
posts are loaded (:func:`site_builder.content.load_all`), so every page, list, tag, feed,
sitemap and search index sees the same set of posts.

The clock and the mode come from the environment so that they reach the per-language
MkDocs processes and the git hooks unchanged: ``SITE_NOW`` (an ISO date-time in the site's
local time; tests and ``publish --now`` set it), ``SITE_TIMEZONE`` (default Asia/Shanghai)
and ``SITE_PREVIEW`` (non-empty in preview builds).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"
NOW_ENV = "SITE_NOW"
TIMEZONE_ENV = "SITE_TIMEZONE"
PREVIEW_ENV = "SITE_PREVIEW"


def site_timezone(env: Mapping[str, str] = os.environ) -> ZoneInfo:
    return ZoneInfo(env.get(TIMEZONE_ENV, "").strip() or DEFAULT_TIMEZONE)


def local_now(env: Mapping[str, str] = os.environ) -> dt.datetime:
    """The site's local time as a naive date-time (posts give local times without zone)."""
    zone = site_timezone(env)
    given = env.get(NOW_ENV, "").strip()
    if not given:
        return dt.datetime.now(zone).replace(tzinfo=None)
    moment = dt.datetime.fromisoformat(given)
    if moment.tzinfo is not None:  # an explicit offset wins over the site's zone
        moment = moment.astimezone(zone).replace(tzinfo=None)
    return moment


@dataclass(frozen=True)
class Schedule:
    now: dt.datetime  # naive, in the site's local time
    preview: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Schedule:
        return cls(now=local_now(env), preview=bool(env.get(PREVIEW_ENV, "").strip()))

    def is_due(self, due_at: dt.datetime) -> bool:
        return due_at <= self.now

    def shows(self, *, draft: bool, due_at: dt.datetime) -> bool:
        return self.preview or (not draft and self.is_due(due_at))
