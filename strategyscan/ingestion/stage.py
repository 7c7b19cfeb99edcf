"""The ingest stage: files and folders into `passages` and `documents` tables, with the cache
and an executor deciding where and when each file is read. Outputs stream to disk in batches
(memory does not grow with the corpus) and appear atomically, in input order whatever the
number of workers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import Cache, entry_key
from ..executors import TaskFailed, check_executor, make_executor
from ..outputs import ensure_writable_dir
from ..records import Document, IngestResult, Passage, Progress, arrow_schema, columns, pandas_types
from .document import IngestOptions, display_name, failed, file_hash, ingest_file
from .manifest import Manifest, ManifestWarning, match, read_manifest
from .metadata import Meta
from .sources import SourceError, discover

if TYPE_CHECKING:
    import pandas as pd


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
        import pandas as pd

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

    # the workers start on the files before this process loads pandas and pyarrow (half a second)
    pool = make_executor(executor, workers, scheduler) if todo else None
    try:
        # hard limit per file: the cooperative limit inside ingest_file plus room to finish a page
        stream = pool.map(_ingest_task, todo, timeout=time_limit * 1.5 + 5, options=options,
                          cache_root=str(store.root) if store else None) if pool else iter(())
        import pandas as pd

        from ..outputs import write_csv
        from ..tables import BATCH_ROWS, TableSink, finishing

        sink = (TableSink(out_dir / "passages.csv", out_dir / "passages.parquet", arrow_schema(Passage))
                if out_dir else None)
    except BaseException:
        if pool:
            pool.close()
        raise
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
            # typed as the record is: a batch holding a file without a year would print 2012.0
            sink.add(pd.DataFrame(kept, columns=columns(Passage)).astype(pandas_types(Passage)))
            kept = []

    with finishing(pool, sink):
        drain()
        if pool:
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
