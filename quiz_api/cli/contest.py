"""``python -m quiz_api qualifiers``: a round's qualifiers, printed or written to a CSV/XLSX
file for the published notice (the city's view: every district, or one)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from quiz_api.cli.terminal import fail, out
from quiz_api.core.tracks import Track


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
    content = ContentCaches()
    with command_session() as session:
        row = content.campaigns.get(session, campaign)
        if row is None:
            raise fail(f"no campaign {campaign!r} imported: python -m quiz_api campaign import")
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
