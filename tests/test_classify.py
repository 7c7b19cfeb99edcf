"""The classifier: labelled data at the door, the estimator, persistence, explanations, quality."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from strategyscan.classification import (
    LabelledDataError,
    ModelError,
    evaluate,
    load_model,
    load_taxonomy,
    read_labelled,
    save_model,
    shipped_corpus_files,
    train,
)
from strategyscan.classification.labelled import label_matrix
from strategyscan.classification.model import PassageClassifier
from strategyscan.classification.normalise import (
    COUNTRY_TOKEN,
    NORMALISER_VERSION,
    YEAR_TOKEN,
    lemmatise,
    mask,
)
from strategyscan.classification.persistence import load_tagger
from strategyscan.classification.scorer import LinearScorer, NotScorable

LABELS = load_taxonomy().labels


@pytest.fixture(scope="module")
def corpus():
    return read_labelled(shipped_corpus_files())


@pytest.fixture(scope="module")
def small_model(corpus):
    items = random.Random(0).sample(corpus, 900)
    return train(items, folds=3)


@pytest.fixture(scope="module")
def shipped():
    return load_model()


def write(tmp_path, text):
    path = tmp_path / "labelled.csv"
    path.write_text(text, encoding="utf-8")
    return path


# -- the shipped corpus ---------------------------------------------------------------------------


def test_shipped_corpus_meets_its_brief(corpus):
    Y = label_matrix(corpus, LABELS)
    assert len(corpus) >= 2000
    assert Y.sum(0).min() >= 200, dict(zip(LABELS, Y.sum(0)))
    assert (Y.sum(1) == 0).sum() >= 600
    assert (Y.sum(1) >= 2).sum() >= 250


# -- labelled files are validated at the door ----------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("words,tags\nx,cbm\n", "missing column(s) labels, text"),
        ("text,labels\nWe will deter attacks.,deterence\n", "row 2: unknown label 'deterence'"),
        ("text,labels\n,cbm\n", "row 2: empty text"),
        ("text,labels\nA passage here.,cbm\na passage here. ,norms\n", "row 3: duplicate of"),
    ],
)
def test_bad_labelled_files_name_the_row_and_value(tmp_path, content, message):
    with pytest.raises(LabelledDataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_labelled([write(tmp_path, content)])


def test_exact_duplicates_are_kept_once_and_empty_labels_mean_none(tmp_path):
    items = read_labelled([write(tmp_path, "text,labels\nSame text.,cbm\nSame text.,cbm\nOther.,\n")])
    assert [(i.text, set(i.labels)) for i in items] == [("Same text.", {"cbm"}), ("Other.", set())]


# -- the estimator ------------------------------------------------------------------------------


def test_masking_hides_countries_demonyms_and_years():
    masked = mask("The Kenyan Government and the United Kingdom signed in 2016; Côte d'Ivoire joined.")
    assert "kenya" not in masked and "kingdom" not in masked and "2016" not in masked and "ivoire" not in masked
    assert masked.count(COUNTRY_TOKEN) == 3 and YEAR_TOKEN in masked


def test_countries_masked_in_one_pass():
    """One regex for names and demonyms replaces what the two did one after the other."""
    import re

    from strategyscan.countries import (
        DEMONYMS,
        MULTI_WORD_DEMONYMS,
        demonym_regex,
        mention_regex,
        name_regex,
        name_table,
    )

    names = [n for n in name_table() if len(n) > 3]
    for demonym in {*DEMONYMS, *MULTI_WORD_DEMONYMS}:  # why the one pass can equal the two
        for inner in (m.start() for m in re.finditer(r"\b\w", demonym) if m.start()):
            assert not any(n.startswith(demonym[inner:]) or demonym[inner:].startswith(n) for n in names)
    token = " xcountryx "
    rng = random.Random(7)
    vocab = [*rng.sample(names, 60), *DEMONYMS[:40], *MULTI_WORD_DEMONYMS, "south", "korean", "new", "republic",
             "of", "the", "s", "'s", "french polynesia", "american samoa", "russian federation", "n", "guinea"]
    for _ in range(3000):
        text = rng.choice([" ", "", "-", ", "]).join(rng.choice(vocab) for _ in range(rng.randint(1, 6)))
        assert mention_regex().sub(token, text) == demonym_regex().sub(token, name_regex().sub(token, text)), text


def test_predictions_do_not_depend_on_the_country_named(shipped):
    model, _ = shipped
    base = "{} will designate a 24/7 point of contact for exchanges with foreign counterparts in {}."
    variants = [base.format(c, y) for c, y in [("Kenya", 2014), ("France", 2021), ("Japan", 2009)]]
    proba = model.predict_proba(variants)
    assert np.allclose(proba, proba[0])


def test_predict_proba_has_one_column_per_label(small_model):
    texts = ["Those who attack us will face consequences.", "Rain fell."]
    proba = small_model.model.predict_proba(texts)
    assert proba.shape == (2, len(LABELS))
    deterrence = LABELS.index("deterrence")
    assert proba[0, deterrence] > proba[1, deterrence]  # each column is its own category's probability


def test_parameters_are_validated_at_fit():
    with pytest.raises(ValueError, match="C must be a positive number"):
        PassageClassifier(C=-1).fit(["a b", "c d"], np.array([[1, 0, 0, 0, 0], [0, 1, 1, 1, 1]]))
    with pytest.raises(ValueError, match="learner must be one of logistic, linear_svm"):
        PassageClassifier(learner="forest").fit(["a b", "c d"], np.array([[1, 0, 0, 0, 0], [0, 1, 1, 1, 1]]))
    with pytest.raises(ValueError, match="needs both positive and negative"):
        PassageClassifier().fit(["a b", "c d"], np.array([[1, 0, 0, 0, 0], [1, 1, 1, 1, 1]]))


def test_thresholds_come_from_cross_validation_and_live_in_the_model(small_model, tmp_path):
    card = small_model.card
    assert set(card["thresholds"]) == set(LABELS)
    assert not np.allclose(small_model.model.thresholds_, 0.5)  # tuned on out-of-fold predictions, not fit's default
    assert card["cross_validation"]["folds"] == 3
    save_model(small_model.model, card, tmp_path / "m")
    loaded, loaded_card = load_model(tmp_path / "m")
    assert loaded_card == json.loads(json.dumps(card))
    texts = ["We will impose costs on those who attack us.", "Data must stay on national territory."]
    assert np.allclose(loaded.predict_proba(texts), small_model.model.predict_proba(texts))
    assert (loaded.predict(texts) == small_model.model.predict(texts)).all()


def test_model_id_is_deterministic(corpus):
    items = random.Random(1).sample(corpus, 400)
    a, b = train(items, folds=2), train(list(reversed(items)), folds=2)
    assert a.card["model_id"] == b.card["model_id"]
    assert a.card["training_data"]["hash"] == b.card["training_data"]["hash"]


class Gadget:  # a type no trusted list knows
    pass


def test_loading_refuses_untrusted_types(small_model, tmp_path):
    import skops.io as sio

    model = small_model.model
    model.gadget_ = Gadget()
    try:
        save_model(model, small_model.card, tmp_path / "evil")
    finally:
        del model.gadget_
    with pytest.raises(ModelError, match="outside the trusted list: .*Gadget"):
        load_model(tmp_path / "evil")
    assert sio.get_untrusted_types(file=tmp_path / "evil" / "model.skops")


def test_missing_or_broken_model_folders_are_clear_errors(tmp_path):
    with pytest.raises(ModelError, match="model.skops is missing"):
        load_model(tmp_path)
    (tmp_path / "model.skops").write_bytes(b"not a zip")
    (tmp_path / "card.json").write_text(json.dumps({"normaliser": NORMALISER_VERSION, "labels": LABELS}))
    with pytest.raises(ModelError, match="cannot load"):
        load_model(tmp_path)
    (tmp_path / "scorer.npz").write_bytes(b"not a zip either")
    with pytest.raises(ModelError, match="cannot load .*scorer.npz"):
        load_tagger(tmp_path)


def test_a_model_trained_on_differently_normalised_text_must_be_retrained(small_model, tmp_path):
    save_model(small_model.model, {**small_model.card, "normaliser": NORMALISER_VERSION - 1}, tmp_path / "old")
    for load in (load_model, load_tagger):
        with pytest.raises(ModelError, match="older text normaliser .*retrain"):
            load(tmp_path / "old")


# -- the fast scorer ----------------------------------------------------------------------------------


def test_the_saved_scorer_gives_the_estimators_probabilities(small_model, corpus, tmp_path):
    folder = save_model(small_model.model, small_model.card, tmp_path / "m")
    scorer, card = load_tagger(folder)
    assert isinstance(scorer, LinearScorer) and card == json.loads(json.dumps(small_model.card))
    texts = [it.text for it in corpus[:1500]] + ["", "   ", "zzz qqq", "Russia, 2016: 1,000 CERTs."]
    expected = small_model.model.predict_proba(texts)
    got = scorer.predict_proba(texts)
    assert np.abs(got - expected).max() < 1e-9
    assert (scorer.decide(got) == small_model.model.decide(expected)).all()
    assert scorer.predict_proba([]).shape == (0, len(LABELS))


def test_a_scorer_left_beside_another_model_is_not_used(small_model, corpus, tmp_path):
    import shutil

    folder = save_model(small_model.model, small_model.card, tmp_path / "m")
    other = train(random.Random(3).sample(corpus, 400), folds=2)
    save_model(other.model, other.card, tmp_path / "other")
    shutil.copy(tmp_path / "other" / "scorer.npz", folder / "scorer.npz")
    tagger, _ = load_tagger(folder)
    assert isinstance(tagger, PassageClassifier)


def test_a_model_the_scorer_cannot_express_is_tagged_by_the_estimator(corpus, tmp_path):
    trained = train(random.Random(2).sample(corpus, 400), folds=2, use_chars=True)
    folder = save_model(trained.model, trained.card, tmp_path / "chars")
    assert not (folder / "scorer.npz").exists()
    tagger, _ = load_tagger(folder)
    assert isinstance(tagger, PassageClassifier)
    with pytest.raises(NotScorable, match="character n-gram"):
        LinearScorer.from_classifier(trained.model)


def test_lemmas_merge_inflections_and_numbers_but_keep_words_apart():
    assert lemmatise(["attacks attacked attacking"]) == ["attack attack attack"]
    assert lemmatise(["the state's 1,000.5 cyber-attacks cannot two 24/7 5g"]) == [
        "the state xnumx cyber attack can not xnumx xnumx 5g"]


def test_lemmas_stay_the_same_when_the_token_memo_is_full_and_the_memo_stays_bounded(monkeypatch):
    from strategyscan.classification import normalise

    texts = ["attacks attacked attacking", "the state's 1,000.5 cyber-attacks cannot two 24/7 5g",
             *(f"token{i} agencies trained" for i in range(50))]
    expected = lemmatise(texts)
    normalise._LEMMAS.clear()
    monkeypatch.setattr(normalise._Lemmas, "LIMIT", 4)
    assert lemmatise(texts) == expected
    assert len(normalise._LEMMAS) <= 4


def test_explanations_name_the_terms_that_raised_a_label(shipped):
    model, _ = shipped
    terms = dict(model.explain("Those who attack our networks will face consequences, including offensive "
                               "cyber operations and sanctions.")["deterrence"])
    assert terms and all(v > 0 for v in terms.values())
    assert any(t in " ".join(terms) for t in ("offensive", "sanction", "consequence", "attack"))


# -- the shipped model --------------------------------------------------------------------------


def test_the_shipped_model_is_tagged_by_its_scorer():
    tagger, card = load_tagger()
    assert isinstance(tagger, LinearScorer) and tagger.model_id == card["model_id"]


def test_shipped_card_describes_the_model(shipped):
    model, card = shipped
    assert card["labels"] == LABELS == list(model.labels)
    assert card["model_id"].startswith("ss-")
    for key in ("training_data", "cross_validation", "versions", "created", "thresholds"):
        assert key in card
    assert {m["label"] for m in card["cross_validation"]["labels"]} == set(LABELS)
    data = card["training_data"]
    assert data["real_corpus"] > data["hand_written_corpus"] > 0 and data["texts_manifest_sha256"]
    assert data["passages"] == data["real"] + data["hand_written"]
    assert card["cross_validation"]["grouped_by"] == "document"
    assert card["heldout"]["scored"] and card["heldout"]["shares"]["documents"] >= 6
    assert np.allclose(model.calibration_, [[card["calibration"][lab]["a"], card["calibration"][lab]["b"]]
                                            for lab in LABELS], atol=1e-5)


def test_the_cards_held_out_figures_are_what_evaluate_measures(shipped, ncss_dir):
    from strategyscan.classification.building import assess_model

    _, card = shipped
    measured = assess_model(None, "test")
    assert measured.model_id == card["model_id"]
    assert measured.report.macro_f1 == card["heldout"]["macro_f1"]
    assert measured.shares.mean_error_points == card["heldout"]["shares"]["mean_error_points"]


def test_shipped_model_tags_the_codebook_examples(shipped):
    model, _ = shipped
    examples = {
        "We will fund scholarships and a national cyber range to train 5,000 security professionals by 2025.":
            {"capacity_building"},
        "The government will designate a 24/7 point of contact for exchanges with foreign counterparts "
        "during cyber incidents.": {"cbm"},
        "We reaffirm that existing international law, including the UN Charter, applies to state conduct "
        "in cyberspace.": {"norms"},
        "Those who attack our networks will face consequences, including through our offensive cyber "
        "capabilities.": {"deterrence"},
        "Cyberspace is an extension of national territory, and the state exercises full sovereignty over "
        "its information space.": {"sovereignty"},
        "Malicious cyber activity cost the economy an estimated 2% of GDP last year.": set(),
    }
    predicted = model.predict(list(examples))
    for (text, expected), row in zip(examples.items(), predicted):
        assert {lab for lab, d in zip(LABELS, row) if d} == expected, text


def test_shipped_model_beats_keywords_on_the_real_text_test_set(shipped, ncss_dir):
    from strategyscan.classification.baseline import KeywordBaseline
    from strategyscan.classification.metrics import report
    from strategyscan.classification.realtext import load_real

    model, _ = shipped
    items = load_real("test")
    Y = label_matrix(items, LABELS)
    ours = evaluate(items, model)
    keywords = report(Y, KeywordBaseline().fit().predict([i.text for i in items]), LABELS)
    assert ours.macro_f1 >= keywords.macro_f1 + 0.1, (ours.macro_f1, keywords.macro_f1)


def test_every_tagger_speaks_the_same_protocol(small_model):
    from strategyscan.classification.baseline import KeywordBaseline
    from strategyscan.classification.tagger import Tagger

    texts = ["Those who attack us will face consequences.", "We will train judges and prosecutors."]
    taggers = [small_model.model, small_model.model.to_scorer(), KeywordBaseline().fit()]
    for tagger in taggers:
        assert isinstance(tagger, Tagger) and tuple(tagger.labels) == tuple(LABELS) and tagger.model_id
        proba = tagger.predict_proba(texts)
        assert (tagger.decide(proba) == (proba >= tagger.thresholds_)).all()
    model, scorer = taggers[:2]
    assert scorer.model_id == model.model_id == small_model.card["model_id"]
    assert np.allclose(model.predict_proba(texts), scorer.predict_proba(texts), atol=1e-9)
    assert (model.decide(model.predict_proba(texts)) == scorer.decide(scorer.predict_proba(texts))).all()
