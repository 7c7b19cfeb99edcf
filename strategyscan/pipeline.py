"""ingest -> tag -> compare, with the cache and the executors deciding where and when each runs.

These functions are the Python API the CLI is a thin layer over. Each stage streams its table
to disk in batches (memory does not grow with the corpus), writes atomically, and returns what a
notebook needs next.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .cache import Cache, entry_key
from .executors import TaskFailed, check_executor, make_executor
from .ingestion import IngestOptions, SourceError, discover, display_name, failed, file_hash, ingest_file
from .ingestion.manifest import Manifest, ManifestWarning, match, read_manifest
from .ingestion.metadata import Meta
from .outputs import ensure_writable_dir, write_csv
from .records import Document, IngestResult, Passage, TagSchema, arrow_schema, columns, pandas_types
from .tables import BATCH_ROWS, TableSink, iter_batches, rows_where, table_columns, table_rows

if TYPE_CHECKING:
    from .classification.share_errors import ShareErrors

Progress = Callable[[str, int, int], None]

@contextlib.contextmanager
def _finishing(pool, sink: TableSink | None):
    """Stop the workers; put the outputs in place only if the stage got to its end."""
    ok = False
    try:
        yield
        ok = True
    finally:
        if pool:
            pool.close()
        if sink:
            sink.close(ok)


# ------------------------------------------------------------------------------------------------
# ingest


@dataclass
class IngestOutput:
    documents: pd.DataFrame
    passages_csv: Path | None
    passages_parquet: Path | None
    documents_csv: Path | None
    reused: int = 0
    warnings: list[ManifestWarning] = field(default_factory=list)  # the manifests' problems, by line
    _passages: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def passages(self) -> pd.DataFrame:
        """All passages (read from disk when they were written there), typed as the record is."""
        if self._passages is not None:
            return self._passages
        return pd.read_parquet(self.passages_parquet).astype(pandas_types(Passage))


def _ingest_task(item: tuple[int, Path, Meta | None, str | None, str], options: IngestOptions,
                 cache_root: str | None) -> IngestResult:
    """Runs in a worker: extract one file and store it in the cache before returning, so an
    interrupted run keeps every file it finished."""
    _index, path, meta, key, doc_id = item
    result = ingest_file(path, options, meta, doc_id)
    if cache_root and key and result.complete and result.document.status != "error":
        Cache(cache_root).put(key, result)
    return result


def _manifests(sources: list[str | os.PathLike], manifest: str | os.PathLike | None) -> Manifest:
    found = Manifest()
    for source in sources:  # a folder may carry its own manifest.csv for the files under it; an explicit one wins
        if Path(source).is_dir() and (Path(source) / "manifest.csv").is_file():
            found.extend(read_manifest(Path(source) / "manifest.csv", scope=Path(source)))
    if manifest:
        found.extend(read_manifest(manifest))
    return found


def _noted(result: IngestResult, notes: list[str]) -> IngestResult:
    """The result with the manifest's warnings about its row in its reason."""
    doc = result.document
    status = "warning" if doc.status == "ok" else doc.status
    document = replace(doc, status=status, reason="; ".join(r for r in (doc.reason, *notes) if r))
    return replace(result, document=document)


