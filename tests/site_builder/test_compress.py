"""The build's precompressed copies: beside every text file worth it, decoding to the file."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import brotli

from site_builder.compress import precompress


def test_copies_decode_to_the_file_and_keep_its_time(tmp_path: Path) -> None:
    text = "".join(f"<p>第{i}段 paragraph {i}</p>\n" for i in range(200))
    (tmp_path / "page.html").write_text(text, "utf-8")
    (tmp_path / "small.css").write_text("a{color:red}", "utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG" + b"\0" * 4000)
    os.utime(tmp_path / "page.html", (1_700_000_000, 1_700_000_000))

    report = precompress(tmp_path)

    page = tmp_path / "page.html"
    assert gzip.decompress((tmp_path / "page.html.gz").read_bytes()) == page.read_bytes()
    assert brotli.decompress((tmp_path / "page.html.br").read_bytes()) == page.read_bytes()
    assert (tmp_path / "page.html.gz").stat().st_mtime == page.stat().st_mtime
    # Too small to gain, or not text: no copy.
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["page.html", "page.html.br", "page.html.gz", "photo.png", "small.css"]
    assert report.files == 1 and report.brotli < report.gzip < report.original // 3
    # A rebuild writes the same bytes (no time stamp inside the gzip header).
    before = (tmp_path / "page.html.gz").read_bytes()
    precompress(tmp_path)
    assert (tmp_path / "page.html.gz").read_bytes() == before


def test_the_built_site_ships_compressed_text_assets(sample_site: Path) -> None:
    for rel in ("index.html", "en/index.html", "ja/index.html", "ko/index.html"):
        assert (sample_site / f"{rel}.gz").is_file(), rel
        assert (sample_site / f"{rel}.br").is_file(), rel
    css = [p for p in sample_site.rglob("*.css") if p.stat().st_size > 10_000]
    assert css, "the theme's stylesheet"
    for path in css:
        packed = path.with_name(path.name + ".gz").read_bytes()
        assert gzip.decompress(packed) == path.read_bytes()
    # Images are not text: no copies.
    assert not list(sample_site.rglob("*.png.gz"))
