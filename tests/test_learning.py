"""Learning from real text: spans, the real corpus, grouped CV, weights, calibration, suggest,
and whole-document share evaluation."""

from __future__ import annotations

import csv
import pickle
import random

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from strategyscan.classification import LabelledDataError, read_labelled, shipped_corpus_files, train
from strategyscan.classification.calibration import grouped_folds
from strategyscan.classification.corpus import base_corpus
from strategyscan.classification.evaluation import COMPLETE, shares
from strategyscan.classification.labelled import UNLABELLED, LabelledPassage, label_matrix
from strategyscan.classification.model import PassageClassifier
from strategyscan.classification.realtext import REAL as REAL_DIR
from strategyscan.classification.realtext import load_spans
from strategyscan.classification.spans import align, span_sha, span_text
from strategyscan.classification.suggest import SuggestOptions, select, suggestion_table, uncertainty
from strategyscan.classification.taxonomy import load_taxonomy

LABELS = load_taxonomy().labels


@pytest.fixture(scope="module")
def written():
    return read_labelled(shipped_corpus_files())


# -- spans: real text stored as offsets -----------------------------------------------------------

RAW = ("NATIONAL STRATEGY 2020\n\nThe Government will estab-\nlish a national CERT and train\n"
       "incident handlers.\nNATIONAL STRATEGY 2020\nIt will also share threat indicators with\n"
       "foreign CERTs.   The Government will establish a national CERT and train incident handlers.\n")


def test_align_finds_passages_across_line_breaks_hyphenation_and_repeats():
    cleaned = ["The Government will establish a national CERT and train incident handlers.",
               "It will also share threat indicators with foreign CERTs.",
               "The Government will establish a national CERT and train incident handlers.",
               "Nowhere in the text at all."]
    spans = align(RAW, cleaned)
    assert spans[3] is None
    first, second, repeat = spans[:3]
    assert span_text(RAW, *first) == "The Government will estab- lish a national CERT and train incident handlers."
    assert span_text(RAW, *second) == "It will also share threat indicators with foreign CERTs."
    assert repeat[0] > second[1]  # the repeat is found where it sits, not at the first occurrence
    assert RAW[repeat[0]:repeat[1]] == cleaned[2]


