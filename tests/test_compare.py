"""Aggregation on hand-built tag tables whose right answers are known."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from strategyscan import pipeline
from strategyscan.classification.taxonomy import load_taxonomy
from strategyscan.comparison import CompareError, CompareOptions, long_form
from strategyscan.comparison.aggregate import wilson

LABELS = load_taxonomy().labels


def tags(rows: list[tuple]) -> pd.DataFrame:
    """rows: (country, iso3, year, doc_id, kind, language, words, labels, p_norms); p_norms None
    is a passage no model scored (its language is not covered)."""
    records = []
    for i, (country, iso3, year, doc, kind, lang, words, labels, p) in enumerate(rows):
        rec = {"passage_id": f"{doc}-{i}", "doc_id": doc, "file": f"{doc}.pdf", "page": 1 + i % 3,
               "country": country, "iso3": iso3, "year": year, "kind": kind, "language": lang,
               "words": words, "text": f"passage {i} of {doc}", "labels": labels,
               "model_id": "" if p is None else f"ss-test-{lang}"}
        for lab in LABELS:
            score = p if lab == "norms" else (0.9 if lab in labels.split("|") else 0.1)
            rec[f"p_{lab}"] = np.nan if p is None else score
        records.append(rec)
    return pd.DataFrame(records)


@pytest.fixture
def frame():
    rows = []
    # Aurelia: 2 documents, 10 body passages, 6 about norms; plus a heading and a Tamil passage no
    # model scored
    for i in range(10):
        rows.append(("Aurelia", "", 2020 if i < 5 else 2022, "aur20" if i < 5 else "aur22", "body", "en", 20,
                     "norms" if i < 6 else "capacity_building", 0.5 + i / 100))
    rows.append(("Aurelia", "", 2020, "aur20", "heading", "en", 3, "norms", 0.99))
    rows.append(("Aurelia", "", 2020, "aur20", "body", "ta", 20, "", None))
    # Kestria: 10 passages, 1 about norms
    for i in range(10):
        rows.append(("Kestria", "KST", 2019, "kes", "body", "en", 10, "norms" if i == 0 else "", 0.2))
    return tags(rows)


def test_shares_counts_rates_and_emphasis(frame):
    table = pipeline.compare(frame, report=False).table.set_index("country")
    a, k = table.loc["Aurelia"], table.loc["Kestria"]
    assert (a["documents"], a["passages"], a["words"]) == (2, 10, 200)
    assert (a["excluded_headings"], a["excluded_language"]) == (1, 1)
    assert a["languages"] == "en"
    assert a["norms_passages"] == 6 and a["norms_share"] == pytest.approx(0.6)
    assert k["norms_share"] == pytest.approx(0.1)
    assert a["norms_per_10k_words"] == pytest.approx(6 / 200 * 10_000)
    corpus = 7 / 20
    assert a["norms_emphasis"] == pytest.approx(0.6 / corpus, abs=1e-3)
    assert k["norms_emphasis"] == pytest.approx(0.1 / corpus, abs=1e-3)
    assert a["norms_share_lo"] < 0.6 < a["norms_share_hi"]
    assert set(table["model_id"]) == {"ss-test-en"}


def test_wilson_interval_matches_the_textbook_case():
    lo, hi = wilson(np.array([6]), np.array([10]))
    assert (round(float(lo[0]), 4), round(float(hi[0]), 4)) == (0.3127, 0.8318)
    lo, hi = wilson(np.array([0]), np.array([25]))
    assert lo[0] == pytest.approx(0, abs=1e-12) and 0.1 < hi[0] < 0.15


def test_headings_can_be_counted_on_request_and_unscored_passages_never(frame):
    table = pipeline.compare(frame, include_headings=True, report=False).table
    assert table.set_index("country").loc["Aurelia", "passages"] == 11


def test_every_language_a_model_scored_counts_unless_languages_restrict_it(frame):
    french = tags([("Aurelia", "", 2020, "aur20", "body", "fr", 20, "norms", 0.98)] * 2)
    both = pd.concat([frame, french], ignore_index=True)
    a = pipeline.compare(both, report=False).table.set_index("country").loc["Aurelia"]
    assert (a["passages"], a["norms_passages"], a["languages"]) == (12, 8, "en,fr")
    assert set(a["model_id"].split(",")) == {"ss-test-en", "ss-test-fr"}
    english = pipeline.compare(both, languages=("en",), report=False).table.set_index("country").loc["Aurelia"]
    assert (english["passages"], english["excluded_language"], english["languages"]) == (10, 3, "en")
    only_french = pipeline.compare(both, languages=("fr",), report=False).table.set_index("country")
    assert only_french.loc["Aurelia", "passages"] == 2 and only_french.loc["Kestria", "passages"] == 0
    with pytest.raises(CompareError, match="ISO 639-1"):
        CompareOptions(languages=("French",))


def test_grouping_by_country_year_document_and_latest(frame):
    by_year = pipeline.compare(frame, by="country-year", report=False).table
    assert sorted(zip(by_year["country"], by_year["year"])) == [
        ("Aurelia", 2020), ("Aurelia", 2022), ("Kestria", 2019)]
    by_doc = pipeline.compare(frame, by="document", report=False).table
    assert sorted(by_doc["doc_id"]) == ["aur20", "aur22", "kes"]
    latest = pipeline.compare(frame, latest=True, report=False).table.set_index("country")
    assert latest.loc["Aurelia", "passages"] == 5  # only the 2022 document
    with pytest.raises(CompareError, match="--by must be one of"):
        CompareOptions(by="continent")


def test_unknown_country_is_its_own_group_not_a_guess(frame):
    frame.loc[frame["country"] == "Kestria", ["country", "iso3"]] = ""
    assert "(unknown country)" in set(pipeline.compare(frame, report=False).table["country"])


def test_long_form_holds_every_number_of_the_wide_table(frame):
    table = pipeline.compare(frame, report=False).table
    long = long_form(table, LABELS, "country")
    metrics = ["passages", "share", "share_lo", "share_hi", "per_10k_words", "emphasis", "share_adj",
               "share_adj_lo", "share_adj_hi", "emphasis_adj", "rank", "rank_lo", "rank_hi"]
    assert len(long) == len(table) * len(LABELS) * len(metrics) and set(long["metric"]) == set(metrics)
    row = long[(long["group"] == "Aurelia") & (long["category"] == "norms") & (long["metric"] == "share")]
    assert row["value"].item() == pytest.approx(0.6)
    for (group, lab, metric), value in long.set_index(["group", "category", "metric"])["value"].items():
        wide = table.set_index("country").loc[group, f"{lab}_{metric}"]
        assert (pd.isna(value) and pd.isna(wide)) or value == wide


def test_evidence_is_the_top_passages_by_probability(frame):
    ev = pipeline.compare(frame, evidence=3, report=False).evidence
    top = ev[(ev["group"] == "Aurelia") & (ev["category"] == "norms")]
    assert top["rank"].tolist() == [1, 2, 3]
    # the heading (0.99) and the French passage (0.98) are excluded
    assert top["probability"].tolist() == pytest.approx([0.59, 0.58, 0.57])
    assert set(top.columns) >= {"file", "page", "passage_id", "text", "labelled"}


def test_evidence_keeps_ties_in_table_order_and_names_groups_without_a_year():
    rows = [("Aurelia", "", None, "aur", "body", "en", 20, "norms", 0.7) for _ in range(4)]
    rows += [("Aurelia", "", 2020, "aur20", "body", "en", 20, "norms", 0.6 + i / 100) for i in range(3)]
    rows += [("Kestria", "KST", None, "kes", "body", "en", 10, "", 0.3)]
    frame = tags(rows).astype({"year": "float64"})  # a missing year as NaN, not NA, as a CSV gives it
    ev = pipeline.compare(frame, by="country-year", evidence=2, report=False).evidence
    norms = ev[ev["category"] == "norms"]
    assert norms.groupby("group")["passage_id"].apply(list).to_dict() == {
        "Aurelia (year unknown)": ["aur-0", "aur-1"],  # four tied at 0.7: the first two in the table
        "Aurelia 2020": ["aur20-6", "aur20-5"], "Kestria (year unknown)": ["kes-7"]}


def test_compare_writes_tables_and_a_self_contained_report_with_its_data(frame, tmp_path):
    import json

    out = pipeline.compare(frame, tmp_path)
    for name in ("country_comparison.csv", "comparison_long.csv", "evidence.csv", "changes.csv", "report.html"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert not list(tmp_path.glob("*.png"))  # charts are drawn in the browser; PNG only on request
    page = out.report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']https?:""", page)  # nothing fetched from the network
    data = json.loads(re.search(r"<script type='application/json' id='data'>(.*?)</script>", page, re.S)
                      .group(1).replace("<\\/", "</"))
    groups = {g["group"]: g for g in data["groups"]}
    assert set(groups) == {"Aurelia", "Kestria"} and groups["Aurelia"]["passages"] == 10
    assert groups["Aurelia"]["cells"]["norms"]["share"] == pytest.approx(0.6)
    assert {e["group"] for e in data["evidence"]} == {"Aurelia", "Kestria"}
    assert "href='country_comparison.csv'" in page and "href='evidence.csv'" in page
    assert data["min_passages"] == 30
    assert len({d["doc_id"] for d in data["documents"] if d["group"] == "Aurelia"}) == 2


