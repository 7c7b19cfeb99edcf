"""Compare: tagged passages into per-group emphasis, evidence and a report.

The options are importable without pandas; the tables' functions load it on first use.
"""

from __future__ import annotations

from ..lazy import lazy_exports
from .options import CompareError, CompareOptions

__all__ = ["CompareError", "CompareOptions", "compare_table", "long_form"]
__getattr__ = lazy_exports(__name__, __name__, dict.fromkeys(("compare_table", "long_form"), ".aggregate"))
