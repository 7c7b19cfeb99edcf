"""Compare: tagged passages into per-group emphasis, evidence and a report.

The options are importable without pandas; the tables' functions load it on first use.
"""

from __future__ import annotations

from .options import CompareError, CompareOptions

__all__ = ["CompareError", "CompareOptions", "compare_table", "long_form"]


def __getattr__(name: str):
    if name in ("compare_table", "long_form"):
        from . import aggregate

        return getattr(aggregate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
