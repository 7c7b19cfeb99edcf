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
from .outputs import OutputError, sweep_stale, write_bytes
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

    def sweep(self) -> None:
        """Clear entries a killed run left half-written."""
        if self.root.is_dir():
            for folder in self.root.iterdir():
                if folder.is_dir():
                    sweep_stale(folder)

    def get(self, key: str, file: str) -> IngestResult | None:
        path = self._path(key)
        try:
            data = json.loads(gzip.decompress(path.read_bytes()))
            doc = replace(Document(**data["document"]), file=file)
            return IngestResult(doc, [replace(Passage(**p), file=file) for p in data["passages"]])
        except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError):
            return None  # missing, unreadable or of another shape: recompute

    def put(self, key: str, result: IngestResult) -> None:
        payload = {"document": result.document.row(), "passages": [p.row() for p in result.passages]}
        with contextlib.suppress(OutputError):  # a cache that cannot be written only costs speed next time
            write_bytes(self._path(key), gzip.compress(json.dumps(payload).encode(), compresslevel=3))
