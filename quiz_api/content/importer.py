"""Loads validated content into the database: idempotent, versioned, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from quiz_api.content.bank import (
    Bank,
    CampaignSpec,
    ContentError,
    ContentInvalid,
    QuestionSpec,
    load_bank,
    load_campaigns,
    stratum_sizes,
)
from quiz_api.content.daily import DAILY_DIR, load_daily
from quiz_api.db.models import Campaign, QuestionVersion

Progress = Callable[[int], None]


@dataclass
class BankImportReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0

    def __str__(self) -> str:
        return (
            f"{self.added} added, {self.changed} changed (new version), "
            f"{self.unchanged} unchanged, {self.retired} retired"
        )


def _version_row(spec: QuestionSpec, version: int, now: datetime) -> QuestionVersion:
    body = spec.model_dump(
        mode="json", include={"stem", "options", "answer", "explanation", "source"}
    )
    body["correct"] = spec.correct_indexes()
    return QuestionVersion(
        question_id=spec.id,
        version=version,
        is_current=True,
        content_hash=spec.content_hash(),
        category=spec.category.value,
        difficulty=spec.difficulty.value,
        type=spec.type.value,
        tracks=[t.value for t in spec.tracks],
        levels=[lv.value for lv in spec.levels],
        body=body,
        created_at=now,
    )


def import_bank(session: Session, bank: Bank, progress: Progress | None = None) -> BankImportReport:
    """Bring the current versions in the database in line with ``bank``. The caller commits."""
    now = datetime.now(UTC)
    report = BankImportReport()
    current = {
        row.question_id: row
        for row in session.exec(select(QuestionVersion).where(QuestionVersion.is_current == True))  # noqa: E712
    }
    latest_version: dict[str, int] = {}
    for question_id, version in session.exec(
        select(QuestionVersion.question_id, QuestionVersion.version)
    ):
        latest_version[question_id] = max(version, latest_version.get(question_id, 0))
    for spec in bank.questions:
        existing = current.pop(spec.id, None)
        if existing is not None and existing.content_hash == spec.content_hash():
            report.unchanged += 1
        else:
            if existing is not None:
                existing.is_current = False
                session.add(existing)
                report.changed += 1
            else:
                report.added += 1
            session.add(_version_row(spec, latest_version.get(spec.id, 0) + 1, now))
        if progress:
            progress(1)
    for retired in current.values():  # questions removed from the files
        retired.is_current = False
        session.add(retired)
        report.retired += 1
    session.flush()
    return report


def import_campaigns(session: Session, campaigns: list[CampaignSpec]) -> list[str]:
    """Insert or update campaigns; returns one line per campaign saying what happened."""
    now = datetime.now(UTC)
    lines = []
    for spec in campaigns:
        row = session.get(Campaign, spec.id)
        digest = spec.content_hash()
        if row is not None and row.content_hash == digest:
            lines.append(f"{spec.id}: unchanged (version {row.version})")
            continue
        if row is None:
            row = Campaign(
                id=spec.id,
                version=1,
                content_hash=digest,
                name={},
                timezone="",
                starts_at=now,
                ends_at=now,
                config={},
                updated_at=now,
            )
            what = "added"
        else:
            row.version += 1
            what = f"updated to version {row.version}"
        row.content_hash = digest
        row.name = spec.name.model_dump()
        row.timezone = spec.timezone
        row.starts_at = spec.starts_at
        row.ends_at = spec.ends_at
        row.config = spec.model_dump(mode="json")
        row.updated_at = now
        session.add(row)
        lines.append(f"{spec.id}: {what}")
    session.flush()
    return lines


def current_bank_specs(session: Session) -> list[QuestionSpec]:
    """The questions now current in the database, as specs (for draw checks)."""
    specs = []
    for row in session.exec(select(QuestionVersion).where(QuestionVersion.is_current == True)):  # noqa: E712
        specs.append(
            QuestionSpec.model_validate(
                {
                    "id": row.question_id,
                    "tracks": row.tracks,
                    "levels": row.levels,
                    "category": row.category,
                    "difficulty": row.difficulty,
                    "type": row.type,
                    **{k: v for k, v in row.body.items() if k != "correct"},
                }
            )
        )
    return specs


@dataclass
class ContentImportReport:
    bank: BankImportReport
    campaigns: list[str]


def import_content(
    session: Session, content_dir: Path, progress: Progress | None = None
) -> ContentImportReport:
    """Validate the bank and campaigns together, then import both in the caller's transaction."""
    bank = load_bank(content_dir / "quiz")
    campaigns = load_campaigns(content_dir / "campaigns", stratum_sizes(bank.questions))
    # The daily question is read from its file at start-up, not imported; but a bank that
    # would leave its pins pointing nowhere is refused here, before anything is written.
    if (content_dir / DAILY_DIR).is_dir():
        load_daily(content_dir / DAILY_DIR, bank.questions)
    return ContentImportReport(
        import_bank(session, bank, progress), import_campaigns(session, campaigns)
    )


def import_campaign_files(session: Session, directory: Path) -> list[str]:
    """Import campaigns alone, checking their draw rules against the bank in the database."""
    sizes = stratum_sizes(current_bank_specs(session))
    if not sizes:
        raise ContentInvalid(
            [ContentError(directory, 0, "the database has no questions: import the bank first")]
        )
    return import_campaigns(session, load_campaigns(directory, sizes))
