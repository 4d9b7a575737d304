"""Question analytics at city scale: generate 2,000,000 attempts of 20 questions (40 million
answered questions) over 16 districts and 4 languages in a PostgreSQL database of its own,
build the analytics' sums (the first refresh, then one day's results as an increment), time
``GET /api/v1/reports/questions`` through the API (staff login, JSON answer), print the
figures, and exit 1 when a request takes 2 s or more (median of the timed runs).

    .venv/bin/python -m loadtests.bench_analytics                    # full size
    .venv/bin/python -m loadtests.bench_analytics --attempts 200000  # a tenth

The rows are generated inside PostgreSQL (INSERT ... SELECT over generate_series): papers of
20 questions drawn from 10 strata of a 60-question bank, answers right with a probability
that follows the participant (an ability) and the stratum, so the statistics are not
degenerate. Results are spread over the campaign's 30 days; the first refresh reads the
first 29, the second the last day. The database (default ``bench_analytics``) is dropped at
the end unless ``--keep``.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from sqlalchemy import String, cast, create_engine, text

from loadtests.bench_reports import (
    DEFAULT_SERVER,
    bench_database,
    log,
    staff_accounts,
    staff_headers,
    timed,
)

REQUEST_LIMIT_S = 2.0
CAMPAIGN = "bench-analytics"
DAY_30 = datetime(2026, 6, 29, 16, 0, tzinfo=UTC)  # 2026-06-30 00:00 in Shanghai
END = datetime(2026, 7, 1, 0, 0, tzinfo=UTC)
CATEGORIES = ("drugs", "law", "refusal", "help", "nps")
DISTRICTS = [
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
]
LANGS = ("zh", "en", "ko", "ja")
_TEXT = {"zh": "基准", "en": "bench", "ko": "벤치", "ja": "ベンチ"}
_RULES = {
    "time_limit_seconds": 600,
    "pass_mark": 60,
    "attempts_per_day": 3,
    "attempts_total": 10,
    "points": {"easy": 5, "medium": 5, "hard": 5},
    "draw": [
        {"category": c, "difficulty": d, "count": 2} for c in CATEGORIES for d in ("easy", "medium")
    ],
}
CAMPAIGN_CONFIG = json.dumps(
    {
        "id": CAMPAIGN,
        "name": _TEXT,
        "description": _TEXT,
        "timezone": "Asia/Shanghai",
        "starts_at": "2026-06-01T00:00:00+08:00",
        "ends_at": "2026-06-30T23:59:59+08:00",
        "tracks": {"student": _RULES},
    },
    ensure_ascii=True,
)


def _array(values: tuple[str, ...] | list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def generate(url: str, attempts: int) -> None:
    """Fill the (migrated, empty) database."""
    engine = create_engine(url)
    participants = max(1, attempts // 4)
    text_json = json.dumps(_TEXT, ensure_ascii=True)
    options = json.dumps([{k: f"{v} {n}" for k, v in _TEXT.items()} for n in range(4)])
    steps = [
        (
            "campaign",
            f"""INSERT INTO campaign (id, version, content_hash, name, timezone, starts_at,
                ends_at, config, updated_at)
            VALUES ('{CAMPAIGN}', 1, 'x', '{text_json}', 'Asia/Shanghai',
                '2026-06-01T00:00:00+08', '2026-06-30T23:59:59+08', '{CAMPAIGN_CONFIG}', now())""",
        ),
        # 60 questions: 10 strata (5 categories x easy/medium) of 6; the key is option B.
        (
            "questions",
            f"""INSERT INTO question_version (id, question_id, version, is_current,
                content_hash, category, difficulty, type, tracks, levels, body, created_at)
            SELECT g + 1, 'bench-' || (g + 1), 1, true, 'x',
                ({_array(CATEGORIES)})[1 + g / 12],
                CASE WHEN (g / 6) % 2 = 0 THEN 'easy' ELSE 'medium' END, 'single',
                '["student"]', '["primary", "secondary"]',
                json_build_object('stem', '{text_json}'::json, 'options', '{options}'::json,
                    'correct', json_build_array(1), 'explanation', '{text_json}'::json,
                    'source', 'bench'), now()
            FROM generate_series(0, 59) g""",
        ),
        (
            "participants",
            f"""INSERT INTO participant (id, campaign_id, track, lang, nickname, district, day,
                created_at)
            SELECT p, '{CAMPAIGN}', 'student', ({_array(LANGS)})[1 + (p / 16) % 4], 'n' || p,
                ({_array(DISTRICTS)})[1 + p % 16], '2026-06-01', '2026-06-01T00:00:00+08'
            FROM generate_series(1, {participants}) p""",
        ),
        # Slot k (0-19) draws from stratum k / 2 (questions 6s+1 .. 6s+6), two different ones.
        (
            "attempts",
            f"""INSERT INTO attempt (id, participant_id, campaign_id, track, attempt_no, status,
                lang, started_at, deadline, day, paper)
            SELECT g + 1, 1 + g % {participants}, '{CAMPAIGN}', 'student',
                1 + g / {participants}, 'submitted',
                ({_array(LANGS)})[1 + ((1 + g % {participants}) / 16) % 4],
                timestamptz '2026-06-01T02:00:00Z'
                    + (g::bigint * 30 * 86000 / {attempts}) * interval '1 second',
                timestamptz '2026-06-01T02:10:00Z'
                    + (g::bigint * 30 * 86000 / {attempts}) * interval '1 second',
                '2026-06-' || lpad((1 + g::bigint * 30 / {attempts})::text, 2, '0'),
                (SELECT json_build_object('items', json_agg(json_build_object(
                    'v', 1 + (k / 2) * 6 + (k % 2) * 3 + (g + k / 2) % 3,
                    'order', json_build_array(0, 1, 2, 3)) ORDER BY k), 'campaign_version', 1)
                 FROM generate_series(0, 19) k)
            FROM generate_series(0, {attempts - 1}) g""",
        ),
        # Right with a probability that grows with the participant's "ability" (id % 9) and
        # falls for medium questions; a wrong answer is A or C.
        (
            "results",
            f"""INSERT INTO result (attempt_id, participant_id, campaign_id, track, school_code,
                district, score, max_score, correct_count, question_count, duration_ms, passed,
                late, submitted_at, day, answers_hash, answers)
            SELECT a.id, a.participant_id, a.campaign_id, a.track, NULL,
                ({_array(DISTRICTS)})[1 + a.participant_id % 16],
                5 * x.n_right, 100, x.n_right, 20, 120000, 5 * x.n_right >= 60, false,
                a.started_at + interval '5 minutes', a.day, md5(a.id::text), x.answers
            FROM attempt a CROSS JOIN LATERAL (
                SELECT count(*) FILTER (WHERE r.ok) AS n_right,
                    json_object_agg('q' || (r.k + 1), CASE WHEN r.ok THEN json_build_array('B')
                        WHEN r.k % 3 = 0 THEN json_build_array('C')
                        ELSE json_build_array('A') END) AS answers
                FROM (SELECT k, (a.id::bigint * 7919 + k * 104729) % 1000
                        < 500 + (a.participant_id % 9) * 55 - ((k / 2) % 2) * 150 AS ok
                      FROM generate_series(0, 19) k) r
            ) x""",
        ),
    ]
    with engine.begin() as connection:
        for name, sql in steps:
            start = time.perf_counter()
            rows = connection.execute(text(sql)).rowcount
            log(f"  {name:<13} {rows:>10,} rows  {time.perf_counter() - start:6.1f} s")
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command(help=__doc__.split("\n\n")[0])
def main(
    server: Annotated[str, typer.Option(help="PostgreSQL server URL")] = DEFAULT_SERVER,
    database: str = "bench_analytics",
    attempts: int = 2_000_000,
    runs: int = 5,
    keep: Annotated[bool, typer.Option("--keep", help="keep the database afterwards")] = False,
    reuse: Annotated[bool, typer.Option("--reuse", help="time an existing database")] = False,
) -> None:
    from fastapi.testclient import TestClient
    from sqlmodel import Session, func, select

    from quiz_api.api.app import create_app
    from quiz_api.api.deps import get_now
    from quiz_api.core.config import Settings
    from quiz_api.db.engine import make_engine
    from quiz_api.db.models import QuestionStatCell, StaffRole
    from quiz_api.services import question_report
    from quiz_api.services.caches import ContentCaches

    cleanup = ExitStack()  # the database goes when the figures are in (unless --keep)
    url = cleanup.enter_context(bench_database(server, database, fresh=not reuse, keep=keep))
    if not reuse:
        log(f"generating {attempts:,} attempts of 20 questions in {database}")
        generate(url, attempts)

    settings = Settings(env="test", database_url=url, secret_key="bench-" + "x" * 40)
    engine = make_engine(settings)
    content = ContentCaches()
    start = time.perf_counter()
    first_count = question_report.rebuild(engine, content, CAMPAIGN, DAY_30).results
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    last_day = question_report.refresh(engine, content, CAMPAIGN, END)
    increment_s = time.perf_counter() - start
    with Session(engine) as session:
        cells = session.exec(
            select(func.count()).where(QuestionStatCell.campaign_id == CAMPAIGN)
        ).one()
        size = session.exec(
            select(func.sum(func.length(cast(QuestionStatCell.data, String))))
        ).one()
    now = datetime.now(UTC)
    username = f"bench-city-{int(now.timestamp())}"
    staff_accounts(engine, [(username, StaffRole.city, None)], now)
    engine.dispose()
    app = create_app(settings)
    app.dependency_overrides[get_now] = lambda: END + timedelta(minutes=1)
    asked: dict[str, dict[str, str]] = {
        "city, first attempts": {},
        "city, all attempts": {"attempts": "all"},
        "one district": {"district": DISTRICTS[10]},
        "one language": {"lang": "ko"},
        "district and language": {"district": DISTRICTS[0], "lang": "en"},
    }
    medians: dict[str, float] = {}
    with TestClient(app) as client:
        headers = staff_headers(client, username)

        def get(params: dict[str, str]) -> Any:
            answer = client.get(
                "/api/v1/reports/questions",
                params={"campaign": CAMPAIGN, **params},
                headers=headers,
            )
            answer.raise_for_status()
            return answer.json()

        body = get({})
        for name, params in asked.items():
            medians[name] = statistics.median(timed(lambda p=params: get(p), runs))
    paper = body["papers"][0]
    log(
        f"first build: {first_count:,} results (first 29 days) in {build_s:.1f} s "
        f"({first_count / build_s:,.0f} results/s, {20 * first_count / build_s:,.0f} answers/s)"
    )
    log(
        f"increment: {last_day.results:,} results (the last day) in {increment_s:.1f} s "
        f"({last_day.results / max(increment_s, 1e-9):,.0f} results/s)"
    )
    log(f"stored sums: {cells:,} cells, {size / 1e6:.1f} MB of JSON")
    log(
        f"report: {len(body['questions'])} questions, {paper['participants']:,} first attempts,"
        f" mean {paper['mean']:.1f}, SD {paper['sd']:.1f}, alpha {paper['alpha']:.3f}"
    )
    status = 0
    for name, median in medians.items():
        log(f"GET /reports/questions ({name}): median {median * 1000:7.1f} ms ({runs} runs)")
        if median >= REQUEST_LIMIT_S:
            log(f"FAIL: {name} takes 2 s or more")
            status = 1
    load = os.getloadavg()
    log(f"load average: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} ({os.cpu_count()} cores)")
    cleanup.close()
    raise typer.Exit(status)


if __name__ == "__main__":
    app()
