"""Precompressed copies of the built site's text files (a build step).

Every text file (HTML, CSS, JS, JSON, XML, SVG, plain text) gets a `.gz` beside it and, with
the `brotli` package, a `.br`: nginx serves them with `gzip_static on`, and `make run`'s
embedded server (`quiz_api.api.app.SiteFiles`) picks the one the phone accepts. Compressing
once at build time at the highest level costs the build a few seconds and no request any CPU;
on a phone on a slow network the theme's stylesheet shrinks from 138 KB to about 20 KB.

A copy is written only when it is smaller than the file by at least `MIN_SAVING` bytes: a
tiny file gains nothing and the server then sends the original. The copies carry the
original's modification time, so that ETag and Last-Modified agree between the encodings.
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from pathlib import Path

try:  # Brotli is optional: without it, gzip alone (every browser accepts gzip)
    import brotli
except ImportError:  # pragma: no cover - the package is a dependency of the project
    brotli = None

TEXT_SUFFIXES = frozenset(
    {".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt", ".map", ".webmanifest"}
)
# Below this many bytes the header overhead and the decoding eat the gain.
MIN_SIZE = 512
MIN_SAVING = 128
# Brotli's best quality (11) took 24 s of a 70 s build of the shipped site (246 files,
# 6.9 MB); quality 8 took under a second for 11 % more bytes, still 9 % under gzip -9
# (*measured*, docs/benchmarks.md).
BROTLI_QUALITY = 8


@dataclass
class CompressReport:
    files: int = 0
    original: int = 0
    gzip: int = 0
    brotli: int = 0


def _gzip(data: bytes) -> bytes:
    # mtime=0: the same input gives the same bytes, so rebuilds do not churn the copies.
    return gzip.compress(data, compresslevel=9, mtime=0)


def _write(path: Path, data: bytes, like: os.stat_result) -> None:
    path.write_bytes(data)
    os.utime(path, ns=(like.st_atime_ns, like.st_mtime_ns))


def compressible(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES


def precompress(site: Path) -> CompressReport:
    """Write `.gz` (and `.br`) copies of the text files under site; return what was saved."""
    report = CompressReport()
    for path in sorted(site.rglob("*")):
        if not path.is_file() or not compressible(path):
            continue
        data = path.read_bytes()
        if len(data) < MIN_SIZE:
            continue
        stat = path.stat()
        packed = _gzip(data)
        if len(packed) > len(data) - MIN_SAVING:
            continue
        report.files += 1
        report.original += len(data)
        _write(path.with_name(path.name + ".gz"), packed, stat)
        report.gzip += len(packed)
        if brotli is not None:
            squeezed: bytes = brotli.compress(data, quality=BROTLI_QUALITY)
            _write(path.with_name(path.name + ".br"), squeezed, stat)
            report.brotli += len(squeezed)
    return report
