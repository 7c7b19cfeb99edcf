"""Country and year of a document, from the most to the least trustworthy source.

Order: a manifest the user gives, the file name, the PDF metadata and title page, the body
text. Each field is taken from the first source that has it; an unknown stays empty rather than
guessed from weak evidence.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..countries import UPPER_ONLY, country_name, fold, lookup, name_regex, name_table

METADATA_VERSION = "metadata.v2"

# Tokens that look like codes but are words or language tags in file names.
_NOT_CODES = {"ENG", "FRN", "ESP", "POR", "RUS", "NCSS", "ICT", "CNI", "EU", "UN", "IT", "IS", "ES", "PT", "FR"}


@dataclass(frozen=True)
class Meta:
    country: str = ""
    iso3: str = ""
    year: int | None = None
    source: str = ""


def plausible_year(value: int) -> bool:
    return 1990 <= value <= _dt.date.today().year + 1


def _file_name_year(token: str) -> int | None:
    """A year in a file-name token: "2021", "20210315" (YYYYMMDD), "04162018" (MMDDYYYY), or
    one set against letters ("2005AnnualReport", "v2019"); never digits inside a longer number."""
    m = re.fullmatch(r"((?:19|20)\d{2})(?:(\d{2})(\d{2}))?", token)
    if m and (m.group(2) is None or (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31)):
        value = int(m.group(1))
        return value if plausible_year(value) else None
    m = re.fullmatch(r"(\d{2})(\d{2})((?:19|20)\d{2})", token)
    if m and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
        value = int(m.group(3))
        return value if plausible_year(value) else None
    for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})(?!\d)", token):
        if re.search(r"[^\W\d_]", token) and plausible_year(int(m.group(1))):
            return int(m.group(1))
    return None


def from_file_name(path: str | Path) -> Meta:
    """`UK_2011_x.pdf`, `20211001_Singapore_National ... .pdf`, `AUS_2016_en.pdf`."""
    stem = unicodedata.normalize("NFC", Path(path).stem)
    tokens = [t for t in re.split(r"[_\-\s.,()\[\]]+", stem) if t]
    year = None
    for tok in tokens:
        year = _file_name_year(tok)
        if year:
            break
    iso3 = ""
    table = name_table()
    for size in (4, 3, 2, 1):
        for i in range(len(tokens) - size + 1):
            gram = tokens[i : i + size]
            phrase = fold(" ".join(gram))
            if size == 1:
                tok = gram[0]
                if re.fullmatch(r"[A-Z]{3}", tok) and tok not in _NOT_CODES and lookup(tok):
                    iso3 = tok
                elif tok in {"UK", "USA", "US", "UAE", "KSA"}:
                    iso3 = lookup(tok)
                elif phrase in table and phrase not in UPPER_ONLY and len(phrase) > 3:
                    iso3 = table[phrase]
            elif phrase in table:
                iso3 = table[phrase]
            if iso3:
                break
        if iso3:
            break
    return Meta(country_name(iso3) if iso3 else "", iso3, year, "file name")


def count_countries(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for m in name_regex().finditer(fold(text)):
        counts[name_table()[m.group(1)]] += 1
    return counts


def dominant_country(text: str, min_mentions: int = 3) -> str:
    """The most-mentioned country, only if it clearly dominates the runner-up."""
    ranked = count_countries(text).most_common(2)
    if not ranked or ranked[0][1] < min_mentions:
        return ""
    if len(ranked) > 1 and ranked[0][1] < 1.5 * ranked[1][1]:
        return ""
    return ranked[0][0]


def first_year(text: str) -> int | None:
    for m in re.finditer(r"\b((?:19|20)\d{2})\b", text):
        if plausible_year(int(m.group(1))):
            return int(m.group(1))
    return None


def from_title(title: str, first_page: str) -> Meta:
    """PDF metadata title and the title page: short texts, so one mention is enough."""
    for text in (title, first_page[:1500]):
        if not text:
            continue
        ranked = count_countries(text).most_common(2)
        iso3 = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else ""
        year = first_year(text)
        if iso3 or year:
            return Meta(country_name(iso3) if iso3 else "", iso3, year, "title page")
    return Meta()


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    "janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    "январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья]"
)
_DATED_RE = re.compile(rf"\b(?:{_MONTHS})\.?,?\s+(?:\d{{1,2}},?\s+)?((?:19|20)\d{{2}})\b", re.IGNORECASE)


def from_front_matter(pages: list[str]) -> Meta:
    """The publication date strategies print inside the cover ("August 2017", "mayo de 2021",
    "15 декабря 2017 г."): the first year set beside a month on pages 2-3."""
    for text in pages:
        for m in _DATED_RE.finditer(text.replace(" de ", " ")):
            if plausible_year(int(m.group(1))):
                return Meta(year=int(m.group(1)), source="front matter")
    return Meta()


def from_body(text: str) -> Meta:
    iso3 = dominant_country(text)
    return Meta(country_name(iso3) if iso3 else "", iso3, None, "body text")


def merge(*metas: Meta | Callable[[], Meta]) -> Meta:
    """First source wins, field by field; the source column says where each came from.

    A source may be a callable, consulted only while a field is still missing (scanning a
    whole body for country names is the costly one).
    """
    country = iso3 = ""
    year = None
    sources = []
    for item in metas:
        if country and year is not None:
            break
        meta = item() if callable(item) else item
        if not country and meta.country:
            country, iso3 = meta.country, meta.iso3
            sources.append(f"country: {meta.source}")
        if year is None and meta.year is not None:
            year = meta.year
            sources.append(f"year: {meta.source}")
    return Meta(country, iso3, year, "; ".join(sources))