def write_spans(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", "start", "end", "sha", "labels", "kind", "draw"])
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def texts(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "TST_2020_en.txt").write_bytes(RAW.encode("utf-8"))
    return folder


def test_spans_resolve_against_the_texts_and_carry_their_document(tmp_path, texts):
    start, end = align(RAW, ["It will also share threat indicators with foreign CERTs."])[0]
    path = write_spans(tmp_path / "s.csv", [{"file": "TST_2020_en.txt", "start": start, "end": end,
                                            "sha": span_sha(RAW[start:end]), "labels": "cbm", "kind": "body",
                                            "draw": "random"}])
    [item] = load_spans([path], texts)
    assert item.text == "It will also share threat indicators with foreign CERTs."
    assert item.labels == {"cbm"} and item.group == "TST_2020_en.txt" and item.draw == "random"


@pytest.mark.parametrize(("change", "message"), [
    ({"sha": "000000000000"}, "no longer matches its hash"),
    ({"end": 10_000}, "outside TST_2020_en.txt"),
    ({"file": "../secret.txt"}, "is not in"),
    ({"labels": "diplomacy"}, "unknown label 'diplomacy'"),
])
def test_a_span_that_does_not_match_its_text_is_refused(tmp_path, texts, change, message):
    row = {"file": "TST_2020_en.txt", "start": 0, "end": 22, "sha": span_sha(RAW[0:22]), "labels": "",
           "kind": "heading", "draw": "random", **change}
    with pytest.raises(LabelledDataError, match=message):
        load_spans([write_spans(tmp_path / "s.csv", [row])], texts)


def test_without_the_texts_training_says_so_and_uses_the_hand_written_corpus(tmp_path):
    corpus = base_corpus(tmp_path / "nowhere")
    assert corpus.real == [] and len(corpus.written) > 1000
    assert "not at" in corpus.note and "hand-written corpus alone" in corpus.note


# -- training: grouped folds, weights, calibration ----------------------------------------------

def test_grouped_folds_never_split_a_document():
    groups = np.array([f"doc{i % 7}" for i in range(70)] + [f"#{i}" for i in range(30)], dtype=object)
    seen = set()
    for train_idx, test_idx in grouped_folds(groups, 5):
        assert not set(groups[train_idx]) & set(groups[test_idx])
        seen |= set(test_idx)
    assert seen == set(range(100))
    with pytest.raises(ValueError, match="cannot fill 5 folds"):
        grouped_folds(np.array(["a", "b", "c"], dtype=object), 5)


def test_a_passage_of_weight_zero_teaches_nothing(written):
    items = random.Random(1).sample(written, 400)
    texts = [it.text for it in items]
    Y = label_matrix(items, LABELS)
    weights = np.ones(len(items))
    weights[200:] = 0
    noise = Y.copy()
    noise[200:] = 1 - noise[200:]  # wrong labels on the passages that weigh nothing
    a = PassageClassifier(min_df=1).fit(texts, np.vstack([Y[:200], noise[200:]]), sample_weight=weights)
    b = PassageClassifier(min_df=1).fit(texts[:200] + texts[200:], np.vstack([Y[:200], Y[200:]]),
                                        sample_weight=weights)
    probe = ["We will train judges and prosecutors.", "States must respect international law online."]
    assert np.allclose(a.predict_proba(probe), b.predict_proba(probe), atol=1e-6)
    with pytest.raises(ValueError, match="sample_weight must be 400 numbers >= 0"):
        PassageClassifier().fit(texts, Y, sample_weight=-weights)


def test_fit_without_cv_starts_afresh(written):
    items = random.Random(2).sample(written, 300)
    model = PassageClassifier(min_df=1)
    model.fit([it.text for it in items], label_matrix(items, LABELS))
    model.thresholds_ = np.full(len(LABELS), 0.9)
    model.calibration_ = np.tile([3.0, 1.0], (len(LABELS), 1))
    model.fit([it.text for it in items], label_matrix(items, LABELS))
    assert (model.thresholds_ == 0.5).all() and (model.calibration_ == [1.0, 0.0]).all()
    assert not hasattr(model, "cv_scores_") and model.model_id == ""


@pytest.fixture(scope="module")
def grouped(written):
    """600 written passages in 30 pretend documents, and a model fitted with 3 grouped folds."""
    items = random.Random(5).sample(written, 600)
    texts, Y = [it.text for it in items], label_matrix(items, LABELS)
    groups = np.array([f"doc{i % 30}" for i in range(len(items))], dtype=object)
    return texts, Y, groups, PassageClassifier(min_df=1, cv=3).fit(texts, Y, groups=groups)


def test_fit_with_cv_learns_calibration_and_thresholds_from_grouped_out_of_fold_scores(grouped):
    texts, Y, groups, model = grouped
    normalised = model.normaliser_.transform(texts)
    for train_idx, test_idx in grouped_folds(groups, 3):  # each score comes from a fit without its document
        fold = PassageClassifier(min_df=1).fit_normalised([normalised[i] for i in train_idx], Y[train_idx])
        assert np.allclose(fold.decision_function_normalised([normalised[i] for i in test_idx]),
                           model.cv_scores_[test_idx], atol=1e-9)
    assert not (model.thresholds_ == 0.5).all() and not (model.calibration_ == [1.0, 0.0]).all()
    assert (model.calibration_[:, 0] > 0).all()  # a higher score means a likelier label


def test_a_clone_refitted_decides_as_the_original_and_earlier_fits_leave_nothing(grouped):
    texts, Y, groups, model = grouped
    again = clone(model)
    again.thresholds_ = np.full(len(LABELS), 0.9)  # state an earlier fit might have left
    again.fit(texts, Y, groups=groups)
    assert np.array_equal(again.thresholds_, model.thresholds_)
    assert np.array_equal(again.calibration_, model.calibration_)
    assert np.array_equal(again.predict(texts[:50]), model.predict(texts[:50]))


def test_calibrate_on_picks_the_passages_each_label_is_calibrated_on(grouped):
    texts, Y, groups, model = grouped
    on = np.arange(len(texts)) < 400
    masks = np.tile(on[:, None], (1, len(LABELS)))
    masks[:, 0] = True  # the first label on every passage, the others on the first 400
    part = clone(model).fit(texts, Y, groups=groups, calibrate_on=masks)
    assert np.array_equal(part.calibration_[0], model.calibration_[0])
    assert not np.array_equal(part.calibration_[1:], model.calibration_[1:])
    with pytest.raises(ValueError, match=r"calibrate_on must be 600 booleans or \(600, 5\)"):
        clone(model).fit(texts, Y, groups=groups, calibrate_on=on[:10])
    nothing = np.zeros(len(texts), dtype=bool)
    nothing[:3] = True
    with pytest.raises(ValueError, match="calibrate_on leaves label .* without both positive and negative"):
        clone(model).fit(texts, Y, groups=groups, calibrate_on=nothing)


def test_out_of_fold_scores_are_not_saved_with_the_model(grouped):
    import skops.io as sio

    model = grouped[3]
    data = sio.dumps(model)  # the format model folders use (persistence.save_model)
    for restored in (sio.loads(data, trusted=sio.get_untrusted_types(data=data)), pickle.loads(pickle.dumps(model))):
        assert hasattr(model, "cv_scores_") and not hasattr(restored, "cv_scores_")
        assert np.array_equal(restored.thresholds_, model.thresholds_)


@pytest.mark.parametrize("cv", [1, 2.5, True, "5"])
def test_cv_must_be_a_number_of_folds(cv):
    with pytest.raises(ValueError, match="cv must be None or a whole number of folds of at least 2"):
        PassageClassifier(cv=cv).fit(["a b", "c d"], np.array([[1, 0, 0, 0, 0], [0, 1, 1, 1, 1]]))


def test_calibrated_probabilities_match_label_rates_out_of_fold(written):
    items = random.Random(3).sample(written, 1200)
    trained = train(items, folds=3)
    cal = trained.card["calibration"]
    assert set(cal) == set(LABELS)
    assert trained.card["cross_validation"]["grouped_by"] == "document"
    # Brier score of calibrated out-of-fold probabilities beats always predicting the base rate
    Y = label_matrix(items, LABELS)
    for j, lab in enumerate(LABELS):
        rate = Y[:, j].mean()
        assert trained.card["cross_validation"]["brier"][lab] < rate * (1 - rate), lab


# -- shares on completely labelled documents -----------------------------------------------------

def test_share_error_compares_true_and_predicted_shares_on_prose_of_complete_documents():
    def p(doc, labels, kind="body", draw=COMPLETE):
        return LabelledPassage(f"{doc} {labels} {kind} {random.random()}", frozenset(labels), group=doc,
                               kind=kind, draw=draw)

    items = [p("A", {"cbm"}), p("A", set()), p("A", set()), p("A", set()),
             p("A", {"cbm"}, kind="heading"),                   # headings are not counted
             p("B", {"norms"}), p("B", {"norms"}),
             p("C", {"cbm"}, draw="random")]                    # C was not labelled completely
    predicted = np.zeros((len(items), len(LABELS)), dtype=int)
    cbm, norms = LABELS.index("cbm"), LABELS.index("norms")
    predicted[0, cbm] = predicted[1, cbm] = 1                   # A: true cbm 25 %, predicted 50 %
    predicted[5, norms] = 1                                     # B: true norms 100 %, predicted 50 %
    rep = shares(items, predicted, LABELS)
    assert {c.document for c in rep.cells} == {"A", "B"}
    cell = {(c.document, c.label): c for c in rep.cells}
    assert cell["A", "cbm"].passages == 4 and cell["A", "cbm"].error_points == 25.0
    assert cell["B", "norms"].error_points == 50.0
    assert rep.worst.document == "B" and rep.worst.label == "norms"
    assert rep.mean_error_points == round((25 + 50) / (2 * len(LABELS)), 2)


# -- suggest -----------------------------------------------------------------------------------

def test_uncertainty_is_highest_at_the_threshold():
    u = uncertainty(np.array([[0.3, 0.0], [0.65, 1.0], [0.8, 0.5]]), np.array([0.3, 0.5]))
    assert u[0, 0] == 1 and u[0, 1] == 0 and u[1, 1] == 0 and u[2, 1] == 1
    assert 0 < u[2, 0] < u[1, 0] < 1


WORDS = ("cert agency treaty norm law court judge police skill school budget army navy data cloud "
         "cable satellite border partner forum dialogue hotline drill sanction attribution research "
         "industry market standard audit privacy content media platform chip vendor supply").split()


def tagged_frame(n=60):
    rng = np.random.default_rng(0)
    rows = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS, size=8, replace=False))  # distinct passages, few shared words
        rows.append({"passage_id": f"d{i % 6}-{i}", "file": f"doc{i % 6}.pdf", "page": 1, "kind": "body",
                     "language": "en", "text": f"We will build {text}.",
                     **{f"p_{lab}": float(rng.uniform(0, 0.3)) for lab in LABELS}})
    return pd.DataFrame(rows)


