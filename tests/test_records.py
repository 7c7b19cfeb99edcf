"""The tables contract: columns, order and types come from the records; tagging's columns and
label cell from TagSchema, the one place that spells them."""

from __future__ import annotations

import pyarrow as pa

from strategyscan import pipeline
from strategyscan.records import Document, Passage, TagSchema, arrow_schema, columns, pandas_types


def test_the_label_cell_round_trips_and_none_is_empty():
    schema = TagSchema(("cbm", "norms", "sovereignty"))
    assert schema.encode([True, False, True]) == "cbm|sovereignty"
    assert schema.encode([False, False, False]) == ""
    assert TagSchema.decode("cbm|sovereignty") == ["cbm", "sovereignty"] and TagSchema.decode("") == []
    assert schema.added == ["p_cbm", "p_norms", "p_sovereignty", "labels", "model_id"]
    assert TagSchema.of(["text", "p_cbm", "labels", "p_norms"]).labels == ("cbm", "norms")


def test_the_written_tables_follow_the_records(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "KEN_2014.txt").write_text("The national centre will train incident responders in partner states "
                                      "and share threat information with allies.\n", encoding="utf-8")
    out = pipeline.ingest([src], tmp_path / "o")
    header = (tmp_path / "o" / "passages.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == columns(Passage)
    assert list(out.documents.columns) == columns(Document)
    import pyarrow.parquet as pq

    parquet = pq.read_schema(tmp_path / "o" / "passages.parquet")
    assert parquet.names == columns(Passage)
    assert parquet.field("page").type == pa.int64() and parquet.field("ocr").type == pa.bool_()
    assert arrow_schema(Passage).field("text").type == pa.string()
    assert str(out.passages["year"].dtype) == pandas_types(Passage)["year"] == "Int64"
