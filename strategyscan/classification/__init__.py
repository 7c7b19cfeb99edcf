"""Classify: passages get a probability per category of the taxonomy."""

from .labelled import LabelledDataError, LabelledPassage, read_labelled, shipped_corpus_files
from .metrics import Report, report
from .model import PassageClassifier
from .persistence import ModelError, load_model, save_model
from .tag import tag_frame
from .taxonomy import Taxonomy, load_taxonomy
from .train import Trained, train


def evaluate(items: list[LabelledPassage], model=None) -> Report:
    """Per-label precision, recall, F1 and kappa of `model` (default: shipped) on human labels."""
    from .labelled import label_matrix

    if model is None:
        model, _ = load_model()
    labels = list(model.labels)
    return report(label_matrix(items, labels), model.predict([it.text for it in items]), labels)


__all__ = ["LabelledDataError", "LabelledPassage", "ModelError", "PassageClassifier", "Report", "Taxonomy",
           "Trained", "evaluate", "load_model", "load_taxonomy", "read_labelled", "report", "save_model",
           "shipped_corpus_files", "tag_frame", "train"]
