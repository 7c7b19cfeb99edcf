"""The real-text evaluation set: offsets into `../shared/corpora/ncss/texts`, resolved on use.

The repository stores only file, offsets, labels and a hash of the span, never the text.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from ..paths import EVAL, shared_dir
from .labelled import LabelledPassage, parse_labels
from .taxonomy import load_taxonomy


class SharedDataMissing(FileNotFoundError):
    pass


def span_sha(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def texts_dir() -> Path:
    return shared_dir() / "corpora" / "ncss" / "texts"


SETS = {
    # used to choose features, thresholds and models
    "dev": ["real_random.csv", "real_targeted.csv"],
    # drawn and labelled after every choice was made; reported, never tuned on
    "heldout": ["heldout/real_heldout.csv"],
}


def load_evalset(which: str = "dev", paths: list[str | Path] | None = None,
                 root: Path | None = None) -> list[LabelledPassage]:
    """Resolve every row; a span whose hash no longer matches is an error, not a silent shift."""
    root = root or texts_dir()
    if not root.is_dir():
        raise SharedDataMissing(f"{root} is not there: the evaluation set resolves against ../shared")
    if paths is None and which not in SETS:
        raise ValueError(f"unknown evaluation set {which!r}; choose one of {', '.join(SETS)}")
    taxonomy = load_taxonomy()
    files = [Path(p) for p in paths] if paths else [EVAL / name for name in SETS[which]]
    cache: dict[str, str] = {}
    out: list[LabelledPassage] = []
    seen: set[tuple[str, int, int]] = set()
    for path in files:
        with path.open(newline="", encoding="utf-8") as fh:
            for row_no, row in enumerate(csv.DictReader(fh), start=2):
                where = f"{path.name}, row {row_no}"
                key = (row["file"], int(row["start"]), int(row["end"]))
                if key in seen:
                    continue
                seen.add(key)
                if row["file"] not in cache:
                    cache[row["file"]] = (root / row["file"]).read_bytes().decode("utf-8")
                span = cache[row["file"]][key[1]:key[2]]
                if span_sha(span) != row["sha"]:
                    raise ValueError(f"{where}: span {key} no longer matches its hash {row['sha']}")
                out.append(LabelledPassage(" ".join(span.split()), parse_labels(row["labels"], taxonomy, where),
                                           origin=f"{row['file']}:{key[1]}-{key[2]}"))
    return out
