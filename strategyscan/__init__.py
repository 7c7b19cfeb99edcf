"""strategyscan: how much national cybersecurity strategies stress the tools of cyber diplomacy.

The stages mirror the CLI: `ingest`, `tag`, `compare`, `run`; models: `train`, `evaluate`,
`load_model`, `suggest` (what to label next). The model functions are imported on first use,
so `strategyscan ingest` does not pay for scikit-learn.
"""

from __future__ import annotations

import importlib

# Bound eagerly so a notebook sees them at once (they import their stage lazily).
from .pipeline import compare, ingest, run, tag

__version__ = "0.1.0"

_EXPORTS = dict.fromkeys(("train", "evaluate", "load_model", "save_model", "load_taxonomy", "read_labelled"),
                         "classification")
# the function, not its module (`classification.suggest` names both once the module is imported)
_EXPORTS.update(dict.fromkeys(("suggest", "SuggestOptions"), "classification.suggest"))
__all__ = ["SuggestOptions", "compare", "evaluate", "ingest", "load_model", "load_taxonomy", "read_labelled", "run",
           "save_model", "suggest", "tag", "train"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'strategyscan' has no attribute {name!r}")
