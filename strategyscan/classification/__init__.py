"""Classify: passages get a probability per category of the taxonomy.

Names load on first use: reading the taxonomy (as the report does) should not import
scikit-learn.
"""

from __future__ import annotations

from ..lazy import lazy_exports

_EXPORTS = {
    "LabelledDataError": "labelled", "LabelledPassage": "labelled", "read_labelled": "labelled",
    "shipped_corpus_files": "labelled", "Report": "metrics", "report": "metrics",
    "PassageClassifier": "model", "ModelError": "persistence", "load_model": "persistence",
    "save_model": "persistence", "tag_frame": "tag", "Taxonomy": "taxonomy", "load_taxonomy": "taxonomy",
    "Trained": "training", "train": "training", "evaluate": "evaluation",
    "SuggestOptions": "suggest",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, __name__, {name: f".{module}" for name, module in _EXPORTS.items()})
