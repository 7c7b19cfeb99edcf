"""Adjusted shares: the estimators, intervals that respect documents and model error, ranks,
change over time, and validity on completely labelled held-out documents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from strategyscan import pipeline
from strategyscan.classification.labelled import LabelledPassage
from strategyscan.classification.share_errors import (
    MIN_DOCUMENTS,
    DocumentShares,
    LabelRates,
    ShareErrors,
    estimate,
    share_errors,
)
from strategyscan.classification.taxonomy import load_taxonomy
from strategyscan.comparison import CompareOptions, compare_table

LABELS = load_taxonomy().labels


def record(estimator="acc", tpr=0.8, fpr=0.1, docs=()) -> ShareErrors:
    n_pos, n_neg = 1000, 1000
    rates = {lab: LabelRates(int(tpr * n_pos), n_pos - int(tpr * n_pos), int(fpr * n_neg), n_neg - int(fpr * n_neg),
                             0.7, 0.2, 0.1, 0.1) for lab in LABELS}
    return ShareErrors(LABELS, estimator, {}, rates, list(docs))


def passages(doc, country, year, n, share, model="m1", language="en"):
    """`n` passages of a document of which a fraction `share` is labelled norms (p 0.9, others 0.1)."""
    k = int(round(share * n))
    rows = []
    for i in range(n):
        yes = i < k
        rows.append({"passage_id": f"{doc}-{i}", "doc_id": doc, "file": f"{doc}.pdf", "country": country,
                     "iso3": country[:3].upper(), "year": year, "kind": "body", "language": language, "words": 20,
                     "text": f"passage {i}", "labels": "norms" if yes else "", "model_id": model,
                     **{f"p_{lab}": (0.9 if yes and lab == "norms" else 0.1) for lab in LABELS}})
    return rows


def test_estimators_correct_for_error_rates_and_clip():
    rates = {"tpr": np.array([0.8]), "fpr": np.array([0.1]), "ptpr": np.array([0.7]), "pfpr": np.array([0.1])}
    cc, pcc = np.array([[0.1 + 0.7 * 0.5]]), np.array([[0.1 + 0.6 * 0.25]])
    assert estimate("acc", cc, pcc, rates)[0, 0] == pytest.approx(0.5)
    assert estimate("pacc", cc, pcc, rates)[0, 0] == pytest.approx(0.25)
    assert estimate("cc", cc, pcc, rates)[0, 0] == pytest.approx(cc[0, 0])
    assert estimate("acc", np.array([[0.02]]), pcc, rates)[0, 0] == 0.0  # below the false-positive floor
    with pytest.raises(ValueError, match="unknown share estimator 'em'"):
        estimate("em", cc, pcc, rates)


def test_the_adjusted_share_undoes_a_known_false_positive_floor():
    # truly 50 % norms; the model finds 80 % of them and labels 10 % of the rest: 45 % labelled
    frame = pd.DataFrame(passages("a", "Aurelia", 2020, 200, 0.45))
    table = compare_table(frame, CompareOptions(), {"m1": record()}).set_index("country")
    assert table.loc["Aurelia", "norms_share"] == pytest.approx(0.45)
    assert table.loc["Aurelia", "norms_share_adj"] == pytest.approx(0.5, abs=1e-3)
    assert table.loc["Aurelia", "norms_share_adj_lo"] < 0.5 < table.loc["Aurelia", "norms_share_adj_hi"]


def test_documents_not_passages_are_the_unit_of_uncertainty():
    # two documents at 10 % and 60 %: the cluster bootstrap's interval is far wider than Wilson's
    rows = passages("a", "Aurelia", 2018, 300, 0.10) + passages("b", "Aurelia", 2020, 300, 0.60)
    table = compare_table(pd.DataFrame(rows), CompareOptions(), {"m1": record("cc")}).set_index("country")
    a = table.loc["Aurelia"]
    assert a["norms_share_adj"] == pytest.approx(0.35)
    assert (a["norms_share_adj_hi"] - a["norms_share_adj_lo"]) > 3 * (a["norms_share_hi"] - a["norms_share_lo"])


def test_outputs_are_seeded_and_a_model_without_an_error_record_gives_raw_shares_and_says_so():
    rows = passages("a", "Aurelia", 2020, 80, 0.3) + passages("k", "Kestria", 2020, 80, 0.1, model="old")
    frame = pd.DataFrame(rows)
    first = compare_table(frame, CompareOptions(), {"m1": record()})
    assert first.equals(compare_table(frame, CompareOptions(), {"m1": record()}))
    k = first.set_index("country").loc["Kestria"]
    assert np.isnan(k["norms_share_adj"]) and k["norms_share"] == pytest.approx(0.1)
    assert "without an error record: old" in k["adj_note"]
    raw_only = compare_table(frame).set_index("country")
    assert raw_only["norms_share_adj"].isna().all() and raw_only["norms_share"].notna().all()


def test_a_documents_interval_does_not_depend_on_the_other_documents_of_the_table():
    # Aurelia's one document draws its replicates from a stream of its own: adding other
    # countries' documents (sorted before and after it) leaves its interval as it was
    alone = pd.DataFrame(passages("a", "Aurelia", 2020, 80, 0.3))
    crowded = pd.DataFrame(passages("0", "Albion", 2020, 60, 0.2) + passages("a", "Aurelia", 2020, 80, 0.3)
                           + passages("z", "Zembla", 2021, 90, 0.5))
    cols = [f"{lab}_share_adj{end}" for lab in LABELS for end in ("", "_lo", "_hi")]
    a = compare_table(alone, CompareOptions(), {"m1": record()}).set_index("country").loc["Aurelia", cols]
    b = compare_table(crowded, CompareOptions(), {"m1": record()}).set_index("country").loc["Aurelia", cols]
    pd.testing.assert_series_equal(a, b)
    assert a["norms_share_adj_lo"] < a["norms_share_adj"] < a["norms_share_adj_hi"]


def test_ranks_come_from_adjusted_shares_with_their_range_and_the_odds_of_the_order():
    rows = (passages("a", "Aurelia", 2020, 300, 0.5) + passages("b", "Borduria", 2020, 300, 0.2)
            + passages("c", "Corduba", 2020, 300, 0.21))
    table = compare_table(pd.DataFrame(rows), CompareOptions(), {"m1": record("cc")}).set_index("country")
    assert table.loc["Aurelia", "norms_rank"] == 1 and table.loc["Aurelia", "norms_rank_hi"] <= 2
    assert table.loc["Aurelia", "norms_p_above_next"] > 0.9      # clearly above the next
    assert 0.2 < table.loc["Corduba", "norms_p_above_next"] < 0.8  # 21 % vs 20 %: order not meaningful
    assert table.loc["Borduria", "norms_rank_lo"] == 2 and np.isnan(table.loc["Borduria", "norms_p_above_next"])
    assert table.loc["Aurelia", "norms_emphasis_adj"] > 1 > table.loc["Borduria", "norms_emphasis_adj"]


def test_ranks_and_their_ranges_are_whole_numbers_and_empty_where_unranked():
    rows = [*(passages(c, name, 2020, 40 + 7 * i, 0.1 + 0.05 * i)
              for i, (c, name) in enumerate([("a", "Aurelia"), ("b", "Borduria"), ("c", "Corduba"), ("d", "Dorne"),
                                             ("e", "Elbonia"), ("f", "Freedonia"), ("g", "Genovia")]))]
    unranked = [{**p, "kind": "heading"} for p in passages("h", "Hyrule", 2020, 5, 0.4)]  # nothing counted
    table = compare_table(pd.DataFrame([p for part in rows for p in part] + unranked), CompareOptions(),
                          {"m1": record("cc")}).set_index("country")
    for lab in LABELS:
        rank, lo, hi = (table[f"{lab}_{c}"] for c in ("rank", "rank_lo", "rank_hi"))
        assert str(rank.dtype) == str(lo.dtype) == str(hi.dtype) == "Int64"
        assert rank.drop("Hyrule").notna().all() and rank[["Hyrule"]].isna().all()
        ranked = rank.dropna().index
        assert (lo[ranked] <= hi[ranked]).all() and (lo[ranked] >= 1).all() and (hi[ranked] <= len(ranked)).all()
    ranks = table[[f"{lab}_{c}" for lab in LABELS for c in ("rank", "rank_lo", "rank_hi")]]
    assert "." not in ranks.to_csv(index=False)  # printed 41, never 41.0 or 3.975


def test_change_between_consecutive_strategies_with_an_interval(tmp_path):
    rows = (passages("a1", "Aurelia", 2015, 200, 0.1) + passages("a2", "Aurelia", 2020, 200, 0.4)
            + passages("k", "Kestria", 2019, 200, 0.3))
    frame = pd.DataFrame(rows)
    path = tmp_path / "tags.csv"
    frame.to_csv(path, index=False)
    out = pipeline.compare(path, tmp_path / "out")
    # the shipped model set has no model "m1": raw shares only, and the change table is empty
    assert out.changes.empty and out.table["norms_share_adj"].isna().all()
    from strategyscan.comparison.aggregate import CompareOptions as Options
    from strategyscan.comparison.aggregate import aggregate

    agg = aggregate([frame], LABELS, Options(), None, {"m1": record("cc")})
    agg.table()
    norms = agg.changes.set_index("category").loc["norms"]
    assert (norms["country"], norms["from_year"], norms["to_year"]) == ("Aurelia", 2015, 2020)
    assert norms["change"] == pytest.approx(0.3) and norms["change_lo"] > 0 and norms["p_increase"] > 0.95
    assert set(agg.changes["country"]) == {"Aurelia"}  # one strategy is no change
    assert (tmp_path / "out" / "changes.csv").is_file()
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<h2 id='method'>Method</h2>" in report and "Adjusted share" in report


def test_the_error_record_chooses_an_estimator_only_among_enough_documents():
    rng = np.random.default_rng(0)
    labels = ["norms"]

    def items(n_docs):
        out, Y, proba = [], [], []
        for d in range(n_docs):
            share = rng.uniform(0.1, 0.6)
            for i in range(40):
                y = int(i < 40 * share)
                out.append(LabelledPassage(f"t{d}-{i}", frozenset(), group=f"doc{d}", draw="random"))
                Y.append([y])
                proba.append([0.75 if y else (0.6 if i % 4 == 0 else 0.05)])  # a 25 % false-positive floor
        return out, np.array(Y), np.array(proba)

    few, Y, proba = items(MIN_DOCUMENTS - 1)
    rec = share_errors(few, proba, Y, np.array([0.5]), np.ones(len(few), bool), labels, "test")
    assert rec.estimator == "cc" and rec.mae_points["acc"] < rec.mae_points["cc"]
    many, Y, proba = items(MIN_DOCUMENTS + 5)
    rec = share_errors(many, proba, Y, np.array([0.5]), np.ones(len(many), bool), labels, "test")
    assert rec.estimator in ("acc", "pacc") and rec.mae_points[rec.estimator] < rec.mae_points["cc"] / 3
    assert rec.rates["norms"].fpr == pytest.approx(0.25, abs=0.05)
    assert ShareErrors.from_dict(rec.to_dict()) == rec
    assert len(rec.documents) == MIN_DOCUMENTS + 5 and isinstance(rec.documents[0], DocumentShares)


def test_every_shipped_model_carries_its_error_record():
    from strategyscan.classification.persistence import load_model_set

    for language, card in load_model_set().cards.items():
        rec = ShareErrors.from_dict(card["share_errors"])
        assert rec.labels == LABELS and rec.estimator in rec.mae_points
        if language == "en":
            assert len(rec.documents) >= 60


@pytest.mark.shared
def test_adjusted_intervals_hold_the_true_share_of_held_out_documents(ncss_dir):
    from strategyscan.classification.realtext import load_real
    from strategyscan.comparison.validity import share_validity
    from strategyscan.paths import DEFAULT_MODEL

    complete = [it for it in load_real("test", ncss_dir / "texts") if it.draw == "complete"]
    v = share_validity(complete, DEFAULT_MODEL, pipeline.model_records().errors, LABELS)
    assert len(v.cells) == 35
    assert v.coverage("adjusted") >= 0.9 > v.coverage("raw")
    assert v.mae_points("adjusted") <= v.mae_points("raw")


def test_no_passage_of_a_category_is_not_certainty_that_it_holds_none():
    # one document of 90 passages, and a country of two documents, none about norms: the raw
    # share is 0, but 95 % intervals of [0, 0] would claim certainty the counts do not give
    rows = (passages("a", "Aurelia", 2020, 90, 0.0) + passages("b1", "Borduria", 2018, 60, 0.0)
            + passages("b2", "Borduria", 2021, 60, 0.0) + passages("c", "Corduba", 2020, 400, 0.3))
    table = compare_table(pd.DataFrame(rows), CompareOptions(), {"m1": record("cc")}).set_index("country")
    for country, n in (("Aurelia", 90), ("Borduria", 120)):
        lo, share, hi = table.loc[country, ["norms_share_adj_lo", "norms_share_adj", "norms_share_adj_hi"]]
        assert lo == share == 0
        assert 0.5 / n < hi < 5 / n  # about what the counts allow (Jeffreys: 2.8 / n), never 0
    lo, hi = table.loc["Corduba", ["norms_share_adj_lo", "norms_share_adj_hi"]]
    assert 0.25 < lo < 0.3 < hi < 0.35  # many passages: the binomial's width, about +-0.045
