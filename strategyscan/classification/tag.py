"""Tag passages: a probability per category, the decided labels, and the model that said so.

Each passage is scored by the model for its language (a model folder and its language
subfolders, `persistence.ModelSet`). A passage in a language no model covers keeps empty
probabilities and labels and no model id: it is not counted, rather than guessed at by a model
that cannot read it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..paths import DEFAULT_MODEL
from ..records import TagSchema
from .persistence import ModelSet, load_model_set, load_tagger

CHUNK = 2500


@functools.lru_cache(maxsize=8)
def cached_model(folder: str):
    """One load per process: workers tagging many chunks reuse it."""
    return load_tagger(folder)


@functools.lru_cache(maxsize=4)
def cached_set(folder: str) -> ModelSet:
    return load_model_set(folder)


def _tag_texts(item: tuple[str, list[str]]) -> tuple[np.ndarray, np.ndarray, str]:
    """(probabilities, decisions, model id) of one chunk, all where the chunk is scored: the
    process that hands chunks to workers loads no model (five languages' models and lemma
    tables were the largest part of its memory)."""
    folder, texts = item
    model, card = cached_model(folder)
    proba = model.predict_proba(texts)
    return proba, model.decide(proba), card["model_id"]


def passage_languages(frame: pd.DataFrame, default: str = "en") -> pd.Series:
    """The language each passage is scored and counted in: its own, or `default` where the table
    has none (the main model's language: English for the shipped set)."""
    if "language" not in frame.columns:
        return pd.Series(default, index=frame.index)
    return frame["language"].fillna("").astype(str).replace("", default)


def tag_frame(frame: pd.DataFrame, model_dir: str | Path | None = None, pool=None) -> pd.DataFrame:
    """Add `p_<label>`, `labels` and `model_id` to a frame with a `text` column.

    Chunks go to `pool`, an executor its owner (the tag stage) keeps across frames and closes;
    without one they are scored in this process.
    """
    return start_tagging(frame, model_dir, pool).result()


@dataclass
class PendingTags:
    """A frame whose chunks are being scored: `result()` waits for them and adds the columns.
    Starting the next frame before asking for this one's result keeps the workers busy while
    their owner writes what they returned."""

    frame: pd.DataFrame
    labels: list[str]
    rows: list[np.ndarray]
    parts: Iterator[tuple[np.ndarray, np.ndarray, str]]

    def result(self) -> pd.DataFrame:
        frame, labels = self.frame, self.labels
        proba = np.full((len(frame), len(labels)), np.nan)
        decided = np.zeros((len(frame), len(labels)), dtype=int)
        model_id = np.full(len(frame), "", dtype=object)
        for where, (chunk_proba, chunk_decided, chunk_model) in zip(self.rows, self.parts, strict=True):
            proba[where], decided[where], model_id[where] = chunk_proba, chunk_decided, chunk_model
        out = frame.copy()
        schema = TagSchema(tuple(labels))
        for j, col in enumerate(schema.probabilities):
            out[col] = np.round(proba[:, j], 4)
        out["labels"] = _label_cells(schema, decided)
        out["model_id"] = model_id
        return out


def _label_cells(schema: TagSchema, decided: np.ndarray) -> np.ndarray:
    """The labels cell of every row: each distinct set of decisions is joined once (a corpus has
    a few dozen; joining 62,776 rows one by one took 0.07 CPU-s, this 0.003)."""
    if decided.shape[1] > 62:  # a set no longer fits one integer: join row by row
        cells = np.empty(len(decided), dtype=object)
        cells[:] = [schema.encode(row) for row in decided]
        return cells
    bits = 1 << np.arange(decided.shape[1], dtype=np.int64)
    codes, which = np.unique(decided.astype(bool) @ bits, return_inverse=True)  # a row's set as one integer
    cells = np.empty(len(codes), dtype=object)
    cells[:] = [schema.encode(code & bits) for code in codes]
    return cells[which]


def _from_workers(stream) -> Iterator[tuple[np.ndarray, np.ndarray, str]]:
    from ..executors import TaskFailed
    from .card import ModelError

    for _chunk, result in stream:
        if isinstance(result, TaskFailed):  # a worker that died or hit a bad model file: one line, exit 2
            raise ModelError(f"tagging failed in a worker process: {result}")
        yield result


def start_tagging(frame: pd.DataFrame, model_dir: str | Path | None = None, pool=None) -> PendingTags:
    """`tag_frame`, with the chunks handed to `pool` now and collected by `result()`. A single
    chunk is scored in this process (when asked for): a worker would cost more than it."""
    if "text" not in frame.columns:
        raise ValueError("the passages table needs a 'text' column")
    models = cached_set(str(Path(model_dir or DEFAULT_MODEL).resolve()))
    texts = frame["text"].fillna("").astype(str).to_numpy(dtype=object)
    language = passage_languages(frame, models.language).to_numpy(dtype=object)
    rows: list[np.ndarray] = []
    chunks: list[tuple[str, list[str]]] = []
    for lang, folder in models.folders.items():
        where = np.flatnonzero(language == lang)
        for i in range(0, len(where), CHUNK):
            rows.append(where[i : i + CHUNK])
            chunks.append((str(folder.resolve()), texts[where[i : i + CHUNK]].tolist()))
    if pool is None or len(chunks) <= 1:
        parts: Iterator = map(_tag_texts, chunks)
    else:
        parts = _from_workers(pool.map(_tag_texts, chunks))
    return PendingTags(frame, models.labels, rows, parts)
