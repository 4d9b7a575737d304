"""Publishing by git, for real: a bare repository with the hooks installed, a clone, and
pushes through the git client (the hooks run the pushed tree's own code)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.corpus import write_sample
from site_builder.publish import lock
from site_builder.publish.releases import WebRoot
from site_builder.publish.tree import ReleaseInfo

ROOT = Path(__file__).resolve().parents[3]
# What a content repository holds: the builder's code, its translations, the content.
CODE = ("site_builder", "quiz_api", "i18n", "mkdocs.yml")
NOW = "2026-12-01T12:00"  # the site's clock during these tests (SITE_NOW)
SITE_URL = "https://jd.example.org/"


def post(title: str, date: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\nsummary: {title}。\n{extra}---\n\n{title}的正文。\n"


def run(
    cmd: list[str], cwd: Path, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"{cmd} failed:\n{done.stdout}\n{done.stderr}")
    return done


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@dataclass
class Site:
    bare: Path
    clone: Path
    web: WebRoot
    env: dict[str, str]

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run(["git", *args], self.clone, self.env, check)

    def commit(self, files: dict[str, str], message: str) -> str:
        for rel, text in files.items():
            path = self.clone / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").stdout.strip()

    def push(self, *refspec: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.git("push", "origin", *(refspec or ("HEAD:main",)), check=check)

    def push_in_background(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            ["git", "push", "origin", "HEAD:main"],
            cwd=self.clone,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def main(self) -> str:
        return run(["git", "rev-parse", "main"], self.bare, self.env).stdout.strip()

    def live(self) -> ReleaseInfo:
        live = self.web.live()
        assert live is not None
        return ReleaseInfo.read(live)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """The operator's command line (this checkout's code, like the hooks')."""
        command = [sys.executable, "-m", "site_builder", *args]
        return run(command, self.bare, {**self.env, "PYTHONPATH": str(ROOT)}, check)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    base = tmp_path_factory.mktemp("publish")
    # Hardly any environment, as on a git server: no PYTHONPATH, no virtualenv; the hooks
    # must find their Python and its code by themselves.
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(base)),
        "SITE_NOW": NOW,
        # one language keeps each build to seconds; the hooks check all four
        "SITE_BUILD_LANGS": "zh",
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
    }
    work = base / "work"
    for name in CODE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, work / name)
    write_sample(work / "content", campaigns=False)
    run(["git", "init", "-q", "-b", "main"], work, env)
    run(["git", "add", "-A"], work, env)
    run(["git", "commit", "-q", "-m", "the site"], work, env)
    bare = base / "site.git"
    run(["git", "clone", "-q", "--bare", str(work), str(bare)], base, env)
    web = WebRoot(base / "www")
    install = [sys.executable, "-m", "site_builder", "hooks", "install"]
    installed = run(
        [*install, "--repo", str(bare), "--web-root", str(web.root), "--site-url", SITE_URL],
        base,
        {**env, "PYTHONPATH": str(ROOT)},
    )
    assert "published" in installed.stdout
    clone = base / "clone"
    run(["git", "clone", "-q", str(bare), str(clone)], base, env)
    return Site(bare, clone, web, env)


def test_install_publishes_main_at_once(site: Site) -> None:
    assert site.web.current.is_symlink()
    assert site.live().commit == site.main()
    hook = (site.bare / "hooks" / "post-receive").read_text()
    assert sys.executable in hook and "hooks post-receive" in hook


def test_a_good_post_goes_live(site: Site) -> None:
    before = site.web.live()
    sha = site.commit(
        {"content/zh/posts/2026-11-30-good-news.md": post("好消息", "2026-11-30")}, "a post"
    )
    pushed = site.push()
    assert f"published {sha}" in pushed.stderr  # git shows the hook's output as remote: lines
    assert site.web.live() != before
    assert site.live().commit == sha
    page = (site.web.current / "posts" / "2026-11-30-good-news" / "index.html").read_text()
    assert "好消息" in page
    assert f'<meta name="release" content="{sha}">' in page
    assert 'name="robots"' not in page


def test_a_broken_post_is_refused_with_file_and_line(site: Site) -> None:
    live = site.web.live()
    releases = site.web.release_names()
    main = site.main()
    site.commit(
        {
            "content/zh/posts/2026-11-29-broken.md": "---\ndate: 2026-11-29\nsummary: 无题\n---\n\n正文\n"
        },
        "a post without title",
    )
    pushed = site.push(check=False)
    # published by hand, the same commit fails its build and leaves the web root as it was
    by_hand = site.cli(
        *("publish", "--repo", str(site.clone), "--web-root", str(site.web.root)), check=False
    )
    site.git("reset", "-q", "--hard", "origin/main")
    assert by_hand.returncode == 1
    assert "content/zh/posts/2026-11-29-broken.md:4: missing title" in by_hand.stderr
    assert "not published; the live site is unchanged" in by_hand.stderr
    assert list(site.web.work.iterdir()) == []
    assert pushed.returncode != 0
    assert "content/zh/posts/2026-11-29-broken.md:4: missing title — add a line 'title:" in (
        pushed.stderr
    )
    assert site.main() == main
    assert site.web.live() == live
    assert site.web.release_names() == releases