def ingest(sources: list[str | os.PathLike], out: str | os.PathLike | None = None, *,
           engine: str = "pypdfium2", manifest: str | os.PathLike | None = None, workers: int = 0,
           executor: str = "local", scheduler: str | None = None, cache: bool = True,
           max_pages: int = 1000, time_limit: float = 120.0, ocr: bool = True,
           progress: Progress | None = None) -> IngestOutput:
    """Ingest files and folders into `out/passages.csv|parquet` and `out/documents.csv`.

    Without `out`, passages are kept in memory instead (fine for a handful of files).
    """
    options = IngestOptions(engine=engine, max_pages=max_pages, time_limit=time_limit, ocr=ocr)
    check_executor(executor, workers, scheduler)
    out_dir = ensure_writable_dir(out) if out is not None else None
    files = discover(list(sources))
    if not files:
        raise SourceError(f"no .pdf or .txt files in {', '.join(map(str, sources))}")
    matched = match(_manifests(list(sources), manifest), files)
    store = Cache(out_dir / ".cache") if (cache and out_dir is not None) else None
    if store:
        store.sweep()

    ready: dict[int, IngestResult] = {}
    todo: list[tuple[int, Path, Meta | None, str | None, str]] = []  # (index, file, manifest row, cache key, hash)
    first_copy: dict[str, str] = {}  # content hash -> the file that holds it first
    for i, source in enumerate(files):
        path, meta = source.path, matched.metas.get(i)
        if source.problem:
            ready[i] = failed(path, "", source.problem)
            continue
        try:
            doc_id = file_hash(path)
        except OSError as exc:
            ready[i] = failed(path, "", f"cannot read file: {exc.strerror or exc}")
            continue
        if doc_id in first_copy:  # the same text under two names would be counted twice
            ready[i] = failed(path, doc_id, f"duplicate of {first_copy[doc_id]} (same content); counted once",
                              "warning")
            continue
        first_copy[doc_id] = display_name(path)
        key = entry_key(doc_id, path.name, options.cache_key(), meta) if store else None
        hit = store.get(key, display_name(path)) if store and key else None
        if hit is not None:
            ready[i] = hit
        else:
            todo.append((i, path, meta, key, doc_id))
    reused = len(ready)
    if progress:
        progress("ingest", reused, len(files))

    sink = TableSink(out_dir / "passages.csv", out_dir / "passages.parquet", arrow_schema(Passage)) if out_dir else None
    kept: list[dict] = []
    documents: list[Document] = []
    next_index = 0

    def drain(final: bool = False) -> None:
        """Write finished files in input order, so outputs do not depend on the worker count;
        a batch at a time, since many small writes cost more than the rows in them."""
        nonlocal next_index, kept
        while next_index in ready:
            result = ready.pop(next_index)
            if matched.notes.get(next_index):
                result = _noted(result, matched.notes[next_index])
            documents.append(result.document)
            kept.extend(p.row() for p in result.passages)
            next_index += 1
        if sink and kept and (final or len(kept) >= BATCH_ROWS):
            sink.add(pd.DataFrame(kept, columns=columns(Passage)))
            kept = []

    pool = make_executor(executor, workers, scheduler) if todo else None
    with _finishing(pool, sink):
        drain()
        if pool:
            # hard limit per file: the cooperative limit inside ingest_file plus room to finish a page
            stream = pool.map(_ingest_task, todo, timeout=time_limit * 1.5 + 5, options=options,
                              cache_root=str(store.root) if store else None)
            for done, ((i, path, _meta, _key, doc_id), result) in enumerate(stream, start=reused + 1):
                if isinstance(result, TaskFailed):
                    result = failed(path, doc_id, str(result))
                ready[i] = result
                if progress:
                    progress("ingest", done, len(files))
                drain()
        drain(final=True)

    frame = pd.DataFrame([d.row() for d in documents], columns=columns(Document))
    frame["year"] = frame["year"].astype("Int64")
    if out_dir is None:
        passages = pd.DataFrame(kept, columns=columns(Passage)).astype(pandas_types(Passage))
        return IngestOutput(frame, None, None, None, reused, matched.warnings, passages)
    warnings = pd.DataFrame([vars(w) for w in matched.warnings], columns=["manifest", "line", "message"])
    write_csv(out_dir / "manifest_warnings.csv", warnings)
    return IngestOutput(frame, out_dir / "passages.csv", out_dir / "passages.parquet",
                        write_csv(out_dir / "documents.csv", frame), reused, matched.warnings)


# ------------------------------------------------------------------------------------------------
# tag


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


