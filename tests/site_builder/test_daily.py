"""The daily question on the built site: a daily/ page per language where its app mounts,
today's question's block on every home page, the quiz app's link to it; none of them
without content/daily/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.budgets import LEAN_LIMIT, check_page
from tests.site_builder.test_build import LANG_ROOTS, html, switcher_links

TITLES = {"zh": "每日一问", "en": "Daily question", "ko": "하루 한 문제", "ja": "今日の一問"}
ARCHIVE = {"zh": "往期题目", "en": "Past questions", "ko": "지난 문제", "ja": "過去の問題"}


@pytest.mark.parametrize("lang", list(LANG_ROOTS))
def test_every_language_has_its_daily_page(sample_site: Path, lang: str) -> None:
    root = LANG_ROOTS[lang]
    page = html(sample_site, f"{root}daily/")
    assert f"<h1>{TITLES[lang]}</h1>" in page
    assert (
        f'<div id="daily-app" data-api="/api/v1" data-lang="{lang}" data-quiz="../quiz/">' in page
    )
    # The archive's anchor exists before the script runs: the home page's fallback links to it.
    assert f'<h2 id="dq-archive-title">{ARCHIVE[lang]}</h2>' in page
    assert 'id="archive"' in page and "<noscript>" in page
    assert 'href="../quiz/"' in page  # the knowledge challenge, from the page's text
    # The language switch leads to the daily page of each language.
    depth = "../" * (1 + root.count("/"))
    assert switcher_links(page) == {
        other: f"{depth}{other_root}daily/" for other, other_root in LANG_ROOTS.items()
    }
    # In the navigation, beside the knowledge challenge.
    assert re.search(r'href="\./"\s+class="md-nav__link md-nav__link--active', page)
    assert TITLES[lang] in page.split('class="md-nav__link md-nav__link--active')[1][:400]


@pytest.mark.parametrize("lang", list(LANG_ROOTS))
def test_every_home_page_has_todays_question_block(sample_site: Path, lang: str) -> None:
    home = html(sample_site, LANG_ROOTS[lang])
    block = home.split('<section class="sb-daily"', 1)[1].split("</script>", 1)[0]
    assert f'data-api="/api/v1/daily/adult?lang={lang}"' in block
    assert 'data-archive="daily/#archive"' in block
    assert f'data-archive-label="{ARCHIVE[lang]}"' in block
    assert f'<h2 id="sb-daily-title">{TITLES[lang]}</h2>' in block
    assert re.search(r'<a class="md-button md-button--primary sb-daily__go" href="daily/">', block)
    # Before the script fills it in, the box already says what it is (and without JS).
    stem = re.search(r'<p class="sb-daily__stem"[^>]*>([^<]+)</p>', block)
    assert stem and stem.group(1).strip()
    # The block comes before the page's own text, under the title.
    assert home.index('class="sb-daily"') < home.index('class="sb-body"')


def test_only_the_home_page_has_the_block(sample_site: Path) -> None:
    assert 'class="sb-daily"' not in html(sample_site, "en/knowledge/drugs/")
    assert 'class="sb-daily"' not in html(sample_site, "en/daily/")


def test_the_daily_page_is_held_to_the_lean_budget(sample_site: Path) -> None:
    result = check_page(sample_site, sample_site / "ko" / "daily" / "index.html")
    assert result.limit == LEAN_LIMIT


def test_the_apps_load_only_where_they_mount(
    tmp_path: Path, sample_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_builder.build import build
    from site_builder.generators import assets

    app = tmp_path / "quiz_app"
    app.mkdir()
    for name in ("common.js", "common.css", "quiz.js", "quiz.css", "daily.js", "daily.css"):
        (app / name).write_text(f"/* {name} */\n", "utf-8")
    monkeypatch.setattr(assets, "QUIZ_APP_DIR", app)
    out = build(sample_content, tmp_path / "site", langs=("zh", "en")).out
    daily = html(out, "en/daily/")
    js = re.search(r'src="../quiz_app/(daily\.[0-9a-f]{10}\.js)"', daily)
    css = re.search(r'href="../quiz_app/(daily\.[0-9a-f]{10}\.css)"', daily)
    assert js and css
    assert (out / "en/quiz_app" / js.group(1)).is_file()
    assert "quiz_app/quiz." not in daily
    quiz = html(out, "en/quiz/")
    assert "quiz_app/daily." not in quiz
    # The quiz app's result links to the daily page of its language.
    assert '<div id="quiz-app" data-api="/api/v1" data-lang="en" data-daily="../daily/">' in quiz
    assert "quiz_app/" not in html(out, "en/")


def test_without_a_daily_question_no_page_no_block_no_link(tmp_path: Path) -> None:
    from site_builder.build import build
    from site_builder.corpus import write_sample

    content = write_sample(tmp_path / "content", campaigns=False, daily=False)
    out = build(content, tmp_path / "site", langs=("zh",)).out
    assert not (out / "daily").exists()
    assert "sb-daily" not in html(out, "")
    assert "data-daily" not in html(out, "quiz/")


def test_the_apps_strings_exist_in_all_four_languages() -> None:
    """daily.js and quiz.js carry their strings per language: none may be missing in one."""
    from site_builder.generators.assets import APP_BUNDLES
    from tests import ROOT

    for name in sorted({names[-1] for names in APP_BUNDLES.values()}):
        if not name.endswith(".js"):
            continue
        source = (ROOT / "site_builder" / "quiz_app" / name).read_text("utf-8")
        table = source.split("var STRINGS = {", 1)[1].split("\n  };", 1)[0]
        keys: dict[str, set[str]] = {}
        for block in re.finditer(r"\n    (zh|en|ko|ja): \{\n(.*?)\n    \},", table, re.S):
            keys[block.group(1)] = set(re.findall(r'^ {6}"?([\w-]+)"?:', block.group(2), re.M))
        assert set(keys) == {"zh", "en", "ko", "ja"}, name
        assert len(keys["zh"]) > 30, name  # the table was read
        assert "dailyLink" in keys["zh"] or name != "quiz.js"
        for lang in ("en", "ko", "ja"):
            assert keys[lang] == keys["zh"], (name, lang, keys[lang] ^ keys["zh"])
