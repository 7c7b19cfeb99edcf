"""A batch's CSV rows, formatted by Arrow as pandas' `to_csv` would write them.

pandas formats every cell in Python: 0.90 CPU-s for the 62,776 tags of the 130 strategies and
0.64 for their passages, in a process that shares two cores with the workers. Arrow's kernels
format the same rows in 0.20 and 0.13 s (measured in one run). The cells are pandas' own:
strings quoted where they hold a comma, a quote or a line break, floats as numpy prints them
(shortest round trip: 0.5, 1.0, 1e-05), missing values empty, booleans True and False. One
deliberate difference: a carriage return is quoted too (pandas leaves it bare, and readers then
split the row there).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pa.large_string()
_NEEDS_QUOTES = r'[,"\r\n]'
# floats Arrow prints in numpy's digits, once its "1" has become "1.0"; below 1e-4 and from 1e10
# the two place exponents differently, and numpy prints those few itself
_FIXED = (1e-4, 1e10)


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, TEXT)


def csv_line(cells: Sequence[object]) -> bytes:
    """One CSV line (a header), quoted as the rows are."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue().encode("utf-8")


def csv_rows(table: pa.Table) -> memoryview | None:
    """The table's rows as UTF-8 CSV text, each ended by a newline; None where a column has a type
    this does not format (dictionaries, dates, lists...): the caller then asks pandas."""
    if table.num_columns == 0:
        return None
    if table.num_rows == 0:
        return memoryview(b"")
    cells = []
    for column in table.columns:
        text = _cells(column.combine_chunks())
        if text is None:
            return None
        cells.append(text)
    if len(cells) == 1:  # a row that is one empty cell is written "" (a blank line would be no row)
        cells[0] = pc.if_else(pc.equal(cells[0], _text("")), _text('""'), cells[0])
    cells[-1] = pc.binary_join_element_wise(cells[-1], _text("\n"), _text(""))  # the short column ends the line
    lines = pc.binary_join_element_wise(*cells, _text(","))
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    start, end = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return memoryview(lines.buffers()[2])[start:end]


def _cells(values: pa.Array) -> pa.Array | None:
    """A column's cells as strings, never null: missing values are empty."""
    kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _quoted(pc.fill_null(values.cast(TEXT), _text("")))
    if pa.types.is_integer(kind):
        text = values.cast(TEXT)
    elif pa.types.is_boolean(kind):
        text = pc.if_else(values, _text("True"), _text("False"))
    elif pa.types.is_float64(kind):
        text = _floats(values)
    elif pa.types.is_null(kind):
        text = pa.nulls(len(values), TEXT)
    else:
        return None
    return pc.fill_null(text, _text(""))


def _quoted(text: pa.Array) -> pa.Array:
    needs = pc.match_substring_regex(text, _NEEDS_QUOTES)
    if not pc.any(needs).as_py():
        return text
    quoted = pc.binary_join_element_wise(_text('"'), pc.replace_substring(text, '"', '""'), _text('"'), _text(""))
    return pc.if_else(needs, quoted, text)


def _floats(values: pa.Array) -> pa.Array:
    """Floats as numpy's `astype(str)` prints them, which is what pandas writes; NaN is missing."""
    v = values.to_numpy(zero_copy_only=False)
    size = np.abs(v)
    with np.errstate(invalid="ignore"):
        fixed = (size >= _FIXED[0]) & (size < _FIXED[1]) | (v == 0)
    text = values.cast(TEXT)
    whole = fixed & (v == np.trunc(v))
    if whole.any():  # Arrow prints 1.0 as "1"
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(text, _text(".0"), _text("")), text)
    other = ~fixed & ~np.isnan(v)
    if other.any():  # exponents and infinities
        text = pc.replace_with_mask(text, pa.array(other), pa.array(v[other].astype(str), TEXT))
    return pc.if_else(pa.array(np.isnan(v)), pa.nulls(len(v), TEXT), text)
