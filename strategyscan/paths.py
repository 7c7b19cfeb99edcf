"""Where the project's own data lives: the source tree's `corpora/` and `models/` (an editable
install, the tests), or their copies inside an installed package (`strategyscan/shipped/`, which
pyproject.toml maps them to), so a plain `pip install` tags and trains as the repository does."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SOURCE = _PACKAGE.parent
#: the repository, where this file is still in its source tree
IN_SOURCE_TREE = (_SOURCE / "pyproject.toml").is_file() and (_SOURCE / "corpora").is_dir()
REPO = _SOURCE if IN_SOURCE_TREE else _PACKAGE
CORPORA = _SOURCE / "corpora" if IN_SOURCE_TREE else _PACKAGE / "shipped" / "corpora"
TAXONOMY = CORPORA / "taxonomy.json"
LABELLED = CORPORA / "labelled"
SAMPLES = CORPORA / "samples"
DEFAULT_MODEL = (_SOURCE / "models" if IN_SOURCE_TREE else _PACKAGE / "shipped" / "models") / "default"


def user_cache_dir() -> Path:
    """Where derived copies of installed data are kept between runs: STRATEGYSCAN_CACHE_DIR, or
    `strategyscan` under XDG_CACHE_HOME (default ~/.cache)."""
    if os.environ.get("STRATEGYSCAN_CACHE_DIR"):
        return Path(os.environ["STRATEGYSCAN_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "strategyscan"


def shared_dir() -> Path:
    """`../shared` beside the repository, or STRATEGYSCAN_SHARED."""
    return Path(os.environ.get("STRATEGYSCAN_SHARED", _SOURCE.parent / "shared"))