def tag(inputs: list[str | os.PathLike] | str | os.PathLike | pd.DataFrame, out: str | os.PathLike | None = None,
        *, model: str | os.PathLike | None = None, workers: int = 0, executor: str = "local",
        scheduler: str | None = None, progress: Progress | None = None, **ingest_options) -> TagOutput:
    """Tag a passages table (CSV/Parquet/DataFrame with a `text` column) or documents (ingested
    first). Every input column is carried through; `p_<label>`, `labels`, `model_id` are added:
    each passage is scored by the model for its language, and one in a language no model covers
    keeps empty probabilities and no model id."""
    from .classification.persistence import load_model_set

    check_executor(executor, workers, scheduler)
    out_dir = ensure_writable_dir(out) if out is not None else None
    models = load_model_set(model)
    with tempfile.TemporaryDirectory(prefix="strategyscan-") as tmp:
        source = _tag_source(inputs, out_dir or Path(tmp), workers, executor, scheduler, progress, ingest_options)
        columns = list(source.columns) if isinstance(source, pd.DataFrame) else table_columns(source)
        if "text" not in columns:
            raise ValueError(f"{_named(inputs)} has no 'text' column; columns are: {', '.join(columns) or '(none)'}")
        labels = models.labels
        schema = TagSchema(tuple(labels))
        added = schema.added
        prev = _previous_tags(out_dir, models.model_ids, added) if out_dir and "passage_id" in columns else None
        total = len(source) if isinstance(source, pd.DataFrame) else table_rows(source)
        sink = TableSink(out_dir / "tags.csv", out_dir / "tags.parquet") if out_dir else None
        kept: list[pd.DataFrame] = []
        counts: Counter[str] = Counter()
        rows = reused = 0
        pool = None if workers == 1 else make_executor(executor, workers, scheduler)  # shared by all batches
        with _finishing(pool, sink):
            for batch in iter_batches(source):
                if batch.empty:
                    continue
                batch = batch.reset_index(drop=True)
                tagged = _tag_batch(batch, prev, schema, model, pool)
                reused += int(tagged.pop("_reused").sum())
                counts.update(lab for cell in tagged["labels"] for lab in TagSchema.decode(cell))
                rows += len(tagged)
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


def _named(inputs) -> str:
    """What a user passed, as they would write it (not a list of PosixPath reprs)."""
    if isinstance(inputs, pd.DataFrame):
        return "the table"
    items = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    return ", ".join(str(i) for i in items)


def is_table(inputs: list[str | os.PathLike]) -> bool:
    """`tag` takes one passages table, or documents to ingest first."""
    return len(inputs) == 1 and Path(inputs[0]).suffix.lower() in {".csv", ".parquet"}


def _tag_source(inputs, folder: Path, workers, executor, scheduler, progress, ingest_options):
    """A table to tag: the input itself, or the passages of the ingested documents."""
    if isinstance(inputs, pd.DataFrame):
        return inputs
    inputs = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    if is_table(inputs):
        return Path(inputs[0])
    result = ingest(inputs, folder, workers=workers, executor=executor, scheduler=scheduler, progress=progress,
                    **ingest_options)
    return result.passages_parquet


def _tag_batch(batch: pd.DataFrame, prev: pd.DataFrame | None, schema: TagSchema, model, pool) -> pd.DataFrame:
    """Tag one batch, reusing earlier tags of passages whose id, text and model are unchanged."""
    from .classification.tag import tag_frame

    added = schema.added
    out = batch.copy()
    out["text"] = out["text"].fillna("").astype(str)
    hit = pd.Series(False, index=out.index)
    if prev is not None and len(prev):
        keyed = out[["passage_id"]].astype(str).assign(_key=_text_key(out["text"]))
        found = keyed.merge(prev, on=["passage_id", "_key"], how="left")
        hit = found["labels"].notna()
    if hit.any():
        for col in added:
            out.loc[hit, col] = found.loc[hit, col].to_numpy()
    if (~hit).any():
        fresh = tag_frame(out.loc[~hit], model, workers=1 if pool is None else 0, pool=pool)
        for col in added:
            out.loc[~hit, col] = fresh[col].to_numpy()
    out["_reused"] = hit.to_numpy()
    return out.astype(dict.fromkeys(schema.probabilities, float))


