"""strategyscan: how much national cybersecurity strategies stress the tools of cyber diplomacy.

The functions mirror the CLI's commands, with the same arguments: `ingest`, `tag`, `compare`,
`run`; models: `train`, `evaluate`, `explain`, `suggest` (what to label next); and `load_model`.
Everything is imported on first use, so `strategyscan --help` does not pay for pandas and
`strategyscan ingest` not for scikit-learn.
"""

from __future__ import annotations

from .lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = dict.fromkeys(("ingest", "tag", "compare", "run"), ".pipeline")
_EXPORTS.update(dict.fromkeys(("load_model", "save_model", "load_taxonomy", "read_labelled"), ".classification"))
_EXPORTS.update(dict.fromkeys(("explain", "Explanation"), ".classification.building"))
#: `strategyscan train` and `evaluate`, as functions of the same arguments
_EXPORTS.update({"train": ".classification.building:build", "evaluate": ".classification.building:assess_model"})
# the function, not its module (`classification.suggest` names both once the module is imported)
_EXPORTS.update(dict.fromkeys(("suggest", "SuggestOptions"), ".classification.suggest"))
__all__ = ["Explanation", "SuggestOptions", "compare", "evaluate", "explain", "ingest", "load_model", "load_taxonomy",
           "read_labelled", "run", "save_model", "suggest", "tag", "train"]


__getattr__ = lazy_exports(__name__, __name__, _EXPORTS)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
