"""Draw the rooms of the hall: six cube faces a section and language, with Pillow.

Each room is a cube seen from inside: the front wall carries the section's number, title and
introduction, the right, back and left walls its boards (two boards share the back wall when
there are four), the ceiling and the floor are the same in every room. Faces are squares of
FACE px (at most 1024: some phones fail on larger textures), 8-bit PNGs on a fixed palette
(JPEG when a board carries a photo). A face's file name is the hash
of everything drawn on it, so a face is drawn once and then copied from the cache folder.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw

from quiz_api.rendering.raster import (
    CEILING,
    FLOOR,
    FLOOR_LINE,
    GREY,
    GREY_LIGHT,
    INK,
    LAMP,
    LAMP_RING,
    TEAL,
    TEAL_DARK,
    WALL,
    WALL_DARK,
    WALL_EDGE,
    WALL_SHADOW,
    WHITE,
    Font,
    font,
    palette_image,
    wrap,
)
from site_builder import REPO_ROOT

FACE = 1024
JPEG_QUALITY = 78
RENDER_VERSION = 6  # bump when the drawing changes: every face gets a new name
CACHE_ENV = "SB_EXHIBITION_CACHE"
PANEL = WHITE

# Faces without photos are flat colours and anti-aliased text: a fixed palette of ramps
# between the colours drawn side by side keeps them sharp as 8-bit PNGs about a third of the
# size of the same faces as JPEG at quality 78 (measured on the first rooms: about 160 KB a
# room against 330-400 KB), drawn and written in about 30 ms a face.
_RAMPS = (
    (INK, PANEL),
    (TEAL_DARK, PANEL),
    (WHITE, TEAL),
    (INK, WALL),
    (GREY, WALL),
    (TEAL, WALL),
    (TEAL_DARK, WALL),
    (FLOOR_LINE, FLOOR),
    (LAMP, CEILING),
    (LAMP_RING, CEILING),
    (WALL_EDGE, WALL_DARK),
    (WALL_SHADOW, WALL),
    (GREY_LIGHT, PANEL),
    (WHITE, TEAL_DARK),
    (TEAL, FLOOR),
)

# Pannellum's cube map order.
FACE_NAMES = ("front", "right", "back", "left", "up", "down")
WALL_YAW = {"front": 0.0, "right": 90.0, "back": 180.0, "left": -90.0}


def cache_dir() -> Path:
    """Where drawn faces are kept between builds (gitignored build/ folder by default)."""
    return Path(os.environ.get(CACHE_ENV) or REPO_ROOT / "build" / "exhibition-cache")


BODY_SIZES = (46, 42, 38, 35, 32, 30, 28, 26, 24, 22)


def _text_block(
    draw: ImageDraw.ImageDraw,
    xy: tuple[int, int],
    text: str,
    fnt: Font,
    width: int,
    line_height: int,
    max_bottom: int,
    fill: tuple[int, int, int] = INK,
) -> int:
    """Draw wrapped text from xy down to max_bottom (ellipsis when cut); return the next y."""
    x, y = xy
    lines = wrap(text, fnt, width)
    fits = max(0, (max_bottom - y) // line_height)
    if len(lines) > fits:
        lines = lines[:fits]
        if lines:
            lines[-1] = lines[-1][: max(0, len(lines[-1]) - 2)] + "…"
    for line in lines:
        draw.text((x, y), line, font=fnt, fill=fill)
        y += line_height
    return y


# ---------------------------------------------------------------------------- face specs
@dataclass(frozen=True)
class FaceSpec:
    """Everything drawn on one face; its hash is the file name."""

    kind: str  # "front", "boards", "ceiling", "floor"
    lang: str
    band: str = ""  # the exhibition name on the top band
    number: str = ""  # "3 / 14"
    title: str = ""
    body: str = ""
    footer: str = ""
    boards: tuple[tuple[str, str, str], ...] = ()  # (title, text, photo path or "")

    def key(self) -> str:
        data = asdict(self)
        data["v"] = RENDER_VERSION
        data["size"] = FACE
        data["photos"] = [_file_digest(p) for _t, _x, p in self.boards if p]
        raw = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()[:16]

    @property
    def has_photo(self) -> bool:
        return any(photo for _t, _x, photo in self.boards)

    @property
    def file_name(self) -> str:
        # Photos need JPEG; drawn faces are smaller and sharper as palette PNGs.
        return f"{self.kind}-{self.key()}.{'jpg' if self.has_photo else 'png'}"


@lru_cache(maxsize=256)
def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def _wall(draw: ImageDraw.ImageDraw, spec: FaceSpec) -> None:
    draw.rectangle((0, 0, FACE, FACE), fill=WALL)
    draw.rectangle((0, 0, FACE, 96), fill=TEAL)
    draw.rectangle((0, 96, FACE, 104), fill=TEAL_DARK)
    draw.rectangle((0, FACE - 70, FACE, FACE), fill=WALL_DARK)
    draw.rectangle((0, FACE - 74, FACE, FACE - 70), fill=WALL_EDGE)
    if spec.band:
        draw.text(
            (FACE // 2, 50), spec.band, font=font(spec.lang, 40, True), fill=WHITE, anchor="mm"
        )


def _draw_front(image: Image.Image, spec: FaceSpec) -> None:
    draw = ImageDraw.Draw(image)
    _wall(draw, spec)
    margin = 90
    draw.text((margin, 150), spec.number, font=font("en", 44, True), fill=TEAL)
    y = 215
    title_font = font(spec.lang, 64, True)
    for line in wrap(spec.title, title_font, FACE - 2 * margin)[:3]:
        draw.text((margin, y), line, font=title_font, fill=INK)
        y += 84
    draw.rectangle((margin, y + 14, margin + 120, y + 22), fill=TEAL)
    y += 56
    size = next(
        (
            size
            for size in BODY_SIZES
            if len(wrap(spec.body, font(spec.lang, size), FACE - 2 * margin)) * round(size * 1.55)
            <= 820 - y
        ),
        BODY_SIZES[-1],
    )
    _text_block(
        draw,
        (margin, y),
        spec.body,
        font(spec.lang, size),
        FACE - 2 * margin,
        round(size * 1.55),
        820,
    )
    if spec.footer:
        foot = font(spec.lang, 24)
        for i, line in enumerate(wrap(spec.footer, foot, FACE - 2 * margin)[:2]):
            draw.text((margin, 850 + i * 34), line, font=foot, fill=GREY)


def _fit(
    draw: ImageDraw.ImageDraw, lang: str, title: str, text: str, width: int, height: int
) -> tuple[int, list[str], list[str]]:
    """The largest body size at which title and text fit into width x height."""
    for size in BODY_SIZES:
        title_lines = wrap(title, font(lang, round(size * 1.25), True), width)
        lines = wrap(text, font(lang, size), width)
        needed = len(title_lines) * round(size * 1.7) + 14 + len(lines) * round(size * 1.5)
        if needed <= height:
            return size, title_lines, lines
    size = BODY_SIZES[-1]
    return (
        size,
        wrap(title, font(lang, round(size * 1.25), True), width),
        wrap(text, font(lang, size), width),
    )


def _draw_board(
    image: Image.Image, lang: str, box: tuple[int, int, int, int], board: tuple[str, str, str]
) -> None:
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = box
    draw.rectangle((x0 + 8, y0 + 8, x1 + 8, y1 + 8), fill=WALL_SHADOW)
    draw.rectangle(box, fill=PANEL, outline=GREY_LIGHT, width=2)
    draw.rectangle((x0, y0, x1, y0 + 14), fill=TEAL)
    title, text, photo = board
    pad = 40 if x1 - x0 > 600 else 26
    width = x1 - x0 - 2 * pad
    y = y0 + 44
    if photo:
        with Image.open(photo) as raw:
            pic = raw.convert("RGB")
        pic.thumbnail((width, (y1 - y0) // 3))
        image.paste(pic, (x0 + pad + (width - pic.width) // 2, y))
        y += pic.height + 24
    size, title_lines, lines = _fit(draw, lang, title, text, width, y1 - pad - y)
    title_font = font(lang, round(size * 1.25), True)
    for line in title_lines:
        draw.text((x0 + pad, y), line, font=title_font, fill=TEAL_DARK)
        y += round(size * 1.7)
    y += 14
    body_font = font(lang, size)
    for line in lines:
        if y + size > y1 - pad // 2:
            break
        draw.text((x0 + pad, y), line, font=body_font, fill=INK)
        y += round(size * 1.5)


def _draw_boards(image: Image.Image, spec: FaceSpec) -> None:
    draw = ImageDraw.Draw(image)
    _wall(draw, spec)
    top, bottom = 150, FACE - 130
    if len(spec.boards) == 1:
        _draw_board(image, spec.lang, (90, top, FACE - 90, bottom), spec.boards[0])
    elif len(spec.boards) == 2:
        _draw_board(image, spec.lang, (40, top, FACE // 2 - 20, bottom), spec.boards[0])
        _draw_board(image, spec.lang, (FACE // 2 + 20, top, FACE - 40, bottom), spec.boards[1])
    else:  # an empty wall: the section title, large
        title_font = font(spec.lang, 60, True)
        y = 380
        for line in wrap(spec.title, title_font, FACE - 200)[:3]:
            draw.text((FACE // 2, y), line, font=title_font, fill=TEAL_DARK, anchor="mt")
            y += 80


def _draw_ceiling(image: Image.Image) -> None:
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, FACE, FACE), fill=CEILING)
    step = FACE // 4
    for i in range(4):
        for j in range(4):
            cx, cy = i * step + step // 2, j * step + step // 2
            draw.ellipse((cx - 40, cy - 40, cx + 40, cy + 40), fill=LAMP)
            draw.ellipse((cx - 44, cy - 44, cx + 44, cy + 44), outline=LAMP_RING, width=3)


def _draw_floor(image: Image.Image) -> None:
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, FACE, FACE), fill=FLOOR)
    step = FACE // 8
    for i in range(1, 8):
        draw.line((0, i * step, FACE, i * step), fill=FLOOR_LINE, width=3)
        draw.line((i * step, 0, i * step, FACE), fill=FLOOR_LINE, width=3)
    draw.ellipse((FACE // 2 - 170, FACE // 2 - 170, FACE // 2 + 170, FACE // 2 + 170), fill=TEAL)
    draw.ellipse(
        (FACE // 2 - 150, FACE // 2 - 150, FACE // 2 + 150, FACE // 2 + 150),
        outline=WHITE,
        width=8,
    )


def draw_face(spec: FaceSpec) -> Image.Image:
    image = Image.new("RGB", (FACE, FACE), WALL)
    if spec.kind == "front":
        _draw_front(image, spec)
    elif spec.kind == "boards":
        _draw_boards(image, spec)
    elif spec.kind == "ceiling":
        _draw_ceiling(image)
    else:
        _draw_floor(image)
    return image


@lru_cache(maxsize=1)
def _palette() -> Image.Image:
    return palette_image(_RAMPS)


def _draw_to_cache(spec: FaceSpec) -> str:
    """Draw spec into the cache (atomically: concurrent builds may draw the same face)."""
    folder = cache_dir()
    target = folder / spec.file_name
    if target.exists():
        return spec.file_name
    folder.mkdir(parents=True, exist_ok=True)
    image = draw_face(spec)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(fd, "wb") as fh:
        if spec.has_photo:
            image.save(fh, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        else:
            image.quantize(palette=_palette(), dither=Image.Dither.NONE).save(
                fh, format="PNG", compress_level=6
            )
    os.chmod(tmp, 0o644)  # mkstemp makes 0600: the web server must read the face
    os.replace(tmp, target)
    return spec.file_name


def render_faces(specs: Sequence[FaceSpec], dest: Path, workers: int = 1) -> dict[str, int]:
    """Put the image of every spec into dest (drawn, or copied from the cache).

    Returns counts: {"drawn": n, "cached": m}. Missing faces are drawn in a process pool of
    `workers` processes when there are several to draw.
    """
    folder = cache_dir()
    unique = {spec.file_name: spec for spec in specs}
    missing = [s for name, s in unique.items() if not (folder / name).exists()]
    if len(missing) > 1 and workers > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(missing))) as pool:
            list(pool.map(_draw_to_cache, missing, chunksize=4))
    else:
        for spec in missing:
            _draw_to_cache(spec)
    dest.mkdir(parents=True, exist_ok=True)
    for name in unique:
        target = dest / name
        if not target.exists():
            try:
                os.link(folder / name, target)
            except OSError:
                shutil.copyfile(folder / name, target)
    return {"drawn": len(missing), "cached": len(unique) - len(missing)}


# ------------------------------------------------------------------------- geometry
def direction(face: str, u: float, v: float) -> tuple[float, float]:
    """(yaw, pitch) in degrees of the point (u, v) of a wall face (0..1 from the top left)."""
    x = (u - 0.5) * 2
    y = (0.5 - v) * 2
    yaw = WALL_YAW[face] + math.degrees(math.atan(x))
    pitch = math.degrees(math.atan2(y, math.hypot(1.0, x)))
    if yaw > 180:
        yaw -= 360
    return round(yaw, 1), round(pitch, 1)
