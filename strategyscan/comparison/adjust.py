"""Shares you can cite: the estimate each model's error record chose, with intervals that respect
documents and the model's measured error, ranks with their uncertainty, and change over time.

Each group's passages come in units: one document scored by one model. For 1,000 seeded
replicates (vectorised) a group's share is recomputed from
- its documents resampled with replacement (a cluster bootstrap: passages of one document are
  not independent draws), and each document's labelled share drawn from its Jeffreys posterior
  (a document of 0 such passages in 90 is not certain to hold none; two or three documents, as
  most countries have, are too few for the cluster bootstrap alone);
- the model's error rates drawn from their counts (Beta for true- and false-positive rates, normal
  for mean probabilities), where the estimator uses them;
- for every document, a residual (true share minus estimate) of one of the training documents
  whose estimate was nearest: the model's error on a whole document is systematic, and sampling
  alone would not cover it (only where the model's record holds `MIN_DOCUMENTS` documents;
  otherwise the note says the interval covers sampling and error rates only).
The interval is the 2.5-97.5 percentile range of the replicates. Each model's rates and each
document's draws come from a stream of their own (`_stream`), drawn when a group needs them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..classification.share_errors import MIN_DOCUMENTS, ShareErrors, estimate
from ..records import TagSchema

REPLICATES = 1000
SEED = 20261202
NEIGHBOURS = 15  # training documents whose residuals stand for a document's model error


@dataclass(frozen=True)
class Adjusted:
    columns: pd.DataFrame   # one row per group (the table's order): adjusted shares, intervals, ranks
    changes: pd.DataFrame   # consecutive strategies of a country: change in adjusted share


def unit_frame(c: pd.DataFrame, keys: list[str], labels: list[str]) -> pd.DataFrame:
    """Per group, document and model: counted passages (`c`), labelled passages, sum and sum of
    squares of probabilities per label. Summed over batches by the caller."""
    cols = {"n": np.ones(len(c), dtype=int)}
    for lab in labels:
        p = c[TagSchema.column(lab)].astype(float)
        cols[f"k_{lab}"] = c[f"_has_{lab}"].astype(int)
        cols[f"s_{lab}"] = p
        cols[f"q_{lab}"] = p * p
    unit_keys = [*keys, *(k for k in ("doc_id", "file", "year") if k not in keys), "model_id"]
    frame = pd.DataFrame(cols, index=c.index).assign(**{k: c[k] for k in unit_keys})
    return frame.groupby(unit_keys, dropna=False, observed=True, sort=False).sum().reset_index()


def _draw_rates(errors: ShareErrors, rng: np.random.Generator, replicates: int) -> dict[str, np.ndarray]:
    """(replicates, n_labels) error rates drawn with the uncertainty of their counts."""
    r = [errors.rates[lab] for lab in errors.labels]
    tp, fn, fp, tn = (np.array([getattr(x, f) for x in r], dtype=float) for f in ("tp", "fn", "fp", "tn"))
    pos_n, neg_n = np.maximum(tp + fn, 1), np.maximum(fp + tn, 1)
    size = (replicates, len(r))
    normal = rng.standard_normal((2, *size))
    return {"tpr": rng.beta(tp + 1, fn + 1, size), "fpr": rng.beta(fp + 1, tn + 1, size),
            "ptpr": np.clip(np.array([x.pos_mean for x in r]) + normal[0] * np.array([x.pos_sd for x in r])
                            / np.sqrt(pos_n), 0, 1),
            "pfpr": np.clip(np.array([x.neg_mean for x in r]) + normal[1] * np.array([x.neg_sd for x in r])
                            / np.sqrt(neg_n), 0, 1)}


def _residuals(errors: ShareErrors, point: np.ndarray, rng: np.random.Generator, replicates: int) -> np.ndarray:
    """(replicates, n_labels) residuals for one document whose estimate is `point` (n_labels,):
    drawn from the training documents nearest in estimate, label by label."""
    est, truth, _ = errors.document_arrays()
    out = np.zeros((replicates, len(point)))
    if len(est) < MIN_DOCUMENTS:  # a residual of one or two documents is that document's, not the model's
        return out
    k = min(NEIGHBOURS, len(est))
    for j in range(len(point)):
        near = np.argsort(np.abs(est[:, j] - point[j]), kind="stable")[:k]
        out[:, j] = (truth[near, j] - est[near, j])[rng.integers(0, k, replicates)]
    return out


def _stream(seed: int, *key: int | str) -> np.random.Generator:
    """A random stream of its own for each model and each document: a unit's replicates are
    drawn when a group needs them (memory does not grow with documents x replicates), and are
    the same whichever other documents the table holds."""
    ints = [k if isinstance(k, int) else int.from_bytes(hashlib.blake2b(k.encode(), digest_size=8).digest(), "big")
            for k in key]
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=tuple(ints)))


class _Units:
    """Per-unit point estimates, and each unit's replicates drawn on demand from its own stream."""

    def __init__(self, units: pd.DataFrame, labels: list[str], errors: dict[str, ShareErrors],
                 replicates: int, seed: int) -> None:
        self.units, self.labels = units.reset_index(drop=True), labels
        self.errors, self.replicates, self.seed = errors, replicates, seed
        n = self.units["n"].to_numpy(dtype=float)
        k = self.units[[f"k_{lab}" for lab in labels]].to_numpy(dtype=float)
        s = self.units[[f"s_{lab}" for lab in labels]].to_numpy(dtype=float)
        q = self.units[[f"q_{lab}" for lab in labels]].to_numpy(dtype=float)
        safe = np.maximum(n, 1)[:, None]
        self.k = k
        self.cc, self.pcc = k / safe, s / safe
        self.sd = np.sqrt(np.maximum(q / safe - self.pcc**2, 0))
        self.models = self.units["model_id"].astype(str).to_numpy()
        self.docs = self.units["doc_id"].astype(str).to_numpy() if "doc_id" in self.units else np.full(len(n), "")
        self.known = np.array([m in errors for m in self.models])
        self.n = n
        self.point = np.full(self.cc.shape, np.nan)
        self.rates = {}
        for model in sorted(set(self.models[self.known])):
            rec, rows = errors[model], np.flatnonzero(self.models == model)
            self.rates[model] = _draw_rates(rec, _stream(seed, 0, model), replicates)
            self.point[rows] = estimate(rec.estimator, self.cc[rows], self.pcc[rows], rec.rate_arrays())
        self.rng = _stream(seed, 2)  # which documents a group's replicates resample

    def _draws(self, i: int) -> np.ndarray:
        """(R, n_labels): unit `i`'s share with its passages' sampling, the model's drawn error
        rates and one residual per replicate. The labelled share is drawn from its Jeffreys
        posterior, Beta(k + 1/2, n - k + 1/2), not resampled at the observed share: a document
        with no passage of a category (or only such passages) would otherwise be certain of it."""
        rec, rates, rng = self.errors[self.models[i]], self.rates[self.models[i]], _stream(
            self.seed, 1, f"{self.docs[i]}|{self.models[i]}")
        n, size = max(self.n[i], 1), (self.replicates, len(self.labels))
        cc_star = rng.beta(self.k[i] + 0.5, n - self.k[i] + 0.5, size)
        pcc_star = np.clip(self.pcc[i] + rng.standard_normal(size) * self.sd[i] / np.sqrt(n), 0, 1)
        resid = _residuals(rec, self.point[i], rng, self.replicates)
        return np.clip(estimate(rec.estimator, cc_star, pcc_star, rates) + resid, 0, 1)

    def group(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point (n_labels,), replicates (R, n_labels)) of the share of the units `rows`."""
        weights = self.n[rows]
        point = (self.point[rows] * weights[:, None]).sum(0) / max(weights.sum(), 1)
        if len(rows) == 1:
            return point, self._draws(rows[0])
        picks = self.rng.multinomial(len(rows), np.full(len(rows), 1 / len(rows)), self.replicates)
        w = picks * weights  # (R, units)
        reps = np.zeros((self.replicates, len(self.labels)))
        for u, i in enumerate(rows):  # one unit's replicates at a time: memory stays (R, n_labels)
            reps += w[:, u, None] * self._draws(i)
        return point, reps / np.maximum(w.sum(1), 1)[:, None]


def adjust(table: pd.DataFrame, units: pd.DataFrame, keys: list[str], labels: list[str],
           errors: dict[str, ShareErrors], replicates: int = REPLICATES, seed: int = SEED) -> Adjusted:
    """Adjusted share, interval, emphasis, rank and rank interval per group and label; and the
    change between each country's consecutive strategies."""
    if units.empty:
        return Adjusted(pd.DataFrame(index=table.index), pd.DataFrame())
    u = _Units(units, labels, errors, replicates, seed)
    G, L = len(table), len(labels)
    # the group of each unit (a merge matches missing years and codes as equals)
    group_of = u.units[keys].merge(table[keys].assign(_g=np.arange(G)), on=keys, how="left")["_g"].to_numpy()
    point, lo, hi = np.full((G, L), np.nan), np.full((G, L), np.nan), np.full((G, L), np.nan)
    reps = np.full((replicates, G, L), np.nan)
    notes = []
    for g in range(G):
        members = np.flatnonzero(group_of == g)
        rows = members[u.known[members]]
        unknown = sorted(set(u.units.iloc[members]["model_id"].astype(str)) - set(errors))
        note = []
        if unknown:
            note.append(f"raw share only for passages of model(s) without an error record: {', '.join(unknown)}")
        if len(rows):
            point[g], reps[:, g] = u.group(rows)
            lo[g], hi[g] = np.percentile(reps[:, g], [2.5, 97.5], axis=0)
        used = sorted(set(u.units.iloc[rows]["model_id"].astype(str)))
        thin = [m for m in used if len(errors[m].documents) < MIN_DOCUMENTS]
        if thin:
            note.append(f"model error measured on fewer than {MIN_DOCUMENTS} training documents for "
                        f"{', '.join(thin)}: the interval covers sampling and error rates only")
        unstable = sorted({lab for m in used for lab in errors[m].unstable()})
        if unstable:
            note.append(f"correction unstable (true- and false-positive rates close) for {', '.join(unstable)}")
        notes.append("; ".join(note))
    out = {}
    total = np.nansum(point * table["passages"].to_numpy()[:, None], axis=0) / max(table["passages"].sum(), 1)
    counted = table["passages"].to_numpy() > 0
    for j, lab in enumerate(labels):
        out[f"{lab}_share_adj"] = np.round(point[:, j], 4) + 0.0  # + 0.0: no "-0.0" in a table
        out[f"{lab}_share_adj_lo"] = np.round(lo[:, j], 4) + 0.0
        out[f"{lab}_share_adj_hi"] = np.round(hi[:, j], 4) + 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"{lab}_emphasis_adj"] = np.round(point[:, j] / total[j], 3) if total[j] else np.nan
        rank, rank_lo, rank_hi, above = _ranks(point[:, j], reps[:, :, j], counted)
        for name, values in (("rank", rank), ("rank_lo", rank_lo), ("rank_hi", rank_hi)):
            out[f"{lab}_{name}"] = pd.array(values, dtype="Int64")  # printed 41, not 41.0; empty where unranked
        out[f"{lab}_p_above_next"] = above
    out["adj_note"] = notes
    columns = pd.DataFrame(out, index=table.index)
    return Adjusted(columns, _changes(u, keys, labels, replicates))


