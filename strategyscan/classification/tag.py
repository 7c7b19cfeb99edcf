"""Tag passages: a probability per category, the decided labels, and the model that said so."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from ..paths import DEFAULT_MODEL
from .persistence import load_tagger

CHUNK = 2500


def probability_columns(labels: list[str]) -> list[str]:
    return [f"p_{lab}" for lab in labels]


@functools.lru_cache(maxsize=4)
def cached_model(folder: str):
    """One load per process: workers tagging many chunks reuse it."""
    return load_tagger(folder)


def _tag_texts(texts: list[str], folder: str) -> np.ndarray:
    model, _ = cached_model(folder)
    return model.predict_proba(texts)


def tag_frame(frame: pd.DataFrame, model_dir: str | Path | None = None, workers: int = 1,
              executor: str = "local", scheduler: str | None = None, pool=None) -> pd.DataFrame:
    """Add `p_<label>`, `labels` and `model_id` to a frame with a `text` column.

    Chunks go to `pool` (an executor a caller keeps across many frames) or, with `workers` other
    than 1, to a pool made for this call.
    """
    from ..executors import TaskFailed, make_executor

    if "text" not in frame.columns:
        raise ValueError("the passages table needs a 'text' column")
    folder = str(Path(model_dir or DEFAULT_MODEL).resolve())
    model, card = cached_model(folder)
    labels = list(model.labels)
    texts = frame["text"].fillna("").astype(str).tolist()
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    parts: list[np.ndarray] = []
    if pool is None and (workers == 1 or len(chunks) <= 1):
        parts = [model.predict_proba(chunk) for chunk in chunks]
    else:
        own = pool is None
        pool = make_executor(executor, workers, scheduler) if own else pool
        try:
            for _chunk, result in pool.map(_tag_texts, chunks, folder=folder):
                if isinstance(result, TaskFailed):
                    raise RuntimeError(f"tagging failed: {result}")
                parts.append(result)
        finally:
            if own:
                pool.close()
    proba = np.vstack(parts) if parts else np.zeros((0, len(labels)))
    decided = model.decide(proba) if len(proba) else np.zeros((0, len(labels)), dtype=int)
    out = frame.copy()
    for j, col in enumerate(probability_columns(labels)):
        out[col] = np.round(proba[:, j], 4)
    out["labels"] = ["|".join(lab for lab, d in zip(labels, row) if d) for row in decided]
    out["model_id"] = card["model_id"]
    return out
