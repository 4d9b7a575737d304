"""School kits: the links that open the student track with a school (and a class) already
chosen, and what is printed from them (a poster, a letter to parents, a sheet of class QR
codes; drawn by ``quiz_api.rendering.kit``).

A class's KEY is ``<grade>-<class name>`` ("7-3班"): the roster import identifies classes by
exactly that pair, so a printed code keeps working after next term's re-import, where a
database id would not."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.languages import Lang, url_prefix
from quiz_api.db.models import Campaign, School
from quiz_api.services.schools import school_classes
from quiz_api.services.scope import StaffScope

QUIZ_PAGE = "quiz/"  # the quiz page of each language's site (site_builder.generators.quiz)


def class_key(grade: int, class_name: str) -> str:
    return f"{grade}-{class_name}"


def parse_class_key(key: str) -> tuple[int, str] | None:
    """(grade, class name) of a KEY, or None when it is not one."""
    grade, dash, name = key.partition("-")
    if not dash or not name or not grade.isdigit():
        return None
    return int(grade), name


def quiz_link(site_url: str, lang: Lang, school_code: str, key: str | None = None) -> str:
    """The absolute link of the quiz page in ``lang`` with the school (and class) chosen."""
    query = {"school": school_code} | ({"class": key} if key is not None else {})
    return f"{site_url}{url_prefix(lang.value)}{QUIZ_PAGE}?{urlencode(query)}"


@dataclass(frozen=True)
class ClassLink:
    grade: int
    class_name: str
    key: str
    link: str


@dataclass(frozen=True)
class Kit:
    """What every piece of a school's kit shows, in one language."""

    lang: Lang
    school_code: str
    school_name: str
    district: str
    link: str
    classes: list[ClassLink]
    campaign_name: str
    starts_on: date  # local dates, in the campaign's time zone
    ends_on: date


def _kit(session: Session, school: School, campaign: Campaign, lang: Lang, site_url: str) -> Kit:
    found = school_classes(session, school.code)
    grades = found[1] if found else {}
    zone = ZoneInfo(campaign.timezone)
    return Kit(
        lang=lang,
        school_code=school.code,
        school_name=school.name,
        district=school.district,
        link=quiz_link(site_url, lang, school.code),
        classes=[
            ClassLink(grade, name, key, quiz_link(site_url, lang, school.code, key))
            for grade in sorted(grades)
            for name in grades[grade]
            for key in (class_key(grade, name),)
        ],
        campaign_name=campaign.name.get(lang.value) or campaign.name[Lang.zh.value],
        starts_on=campaign.starts_at.astimezone(zone).date(),
        ends_on=campaign.ends_at.astimezone(zone).date(),
    )


def school_kit(
    session: Session, scope: StaffScope, code: str, campaign: Campaign, lang: Lang, site_url: str
) -> Kit:
    """The kit of a school within the account's scope (another school is "unknown", as in
    the reports)."""
    school = session.exec(
        select(School).where(
            col(School.code) == code, *scope.where(col(School.district), col(School.code))
        )
    ).first()
    if school is None:
        raise DomainError(ProblemType.unknown_school, f"no school {code!r} in this account's scope")
    return _kit(session, school, campaign, lang, site_url)


def district_kits(
    session: Session, district: str, campaign: Campaign, lang: Lang, site_url: str
) -> tuple[int, Iterator[Kit]]:
    """How many schools the district has, and their kits one by one (for a progress bar)."""
    schools = list(
        session.exec(select(School).where(School.district == district).order_by(col(School.code)))
    )
    return len(schools), (_kit(session, s, campaign, lang, site_url) for s in schools)