def test_a_new_grouping_is_one_entry_in_the_registry(frame, tmp_path, monkeypatch):
    from strategyscan.comparison import options

    monkeypatch.setitem(options.GROUPINGS, "year", options.Grouping(("year",), lambda r: f"in {r['year']}"))
    out = pipeline.compare(frame, tmp_path, by="year", png=True, min_passages=1)
    table = out.table.set_index("year")
    assert sorted(table.index) == [2019, 2020, 2022] and table.loc[2022, "passages"] == 5
    assert set(out.long["group"]) == {"in 2019", "in 2020", "in 2022"}
    assert (tmp_path / "year_comparison.csv").is_file() and (tmp_path / "heatmap.png").is_file()
    assert "in 2022" in out.report.read_text(encoding="utf-8")


@pytest.mark.parametrize("by, name", [("country-year", "country_year_comparison.csv"),
                                      ("document", "document_comparison.csv")])
def test_the_comparison_table_is_named_for_its_rows(frame, tmp_path, by, name):
    out = pipeline.compare(frame, tmp_path, by=by)
    assert not (tmp_path / "country_comparison.csv").exists()
    written = pd.read_csv(tmp_path / name)
    assert len(written) == len(out.table) and list(written.columns) == list(out.table.columns)
    assert f"href='{name}'" in out.report.read_text(encoding="utf-8")


