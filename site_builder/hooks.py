"""MkDocs hooks of the site (listed under `hooks:` in mkdocs.yml).

They run inside each language's MkDocs build and generate, at build time, everything that is
not a Markdown file of content/: fallback pages, post lists, tag pages, the quiz entry page,
the daily question's page, poster pages and files, the exhibition, the RSS feed, QR codes and hashed assets. Each job
is a generator (site_builder/generators/); every hook calls the generators in order.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # pragma: no cover - only when MkDocs is run from elsewhere
    sys.path.insert(0, _ROOT)

from site_builder.generators.assets import AssetsGenerator  # noqa: E402
from site_builder.generators.base import BuildContext, Generator  # noqa: E402
from site_builder.generators.daily import DailyGenerator  # noqa: E402
from site_builder.generators.exhibition import ExhibitionGenerator  # noqa: E402
from site_builder.generators.nav import NavGenerator  # noqa: E402
from site_builder.generators.pages import PagesGenerator  # noqa: E402
from site_builder.generators.posters import PostersGenerator  # noqa: E402
from site_builder.generators.posts import PostsGenerator  # noqa: E402
from site_builder.generators.qrcodes import QrGenerator  # noqa: E402
from site_builder.generators.quiz import QuizGenerator  # noqa: E402
from site_builder.generators.release import ReleaseGenerator  # noqa: E402
from site_builder.generators.search import SearchGenerator  # noqa: E402

# In this order: withheld posts (drafts, scheduled) leave before anything lists them, the
# exhibition page exists before the pages' fallbacks are added, and the navigation is made
# last, from every page the others added.
GENERATORS: tuple[type[Generator], ...] = (
    ReleaseGenerator,
    ExhibitionGenerator,
    PagesGenerator,
    AssetsGenerator,
    SearchGenerator,
    PostsGenerator,
    QuizGenerator,
    DailyGenerator,
    PostersGenerator,
    QrGenerator,
    NavGenerator,
)
# The build's generators travel with its config: MkDocs loads this module once per process
# and a worker process may build several languages one after the other.
_KEY = "sb_generators"


def _generators(config: MkDocsConfig) -> list[Generator]:
    generators = config[_KEY]
    assert isinstance(generators, list)
    return generators


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    ctx = BuildContext.from_config(config)
    config[_KEY] = [generator(ctx) for generator in GENERATORS]
    for generator in _generators(config):
        generator.on_config(config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for generator in _generators(config):
        generator.on_files(files, config)
    return files


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    for generator in _generators(config):
        generator.on_env(env, config)
    return env


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    for generator in _generators(config):
        markdown = generator.on_page_markdown(markdown, page, config)
    return markdown


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    for generator in _generators(config):
        output = generator.on_post_page(output, page, config)
    return output


def on_post_build(config: MkDocsConfig) -> None:
    for generator in _generators(config):
        generator.on_post_build(config)