def test_a_scheduled_post_appears_when_its_time_has_come(site: Site) -> None:
    site.commit(
        {
            "content/zh/posts/2026-12-24-christmas-eve.md": post("平安夜活动", "2026-12-24"),
            "content/zh/posts/2026-11-28-unfinished.md": post(
                "未完成", "2026-11-28", "draft: true\n"
            ),
        },
        "a scheduled post and a draft",
    )
    site.push()
    pages = site.web.current / "posts"
    assert not (pages / "2026-12-24-christmas-eve").exists()
    assert not (pages / "2026-11-28-unfinished").exists()
    for listing in ("feed.xml", "sitemap.xml", "posts/index.html", "search/search_index.json"):
        text = (site.web.current / listing).read_text()
        assert "christmas-eve" not in text and "平安夜活动" not in text, listing
        assert "unfinished" not in text, listing
    release = site.web.live()
    web_root = str(site.web.root)
    early = site.cli("publish", "--web-root", web_root, "--if-due", "--now", "2026-12-23T23:59")
    assert "nothing due" in early.stdout and site.web.live() == release
    due = site.cli("publish", "--web-root", web_root, "--if-due", "--now", "2026-12-24T00:00")
    assert "published" in due.stdout
    assert (pages / "2026-12-24-christmas-eve" / "index.html").is_file()
    assert "平安夜活动" in (site.web.current / "feed.xml").read_text()
    assert not (pages / "2026-11-28-unfinished").exists()


def test_a_branch_gets_a_preview_until_it_is_deleted(site: Site) -> None:
    live = site.web.live()
    site.git("checkout", "-q", "-b", "feature/june")
    site.commit(
        {"content/zh/posts/2026-11-27-draft.md": post("预览草稿", "2026-11-27", "draft: true\n")},
        "draft",
    )
    site.push("HEAD:refs/heads/feature/june")
    site.git("checkout", "-q", "main")
    preview = site.web.previews / "feature-june"
    page = (preview / "posts" / "2026-11-27-draft" / "index.html").read_text()
    assert '<meta name="robots" content="noindex">' in page
    assert "Preview" in page and "Draft: never published" in page
    assert "/preview/feature-june/" in (preview / "index.html").read_text()  # its own URLs
    assert site.web.live() == live
    site.push("--delete", "feature/june")
    assert not preview.exists()


def test_rollback_restores_the_previous_release_byte_for_byte(site: Site) -> None:
    before = tree_bytes(site.web.current)
    site.commit(
        {"content/zh/posts/2026-11-26-mistake.md": post("错误的文章", "2026-11-26")}, "oops"
    )
    site.push()
    assert tree_bytes(site.web.current) != before
    rolled = site.cli("rollback", "--web-root", str(site.web.root))
    assert "rolled back" in rolled.stdout
    assert tree_bytes(site.web.current) == before


def test_two_quick_pushes_end_with_the_later_commit_live(site: Site) -> None:
    # Holding the publish lock keeps both hooks waiting, so both pushes are in flight at
    # once whatever the machine's speed; the branch moves before post-receive runs.
    with lock.exclusive(site.web.root):
        first = site.commit({"content/zh/posts/2026-11-25-one.md": post("第一", "2026-11-25")}, "1")
        push_first = site.push_in_background()
        wait_for(lambda: site.main() == first)
        second = site.commit(
            {"content/zh/posts/2026-11-24-two.md": post("第二", "2026-11-24")}, "2"
        )
        push_second = site.push_in_background()
        wait_for(lambda: site.main() == second)
    # communicate, not wait: the pushes' output is read (a full pipe would block them) and
    # their pipes closed
    for push in (push_first, push_second):
        _, errors = push.communicate(timeout=300)
        assert push.returncode == 0, errors  # git push reports on stderr
    assert site.live().commit == second
    assert (site.web.current / "posts" / "2026-11-25-one" / "index.html").is_file()


def test_the_question_bank_is_checked_again_only_when_the_push_touches_it(
    tmp_path: Path,
) -> None:
    from site_builder.publish.gitbuild import ZERO
    from site_builder.publish.hooks import RefUpdate, _touches_quiz

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="E", GIT_AUTHOR_EMAIL="e@x", GIT_COMMITTER_NAME="E")
    env.update(GIT_COMMITTER_EMAIL="e@x")

    def commit(rel: str) -> str:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
        run(["git", "add", "-A"], tmp_path, env)
        run(["git", "commit", "-q", "-m", rel], tmp_path, env)
        return run(["git", "rev-parse", "HEAD"], tmp_path, env).stdout.strip()

    run(["git", "init", "-q", "-b", "main"], tmp_path, env)
    base = commit("content/zh/index.md")
    post_only = commit("content/zh/posts/2026-11-30-a.md")
    bank = commit("content/quiz/adult/q.yaml")
    assert not _touches_quiz(tmp_path, RefUpdate(base, post_only, "refs/heads/main"))
    assert _touches_quiz(tmp_path, RefUpdate(post_only, bank, "refs/heads/main"))
    assert _touches_quiz(tmp_path, RefUpdate(ZERO, post_only, "refs/heads/new"))
