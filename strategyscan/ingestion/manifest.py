"""A user's manifest (`file,country,year`, iso3 optional): values checked and normalised through
the country table ingest uses, rows matched to files by their path under the source folder.

A manifest is typed by hand, so its mistakes are expected: each one is a warning naming the line
(and, where it applies to a file, that file's row says so too), never an abort and never a silent
new group. "France", "france" and "FRA" all become France (FRA); "UK" becomes United Kingdom, as
a file name would give it.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..countries import country_name, lookup, name_table
from .metadata import Meta, plausible_year
from .sources import SourceFile

#: ISO 3166 keeps these alpha-3 ranges for users' own codes: a manifest may name an entity that
#: has no country code (a fictional sample country, an organisation) with one of them.
_USER_CODES = re.compile(r"AA[A-Z]|Q[M-Z][A-Z]|X[A-Z]{2}|ZZ[A-Z]")


class ManifestError(ValueError):
    """A manifest that cannot be read at all (missing, not CSV, no file column)."""


@dataclass(frozen=True)
class ManifestWarning:
    manifest: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.manifest}, line {self.line}: {self.message}"


@dataclass(frozen=True)
class ManifestRow:
    key: str  # the `file` cell as a relative POSIX path in NFC
    line: int
    meta: Meta
    manifest: str
    scope: Path | None = None  # a folder's own manifest.csv speaks only for files under that folder


@dataclass
class Manifest:
    rows: list[ManifestRow] = field(default_factory=list)
    warnings: list[ManifestWarning] = field(default_factory=list)

    def extend(self, other: Manifest) -> None:
        self.rows.extend(other.rows)
        self.warnings.extend(other.warnings)


def _key(cell: str) -> str:
    text = unicodedata.normalize("NFC", cell.strip().replace("\\", "/"))
    return str(PurePosixPath(text)).removeprefix("./")


def _suggestion(name: str) -> str:
    close = difflib.get_close_matches(name.lower(), list(name_table()), n=1, cutoff=0.8)
    return f" (did you mean {country_name(name_table()[close[0]])}?)" if close else ""


def _country(country: str, iso3: str) -> tuple[str, str, list[str]]:
    """(country, iso3, warnings) of one row, in the names ingest gives."""
    notes: list[str] = []
    country = " ".join(country.split())
    code = iso3.strip().upper()
    known = bool(code) and bool(country_name(code))
    if code and not known and not _USER_CODES.fullmatch(code):
        notes.append(f"iso3 {iso3.strip()!r} is not an ISO 3166 code; ignored")
        code = ""
    named = lookup(country) if country else ""
    if known:
        if named and named != code:
            notes.append(f"country {country!r} is {named}, not {code} ({country_name(code)}); using {code}")
        return country_name(code), code, notes
    if code:  # a user-assigned code: the name is the user's own
        return country or code, code, notes
    if named:
        return country_name(named), named, notes
    if country:
        notes.append(f"country {country!r} is not a known country name{_suggestion(country)}; kept as written "
                     f"(give an iso3 code, XAA-XZZ for an entity without one, to say it is meant)")
    return country, "", notes


def _year(text: str) -> tuple[int | None, list[str]]:
    text = text.strip()
    if not text:
        return None, []
    if not text.isdigit():
        return None, [f"year {text!r} is not a number; ignored"]
    if not plausible_year(int(text)):
        return None, [f"year {text} is not a plausible strategy year; ignored"]
    return int(text), []


def read_manifest(path: str | Path, scope: Path | None = None) -> Manifest:
    """Rows of a manifest with their values normalised; problems become warnings."""
    path = Path(path)
    name = str(path)
    out = Manifest()
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            columns = set(reader.fieldnames or [])
            if "file" not in columns or not {"country", "iso3"} & columns:
                raise ManifestError(f"{path}: a manifest needs columns file, country (or iso3), year")
            first: dict[str, int] = {}
            for line, row in enumerate(reader, start=2):
                key = _key(row.get("file") or "")
                if not key or key == ".":
                    out.warnings.append(ManifestWarning(name, line, "no file named; row ignored"))
                    continue
                if key in first:
                    out.warnings.append(ManifestWarning(name, line, f"{key} is already given on line {first[key]}; "
                                                                    f"this row is ignored"))
                    continue
                first[key] = line
                country, iso3, notes = _country(row.get("country") or "", row.get("iso3") or "")
                year, year_notes = _year(row.get("year") or "")
                notes += year_notes
                out.rows.append(ManifestRow(key, line, Meta(country, iso3, year, "manifest"), name, scope))
                out.warnings.extend(ManifestWarning(name, line, n) for n in notes)
    except FileNotFoundError:
        raise ManifestError(f"manifest not found: {path}") from None
    except IsADirectoryError:
        raise ManifestError(f"manifest is a folder, not a CSV file: {path}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ManifestError(f"{path}: not a readable CSV ({exc})") from None
    return out


def _within(file: SourceFile, scope: Path | None) -> bool:
    return scope is None or file.root == scope


@dataclass(frozen=True)
class Matched:
    metas: dict[int, Meta]            # index into the files -> the manifest's values
    notes: dict[int, list[str]]       # index -> manifest warnings for that file's row
    warnings: list[ManifestWarning]   # every warning, unmatched rows included


def match(manifest: Manifest, files: list[SourceFile]) -> Matched:
    """Each row to the file at that path under its source folder, else to the one file of that
    base name; a row that matches no file or several is reported. A folder's own manifest
    speaks for files under it; a later manifest (the one named with --manifest) wins."""
    metas: dict[int, Meta] = {}
    notes: dict[int, list[str]] = {}
    warnings = list(manifest.warnings)
    said: dict[tuple[str, int], list[str]] = {}  # a row's own warnings, repeated in its file's row
    for w in manifest.warnings:
        said.setdefault((w.manifest, w.line), []).append(w.message)
    by_path: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for i, f in enumerate(files):
        if not f.problem:
            by_path.setdefault(f.relative, []).append(i)
            by_name.setdefault(PurePosixPath(f.relative).name, []).append(i)
    for row in manifest.rows:
        exact = [i for i in by_path.get(row.key, []) if _within(files[i], row.scope)]
        named = [i for i in by_name.get(PurePosixPath(row.key).name, []) if _within(files[i], row.scope)]
        hits = exact or (named if "/" not in row.key or len(named) == 1 else [])
        if not hits:
            warnings.append(ManifestWarning(row.manifest, row.line, f"{row.key} matches no file"))
            continue
        if len(hits) > 1:
            shown = ", ".join(files[i].relative for i in hits[:3]) + (", ..." if len(hits) > 3 else "")
            message = f"{row.key} matches {len(hits)} files ({shown}): give its path under the source folder"
            warnings.append(ManifestWarning(row.manifest, row.line, message + "; row ignored"))
            continue
        metas[hits[0]] = row.meta
        notes[hits[0]] = [f"manifest line {row.line}: {n}" for n in said.get((row.manifest, row.line), [])]
    return Matched(metas, notes, warnings)
