"""Everything the report shows, as one JSON-ready dict: the page draws its tables and charts
from it in the browser, so what an analyst sees and what the CSVs hold are the same numbers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .options import group_name

MIN_PASSAGES = 30  # support below which a group is listed apart, not ranked


def _clean(value):
    """JSON has no NaN: missing numbers become null, numpy scalars plain numbers."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else round(float(value), 4)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    cols = [c for c in columns if c in frame.columns]
    return [{c: _clean(v) for c, v in zip(cols, row)} for row in frame[cols].itertuples(index=False, name=None)]


def group_rows(table: pd.DataFrame, labels: list[str], by: str) -> list[dict]:
    per_label = ["passages", "share", "share_lo", "share_hi", "share_adj", "share_adj_lo", "share_adj_hi",
                 "emphasis", "emphasis_adj", "rank", "rank_lo", "rank_hi", "p_above_next", "per_10k_words"]
    rows = []
    for _, r in table.iterrows():
        row = {"group": group_name(r, by), "country": _clean(r.get("country", "")), "iso3": _clean(r.get("iso3", "")),
               "year": _clean(r.get("year")), "documents": _clean(r["documents"]), "passages": _clean(r["passages"]),
               "words": _clean(r["words"]), "languages": _clean(r.get("languages", "")),
               "excluded_language": _clean(r.get("excluded_language", 0)),
               "excluded_headings": _clean(r.get("excluded_headings", 0)), "note": _clean(r.get("adj_note", "")) or "",
               "cells": {lab: {m: _clean(r.get(f"{lab}_{m}")) for m in per_label} for lab in labels}}
        rows.append(row)
    return rows


def document_rows(units: pd.DataFrame, labels: list[str], by: str, keys: list[str]) -> list[dict]:
    """Per document inside each group: counted passages and raw share per category."""
    if units.empty:
        return []
    docs = units.groupby([*keys, *(k for k in ("doc_id", "file", "year") if k not in keys)], dropna=False,
                         observed=True, sort=True)[["n", *(f"k_{lab}" for lab in labels)]].sum().reset_index()
    out = []
    for _, d in docs.iterrows():
        out.append({"group": group_name(d, by), "doc_id": _clean(d["doc_id"]), "file": Path(str(d["file"])).name,
                    "year": _clean(d["year"]), "passages": int(d["n"]),
                    "shares": {lab: round(float(d[f"k_{lab}"]) / max(int(d["n"]), 1), 4) for lab in labels}})
    return out


def left_out(documents: pd.DataFrame | None) -> list[dict]:
    """Documents that gave no counted text or only part of it, with the reason."""
    if documents is None or documents.empty:
        return []
    d = documents.copy()
    # read back from a CSV, a column with no reason at all is numbers (NaN), not text
    status = d.get("status", pd.Series("ok", index=d.index)).astype(object).fillna("ok")
    reason = d.get("reason", pd.Series("", index=d.index)).astype(object).fillna("")
    kept = d[(status != "ok") | (reason != "")]
    cols = ["file", "country", "year", "language", "status", "reason", "pages", "passages"]
    return _records(kept.assign(file=kept["file"].map(lambda f: Path(str(f)).name)), cols)


def empty_reason(table: pd.DataFrame, documents: pd.DataFrame | None = None) -> str:
    """Why a comparison has nothing to show ('' when it has): an empty result is a result, and
    the reader must learn from it what to do next."""
    if len(table) and int(table["passages"].sum()):
        return ""
    files = len(documents) if documents is not None else 0
    if not len(table):
        read = f" of the {files} file(s) read" if files else ""
        return (f"No passage was counted: none{read} gave any text to compare (see Documents left out for "
                f"each file's reason).")
    parts = []
    if int(table["excluded_language"].sum()):
        parts.append(f"{int(table['excluded_language'].sum())} passage(s) in languages no model covers (or not "
                     f"chosen with --languages)")
    if int(table["excluded_headings"].sum()):
        parts.append(f"{int(table['excluded_headings'].sum())} heading(s), which are not counted")
    return "No passage was counted: the text holds " + (" and ".join(parts) or "nothing countable") + "."


def report_data(table: pd.DataFrame, evidence: pd.DataFrame, changes: pd.DataFrame, units: pd.DataFrame,
                labels: list[str], titles: dict[str, str], descriptions: dict[str, str], by: str, keys: list[str],
                meta: dict, documents: pd.DataFrame | None = None, min_passages: int = MIN_PASSAGES) -> dict:
    ev = evidence.assign(file=evidence["file"].map(lambda f: Path(str(f)).name)) if len(evidence) else evidence
    return {
        "meta": {**{k: _clean(v) if not isinstance(v, (list, dict)) else v for k, v in meta.items()},
                 "empty": empty_reason(table, documents)},
        "by": by, "min_passages": int(min_passages),
        "categories": [{"name": lab, "title": titles.get(lab, lab), "description": descriptions.get(lab, "")}
                       for lab in labels],
        "groups": group_rows(table, labels, by),
        "documents": document_rows(units, labels, by, keys),
        "evidence": _records(ev, ["group", "category", "rank", "probability", "labelled", "file", "page", "text"]),
        "changes": _records(changes, ["country", "category", "from_year", "to_year", "from_share_adj",
                                      "to_share_adj", "change", "change_lo", "change_hi", "p_increase"]),
        "left_out": left_out(documents),
    }
