"""The school roster import (CSV and XLSX) and the public school search."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from quiz_api.db.engine import session_scope
from quiz_api.db.models import School, SchoolClass
from quiz_api.services.schools import (
    RosterError,
    RosterInvalid,
    import_roster_file,
    resolve_district,
)
from tests.plugins.factories import DISTRICTS, ROSTER_HEADER, write_roster


def classes(db: Session, code: str) -> dict[tuple[int, str], int]:
    db.expire_all()
    rows = db.exec(select(SchoolClass).where(SchoolClass.school_code == code)).all()
    return {(r.grade, r.class_name): r.enrolled for r in rows}


def test_districts_resolve_by_code_or_any_language() -> None:
    for name in ("xuhui", "徐汇区", "Xuhui District", "쉬후이구", "徐匯区", " XUHUI district "):
        district = resolve_district(DISTRICTS, name)
        assert district is not None and district.name == "徐汇区"
    assert resolve_district(DISTRICTS, "Atlantis") is None


def test_import_csv_then_reimport_updates_counts(
    engine: Engine, db: Session, tmp_path: Path
) -> None:
    first = write_roster(
        tmp_path,
        "T01,示例中学 (demo),黄浦区,junior,7,1班,40\n"
        "T01,示例中学 (demo),黄浦区,junior,7,2班,38\n"
        "T02,Demo Primary,xuhui,primary,3,1班,30\n",
    )
    with session_scope(engine) as session:
        report = import_roster_file(session, first, DISTRICTS)
    assert (report.schools_added, report.classes_added) == (2, 3)
    assert classes(db, "T01") == {(7, "1班"): 40, (7, "2班"): 38}
    assert db.get(School, "T02") is not None
    assert db.exec(select(School).where(School.code == "T02")).one().district == "徐汇区"

    # Same file again: nothing changes.
    with session_scope(engine) as session:
        again = import_roster_file(session, first, DISTRICTS)
    assert (again.schools_added, again.classes_added, again.classes_unchanged) == (0, 0, 3)

    # New counts, a class gone, a class added: the school's list follows the file.
    second = write_roster(
        tmp_path,
        "T01,示例中学 (demo),黄浦区,junior,7,1班,41\nT01,示例中学 (demo),黄浦区,junior,8,1班,35\n",
        "second.csv",
    )
    with session_scope(engine) as session:
        report = import_roster_file(session, second, DISTRICTS)
    assert (report.classes_updated, report.classes_added, report.classes_removed) == (1, 1, 1)
    assert classes(db, "T01") == {(7, "1班"): 41, (8, "1班"): 35}
    assert classes(db, "T02") == {(3, "1班"): 30}  # not in the file: left alone


def test_bad_rows_are_all_reported_and_nothing_is_imported(
    engine: Engine, db: Session, tmp_path: Path
) -> None:
    path = write_roster(
        tmp_path,
        "T01,Demo,黄浦区,junior,7,1班,40\n"
        "T02,Demo 2,Atlantis,junior,7,1班,40\n"
        "T01,Demo,黄浦区,junior,7,2班,-3\n"
        "T01,Demo,黄浦区,junior,7,1班,39\n"
        "T03,Demo 3,黄浦区,primary,9,1班,30\n"
        "T03,Demo 3,黄浦区,primary,two,2班,30\n"
        "\n"
        "T04,Demo 4,黄浦区,college,1,1班,30\n"
        "T01,Other name,黄浦区,junior,8,1班,30\n"
        "T05,,黄浦区,junior,8,1班,30\n",
    )
    with pytest.raises(RosterInvalid) as caught, session_scope(engine) as session:
        import_roster_file(session, path, DISTRICTS)
    reasons = {row.row: row.reason for row in caught.value.rejected}
    assert "unknown district 'Atlantis'" in reasons[3]
    assert "negative enrolled count -3" in reasons[4]
    assert "duplicate class" in reasons[5] and "row 2" in reasons[5]
    assert "grade 9 out of range for primary" in reasons[6]
    assert "not a whole number" in reasons[7]
    assert "unknown level 'college'" in reasons[9]
    assert "another name or district in row 2" in reasons[10]
    assert "school_name is empty" in reasons[11]
    assert sorted(reasons) == [3, 4, 5, 6, 7, 9, 10, 11]
    db.expire_all()
    assert db.get(School, "T01") is None  # the good row 2 was not imported either


def test_missing_column_and_unknown_format(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "r.csv"
    path.write_text("school_code,school_name\nT01,Demo\n", "utf-8")
    with pytest.raises(RosterError, match="missing column"), session_scope(engine) as session:
        import_roster_file(session, path, DISTRICTS)
    other = tmp_path / "r.ods"
    other.write_text("x", "utf-8")
    with pytest.raises(RosterError, match=r"\.csv or \.xlsx"), session_scope(engine) as session:
        import_roster_file(session, other, DISTRICTS)


def test_import_xlsx_with_chinese_headers(engine: Engine, db: Session, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["学校代码", "学校名称", "区", "学段", "年级", "班级", "在籍人数"])
    sheet.append(["T09", "示例高中 (demo)", "浦东新区", "高中", 10, "1班", 45])
    sheet.append(["T09", "示例高中 (demo)", "浦东新区", "高中", 11, "1班", -1])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    with pytest.raises(RosterInvalid) as caught, session_scope(engine) as session:
        import_roster_file(session, path, DISTRICTS)
    assert [r.row for r in caught.value.rejected] == [3]  # spreadsheet row numbers
    sheet.delete_rows(3)
    workbook.save(path)
    with session_scope(engine) as session:
        import_roster_file(session, path, DISTRICTS)
    assert classes(db, "T09") == {(10, "1班"): 45}
    assert db.exec(select(School).where(School.code == "T09")).one().level == "senior"


def test_csv_saved_by_chinese_excel_gb18030(engine: Engine, db: Session, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        (ROSTER_HEADER + "T07,示例小学 (demo),静安区,小学,1,1班,30\n").encode("gb18030")
    )
    with session_scope(engine) as session:
        import_roster_file(session, path, DISTRICTS)
    assert db.exec(select(School).where(School.code == "T07")).one().name == "示例小学 (demo)"


@pytest.fixture
def roster(engine: Engine, tmp_path: Path) -> None:
    path = write_roster(
        tmp_path,
        "S101,示例第一中学 (demo),黄浦区,junior,7,10班,40\n"
        "S101,示例第一中学 (demo),黄浦区,junior,7,2班,38\n"
        "S101,示例第一中学 (demo),黄浦区,junior,6,1班,36\n"
        "S102,示例实验小学 (demo),徐汇区,primary,1,1班,30\n"
        "X200,Demo Senior High,浦东新区,senior,10,1班,45\n",
    )
    with session_scope(engine) as session:
        import_roster_file(session, path, DISTRICTS)


def test_school_search(client: TestClient, roster: None) -> None:
    def codes(**params: str) -> list[str]:
        response = client.get("/api/v1/schools", params=params)
        assert response.status_code == 200, response.text
        return [s["code"] for s in response.json()]

    assert codes(q="示例") == ["S101", "S102"]
    assert codes(q="s10") == ["S101", "S102"]
    assert codes(q="S101") == ["S101"]
    assert codes(q="senior") == ["X200"]
    assert codes(q="徐汇") == ["S102"]
    assert codes(q="Xuhui District") == ["S102"]
    assert codes(q="", district="huangpu") == ["S101"]
    assert codes(q="100%") == []
    assert len(codes(q="")) == 3
    body = client.get("/api/v1/schools", params={"q": "S101"}).json()[0]
    assert body == {
        "code": "S101",
        "name": "示例第一中学 (demo)",
        "district": "黄浦区",
        "level": "junior",
    }  # no enrolment figures in public
    assert client.get("/api/v1/schools", params={"limit": 21}).status_code == 422


def test_school_classes(client: TestClient, roster: None) -> None:
    response = client.get("/api/v1/schools/S101/classes")
    assert response.status_code == 200
    body = response.json()
    assert body["grades"] == [
        {"grade": 6, "classes": ["1班"]},
        {"grade": 7, "classes": ["2班", "10班"]},
    ]
    assert "enrolled" not in response.text
    missing = client.get("/api/v1/schools/NOPE/classes")
    assert missing.status_code == 404
    assert missing.json()["type"] == "/problems/unknown-school"


def test_districts_endpoint(client: TestClient) -> None:
    body = client.get("/api/v1/schools/districts").json()
    assert len(body) == 16
    assert {"code": "pudong", "name": "浦东新区"}.items() <= body[10].items()
    assert set(body[0]["names"]) == {"zh", "en", "ko", "ja"}


def test_search_scales_to_a_few_thousand_schools(
    engine: Engine, client: TestClient, tmp_path: Path
) -> None:
    rows = "".join(f"Q{n:04d},示例学校{n} (demo),闵行区,primary,1,1班,30\n" for n in range(3000))
    with session_scope(engine) as session:
        import_roster_file(session, write_roster(tmp_path, rows), DISTRICTS)
    response = client.get("/api/v1/schools", params={"q": "示例学校12"})
    assert response.status_code == 200
    assert len(response.json()) == 20
