"""Classify: passages get a probability per category of the taxonomy.

Names load on first use: reading the taxonomy (as the report does) should not import
scikit-learn.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "LabelledDataError": "labelled", "LabelledPassage": "labelled", "read_labelled": "labelled",
    "shipped_corpus_files": "labelled", "Report": "metrics", "report": "metrics",
    "PassageClassifier": "model", "ModelError": "persistence", "load_model": "persistence",
    "save_model": "persistence", "tag_frame": "tag", "Taxonomy": "taxonomy", "load_taxonomy": "taxonomy",
    "Trained": "training", "train": "training", "evaluate": "evaluation",
    "SuggestOptions": "suggest",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
