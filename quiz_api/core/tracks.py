"""The two tracks of the challenge (adults, school students): named by question banks and
campaigns (content), stored by the database, read by the site. Defined here so that content
and the site builder need not import the database layer."""

from __future__ import annotations

from enum import StrEnum


class Track(StrEnum):
    adult = "adult"
    student = "student"
