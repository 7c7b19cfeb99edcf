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


def test_years_stay_whole_numbers_in_the_tags_when_a_file_has_none(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    sentence = "The national centre will train incident responders in partner states.\n"
    (src / "KEN_2014.txt").write_text(sentence, encoding="utf-8")
    (src / "notes.txt").write_text(sentence.replace("train", "equip"), encoding="utf-8")  # no year in its name
    ingested = pipeline.ingest([src], tmp_path / "o", workers=1)
    tagged = pipeline.tag(ingested.passages_parquet, tmp_path / "o", workers=1)
    import pandas as pd

    for table in (ingested.passages_csv, tagged.tags_csv):
        years = pd.read_csv(table, dtype=str, keep_default_na=False).groupby("file")["year"].first()
        assert sorted(years) == ["", "2014"]  # not "2014.0": a gap must not turn the column into floats
    assert str(tagged.tags["year"].dtype) in {"int64", "Int64"}


def test_label_counts_and_cells_are_those_of_each_passage():
    import numpy as np
    import pandas as pd

    from strategyscan.classification.tag import _label_cells

    schema = TagSchema(("cbm", "norms", "sovereignty"))
    decided = np.array([[1, 0, 1], [0, 0, 0], [1, 0, 1], [0, 1, 0], [1, 1, 1]])
    cells = _label_cells(schema, decided)
    assert list(cells) == [schema.encode(row) for row in decided]
    assert TagSchema.count(pd.Series(cells)) == {"cbm": 3, "norms": 2, "sovereignty": 3}
    assert list(_label_cells(schema, np.zeros((0, 3), dtype=int))) == []
    many = TagSchema(tuple(f"l{i}" for i in range(70)))  # more labels than bits in an integer
    rows = np.random.default_rng(0).integers(0, 2, size=(20, 70))
    assert list(_label_cells(many, rows)) == [many.encode(row) for row in rows]
    assert list(_label_cells(TagSchema(many.labels[:62]), rows[:, :62])) == [
        TagSchema(many.labels[:62]).encode(row) for row in rows[:, :62]]