def test_png_charts_on_request(frame, tmp_path):
    pipeline.compare(frame, tmp_path, png=True, min_passages=5)
    for name in ("heatmap.png", "ranking_norms.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG", name


def test_a_table_that_is_not_tags_is_refused(tmp_path):
    with pytest.raises(CompareError, match="no p_<label> columns"):
        pipeline.compare(pd.DataFrame({"text": ["x"], "labels": [""]}), tmp_path)


def test_counts_taken_while_tagging_are_those_compare_takes_from_the_table(frame, tmp_path, monkeypatch):
    from strategyscan.comparison import aggregate as aggregate_module
    from strategyscan.comparison.stage import compare, counting
    from strategyscan.tables import iter_batches

    path = tmp_path / "tags.parquet"
    frame.to_parquet(path, index=False)
    options = {"by": "country-year", "evidence": 2}
    read = compare(path, report=False, **options)
    counted = counting(**options)
    for batch in iter_batches(path, rows=11):  # as the tag stage hands on the batches it read and tagged
        counted.add(batch)

    def unread(*args, **kwargs):
        raise AssertionError("the table was read again")

    monkeypatch.setattr(aggregate_module, "aggregate", unread)
    fed = compare(path, report=False, counted=counted, **options)
    pd.testing.assert_frame_equal(fed.table, read.table)
    pd.testing.assert_frame_equal(fed.evidence, read.evidence)
    with pytest.raises(AssertionError, match="read again"):  # other options: the counts do not fit
        compare(path, report=False, counted=counted, by="country", evidence=2)
    assert counting(latest=True) is None  # the latest documents are known only at the end


def test_counts_that_failed_are_set_aside_and_the_table_read(frame, tmp_path):
    from strategyscan.comparison.stage import compare, counting

    path = tmp_path / "tags.parquet"
    frame.to_parquet(path, index=False)
    counted = counting()
    counted.add(frame.drop(columns=["labels"]))  # a batch compare cannot count
    assert not counted.ok
    pd.testing.assert_frame_equal(compare(path, report=False, counted=counted).table,
                                  compare(path, report=False).table)


def test_run_compares_from_the_counts_it_took_while_tagging(tmp_path, monkeypatch):
    from strategyscan.comparison import aggregate as aggregate_module
    from strategyscan.paths import SAMPLES

    def unread(*args, **kwargs):
        raise AssertionError("the tags table was read again for the counts")

    monkeypatch.setattr(aggregate_module, "aggregate", unread)
    out = pipeline.run([SAMPLES], tmp_path / "o", workers=1)
    assert len(out.compare.table) == 5 and (tmp_path / "o" / "report.html").is_file()
    with pytest.raises(AssertionError, match="read again"):  # --latest reads the table first
        pipeline.run([SAMPLES], tmp_path / "o2", workers=1, latest=True)
