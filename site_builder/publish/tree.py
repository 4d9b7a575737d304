"""The checks and the build of one extracted tree, run by that tree's own code.

The publisher runs ``python -m site_builder tree check|build`` with the tree as working
directory and on ``PYTHONPATH``; problems are printed with paths relative to the tree
(``content/zh/posts/...:line: what — fix``), as an editor sees them in the repository.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from site_builder import LANGS
from site_builder.content import load_all
from site_builder.schedule import Schedule

CONTENT = Path("content")
I18N = Path("i18n")
RELEASE_FILE = "release.json"
# A comma-separated subset of the languages to build (tests and quick trials only).
LANGS_ENV = "SITE_BUILD_LANGS"


# What the quiz API reads; a push that changes none of it need not re-check the question
# bank (the slowest check: seconds for its imports and its duplicate search).
QUIZ_PATHS = ("content/quiz/", "content/campaigns/", "content/survey/", "quiz_api/")


def check(*, quiz: bool = True) -> list[str]:
    """Every problem of the tree: posts and pages, the site's campaigns, the interface
    translations and, with quiz, the question bank, the campaigns' draws and the surveys."""
    from quiz_api.content.bank import ContentInvalid
    from site_builder.content import load_campaigns as site_campaigns
    from site_builder.i18n import check_catalogs

    _content, content_problems = load_all(CONTENT.resolve(), CONTENT)
    problems = [str(p) for p in content_problems]
    try:
        site_campaigns(CONTENT)
    except ContentInvalid as exc:
        problems.extend(str(error) for error in exc.errors)
    if quiz:
        problems.extend(_quiz_problems())
    problems.extend(check_catalogs(I18N))
    return problems


def _quiz_problems() -> list[str]:
    """What `python -m quiz_api bank validate` and `survey validate` report."""
    from quiz_api.content.bank import ContentInvalid, load_bank, load_campaigns, stratum_sizes
    from quiz_api.content.survey import SurveyInvalid, load_surveys

    problems: list[str] = []
    if (CONTENT / "quiz").is_dir():
        try:
            bank = load_bank(CONTENT / "quiz")
            if (CONTENT / "campaigns").is_dir():
                load_campaigns(CONTENT / "campaigns", stratum_sizes(bank.questions))
        except ContentInvalid as exc:
            problems.extend(str(error) for error in exc.errors)
    if (CONTENT / "survey").is_dir():
        try:
            load_surveys(CONTENT / "survey")
        except SurveyInvalid as exc:
            problems.extend(exc.errors)
    return problems


@dataclass(frozen=True)
class ReleaseInfo:
    commit: str
    built_at: str  # ISO UTC
    branch: str
    next_due: str | None  # local ISO time of the next scheduled post, if any

    def write(self, site: Path) -> None:
        text = json.dumps(self.__dict__, indent=2, ensure_ascii=False) + "\n"
        (site / RELEASE_FILE).write_text(text, "utf-8")

    @classmethod
    def read(cls, site: Path) -> ReleaseInfo:
        data = json.loads((site / RELEASE_FILE).read_text("utf-8"))
        return cls(**{k: data.get(k) for k in ("commit", "built_at", "branch", "next_due")})


def langs_to_build() -> tuple[str, ...]:
    wanted = [x.strip() for x in os.environ.get(LANGS_ENV, "").split(",") if x.strip()]
    return tuple(lang for lang in LANGS if lang in wanted) or LANGS


def build(out: Path, *, commit: str, branch: str, site_url: str | None) -> ReleaseInfo:
    """Build the tree into out and record the release; raises ContentError or BuildError."""
    from site_builder.build import build as build_site

    build_site(CONTENT, out, base_url=site_url, langs=langs_to_build())
    schedule = Schedule.from_env()
    content, _problems = load_all(CONTENT.resolve(), CONTENT, schedule)
    upcoming = [
        post.due_at
        for lang in content.values()
        for post in lang.withheld
        if not post.draft and not schedule.is_due(post.due_at)
    ]
    info = ReleaseInfo(
        commit=commit,
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        branch=branch,
        next_due=min(upcoming).isoformat(timespec="minutes") if upcoming else None,
    )
    info.write(out)
    return info
