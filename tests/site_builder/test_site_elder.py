"""Elder mode (长辈模式) and WeChat's font scaling, checked on the built site's files."""

from __future__ import annotations

import re
from pathlib import Path

LABEL = {"": "长辈模式", "en/": "Large text", "ko/": "큰 글씨", "ja/": "大きな文字"}
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
FROZEN = re.compile(r"text-size-adjust\s*:\s*none", re.I)


def test_nothing_freezes_wechats_font_scaling(sample_site: Path) -> None:
    """setFontSizeCallback (Android WeChat) appears nowhere; wherever a stylesheet sets
    `text-size-adjust: none` (Material's theme), every page loads our override after it."""
    frozen = set()
    for path in sample_site.rglob("*"):
        if path.suffix not in {".html", ".js", ".css"}:
            continue
        text = path.read_text("utf-8", errors="replace")
        assert "setFontSizeCallback" not in text, path
        if path.suffix == ".css" and FROZEN.search(text):
            frozen.add(path.name)
    ours = next(sample_site.glob("assets/sb.*.css")).read_text("utf-8")
    assert re.search(r"html\s*\{[^}]*-webkit-text-size-adjust:\s*auto", ours)
    assert not FROZEN.search(ours)
    pages = list(sample_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        sheets = [Path(href).name for href in STYLESHEET.findall(page.read_text("utf-8"))]
        if not sheets:  # redirect stubs
            continue
        ours_at = next(i for i, name in enumerate(sheets) if name.startswith("sb."))
        assert all(sheets.index(name) < ours_at for name in frozen & set(sheets)), page


def test_every_page_has_the_switch_in_its_language(sample_site: Path) -> None:
    for root, label in LABEL.items():
        for rel in ("index.html", "posts/index.html"):
            html = (sample_site / root / rel).read_text("utf-8")
            assert html.count("data-sb-elder") >= 1, (root, rel)
            assert label in html, (root, rel)
            # The mode is applied in <head>, before the body paints: no jump when it is on.
            head = html.split("</head>", 1)[0]
            assert 'localStorage.getItem(KEY) === "1"' in head and "sb-elder" in head
