"""Records that cross pipeline stages, and the tables made of them.

Each stage reads and writes lists of these, so the CLI, the cache and the executors can move
them around without knowing what a stage does inside. A table's columns, their order and types
are the record's fields (`columns`, `pandas_types`, `arrow_schema`); what tagging adds to a
passages table is `TagSchema`'s to name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

Status = Literal["ok", "warning", "error"]
#: how a stage reports progress: (stage, done, total; None where the total is unknown)
Progress = Callable[[str, int, int | None], None]
PassageKind = Literal["body", "list_item", "heading", "table_row", "fragment", "footnote"]

#: Passage kinds that carry running prose; headings, fragments and footnotes are kept (evidence
#: and recall) but are not counted in the comparison shares.
PROSE_KINDS: frozenset[str] = frozenset({"body", "list_item", "table_row"})


@dataclass(frozen=True)
class Document:
    """One input file and what became of it."""

    doc_id: str
    file: str
    country: str = ""
    iso3: str = ""
    year: int | None = None
    language: str = ""
    pages: int = 0
    passages: int = 0
    words: int = 0
    status: Status = "ok"
    reason: str = ""
    title: str = ""
    metadata_source: str = ""
    ocr_engine: str = ""  # pages read by OCR: engine, language, how many, mean confidence (0-100)
    ocr_language: str = ""
    ocr_pages: int = 0
    ocr_confidence: float | None = None

    def row(self) -> dict:
        return dict(vars(self))  # flat fields: what asdict gives, without its deep copies (10x faster)


@dataclass(frozen=True, kw_only=True)
class Passage:
    """A window of at most a few sentences, located in its document (fields in column order)."""

    passage_id: str
    doc_id: str
    file: str
    country: str = ""
    iso3: str = ""
    year: int | None = None
    language: str = ""
    page: int
    kind: PassageKind
    index: int
    words: int = 0
    text: str
    ocr: bool = False  # read by OCR from a page image
    ocr_confidence: float | None = None  # the page's mean OCR confidence, 0-100

    def row(self) -> dict:
        return dict(vars(self))  # flat fields: what asdict gives, without its deep copies (10x faster)


@dataclass(frozen=True)
class IngestResult:
    """A document with its passages: the unit the cache stores and executors return."""

    document: Document
    passages: list[Passage] = field(default_factory=list)
    complete: bool = True  # read whole: no time, page or OCR limit cut it short (only these are cached)


# -- tables ---------------------------------------------------------------------------------------

#: field annotation -> pandas dtype of its column (text columns stay as pandas reads them)
_PANDAS = {"int": "Int64", "int | None": "Int64", "bool": "bool", "float": "float64", "float | None": "float64"}


def columns(record: type) -> list[str]:
    """The columns of a table of `record`s, in order."""
    return [f.name for f in fields(record)]


def pandas_types(record: type) -> dict[str, str]:
    """The pandas dtype of every column of `record` that is not text."""
    return {f.name: _PANDAS[f.type] for f in fields(record) if f.type in _PANDAS}


def arrow_schema(record: type):
    """The Parquet schema of a table of `record`s."""
    import pyarrow as pa

    arrow = {"Int64": pa.int64(), "bool": pa.bool_(), "float64": pa.float64()}
    types = pandas_types(record)
    return pa.schema([(name, arrow[types[name]] if name in types else pa.string()) for name in columns(record)])


#: A label becomes a column name, an HTML attribute and a CSS selector: a short identifier.
LABEL_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
LABEL_RULE = "a lower-case letter, then up to 39 lower-case letters, digits or _"


def is_label(name: str) -> bool:
    return LABEL_RE.fullmatch(name) is not None


@dataclass(frozen=True)
class TagSchema:
    """What tagging adds to a passages table: a probability column per label (`p_<label>`), the
    labels decided (one cell, `|`-joined, empty for none) and the model that scored the passage."""

    labels: tuple[str, ...]
    PREFIX = "p_"
    SEPARATOR = "|"

    @classmethod
    def of(cls, table_columns: Iterable[str]) -> TagSchema:
        """The schema of a tagged table, from its probability columns."""
        return cls(tuple(c[len(cls.PREFIX):] for c in table_columns if c.startswith(cls.PREFIX)))

    @classmethod
    def column(cls, label: str) -> str:
        """The probability column of `label`."""
        return f"{cls.PREFIX}{label}"

    @property
    def probabilities(self) -> list[str]:
        return [self.column(lab) for lab in self.labels]

    @property
    def added(self) -> list[str]:
        """Every column tagging adds, in order."""
        return [*self.probabilities, "labels", "model_id"]

    def encode(self, decided: Sequence[bool]) -> str:
        """The labels cell of one passage from its decision per label."""
        return self.SEPARATOR.join(lab for lab, d in zip(self.labels, decided) if d)

    @classmethod
    def decode(cls, cell: str) -> list[str]:
        return [lab for lab in str(cell).split(cls.SEPARATOR) if lab]

    @classmethod
    def count(cls, cells: pd.Series) -> Counter[str]:
        """Passages per label in a labels column: each distinct cell is decoded once (a corpus
        has a few dozen label sets; decoding 62,776 cells one by one took 0.09 CPU-s, this 0.002)."""
        counts: Counter[str] = Counter()
        for cell, n in cells.value_counts(dropna=False).items():
            for lab in cls.decode(cell):
                counts[lab] += int(n)
        return counts
