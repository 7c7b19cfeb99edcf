"""Where the project's own data lives (the package is installed editable from the repository)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "corpora"
TAXONOMY = CORPORA / "taxonomy.json"
LABELLED = CORPORA / "labelled"
SAMPLES = CORPORA / "samples"
DEFAULT_MODEL = REPO / "models" / "default"


def shared_dir() -> Path:
    """`../shared` beside the repository, or STRATEGYSCAN_SHARED."""
    return Path(os.environ.get("STRATEGYSCAN_SHARED", REPO.parent / "shared"))
