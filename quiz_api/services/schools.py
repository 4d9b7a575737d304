"""The school roster: districts, the CSV/XLSX import of schools and classes with their
enrolment, and the public school search the H5 page uses to pick a school and class."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from quiz_api.core.languages import LANGUAGES
from quiz_api.db.models import School, SchoolClass

DISTRICTS_FILE = Path("schools") / "districts.yaml"  # in the content folder
LEVELS = ("primary", "junior", "senior")
# Grades each level may hold. Both the 5+4 system (Shanghai: junior from grade 6) and the
# 6+3 system are accepted.
LEVEL_GRADES = {"primary": range(1, 7), "junior": range(6, 10), "senior": range(10, 13)}
MAX_ENROLLED = 200  # one class; a larger figure is a typo (a school total in a class row)

# Accepted column headers (English and Chinese), mapped to the field they fill.
HEADERS = {
    "school_code": "school_code",
    "code": "school_code",
    "学校代码": "school_code",
    "school_name": "school_name",
    "name": "school_name",
    "school": "school_name",
    "学校名称": "school_name",
    "district": "district",
    "区": "district",
    "所属区": "district",
    "level": "level",
    "学段": "level",
    "grade": "grade",
    "年级": "grade",
    "class": "class_name",
    "class_name": "class_name",
    "班级": "class_name",
    "enrolled": "enrolled",
    "在籍人数": "enrolled",
    "学生数": "enrolled",
}
REQUIRED = ("school_code", "school_name", "district", "level", "grade", "class_name", "enrolled")
LEVEL_ALIASES = {
    "primary": "primary",
    "小学": "primary",
    "junior": "junior",
    "初中": "junior",
    "senior": "senior",
    "高中": "senior",
}


@dataclass(frozen=True)
class District:
    code: str
    names: dict[str, str]

    @property
    def name(self) -> str:
        """The name the database keeps (Chinese)."""
        return self.names["zh"]


Districts = tuple[District, ...]


def load_districts(content_dir: Path) -> Districts:
    """The districts of the content folder (QUIZ_CONTENT_DIR). Read once by each application
    (quiz_api.api.resources) and each command that needs them."""
    data = yaml.safe_load((content_dir / DISTRICTS_FILE).read_text("utf-8"))
    return tuple(
        District(code=item["code"], names={lang: item[lang] for lang in LANGUAGES})
        for item in data["districts"]
    )


def resolve_district(districts: Districts, value: str) -> District | None:
    """The district a code or a name in any of the four languages designates."""
    wanted = value.strip().casefold()
    for district in districts:
        if wanted == district.code or wanted in (n.casefold() for n in district.names.values()):
            return district
    return None


class RosterError(Exception):
    """The file cannot be read at all (format, missing columns)."""


@dataclass
class RejectedRow:
    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class RosterRow:
    row: int
    school_code: str
    school_name: str
    district: str
    level: str
    grade: int
    class_name: str
    enrolled: int


@dataclass
class RosterImportReport:
    rows: int = 0
    schools_added: int = 0
    schools_updated: int = 0
    classes_added: int = 0
    classes_updated: int = 0
    classes_unchanged: int = 0
    classes_removed: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.rows} rows: schools {self.schools_added} added, {self.schools_updated} "
            f"updated; classes {self.classes_added} added, {self.classes_updated} updated, "
            f"{self.classes_unchanged} unchanged, {self.classes_removed} removed"
        )


class RosterInvalid(Exception):
    def __init__(self, rejected: list[RejectedRow]) -> None:
        super().__init__(f"{len(rejected)} row(s) rejected")
        self.rejected = rejected


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Headers and (row number, cells) of a CSV or XLSX file; row numbers as a spreadsheet
    shows them (the header is row 1)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds on a bad file
            raise RosterError(f"{path.name}: not a readable XLSX file ({exc})") from exc
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise RosterError(f"{path.name}: the first sheet is empty")

        def xlsx_rows() -> Iterator[tuple[int, list[str]]]:
            for number, values in enumerate(rows, start=2):
                yield number, [_cell(v) for v in values]
            workbook.close()

        return [_cell(h) for h in header], xlsx_rows()
    if suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")  # CSV saved by a Chinese Excel
        reader = csv.reader(io.StringIO(text))
        header_row = next(reader, None)
        if header_row is None:
            raise RosterError(f"{path.name}: the file is empty")
        return [h.strip() for h in header_row], (
            (number, [c.strip() for c in cells]) for number, cells in enumerate(reader, start=2)
        )
    raise RosterError(f"{path.name}: expected a .csv or .xlsx file")


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = HEADERS.get(name.strip().lower().replace(" ", "_"))
        if key and key not in columns:
            columns[key] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise RosterError(
            f"missing column(s): {', '.join(missing)} (expected: {', '.join(REQUIRED)})"
        )
    return columns


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number.is_integer() else None


def parse_roster(
    header: list[str], rows: Iterable[tuple[int, list[str]]], districts: Districts
) -> tuple[list[RosterRow], list[RejectedRow]]:
    """Check every row; returns the valid rows and the rejected ones with their reason."""
    columns = _columns(header)
    valid: list[RosterRow] = []
    rejected: list[RejectedRow] = []
    seen_classes: dict[tuple[str, int, str], int] = {}
    schools: dict[str, tuple[str, str, int]] = {}
    for number, cells in rows:
        if not any(cells):
            continue  # blank line
        values = {key: cells[index] if index < len(cells) else "" for key, index in columns.items()}
        problems = []
        for key in REQUIRED:
            if not values[key]:
                problems.append(f"{key} is empty")
        code, name = values["school_code"], values["school_name"]
        if len(code) > 32:
            problems.append("school_code is longer than 32 characters")
        if len(name) > 200:
            problems.append("school_name is longer than 200 characters")
        district = resolve_district(districts, values["district"]) if values["district"] else None
        if values["district"] and district is None:
            problems.append(f"unknown district {values['district']!r}")
        level = LEVEL_ALIASES.get(values["level"].lower())
        if values["level"] and level is None:
            problems.append(f"unknown level {values['level']!r} (primary, junior or senior)")
        grade = _int(values["grade"]) if values["grade"] else None
        if values["grade"] and grade is None:
            problems.append(f"grade {values['grade']!r} is not a whole number")
        elif grade is not None and level is not None and grade not in LEVEL_GRADES[level]:
            span = LEVEL_GRADES[level]
            problems.append(
                f"grade {grade} out of range for {level} ({span.start}-{span.stop - 1})"
            )
        class_name = values["class_name"]
        if len(class_name) > 32:
            problems.append("class is longer than 32 characters")
        enrolled = _int(values["enrolled"]) if values["enrolled"] else None
        if values["enrolled"] and enrolled is None:
            problems.append(f"enrolled {values['enrolled']!r} is not a whole number")
        elif enrolled is not None and enrolled < 0:
            problems.append(f"negative enrolled count {enrolled}")
        elif enrolled is not None and enrolled > MAX_ENROLLED:
            problems.append(f"enrolled count {enrolled} is more than {MAX_ENROLLED} for a class")
        if not problems and district is not None and grade is not None:
            first = schools.setdefault(code, (name, district.name, number))
            if first[:2] != (name, district.name):
                problems.append(
                    f"school {code} has another name or district in row {first[2]} "
                    f"({first[0]}, {first[1]})"
                )
            class_key = (code, grade, class_name)
            if class_key in seen_classes:
                problems.append(
                    f"duplicate class: {code} grade {grade} class {class_name!r} "
                    f"already in row {seen_classes[class_key]}"
                )
            else:
                seen_classes[class_key] = number
        if problems:
            rejected.append(RejectedRow(number, "; ".join(problems)))
            continue
        assert district is not None and level is not None
        assert grade is not None and enrolled is not None
        valid.append(
            RosterRow(number, code, name, district.name, level, grade, class_name, enrolled)
        )
    return valid, rejected


def import_roster(
    session: Session, rows: list[RosterRow], progress: Callable[[int], None] | None = None
) -> RosterImportReport:
    """Insert or update the schools and classes of ``rows``. Each school in the file gets
    the file's list of classes: classes no longer listed are removed. Schools absent from
    the file are left alone (a district can import its own file). The caller commits."""
    report = RosterImportReport(rows=len(rows))
    by_school: dict[str, list[RosterRow]] = {}
    for row in rows:
        by_school.setdefault(row.school_code, []).append(row)
    for code, school_rows in by_school.items():
        first = school_rows[0]
        levels = ",".join(lv for lv in LEVELS if any(r.level == lv for r in school_rows))
        school = session.get(School, code)
        if school is None:
            session.add(
                School(code=code, name=first.school_name, district=first.district, level=levels)
            )
            report.schools_added += 1
        elif (school.name, school.district, school.level) != (
            first.school_name,
            first.district,
            levels,
        ):
            school.name, school.district, school.level = first.school_name, first.district, levels
            session.add(school)
            report.schools_updated += 1
        session.flush()
        existing = {
            (c.grade, c.class_name): c
            for c in session.exec(select(SchoolClass).where(SchoolClass.school_code == code))
        }
        for row in school_rows:
            current = existing.pop((row.grade, row.class_name), None)
            if current is None:
                session.add(
                    SchoolClass(
                        school_code=code,
                        grade=row.grade,
                        class_name=row.class_name,
                        enrolled=row.enrolled,
                    )
                )
                report.classes_added += 1
            elif current.enrolled != row.enrolled:
                current.enrolled = row.enrolled
                session.add(current)
                report.classes_updated += 1
            else:
                report.classes_unchanged += 1
        for gone in existing.values():
            session.delete(gone)
            report.classes_removed += 1
        if progress:
            progress(len(school_rows))
    session.flush()
    return report


def import_roster_file(
    session: Session,
    path: Path,
    districts: Districts,
    progress: Callable[[int], None] | None = None,
) -> RosterImportReport:
    """Read, check and import a roster file: all or nothing. Raises ``RosterError`` when the
    file cannot be read and ``RosterInvalid`` (with every rejected row) when a row is bad."""
    header, rows = read_table(path)
    valid, rejected = parse_roster(header, rows, districts)
    if rejected:
        raise RosterInvalid(rejected)
    if not valid:
        raise RosterError(f"{path.name}: no rows")
    return import_roster(session, valid, progress)


def search_schools(
    session: Session,
    districts: Districts,
    query: str,
    district: str | None = None,
    limit: int = 20,
) -> list[School]:
    """Schools whose code starts with, or whose name or district contains, ``query``."""
    q = query.strip().lower()
    cleaned = "".join(ch for ch in q if ch not in "\\%_")  # LIKE wildcards are not searched
    statement = select(School)
    if q:
        pattern = f"%{cleaned}%"
        conditions: list[ColumnElement[bool]] = [
            func.lower(School.code).like(f"{cleaned}%"),
            func.lower(School.name).like(pattern),
            func.lower(School.district).like(pattern),
        ]
        named = resolve_district(
            districts, q
        )  # "Xuhui District", "쉬후이구": the district's schools
        if named is not None:
            conditions.append(col(School.district) == named.name)
        statement = statement.where(or_(*conditions))
    if district:
        resolved = resolve_district(districts, district)
        statement = statement.where(School.district == (resolved.name if resolved else district))
    # Exact code first, then codes starting with the query, then by code (collations of
    # Chinese names differ between backends; codes are ASCII).
    exact = func.lower(School.code) == q
    prefix = func.lower(School.code).like(f"{cleaned}%")
    statement = statement.order_by(exact.desc(), prefix.desc(), col(School.code)).limit(limit)
    return list(session.exec(statement))


def school_classes(session: Session, code: str) -> tuple[School, dict[int, list[str]]] | None:
    school = session.get(School, code)
    if school is None:
        return None
    grades: dict[int, list[str]] = {}
    for grade, class_name in session.exec(
        select(SchoolClass.grade, SchoolClass.class_name)
        .where(SchoolClass.school_code == code)
        .order_by(col(SchoolClass.grade), col(SchoolClass.class_name))
    ):
        grades.setdefault(grade, []).append(class_name)
    for names in grades.values():
        names.sort(key=natural_key)
    return school, grades


def natural_key(name: str) -> tuple[Any, ...]:
    """Sort "2班" before "10班"."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", name))