def test_select_prefers_uncertain_spread_distinct_passages_and_skips_what_is_known():
    frame = tagged_frame()
    th = np.full(len(LABELS), 0.5)
    frame.loc[0, [f"p_{lab}" for lab in LABELS]] = 0.5           # the most uncertain passage
    frame.loc[1, "text"] = frame.loc[0, "text"].upper()          # its copy (case aside)
    frame.loc[2, "kind"] = "heading"
    frame.loc[3, "language"] = "fr"
    frame.loc[4, [f"p_{lab}" for lab in LABELS]] = 0.5
    known = [frame.loc[4, "text"]]                               # already in the training data
    picked = select(frame, LABELS, th, SuggestOptions(n=12), known)
    ids = list(picked["passage_id"])
    assert ids[0] == frame.loc[0, "passage_id"]
    assert frame.loc[1, "passage_id"] not in ids                 # a near-duplicate of a pick
    assert frame.loc[2, "passage_id"] not in ids and frame.loc[3, "passage_id"] not in ids
    assert frame.loc[4, "passage_id"] not in ids
    assert picked["file"].value_counts().max() <= 4              # spread: no document dominates
    headings = select(frame, LABELS, th, SuggestOptions(n=60, include_headings=True))
    assert frame.loc[2, "passage_id"] in set(headings["passage_id"])
    french = select(frame, LABELS, th, SuggestOptions(n=60, language="fr"))
    assert list(french["passage_id"]) == [frame.loc[3, "passage_id"]]  # that language's passages alone


