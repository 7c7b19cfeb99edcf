"""Inter-annotator agreement of the real-sentence corpus, from its annotation record.

    .venv/bin/python corpora/real/agreement.py [--json]

Reads `train/annotation/*.csv` and `test/annotation/*.csv` for English, `LANG/train/annotation/`
and `LANG/test/annotation/` for the other languages (one row per labelled span: both
annotators' labels, the adjudicated labels and, where the annotators differed, the rule that
decided) and prints, per language, for the train and test parts and overall, per-label Cohen's
kappa between the two annotators (n/a where neither gave the label), the share of passages whose
label sets differed, and how the adjudication went.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

HERE = Path(__file__).resolve().parent
LABELS = ["capacity_building", "cbm", "norms", "deterrence", "sovereignty"]
LANGUAGES = ["en", "fr", "es", "pt", "ru"]


def read(part: str | None = None, language: str = "en") -> list[dict]:
    """The annotation rows of one part (`train`, `test`) or of both, in one language."""
    rows = []
    root = HERE if language == "en" else HERE / language
    for name in ([part] if part else ["train", "test"]):
        for path in sorted((root / name / "annotation").glob("*.csv")):
            with path.open(newline="", encoding="utf-8") as fh:
                rows += list(csv.DictReader(fh))
    return rows


def summary(rows: list[dict]) -> dict:
    def has(value: str, label: str) -> int:
        return int(label in value.split("|"))

    kappa = {}
    for lab in LABELS:
        a = [has(r["labels_a"], lab) for r in rows]
        b = [has(r["labels_b"], lab) for r in rows]
        kappa[lab] = round(float(cohen_kappa_score(a, b)), 3) if len(set(a) | set(b)) > 1 else None
    differ = [r for r in rows if set(r["labels_a"].split("|")) != set(r["labels_b"].split("|"))]
    side_a = sum(r["labels_final"] == r["labels_a"] for r in differ)
    side_b = sum(r["labels_final"] == r["labels_b"] for r in differ)
    return {"passages": len(rows), "kappa": kappa, "label_sets_differed": len(differ),
            "adjudicated_as_a": side_a, "adjudicated_as_b": side_b,
            "adjudicated_as_neither": len(differ) - side_a - side_b,
            "with_rule": sum(bool(r["rule"].strip()) for r in differ)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    parts = (("train", "train"), ("test", "test"), ("all", None))
    out = {lang: {name: summary(read(part, lang)) for name, part in parts} for lang in LANGUAGES}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for lang, parts in out.items():
        for name, s in parts.items():
            print(f"{lang} {name}: {s['passages']} passages, label sets differed on {s['label_sets_differed']} "
                  f"(adjudicated: a {s['adjudicated_as_a']}, b {s['adjudicated_as_b']}, neither "
                  f"{s['adjudicated_as_neither']}); kappa "
                  + ", ".join(f"{k} {'n/a' if v is None else f'{v:.3f}'}" for k, v in s["kappa"].items()))


if __name__ == "__main__":
    main()
