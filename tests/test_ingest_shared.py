"""Ingest against ../shared: ground-truth PDFs, bad PDFs, real-world PDFs, 130 real strategies."""

from __future__ import annotations

import pytest

import strategyscan as ss
from strategyscan.ingestion import IngestOptions, ingest_file
from strategyscan.ingestion.quality import Score, body_texts, load_truth, score

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
        total = total + score(load_truth(pdf), body_texts(result.passages))
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


@pytest.mark.parametrize("with_ocr", [True, False])
def test_every_bad_file_is_reported_and_the_batch_completes(bad_dir, tmp_path, with_ocr, request):
    expected = dict(BAD)
    if with_ocr:
        request.getfixturevalue("ocr_engine")
        expected["image_only_scan.pdf"] = ("ok", "")  # read by OCR
    result = ss.ingest([bad_dir], tmp_path, workers=2, time_limit=60, ocr=with_ocr)
    docs = result.documents.assign(name=lambda d: d["file"].str.rsplit("/", n=1).str[-1]).set_index("name")
    for name, (status, reason) in expected.items():
        assert docs.loc[name, "status"] == status, (name, docs.loc[name, "reason"])
        assert reason in docs.loc[name, "reason"], name
    assert docs.loc["long_600_pages.pdf", "pages"] == 600
    assert docs.loc["Côte_d\u2019Ivoire_2017.pdf", "passages"] > 0
    assert (tmp_path / "passages.csv").read_text(encoding="utf-8").count("Côte_d\u2019Ivoire_2017.pdf") > 0


def test_page_limit_on_the_long_file_is_reported(bad_dir):
    doc = ingest_file(bad_dir / "long_600_pages.pdf", IngestOptions(max_pages=50)).document
    assert doc.status == "warning" and "page limit reached: read 50 of 600 pages" in doc.reason


def test_real_world_pdfs_do_not_crash_and_junk_layers_are_flagged(real_dir, tmp_path):
    """Without OCR; with it, tests/test_ocr.py reads the Belgian files."""
    result = ss.ingest([real_dir], tmp_path, workers=2, ocr=False)
    docs = result.documents.assign(name=lambda d: d["file"].str.rsplit("/", n=1).str[-1]).set_index("name")
    assert len(docs) == 8
    for name in ("BEL_2012_fr.pdf", "BEL_2012_nl.pdf"):
        assert docs.loc[name, "status"] == "warning" and "garbled text layer" in docs.loc[name, "reason"]
        assert docs.loc[name, "passages"] == 0
        assert docs.loc[name, "iso3"] == "BEL"
    assert docs.loc["BRN_2010_broken.pdf", "status"] == "error"
    for name in ("paper_strategy_diffusion.pdf", "report_cyber_nlp_study.pdf"):
        assert docs.loc[name, "status"] == "ok" and docs.loc[name, "passages"] > 10
    # two slides inside the deck are pictures of text (the last, "Thank you", too, but it is an end page):
    # read by OCR where it is on, reported where it is off
    slides = docs.loc["slides_presentation.pdf"]
    assert slides["status"] == "warning" and slides["passages"] > 10
    assert "2 page(s) without a usable text layer not read (OCR off)" in docs.loc["slides_presentation.pdf", "reason"]


@pytest.mark.slow
def test_130_real_strategies_end_to_end(ncss_dir, tmp_path):
    result = ss.run([ncss_dir / "texts"], tmp_path, manifest=ncss_dir / "manifest.csv")
    docs = result.ingest.documents
    assert len(docs) == 130 and (docs["status"] == "ok").all()
    assert docs["iso3"].nunique() == 87
    foreign = docs[docs["language"] != "en"]
    assert len(foreign) >= 20  # kept and marked, not dropped
    table = result.compare.table.set_index("iso3")
    assert len(table) == 87
    # every country with a strategy in a covered language has shares; the rest are listed
    uncovered = {"AZE", "BIH", "GRC", "ROU"}  # Azerbaijani, Bosnian, Greek, Romanian texts only
    assert set(table.index[table["passages"] == 0]) == uncovered
    assert (table.loc[sorted(uncovered), "excluded_language"] > 0).all()
    for iso3, language in (("BRA", "pt"), ("MRT", "fr"), ("PAN", "es"), ("KAZ", "ru"), ("UZB", "ru")):
        assert table.loc[iso3, "languages"] == language
    assert (tmp_path / "report.html").stat().st_size > 100_000


def test_real_government_pdfs_lose_no_text_and_splice_no_furniture(wild_dir, pdftotext):
    """The 16 published PDFs of pdfs/wild against pdftotext's text of the same pages (bench/wild.py
    prints the figures): running headers, footers and margin text stay out of passages, contents
    lines and private-use glyphs too, and the body words are all there."""
    from strategyscan.ingestion.quality import layout_score, pdftotext_pages

    leaked = 0
    for pdf in sorted(wild_dir.glob("*.pdf")):
        pages = pdftotext_pages(pdf, pdftotext)
        result = ingest_file(pdf)
        assert result.document.status == "ok", pdf.name
        assert result.document.year, pdf.name  # from the file name, title page or front matter
        s = layout_score(pages, [p.text for p in result.passages])
        assert s.recall >= 0.95, (pdf.name, s)
        assert s.junk_passages == 0, pdf.name
        leaked += s.leaked
    assert leaked < 50  # of about 2,250 furniture lines (about 2,200 leaked before this cleaning)
