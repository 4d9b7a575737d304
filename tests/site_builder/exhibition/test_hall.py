"""The VR exhibition hall: its content, the built page and files (the hall in Chromium is
tested in tests/browser/test_exhibition.py).

The site under test is the sample content plus the real content/exhibition/ (the hall the
office ships), built once per session (tests/plugins/site.py: hall_site).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from site_builder import LANGS
from site_builder.budgets import LEAN_LIMIT, check_page
from site_builder.build import BuildError, build
from site_builder.exhibition.hall import HallError, load_hall
from tests import ROOT
from tests.plugins.site import SITE_URL, with_hall

CONTENT = ROOT / "content"
ROOTS = {"zh": "", "en": "en/", "ko": "ko/", "ja": "ja/"}


def page_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="sbx-data">(.*?)</script>', html)
    assert match, "no hall data in the page"
    data: dict[str, Any] = json.loads(match.group(1).replace("<\\/", "</"))
    return data


# ---------------------------------------------------------------------------- content
def test_the_shipped_hall_has_fourteen_sections_in_four_languages() -> None:
    hall = load_hall(CONTENT)
    assert hall is not None
    assert len(hall.sections) == 14
    assert [s.id for s in hall.sections][:5] == [
        "overview",
        "leadership",
        "prevention",
        "enforcement",
        "technology",
    ]
    # the four sections the source names, in its words, are rooms 2 to 5
    assert [s.title["zh"] for s in hall.sections[1:5]] == [
        "党政重视",
        "预防教育",
        "缉毒执法",
        "科技赋能",
    ]
    for section in hall.sections:
        assert 2 <= len(section.boards) <= 4, section.id
        for lang in LANGS:
            assert section.title[lang] and section.intro[lang] and section.source[lang]
            # sources are named by document title, never by an internal file number
            assert "seed" not in section.source[lang].lower()
            assert "种子" not in section.source[lang]
            for board in section.boards:
                assert board.title[lang] and board.text[lang]
    overview = hall.sections[0].boards
    assert any("500,000" in b.text["en"] for b in overview)
    assert any("五十万" in b.text["zh"] for b in overview)


def write_hall(root: Path, text: str) -> Path:
    (root / "exhibition").mkdir(parents=True, exist_ok=True)
    (root / "exhibition" / "hall.yaml").write_text(text, "utf-8")
    return root


T4 = "{zh: 字, en: word, ko: 말, ja: 字}"
BOARD = f"      - {{title: {T4}, text: {T4}}}\n"


def test_hall_problems_name_the_file_the_place_and_the_fix(tmp_path: Path) -> None:
    text = (
        f"title: {T4}\nintro: {T4}\nsections:\n"
        f"  - id: first\n    title: {{zh: 字, en: word, ja: 字}}\n    intro: {T4}\n"
        f"    source: {T4}\n    boards:\n{BOARD}"
        f"  - id: Bad Id\n    title: {T4}\n    intro: {T4}\n    source: {T4}\n"
        f"    boards:\n{BOARD}{BOARD}"
    )
    with pytest.raises(HallError) as info:
        load_hall(write_hall(tmp_path, text))
    problems = info.value.problems
    assert any("hall.yaml: sections[0] (first).title: no ko text" in p for p in problems), problems
    assert any("sections[0] (first).boards: write 2 to 4 boards" in p for p in problems)
    assert any("sections[1].id: 'Bad Id' is not a short slug" in p for p in problems)
    with pytest.raises(HallError) as info:
        load_hall(write_hall(tmp_path, text.replace("{title: ", "{yaw: 200, title: ", 1)))
    assert any(
        "boards[0].yaw: write a number of degrees from -180 to 180" in p
        for p in info.value.problems
    )


def test_a_section_source_naming_an_unnamed_place_is_refused(tmp_path: Path) -> None:
    vague = "{zh: 江苏某市禁毒工作实施纲要, en: Anti-Drug Law, ko: 법, ja: 江蘇省のある市の要綱}"
    text = (
        f"title: {T4}\nintro: {T4}\nsections:\n"
        f"  - id: first\n    title: {T4}\n    intro: {T4}\n"
        f"    source: {vague}\n    boards:\n{BOARD}{BOARD}"
    )
    with pytest.raises(HallError) as info:
        load_hall(write_hall(tmp_path, text))
    assert [p.split("hall.yaml: ", 1)[1] for p in info.value.problems] == [
        f"sections[0] (first).source.{lang}: the source '{found}' names no place, so nobody "
        "can look it up — cite a national document (law, regulation, ministry document with "
        "its number or date) or a report with its outlet and date"
        for lang, found in (("zh", "某市"), ("ja", "省のある市"))
    ]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(HallError) as info:
        load_hall(write_hall(tmp_path, "title: {zh: a\nsections: [\n"))
    assert "hall.yaml: line" in info.value.problems[0]


def test_no_hall_file_means_no_exhibition(tmp_path: Path) -> None:
    assert load_hall(tmp_path) is None


def test_a_broken_hall_stops_the_build_and_keeps_the_site(
    sample_content: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    content = with_hall(sample_content, tmp_path / "content")
    path = content / "exhibition" / "hall.yaml"
    path.write_text(path.read_text("utf-8").replace('    ko: "서막', '    kx: "서막', 1))
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("old site")
    with pytest.raises(BuildError):
        build(content, out, base_url=SITE_URL, langs=("zh",))
    # MkDocs logs the hook's message (file: where: what — fix), then aborts the build
    assert "hall.yaml: sections[0] (overview).title: no ko text" in capfd.readouterr().err
    assert (out / "keep.txt").read_text() == "old site"


# ---------------------------------------------------------------------------- built site
@pytest.mark.parametrize("lang", LANGS)
def test_exhibition_page_in_every_language(hall_site: Path, lang: str) -> None:
    hall = load_hall(CONTENT)
    assert hall is not None
    folder = hall_site / ROOTS[lang] / "exhibition"
    html = (folder / "index.html").read_text("utf-8")
    # the text version: every section and board as plain HTML, in this language
    assert html.count('class="sbx-section"') == 14
    assert html.count('class="sbx-board"') == sum(len(s.boards) for s in hall.sections)
    for section in hall.sections:
        assert f'id="s-{section.id}"' in html
        assert section.title[lang].replace("'", "&#x27;").replace('"', "&quot;") in html
    # linked from the navigation of the home page
    home = (hall_site / ROOTS[lang] / "index.html").read_text("utf-8")
    assert 'href="exhibition/"' in home
    # one viewer, fetched on the tap: no script or stylesheet of it in the page's tags, nor
    # a linked stylesheet of ours (the page's styles are inline)
    head = html[: html.index("</head>")]
    assert not re.search(
        r"<script[^>]+pannellum|<link[^>]+stylesheet[^>]+/assets/(pannellum|exhibition)", html
    )
    assert "<style>" in head and ".sbx-stage" in head
    # its place held by the first room's light preview, with its size
    preview = re.search(
        r'<img class="sbx-preview" src="(rooms/preview-[0-9a-f]{10}\.webp)" '
        r'width="(\d+)" height="(\d+)"',
        html,
    )
    assert preview is not None
    with Image.open(folder / preview.group(1)) as image:
        assert image.format == "WEBP"
        assert image.size == (int(preview.group(2)), int(preview.group(3)))
    assert (folder / preview.group(1)).stat().st_size < 8 * 1024
    # images below the fold wait until they are scrolled to
    for img in re.findall(r"<img [^>]+>", html):
        assert 'class="sbx-preview"' in img or 'loading="lazy"' in img, img
    # licence shipped and linked
    licence = hall_site / ROOTS[lang] / "assets" / "pannellum-LICENSE.txt"
    assert "Permission is hereby granted" in licence.read_text()
    assert 'href="../assets/pannellum-LICENSE.txt"' in html
    data = page_data(html)
    assert data["lang"] == lang and len(data["rooms"]) == 14
    for key in ("js", "css"):
        viewer_file = folder / data["viewer"][key]
        assert viewer_file.is_file() and viewer_file.name.startswith("pannellum.")
    first = data["rooms"][0]
    assert len(first["faces"]) == 6
    for room in data["rooms"]:
        for face in room["faces"]:
            assert re.fullmatch(r"rooms/(front|boards|ceiling|floor)-[0-9a-f]{16}\.png", face)
            with Image.open(folder / face) as image:
                assert image.width == image.height <= 1024
    first_room = sum((folder / face).stat().st_size for face in first["faces"])
    assert first_room < 250 * 1024  # what a phone fetches to show the first room
    # the page itself stays within the site's budgets (faces are loaded by the viewer)
    result = check_page(hall_site, folder / "index.html")
    assert result.ok, result.problems


def test_rooms_are_drawn_per_language(hall_site: Path) -> None:
    faces = {
        lang: page_data((hall_site / ROOTS[lang] / "exhibition" / "index.html").read_text())[
            "rooms"
        ][1]["faces"]
        for lang in LANGS
    }
    fronts = {f[0] for f in faces.values()}
    assert len(fronts) == 4  # the walls carry each language's texts
    assert len({f[4] for f in faces.values()}) == 1  # one ceiling for all


def decode(path: Path) -> str:
    with Image.open(path) as image:
        results = zxingcpp.read_barcodes(image.convert("L"))
    assert len(results) == 1
    return str(results[0].text)


@pytest.mark.parametrize("lang", ["zh", "ja"])
def test_exhibition_poster_and_qr_code(hall_site: Path, lang: str) -> None:
    folder = hall_site / ROOTS[lang] / "exhibition"
    url = f"{SITE_URL}{ROOTS[lang]}exhibition/?src=poster"
    assert decode(folder / "qr-poster.png") == url
    poster = folder / f"poster-exhibition-{lang}-a4.png"
    with Image.open(poster) as image:
        assert image.size == (2480, 3508)
    assert decode(poster) == url
    html = (folder / "index.html").read_text("utf-8")
    assert f'href="poster-exhibition-{lang}-a4.png" download' in html
    assert check_page(hall_site, folder / "index.html").total < 2 * LEAN_LIMIT


def test_every_room_key_is_accepted_by_the_visit_counter() -> None:
    """The keys exhibition.js posts are valid pages for POST /api/v1/visits."""
    from quiz_api.api.routes.visits import VisitIn

    hall = load_hall(CONTENT)
    assert hall is not None
    for lang in LANGS:
        for key in [s.id for s in hall.sections] + ["text"]:
            assert VisitIn.model_validate({"page": f"exhibition/{lang}/{key}"}).page


def test_panorama_photo_and_board_photo(sample_content: Path, tmp_path: Path) -> None:
    """A section with a real panorama gets it (at most 2048 px wide) instead of drawn faces;
    a board photo is on the wall and, with its alt text, in the text version."""
    content = tmp_path / "content"
    shutil.copytree(sample_content, content)
    folder = content / "exhibition"
    (folder / "rooms").mkdir(parents=True)
    (folder / "photos").mkdir()
    Image.new("RGB", (4096, 2048), (90, 120, 150)).save(folder / "rooms" / "hall.jpg")
    Image.new("RGB", (640, 480), (200, 60, 40)).save(folder / "photos" / "contest.png")
    alt = "{zh: 海报比赛的作品, en: Posters of the contest, ko: 대회 포스터, ja: コンテストのポスター}"
    write_hall(
        content,
        f"title: {T4}\nintro: {T4}\nsections:\n"
        f"  - id: real\n    title: {T4}\n    intro: {T4}\n    source: {T4}\n"
        f"    panorama: rooms/hall.jpg\n    boards:\n"
        f"      - {{title: {T4}, text: {T4}, yaw: -135, pitch: 12.5}}\n{BOARD}"
        f"  - id: drawn\n    title: {T4}\n    intro: {T4}\n    source: {T4}\n    boards:\n"
        f"      - {{title: {T4}, text: {T4}, photo: photos/contest.png, alt: {alt}}}\n{BOARD}",
    )
    out = tmp_path / "site"
    build(content, out, base_url=SITE_URL, langs=("zh",))
    html = (out / "exhibition" / "index.html").read_text("utf-8")
    real, drawn = page_data(html)["rooms"]
    assert "faces" not in real
    assert (real["boards"][0]["yaw"], real["boards"][0]["pitch"]) == (-135, 12.5)
    with Image.open(out / "exhibition" / real["panorama"]) as image:
        assert image.size == (2048, 1024)
    # the first room is the photo: its preview is the photo's middle (the view at yaw 0)
    with Image.open(out / "exhibition" / page_data(html)["preview"]) as image:
        assert image.format == "WEBP" and image.width == image.height
        assert image.convert("RGB").getpixel((200, 200)) == pytest.approx((90, 120, 150), abs=6)
    assert len(drawn["faces"]) == 6
    assert drawn["faces"][1].endswith(".jpg")  # the wall with the photo
    match = re.search(
        r'<img src="(rooms/photo-[0-9a-f]{10}\.png)" loading="lazy" alt="([^"]+)"', html
    )
    assert match and match.group(2) == "海报比赛的作品"
    assert (out / "exhibition" / match.group(1)).is_file()
