"""Tagged passages into per-group emphasis tables.

For each group (country, country-year or document) and category:
- `<label>_passages`: passages the model labels with the category;
- `<label>_share` with `_lo`/`_hi`: that count over the group's counted passages, with a 95 %
  Wilson score interval (the closed form of the binomial interval a bootstrap over passages
  approximates; it stays sensible at 0 and at small counts);
- `<label>_per_10k_words`: labelled passages per 10,000 counted words;
- `<label>_emphasis`: the group's share divided by the share in the whole corpus, so 1.0 is
  average emphasis and 2.0 is twice the average.
Headings and fragments are not counted (the models learned prose), nor are passages in a language
no model covers (they have no probabilities) or outside `languages` when it is given; how many
were left out is in `excluded_*` columns, and `languages` names the languages that were counted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..classification.share_errors import ShareErrors
from ..classification.tag import passage_languages
from ..records import LABEL_RULE, PROSE_KINDS, TagSchema, is_label
from .adjust import adjust, unit_frame
from .options import GROUPINGS, UNKNOWN, CompareError, CompareOptions, group_name

Z95 = 1.959963984540054


def wilson(k: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, k / n, np.nan)
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return np.clip(np.round(centre - half, 12), 0, 1), np.clip(np.round(centre + half, 12), 0, 1)


def labels_of(tags: pd.DataFrame) -> list[str]:
    """The labels of the `p_<label>` columns, each a name as a model card's must be: a label
    becomes a column, an HTML attribute and a CSS selector of the report."""
    from ..classification.card import quoted

    labels = list(TagSchema.of(tags.columns).labels)
    if not labels:
        raise CompareError("the tags table has no p_<label> columns: is it the output of 'strategyscan tag'?")
    bad = next((lab for lab in labels if not is_label(lab)), None)
    if bad is not None:
        raise CompareError(f"the tags table's column {quoted('p_' + bad)}: what follows p_ is not a label name "
                           f"({LABEL_RULE})")
    return labels


def prepare(tags: pd.DataFrame) -> pd.DataFrame:
    """Fill the columns a comparison needs, whatever produced the table."""
    t = _filled(tags)
    probabilities = [TagSchema.column(lab) for lab in labels_of(t)]
    t[probabilities] = t[probabilities].apply(pd.to_numeric, errors="coerce")
    t["_scored"] = t[probabilities].notna().all(axis=1)  # no model covers the passage's language
    t[probabilities] = t[probabilities].fillna(0.0)
    return t


def _filled(tags: pd.DataFrame) -> pd.DataFrame:
    """The table with the columns that say where a passage is from filled in (the probabilities
    are `prepare`'s), so choosing documents can read the table without them."""
    if "labels" not in tags.columns:
        raise CompareError("the tags table lacks the column 'labels': is it the output of 'strategyscan tag'?")
    t = tags.copy()
    defaults = {"text": "", "country": "", "iso3": "", "year": pd.NA, "doc_id": "", "file": "", "kind": "body",
                "language": "en", "page": pd.NA, "passage_id": "", "model_id": ""}
    for col, value in defaults.items():
        if col not in t.columns:
            t[col] = value
    for col in ("country", "iso3", "doc_id", "file", "kind", "language", "labels", "text", "passage_id", "model_id"):
        t[col] = t[col].fillna("").astype(str)
    t["year"] = pd.to_numeric(t["year"], errors="coerce").astype("Int64")
    if "words" not in t.columns:
        t["words"] = t["text"].str.split().str.len()
    t["words"] = pd.to_numeric(t["words"], errors="coerce").fillna(0).astype(int)
    t.loc[t["doc_id"] == "", "doc_id"] = t["file"]
    t["country"] = t["country"].where(t["country"] != "", UNKNOWN)
    return t


def latest_documents(frames: Iterable[pd.DataFrame]) -> set[str]:
    """Each country's most recent document (ties: the longer one), from a pass over the table."""
    parts = [_filled(f).groupby(["country", "doc_id"], dropna=False, observed=True)
             .agg(year=("year", "max"), n=("text", "size")).reset_index() for f in frames]
    if not parts:
        return set()
    docs = pd.concat(parts).groupby(["country", "doc_id"], dropna=False, observed=True).agg(
        year=("year", "max"), n=("n", "sum")).reset_index()
    docs["year_key"] = docs["year"].fillna(-1)
    best = docs.sort_values(["country", "year_key", "n"], ascending=[True, False, False]).drop_duplicates("country")
    return set(best["doc_id"].astype(str))


def language_mask(t: pd.DataFrame, options: CompareOptions) -> pd.Series:
    """Passages a model scored (a language it covers) and, with `languages`, in one of those."""
    mask = t["_scored"].copy()
    if options.languages is not None:
        mask &= passage_languages(t).isin(options.languages)
    return mask


def counted_mask(t: pd.DataFrame, options: CompareOptions) -> pd.Series:
    mask = language_mask(t, options)
    if not options.include_headings:
        mask &= t["kind"].isin(PROSE_KINDS)
    return mask


class Aggregator:
    """Per-group counts and the strongest evidence, accumulated batch by batch: memory grows with
    the number of groups and documents, not with the number of passages."""

    def __init__(self, labels: list[str], options: CompareOptions, keep_docs: set[str] | None = None,
                 errors: dict[str, ShareErrors] | None = None) -> None:
        self.labels, self.options, self.keep_docs = labels, options, keep_docs
        self.errors = errors or {}
        self.units: list[pd.DataFrame] = []
        self.changes = pd.DataFrame()
        self.unit_table = pd.DataFrame()  # per group, document and model: counts (after `table`)
        self.keys = list(GROUPINGS[options.by].keys)
        self.parts: list[pd.DataFrame] = []
        self.docs: dict[tuple, set[str]] = {}
        self.languages: dict[tuple, set[str]] = {}
        self.candidates: list[pd.DataFrame] = []
        self.model_ids: set[str] = set()
        self._counted_columns = {*self.keys, "doc_id", "file", "year", "model_id", "page", "passage_id", "text",
                                 "language",
                                 *(TagSchema.column(lab) for lab in labels), *(f"_has_{lab}" for lab in labels)}

    def add(self, batch: pd.DataFrame) -> None:
        t = prepare(batch)
        if self.keep_docs is not None:
            t = t[t["doc_id"].astype(str).isin(self.keep_docs)]
        if t.empty:
            return
        counted = counted_mask(t, self.options)
        t = t.assign(_counted=counted, _heading=~t["kind"].isin(PROSE_KINDS),
                     _uncounted_language=~language_mask(t, self.options), _words=t["words"].where(counted, 0))
        bar = TagSchema.SEPARATOR
        cells = bar + t["labels"].astype(str) + bar  # "|a|b|" holds label a as "|a|"
        for lab in self.labels:
            t[f"_has_{lab}"] = cells.str.contains(f"{bar}{lab}{bar}", regex=False) & counted
        agg = {"passages": ("_counted", "sum"), "words": ("_words", "sum"),
               "excluded_headings": ("_heading", "sum"), "excluded_language": ("_uncounted_language", "sum"),
               "year_min": ("year", "min"), "year_max": ("year", "max")}
        agg.update({f"{lab}_passages": (f"_has_{lab}", "sum") for lab in self.labels})
        grouped = t.groupby(self.keys, dropna=False, observed=True, sort=False)
        self.parts.append(grouped.agg(**agg).reset_index())
        for key, ids in grouped["doc_id"].unique().items():
            self.docs.setdefault(key if isinstance(key, tuple) else (key,), set()).update(map(str, ids))
        self.model_ids.update({str(m) for m in t["model_id"].unique()} - {""})
        # the counted rows, copied once with only what the counts and the evidence read
        kept = [c for c in t.columns if c in self._counted_columns]
        c = t.loc[counted, kept]
        c = c.assign(_lang=passage_languages(c))
        for key, langs in c.groupby(self.keys, dropna=False, observed=True)["_lang"].unique().items():
            self.languages.setdefault(key if isinstance(key, tuple) else (key,), set()).update(map(str, langs))
        self.units.append(unit_frame(c, self.keys, self.labels))
        if self.options.evidence:
            self.candidates.append(self._top(c))

    def _top(self, t: pd.DataFrame) -> pd.DataFrame:
        """Each group's most probable passages per category, in that order (ties in table order):
        one stable sort of a column per category, the rows copied only once chosen."""
        frames = []
        group = t.groupby(self.keys, dropna=False, observed=True, sort=False).ngroup().to_numpy()
        for lab in self.labels:
            order = np.argsort(-t[TagSchema.column(lab)].to_numpy(dtype=float), kind="stable")
            rank = pd.Series(group[order]).groupby(group[order], sort=False).cumcount().to_numpy()
            top = t.iloc[order[rank < self.options.evidence]]
            frames.append(top.assign(category=lab, probability=top[TagSchema.column(lab)],
                                     labelled=top[f"_has_{lab}"]))
        return pd.concat(frames, ignore_index=True)

    def table(self) -> pd.DataFrame:
        """One row per group; no groups (every column still there) when no passage was left."""
        if not self.parts:
            return self._no_groups()
        sums = {c: "sum" for c in self.parts[0].columns if c not in self.keys and not c.startswith("year_")}
        g = (pd.concat(self.parts, ignore_index=True).groupby(self.keys, dropna=False, observed=True)
             .agg({**sums, "year_min": "min", "year_max": "max"}).reset_index())
        keys = list(g[self.keys].itertuples(index=False, name=None))
        g.insert(len(self.keys), "documents", [len(self.docs[k]) for k in keys])
        g.insert(len(self.keys) + 1, "languages", [",".join(sorted(self.languages.get(k, ()))) for k in keys])
        if not GROUPINGS[self.options.by].years:
            g = g.drop(columns=["year_min", "year_max"])
        total_n = int(g["passages"].sum())
        for lab in self.labels:
            k = g[f"{lab}_passages"].to_numpy(dtype=float)
            n = g["passages"].to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(n > 0, k / n, np.nan)
                lo, hi = wilson(k, n)
                corpus_share = g[f"{lab}_passages"].sum() / total_n if total_n else math.nan
                g[f"{lab}_share"] = np.round(share, 4)
                g[f"{lab}_share_lo"] = np.round(lo, 4)
                g[f"{lab}_share_hi"] = np.round(hi, 4)
                g[f"{lab}_per_10k_words"] = np.round(np.where(g["words"] > 0, k / g["words"] * 10_000, np.nan), 2)
                g[f"{lab}_emphasis"] = np.round(share / corpus_share, 3) if corpus_share else np.nan
        g["model_id"] = ",".join(sorted(self.model_ids))
        for col in ("passages", "words", "excluded_headings", "excluded_language",
                    *(f"{lab}_passages" for lab in self.labels)):
            g[col] = g[col].astype(int)
        g = g.sort_values(self.keys).reset_index(drop=True)
        units = pd.concat(self.units, ignore_index=True)
        counts = [c for c in units.columns if c == "n" or c[:2] in ("k_", "s_", "q_")]
        units = units.groupby([c for c in units.columns if c not in counts], dropna=False, observed=True,
                              sort=False)[counts].sum().reset_index()
        adjusted = adjust(g, units, self.keys, self.labels, self.errors)
        self.changes, self.unit_table = adjusted.changes, units
        return pd.concat([g, adjusted.columns], axis=1)

    def _no_groups(self) -> pd.DataFrame:
        """An empty comparison is a result (no readable text, or every passage filtered out): the
        table of one uncounted placeholder passage, without its row, has every column a real one has."""
        probe = Aggregator(self.labels, self.options, None, self.errors)
        probe.add(pd.DataFrame({"text": [""], "labels": [""], "kind": ["heading"],
                                **{TagSchema.column(lab): [math.nan] for lab in self.labels}}))
        return probe.table().iloc[:0]

    def evidence(self) -> pd.DataFrame:
        cols = ["group", *self.keys, "category", "rank", "probability", "labelled", "file", "page",
                "passage_id", "text"]
        if not self.candidates:
            return pd.DataFrame(columns=cols)
        ev = pd.concat(self.candidates, ignore_index=True)
        ev = (ev.sort_values("probability", ascending=False, kind="stable")
              .groupby([*self.keys, "category"], dropna=False, observed=True, sort=False)
              .head(self.options.evidence))
        ev["group"] = _group_names(ev, self.keys, self.options.by)
        ev = ev.sort_values(["group", "category", "probability"], ascending=[True, True, False], kind="stable")
        ev["rank"] = ev.groupby(["group", "category"], observed=True).cumcount() + 1
        return ev[cols].reset_index(drop=True)


def _group_names(rows: pd.DataFrame, keys: list[str], by: str) -> list[str]:
    """Each row's group name, worked out once per group (a name depends on the group's keys only)."""
    codes = rows.groupby(keys, dropna=False, observed=True, sort=False).ngroup().to_numpy()
    _codes, first = np.unique(codes, return_index=True)  # a row of each group, in code order
    names = [group_name(rows.iloc[i], by) for i in first]
    return [names[c] for c in codes]


def aggregate(frames: Iterable[pd.DataFrame], labels: list[str], options: CompareOptions,
              keep_docs: set[str] | None = None, errors: dict[str, ShareErrors] | None = None) -> Aggregator:
    agg = Aggregator(labels, options, keep_docs, errors)
    for frame in frames:
        agg.add(frame)
    return agg


def compare_table(tags: pd.DataFrame, options: CompareOptions | None = None,
                  errors: dict[str, ShareErrors] | None = None) -> pd.DataFrame:
    """One row per group with counts, shares, intervals, rates and emphasis per category; with
    the models' error records (`errors`, by model id), adjusted shares, intervals and ranks."""
    options = options or CompareOptions()
    keep = latest_documents([tags]) if options.latest else None
    return aggregate([tags], labels_of(tags), options, keep, errors).table()


def long_form(table: pd.DataFrame, labels: list[str], by: str) -> pd.DataFrame:
    """(group columns, category, metric, value): ready for plotting tools and spreadsheets."""
    keys = [c for c in GROUPINGS[by].keys if c in table.columns]
    rows = []
    metrics = [m for m in ("passages", "share", "share_lo", "share_hi", "per_10k_words", "emphasis", "share_adj",
                           "share_adj_lo", "share_adj_hi", "emphasis_adj", "rank", "rank_lo", "rank_hi")
               if f"{labels[0]}_{m}" in table.columns]
    for _, row in table.iterrows():
        base = {k: row[k] for k in keys}
        base["group"] = group_name(row, by)
        for lab in labels:
            for metric in metrics:
                col = f"{lab}_{metric}"
                rows.append({**base, "category": lab, "metric": metric, "value": row[col]})
    return pd.DataFrame(rows, columns=["group", *keys, "category", "metric", "value"])
