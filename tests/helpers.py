"""Shared test helpers: paths, the seed document, a copy of data/ to modify freely."""

from __future__ import annotations

import shutil
from pathlib import Path

from fiches import paths

SEED = paths.RAW / "participation-habitants-cadre-de-vie-2015.txt"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def copy_data(target: Path) -> Path:
    """A private copy of data/ (raw, curation, sources, tables) for tests that write."""
    shutil.copytree(paths.DATA, target, ignore=shutil.ignore_patterns(".fiches.lock", "README.md"))
    return target
