"""Categories own their concepts: a sixth category is one row in the taxonomy plus its concepts,
then retraining; the model's labels, its concept features, the baseline and tagging follow."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from strategyscan.classification.baseline import KeywordBaseline
from strategyscan.classification.labelled import LabelledPassage
from strategyscan.classification.persistence import save_model
from strategyscan.classification.tag import tag_frame
from strategyscan.classification.taxonomy import load_taxonomy
from strategyscan.classification.training import train
from strategyscan.paths import TAXONOMY

TOPICS = {  # label -> what its passages talk about (a toy corpus, written here)
    "capacity_building": "train incident responders and fund a national computer emergency team",
    "cbm": "name points of contact and open a hotline with neighbouring states",
    "norms": "uphold international law and the agreed norms of responsible state behaviour",
    "deterrence": "impose costs on attackers and answer attacks with every instrument of power",
    "sovereignty": "protect the sovereignty of the national information space from interference",
    "export_controls": "license exports of intrusion software and screen dual-use surveillance tools",
}


@pytest.fixture
def toy_taxonomy(tmp_path):
    data = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    data["labels"].append({"name": "export_controls", "title": "Export controls",
                           "description": "Licensing the export of cyber tools.",
                           "keywords": ["export", "dual-use"]})
    concepts = json.loads((TAXONOMY.parent / "concepts.json").read_text(encoding="utf-8"))
    concepts["concepts"]["export_licensing"] = {"category": "export_controls",
                                                "phrases": ["export licen", "dual-use", "intrusion software"]}
    (tmp_path / "concepts.json").write_text(json.dumps(concepts), encoding="utf-8")
    data["concepts"] = {"en": "concepts.json"}
    (tmp_path / "taxonomy.json").write_text(json.dumps(data), encoding="utf-8")
    return load_taxonomy(tmp_path / "taxonomy.json")


def _items() -> list[LabelledPassage]:
    items = []
    for doc in range(6):
        for label, topic in TOPICS.items():
            for k in range(2):
                text = f"In plan {doc} part {k} the government will {topic}."
                items.append(LabelledPassage(text, frozenset({label}), f"toy:{doc}", f"doc{doc}"))
    return items


def test_a_sixth_category_is_one_taxonomy_row_plus_its_concepts(toy_taxonomy, tmp_path):
    assert toy_taxonomy.labels[-1] == "export_controls"
    assert [c.category for c in toy_taxonomy.concepts() if c.name == "export_licensing"] == ["export_controls"]
    trained = train(_items(), taxonomy=toy_taxonomy, folds=3, concepts=toy_taxonomy.concept_phrases(), min_df=1)
    assert trained.model.labels == tuple(toy_taxonomy.labels) and trained.card["labels"][-1] == "export_controls"
    assert "export_licensing" in trained.model.vectoriser_.transformer_list[-1][1].names_
    proba = trained.model.predict_proba(["We will license exports of intrusion software."])[0]
    assert proba.argmax() == 5
    folder = save_model(trained.model, trained.card, tmp_path / "model")
    tagged = tag_frame(pd.DataFrame({"text": ["Screen dual-use surveillance tools before export."]}), folder)
    assert "p_export_controls" in tagged.columns and tagged.loc[0, "labels"] == "export_controls"
    baseline = KeywordBaseline(labels=tuple(toy_taxonomy.labels), keywords=toy_taxonomy.keywords()).fit()
    assert baseline.predict(["Dual-use goods need a licence."])[0].tolist() == [0, 0, 0, 0, 0, 1]


def test_a_concept_of_a_category_the_taxonomy_lacks_is_refused(tmp_path):
    concepts = {"concepts": {"stray": {"category": "astrology", "phrases": ["horoscope"]}}}
    (tmp_path / "concepts.json").write_text(json.dumps(concepts), encoding="utf-8")
    data = json.loads(TAXONOMY.read_text(encoding="utf-8")) | {"concepts": {"en": "concepts.json"}}
    (tmp_path / "taxonomy.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="categories the taxonomy lacks: astrology"):
        load_taxonomy(tmp_path / "taxonomy.json").concepts()


def test_the_shipped_taxonomy_owns_the_model_and_baseline_defaults():
    from strategyscan.classification.model import PassageClassifier

    taxonomy = load_taxonomy()
    assert list(PassageClassifier().labels) == taxonomy.labels == list(KeywordBaseline().labels)
    assert {c.category for c in taxonomy.concepts()} == set(taxonomy.labels)
    assert [c.name for c in taxonomy.concepts("fr")] == [c.name for c in taxonomy.concepts()]
