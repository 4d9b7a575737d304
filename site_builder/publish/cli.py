"""``python -m site_builder publish|rollback|hooks|tree``: publishing by git (typer)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from site_builder.publish import hooks
from site_builder.publish.gitbuild import GitError, git
from site_builder.publish.publisher import MAIN_BRANCH, Publisher, PublishFailed
from site_builder.publish.releases import RollbackImpossible, WebRoot

app = typer.Typer(
    help="Publish the site from git: releases, rollback, git hooks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
hooks_app = typer.Typer(help="Git hooks of a bare content repository.", no_args_is_help=True)
tree_app = typer.Typer(
    help="Check or build the tree in the working directory (what the hooks run with the "
    "pushed commit's own code).",
    no_args_is_help=True,
)
app.add_typer(hooks_app, name="hooks")
app.add_typer(tree_app, name="tree")

WebRootOption = Annotated[Path, typer.Option("--web-root", help="Folder the web server serves")]
SiteUrlOption = Annotated[
    str | None, typer.Option("--site-url", help="Canonical base URL (default: $SITE_URL)")
]
RepoOption = Annotated[Path, typer.Option("--repo", help="Repository (default: the current one)")]
MainOption = Annotated[str, typer.Option("--main", help="The branch that is published")]
NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        envvar="SITE_NOW",
        help="Clock for scheduled posts, local time of the site, e.g. 2026-06-26T09:00",
    ),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def _repository(path: Path) -> Path:
    """The git directory of the repository at path (a bare repository or a work tree)."""
    try:
        return Path(git(path, "rev-parse", "--absolute-git-dir"))
    except GitError as exc:
        raise _fail(f"{path} is not in a git repository: {exc}") from exc


@app.command("publish")
def publish(
    web_root: WebRootOption,
    commit: Annotated[
        str | None, typer.Option("--commit", help="Commit to publish (default: the main branch)")
    ] = None,
    repo: RepoOption = Path(),
    if_due: Annotated[
        bool,
        typer.Option("--if-due", help="Rebuild the live commit only if a scheduled post is due"),
    ] = False,
    site_url: SiteUrlOption = None,
    main: MainOption = MAIN_BRANCH,
    now: NowOption = None,
) -> None:
    """Build a commit into a new release and make it live."""
    publisher = Publisher(_repository(repo), WebRoot(web_root), site_url, main, now)
    try:
        typer.echo(publisher.publish_if_due() if if_due else publisher.publish(commit))
    except (PublishFailed, GitError) as exc:
        raise _fail(f"{exc}\nnot published; the live site is unchanged") from exc


@app.command("preview")
def preview(
    web_root: WebRootOption,
    branch: Annotated[str, typer.Option("--branch", help="Branch the preview is named after")],
    commit: Annotated[
        str | None, typer.Option("--commit", help="Commit to build (default: the branch)")
    ] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="Remove the branch's preview instead")
    ] = False,
    repo: RepoOption = Path(),
    site_url: SiteUrlOption = None,
    now: NowOption = None,
) -> None:
    """Build a branch as its preview at /preview/<branch>/ (or remove that preview)."""
    if remove:  # no repository needed: the branch is gone
        typer.echo(Publisher(repo, WebRoot(web_root)).remove_preview(branch))
        return
    publisher = Publisher(_repository(repo), WebRoot(web_root), site_url, now=now)
    try:
        typer.echo(publisher.preview(branch, commit))
    except (PublishFailed, GitError) as exc:
        raise _fail(f"{exc}\npreview not built") from exc


@app.command("rollback")
def rollback(web_root: WebRootOption) -> None:
    """Make the release that was live before the current one live again."""
    try:
        typer.echo(Publisher(Path(), WebRoot(web_root)).rollback())
    except RollbackImpossible as exc:
        raise _fail(str(exc)) from exc


@hooks_app.command("install")
def hooks_install(
    repo: Annotated[Path, typer.Option("--repo", help="The bare repository, e.g. site.git")],
    web_root: WebRootOption,
    site_url: SiteUrlOption = None,
    main: MainOption = MAIN_BRANCH,
) -> None:
    """Install pre-receive and post-receive, create the web root, publish main now."""
    publisher = Publisher(repo.resolve(), WebRoot(web_root.resolve()), site_url, main)
    try:
        for line in hooks.install(publisher):
            typer.echo(line)
    except (PublishFailed, GitError) as exc:
        raise _fail(str(exc)) from exc


@hooks_app.command("pre-receive")
def hooks_pre_receive(
    web_root: WebRootOption, site_url: SiteUrlOption = None, main: MainOption = MAIN_BRANCH
) -> None:
    """(Run by git) Refuse the push when a pushed branch has problems."""
    publisher = Publisher(Path.cwd(), WebRoot(web_root), site_url, main)
    problems = hooks.pre_receive(publisher, hooks.updates_from_stdin())
    if problems:
        raise _fail("\n".join([*problems, "push refused: fix the lines above and push again"]))


@hooks_app.command("post-receive")
def hooks_post_receive(
    web_root: WebRootOption, site_url: SiteUrlOption = None, main: MainOption = MAIN_BRANCH
) -> None:
    """(Run by git) Publish main, build previews of other branches, remove deleted ones."""
    publisher = Publisher(Path.cwd(), WebRoot(web_root), site_url, main)
    messages, ok = hooks.post_receive(publisher, hooks.updates_from_stdin())
    for line in messages:
        typer.echo(line)
    if not ok:
        raise typer.Exit(1)


@tree_app.command("check")
def tree_check(
    quiz: Annotated[
        bool, typer.Option("--quiz/--no-quiz", help="Also check the question bank and surveys")
    ] = True,
) -> None:
    """Validate content, question bank, campaigns, surveys and translations."""
    from site_builder.publish.tree import check

    problems = check(quiz=quiz)
    if problems:
        raise _fail("\n".join(problems))
    typer.echo("no problems")


@tree_app.command("build")
def tree_build(
    out: Annotated[Path, typer.Option("--out", help="Where to build the site")],
    commit: Annotated[str, typer.Option("--commit", help="Commit recorded in release.json")],
    branch: Annotated[str, typer.Option("--branch")] = MAIN_BRANCH,
    site_url: SiteUrlOption = None,
) -> None:
    """Build the tree's content/ into out and write release.json."""
    from site_builder.build import BuildError
    from site_builder.content import ContentError
    from site_builder.publish.tree import build

    try:
        info = build(out, commit=commit, branch=branch, site_url=site_url)
    except ContentError as exc:
        raise _fail("\n".join(str(p) for p in exc.problems)) from exc
    except BuildError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"built {info.commit}")
