"""The tag stage: a passages table (CSV, Parquet or DataFrame) in, the same table with a
probability per category, the labels decided and the model id out, a batch at a time, each
passage scored by the model for its language. The stage owns its worker pool; earlier tags of
unchanged passages in the output folder are reused.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..executors import check_executor, make_executor
from ..outputs import ensure_writable_dir
from ..records import Progress, TagSchema
from ..tables import BATCH_ROWS, TableSink, finishing, iter_batches, table_columns, table_rows

if TYPE_CHECKING:
    from .tag import PendingTags


@dataclass
class TagOutput:
    tags_csv: Path | None
    tags_parquet: Path | None
    model_id: str
    rows: int
    label_counts: dict[str, int]
    reused: int = 0
    _tags: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def tags(self) -> pd.DataFrame:
        return self._tags if self._tags is not None else pd.read_parquet(self.tags_parquet)


def _text_key(texts: pd.Series) -> pd.Series:
    return texts.map(lambda t: hashlib.sha1(str(t).encode()).hexdigest()[:16])


def _previous_tags(out_dir: Path, model_ids: set[str], columns: list[str]) -> pd.DataFrame | None:
    """Tags an earlier run wrote with the same models, keyed by passage id and text hash."""
    path = out_dir / "tags.parquet"
    try:
        if not path.is_file() or not {"passage_id", "model_id", "text", *columns} <= set(table_columns(path)):
            return None
        parts = []
        for batch in iter_batches(path, columns=["passage_id", "text", *columns]):
            batch = batch[batch["model_id"].isin(model_ids)]
            parts.append(batch.assign(_key=_text_key(batch["text"])).drop(columns=["text"]))
        prev = pd.concat(parts, ignore_index=True) if parts else None
    except Exception:  # an unreadable earlier output only means re-tagging
        return None
    return prev.drop_duplicates(["passage_id", "_key"]) if prev is not None else None


def _one_ahead(started: Iterator[_Batch]) -> Iterator[_Batch]:
    """Each batch once the next one has been started: the workers score batch k + 1 while this
    process collects and writes batch k (two batches in memory at most)."""
    previous = None
    for batch in started:
        if previous is not None:
            yield previous
        previous = batch
    if previous is not None:
        yield previous


def tag(table: str | os.PathLike | pd.DataFrame, out: str | os.PathLike | None = None, *,
        model: str | os.PathLike | None = None, workers: int = 0, executor: str = "local",
        scheduler: str | None = None, progress: Progress | None = None, named: str | None = None,
        each: Callable[[pd.DataFrame], None] | None = None) -> TagOutput:
    """Tag a passages table (CSV/Parquet/DataFrame with a `text` column) into `out/tags.csv|parquet`
    (or memory). Every input column is carried through; `p_<label>`, `labels`, `model_id` are
    added: each passage is scored by the model for its language, and one in a language no model
    covers keeps empty probabilities and no model id. `named` is what errors call the table;
    `each` is handed every tagged batch (a run counts its comparison while the workers score)."""
    from .persistence import load_model_set

    check_executor(executor, workers, scheduler)
    out_dir = ensure_writable_dir(out) if out is not None else None
    models = load_model_set(model)
    source = table if isinstance(table, pd.DataFrame) else Path(table)
    columns = list(source.columns) if isinstance(source, pd.DataFrame) else table_columns(source)
    if "text" not in columns:
        what = named or ("the table" if isinstance(source, pd.DataFrame) else str(source))
        raise ValueError(f"{what} has no 'text' column; columns are: {', '.join(columns) or '(none)'}")
    labels = models.labels
    schema = TagSchema(tuple(labels))
    added = schema.added
    prev = _previous_tags(out_dir, models.model_ids, added) if out_dir and "passage_id" in columns else None
    total = len(source) if isinstance(source, pd.DataFrame) else table_rows(source)
    sink = TableSink(out_dir / "tags.csv", out_dir / "tags.parquet") if out_dir else None
    kept: list[pd.DataFrame] = []
    counts: Counter[str] = Counter()
    rows = reused = 0
    pool = None if workers == 1 else make_executor(executor, workers, scheduler)  # the stage's, for all batches
    with finishing(pool, sink):
        for started in _one_ahead(_start_batch(batch.reset_index(drop=True), prev, model, pool)
                                  for batch in iter_batches(source, BATCH_ROWS) if not batch.empty):
            tagged = started.result(schema)
            reused += int(tagged.pop("_reused").sum())
            counts.update(TagSchema.count(tagged["labels"]))
            rows += len(tagged)
            if each:
                each(tagged)
            if sink:
                sink.add(tagged)
            else:
                kept.append(tagged)
            if progress:
                progress("tag", rows, total)
        if not rows:  # no passages: still a table with every column, for compare to read
            empty = pd.DataFrame(columns=[*(c for c in columns if c not in added), *added])
            empty = empty.astype(dict.fromkeys(schema.probabilities, float))
            if sink:
                sink.add(empty)
            else:
                kept.append(empty)
    frame = pd.concat(kept, ignore_index=True) if kept else None
    return TagOutput(out_dir / "tags.csv" if out_dir else None, out_dir / "tags.parquet" if out_dir else None,
                     models.model_id, rows, {lab: counts[lab] for lab in labels}, reused, frame)


@dataclass
class _Batch:
    """A batch whose new passages are being scored, and which of its passages kept earlier tags."""
    out: pd.DataFrame
    hit: pd.Series
    found: pd.DataFrame | None
    pending: PendingTags | None

    def result(self, schema: TagSchema) -> pd.DataFrame:
        out, hit = self.out, self.hit
        if hit.any():
            for col in schema.added:
                out.loc[hit, col] = self.found.loc[hit, col].to_numpy()
        if self.pending is not None:
            fresh = self.pending.result()
            for col in schema.added:
                out.loc[~hit, col] = fresh[col].to_numpy()
        out["_reused"] = hit.to_numpy()
        return out.astype(dict.fromkeys(schema.probabilities, float))


def _start_batch(batch: pd.DataFrame, prev: pd.DataFrame | None, model, pool) -> _Batch:
    """Start tagging one batch, reusing earlier tags of passages whose id, text and model are unchanged."""
    from .tag import start_tagging

    out = batch.copy()
    out["text"] = out["text"].fillna("").astype(str)
    hit = pd.Series(False, index=out.index)
    found = None
    if prev is not None and len(prev):
        keyed = out[["passage_id"]].astype(str).assign(_key=_text_key(out["text"]))
        found = keyed.merge(prev, on=["passage_id", "_key"], how="left")
        hit = found["labels"].notna()
    pending = start_tagging(out.loc[~hit], model, pool=pool) if (~hit).any() else None
    return _Batch(out, hit, found, pending)
