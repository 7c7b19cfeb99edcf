"""Non-English strategies: text handling per language, a model per language, tagging that picks
the model by each passage's language."""

from __future__ import annotations

import json
import random
import shutil

import numpy as np
import pandas as pd
import pytest

from strategyscan.classification import ModelError, read_labelled, save_model, shipped_corpus_files, train
from strategyscan.classification.languages import OTHER_LANGUAGES, lemma_table, stop_words
from strategyscan.classification.normalise import COUNTRY_TOKEN, YEAR_TOKEN, load_concepts, normalise
from strategyscan.classification.persistence import load_model_set, load_tagger
from strategyscan.classification.scorer import LinearScorer
from strategyscan.classification.tag import tag_frame
from strategyscan.paths import DEFAULT_MODEL

C, Y = COUNTRY_TOKEN, YEAR_TOKEN


def test_french_keeps_accents_drops_elisions_and_masks_countries_demonyms_years():
    [out] = normalise(["L'État français et le Sénégal renforcent les capacités de cybersécurité en 2019, "
                       "avec les États-Unis et la Côte d'Ivoire."], "fr")
    assert out.split()[:2] == ["état", C]  # "l'" dropped, "français" masked
    assert "capacité" in out and "cybersécurité" in out and Y in out
    assert "sénégal" not in out and "unis" not in out and "ivoire" not in out
    assert out.count(C) == 4


def test_russian_keeps_cyrillic_and_masks_names_in_every_case():
    [out] = normalise(["Республика Казахстан и Российской Федерации обеспечивают информационную безопасность "
                       "России и казахстанских граждан; Мали, но мало."], "ru")
    assert "информационный" in out and "безопасность" in out  # lemmas, not ASCII-folded away
    assert "росс" not in out and "казахстан" not in out and "федерац" not in out
    assert out.split().count(C) == 5 and out.endswith("мало")  # "мало" is not Mali


@pytest.mark.parametrize("language", ["es", "pt"])
def test_tables_that_ignore_part_of_speech_do_not_turn_states_into_a_verb(language):
    assert lemma_table(language)["estados"] == "estado"
    [out] = normalise(["Los Estados Unidos y los Estados miembros" if language == "es"
                       else "Os Estados Unidos e os Estados membros"], language)
    assert C in out and "estado" in out and "estar" not in out


def test_english_normalising_is_what_it_was_and_unknown_languages_are_refused():
    text = "Russia's CERT trained 1,000 staff in 2016."
    assert normalise([text], "en") == normalise([text])
    assert C in normalise([text])[0]
    with pytest.raises(ValueError, match="no text normaliser for language 'xx'"):
        normalise([text], "xx")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_language_has_stop_words_and_the_concepts_of_english(language):
    assert {"fr": "de", "es": "de", "pt": "de", "ru": "и"}[language] in stop_words(language)
    assert "cybersécurité" not in stop_words(language) and "безопасность" not in stop_words(language)
    concepts, english = load_concepts(language=language), load_concepts()
    assert set(concepts) == set(english)
    assert all(concepts[name] for name in concepts)


# -- a model per language ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def french():
    items = read_labelled(shipped_corpus_files("fr"))
    return train(random.Random(0).sample(items, 500), folds=3, language="fr")


def test_a_french_model_is_scored_alike_by_its_scorer_and_says_its_language(french, tmp_path):
    assert french.card["language"] == "fr" and french.model.language == "fr"
    folder = save_model(french.model, french.card, tmp_path / "fr")
    scorer, _ = load_tagger(folder)
    assert isinstance(scorer, LinearScorer) and scorer.language == "fr"
    texts = [it.text for it in read_labelled(shipped_corpus_files("fr"))[:300]] + ["", "L'État, 2016 : 1 000 CERT."]
    assert np.abs(scorer.predict_proba(texts) - french.model.predict_proba(texts)).max() < 1e-9


