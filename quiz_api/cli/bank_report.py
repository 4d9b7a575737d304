"""``python -m quiz_api bank report``: the questions the analytics flag, with the reason, for
the bank's owners; ``--fail-on-flag`` makes it a scheduled check (exit 1 when any is
flagged), so that a broken key is found in the first hour of a campaign."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer

from quiz_api.cli.terminal import fail, out
from quiz_api.core.languages import Lang


class AttemptsChoice(StrEnum):
    first = "first"
    all = "all"


def bank_report(
    campaign: Annotated[
        str | None, typer.Option(help="Campaign id [the open one, else the one that ends last]")
    ] = None,
    attempts: Annotated[AttemptsChoice, typer.Option(help="first attempts or all")] = (
        AttemptsChoice.first
    ),
    lang: Annotated[Lang, typer.Option(help="Language of the reasons and texts")] = Lang.zh,
    fail_on_flag: Annotated[
        bool, typer.Option("--fail-on-flag", help="Exit 1 when any question is flagged")
    ] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Count every result again (after deletions)")
    ] = False,
) -> None:
    """Refresh the question analytics and print the flagged questions with the reason."""
    from sqlmodel import Session

    from quiz_api.core.config import get_settings
    from quiz_api.core.errors import DomainError
    from quiz_api.db.engine import make_engine
    from quiz_api.db.models import StaffRole
    from quiz_api.services import question_report as analytics
    from quiz_api.services.caches import ContentCaches
    from quiz_api.services.campaigns import resolve_campaign
    from quiz_api.services.scope import StaffScope

    now = datetime.now(UTC)
    engine = make_engine(get_settings())
    content = ContentCaches()
    try:
        with Session(engine) as session:
            campaign_id = resolve_campaign(content.campaigns, session, campaign, now).id
        update = analytics.rebuild if rebuild else analytics.refresh
        update(engine, content, campaign_id, now)
        with Session(engine) as session:
            report = analytics.question_report(
                session,
                content,
                campaign_id,
                StaffScope(StaffRole.city),
                lang.value,
                now,
                first_only=attempts is AttemptsChoice.first,
            )
    except DomainError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    flagged = [q for q in report.questions if q.flags]
    counted = sum(p.figures.participants for p in report.papers)
    out.print(
        f"campaign {campaign_id}: {len(report.questions)} question(s) over {counted} "
        f"{attempts.value} attempt(s), results up to {report.data_until:%Y-%m-%d %H:%M} UTC; "
        f"{len(flagged)} flagged",
        highlight=False,
    )
    for question in flagged:
        facility = (
            f"{question.figures.facility:.2f}" if question.figures.facility is not None else "-"
        )
        out.print(
            f"{question.question_id} v{question.version} [{question.track}, "
            f"{question.difficulty}, {question.figures.n} attempts, facility {facility}]",
            highlight=False,
            markup=False,
        )
        for _, reason, figures in question.flags:
            out.print(f"  - {reason} ({figures})", highlight=False, markup=False)
    if flagged and fail_on_flag:
        raise typer.Exit(code=1)
