"""Active learning: which passages an analyst should label next.

A passage teaches the model most where the model is unsure (its probability sits near the
label's threshold), where it is not a near-copy of something already picked or already in the
training data, and where it comes from a document the pick has not yet drawn on much. The pick
is greedy: each step takes the candidate with the best uncertainty after a penalty for its
similarity (TF-IDF cosine) to what is already chosen or known, and for its document's share of
the pick so far.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..records import PROSE_KINDS, TagSchema
from .labelled import UNLABELLED, read_labelled
from .tag import passage_languages

NEAR_DUPLICATE = 0.8  # cosine above which a candidate is a near-copy of a chosen or known passage
MIN_WORDS = 4


@dataclass(frozen=True)
class SuggestOptions:
    n: int = 200
    label: str | None = None          # focus on one category
    include_headings: bool = False
    language: str = "en"              # the language of the passages to suggest (its model scores them)
    diversity: float = 0.5            # weight of the similarity penalty
    pool_factor: int = 15             # candidates considered: this many times n, most uncertain first

    def validate(self, labels: Sequence[str]) -> None:
        if not isinstance(self.n, int) or self.n < 1:
            raise ValueError(f"--n must be a positive whole number, got {self.n!r}")
        if self.label is not None and self.label not in labels:
            raise ValueError(f"unknown label {self.label!r}; choose one of {', '.join(labels)}")
        if not 0 <= self.diversity <= 5:
            raise ValueError(f"diversity must be between 0 and 5, got {self.diversity!r}")


def uncertainty(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """1 at a label's threshold, 0 at certainty (0 or 1), per passage and label."""
    thresholds = np.asarray(thresholds, dtype=float)
    span = np.where(proba >= thresholds, 1 - thresholds, thresholds)
    return 1 - np.abs(proba - thresholds) / np.maximum(span, 1e-9)


def eligible(frame: pd.DataFrame, options: SuggestOptions) -> pd.Series:
    """Prose in the language asked for (English by default); headings only when asked."""
    keep = frame["text"].fillna("").astype(str).str.split().str.len() >= MIN_WORDS
    if "kind" in frame.columns:
        kinds = set(PROSE_KINDS) | ({"heading"} if options.include_headings else set())
        keep &= frame["kind"].fillna("body").isin(kinds)
    if "language" in frame.columns:
        keep &= passage_languages(frame) == options.language
    return keep


def select(frame: pd.DataFrame, labels: Sequence[str], thresholds: np.ndarray, options: SuggestOptions,
           known_texts: Sequence[str] = ()) -> pd.DataFrame:
    """The passages of `frame` (tagged: `text`, `p_<label>`) worth labelling next, best first.

    `known_texts` (the training data, earlier picks) are never suggested again, nor anything
    nearly identical to them.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    options.validate(labels)
    cols = [TagSchema.column(lab) for lab in labels]
    missing = [c for c in ["text", *cols] if c not in frame.columns]
    if missing:
        raise ValueError(f"the passages table lacks {', '.join(missing)}: tag it first")
    cand = frame[eligible(frame, options)].copy()
    cand["_norm"] = cand["text"].astype(str).str.split().str.join(" ").str.lower()
    known = {" ".join(t.split()).lower() for t in known_texts}
    cand = cand[~cand["_norm"].isin(known)].drop_duplicates("_norm")
    if cand.empty:
        return cand.drop(columns="_norm")
    u = uncertainty(cand[cols].to_numpy(dtype=float), thresholds)
    cand["uncertainty"] = u[:, list(labels).index(options.label)] if options.label else u.max(axis=1)
    cand = cand.sort_values("uncertainty", ascending=False, kind="stable").head(options.n * options.pool_factor)

    vec = TfidfVectorizer(sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w\w+\b")
    vec.fit([*cand["_norm"], *known])
    X = vec.transform(cand["_norm"])
    similar = np.zeros(len(cand))
    if known:
        K = vec.transform(list(known))
        for lo in range(0, X.shape[0], 2000):  # blocks keep the dense product small
            similar[lo:lo + 2000] = (X[lo:lo + 2000] @ K.T).max(axis=1).toarray().ravel()

    docs = cand["file"].astype(str).to_numpy() if "file" in cand.columns else np.zeros(len(cand), dtype=str)
    quota = max(1, math.ceil(2 * options.n / max(1, len(set(docs)))))
    spread = np.zeros(len(cand))  # each candidate's document: its picks so far / its quota
    base = cand["uncertainty"].to_numpy()
    alive = similar < NEAR_DUPLICATE
    chosen: list[int] = []
    while len(chosen) < options.n and alive.any():
        score = np.where(alive, base - options.diversity * similar - 0.5 * spread, -np.inf)
        best = int(np.argmax(score))
        chosen.append(best)
        spread[docs == docs[best]] += 1 / quota
        alive[best] = False
        sim = (X @ X[best].T).toarray().ravel()
        similar = np.maximum(similar, sim)
        alive &= similar < NEAR_DUPLICATE
    return cand.iloc[chosen].drop(columns="_norm")


def suggestion_table(picked: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """The file an analyst fills in: ids and place first, text, probabilities, `labels` = '?'."""
    front = [c for c in ("passage_id", "file", "page", "kind", "country", "year") if c in picked.columns]
    out = picked[front + ["text"]].copy()
    for lab in labels:
        out[TagSchema.column(lab)] = picked[TagSchema.column(lab)].round(3)
    out["uncertainty"] = picked["uncertainty"].round(3)
    out["labels"] = UNLABELLED
    return out.reset_index(drop=True)


def suggest(sources, out: str | Path | None = None, *, options: SuggestOptions | None = None,
            model: str | Path | None = None, labelled: Sequence[str | Path] = (), texts: str | Path | None = None,
            workers: int = 1) -> pd.DataFrame:
    """Tag `sources` (documents, or a passages/tags table) and write the passages worth labelling
    next to `out` (CSV): the analyst fills in `labels` and hands the file to `train`.

    The model's training corpus and the `labelled` files are what is already known: nothing in
    them (or nearly identical to it) is suggested again.
    """
    from .. import pipeline
    from ..outputs import write_csv
    from .corpus import base_corpus
    from .persistence import load_model_set

    options = options or SuggestOptions()
    models = load_model_set(model)
    if options.language not in models.cards:
        raise ValueError(f"the model at {model or 'the default location'} has no model for {options.language!r}; "
                         f"it covers {', '.join(models.languages)}")
    card = models.cards[options.language]
    labels = card["labels"]
    options.validate(labels)
    tagged = pipeline.tag(sources, None, model=model, workers=workers).tags
    known = [it.text for it in base_corpus(texts, language=options.language).items]
    if labelled:
        known += [it.text for it in read_labelled(labelled)]
    thresholds = np.array([card["thresholds"][lab] for lab in labels])
    table = suggestion_table(select(tagged, labels, thresholds, options, known), labels)
    if out is not None:
        write_csv(out, table)
    return table
