"""Publish a commit of a repository into a web root: check, build, add, switch, prune.

Every step that changes the web root runs under the web root's lock, and the commit to
publish is read from the branch *inside* the lock: of two quick pushes, whichever hook gets
the lock last finds the later commit on the branch, so the later commit ends up live.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from site_builder import site_url as default_site_url
from site_builder.publish import lock
from site_builder.publish.gitbuild import TreeRun, extracted, resolve, run_tree
from site_builder.publish.pages import RELEASE_ENV
from site_builder.publish.releases import WebRoot, preview_name
from site_builder.publish.tree import ReleaseInfo
from site_builder.schedule import NOW_ENV, PREVIEW_ENV, local_now

MAIN_BRANCH = "main"


class PublishFailed(Exception):
    """The commit could not be checked or built; the message says why (file:line lines)."""


@dataclass(frozen=True)
class Publisher:
    repo: Path
    web: WebRoot
    site_url: str | None = None  # canonical base URL; default $SITE_URL
    main: str = MAIN_BRANCH
    now: str | None = None  # the clock (SITE_NOW) for scheduled posts; default: real time

    def _env(self, commit: str, preview: str | None = None) -> dict[str, str]:
        env = {RELEASE_ENV: commit}
        if preview is not None:
            env[PREVIEW_ENV] = preview
        if self.now:
            env[NOW_ENV] = self.now
        return env

    def check(self, commit: str, *, quiz: bool = True) -> TreeRun:
        """Validate the tree of commit with its own code (nothing is built or changed)."""
        args = ["tree", "check", "--quiz" if quiz else "--no-quiz"]
        with extracted(self.repo, commit) as tree:
            return run_tree(tree, args, self._env(commit))

    def _build(self, commit: str, branch: str, *, preview: bool) -> Path:
        """Build commit into a staging folder of the web root; returns the built site."""
        base = self.site_url or default_site_url()
        if not base.endswith("/"):
            base += "/"
        if preview:
            base += f"preview/{preview_name(branch)}/"
        staging = self.web.staging()
        out = staging / "site"
        args = ["tree", "build", "--out", str(out), "--commit", commit, "--branch", branch]
        env = self._env(commit, branch if preview else None)
        try:
            with extracted(self.repo, commit) as tree:
                run = run_tree(tree, [*args, "--site-url", base], env)
            if not run.ok or not out.is_dir():
                raise PublishFailed(run.output or f"building {commit[:7]} failed")
        except BaseException:  # nothing of a failed build stays in the web root
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return out

    def _release(self, commit: str) -> str:
        built = self._build(commit, self.main, preview=False)
        release = self.web.add(built, commit)
        shutil.rmtree(built.parent, ignore_errors=True)
        self.web.switch(release)
        self.web.prune()
        return f"published {commit} ({release.name})"

    def live_info(self) -> ReleaseInfo | None:
        live = self.web.live()
        return ReleaseInfo.read(live) if live is not None else None

    def publish(self, rev: str | None = None, *, unless_live: bool = False) -> str:
        """Build rev (default: the main branch, read under the lock) and make it live."""
        with lock.exclusive(self.web.root):
            wanted = rev or f"refs/heads/{self.main}"
            commit = resolve(self.repo, wanted)
            if commit is None:
                raise PublishFailed(f"no commit {wanted!r} in {self.repo}")
            live = self.live_info()
            if unless_live and live is not None and live.commit == commit:
                return f"already live: {commit}"
            return self._release(commit)

    def publish_if_due(self) -> str:
        """Rebuild the live commit when a scheduled post has fallen due since it was built."""
        with lock.exclusive(self.web.root):
            live = self.live_info()
            if live is None:
                return "nothing is live yet; run publish first"
            env = {**os.environ, NOW_ENV: self.now} if self.now else os.environ
            if live.next_due is None or local_now(env) < dt.datetime.fromisoformat(live.next_due):
                return "nothing due"
            return self._release(live.commit)

    def rollback(self) -> str:
        with lock.exclusive(self.web.root):
            release = self.web.rollback()
            return f"rolled back to {ReleaseInfo.read(release).commit} ({release.name})"

    def preview(self, branch: str, rev: str | None = None) -> str:
        """Build rev (default: the branch's tip, read under the lock) as the branch's
        preview; remove the preview when the branch no longer exists."""
        with lock.exclusive(self.web.root):
            commit = resolve(self.repo, rev or f"refs/heads/{branch}")
            if commit is None and rev is not None:
                raise PublishFailed(f"no commit {rev!r} in {self.repo}")
            if commit is None:
                return self._remove_preview(branch)
            built = self._build(commit, branch, preview=True)
            target = self.web.put_preview(built, branch)
            shutil.rmtree(built.parent, ignore_errors=True)
            return f"preview of {branch} at {commit[:7]}: /preview/{target.name}/"

    def _remove_preview(self, branch: str) -> str:
        removed = self.web.remove_preview(branch)
        return f"preview of {branch} removed" if removed else f"no preview of {branch}"

    def remove_preview(self, branch: str) -> str:
        with lock.exclusive(self.web.root):
            return self._remove_preview(branch)
