"""``python -m quiz_api schools kit``: a district's kits in one run, one folder a school,
links on SITE_URL (the QR code of the poster decodes to the first link), plain refusals."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image

from tests.plugins.commands import run


def test_a_district_at_once_and_the_refusals(tmp_path: Path) -> None:
    env = {
        "QUIZ_DATABASE_URL": f"sqlite:///{tmp_path / 'quiz.sqlite3'}",
        "QUIZ_REDIS_URL": "",
        "QUIZ_ENV": "development",
        "SITE_URL": "https://jd.example.org/sub",
    }
    assert run("setup", env=env).returncode == 0  # the demo schools, one in 黄浦区
    out = tmp_path / "kits"
    made = run(
        "schools", "kit", "--district", "huangpu", "--lang", "ja", "--out", str(out), env=env
    )
    assert made.returncode == 0, made.stderr
    assert "kits: 1 school(s)" in made.stdout
    folder = out / "DEMO001"
    assert sorted(p.name for p in folder.iterdir()) == [
        "classes-DEMO001-ja.pdf",
        "letter-DEMO001-ja.pdf",
        "links-DEMO001-ja.txt",
        "poster-DEMO001-ja.png",
    ]
    links = (folder / "links-DEMO001-ja.txt").read_text().splitlines()
    assert links[0] == "https://jd.example.org/sub/ja/quiz/?school=DEMO001"
    assert links[1].startswith(
        "6\t1班\thttps://jd.example.org/sub/ja/quiz/?school=DEMO001&class=6-1"
    )
    poster = Image.open(folder / "poster-DEMO001-ja.png")
    assert [r.text for r in zxingcpp.read_barcodes(poster)] == [links[0]]

    for args, message in (
        (["NOPE"], "no school 'NOPE'"),
        (["--district", "nowhere"], "unknown district"),
        ([], "name one school code, or --district"),
        (["DEMO001", "--lang", "fr"], "unknown language"),
    ):
        refused = run("schools", "kit", *args, "--out", str(out), env=env)
        assert refused.returncode == 1 and message in refused.stderr, (args, refused.stderr)
