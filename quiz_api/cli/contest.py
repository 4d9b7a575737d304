"""``python -m quiz_api qualifiers``: a round's qualifiers, printed or written to a CSV/XLSX
file for the published notice (the city's view: every district, or one). ``python -m
quiz_api contest sweep``: the integrity sweep, by hand (the API runs it every minute)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quiz_api.cli.terminal import fail, out

if TYPE_CHECKING:
    from quiz_api.integrations.ranks import RankIndex
from quiz_api.core.tracks import Track

contest_app = typer.Typer(help="The contest's integrity: the sweep.", no_args_is_help=True)


@contest_app.command("sweep")
def sweep_command(
    campaign: Annotated[str | None, typer.Option(help="Campaign id [every campaign]")] = None,
) -> None:
    """Hold the results the further signals point at (same answers, a class over its
    enrolment, many joins from one address), since the last sweep. Safe to repeat."""
    from quiz_api.cli.database import command_session
    from quiz_api.services.caches import ContentCaches
    from quiz_api.services.integrity import CLASS_OVER_ENROLMENT, MANY_JOINS, SAME_ANSWERS, sweep

    with command_session() as session, _ranks() as ranks:
        if campaign is not None and ContentCaches().campaigns.get(session, campaign) is None:
            raise fail(f"no campaign {campaign!r} imported: python -m quiz_api campaign import")
        report = sweep(session, ContentCaches(), datetime.now(UTC), ranks, campaign)
    for campaign_id, watermark in report.swept.items():
        out.print(f"{campaign_id}: swept through {watermark.isoformat()}", highlight=False)
    for signal in (SAME_ANSWERS, CLASS_OVER_ENROLMENT, MANY_JOINS):
        out.print(f"{signal}: {report.count(signal)} result(s) held", highlight=False)
    out.print(f"{len(report.held)} result(s) newly held for review", highlight=False)
    if report.addresses_cleared:
        out.print(f"{report.addresses_cleared} address digest(s) cleared after the retention")


@contextmanager
def _ranks() -> Iterator[RankIndex | None]:
    """The Redis boards, when the deployment has them: a held result leaves them too."""
    from quiz_api.core.config import get_settings
    from quiz_api.integrations.ranks import RankIndex

    settings = get_settings()
    if not settings.redis_url:
        yield None
        return
    ranks = RankIndex(settings.redis_url, settings.redis_namespace)
    try:
        yield ranks
    finally:
        ranks.close()


def qualifiers_command(
    campaign: Annotated[str, typer.Option(help="Campaign id")],
    track: Annotated[Track, typer.Option(help="Track")] = Track.student,
    district: Annotated[str | None, typer.Option(help="Only this district")] = None,
    round_id: Annotated[str | None, typer.Option("--round", help="Round id [the first]")] = None,
    lang: Annotated[str, typer.Option(help="Language of the file's headers")] = "zh",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write FILE.csv or FILE.xlsx instead of printing")
    ] = None,
) -> None:
    """The qualifiers of a round: provisional before its close, frozen after."""
    # The CSV/XLSX writers are the downloads' own (one format for the office either way).
    from quiz_api.cli.database import command_session
    from quiz_api.core.errors import DomainError
    from quiz_api.db.models import StaffRole
    from quiz_api.rendering.tables import to_csv, to_xlsx
    from quiz_api.services.caches import ContentCaches
    from quiz_api.services.qualifiers import notice_tables, qualifiers
    from quiz_api.services.scope import StaffScope

    if out_file is not None and out_file.suffix not in {".csv", ".xlsx"}:
        raise fail(f"{out_file}: the file must end in .csv or .xlsx")
    from quiz_api.services.integrity import sweep

    content = ContentCaches()
    with command_session() as session, _ranks() as ranks:
        row = content.campaigns.get(session, campaign)
        if row is None:
            raise fail(f"no campaign {campaign!r} imported: python -m quiz_api campaign import")
        # The integrity sweep first: what it holds leaves the list before anyone reads it.
        held = sweep(session, content, datetime.now(UTC), ranks, campaign).held
        if held:
            out.print(f"the integrity sweep held {len(held)} more result(s) for review")
        try:
            found = qualifiers(
                session,
                content,
                row,
                track,
                datetime.now(UTC),
                StaffScope(StaffRole.city),
                district,
                None,
                round_id,
                ranks,
            )
        except DomainError as exc:
            raise fail(exc.detail or exc.type.value) from exc
    header, table = notice_tables(found, lang)
    if out_file is None:
        for key, value in header[1]:
            out.print(f"{key}: {value}", highlight=False)
        for line in table[1]:
            out.print("\t".join("" if v is None else str(v) for v in line), highlight=False)
    elif out_file.suffix == ".csv":
        out_file.write_bytes(to_csv([header, table], lang))
    else:
        out_file.write_bytes(to_xlsx([("notice", header), ("qualifiers", table)], lang))
    if found.pending_reviews:
        out.print(f"{found.pending_reviews} held result(s) of the round await a decision")
    out.print(f"{len(found.rows)} qualifier(s), {found.state}", highlight=False)
