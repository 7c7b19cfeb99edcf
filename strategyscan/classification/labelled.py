"""Labelled passages: the human labels models learn from and are measured against.

Reading validates every row at the door, naming the file, the row and the offending value, so
an analyst's mistake in a spreadsheet is found before a model is trained on it.
"""

from __future__ import annotations

import csv
import glob
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..paths import LABELLED
from .taxonomy import Taxonomy, load_taxonomy


class LabelledDataError(ValueError):
    pass


#: The mark of a row nobody has labelled yet (what `suggest` writes in `labels`).
UNLABELLED = "?"


@dataclass(frozen=True)
class LabelledPassage:
    text: str
    labels: frozenset[str]
    origin: str = ""  # file:row (or file:offsets), for error messages and provenance
    group: str = ""   # the document it was cut from: grouped CV keeps a document in one fold
    kind: str = "body"
    draw: str = ""    # how it was chosen for labelling (random, suggest round, complete document)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


#: What an analyst may write for "no label" besides leaving the cell empty.
NONE_WORDS = frozenset({"none", "(none)"})


def parse_labels(value: str, taxonomy: Taxonomy, where: str) -> frozenset[str]:
    names = [v.strip() for v in re.split(r"[|;]", value or "") if v.strip()]
    if len(names) == 1 and names[0].lower() in NONE_WORDS:
        return frozenset()
    unknown = [n for n in names if n not in taxonomy.labels]
    if unknown:
        raise LabelledDataError(
            f"{where}: unknown label {unknown[0]!r}; allowed: {', '.join(taxonomy.labels)} (empty = none)")
    return frozenset(names)


def read_labelled(paths: Iterable[str | Path], taxonomy: Taxonomy | None = None,
                  unlabelled: dict[str, int] | None = None) -> list[LabelledPassage]:
    """Read `text,labels` CSVs; exact duplicates are kept once, conflicting ones are an error.

    Rows still marked `?` (as `strategyscan suggest` writes them) have not been labelled yet:
    they are skipped, never read as "none", and counted per file into `unlabelled`.
    """
    taxonomy = taxonomy or load_taxonomy()
    seen: dict[str, LabelledPassage] = {}
    for path in map(Path, paths):
        if not path.is_file():
            raise LabelledDataError(f"labelled file not found: {path}")
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                missing = {"text", "labels"} - set(reader.fieldnames or [])
                if missing:
                    raise LabelledDataError(
                        f"{path}: missing column(s) {', '.join(sorted(missing))}; expected a header 'text,labels'")
                for row_no, row in enumerate(reader, start=2):
                    where = f"{path}, row {row_no}"
                    text = (row.get("text") or "").strip()
                    if not text:
                        raise LabelledDataError(f"{where}: empty text")
                    if (row.get("labels") or "").strip() == UNLABELLED:
                        if unlabelled is not None:
                            unlabelled[str(path)] = unlabelled.get(str(path), 0) + 1
                        continue
                    labels = parse_labels(row.get("labels") or "", taxonomy, where)
                    item = LabelledPassage(text, labels, origin=where)
                    prior = seen.get(_key(text))
                    if prior is not None and prior.labels != labels:
                        raise LabelledDataError(
                            f"{where}: duplicate of {prior.origin} with conflicting labels "
                            f"{'|'.join(sorted(labels)) or '(none)'} vs {'|'.join(sorted(prior.labels)) or '(none)'}")
                    seen.setdefault(_key(text), item)
        except UnicodeDecodeError:
            raise LabelledDataError(f"{path}: not UTF-8 text") from None
        except csv.Error as exc:
            raise LabelledDataError(f"{path}: malformed CSV ({exc})") from None
    if not seen:
        raise LabelledDataError("no labelled passages found")
    return list(seen.values())


def shipped_corpus_files(language: str = "en") -> list[Path]:
    """The hand-written passages: English at the top of `corpora/labelled/`, others in `LANG/`."""
    folder = LABELLED if language == "en" else LABELLED / language
    return [Path(p) for p in sorted(glob.glob(str(folder / "*.csv")))]


def label_matrix(items: list[LabelledPassage], labels: list[str]):
    import numpy as np

    return np.array([[lab in it.labels for lab in labels] for it in items], dtype=int)
