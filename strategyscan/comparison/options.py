"""How a comparison groups and filters passages: the options `compare` and `run` check before
any work starts, importable without pandas (a bad option must not wait for an ingest)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Grouping:
    """One way to group passages (`--by`): the columns that key a group, how a reader names one
    (from those columns alone: a name is worked out once per group), and whether its row gives
    the first and last year of its documents."""
    keys: tuple[str, ...]
    name: Callable[[pd.Series], str]
    years: bool = True


def _year(row: pd.Series) -> str:
    import pandas as pd

    return "" if pd.isna(row["year"]) else str(row["year"])


GROUPINGS: dict[str, Grouping] = {
    "country": Grouping(("country", "iso3"), lambda r: str(r["country"])),
    "country-year": Grouping(("country", "iso3", "year"),
                             lambda r: f"{r['country']} {_year(r) or '(year unknown)'}"),
    "document": Grouping(("country", "iso3", "year", "doc_id", "file"),
                         lambda r: f"{r['country']} {_year(r)} {r['file']}".replace("  ", " "), years=False),
}


def table_name(by: str) -> str:
    """The comparison table's file, named for its rows: `country_comparison.csv`,
    `country_year_comparison.csv`, `document_comparison.csv`."""
    return f"{by.replace('-', '_')}_comparison.csv"


def group_name(row: pd.Series, by: str) -> str:
    return GROUPINGS[by].name(row)


UNKNOWN = "(unknown country)"


class CompareError(ValueError):
    pass


@dataclass(frozen=True)
class CompareOptions:
    by: str = "country"
    latest: bool = False
    languages: tuple[str, ...] | None = None  # None: every language a model scored
    include_headings: bool = False
    evidence: int = 5

    def __post_init__(self) -> None:
        if self.by not in GROUPINGS:
            raise CompareError(f"--by must be one of {', '.join(GROUPINGS)}, got {self.by!r}")
        if self.languages is not None:
            codes = tuple(str(c).strip() for c in self.languages if str(c).strip())
            if not codes or any(not (c.isalpha() and c.islower() and 2 <= len(c) <= 3) for c in codes):
                raise CompareError(f"--languages must be ISO 639-1 codes such as en,fr, got {self.languages!r}")
            object.__setattr__(self, "languages", codes)
        if self.evidence < 0:
            raise CompareError("the number of evidence passages cannot be negative")
