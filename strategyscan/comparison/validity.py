"""Do the shares recover the truth? Completely labelled documents, compared as `compare` would:
true share, raw share, adjusted share and whether each interval holds the true share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..classification.labelled import LabelledPassage, label_matrix
from ..classification.share_errors import ShareErrors
from ..classification.tag import tag_frame
from ..records import PROSE_KINDS
from .aggregate import compare_table
from .options import CompareOptions


@dataclass(frozen=True)
class Validity:
    cells: pd.DataFrame  # document, category, passages, true, raw (+ Wilson lo/hi), adjusted (+ lo/hi)

    def mae_points(self, column: str) -> float:
        return round(100 * float((self.cells[column] - self.cells["true"]).abs().mean()), 2)

    def coverage(self, column: str) -> float:
        c = self.cells
        return round(float(((c[f"{column}_lo"] <= c["true"]) & (c["true"] <= c[f"{column}_hi"])).mean()), 3)


def share_validity(items: list[LabelledPassage], model: str | Path, errors: dict[str, ShareErrors],
                   labels: list[str]) -> Validity:
    """Each document of `items` (labelled completely) as a group of its own."""
    items = [it for it in items if it.kind in PROSE_KINDS]
    frame = pd.DataFrame({"text": [it.text for it in items], "doc_id": [it.group for it in items],
                          "file": [it.group for it in items], "country": [it.group for it in items],
                          "kind": [it.kind for it in items], "language": "en"})
    tagged = tag_frame(frame, model)
    table = compare_table(tagged, CompareOptions(by="document", evidence=0), errors).set_index("doc_id")
    Y = label_matrix(items, labels)
    groups = np.array([it.group for it in items])
    rows = []
    for doc in sorted(set(groups)):
        truth = Y[groups == doc].mean(0)
        r = table.loc[doc]
        for j, lab in enumerate(labels):
            rows.append({"document": doc, "category": lab, "passages": int(r["passages"]), "true": truth[j],
                         "raw": r[f"{lab}_share"], "raw_lo": r[f"{lab}_share_lo"], "raw_hi": r[f"{lab}_share_hi"],
                         "adjusted": r[f"{lab}_share_adj"], "adjusted_lo": r[f"{lab}_share_adj_lo"],
                         "adjusted_hi": r[f"{lab}_share_adj_hi"]})
    return Validity(pd.DataFrame(rows))