def _ranks(point: np.ndarray, reps: np.ndarray, counted: np.ndarray):
    """Rank 1 = highest adjusted share, among groups with counted passages; the 95 % range of the
    rank over replicates; and how often a group's share exceeds that of the group ranked next."""
    G = len(point)
    rank = np.full(G, np.nan)
    lo, hi, above = np.full(G, np.nan), np.full(G, np.nan), np.full(G, np.nan)
    ok = np.flatnonzero(counted & ~np.isnan(point))
    if not len(ok):
        return rank, lo, hi, above
    order = ok[np.argsort(-point[ok], kind="stable")]
    rank[order] = np.arange(1, len(order) + 1)
    r = reps[:, ok]
    rep_rank = (-r).argsort(axis=1, kind="stable").argsort(axis=1) + 1
    # ranks are whole numbers, and so are the ends of their range: the order statistics just outside
    # the 2.5th and 97.5th percentiles (an interpolated rank of 3.975 means nothing)
    lo[ok] = np.percentile(rep_rank, 2.5, axis=0, method="lower")
    hi[ok] = np.percentile(rep_rank, 97.5, axis=0, method="higher")
    for a, b in zip(order[:-1], order[1:]):
        above[a] = round(float((reps[:, a] > reps[:, b]).mean()), 3)
    return rank, lo, hi, above


