"""The built sample site: languages, posts, tags, feeds, fallback, switcher, WeChat rules."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest

LANG_ROOTS = {"zh": "", "en": "en/", "ko": "ko/", "ja": "ja/"}


def html(site: Path, rel: str) -> str:
    path = site / rel
    if rel.endswith("/") or rel == "":
        path = path / "index.html"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", list(LANG_ROOTS))
def test_every_language_has_home_404_feed_search_quiz(sample_site: Path, lang: str) -> None:
    root = LANG_ROOTS[lang]
    for rel in ("index.html", "404.html", "feed.xml", "search/search_index.json"):
        assert (sample_site / root / rel).is_file(), f"{root}{rel} missing"
    quiz = html(sample_site, f"{root}quiz/")
    # The sample content has a daily question: the result's link goes to its page.
    assert (
        f'<div id="quiz-app" data-api="/api/v1" data-lang="{lang}" data-daily="../daily/"></div>'
        in quiz
    )
    assert "<noscript>" in quiz
    assert "challenge/about/" in quiz and "challenge/privacy/" in quiz


def test_html_lang_and_site_name_translated(sample_site: Path) -> None:
    assert '<html lang="zh"' in html(sample_site, "")
    assert "禁毒宣传教育" in html(sample_site, "")
    assert '<html lang="en"' in html(sample_site, "en/")
    assert "Drug Prevention Education" in html(sample_site, "en/")
    assert "마약 예방 교육" in html(sample_site, "ko/")
    assert "薬物乱用防止教育" in html(sample_site, "ja/")


@pytest.mark.parametrize(
    ("lang", "date"),
    [
        ("zh", "2026年6月26日"),
        ("en", "June 26, 2026"),
        ("ko", "2026년 6월 26일"),
        ("ja", "2026年6月26日"),
    ],
)
def test_post_dated_in_language_format(sample_site: Path, lang: str, date: str) -> None:
    page = html(sample_site, f"{LANG_ROOTS[lang]}posts/2026-06-26-international-day/")
    assert f'<time datetime="2026-06-26">{date}</time>' in page
    listing = html(sample_site, f"{LANG_ROOTS[lang]}posts/")
    assert date in listing


def test_post_list_newest_first_and_posts_not_in_nav(sample_site: Path) -> None:
    listing = html(sample_site, "posts/")
    assert listing.index("国际禁毒日主题活动") < listing.index("校园禁毒宣传周")
    home = html(sample_site, "")
    nav = home[home.index('class="md-nav md-nav--primary"') :]
    assert "国际禁毒日主题活动" not in nav
    assert "新闻动态" in nav


def test_pagination(tmp_path: Path) -> None:
    from site_builder.build import build
    from site_builder.corpus import generate

    content = generate(tmp_path / "content", posts=23, base=tmp_path / "none")
    out = build(content, tmp_path / "site", langs=("zh", "en")).out
    assert (out / "posts/page/2/index.html").is_file()
    assert (out / "posts/page/3/index.html").is_file()
    assert not (out / "posts/page/4").exists()
    first = html(out, "posts/")
    assert 'href="page/2/"' in first
    assert first.count('<time datetime="') == 10
    assert (out / "en/posts/page/3/index.html").is_file()


def test_tag_pages(sample_site: Path) -> None:
    tags = html(sample_site, "tags/")
    assert "校园" in tags and "禁毒日" in tags
    tag = html(sample_site, "tags/校园/")
    assert "校园禁毒宣传周" in tag
    post = html(sample_site, "posts/2026-05-10-school-week/")
    assert f"../../tags/{quote('校园')}/" in post
    assert (sample_site / "ko/tags/행사/index.html").is_file()


@pytest.mark.parametrize("lang", list(LANG_ROOTS))
def test_rss_feed(sample_site: Path, lang: str) -> None:
    root = ET.parse(sample_site / LANG_ROOTS[lang] / "feed.xml").getroot()
    channel = root.find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert items, "feed has no items"
    link = items[0].findtext("link")
    assert link == f"https://jd.example.org/{LANG_ROOTS[lang]}posts/2026-06-26-international-day/"
    assert items[0].findtext("pubDate", "").startswith("Fri, 26 Jun 2026")


def test_reading_time_shown(sample_site: Path) -> None:
    assert "阅读约 2 分钟" in html(sample_site, "posts/2026-06-26-international-day/")


def test_fallback_page_in_chinese_with_notice(sample_site: Path) -> None:
    page = html(sample_site, "en/knowledge/law/")
    assert "This page is not yet available in English; it is shown in Chinese." in page
    assert "禁毒法律" in page
    assert 'lang="zh-Hans"' in page
    ko = html(sample_site, "ko/knowledge/law/")
    assert "중국어로 표시됩니다" in ko
    assert "not yet available" not in html(sample_site, "en/knowledge/drugs/")


def switcher_links(page: str) -> dict[str, str]:
    found = re.findall(
        r'href="([^"]*)" lang="[^"]+" class="md-select__link[^"]*" data-sb-lang="(\w+)"', page
    )
    return {lang: href for href, lang in found}


def test_language_switcher_same_page_or_home_with_notice(sample_site: Path) -> None:
    links = switcher_links(html(sample_site, "knowledge/drugs/"))
    assert links == {
        "zh": "../../knowledge/drugs/",
        "en": "../../en/knowledge/drugs/",
        "ko": "../../ko/knowledge/drugs/",
        "ja": "../../ja/knowledge/drugs/",
    }
    links = switcher_links(html(sample_site, "ko/posts/2026-06-26-international-day/"))
    assert links["zh"] == "../../../posts/2026-06-26-international-day/"
    assert links["ja"] == "../../../ja/posts/2026-06-26-international-day/"
    # The school-week post exists in Chinese only: other languages lead to their home.
    links = switcher_links(html(sample_site, "posts/2026-05-10-school-week/"))
    assert links["en"] == "../../en/#sb-missing"
    assert 'id="sb-missing"' in html(sample_site, "en/")


EXTERNAL = re.compile(
    r"""<(?:link\b(?![^>]*\brel="(?:canonical|alternate)")|script|img|iframe|source|video|audio)"""
    r"""\b[^>]*\b(?:href|src)=["']?(?:https?:)?//""",
    re.I,
)


