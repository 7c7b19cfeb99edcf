"""The compare stage: a tags table in, per-group shares (raw and adjusted, with intervals),
evidence, changes over time, CSVs and the report out. The table is read in batches without its
text; texts are fetched only for the evidence passages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..outputs import ensure_writable_dir, write_csv
from ..tables import iter_batches, rows_where, table_columns

if TYPE_CHECKING:
    from ..classification.share_errors import ShareErrors
    from .aggregate import Aggregator
    from .options import CompareOptions


@dataclass
class CompareOutput:
    table: pd.DataFrame
    long: pd.DataFrame
    evidence: pd.DataFrame
    report: Path | None
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)  # consecutive strategies per country


class Counting:
    """The comparison's counts, taken batch by batch while a run tags (its process has time to
    spare while the workers score), so `compare` need not read the tags table again. Made by
    `counting`; any fault sets it aside, and `compare` then reads the table and meets the fault
    where it always did."""

    def __init__(self, options: CompareOptions, model: str | os.PathLike | None) -> None:
        self.options, self.model = options, model
        self.aggregator: Aggregator | None = None  # made from the first batch's columns, as compare makes it
        self.ok = True

    def add(self, batch: pd.DataFrame) -> None:
        if not self.ok:
            return
        try:
            if self.aggregator is None:
                from .aggregate import Aggregator, labels_of

                self.aggregator = Aggregator(labels_of(batch), self.options, None, model_records(self.model).errors)
            self.aggregator.add(batch.drop(columns=["text"], errors="ignore"))  # as compare reads it
        except Exception:
            self.ok = False

    def fits(self, options: CompareOptions, model: str | os.PathLike | None, labels: list[str]) -> bool:
        """Whether these are the counts `compare` would take with these options."""
        return (self.ok and self.aggregator is not None and self.options == options and self.model == model
                and self.aggregator.labels == labels)


def counting(*, by: str = "country", latest: bool = False, evidence: int = 5,
             languages: list[str] | tuple[str, ...] | None = None, include_headings: bool = False,
             model: str | os.PathLike | None = None) -> Counting | None:
    """Counts to feed each tagged batch to, for `compare(..., counted=)` with the same options;
    None where the options need the whole table first (`latest` picks each country's documents)."""
    from . import CompareOptions

    if latest:
        return None
    return Counting(CompareOptions(by=by, languages=languages, include_headings=include_headings,
                                   evidence=evidence), model)


def compare(tags: pd.DataFrame | str | os.PathLike, out: str | os.PathLike | None = None, *,
            by: str = "country", latest: bool = False, evidence: int = 5,
            languages: list[str] | tuple[str, ...] | None = None, include_headings: bool = False,
            report: bool = True, model: str | os.PathLike | None = None, min_passages: int | None = None,
            png: bool = False, documents: pd.DataFrame | None = None, counted: Counting | None = None
            ) -> CompareOutput:
    """Per-group emphasis tables, evidence passages and (with `out`) CSVs and report.html (PNG
    charts with `png`). `documents` (what `ingest` read) lets the report list the files left out;
    `min_passages` is the support below which the report lists a group apart instead of ranking it;
    `counted` holds the counts of this table already taken (`counting`, with the same options).

    A tags file is read in batches, without its text column; texts are fetched only for the
    evidence passages, so memory does not grow with the number of passages.
    """
    from ..classification.taxonomy import load_taxonomy
    from . import CompareOptions, long_form
    from .aggregate import aggregate, labels_of, latest_documents
    from .options import table_name

    options = CompareOptions(by=by, latest=latest, languages=tuple(languages) if languages is not None else None,
                             include_headings=include_headings, evidence=evidence)
    columns = list(tags.columns) if isinstance(tags, pd.DataFrame) else table_columns(tags)
    labels = labels_of(pd.DataFrame(columns=columns))
    wanted = [c for c in columns if c != "text"] if not isinstance(tags, pd.DataFrame) else None

    keep = None
    if latest:
        keep = latest_documents(iter_batches(tags, columns=[c for c in ("country", "doc_id", "year", "file",
                                                                        "labels") if c in columns]))
    records = model_records(model)
    if counted is not None and counted.fits(options, model, labels):
        agg = counted.aggregator
    else:
        agg = aggregate(iter_batches(tags, columns=wanted), labels, options, keep, records.errors)
    table = agg.table()
    ev = agg.evidence()
    if wanted is not None and len(ev) and "passage_id" in columns:
        texts = rows_where(tags, "passage_id", set(ev["passage_id"].astype(str)), ["passage_id", "text"])
        ev["text"] = ev["passage_id"].astype(str).map(dict(zip(texts["passage_id"].astype(str), texts["text"])))
    long = long_form(table, labels, by)
    report_path = None
    if out is not None:
        out_dir = ensure_writable_dir(out)
        write_csv(out_dir / table_name(by), table)
        write_csv(out_dir / "comparison_long.csv", long)
        write_csv(out_dir / "evidence.csv", ev)
        write_csv(out_dir / "changes.csv", agg.changes)
        if report or png:
            taxonomy = load_taxonomy()
            titles = {lab: (taxonomy.title(lab) if lab in taxonomy.labels else lab) for lab in labels}
        if png:
            from .plots import write_pngs

            write_pngs(out_dir, table, agg.changes, labels, titles, by)
        if report:
            from .report import write_report
            from .report_data import MIN_PASSAGES, report_data

            if documents is None and not isinstance(tags, pd.DataFrame):
                documents = _documents_beside(Path(tags))
            descriptions = {c.name: c.description for c in taxonomy.categories}
            data = report_data(table, ev, agg.changes, agg.unit_table, labels, titles, descriptions, by, agg.keys,
                               {"model_id": table["model_id"].iloc[0] if len(table) else "", "groups": len(table),
                                "models": records.used(agg.model_ids)},
                               documents, MIN_PASSAGES if min_passages is None else min_passages)
            report_path = write_report(out_dir, data)
    return CompareOutput(table, long, ev, report_path, agg.changes)


def _documents_beside(tags: Path) -> pd.DataFrame | None:
    """The `documents.csv` an ingest wrote beside a tags table, for the report's list of files
    left out; none if absent or unreadable (the report then leaves the list out)."""
    path = tags.parent / "documents.csv"
    try:
        return pd.read_csv(path) if path.is_file() else None
    except (OSError, ValueError, pd.errors.ParserError):
        return None


@dataclass(frozen=True)
class ModelRecords:
    """What the model set at a folder knows about the models that scored a tags table."""
    coverage: dict[str, dict]      # model id -> language, held-out quality
    errors: dict[str, ShareErrors]  # model id -> share error record (models trained with one)

    def used(self, model_ids: set[str]) -> list[dict]:
        """Language, id and held-out quality of each model that scored the compared passages; a
        model found nowhere is listed by id alone."""
        return [self.coverage.get(i, {"model_id": i, "language": "", "name": "(model not found: quality unknown)"})
                for i in sorted(model_ids)]


def model_records(model: str | os.PathLike | None = None) -> ModelRecords:
    """The records of the set at `model` (default: the shipped one); none if the shipped one cannot
    be read. A folder the user named must be readable: its records are what the report cites."""
    from ..classification.persistence import ModelError, load_model_set
    from ..classification.share_errors import ShareErrors

    try:
        models = load_model_set(model)
    except ModelError:
        if model is not None:
            raise
        return ModelRecords({}, {})
    errors = {c["model_id"]: ShareErrors.from_dict(c["share_errors"]) for c in models.cards.values()
              if "share_errors" in c}
    return ModelRecords({row["model_id"]: row for row in models.coverage()}, errors)
