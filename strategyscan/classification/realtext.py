"""The real-sentence corpus: labelled spans of real strategies, resolved against their texts.

`corpora/real/train/*.csv` (passages of `train` documents: the model learns from them) and
`corpora/real/test/*.csv` (passages of `heldout` documents: evaluation only) hold English
passages, `corpora/real/LANG/train|test/*.csv` those of the other languages; every file holds
`file,start,end,sha,labels,kind,draw`; the text itself stays in the texts folder
(default `../shared/corpora/ncss/texts`). A span whose hash no longer matches is refused, never
silently shifted.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..paths import CORPORA, shared_dir
from .labelled import LabelledDataError, LabelledPassage, parse_labels
from .languages import OTHER_LANGUAGES  # each has labelled real passages in `corpora/real/LANG/`
from .spans import span_sha, span_text
from .taxonomy import load_taxonomy

REAL = CORPORA / "real"
PARTS = ("train", "test")
COLUMNS = ["file", "start", "end", "sha", "labels", "kind", "draw"]


class SharedDataMissing(FileNotFoundError):
    """The texts the spans point into are not on this machine."""


def texts_dir() -> Path:
    return shared_dir() / "corpora" / "ncss" / "texts"


def manifest_hash(texts: Path | None = None) -> str:
    """Identifies the texts a model learned from (the manifest beside the texts folder)."""
    manifest = Path(texts or texts_dir()).parent / "manifest.csv"
    return hashlib.sha256(manifest.read_bytes()).hexdigest()[:16] if manifest.is_file() else ""


def part_files(part: str, language: str = "en") -> list[Path]:
    if part not in PARTS:
        raise ValueError(f"unknown real-text set {part!r}; choose one of {', '.join(PARTS)}")
    if language != "en" and language not in OTHER_LANGUAGES:
        raise ValueError(f"no real passages in {language!r}; languages: en, {', '.join(OTHER_LANGUAGES)}")
    return sorted((REAL if language == "en" else REAL / language).joinpath(part).glob("*.csv"))


@dataclass
class _Texts:
    root: Path
    cache: dict[str, str]

    def get(self, name: str, where: str) -> str:
        if name not in self.cache:
            path = self.root / name
            if Path(name).name != name or not path.is_file():
                raise LabelledDataError(f"{where}: text file {name!r} is not in {self.root}")
            self.cache[name] = path.read_bytes().decode("utf-8")
        return self.cache[name]


def load_spans(paths: list[Path], texts: Path | None = None) -> list[LabelledPassage]:
    """Resolve every row of span CSVs into labelled passages (grouped by their document)."""
    root = Path(texts or texts_dir())
    if not root.is_dir():
        raise SharedDataMissing(f"{root} is not there: real-text passages resolve against the strategy texts "
                                "(give --texts DIR)")
    taxonomy = load_taxonomy()
    store = _Texts(root, {})
    out: list[LabelledPassage] = []
    seen: set[tuple[str, int, int]] = set()
    for path in paths:
        with Path(path).open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = {"file", "start", "end", "sha", "labels"} - set(reader.fieldnames or [])
            if missing:
                raise LabelledDataError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            for row_no, row in enumerate(reader, start=2):
                where = f"{path}, row {row_no}"
                try:
                    key = (row["file"], int(row["start"]), int(row["end"]))
                except ValueError:
                    raise LabelledDataError(f"{where}: start and end must be whole numbers") from None
                if key in seen:
                    continue
                seen.add(key)
                raw = store.get(key[0], where)
                if not 0 <= key[1] < key[2] <= len(raw):
                    raise LabelledDataError(f"{where}: span {key[1]}-{key[2]} is outside {key[0]}")
                if span_sha(raw[key[1]:key[2]]) != row["sha"]:
                    raise LabelledDataError(f"{where}: span {key} no longer matches its hash {row['sha']}: "
                                            "the text changed under the offsets")
                out.append(LabelledPassage(span_text(raw, key[1], key[2]),
                                           parse_labels(row["labels"], taxonomy, where),
                                           origin=f"{key[0]}:{key[1]}-{key[2]}", group=key[0],
                                           kind=row.get("kind") or "body", draw=row.get("draw") or ""))
    return out


def load_real(part: str = "train", texts: Path | None = None, language: str = "en") -> list[LabelledPassage]:
    """The shipped real passages of `train` documents or (for evaluation only) `heldout` ones."""
    return load_spans(part_files(part, language), texts)


def available(texts: Path | None = None) -> bool:
    return Path(texts or texts_dir()).is_dir()
