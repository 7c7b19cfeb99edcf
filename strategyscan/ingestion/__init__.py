"""Ingest: files become documents of clean, located passages."""

from .document import IngestOptions, display_name, failed, file_hash, ingest_file
from .readers import ENGINES
from .sources import SourceError, discover

__all__ = ["ENGINES", "IngestOptions", "SourceError", "discover", "display_name", "failed", "file_hash", "ingest_file"]
