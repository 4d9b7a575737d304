"""The VR exhibition hall: `exhibition/` in every language.

One page per language holds two things:

- the whole exhibition as plain semantic HTML (sections, boards, sources): what a screen
  reader, a browser without JavaScript and a phone whose WebGL fails get, and what search
  indexes;
- the hall's place, kept at its size by a light preview of the first room (a blurred WebP of
  a few KB) and a button "Enter the VR hall": only that tap loads Pannellum's script and
  stylesheet and the first room's faces. exhibition.js (small, deferred) then starts one
  Pannellum viewer for the whole hall (tour mode, one scene per section), with hotspots that
  open a board in a dialog, arrows to walk to the next or previous room, and buttons outside
  the canvas for keyboard users. Each room shown is counted anonymously with
  POST /api/v1/visits {"page": "exhibition/<lang>/<id>"}.

The page's own styles are inline (nothing render-blocking of ours), the viewer's files are
fetched on the tap, images below the fold load lazily.

Rooms without a panorama photo are drawn at build time (see rooms.py). The build's generator
is site_builder/generators/exhibition.py; nothing happens when the content has no
content/exhibition/hall.yaml.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.utils import get_relative_url
from PIL import Image, ImageFilter

from quiz_api.rendering.raster import qr_png
from site_builder import PACKAGE_DIR, poster
from site_builder.exhibition.hall import Hall, Section
from site_builder.exhibition.labels import LABELS, label
from site_builder.exhibition.rooms import (
    RENDER_VERSION,
    FaceSpec,
    cache_dir,
    direction,
    render_faces,
)
from site_builder.generators.base import front as front_matter

log = logging.getLogger("mkdocs.site_builder.exhibition")

PAGE = "exhibition/index.md"
PAGE_URL = "exhibition/"  # its URL below the language root
STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = PACKAGE_DIR / "vendor" / "pannellum"
PANNELLUM_VERSION = "2.5.7"
MAX_PANORAMA_WIDTH = 2048  # wider textures fail on some phones (pannellum #737)
# The first room's preview: soft (its words are in the text version below), a few KB.
PREVIEW_SIZE = 400
PREVIEW_BLUR = 1.5
PREVIEW_QUALITY = 50

__all__ = ["LABELS", "PAGE", "PAGE_URL", "Exhibition"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


# Where each board hangs: (wall, u, v) of its hotspot, by number of boards in the room.
def _board_places(n: int) -> list[tuple[str, float, float]]:
    single = 0.86, 0.2  # the top right corner of a wall-wide board
    left_half, right_half = (0.43, 0.2), (0.93, 0.2)
    if n == 2:
        return [("right", *single), ("left", *single)]
    if n == 3:
        return [("right", *single), ("back", *single), ("left", *single)]
    return [("right", *single), ("back", *left_half), ("back", *right_half), ("left", *single)]


@dataclass
class Room:
    section: Section
    number: int
    faces: list[FaceSpec] = field(default_factory=list)
    panorama: str | None = None  # file name of a real photo (equirectangular)


@dataclass
class Exhibition:
    """The hall in one language's build."""

    hall: Hall
    lang: str
    lang_url: str  # absolute URL of this language's home, ends with '/'
    site_name: str
    rooms: list[Room] = field(default_factory=list)
    assets: dict[str, str] = field(default_factory=dict)  # key -> path below the site root
    preview: str = ""  # file name of the first room's preview in exhibition/rooms/
    timings: dict[str, float] = field(default_factory=dict)

    # ------------------------------------------------------------------ model
    def t(self, text: dict[str, str]) -> str:
        return text.get(self.lang) or text["zh"]

    def l(self, key: str, **values: Any) -> str:  # noqa: E743 - short on purpose
        return label(key, self.lang, **values)

    def plan(self) -> None:
        """The faces of every room (nothing drawn yet)."""
        total = len(self.hall.sections)
        band = self.t(self.hall.title)
        self.rooms = []
        for number, section in enumerate(self.hall.sections, start=1):
            room = Room(section=section, number=number)
            if section.panorama is not None:
                room.panorama = f"pano-{_digest(section.panorama)}.jpg"
            else:
                room.faces = self._faces(section, number, total, band)
            self.rooms.append(room)
        first = self.rooms[0]
        source = first.panorama or first.faces[0].key()
        self.preview = f"preview-{hashlib.sha256(source.encode()).hexdigest()[:10]}.webp"

    def _faces(self, section: Section, number: int, total: int, band: str) -> list[FaceSpec]:
        lang = self.lang
        boards = [
            (self.t(b.title), self.t(b.text), str(b.photo) if b.photo else "")
            for b in section.boards
        ]
        walls: dict[str, list[tuple[str, str, str]]] = {"right": [], "back": [], "left": []}
        for board, (name, _u, _v) in zip(boards, _board_places(len(boards)), strict=False):
            walls[name].append(board)
        title = self.t(section.title)

        def wall(name: str) -> FaceSpec:
            return FaceSpec(
                kind="boards", lang=lang, band=band, title=title, boards=tuple(walls[name])
            )

        front = FaceSpec(
            kind="front",
            lang=lang,
            band=band,
            number=f"{number} / {total}",
            title=title,
            body=self.t(section.intro),
            footer=self.l("source", source=self.t(section.source)),
        )
        return [
            front,
            wall("right"),
            wall("back"),
            wall("left"),
            FaceSpec(kind="ceiling", lang=""),
            FaceSpec(kind="floor", lang=""),
        ]

    def data(self) -> dict[str, Any]:
        """What exhibition.js needs (texts of boards stay in the HTML, found by id)."""
        rooms = []
        for room in self.rooms:
            s = room.section
            boards = []
            for j, (board, place) in enumerate(
                zip(s.boards, _board_places(len(s.boards)), strict=False), start=1
            ):
                yaw, pitch = direction(*place)
                yaw = board.yaw if board.yaw is not None else yaw
                pitch = board.pitch if board.pitch is not None else pitch
                boards.append(
                    {
                        "id": f"b-{s.id}-{j}",
                        "title": self.t(board.title),
                        "yaw": yaw,
                        "pitch": pitch,
                    }
                )
            entry: dict[str, Any] = {
                "id": s.id,
                "n": room.number,
                "title": self.t(s.title),
                "boards": boards,
            }
            if room.panorama:
                entry["panorama"] = f"rooms/{room.panorama}"
            else:
                entry["faces"] = [f"rooms/{f.file_name}" for f in room.faces]
            rooms.append(entry)
        return {
            "lang": self.lang,
            "api": "/api/v1",
            # Fetched on the tap on "Enter the VR hall", not with the page.
            "viewer": {
                "js": self.href(self.assets["pannellum_js"]),
                "css": self.href(self.assets["pannellum_css"]),
            },
            "preview": f"rooms/{self.preview}",
            "rooms": rooms,
            "labels": {key: self.l(key) for key in LABELS if key.startswith("js_")},
        }

    # ------------------------------------------------------------------ page
    def markdown(self) -> str:
        meta = {
            "title": self.t(self.hall.title),
            "description": self.t(self.hall.intro)[:160],
            "hide": ["toc"],
            "sb_exhibition": True,
        }
        return front_matter(meta) + self.body_html() + "\n"

    def body_html(self) -> str:
        total = len(self.rooms)
        out = ['<div class="sbx">']
        # Text first, then the hall's place at its final size: the first room's preview and
        # the button that loads the viewer. Nothing of the viewer is fetched before the tap.
        out.append(f'<p class="sbx-lead">{_esc(self.t(self.hall.intro))}</p>')
        first = self.rooms[0].section
        out.append(
            f'<section id="sbx-hall" class="sbx-hall" data-lang="{self.lang}" '
            'aria-labelledby="sbx-hall-title">'
            f'<h2 id="sbx-hall-title">{_esc(self.l("js_hall"))}</h2>'
            '<div class="sbx-stage">'
            f'<img class="sbx-preview" src="rooms/{self.preview}" width="{PREVIEW_SIZE}" '
            f'height="{PREVIEW_SIZE}" fetchpriority="high" '
            f'alt="{_esc(self.l("preview_alt", title=self.t(first.title)))}">'
            '<button type="button" class="sbx-btn sbx-start sbx-js-only">'
            f"{_esc(self.l('enter_hall'))}</button></div>"
            f'<noscript><p class="sbx-note">{_esc(self.l("noscript"))}</p></noscript>'
            "</section>"
        )
        out.append(f'<h2 id="sbx-text">{_esc(self.l("text_heading", total=total))}</h2>')
        out.append(f'<p class="sbx-note">{_esc(self.l("text_intro"))}</p>')
        out.append(f'<nav class="sbx-toc" aria-label="{_esc(self.l("toc"))}"><ol>')
        for room in self.rooms:
            s = room.section
            out.append(f'<li><a href="#s-{s.id}">{_esc(self.t(s.title))}</a></li>')
        out.append("</ol></nav>")
        for room in self.rooms:
            s = room.section
            out.append(
                f'<section class="sbx-section" id="s-{s.id}" data-room="{s.id}" '
                f'aria-labelledby="s-{s.id}-h">'
            )
            out.append(
                f'<h3 id="s-{s.id}-h"><span class="sbx-num">'
                f"{_esc(self.l('room_number', n=room.number, total=total))}</span> "
                f"{_esc(self.t(s.title))}</h3>"
            )
            out.append(
                f'<button type="button" class="sbx-btn sbx-enter sbx-js-only" data-room="{s.id}">'
                f"{_esc(self.l('enter_room'))}</button>"
            )
            out.append(f"<p>{_esc(self.t(s.intro))}</p>")
            for j, board in enumerate(s.boards, start=1):
                bid = f"b-{s.id}-{j}"
                out.append(
                    f'<section class="sbx-board" id="{bid}" aria-labelledby="{bid}-h">'
                    f'<h4 id="{bid}-h">{_esc(self.t(board.title))}</h4>'
                )
                if board.photo is not None:
                    name = self.photo_name(board.photo)
                    out.append(
                        f'<img src="rooms/{name}" loading="lazy" alt="{_esc(self.t(board.alt))}">'
                    )
                out.append(f"<p>{_esc(self.t(board.text))}</p></section>")
            out.append(
                f'<p class="sbx-source">{_esc(self.l("source", source=self.t(s.source)))}</p>'
            )
            out.append("</section>")
        out.append(self.poster_html())
        licence = self.assets.get("pannellum_licence", "")
        out.append(
            f'<p class="sbx-credit">{_esc(self.l("credit", version=PANNELLUM_VERSION))} '
            f'<a href="{self.href(licence)}">{_esc(self.l("licence"))}</a></p>'
        )
        out.append("</div>")
        return "\n".join(out)

    def poster_url(self) -> str:
        return f"{self.lang_url}exhibition/?src=poster"

    def poster_file(self) -> str:
        return f"poster-exhibition-{self.lang}-a4.png"

    def poster_html(self) -> str:
        url = self.poster_url()
        return (
            '<section class="sbx-poster" aria-labelledby="sbx-poster-h">'
            f'<h2 id="sbx-poster-h">{_esc(self.l("poster_heading"))}</h2>'
            f"<p>{_esc(self.l('poster_text'))}</p>"
            f'<img src="qr-poster.png" width="200" height="200" loading="lazy" '
            f'alt="{_esc(self.l("qr_alt", url=url))}">'
            f'<p class="sb-qr__url">{_esc(url)}</p>'
            f'<p><a class="md-button" href="{self.poster_file()}" download>'
            f"{_esc(self.l('poster_download'))}</a></p></section>"
        )

    @staticmethod
    def photo_name(path: Path) -> str:
        return f"photo-{_digest(path)}{path.suffix.lower()}"

    # ------------------------------------------------------------------ assets
    def plan_assets(self) -> None:
        for key, source, stem in (
            ("pannellum_js", VENDOR_DIR / "pannellum.js", "pannellum"),
            ("pannellum_css", VENDOR_DIR / "pannellum.css", "pannellum"),
            ("js", STATIC_DIR / "exhibition.js", "exhibition"),
        ):
            self.assets[key] = f"assets/{stem}.{_digest(source)}{source.suffix}"
        self.assets["pannellum_licence"] = "assets/pannellum-LICENSE.txt"

    def href(self, asset: str) -> str:
        """A link from the exhibition page to a file below the language root."""
        return get_relative_url(asset, PAGE_URL)

    def head_tags(self) -> str:
        # The page's styles inline (a few KB): no stylesheet of ours blocks the first paint,
        # and the hall's controls are styled the moment the tap builds them. Pannellum's
        # stylesheet comes with its script, on the tap. Without scripts, the buttons that
        # need them are not shown.
        css = _minified_css(STATIC_DIR / "exhibition.css")
        return (
            f"<style>{css}</style>"
            "<noscript><style>.sbx-js-only { display: none !important; }</style></noscript>"
        )

    def body_tags(self) -> str:
        data = json.dumps(self.data(), ensure_ascii=False, separators=(",", ":"))
        data = data.replace("</", "<\\/")
        return (
            f'<script type="application/json" id="sbx-data">{data}</script>'
            f'<script src="{self.href(self.assets["js"])}" defer></script>'
        )

    def write(self, site: Path, workers: int) -> None:
        """Faces, photos, scripts, the licence, the QR code and the poster into site/."""
        start = time.perf_counter()
        folder = site / "exhibition"
        rooms_dir = folder / "rooms"
        specs = [spec for room in self.rooms for spec in room.faces]
        counts = render_faces(specs, rooms_dir, workers=workers)
        self.timings["faces"] = time.perf_counter() - start
        for room in self.rooms:
            if room.panorama and room.section.panorama is not None:
                _copy_panorama(room.section.panorama, rooms_dir / room.panorama)
            for board in room.section.boards:
                if board.photo is not None:
                    _copy_photo(board.photo, rooms_dir / self.photo_name(board.photo))
        self._preview(rooms_dir)
        assets = site / "assets"
        assets.mkdir(parents=True, exist_ok=True)
        for key, source in (
            ("pannellum_js", VENDOR_DIR / "pannellum.js"),
            ("pannellum_css", VENDOR_DIR / "pannellum.css"),
            ("js", STATIC_DIR / "exhibition.js"),
            ("pannellum_licence", VENDOR_DIR / "LICENSE"),
        ):
            shutil.copyfile(source, site / self.assets[key])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "qr-poster.png").write_bytes(qr_png(self.poster_url()))
        self._poster(folder / self.poster_file())
        self.timings["total"] = time.perf_counter() - start
        log.info(
            "exhibition %s: %d faces drawn, %d from cache, %.2fs",
            self.lang,
            counts["drawn"],
            counts["cached"],
            self.timings["total"],
        )

    def _preview(self, rooms_dir: Path) -> None:
        """The first room as the viewer first shows it (its front wall, or the middle of its
        photo), small and soft: it holds the hall's place until the tap."""
        target = rooms_dir / self.preview
        if target.exists():
            return
        first = self.rooms[0]
        source = rooms_dir / (first.panorama or first.faces[0].file_name)
        with Image.open(source) as image:
            rgb = image.convert("RGB")
        if first.panorama:  # equirectangular: the 90 degrees around yaw 0
            side = rgb.width // 4
            left, top = (rgb.width - side) // 2, (rgb.height - side) // 2
            rgb = rgb.crop((left, top, left + side, top + side))
        small = rgb.resize((PREVIEW_SIZE, PREVIEW_SIZE), Image.Resampling.LANCZOS)
        small = small.filter(ImageFilter.GaussianBlur(PREVIEW_BLUR))
        small.save(target, format="WEBP", quality=PREVIEW_QUALITY, method=6)

    def _poster(self, target: Path) -> None:
        args = {
            "lang": self.lang,
            "title": self.t(self.hall.title),
            "subtitle": self.l("poster_subtitle", total=len(self.rooms)),
            "call": self.l("poster_call"),
            "url": self.poster_url(),
            "footer": self.site_name,
        }
        # The drawing's version is part of the key: a new wrapping rule draws a new poster.
        keyed = {**args, "v": RENDER_VERSION}
        key = hashlib.sha256(json.dumps(keyed, sort_keys=True).encode()).hexdigest()[:16]
        cached = cache_dir() / f"poster-{key}.png"
        if not cached.exists():
            cached.parent.mkdir(parents=True, exist_ok=True)
            part = cached.with_suffix(f".{os.getpid()}.part")
            poster.render(part, **args)
            os.replace(part, cached)
        shutil.copyfile(cached, target)


def _minified_css(path: Path) -> str:
    """The stylesheet without its comments and runs of white space (it goes into every
    language's page; it has no strings or URLs that these rules could break)."""
    css = re.sub(r"/\*.*?\*/", "", path.read_text("utf-8"), flags=re.S)
    return re.sub(r"\s*([{};,>])\s*", r"\1", re.sub(r"\s+", " ", css)).strip()


def _copy_panorama(source: Path, target: Path) -> None:
    """A real panorama photo, scaled down to MAX_PANORAMA_WIDTH when wider."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        if image.width <= MAX_PANORAMA_WIDTH and image.format == "JPEG":
            shutil.copyfile(source, target)
            return
        rgb = image.convert("RGB")
        if rgb.width > MAX_PANORAMA_WIDTH:
            rgb = rgb.resize(
                (MAX_PANORAMA_WIDTH, MAX_PANORAMA_WIDTH // 2), Image.Resampling.LANCZOS
            )
        rgb.save(target, format="JPEG", quality=82, optimize=True, progressive=True)


def _copy_photo(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        if image.width <= 1024:
            shutil.copyfile(source, target)
            return
        rgb = image.convert("RGB")
        rgb.thumbnail((1024, 1024))
        rgb.save(target, quality=82, optimize=True)
