"""The test suite; its layout mirrors the source tree (see tests/README.md)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project's root folder
