"""Ingest against ../shared: ground-truth PDFs, bad PDFs, real-world PDFs, 130 real strategies."""

from __future__ import annotations

import pytest

import strategyscan as ss
from strategyscan.ingestion import IngestOptions, ingest_file
from strategyscan.ingestion.quality import Score, load_truth, score

# what a good ingester does with each file of pdfs/bad (its README)
BAD = {
    "encrypted_user_password.pdf": ("error", "encrypted: password required"),
    "encrypted_owner_only.pdf": ("ok", "owner password only"),
    "image_only_scan.pdf": ("warning", "no text layer (scanned/image-only); needs OCR"),
    "empty_zero_bytes.pdf": ("error", "empty file"),
    "truncated_half.pdf": ("error", "truncated/corrupt PDF"),
    "not_a_pdf_plain_text.pdf": ("error", "not a PDF (bad magic"),
    "blank_one_page.pdf": ("warning", "no text extracted"),
    "Côte_d\u2019Ivoire_2017.pdf": ("ok", ""),
    "long_600_pages.pdf": ("ok", ""),
}


def test_rendered_set_meets_the_quality_targets(rendered_dir):
    total = Score(0, 0, 0, 0, 0)
    for pdf in sorted(rendered_dir.glob("*.pdf")):
        result = ingest_file(pdf)
        assert result.document.status == "ok", pdf.name
        total = total + score(load_truth(pdf), [p.text for p in result.passages])
    print(f"recall {total.recall:.4f} precision {total.precision:.4f} leaks {total.leak_rate:.2%} "
          f"({total.leaked_lines}/{total.boilerplate_lines})")
    assert total.truth_words > 100_000
    assert total.recall >= 0.995
    assert total.precision >= 0.99
    assert total.leak_rate <= 0.01


def test_rendered_metadata_comes_from_file_names(rendered_dir):
    for pdf in sorted(rendered_dir.glob("*.pdf")):
        truth = load_truth(pdf)
        doc = ingest_file(pdf).document
        assert (doc.iso3, doc.year) == (truth["iso3"], truth["year"]), pdf.name


def test_every_bad_file_is_reported_and_the_batch_completes(bad_dir, tmp_path):
    result = ss.ingest([bad_dir], tmp_path, workers=2, time_limit=60)
    docs = result.documents.assign(name=lambda d: d["file"].str.rsplit("/", n=1).str[-1]).set_index("name")
    for name, (status, reason) in BAD.items():
        assert docs.loc[name, "status"] == status, (name, docs.loc[name, "reason"])
        assert reason in docs.loc[name, "reason"], name
    assert docs.loc["long_600_pages.pdf", "pages"] == 600
    assert docs.loc["Côte_d\u2019Ivoire_2017.pdf", "passages"] > 0
    assert (tmp_path / "passages.csv").read_text(encoding="utf-8").count("Côte_d\u2019Ivoire_2017.pdf") > 0


def test_page_limit_on_the_long_file_is_reported(bad_dir):
    doc = ingest_file(bad_dir / "long_600_pages.pdf", IngestOptions(max_pages=50)).document
    assert doc.status == "warning" and "page limit reached: read 50 of 600 pages" in doc.reason


def test_real_world_pdfs_do_not_crash_and_junk_layers_are_flagged(real_dir, tmp_path):
    result = ss.ingest([real_dir], tmp_path, workers=2)
    docs = result.documents.assign(name=lambda d: d["file"].str.rsplit("/", n=1).str[-1]).set_index("name")
    assert len(docs) == 8
    for name in ("BEL_2012_fr.pdf", "BEL_2012_nl.pdf"):
        assert docs.loc[name, "status"] == "warning" and "garbled text layer" in docs.loc[name, "reason"]
        assert docs.loc[name, "passages"] == 0
        assert docs.loc[name, "iso3"] == "BEL"
    assert docs.loc["BRN_2010_broken.pdf", "status"] == "error"
    for name in ("paper_strategy_diffusion.pdf", "slides_presentation.pdf", "report_cyber_nlp_study.pdf"):
        assert docs.loc[name, "status"] == "ok" and docs.loc[name, "passages"] > 10


@pytest.mark.slow
def test_130_real_strategies_end_to_end(ncss_dir, tmp_path):
    result = ss.run([ncss_dir / "texts"], tmp_path, manifest=ncss_dir / "manifest.csv")
    docs = result.ingest.documents
    assert len(docs) == 130 and (docs["status"] == "ok").all()
    assert docs["iso3"].nunique() == 87
    foreign = docs[docs["language"] != "en"]
    assert len(foreign) >= 20  # kept and marked, not dropped
    table = result.compare.table
    assert len(table) == 87
    assert (table["excluded_non_english"] > 0).sum() >= 15
    assert (tmp_path / "report.html").stat().st_size > 100_000
