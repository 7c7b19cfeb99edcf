"""OCR of scanned pages and junk text layers: accuracy, language, provenance, and life without it."""

from __future__ import annotations

import pytest

import strategyscan as ss
from strategyscan.ingestion import IngestOptions, ingest_file, ocr


def test_a_scan_is_read_by_ocr_with_word_accuracy_of_at_least_097(bad_dir, ocr_engine):
    result = ingest_file(bad_dir / "image_only_scan.pdf")
    doc = result.document
    assert doc.status == "ok" and doc.ocr_pages == 2 and doc.ocr_language == "en"
    assert doc.ocr_engine.startswith(ocr_engine.name) and doc.ocr_confidence > 80
    assert (doc.iso3, doc.year) == ("KEN", 2014)  # from the OCR'd title page
    assert result.passages and all(p.ocr and p.ocr_confidence > 0 for p in result.passages)
    expected = (bad_dir / "image_only_scan.expected.txt").read_text(encoding="utf-8")
    assert ocr.word_accuracy(expected, " ".join(p.text for p in result.passages)) >= 0.97


@pytest.mark.parametrize("name, lang, words", [("BEL_2012_fr.pdf", "fr", {"sécurité", "les", "des"}),
                                              ("BEL_2012_nl.pdf", "nl", {"beveiliging", "het", "van"})])
def test_junk_font_layers_are_read_in_their_language(real_dir, ocr_engine, name, lang, words):
    """Belgium's 2012 strategy decodes to junk; OCR names its language from a first English pass."""
    result = ingest_file(real_dir / name, IngestOptions(max_pages=4))
    doc = result.document
    assert doc.ocr_language == lang and doc.language == lang and doc.ocr_pages == 4
    assert doc.status == "warning" and "page limit" in doc.reason and not result.complete
    text = " ".join(p.text for p in result.passages).lower()
    assert words <= set(text.split())
    assert sum(p.kind == "body" for p in result.passages) >= 10


def test_without_ocr_a_scan_is_reported_with_how_to_read_it(bad_dir, monkeypatch):
    off = ingest_file(bad_dir / "image_only_scan.pdf", IngestOptions(ocr=False)).document
    assert off.status == "warning" and "no text layer (scanned/image-only); needs OCR" in off.reason
    assert "OCR off" in off.reason
    monkeypatch.setattr(ocr, "engine", lambda: None)
    missing = ingest_file(bad_dir / "image_only_scan.pdf")
    assert missing.document.status == "warning" and "pip install 'strategyscan[ocr]'" in missing.document.reason
    assert not missing.complete  # so it is read once OCR is installed, not served from the cache


def test_junk_pages_without_ocr_give_no_junk_passages(real_dir):
    result = ingest_file(real_dir / "BEL_2012_fr.pdf", IngestOptions(ocr=False))
    assert result.document.status == "warning" and "garbled text layer" in result.document.reason
    assert result.passages == []


def test_a_missing_language_pack_falls_back_to_english_with_a_warning(ocr_engine):
    notes: list[str] = []
    assert ocr._choose_pack(ocr_engine, "xx", notes) == "eng"
    assert "no OCR language data for 'xx'" in notes[0]


def test_ocr_runs_in_the_worker_pool_and_its_fields_reach_the_tables(bad_dir, ocr_engine, tmp_path):
    out = ss.ingest([bad_dir / "image_only_scan.pdf", bad_dir / "Côte_d\u2019Ivoire_2017.pdf"], tmp_path, workers=2)
    docs = out.documents.set_index(out.documents["file"].str.rsplit("/", n=1).str[-1])
    assert docs.loc["image_only_scan.pdf", "ocr_pages"] == 2
    assert docs.loc["Côte_d\u2019Ivoire_2017.pdf", "ocr_pages"] == 0
    passages = out.passages
    assert passages["ocr"].dtype == bool
    assert passages.groupby("doc_id")["ocr"].all().sum() == 1


def test_an_ocr_failure_is_a_note_not_a_crash(bad_dir, ocr_engine, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer gave up")

    monkeypatch.setattr(ocr, "ocr_document", broken)
    result = ingest_file(bad_dir / "image_only_scan.pdf")
    doc = result.document
    assert doc.status == "warning" and "OCR failed (RuntimeError): 2 page(s) not read" in doc.reason
    assert not result.complete and result.passages == []


def test_the_tesseract_binary_reads_as_the_bundled_library_does(bad_dir, ocr_engine):
    """pytesseract, the fallback where the tesserocr wheel cannot be had, gives the same page."""
    import shutil

    import pypdfium2 as pdfium
    from conftest import missing

    try:
        fallback = ocr.PytesseractEngine()
    except Exception as exc:  # pytesseract not installed, or no tesseract binary
        missing(f"pytesseract or the tesseract binary is absent ({exc}); shutil finds {shutil.which('tesseract')}",
                "STRATEGYSCAN_REQUIRE_OCR")
    pdf = pdfium.PdfDocument(str(bad_dir / "image_only_scan.pdf"))
    page = pdf[0]
    width, height = page.get_size()
    image = ocr.render(page)
    ours, theirs = (ocr.read_page(e, image, 1, width, height, "eng").page for e in (ocr_engine, fallback))
    assert all(0 <= ln.x0 < ln.x1 <= width for ln in theirs.lines)
    assert ocr.word_accuracy(" ".join(ln.text for ln in ours.lines), " ".join(ln.text for ln in theirs.lines)) >= 0.97
