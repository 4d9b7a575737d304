"""The one place of downloads: the reports' figures as CSV or XLSX (the same figures as the
JSON answers, written by ``quiz_api.rendering.tables``), the ``format`` and ``lang`` query
parameters that ask for them, and the response that carries them."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query, Response

from quiz_api.core.languages import Lang
from quiz_api.rendering.tables import Table, to_csv, to_xlsx

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Format(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


FormatQ = Annotated[Format, Query(alias="format", description="json, csv or xlsx")]
LangQ = Annotated[Lang, Query(description="language of the CSV/XLSX column headers")]
# The OpenAPI answer of a route that also downloads.
DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {}, XLSX_TYPE: {}},
        "description": "The report (JSON, or CSV/XLSX with format=csv|xlsx)",
    }
}


def download(
    sheets: Sequence[tuple[str, Table]], fmt: Format, lang: Lang, filename: str
) -> Response:
    """The named tables as a CSV (one after the other) or XLSX (a sheet each) attachment,
    ``<filename>.csv`` or ``<filename>.xlsx``; never cached (the figures change)."""
    if fmt is Format.csv:
        body, media = to_csv([table for _, table in sheets], lang.value), CSV_TYPE
    else:
        body, media = to_xlsx(sheets, lang.value), XLSX_TYPE
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.{fmt.value}"',
            "Cache-Control": "no-store",
        },
    )
