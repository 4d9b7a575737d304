"""The one scope filter: a part of the city (all of it, one district, one school) as query
conditions on a table's district and school columns, or as a test of one row's. Staff
accounts read within theirs; leaderboards and reports are drawn over one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from quiz_api.db.models import StaffAccount, StaffRole

Level = Literal["city", "district", "school"]


@dataclass(frozen=True)
class Area:
    """All of the city, one district, or one school (a school code decides over a
    district). The codes may be column expressions: then ``where`` joins two tables on
    "the same area"."""

    district: Any = None
    school_code: Any = None

    @classmethod
    def at(cls, level: Level, district: Any, school_code: Any) -> Area:
        """The area of ``level`` around a place: its district's, its school's, or the city."""
        if level == "district":
            return cls(district=district)
        if level == "school":
            return cls(school_code=school_code)
        return cls()

    def where(self, district: Any, school_code: Any) -> list[Any]:
        """Conditions restricting the columns ``district`` and ``school_code`` to the area."""
        if self.school_code is not None:
            return [school_code == self.school_code]
        if self.district is not None:
            return [district == self.district]
        return []

    def contains(self, district: str | None, school_code: str | None) -> bool:
        """Whether a row with these district and school codes lies in the area."""
        if self.school_code is not None:
            return bool(school_code == self.school_code)
        if self.district is not None:
            return bool(district == self.district)
        return True


@dataclass(frozen=True)
class StaffScope:
    """What a staff account may read: the city (city staff), its district, or its school.
    Every report query goes through ``where``."""

    role: StaffRole
    area: Area = field(default_factory=Area)

    @classmethod
    def of(cls, account: StaffAccount) -> StaffScope:
        role = StaffRole(account.role)
        if role is StaffRole.school:
            return cls(role, Area(account.district, account.school_code))
        if role is StaffRole.district:
            return cls(role, Area(district=account.district))
        return cls(role)

    @property
    def district(self) -> str | None:
        return self.area.district  # type: ignore[no-any-return]

    @property
    def school_code(self) -> str | None:
        return self.area.school_code  # type: ignore[no-any-return]

    def where(self, district: Any, school_code: Any) -> list[Any]:
        return self.area.where(district, school_code)

    def may_read_district(self, district: str) -> bool:
        # A school account reads its school, not its whole district.
        return self.area.contains(district, None)
