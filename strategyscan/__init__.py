"""strategyscan: how much national cybersecurity strategies stress the tools of cyber diplomacy.

The stages mirror the CLI: `ingest`, `tag`, `compare`, `run`; models: `train`, `evaluate`,
`load_model`. Names are imported on first use, so `strategyscan ingest` does not pay for
scikit-learn and a notebook imports only what it touches.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "ingest": "pipeline", "tag": "pipeline", "compare": "pipeline", "run": "pipeline",
    "train": "classify", "evaluate": "classify", "load_model": "classify", "save_model": "classify",
    "load_taxonomy": "classify", "read_labelled": "classify",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'strategyscan' has no attribute {name!r}")
