"""The sample site in headless Chromium (Debian's package) at phone and desktop size.

Every page a test opens is watched: a console error, an uncaught exception or a request to
any host other than the local test server fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, ViewportSize

from tests.plugins.browser import serious_violations

pytestmark = pytest.mark.browser

VIEWPORTS: dict[str, ViewportSize] = {
    "phone": {"width": 375, "height": 667},
    "desktop": {"width": 1280, "height": 800},
}
ROOTS = {"zh": "", "en": "en/", "ko": "ko/", "ja": "ja/"}
SITE_NAMES = {
    "zh": "禁毒宣传教育",
    "en": "Drug Prevention Education",
    "ko": "마약 예방 교육",
    "ja": "薬物乱用防止教育",
}
POST = "posts/2026-06-26-international-day/"


class Watched:
    """A page with its console errors and off-site requests recorded."""

    def __init__(self, page: Page, base: str, viewport: str) -> None:
        self.page = page
        self.base = base
        self.viewport = viewport  # a key of VIEWPORTS
        self.errors: list[str] = []
        self.offsite: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            text = message.text
            # the 404 test loads a missing address on purpose
            if "404 (Not Found)" not in text:
                self.errors.append(text)

    def _request(self, request: Request) -> None:
        url: str = request.url
        if not (url.startswith(self.base) or url.startswith(("data:", "blob:", "about:"))):
            self.offsite.append(url)

    def goto(self, path: str) -> Response:
        response = self.page.goto(self.base + path)
        assert response is not None, f"no response for {path}"
        self.page.wait_for_load_state("networkidle")
        return response

    def check(self) -> None:
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.offsite == [], f"requests leaving the site: {self.offsite}"


@pytest.fixture(params=list(VIEWPORTS))
def watched(
    request: pytest.FixtureRequest, browser: Browser, site_server: str
) -> Iterator[Watched]:
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(10_000)
    w = Watched(page, site_server, request.param)
    yield w
    context.close()
    w.check()


def is_phone(w: Watched) -> bool:
    return w.viewport == "phone"


@pytest.mark.parametrize("lang", list(ROOTS))
def test_home_page(watched: Watched, lang: str) -> None:
    response = watched.goto(ROOTS[lang])
    assert response.status == 200
    page = watched.page
    assert SITE_NAMES[lang] in page.title()
    assert page.locator("h1").first.is_visible()
    assert page.locator("#sb-missing").is_hidden()
    # the page fits the screen: no horizontal scrolling on a phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[watched.viewport]["width"] + 1


def switch_language(w: Watched, lang: str) -> None:
    page = w.page
    page.locator(".sb-switcher button").click()
    page.locator(f'.sb-switcher a[data-sb-lang="{lang}"]').click()
    page.wait_for_load_state("networkidle")


def test_language_switch_keeps_the_page(watched: Watched) -> None:
    watched.goto("knowledge/drugs/")
    switch_language(watched, "en")
    assert watched.page.url == watched.base + "en/knowledge/drugs/"
    assert watched.page.locator("h1").first.inner_text() == "Kinds of drugs"
    switch_language(watched, "ja")
    assert watched.page.url == watched.base + "ja/knowledge/drugs/"
    switch_language(watched, "zh")
    assert watched.page.url == watched.base + "knowledge/drugs/"


def test_language_switch_to_missing_page_lands_on_home_with_notice(watched: Watched) -> None:
    watched.goto("posts/2026-05-10-school-week/")
    switch_language(watched, "ko")
    assert watched.page.url == watched.base + "ko/#sb-missing"
    notice = watched.page.locator("#sb-missing")
    assert notice.is_visible()
    assert "한국어" in notice.inner_text()


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("zh", "毒品", "毒品的种类"),  # a two-character word
        ("zh", "危害", "毒品的种类"),
        ("ja", "薬物", "薬物の種類"),
        ("ja", "依存", "薬物の種類"),
        ("ko", "마약", "마약의 종류"),
        ("ko", "청소년", "마약의 종류"),  # the text has only "청소년이" (with a particle)
        ("en", "heroin", "Kinds of drugs"),
    ],
)
def test_search(watched: Watched, lang: str, query: str, expected: str) -> None:
    watched.goto(ROOTS[lang])
    page = watched.page
    if is_phone(watched):
        page.locator("label.md-header__button[for=__search]").click()
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    page.keyboard.press("End")  # material reacts to key events
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    titles = [
        t.replace("\u200b", "")
        for t in page.locator(".md-search-result__item h1").all_inner_texts()
    ]
    assert any(expected in t for t in titles), titles


@pytest.mark.parametrize("lang", list(ROOTS))
def test_post_page(watched: Watched, lang: str) -> None:
    response = watched.goto(ROOTS[lang] + POST)
    assert response.status == 200
    page = watched.page
    assert page.locator("article time").first.get_attribute("datetime") == "2026-06-26"
    assert page.locator(".sb-tags a").count() == 2
    page.locator(".sb-qr summary").click()
    image = page.locator(".sb-qr img")
    assert image.is_visible()
    # decode() resolves once the picture is loaded (it may still be on its way after the click).
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 100


@pytest.mark.parametrize(("lang", "text"), [("zh", "页面未找到"), ("en", "Page not found")])
def test_404_page(watched: Watched, lang: str, text: str) -> None:
    response = watched.goto(ROOTS[lang] + "no/such/page/")
    assert response.status == 404
    assert text in watched.page.locator("h1").first.inner_text()
    # the page's own assets load from the site root, whatever the depth of the address
    assert watched.page.evaluate("getComputedStyle(document.body).fontFamily").count(",") > 3


def test_quiz_entry_page(watched: Watched) -> None:
    watched.goto("en/quiz/")
    page = watched.page
    mount = page.locator("#quiz-app")
    assert mount.get_attribute("data-api") == "/api/v1"
    assert mount.get_attribute("data-lang") == "en"
    assert page.locator("article a[href*='challenge/about']").count() == 1
    assert page.locator("article a[href*='challenge/privacy']").count() == 1


@pytest.mark.parametrize("path", ["en/", "en/quiz/", "quiz/"])
def test_page_is_no_wider_than_the_screen(watched: Watched, path: str) -> None:
    """Nothing, hidden menus included, makes a phone page scroll sideways."""
    watched.goto(path)
    widths = watched.page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{path}: content {widths[0]} px on a {widths[1]} px screen"


def test_poster_page(watched: Watched) -> None:
    watched.goto("ja/posters/challenge-2026/")
    page = watched.page
    images = page.locator(".sb-poster img")
    assert images.count() == 3
    for i in range(3):
        assert page.evaluate(
            "(img) => img.complete && img.naturalWidth > 100", images.nth(i).element_handle()
        )


@pytest.mark.parametrize("lang", list(ROOTS))
@pytest.mark.parametrize("path", ["", POST, "quiz/"])
def test_accessibility(watched: Watched, lang: str, path: str) -> None:
    watched.goto(ROOTS[lang] + path)
    violations = serious_violations(watched.page)
    assert violations == [], "\n".join(violations)
