"""ingest -> tag -> compare, with the cache and the executors deciding where and when each runs.

These functions are the Python API the CLI is a thin layer over; each stage writes its outputs
atomically and returns what a notebook needs next.
"""

from __future__ import annotations

import csv
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .cache import Cache, entry_key
from .executors import TaskFailed, check_executor, make_executor
from .ingestion import IngestOptions, SourceError, discover, file_hash, ingest_file
from .ingestion.metadata import Meta, read_manifest
from .outputs import atomic_path, ensure_writable_dir, write_csv
from .records import Document, IngestResult, Passage

Progress = Callable[[str, int, int], None]

PASSAGE_ORDER = ["passage_id", "doc_id", "file", "country", "iso3", "year", "language", "page", "kind",
                 "index", "words", "text"]
DOCUMENT_ORDER = ["doc_id", "file", "country", "iso3", "year", "language", "pages", "passages", "words",
                  "status", "reason", "title", "metadata_source"]


@dataclass
class IngestOutput:
    documents: pd.DataFrame
    passages_csv: Path | None
    passages_parquet: Path | None
    documents_csv: Path | None
    reused: int = 0

    @property
    def passages(self) -> pd.DataFrame:
        if self.passages_parquet is None:
            raise ValueError("no passages were written (ingest was called without an output folder)")
        return pd.read_parquet(self.passages_parquet)


def _ingest_task(path: Path, options: IngestOptions, meta: Meta | None, cache_root: str | None,
                 key: str | None) -> IngestResult:
    """Runs in a worker: extract one file and store it in the cache before returning."""
    manifest = {unicodedata.normalize("NFC", path.name): meta} if meta else None
    result = ingest_file(path, options, manifest)
    if cache_root and key and result.document.status != "error":
        Cache(cache_root).put(key, result)
    return result


def _failed(path: Path, doc_id: str, reason: str) -> IngestResult:
    return IngestResult(Document(doc_id=doc_id, file=unicodedata.normalize("NFC", str(path)),
                                 status="error", reason=reason))


