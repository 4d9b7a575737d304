"""The entry page of the knowledge challenge (quiz/), where the quiz H5 app mounts."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from site_builder.generators.base import Generator, front, md_link

PAGE = "quiz/index.md"


class QuizGenerator(Generator):
    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        ctx = self.ctx
        links = [
            f"- [{label}]({md_link(src, PAGE)})"
            for src, label in (
                ("challenge/about.md", ctx.gettext("Challenge rules")),
                ("challenge/privacy.md", ctx.gettext("Privacy notice")),
            )
            if src in ctx.here.known
        ]
        meta = {
            "title": ctx.gettext("Knowledge challenge"),
            "description": ctx.gettext(
                "Answer questions about drugs, the law and how to say no, in your language."
            ),
            "template": "sb_quiz.html",
            "hide": ["toc"],
            "sb_quiz": True,
        }
        body = (
            front(meta)
            + ctx.gettext(
                "Test what you know about drug prevention: answer the questions, see the right "
                "answers with explanations, and compare your score with your school or district."
            )
            + "\n\n"
            + "\n".join(links)
            + "\n"
        )
        ctx.add(files, config, PAGE, body)
