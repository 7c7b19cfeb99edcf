"""ingest -> tag -> compare, with the cache and the executors deciding where and when each runs.

These functions are the Python API the CLI is a thin layer over. Each stage streams its table
to disk in batches (memory does not grow with the corpus), writes atomically, and returns what a
notebook needs next.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .executors import check_executor
from .ingestion.stage import IngestOutput, ingest
from .lazy import lazy_exports
from .outputs import ensure_writable_dir
from .records import Progress

if TYPE_CHECKING:
    import pandas as pd

    from .classification.stage import TagOutput
    from .comparison.stage import CompareOutput, ModelRecords, compare, model_records

__all__ = ["CompareOutput", "IngestOutput", "ModelRecords", "RunOutput", "TagOutput", "compare", "ingest",
           "is_table", "model_records", "run", "tag"]

# imported on first use: `run` starts the ingest's workers before this process loads pandas,
# so they extract while it does
__getattr__ = lazy_exports(__name__, __package__, {
    "TagOutput": ".classification.stage",
    **dict.fromkeys(("CompareOutput", "ModelRecords", "compare", "model_records"), ".comparison.stage")})


def is_table(inputs: list[str | os.PathLike]) -> bool:
    """`tag` takes one passages table, or documents to ingest first."""
    return len(inputs) == 1 and Path(inputs[0]).suffix.lower() in {".csv", ".parquet"}


def tag(inputs: list[str | os.PathLike] | str | os.PathLike | pd.DataFrame, out: str | os.PathLike | None = None,
        *, model: str | os.PathLike | None = None, workers: int = 0, executor: str = "local",
        scheduler: str | None = None, progress: Progress | None = None, **ingest_options) -> TagOutput:
    """Tag a passages table (CSV/Parquet/DataFrame with a `text` column), or documents: ingested
    first (into `out`, or a temporary folder), then tagged. See `classification.stage.tag`."""
    import pandas as pd

    from .classification.stage import tag as tag_table

    if isinstance(inputs, pd.DataFrame):
        return tag_table(inputs, out, model=model, workers=workers, executor=executor, scheduler=scheduler,
                         progress=progress)
    inputs = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    if is_table(inputs):
        return tag_table(inputs[0], out, model=model, workers=workers, executor=executor, scheduler=scheduler,
                         progress=progress)
    check_executor(executor, workers, scheduler)
    with tempfile.TemporaryDirectory(prefix="strategyscan-") as tmp:
        folder = ensure_writable_dir(out) if out is not None else Path(tmp)
        ingested = ingest(inputs, folder, workers=workers, executor=executor, scheduler=scheduler,
                          progress=progress, **ingest_options)
        return tag_table(ingested.passages_parquet, out, model=model, workers=workers, executor=executor,
                         scheduler=scheduler, progress=progress, named=", ".join(map(str, inputs)))


def _let_go_of_models() -> None:
    """Free what tagging loaded in this process (a small last chunk is scored here) before
    compare: one process carries every stage of a run, so its peak is theirs added up."""
    import gc

    from .classification.tag import cached_model
    from .tables import release_arrow_memory

    cached_model.cache_clear()
    gc.collect()
    release_arrow_memory()


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
    from .comparison.options import CompareOptions

    # validate first: a bad option must not wait for the ingest
    CompareOptions(by=by, languages=tuple(languages) if languages is not None else None, evidence=evidence)
    check_executor(executor, workers, scheduler)
    out_dir = ensure_writable_dir(out)
    ingested = ingest(sources, out_dir, workers=workers, executor=executor, scheduler=scheduler,
                      progress=progress, **ingest_options)
    from .classification.stage import tag as tag_table
    from .comparison.stage import compare, counting

    # the comparison counts each batch as it is tagged: this process is mostly waiting for the workers then
    counted = counting(by=by, latest=latest, evidence=evidence, languages=languages, model=model)
    tagged = tag_table(ingested.passages_parquet, out_dir, model=model, workers=workers, executor=executor,
                       scheduler=scheduler, progress=progress, each=counted.add if counted else None)
    _let_go_of_models()
    compared = compare(tagged.tags_parquet, out_dir, by=by, latest=latest, evidence=evidence, languages=languages,
                       model=model, min_passages=min_passages, png=png, documents=ingested.documents,
                       counted=counted)
    if progress:
        progress("compare", 1, 1)
    return RunOutput(ingested, tagged, compared, out_dir)
