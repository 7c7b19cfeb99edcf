"""Hostile and odd non-PDF inputs, generated at test time (no binary fixtures in the repository):
odd encodings and names, duplicates, empty and binary files, FIFOs, broken links, deep folders.

`write_hostile_files(folder)` returns {path relative to folder: what its row should say}; an
empty expectation means the file must be read (status ok)."""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path

PROSE = ("The national cyber security centre will train incident responders in partner states and share "
         "threat information with allies through regional exercises. The ministry will promote agreed norms "
         "of responsible state behaviour in cyberspace at the United Nations.\n\n")

#: a name a shell would run: strategyscan never passes names to a shell, so nothing may appear
SHELL_NAME = "$(touch PWNED)`touch PWNED2`;touch PWNED3.txt"


def write_hostile_files(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes, says: str = "") -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expect[name] = says

    text = PROSE * 4
    put("KEN_2014_utf8.txt", text.encode("utf-8"))
    put("GHA_2015_utf16.txt", text.replace("allies", "partners").encode("utf-16"))
    put("NGA_2016_utf16le_nobom.txt", text.replace("allies", "friends").encode("utf-16-le"))
    put("SEN_2017_utf32.txt", text.replace("allies", "neighbours").encode("utf-32"))
    put("MLI_2018_cp1252.txt", (text.replace("allies", "alliés") + "caf\xe9 \x81\n").encode("cp1252", "replace"),
        "Windows-1252")
    put("binary.txt", bytes(range(256)) * 40, "binary file")
    put("empty.txt", b"", "empty file")
    put("copy of KEN_2014_utf8.txt", text.encode("utf-8"), "duplicate of")
    put("nested/a/b/c/d/e/TGO_2019.txt", text.replace("allies", "donors").encode("utf-8"))
    put(f"{SHELL_NAME}", text.replace("allies", "peers").encode("utf-8"))
    put("<img src=x onerror=alert(1)>.txt", text.replace("allies", "states").encode("utf-8"))
    put("-rf.txt", text.replace("allies", "members").encode("utf-8"))
    put("x" * 200 + ".txt", text.replace("allies", "regions").encode("utf-8"))
    nfd = "Co\u0302te d'Ivoire 2020.txt"  # an accent as a combining mark, as macOS writes names
    put(nfd, text.replace("allies", "communities").encode("utf-8"))
    put("only_form_feeds.txt", b"\f\f\f\n\f", "no text")
    put("nul_in_text.txt", b"abc\x00def " * 200, "binary file")
    put("bom_only.txt", codecs.BOM_UTF8, "no text")
    put("long_line.txt", (("cyber " * 2_000_000) + "\n").encode("ascii"), "page limit reached")  # 12 M characters
    if sys.platform != "win32":
        os.mkfifo(folder / "pipe.txt")
        expect["pipe.txt"] = "FIFO"
        os.symlink(folder / "gone.pdf", folder / "dangling.pdf")
        expect["dangling.pdf"] = "broken symbolic link"
        os.symlink(folder, folder / "nested" / "loop")  # a folder link back up: never followed
    return expect
