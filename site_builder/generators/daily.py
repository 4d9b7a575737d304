"""The daily question's page (daily/), where its app mounts (site_builder/quiz_app/daily.js),
and the flag that puts today's question on the home page. Made only when the content has a
daily question (content/daily/): without it the API answers 404 and there is nothing to show."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from site_builder.generators.base import Generator, front, md_link
from site_builder.generators.quiz import PAGE as QUIZ_PAGE

PAGE = "daily/index.md"
DAILY_DIR = "daily"  # below content/, as quiz_api.content.daily reads it


class DailyGenerator(Generator):
    @property
    def enabled(self) -> bool:
        return (self.ctx.content_root / DAILY_DIR).is_dir()

    def on_config(self, config: MkDocsConfig) -> None:
        # Read by main.html (the home page's block) and sb_quiz.html (the result's link).
        config.extra["sb_daily"] = self.enabled

    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        if not self.enabled:
            return
        ctx = self.ctx
        meta = {
            "title": ctx.gettext("Daily question"),
            "description": ctx.gettext(
                "One question on drugs and the law every day: answer it, read the explanation "
                "and keep your streak."
            ),
            "template": "sb_daily.html",
            "hide": ["toc"],
        }
        body = (
            front(meta)
            + ctx.gettext(
                "A new question every day, the same for everyone. Answer it to see the "
                "explanation and its source; answer on consecutive days to build a streak (one "
                "missed day a week is forgiven). Past questions are below."
            )
            + "\n\n"
            + f"- [{ctx.gettext('Knowledge challenge')}]({md_link(QUIZ_PAGE, PAGE)})\n"
        )
        ctx.add(files, config, PAGE, body)