class _PassageSink:
    """Streams passages to CSV and Parquet so memory does not grow with the batch."""

    def __init__(self, csv_path: Path, parquet_path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa, self._pq = pa, pq
        self._csv_ctx, self._pq_ctx = atomic_path(csv_path), atomic_path(parquet_path)
        self._csv_tmp = self._csv_ctx.__enter__()
        self._pq_tmp = self._pq_ctx.__enter__()
        self._fh = self._csv_tmp.open("w", newline="", encoding="utf-8")
        self._writer = csv.DictWriter(self._fh, fieldnames=PASSAGE_ORDER, extrasaction="ignore")
        self._writer.writeheader()
        self._schema = pa.schema([
            (name, pa.int64() if name in {"year", "page", "index", "words"} else pa.string())
            for name in PASSAGE_ORDER
        ])
        self._pq_writer = pq.ParquetWriter(self._pq_tmp, self._schema)

    def add(self, passages: list[Passage]) -> None:
        if not passages:
            return
        rows = [p.row() for p in passages]
        self._writer.writerows(rows)
        table = self._pa.Table.from_pylist([{k: r[k] for k in PASSAGE_ORDER} for r in rows], schema=self._schema)
        self._pq_writer.write_table(table)

    def close(self, ok: bool) -> None:
        self._fh.close()
        self._pq_writer.close()
        exc = None if ok else RuntimeError("aborted")
        for ctx in (self._csv_ctx, self._pq_ctx):
            if exc is None:
                ctx.__exit__(None, None, None)
            else:
                ctx.__exit__(type(exc), exc, None)


def ingest(sources: list[str | os.PathLike], out: str | os.PathLike | None = None, *,
           engine: str = "pypdfium2", manifest: str | os.PathLike | None = None, workers: int = 0,
           executor: str = "local", scheduler: str | None = None, cache: bool = True,
           max_pages: int = 1000, time_limit: float = 120.0, progress: Progress | None = None) -> IngestOutput:
    """Ingest files and folders into `out/passages.csv|parquet` and `out/documents.csv`."""
    options = IngestOptions(engine=engine, max_pages=max_pages, time_limit=time_limit)
    check_executor(executor, workers, scheduler)
    out_dir = ensure_writable_dir(out) if out is not None else None
    files = discover(list(sources))
    if not files:
        raise SourceError(f"no .pdf or .txt files in {', '.join(map(str, sources))}")
    metas: dict[str, Meta] = {}
    for source in sources:  # a folder may carry its own manifest.csv; an explicit one wins
        if Path(source).is_dir() and (Path(source) / "manifest.csv").is_file():
            metas.update(read_manifest(Path(source) / "manifest.csv"))
    if manifest:
        metas.update(read_manifest(manifest))
    store = Cache(out_dir / ".cache") if (cache and out_dir is not None) else None

    results: dict[int, IngestResult] = {}
    todo: list[tuple[int, Path, Meta | None, str | None]] = []
    for i, path in enumerate(files):
        meta = metas.get(unicodedata.normalize("NFC", path.name))
        try:
            doc_id = file_hash(path)
        except OSError as exc:
            results[i] = _failed(path, "", f"cannot read file: {exc.strerror or exc}")
            continue
        key = entry_key(doc_id, path.name, options.cache_key(), meta) if store else None
        hit = store.get(key, unicodedata.normalize("NFC", str(path))) if store and key else None
        if hit is not None:
            results[i] = hit
        else:
            todo.append((i, path, meta, key))
    reused = len(results)
    done = reused
    if progress:
        progress("ingest", done, len(files))

    sink = None
    if out_dir is not None:
        sink = _PassageSink(out_dir / "passages.csv", out_dir / "passages.parquet")
    documents: list[Document] = []
    ok = False
    pool = make_executor(executor, workers, scheduler) if todo else None
    try:
        # hard limit per file: the cooperative limit inside ingest_file plus room to finish a page
        hard = time_limit * 1.5 + 5
        stream = pool.map(_run_todo, todo, timeout=hard, options=options,
                          cache_root=str(store.root) if store else None) if pool else iter(())
        pending = dict(results)
        next_index = 0

        def drain() -> None:
            nonlocal next_index
            while next_index in pending:
                res = pending.pop(next_index)
                documents.append(res.document)
                if sink:
                    sink.add(res.passages)
                next_index += 1

        drain()
        for (i, path, _meta, _key), result in stream:
            if isinstance(result, TaskFailed):
                result = _failed(path, file_hash(path), str(result))
            pending[i] = result
            done += 1
            if progress:
                progress("ingest", done, len(files))
            drain()
        drain()
        ok = True
    finally:
        if pool:
            pool.close()
        if sink:
            sink.close(ok)

    frame = pd.DataFrame([d.row() for d in documents], columns=DOCUMENT_ORDER)
    frame["year"] = frame["year"].astype("Int64")
    docs_csv = write_csv(out_dir / "documents.csv", frame) if out_dir is not None else None
    return IngestOutput(frame, out_dir / "passages.csv" if out_dir else None,
                        out_dir / "passages.parquet" if out_dir else None, docs_csv, reused)


def _run_todo(item, options: IngestOptions, cache_root: str | None) -> IngestResult:
    _i, path, meta, key = item
    return _ingest_task(path, options, meta, cache_root, key)


def strip_file(result: IngestResult, file: str) -> IngestResult:
    return IngestResult(replace(result.document, file=file), [replace(p, file=file) for p in result.passages])


# ------------------------------------------------------------------------------------------------
# tag


@dataclass
class TagOutput:
    tags: pd.DataFrame
    tags_csv: Path | None
    reused: int = 0


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """A CSV or Parquet table, every column kept (ids and names stay strings)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise ValueError(f"cannot read {path} as a table: {exc}") from None


def _previous_tags(out_dir: Path, model_id: str) -> pd.DataFrame | None:
    path = out_dir / "tags.parquet"
    if not path.is_file():
        return None
    try:
        prev = pd.read_parquet(path)
    except Exception:
        return None
    if "passage_id" not in prev.columns or "model_id" not in prev.columns:
        return None
    return prev[prev["model_id"] == model_id]


def tag(inputs: list[str | os.PathLike] | str | os.PathLike, out: str | os.PathLike | None = None, *,
        model: str | os.PathLike | None = None, workers: int = 0, executor: str = "local",
        scheduler: str | None = None, progress: Progress | None = None, **ingest_options) -> TagOutput:
    """Tag a passages table (CSV/Parquet with a `text` column) or documents (ingested first)."""
    from .classification.persistence import load_card
    from .classification.tag import probability_columns, tag_frame

    inputs = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    out_dir = ensure_writable_dir(out) if out is not None else None
    if len(inputs) == 1 and Path(inputs[0]).suffix.lower() in {".csv", ".parquet"}:
        frame = read_table(inputs[0])
        if "text" not in frame.columns:
            raise ValueError(f"{inputs[0]} has no 'text' column; columns are: {', '.join(frame.columns)}")
    elif out_dir is not None:
        frame = ingest(inputs, out_dir, workers=workers, executor=executor, scheduler=scheduler,
                       progress=progress, **ingest_options).passages
    else:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="strategyscan-") as tmp:
            frame = ingest(inputs, tmp, workers=workers, executor=executor, scheduler=scheduler,
                           progress=progress, **ingest_options).passages
    card = load_card(model)
    labels = card["labels"]
    reused = 0
    prev = _previous_tags(out_dir, card["model_id"]) if out_dir is not None and "passage_id" in frame else None
    if prev is not None and len(prev):
        cols = ["passage_id", "text", *probability_columns(labels), "labels"]
        merged = frame.merge(prev[cols], on=["passage_id", "text"], how="left", indicator=True)
        hit = (merged["_merge"] == "both").to_numpy()
        reused = int(hit.sum())
        fresh = tag_frame(frame[~hit], model, workers=workers or 0, executor=executor, scheduler=scheduler,
                          progress=progress)
        old = merged.loc[hit, [*frame.columns, *probability_columns(labels), "labels"]].copy()
        old["model_id"] = card["model_id"]
        tagged = pd.concat([old, fresh]).loc[lambda d: ~d.index.duplicated()]
        order = pd.Series(range(len(frame)), index=frame["passage_id"])
        tagged = tagged.iloc[order.reindex(tagged["passage_id"]).argsort()].reset_index(drop=True)
    else:
        tagged = tag_frame(frame, model, workers=workers or 0, executor=executor, scheduler=scheduler,
                           progress=progress)
    tags_csv = None
    if out_dir is not None:
        tags_csv = write_csv(out_dir / "tags.csv", tagged)
        from .outputs import write_parquet

        write_parquet(out_dir / "tags.parquet", tagged.astype({c: str for c in tagged.columns
                                                               if tagged[c].dtype == object}))
    return TagOutput(tagged, tags_csv, reused)


# ------------------------------------------------------------------------------------------------
# compare


@dataclass
class CompareOutput:
    table: pd.DataFrame
    long: pd.DataFrame
    evidence: pd.DataFrame
    report: Path | None


def compare(tags: pd.DataFrame | str | os.PathLike, out: str | os.PathLike | None = None, *,
            by: str = "country", latest: bool = False, evidence: int = 5, include_non_english: bool = False,
            include_headings: bool = False, report: bool = True) -> CompareOutput:
    """Per-group emphasis tables, evidence passages and (with `out`) CSVs, PNGs and report.html."""
    from .classification.taxonomy import load_taxonomy
    from .comparison import CompareError, CompareOptions, compare_table, long_form
    from .comparison import evidence as evidence_fn
    from .comparison.aggregate import labels_of

    options = CompareOptions(by=by, latest=latest, include_non_english=include_non_english,
                             include_headings=include_headings, evidence=evidence)
    frame = tags if isinstance(tags, pd.DataFrame) else read_table(tags)
    labels = labels_of(frame)
    if frame.empty:
        raise CompareError("the tags table has no passages to compare")
    for lab in labels:
        frame[f"p_{lab}"] = pd.to_numeric(frame[f"p_{lab}"], errors="coerce").fillna(0.0)
    table = compare_table(frame, options)
    long = long_form(table, labels, by)
    ev = evidence_fn(frame, options)
    report_path = None
    if out is not None:
        out_dir = ensure_writable_dir(out)
        write_csv(out_dir / "country_comparison.csv", table)
        write_csv(out_dir / "comparison_long.csv", long)
        write_csv(out_dir / "evidence.csv", ev)
        if report:
            from .comparison.report import write_report

            taxonomy = load_taxonomy()
            titles = {lab: (taxonomy.title(lab) if lab in taxonomy.labels else lab) for lab in labels}
            descriptions = {c.name: c.description for c in taxonomy.categories}
            report_path = write_report(out_dir, table, ev, labels, titles, descriptions, by,
                                       {"model_id": table["model_id"].iloc[0] if len(table) else "",
                                        "groups": len(table)})
    return CompareOutput(table, long, ev, report_path)


# ------------------------------------------------------------------------------------------------
# run: all three stages


@dataclass
class RunOutput:
    ingest: IngestOutput
    tag: TagOutput
    compare: CompareOutput
    out: Path


def run(sources: list[str | os.PathLike], out: str | os.PathLike, *, model: str | os.PathLike | None = None,
        by: str = "country", latest: bool = False, workers: int = 0, executor: str = "local",
        scheduler: str | None = None, progress: Progress | None = None, **ingest_options) -> RunOutput:
    """Ingest, tag and compare into one folder; unchanged files are not extracted again."""
    from .comparison import CompareOptions

    CompareOptions(by=by)  # validate before the long work
    check_executor(executor, workers, scheduler)
    out_dir = ensure_writable_dir(out)
    ingested = ingest(sources, out_dir, workers=workers, executor=executor, scheduler=scheduler,
                      progress=progress, **ingest_options)
    tagged = tag(ingested.passages_parquet, out_dir, model=model, workers=workers, executor=executor,
                 scheduler=scheduler, progress=progress)
    compared = compare(tagged.tags, out_dir, by=by, latest=latest)
    if progress:
        progress("compare", 1, 1)
    return RunOutput(ingested, tagged, compared, out_dir)
