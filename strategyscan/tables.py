"""Tables on disk, read and written in batches so memory does not grow with the corpus.

Every stage writes a CSV (for people and spreadsheets) and a Parquet twin (typed, fast, and
readable column by column); both appear only when complete.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .outputs import atomic_path

BATCH_ROWS = 10_000


def release_arrow_memory() -> None:
    """Hand Arrow's freed buffers back to the system after each batch. Its allocator keeps them
    otherwise, and the peak then grows by about 15 MB per batch instead of staying flat."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


class TableSink:
    """Append batches to `name.csv` and `name.parquet`; `close(ok=True)` moves both into place.

    A thread of its own writes them, at most one batch behind: the caller goes on with the next
    batch (its workers score while the last is written, instead of waiting for the disk), and
    memory holds at most the batch being written and one waiting. A failed write is raised by the
    next `add` or by `close`.
    """

    def __init__(self, csv_path: Path, parquet_path: Path, schema=None) -> None:
        self._contexts = [atomic_path(csv_path), atomic_path(parquet_path)]
        self._csv_tmp, self._pq_tmp = (ctx.__enter__() for ctx in self._contexts)
        self._fh = self._csv_tmp.open("wb")
        self._header = False
        self._schema = schema
        self._pq = None
        self._error: BaseException | None = None
        self._queue: queue.Queue[pd.DataFrame | None] = queue.Queue(maxsize=1)
        self._writer = threading.Thread(target=self._drain, name="table-sink", daemon=True)
        self._writer.start()

    def add(self, frame: pd.DataFrame) -> None:
        """Queue `frame` for writing; the caller must not change it afterwards."""
        if self._error is not None:
            raise self._error
        self._queue.put(frame)

    def _drain(self) -> None:
        while (frame := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._write(frame)
                except BaseException as exc:  # handed to the caller's thread
                    self._error = exc

    def _write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from .csv_text import csv_line, csv_rows

        if not self._header:
            self._fh.write(csv_line(frame.columns))
            self._header = True
        table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
        if frame.empty:  # no rows, but the columns: an empty table keeps its header in both files
            self._schema = table.schema
            return
        if self._pq is None:
            self._schema = table.schema
            self._pq = pq.ParquetWriter(self._pq_tmp, self._schema)
        self._pq.write_table(table)
        rows = csv_rows(table)  # the cells pandas would write, formatted by Arrow (a fifth of the CPU)
        del table
        if rows is None:
            rows = frame.to_csv(header=False, index=False, lineterminator="\n").encode("utf-8")
        self._fh.write(rows)
        del rows
        release_arrow_memory()

    def close(self, ok: bool) -> None:
        self._queue.put(None)
        self._writer.join()
        error, asked = self._error, ok
        ok = ok and error is None
        if ok and not self._header and self._schema is not None:
            from .csv_text import csv_line

            self._fh.write(csv_line(self._schema.names))
        self._fh.close()
        if self._pq is None and ok:  # no rows: still a valid, empty Parquet file
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({}) if self._schema is None else self._schema.empty_table(), self._pq_tmp)
        elif self._pq is not None:
            self._pq.close()
        failure = None if ok else RuntimeError("aborted")
        for ctx in self._contexts:
            ctx.__exit__(type(failure) if failure else None, failure, None)
        if error is not None and asked:  # else the caller is already raising its own error
            raise error


@contextlib.contextmanager
def finishing(pool, sink: TableSink | None):
    """Stop the workers; put the outputs in place only if the stage got to its end."""
    ok = False
    try:
        yield
        ok = True
    finally:
        if pool:
            pool.close()
        if sink:
            sink.close(ok)


def table_columns(path: str | os.PathLike) -> list[str]:
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    return list(read_table_head(path).columns)


def table_rows(path: str | os.PathLike) -> int | None:
    """Rows of a Parquet table from its footer; None for a CSV (counting would read it all)."""
    if Path(path).suffix.lower() != ".parquet":
        return None
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def read_table_head(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=0)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise ValueError(f"cannot read {path} as a table: {exc}") from None


def iter_batches(source: pd.DataFrame | str | os.PathLike, rows: int = BATCH_ROWS,
                 columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
    """The table in batches of `rows`, whatever it is stored in."""
    if isinstance(source, pd.DataFrame):
        frame = source if columns is None else source[columns]
        for start in range(0, max(len(frame), 1), rows):
            yield frame.iloc[start : start + rows]
        return
    path = Path(source)
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    if path.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        integers = {pa.int64(): pd.Int64Dtype()}.get  # a column of years with a gap stays integers, not floats
        for batch in pq.ParquetFile(path).iter_batches(batch_size=rows, columns=columns):
            frame = batch.to_pandas(types_mapper=integers)
            del batch
            release_arrow_memory()
            yield frame
        return
    try:
        yield from pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", chunksize=rows,
                               usecols=(lambda c: c in columns) if columns else None)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValueError(f"cannot read {path} as a table: {exc}") from None


def rows_where(source: pd.DataFrame | str | os.PathLike, column: str, values: set[str],
               columns: list[str]) -> pd.DataFrame:
    """The rows whose `column` is in `values`, read batch by batch."""
    parts = [b.loc[b[column].astype(str).isin(values), columns]
             for b in iter_batches(source, columns=list(dict.fromkeys([column, *columns])))]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