def test_no_external_resources_and_no_instant_navigation(sample_site: Path) -> None:
    pages = list(sample_site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), f"{page} loads an external resource"
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
        assert "navigation.instant" not in text
    for css in sample_site.rglob("*.css"):
        assert "@import url(http" not in css.read_text(encoding="utf-8")


def test_added_assets_have_hashed_names(sample_site: Path) -> None:
    home = html(sample_site, "")
    match = re.search(r'href="assets/(sb\.[0-9a-f]{10}\.css)"', home)
    assert match, "site stylesheet not hashed"
    assert (sample_site / "assets" / match.group(1)).is_file()
    assert (sample_site / "en/assets" / match.group(1)).is_file()


def test_quiz_app_loaded_only_on_quiz_page_when_present(
    tmp_path: Path, sample_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_builder.build import build
    from site_builder.generators import assets

    app = tmp_path / "quiz_app"
    app.mkdir()
    (app / "common.js").write_text("window.SbApp = {};\n", "utf-8")
    (app / "common.css").write_text("#quiz-app { margin: 0; }\n", "utf-8")
    (app / "quiz.js").write_text("window.quizLoaded = true;\n", "utf-8")
    (app / "quiz.css").write_text("#quiz-app { color: #000; }\n", "utf-8")
    monkeypatch.setattr(assets, "QUIZ_APP_DIR", app)
    out = build(sample_content, tmp_path / "site", langs=("zh", "en")).out
    quiz = html(out, "en/quiz/")
    js = re.search(r'src="../quiz_app/(quiz\.[0-9a-f]{10}\.js)"', quiz)
    css = re.search(r'href="../quiz_app/(quiz\.[0-9a-f]{10}\.css)"', quiz)
    assert js and css, quiz[-2000:]
    script = (out / "en/quiz_app" / js.group(1)).read_text("utf-8")
    assert script == "window.SbApp = {};\nwindow.quizLoaded = true;\n"
    assert "quiz_app/" not in html(out, "en/")


def test_search_indexes_per_language(sample_site: Path) -> None:
    def index(root: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (sample_site / root / "search/search_index.json").read_text(encoding="utf-8")
        )
        return data

    zh, ja, ko = index(""), index("ja/"), index("ko/")
    zh_text = json.dumps(zh, ensure_ascii=False)
    assert "\u200b" in zh_text, "Chinese text is segmented with jieba"
    ja_text = json.dumps(ja["docs"], ensure_ascii=False)
    assert "\u200b" not in ja_text, "Japanese kanji must not be split by a Chinese dictionary"
    assert ja["config"]["lang"] == ["ja"]
    assert "国際麻薬乱用撲滅デー" not in zh_text
    assert "마약" in str(next(d["kw"] for d in ko["docs"] if "kw" in d))
    assert "kw" in ko["config"]["fields"]
    en = index("en/")
    assert "<p>Drugs include opium" in json.dumps(en, ensure_ascii=False)


def test_404_pages_translated(sample_site: Path) -> None:
    assert "页面未找到" in html(sample_site, "404.html")
    assert "Page not found" in html(sample_site, "en/404.html")
    assert "페이지를 찾을 수 없습니다" in html(sample_site, "ko/404.html")
    assert "ページが見つかりません" in html(sample_site, "ja/404.html")
    assert 'href="/en/"' in html(sample_site, "en/404.html")


def test_no_campaign_files_no_posters(tmp_path: Path) -> None:
    from site_builder.build import build
    from site_builder.corpus import write_sample

    content = write_sample(tmp_path / "content", campaigns=False)
    out = build(content, tmp_path / "site", langs=("zh",)).out
    assert not (out / "posters").exists()
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("root", list(LANG_ROOTS.values()))
def test_post_cover_image(sample_site: Path, root: str) -> None:
    page = html(sample_site, f"{root}posts/2026-06-26-international-day/")
    assert '<img class="sb-cover" src="../images/june26.png"' in page
    assert (sample_site / root / "posts/images/june26.png").is_file()


def test_site_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder import site_url

    monkeypatch.delenv("SITE_URL", raising=False)
    assert site_url() == "http://127.0.0.1:8000/"
    monkeypatch.setenv("SITE_URL", "https://jd.example.org/sub")
    assert site_url() == "https://jd.example.org/sub/"
