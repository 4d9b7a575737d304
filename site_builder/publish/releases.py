"""The web root: immutable releases, the ``current`` symlink, rollback, pruning, previews.

``current`` is switched by creating a new symlink beside it and renaming it over the old
one (``os.replace``), so the web server sees either the old or the new release, never a
missing or half-built one. A release enters ``releases/`` by one rename of a finished build,
so a failed build leaves nothing there. ``history`` lists the releases that were made live,
oldest first; rollback steps back through it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

KEEP_RELEASES = 10


class RollbackImpossible(Exception):
    """No earlier release to go back to."""


def preview_name(branch: str) -> str:
    """Folder of a branch's preview: a '/' in the branch name becomes '-'."""
    return branch.replace("/", "-")


@dataclass(frozen=True)
class WebRoot:
    root: Path

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def current(self) -> Path:
        return self.root / "current"

    @property
    def previews(self) -> Path:
        return self.root / "preview"

    @property
    def history_file(self) -> Path:
        return self.root / "history"

    @property
    def work(self) -> Path:
        return self.root / ".work"

    def create(self) -> None:
        for folder in (self.releases, self.previews, self.work):
            folder.mkdir(parents=True, exist_ok=True)

    def staging(self) -> Path:
        """An empty place on the web root's file system to build into (renamed, not copied)."""
        self.create()
        return Path(tempfile.mkdtemp(prefix="build-", dir=self.work))

    def live(self) -> Path | None:
        if not self.current.is_symlink():
            return None
        return self.root / os.readlink(self.current)

    def release_names(self) -> list[str]:
        if not self.releases.is_dir():
            return []
        return sorted(p.name for p in self.releases.iterdir() if p.is_dir())

    def history(self) -> list[str]:
        if not self.history_file.exists():
            return []
        return [n for n in self.history_file.read_text("utf-8").split() if n]

    def _write_history(self, names: list[str]) -> None:
        tmp = self.history_file.with_name(".history.tmp")
        tmp.write_text("".join(f"{n}\n" for n in names), "utf-8")
        os.replace(tmp, self.history_file)

    def add(self, built: Path, commit: str, now: dt.datetime | None = None) -> Path:
        """Move a finished build into releases/ as <UTC time>-<short commit>."""
        moment = now or dt.datetime.now(dt.UTC)
        # Microseconds keep two publishes within one second apart and the names sortable.
        name = f"{moment.strftime('%Y%m%dT%H%M%S.%fZ')}-{commit[:7]}"
        target = self.releases / name
        os.replace(built, target)
        return target

    def _point_current(self, release: Path) -> None:
        link = self.root / f".current.{os.getpid()}"
        if link.is_symlink():
            link.unlink()
        link.symlink_to(release.relative_to(self.root))
        os.replace(link, self.current)

    def switch(self, release: Path) -> None:
        """Make release live and remember it for rollback."""
        self._point_current(release)
        self._write_history([*self.history(), release.name])

    def rollback(self) -> Path:
        """Make the release that was live before the current one live again."""
        history = [n for n in self.history() if (self.releases / n).is_dir()]
        live = self.live()
        if live is not None and history and history[-1] == live.name:
            history.pop()
        if not history:
            raise RollbackImpossible("no earlier release to roll back to")
        target = self.releases / history[-1]
        self._point_current(target)
        self._write_history(history)
        return target

    def prune(self, keep: int = KEEP_RELEASES) -> list[str]:
        """Delete all but the newest `keep` releases (never the live one)."""
        live = self.live()
        names = self.release_names()
        doomed = [n for n in names[: max(0, len(names) - keep)] if live is None or n != live.name]
        for name in doomed:
            shutil.rmtree(self.releases / name)
        if doomed:  # rollback can no longer reach them: keep the history as short
            self._write_history([n for n in self.history() if n not in doomed])
        return doomed

    def preview(self, branch: str) -> Path:
        return self.previews / preview_name(branch)

    def put_preview(self, built: Path, branch: str) -> Path:
        """Replace a branch's preview by a finished build (old one moved aside first)."""
        target = self.preview(branch)
        self.previews.mkdir(parents=True, exist_ok=True)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix="old-preview-", dir=self.work))
            os.replace(target, old / "site")
        os.replace(built, target)
        if old is not None:
            shutil.rmtree(old)
        return target

    def remove_preview(self, branch: str) -> bool:
        target = self.preview(branch)
        if not target.exists():
            return False
        shutil.rmtree(target)
        return True
