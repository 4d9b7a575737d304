"""Take a commit out of a repository with ``git archive`` and let its own code check or
build it (``python -m site_builder tree ...`` inside the extracted tree)."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ZERO = "0" * 40


class GitError(Exception):
    """A git command failed; the message is git's."""


def git(repo: Path, *args: str) -> str:
    """Run git in repo (a bare repository or a work tree) and return its stdout.

    The environment is passed on as is: inside a pre-receive hook it points git at the
    quarantined objects of the push, which is what makes the pushed commits readable."""
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or f"git {' '.join(args)} failed")
    return done.stdout.strip()


def resolve(repo: Path, rev: str) -> str | None:
    """Full id of the commit rev names, or None when it names nothing."""
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except GitError:
        return None


@contextmanager
def extracted(repo: Path, commit: str) -> Iterator[Path]:
    """The tree of commit in a temporary folder (deleted afterwards)."""
    with tempfile.TemporaryDirectory(prefix="site-tree-") as tmp:
        tree = Path(tmp)
        proc = subprocess.Popen(
            ["git", "archive", "--format=tar", commit],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
            archive.extractall(tree, filter="data")
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        if proc.wait() != 0:
            raise GitError(stderr.strip() or f"git archive {commit} failed")
        yield tree


@dataclass(frozen=True)
class TreeRun:
    ok: bool
    output: str


def run_tree(tree: Path, args: list[str], env: Mapping[str, str] | None = None) -> TreeRun:
    """Run ``python -m site_builder <args>`` with the tree's own code, in the tree."""
    # Without git's variables: a hook's GIT_DIR is relative to the repository, not the tree.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    full_env = {**inherited, **(env or {}), "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        cwd=tree,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return TreeRun(done.returncode == 0, done.stdout.strip())