def test_label_focus_ranks_by_that_label_only():
    frame = tagged_frame()
    th = np.full(len(LABELS), 0.5)
    frame[[f"p_{lab}" for lab in LABELS]] = 0.99
    frame.loc[7, "p_norms"] = 0.5
    picked = select(frame, LABELS, th, SuggestOptions(n=1, label="norms"))
    assert picked["passage_id"].tolist() == [frame.loc[7, "passage_id"]]
    with pytest.raises(ValueError, match="unknown label 'diplomacy'"):
        select(frame, LABELS, th, SuggestOptions(n=1, label="diplomacy"))
    with pytest.raises(ValueError, match="--n must be a positive whole number"):
        select(frame, LABELS, th, SuggestOptions(n=0))


def test_the_suggestion_file_marks_rows_unlabelled_and_train_skips_them(tmp_path):
    frame = tagged_frame(10).assign(uncertainty=0.5)
    table = suggestion_table(frame, LABELS)
    assert (table["labels"] == UNLABELLED).all()
    assert list(table.columns[:4]) == ["passage_id", "file", "page", "kind"]
    table.loc[0, "labels"] = "cbm"
    table.loc[1, "labels"] = "none"
    table.loc[2, "labels"] = ""
    path = tmp_path / "to_label.csv"
    table.to_csv(path, index=False)
    skipped: dict[str, int] = {}
    items = read_labelled([path], unlabelled=skipped)
    assert [set(it.labels) for it in items] == [{"cbm"}, set(), set()]
    assert skipped == {str(path): 7}


# -- the shipped real-sentence corpus ------------------------------------------------------------

def corpus_rows(part, language="en"):
    from strategyscan.classification.realtext import part_files

    rows = []
    for path in part_files(part, language):
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == ["file", "start", "end", "sha", "labels", "kind", "draw"], path
            rows += [dict(r, source=path.name) for r in reader]
    return rows


def test_the_real_corpus_keeps_its_split_and_stores_no_text(ncss_dir):
    with (ncss_dir / "splits.csv").open(newline="", encoding="utf-8") as fh:
        split = {r["file"].strip(): r["split"].strip() for r in csv.DictReader(fh)}
    for part, expected in (("train", "train"), ("test", "heldout")):
        files = {r["file"] for r in corpus_rows(part)}
        assert files and all(split[f] == expected for f in files), part
        assert all(f.endswith("_en.txt") for f in files)
    english_train = {f for f, s in split.items() if s == "train" and f.endswith("_en.txt")}
    assert {r["file"] for r in corpus_rows("train")} == english_train   # every English train document


@pytest.mark.parametrize("language", ["fr", "es", "pt", "ru"])
def test_real_passages_in_other_languages_resolve_and_keep_the_split(ncss_dir, language):
    """Random draws of the `train` documents in the language (all of them where there are fewer)
    and a held-out set of at least 120 passages; they resolve against the texts."""
    from strategyscan.classification.realtext import load_real

    with (ncss_dir / "splits.csv").open(newline="", encoding="utf-8") as fh:
        split = {r["file"].strip(): r["split"].strip() for r in csv.DictReader(fh)}
    for part, expected in (("train", "train"), ("test", "heldout")):
        files = {r["file"] for r in corpus_rows(part, language)}
        assert files and all(split[f] == expected and f.endswith(f"_{language}.txt") for f in files), part
    train, test = load_real("train", language=language), load_real("test", language=language)
    # Kazakhstan's concept is the only Russian train text: its 102 eligible passages are all drawn
    assert len(test) >= 120 and len(train) >= (100 if language == "ru" else 400)
    assert not {it.text for it in train} & {it.text for it in test}


