"""What makes a cited source one the public can look up: the one rule the question bank
(``bank validate``) and the site's pages (``site_builder.content``) both apply.

A document of "a certain city" (江苏某市禁毒工作实施纲要, "a Jiangsu city's outline") cannot be
found by anyone who reads it cited: every source must name its place, or be a national law,
regulation or ministry document, or a report with its outlet and date.
"""

from __future__ import annotations

import re

# Each alternative is one way of naming a place without naming it, in the four languages the
# content is written in. Kept narrow on purpose: "the city's anti-drug office" (our own city)
# and "Qionghai, a city in Hainan" name their place and pass.
UNNAMED_PLACE = re.compile(
    # zh (and ja, which writes 某市 too): 某市, 某县, 某区, 某地 ...
    r"某(?:省|市|县|縣|県|区|區|镇|鎮|乡|鄉|村|町|地)"
    # en: "a Jiangsu city's", "one county's", "a certain district"
    r"|\b(?:a|an|one|some)\s+(?:[\w-]+\s+){0,2}"
    r"(?:province|city|county|district|town|village)(?:'s|’s)"
    r"|\ba\s+certain\s+(?:province|city|county|district|town|village)\b"
    # ko: "어느 도시", "모 도시", "장쑤성 한 도시의" (not "한 시간", an hour)
    r"|(?<!\w)(?:어느|모)\s+도시|(?<!\w)한\s+도시(?:의|에서|는|가)"
    # ja: "江蘇省のある市", "とある町"
    r"|(?:省|県|州)のある(?:市|県|町|村|区)|とある(?:市|県|町|村|区)",
    re.IGNORECASE,
)

HOW_TO_CITE = (
    "cite a national document (law, regulation, ministry document with its number or date) "
    "or a report with its outlet and date"
)


def unnamed_place(text: str) -> str | None:
    """The words of ``text`` that name a place without naming it, if any."""
    found = UNNAMED_PLACE.search(text)
    return found.group(0) if found else None
