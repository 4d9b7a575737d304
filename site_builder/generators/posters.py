"""Campaign posters: a page per campaign with its QR codes, and the printable A4 posters
(one per kind: school, community, workplace) drawn after the build."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from quiz_api.content.bank import CampaignSpec
from quiz_api.rendering.raster import qr_png
from site_builder import poster
from site_builder.generators.base import SITE_NAME, Generator, _, front, md_escape, md_link

INDEX = "posters/index.md"
KIND_LABELS = {
    "school": _("School poster"),
    "community": _("Community poster"),
    "workplace": _("Workplace poster"),
}


class PostersGenerator(Generator):
    @property
    def kinds(self) -> list[str]:
        return list(self.ctx.options.get("poster_kinds") or ["school"])

    def quiz_url(self, campaign: CampaignSpec, kind: str) -> str:
        return f"{self.ctx.lang_url}quiz/?campaign={campaign.id}&src=poster-{kind}"

    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        ctx = self.ctx
        if not ctx.campaigns:
            return
        index = [front({"title": ctx.gettext("Posters"), "hide": ["toc"]})]
        for campaign in ctx.campaigns:
            src = f"posters/{campaign.id}.md"
            name = campaign.name.get(ctx.lang)
            description = campaign.description.get(ctx.lang)
            index.append(f"- [{md_escape(name)}]({md_link(src, INDEX)})\n")
            meta = {
                "title": ctx.gettext("Poster: %(name)s", name=name),
                "description": description,
                "template": "sb_poster.html",
                "hide": ["toc"],
                "search": {"exclude": True},
                "sb_poster": {
                    "id": campaign.id,
                    "kinds": [
                        {
                            "kind": kind,
                            "label": ctx.gettext(KIND_LABELS.get(kind, kind)),
                            "url": self.quiz_url(campaign, kind),
                            "qr": f"qr-{kind}.png",
                            "png": f"poster-{campaign.id}-{kind}-a4.png",
                        }
                        for kind in self.kinds
                    ],
                },
            }
            ctx.add(files, config, src, front(meta) + md_escape(description) + "\n")
        ctx.add(files, config, INDEX, "".join(index))

    def on_post_build(self, config: MkDocsConfig) -> None:
        ctx = self.ctx
        for campaign in ctx.campaigns:
            folder = Path(config.site_dir) / "posters" / campaign.id
            folder.mkdir(parents=True, exist_ok=True)
            for kind in self.kinds:
                url = self.quiz_url(campaign, kind)
                (folder / f"qr-{kind}.png").write_bytes(qr_png(url))
                poster.render(
                    folder / f"poster-{campaign.id}-{kind}-a4.png",
                    lang=ctx.lang,
                    title=campaign.name.get(ctx.lang),
                    subtitle=campaign.description.get(ctx.lang)[:140],
                    call=ctx.gettext("Scan the code to take the knowledge challenge"),
                    url=url,
                    footer=ctx.gettext(SITE_NAME),
                )
