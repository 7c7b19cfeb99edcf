"""Atomic writes and clear messages when the output folder cannot be written."""

from __future__ import annotations

import errno
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