def test_the_real_corpus_meets_its_brief(ncss_dir):
    from strategyscan.classification.realtext import load_real

    train_items, test_items = load_real("train"), load_real("test")
    Y = label_matrix(train_items, LABELS)
    assert len(train_items) >= 6000
    assert (Y.sum(1) == 0).sum() >= 1500
    assert sum(it.draw == "random" for it in train_items) >= len(train_items) / 4
    assert all(it.draw == "random" or it.draw.startswith(("suggest-", "prior-")) for it in train_items)
    assert len(test_items) >= 1000
    assert len({it.group for it in test_items if it.draw == COMPLETE}) >= 6
    assert label_matrix(test_items, LABELS).sum(0).min() >= 80


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "ru"])
def test_every_real_passage_has_two_annotations_and_a_rule_where_they_differed(language):
    root = REAL_DIR if language == "en" else REAL_DIR / language
    for part in ("train", "test"):  # each part keeps its own record, held-out spans with the test set
        record = {}
        for path in sorted((root / part / "annotation").glob("*.csv")):
            with path.open(newline="", encoding="utf-8") as fh:
                for r in csv.DictReader(fh):
                    record[(r["file"], r["start"], r["end"])] = r
        rows = corpus_rows(part, language)
        assert rows and len(record) == len(rows), part
        for r in rows:
            ann = record[(r["file"], r["start"], r["end"])]
            assert ann["labels_final"] == r["labels"]
            if set(ann["labels_a"].split("|")) != set(ann["labels_b"].split("|")):
                assert ann["rule"].strip(), ann


def test_a_linear_svm_model_is_calibrated_and_tagged_by_the_fast_scorer(written, tmp_path):
    from strategyscan.classification import save_model
    from strategyscan.classification.persistence import load_tagger
    from strategyscan.classification.scorer import LinearScorer

    items = random.Random(4).sample(written, 900)
    trained = train(items, folds=3, learner="linear_svm")
    save_model(trained.model, trained.card, tmp_path / "svm")
    tagger, _ = load_tagger(tmp_path / "svm")
    assert isinstance(tagger, LinearScorer)
    probe = [it.text for it in written[:40]]
    proba = trained.model.predict_proba(probe)
    assert np.allclose(tagger.predict_proba(probe), proba, atol=1e-9)
    assert ((proba > 0) & (proba < 1)).all()   # Platt scaling maps SVM scores into (0, 1)


def test_selection_scores_settings_by_grouped_cv_and_refuses_slow_ones(written):
    from strategyscan.classification.features import TextNormaliser
    from strategyscan.classification.selection import score, shippable

    items = [LabelledPassage(it.text, it.labels, group=f"doc{i % 12}", draw="random")
             for i, it in enumerate(random.Random(5).sample(written, 700))]
    normalised = TextNormaliser().transform([it.text for it in items])
    scored = score(items, normalised, {"written_weight": 1.0, "C": 4.0, "min_df": 2}, folds=3)
    assert scored.macro_f1 > 0.4 and set(scored.per_label) == set(LABELS)  # well above chance on written text
    assert 0 < scored.share_error < 20
    assert shippable({"min_df": 2, "use_chars": False}) == ""
    assert "character n-grams" in shippable({"use_chars": True})
    assert "min_df=1" in shippable({"min_df": 1})


def test_no_training_passage_repeats_a_held_out_passage(ncss_dir):
    from strategyscan.classification.realtext import load_real

    held_out = {" ".join(it.text.lower().split()) for it in load_real("test")}
    assert not [it.origin for it in load_real("train") if " ".join(it.text.lower().split()) in held_out]


def test_the_python_api_suggests_as_the_cli_does(tmp_path):
    import strategyscan as ss

    table = ss.suggest(["corpora/samples"], tmp_path / "to_label.csv", options=ss.SuggestOptions(n=3))
    written = pd.read_csv(tmp_path / "to_label.csv", keep_default_na=False)
    assert len(table) == len(written) == 3 and (written["labels"] == UNLABELLED).all()
    assert list(written["passage_id"]) == list(table["passage_id"])
