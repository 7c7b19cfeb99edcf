"""The built-in sample: the whole pipeline on a fresh machine, and a comparison that separates them."""

from __future__ import annotations

import pytest

import strategyscan as ss
from strategyscan.paths import SAMPLES

STRESSED = {"Kestria": "capacity_building", "Solmara": "cbm", "Aurelia": "norms", "Drakmoor": "deterrence",
            "Veridia": "sovereignty"}


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    return ss.run([SAMPLES], tmp_path_factory.mktemp("sample"), workers=1)


def test_every_sample_is_ingested_with_its_manifest_country(sample_run):
    docs = sample_run.ingest.documents
    assert sorted(docs["country"]) == sorted(STRESSED)
    assert (docs["status"] == "ok").all()
    assert docs["year"].notna().all()


@pytest.mark.parametrize(("country", "label"), sorted(STRESSED.items()))
def test_each_sample_ranks_first_on_the_category_it_stresses(sample_run, country, label):
    table = sample_run.compare.table.set_index("country")
    assert table[f"{label}_share"].idxmax() == country, table[f"{label}_share"].to_dict()
    assert table.loc[country, f"{label}_emphasis"] > 1.2


def test_every_number_has_evidence(sample_run):
    ev = sample_run.compare.evidence
    top = ev[(ev["rank"] == 1)]
    assert len(top) == len(STRESSED) * 5
    row = top[(top["group"] == "Drakmoor") & (top["category"] == "deterrence")].iloc[0]
    assert row["labelled"] and row["file"].endswith("drakmoor_2022.pdf") and row["page"] >= 1


def test_the_sample_pdfs_are_built_from_the_sources(tmp_path):
    """make_samples.py renders what the repository ships, byte for byte (the PDFs are not hand-edited,
    and `make samples` does not rewrite them with new bytes)."""
    import importlib.util

    from strategyscan.ingestion import ingest_file
    from strategyscan.paths import CORPORA

    spec = importlib.util.spec_from_file_location("make_samples", CORPORA / "sample_sources" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    source = CORPORA / "sample_sources" / "veridia_2018.txt"
    module.render(source, tmp_path / "v.pdf", 2018)
    assert (tmp_path / "v.pdf").read_bytes() == (SAMPLES / "veridia_2018.pdf").read_bytes()
    fresh = [p.text for p in ingest_file(tmp_path / "v.pdf").passages]
    shipped = [p.text for p in ingest_file(SAMPLES / "veridia_2018.pdf").passages]
    assert fresh == shipped
    from strategyscan.ingestion.quality import word_counts

    body = "\n".join(source.read_text(encoding="utf-8").splitlines()[1:])  # the title is the running header
    truth = word_counts(body)
    assert sum((truth & word_counts(" ".join(fresh))).values()) / sum(truth.values()) > 0.98