def _changes(u: _Units, keys: list[str], labels: list[str], replicates: int) -> pd.DataFrame:
    """Countries with two or more documents of known year: consecutive strategies' change in each
    category's adjusted share (the later minus the earlier), with a 95 % interval. Units are
    grouped by country and document in one pass (a pandas group-by per country cost a second on
    the 130 texts), and documents are drawn in the same order as ever."""
    units = u.units
    if "country" not in units.columns or "year" not in units.columns:
        return pd.DataFrame()
    countries = units["country"].to_numpy(dtype=object)
    docs = units["doc_id"].to_numpy(dtype=object)
    years = units["year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    iso3 = units["iso3"].to_numpy(dtype=object) if "iso3" in units else np.full(len(units), "", dtype=object)
    members: dict[object, dict[object, list[int]]] = {}  # country -> document -> units, in table order
    for i in np.flatnonzero(u.known):
        key = None if pd.isna(countries[i]) else countries[i]  # every missing country is one group
        members.setdefault(key, {}).setdefault(docs[i], []).append(int(i))
    rows = []
    for country in sorted(members, key=lambda c: (c is None, "" if c is None else c)):
        by_doc = members[country]
        dated = {doc: np.nanmin(years[idx]) for doc, idx in by_doc.items() if not np.isnan(years[idx]).all()}
        order = sorted(dated, key=lambda doc: (dated[doc], doc))
        if len(order) < 2:
            continue
        shares = {doc: u.group(np.array(by_doc[doc])) for doc in order}
        first = min(i for idx in by_doc.values() for i in idx)
        for a, b in zip(order[:-1], order[1:]):
            (pa, ra), (pb, rb) = shares[a], shares[b]
            lo, hi = np.percentile(rb - ra, [2.5, 97.5], axis=0)
            for j, lab in enumerate(labels):
                rows.append({"country": np.nan if country is None else country, "iso3": iso3[first],
                             "category": lab, "from_doc": a, "from_year": int(dated[a]),
                             "to_doc": b, "to_year": int(dated[b]),
                             "from_share_adj": round(float(pa[j]), 4), "to_share_adj": round(float(pb[j]), 4),
                             "change": round(float(pb[j] - pa[j]), 4) + 0.0,
                             "change_lo": round(float(lo[j]), 4) + 0.0, "change_hi": round(float(hi[j]), 4) + 0.0,
                             "p_increase": round(float((rb[:, j] > ra[:, j]).mean()), 3)})
    return pd.DataFrame(rows)
