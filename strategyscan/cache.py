"""Content-addressed cache of ingested documents.

Keyed by file content, engine, cleaning version and the metadata inputs, so re-running skips
unchanged files, re-tagging never re-extracts PDFs, and an interrupted run resumes. Entries are
JSON (nothing executes on load) and are written atomically: a half-written entry is never read.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
from dataclasses import asdict, replace
from pathlib import Path

from .ingestion.metadata import Meta
from .outputs import OutputError, write_bytes
from .records import Document, IngestResult, Passage

CACHE_FORMAT = "1"


def entry_key(doc_id: str, file_name: str, options_key: str, meta: Meta | None) -> str:
    raw = json.dumps([CACHE_FORMAT, doc_id, file_name, options_key, asdict(meta) if meta else None])
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


class Cache:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json.gz"

    def get(self, key: str, file: str) -> IngestResult | None:
        path = self._path(key)
        try:
            data = json.loads(gzip.decompress(path.read_bytes()))
        except (OSError, ValueError, EOFError):
            return None  # missing or unreadable: recompute
        doc = replace(Document(**data["document"]), file=file)
        return IngestResult(doc, [replace(Passage(**p), file=file) for p in data["passages"]])

    def put(self, key: str, result: IngestResult) -> None:
        payload = {"document": result.document.row(), "passages": [p.row() for p in result.passages]}
        with contextlib.suppress(OutputError):  # a cache that cannot be written only costs speed next time
            write_bytes(self._path(key), gzip.compress(json.dumps(payload).encode(), compresslevel=3))