# ------------------------------------------------------------------------------------------------
# compare


@dataclass
class CompareOutput:
    table: pd.DataFrame
    long: pd.DataFrame
    evidence: pd.DataFrame
    report: Path | None
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)  # consecutive strategies per country


def compare(tags: pd.DataFrame | str | os.PathLike, out: str | os.PathLike | None = None, *,
            by: str = "country", latest: bool = False, evidence: int = 5,
            languages: list[str] | tuple[str, ...] | None = None, include_headings: bool = False,
            report: bool = True, model: str | os.PathLike | None = None, min_passages: int | None = None,
            png: bool = False, documents: pd.DataFrame | None = None) -> CompareOutput:
    """Per-group emphasis tables, evidence passages and (with `out`) CSVs and report.html (PNG
    charts with `png`). `documents` (what `ingest` read) lets the report list the files left out;
    `min_passages` is the support below which the report lists a group apart instead of ranking it.

    A tags file is read in batches, without its text column; texts are fetched only for the
    evidence passages, so memory does not grow with the number of passages.
    """
    from .classification.taxonomy import load_taxonomy
    from .comparison import CompareOptions, long_form
    from .comparison.aggregate import aggregate, labels_of, latest_documents

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
        write_csv(out_dir / "country_comparison.csv", table)
        write_csv(out_dir / "comparison_long.csv", long)
        write_csv(out_dir / "evidence.csv", ev)
        write_csv(out_dir / "changes.csv", agg.changes)
        if report or png:
            taxonomy = load_taxonomy()
            titles = {lab: (taxonomy.title(lab) if lab in taxonomy.labels else lab) for lab in labels}
        if png:
            from .comparison.plots import write_pngs

            write_pngs(out_dir, table, agg.changes, labels, titles, by)
        if report:
            from .comparison.report import write_report
            from .comparison.report_data import MIN_PASSAGES, report_data

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
    from .classification.persistence import ModelError, load_model_set
    from .classification.share_errors import ShareErrors

    try:
        models = load_model_set(model)
    except ModelError:
        if model is not None:
            raise
        return ModelRecords({}, {})
    errors = {c["model_id"]: ShareErrors.from_dict(c["share_errors"]) for c in models.cards.values()
              if "share_errors" in c}
    return ModelRecords({row["model_id"]: row for row in models.coverage()}, errors)


# ------------------------------------------------------------------------------------------------
# run: all three stages


@dataclass
class RunOutput:
    ingest: IngestOutput
    tag: TagOutput
    compare: CompareOutput
    out: Path


def run(sources: list[str | os.PathLike], out: str | os.PathLike, *, model: str | os.PathLike | None = None,
        by: str = "country", latest: bool = False, languages: list[str] | tuple[str, ...] | None = None,
        min_passages: int | None = None, png: bool = False, evidence: int = 5, workers: int = 0,
        executor: str = "local", scheduler: str | None = None, progress: Progress | None = None,
        **ingest_options) -> RunOutput:
    """Ingest, tag and compare into one folder; unchanged files are not extracted again."""
    from .comparison import CompareOptions

    # validate first: a bad option must not wait for the ingest
    CompareOptions(by=by, languages=tuple(languages) if languages is not None else None, evidence=evidence)
    check_executor(executor, workers, scheduler)
    out_dir = ensure_writable_dir(out)
    ingested = ingest(sources, out_dir, workers=workers, executor=executor, scheduler=scheduler,
                      progress=progress, **ingest_options)
    tagged = tag(ingested.passages_parquet, out_dir, model=model, workers=workers, executor=executor,
                 scheduler=scheduler, progress=progress)
    compared = compare(tagged.tags_parquet, out_dir, by=by, latest=latest, evidence=evidence, languages=languages,
                       model=model, min_passages=min_passages, png=png, documents=ingested.documents)
    if progress:
        progress("compare", 1, 1)
    return RunOutput(ingested, tagged, compared, out_dir)
