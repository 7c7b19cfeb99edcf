"""Atomic writes and clear messages when the output folder cannot be written."""

from __future__ import annotations

import errno
import io
import os

import pandas as pd
import pytest

from strategyscan import outputs


def test_a_failed_write_leaves_no_file_and_no_temporary(tmp_path):
    target = tmp_path / "table.csv"

    def boom(path):
        path.write_text("half a tab")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        outputs.write_atomic(target, boom)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_rewrite_keeps_the_previous_complete_file(tmp_path):
    target = tmp_path / "table.csv"
    outputs.write_csv(target, pd.DataFrame({"a": [1, 2]}))
    with pytest.raises(RuntimeError):
        outputs.write_atomic(target, lambda p: (p.write_text("a\n3\n"), (_ for _ in ()).throw(RuntimeError())))
    assert pd.read_csv(target)["a"].tolist() == [1, 2]


def test_written_files_are_readable_by_others(tmp_path):
    path = outputs.write_text(tmp_path / "x.txt", "hi")
    assert oct(path.stat().st_mode & 0o044) == oct(0o044 & ~outputs._UMASK)


def test_a_file_in_the_way_is_a_clear_error(tmp_path):
    (tmp_path / "blocker").write_text("")
    with pytest.raises(outputs.OutputError, match="a file stands where a folder is needed"):
        outputs.ensure_writable_dir(tmp_path / "blocker" / "out")


def test_disk_full_is_a_clear_error(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs.os, "replace", full)
    with pytest.raises(outputs.OutputError, match="the disk is full"):
        outputs.write_text(tmp_path / "x.txt", "data")
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


# -- batched tables: in order, both files alike, in place only when closed -----------------------------

def test_a_table_sink_writes_batches_in_order_and_both_files_agree(tmp_path):
    from strategyscan.tables import TableSink

    sink = TableSink(tmp_path / "t.csv", tmp_path / "t.parquet")
    batches = [pd.DataFrame({"i": range(k * 100, (k + 1) * 100), "s": [f"row {k}"] * 100}) for k in range(12)]
    for batch in batches:
        sink.add(batch)
    assert not (tmp_path / "t.csv").exists()  # nothing in place before close
    sink.close(ok=True)
    expected = pd.concat(batches, ignore_index=True)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "t.csv"), expected)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), expected)



def test_a_batch_the_writer_cannot_write_fails_the_table_and_leaves_nothing(tmp_path):
    """Batches are written by the sink's own thread: its failure must reach the caller, and no
    half-written table may be put in place."""
    import pyarrow as pa

    from strategyscan.tables import TableSink

    sink = TableSink(tmp_path / "t.csv", tmp_path / "t.parquet", pa.schema([("i", pa.int64())]))
    sink.add(pd.DataFrame({"i": [1, 2]}))
    sink.add(pd.DataFrame({"i": ["not a number"]}))  # the schema refuses it, in the writer's thread
    refused = (pa.ArrowInvalid, pa.ArrowTypeError)
    try:  # the next add raises it, or at the latest close
        for _ in range(3):
            sink.add(pd.DataFrame({"i": [3]}))
    except refused:
        sink.close(ok=False)  # what `finishing` does when a stage fails
    else:
        with pytest.raises(refused):
            sink.close(ok=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# -- CSV rows formatted by Arrow: the cells pandas writes ---------------------------------------------

def _odd_frame() -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(7)
    n = 4000
    scaled = rng.random(n) * 10.0 ** rng.integers(-12, 22, n)
    floats = np.concatenate([rng.random(n), np.round(rng.random(n), 4), scaled, -scaled[::-1],
                             rng.integers(-10**6, 10**6, n) * 1.0, np.frombuffer(rng.bytes(8 * n), dtype=np.float64),
                             np.zeros(n - 10), [-0.0, np.inf, -np.inf, np.nan, 1e-4, 9.9999e-5, 1e10, 9999999999.5,
                                                1e16, 5e-324]])
    m = len(floats)
    pieces = ["plain", "a,b", 'say "hi"', "two\nlines", "", "é ü 中文", " lead", "tab\there", "x\x0cy", "#", "nan"]
    return pd.DataFrame({
        "text": pd.Series([pieces[i % len(pieces)] * (i % 3 + 1) for i in range(m)]).where(np.arange(m) % 13 != 0),
        "number": floats,
        "count": pd.array([None if i % 17 == 0 else i - m // 2 for i in range(m)], dtype="Int64"),
        "plain_int": np.arange(m),
        "flag": np.arange(m) % 2 == 0,
        "maybe": pd.array([None if i % 5 == 0 else i % 3 == 0 for i in range(m)], dtype="boolean"),
        "nothing": [None] * m,
    })


def test_csv_rows_are_the_cells_pandas_writes():
    import pyarrow as pa

    from strategyscan.csv_text import csv_rows

    frame = _odd_frame()
    rows = csv_rows(pa.Table.from_pandas(frame, preserve_index=False))
    assert bytes(rows).decode("utf-8") == frame.to_csv(header=False, index=False, lineterminator="\n")
    one = pd.DataFrame({"only": ["", "x", None]})  # a row of one empty cell is "", not a blank line
    assert bytes(csv_rows(pa.Table.from_pandas(one))).decode() == one.to_csv(header=False, index=False,
                                                                              lineterminator="\n")


def test_a_table_sink_reads_back_every_kind_of_cell_and_quotes_a_carriage_return(tmp_path):
    """pandas leaves a bare carriage return unquoted, and reading the file back then splits the
    row there; the sink quotes it. Columns Arrow's formatter does not know go through pandas."""
    from strategyscan.tables import TableSink

    frame = _odd_frame().assign(text=lambda f: f["text"].fillna("") + "\rend")
    frame["when"] = pd.Timestamp("2026-12-03")  # a type the Arrow path leaves to pandas
    sink = TableSink(tmp_path / "t.csv", tmp_path / "t.parquet")
    half = len(frame) // 2
    sink.add(frame.iloc[:half].drop(columns="when"))
    sink.add(frame.iloc[half:].drop(columns="when"))
    sink.close(ok=True)
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"text,number,count,plain_int,flag,maybe,nothing\n")  # one line ending throughout
    back = pd.read_csv(tmp_path / "t.csv", keep_default_na=False, dtype=str)
    assert back["text"].tolist() == frame["text"].tolist()
    others = frame.drop(columns=["text", "when"]).to_csv(index=False, lineterminator="\n")
    pd.testing.assert_frame_equal(back.drop(columns="text"),
                                  pd.read_csv(io.StringIO(others), keep_default_na=False, dtype=str))

    dated = TableSink(tmp_path / "d.csv", tmp_path / "d.parquet")
    dated.add(frame[["plain_int", "when"]])
    dated.close(ok=True)
    assert (tmp_path / "d.csv").read_text() == frame[["plain_int", "when"]].to_csv(index=False, lineterminator="\n")
