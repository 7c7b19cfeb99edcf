"""Which files a list of SOURCES names: files as given, folders walked.

The walk is iterative (a folder nested thousands deep is not a RecursionError), follows no
folder links (no loops), and opens nothing: a file that cannot be read (a FIFO, a device, a
broken link, a folder it may not list) is returned with its problem, so it gets a row like any
other file instead of hanging the batch or vanishing from it.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = {".pdf", ".txt"}


class SourceError(ValueError):
    pass


@dataclass(frozen=True)
class SourceFile:
    path: Path
    relative: str  # POSIX path under the folder named as a source (NFC); the name of a file named directly
    root: Path | None = None  # the folder named as a source; None for a file named directly
    problem: str = ""  # why it will not be read, for its row


def regular_file_problem(path: Path) -> str:
    """'' for a regular file (links followed), else why it is not one."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "broken symbolic link" if path.is_symlink() else "no such file or folder"
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return ""
    kinds = {stat.S_ISFIFO: "a FIFO (named pipe)", stat.S_ISSOCK: "a socket", stat.S_ISCHR: "a device",
             stat.S_ISBLK: "a device"}
    kind = next((name for test, name in kinds.items() if test(mode)), "not a file")
    return f"not a regular file: {kind}"


def _relative(path: Path, root: Path) -> str:
    return unicodedata.normalize("NFC", path.relative_to(root).as_posix())


def _walk(root: Path) -> list[SourceFile]:
    """Candidate files under `root`, in a stable order, with folders it could not list."""
    found: list[SourceFile] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            found.append(SourceFile(folder, _relative(folder, root) if folder != root else ".", root,
                                    f"cannot list folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(path)
            elif Path(entry.name).suffix.lower() in SUFFIXES:
                found.append(SourceFile(path, _relative(path, root), root, regular_file_problem(path)))
        stack.extend(reversed(subfolders))
    return sorted(found, key=lambda f: Path(f.relative).parts)  # the order Path sorting gives


def discover(sources: list[str | Path]) -> list[SourceFile]:
    """Files in a stable order; a file named directly is taken whatever its suffix, and every
    named source gets an entry (a missing one with its problem)."""
    found: list[SourceFile] = []
    seen: set[Path] = set()
    for source in sources:
        path = Path(source)
        if path.is_dir():
            candidates = _walk(path)
        else:
            candidates = [SourceFile(path, unicodedata.normalize("NFC", path.name), None, regular_file_problem(path))]
        for candidate in candidates:
            key = candidate.path.resolve() if not candidate.problem else candidate.path.absolute()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    if found and all(f.problem == "no such file or folder" for f in found):
        raise SourceError(f"no such file or folder: {', '.join(str(s) for s in sources)}")
    return found
