"""Compare: tagged passages into per-group emphasis, evidence and a report."""

from .aggregate import CompareError, CompareOptions, compare_table, long_form

__all__ = ["CompareError", "CompareOptions", "compare_table", "long_form"]
