"""``python -m quiz_api demo``: a plausible campaign week of made-up participants (the demo
roster's students and adults), so that a newcomer's dashboards, reports and question
analytics show figures; ``demo --remove`` takes it all away again. Never in production."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress

from quiz_api.cli.schools import DEMO_ROSTER
from quiz_api.cli.terminal import err, fail, out
from quiz_api.core.config import Settings, get_settings

if TYPE_CHECKING:
    from quiz_api.services.demo import DemoSummary

PRODUCTION_EXIT = 2


def _roster_codes(content: Path) -> list[str]:
    """The school codes of the content's demo roster (none when it ships no roster)."""
    from quiz_api.services.schools import read_table

    path = content / DEMO_ROSTER
    if not path.is_file():
        return []
    header, rows = read_table(path)
    column = [name.strip().lower() for name in header].index("school_code")
    return sorted({row[column].strip() for _, row in rows if len(row) > column})


def _forget_ranks(settings: Settings) -> bool:
    """Drop this deployment's ranks in Redis (rebuilt from the database at the next rank)."""
    if not settings.redis_url:
        return False
    from quiz_api.integrations.ranks import RankIndex

    ranks = RankIndex(settings.redis_url, settings.redis_namespace)
    try:
        ranks.forget()
    finally:
        ranks.close()
    return True


def demo_command(
    participants: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Participants in all, about 3 in 4 students [the roster's share of each "
            "demo school and 500 adults: about 2,070]",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the simulation (same seed, same week)")] = 2026,
    campaign: Annotated[
        str | None, typer.Option(help="Campaign id [the open one, else the one that ends last]")
    ] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="Delete the demo participants and all their data")
    ] = False,
    optional: Annotated[
        bool,
        typer.Option(
            "--optional",
            help="For `make run`: skip quietly (exit 0) when demo data is present, in "
            "production, or when there is no campaign week to show",
        ),
    ] = False,
) -> None:
    """Simulate a campaign week through the services: the demo schools' students and adults
    join, take the challenge, answer the survey and the daily question. Every row is marked
    as demo data; --remove deletes it. Refused in production (exit 2)."""
    from sqlmodel import Session

    from quiz_api.core.errors import DomainError
    from quiz_api.db.engine import make_engine
    from quiz_api.services import demo
    from quiz_api.services.caches import ContentCaches
    from quiz_api.services.campaigns import resolve_campaign
    from quiz_api.services.daily import load_daily_spec

    settings = get_settings()
    if settings.env == "production":
        if optional:
            out.print("demo: skipped in production")
            return
        err.print(
            "[bold red]error:[/] demo data is never made in production (QUIZ_ENV=production)",
            highlight=False,
        )
        raise typer.Exit(code=PRODUCTION_EXIT)
    began = time.perf_counter()
    now = datetime.now(UTC)
    engine = make_engine(settings)
    content = ContentCaches()
    try:
        if remove:
            removed = demo.remove_demo(engine, content, now)
            if _forget_ranks(settings):
                out.print("ranks in Redis: dropped, rebuilt from the database at the next rank")
            out.print(
                f"demo removed: {removed.participants} participants, {removed.attempts} "
                f"attempts, {removed.results} results, {removed.survey_responses} survey "
                f"responses, {removed.daily_answers} daily answers, {removed.review_decisions} "
                f"review decisions, {removed.qualifier_lists} frozen qualifier lists; "
                f"question analytics counted again ({time.perf_counter() - began:.1f} s)",
                highlight=False,
            )
            return
        with Session(engine) as session:
            present = demo.demo_participants(session)
            if present:
                if optional:
                    out.print(
                        "demo: data already present (remove it: python -m quiz_api demo --remove)"
                    )
                    return
                raise fail(f"demo data already present ({present} participants); --remove first")
            row = resolve_campaign(content.campaigns, session, campaign, now)
            classes = demo.demo_classes(session, _roster_codes(settings.content_dir))
            plan = demo.plan_demo(
                row, content.campaigns.spec(row), classes, now, participants, seed
            )
        if not classes:
            out.print(
                "demo: no demo schools in the database (python -m quiz_api setup): adults only"
            )
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("simulating a campaign week", total=len(plan.people))
            summary = demo.run_demo(
                engine,
                content,
                load_daily_spec(settings.content_dir),
                plan,
                settings.submit_grace_seconds,
                settings.primary_last_grade,
                seed,
                lambda n: progress.advance(task, n),
            )
            progress.update(task, description="counting the question analytics")
            demo.refresh_aggregates(engine, content, [plan.campaign_id], datetime.now(UTC))
        ranks = _forget_ranks(settings)
    except (demo.DemoRefused, DomainError) as exc:
        if optional:  # `make run` serves all the same
            out.print(f"demo: skipped: {exc}", highlight=False)
            return
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    _print_summary(summary, ranks, time.perf_counter() - began)


def _print_summary(summary: DemoSummary, ranks: bool, seconds: float) -> None:
    out.print(
        f"demo week {summary.first_day} to {summary.last_day} of {summary.campaign_id}: "
        f"{summary.students} students and {summary.adults} adults joined; "
        f"{summary.attempts} attempts, {summary.results} results; "
        f"{summary.survey_responses} survey responses; {summary.daily_answers} daily answers",
        highlight=False,
    )
    for code in sorted(summary.enrolled):
        registered, enrolled = summary.registered.get(code, 0), summary.enrolled[code]
        out.print(
            f"  {code}: {registered} of {enrolled} enrolled registered "
            f"({registered / enrolled:.0%})"
            if enrolled
            else f"  {code}: no enrolment",
            highlight=False,
        )
    if summary.held:
        out.print(
            f"{summary.held} results were submitted faster than the time-per-question rule on "
            "purpose: they are held, and the staff dashboard's review list shows them",
            highlight=False,
        )
    if summary.refused:
        out.print(f"{summary.refused} attempts refused by the campaign's limits (skipped)")
    if ranks:
        out.print("ranks in Redis: dropped, rebuilt from the database at the next rank")
    out.print(
        f"done in {seconds:.1f} s; every row is marked as demo data: "
        "python -m quiz_api demo --remove deletes it",
        highlight=False,
    )
