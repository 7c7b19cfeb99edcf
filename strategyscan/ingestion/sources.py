"""Which files a list of SOURCES names: files as given, folders walked recursively."""

from __future__ import annotations

from pathlib import Path

SUFFIXES = {".pdf", ".txt"}


class SourceError(ValueError):
    pass


def discover(sources: list[str | Path]) -> list[Path]:
    """Files in a stable order; a file named directly is taken whatever its suffix."""
    found: list[Path] = []
    seen: set[Path] = set()
    for source in sources:
        path = Path(source)
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
            )
        elif path.exists():
            candidates = [path]
        else:
            raise SourceError(f"no such file or folder: {source}")
        for p in candidates:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append(p)
    return found