@pytest.fixture
def model_set(french, tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    for path in DEFAULT_MODEL.iterdir():  # the English model alone, then a French one beside it
        if path.is_file():
            shutil.copy(path, folder)
    save_model(french.model, french.card, folder / "fr")
    return folder


def test_each_passage_is_scored_by_the_model_for_its_language(model_set, french):
    english_id = json.loads((DEFAULT_MODEL / "card.json").read_text())["model_id"]
    frame = pd.DataFrame({"text": ["We will train 5,000 cyber security professionals by 2025."] * 2
                          + ["Nous formerons des milliers de spécialistes de la cybersécurité."] * 2
                          + ["Wir bilden Fachkräfte aus.", "A passage without a language."],
                          "language": ["en", "en", "fr", "fr", "de", ""]})
    tagged = tag_frame(frame, model_set)
    assert list(tagged["model_id"]) == [english_id] * 2 + [french.card["model_id"]] * 2 + ["", english_id]
    expected = french.model.predict_proba(frame["text"][2:4].tolist())
    assert np.allclose(tagged.loc[2:3, [f"p_{lab}" for lab in french.model.labels]], expected, atol=1e-4)
    assert tagged.loc[4, [c for c in tagged.columns if c.startswith("p_")]].isna().all()
    assert tagged.loc[4, "labels"] == ""
    from strategyscan.executors import make_executor

    pool = make_executor("local", 2)
    try:
        assert tag_frame(frame, model_set, pool=pool).equals(tagged)  # chunks scored in the workers
    finally:
        pool.close()
    models = load_model_set(model_set)
    assert models.languages == ["en", "fr"] and models.model_id.startswith("ss-set-")
    assert [row["language"] for row in models.coverage()] == ["en", "fr"]


def test_a_language_folder_must_hold_that_language_and_the_same_labels(model_set):
    shutil.copytree(model_set / "fr", model_set / "es")
    with pytest.raises(ModelError, match="holds a model for 'fr', not 'es'"):
        load_model_set(model_set)
    shutil.rmtree(model_set / "es")
    card = json.loads((model_set / "fr" / "card.json").read_text())
    card["labels"] = card["labels"][:2]
    (model_set / "fr" / "card.json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="must share their labels"):
        load_model_set(model_set)


# -- the shipped models and a run over strategies in several languages ------------------------------------


def test_the_shipped_set_covers_five_languages_and_each_card_says_how_it_did_held_out():
    models = load_model_set()
    assert models.languages == ["en", "fr", "es", "pt", "ru"]
    for row in models.coverage():
        assert row["heldout_passages"] >= 120  # each model was scored on held-out documents of its language
        assert row["heldout_micro_f1"] is not None and row["heldout_exact"] is not None


@pytest.mark.shared
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_each_languages_held_out_figures_are_what_evaluate_measures(language, ncss_dir):
    from strategyscan.classification.building import assess_model

    result = assess_model(None, "test", texts=ncss_dir / "texts", language=language)
    held = load_model_set().cards[language]["heldout"]
    assert result.report.n == held["passages"] >= 120
    assert (result.report.micro_f1, result.report.exact_match) == (held["micro_f1"], held["exact_match"])


FRENCH = ("La stratégie nationale de cybersécurité renforce les capacités de l'agence nationale, forme des milliers "
          "de spécialistes et crée un centre de réponse aux incidents informatiques pour protéger les "
          "infrastructures critiques du pays.")
GERMAN = ("Die nationale Strategie stärkt die Fähigkeiten der Behörden, bildet Fachkräfte aus und schützt die "
          "kritischen Infrastrukturen des Landes vor Angriffen aus dem Netz.")


def test_a_run_gives_shares_for_every_covered_language_and_lists_the_rest(tmp_path):
    from strategyscan import pipeline

    src = tmp_path / "src"
    src.mkdir()
    (src / "SEN_2017_strategie.txt").write_text("\n\n".join([FRENCH] * 6), encoding="utf-8")
    (src / "AUT_2013_strategie.txt").write_text("\n\n".join([GERMAN] * 6), encoding="utf-8")
    result = pipeline.run([src], tmp_path / "out", workers=1)
    table = result.compare.table.set_index("iso3")
    assert table.loc["SEN", "languages"] == "fr" and table.loc["SEN", "passages"] >= 6
    assert table.loc["SEN", "capacity_building_share"] > 0.5
    assert table.loc["AUT", "passages"] == 0 and table.loc["AUT", "excluded_language"] >= 6
    tags = result.tag.tags
    assert set(tags.loc[tags["language"] == "de", "model_id"]) == {""}
    assert set(tags.loc[tags["language"] == "fr", "model_id"]) == {load_model_set().cards["fr"]["model_id"]}
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<h2 id='models'>Models</h2>" in report and "French" in report
    assert "Austria" in report  # listed among the groups without shares
    only_english = pipeline.compare(result.tag.tags_parquet, None, languages=["en"]).table.set_index("iso3")
    assert only_english.loc["SEN", "passages"] == 0


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_shipped_scorer_with_its_pruned_lemma_table_gives_the_estimators_probabilities(language):
    from strategyscan.classification.persistence import load_model

    folder = load_model_set().folders[language]
    scorer, _ = load_tagger(folder)
    estimator, _ = load_model(folder)
    assert 0 < len(scorer.lemmas) < len(lemma_table(language))  # never the whole table at tagging time
    texts = [it.text for it in read_labelled(shipped_corpus_files(language))]
    assert np.abs(scorer.predict_proba(texts) - estimator.predict_proba(texts)).max() < 1e-9
