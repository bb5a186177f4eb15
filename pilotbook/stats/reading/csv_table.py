"""Parsing a CSV file with pyarrow into one numpy array per column (text as codes), with type hints for speed."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import numpy as np

from pilotbook.stats.errors import DataError
from pilotbook.stats.reading.csv_checks import (
    _csv_bytes,
    _csv_header,
    _csv_problem,
    _not_utf8,
)
from pilotbook.stats.reading.table import (
    ReadLimits,
    _check_headers,
    _code_type,
    _keep_headings,
    _too_many_columns,
)

if TYPE_CHECKING:  # loaded when the table is built (read_table says why)
    import pandas as pd


def _read_csv(data: bytes | str, limits: ReadLimits, wanted: set[str] | None, numbers: set[str],
              labels: set[str]) -> pd.DataFrame:
    """Parse the CSV with pyarrow, then keep one numpy array per column (text as integer codes)."""
    import pyarrow as pa

    data = _csv_bytes(data)
    if isinstance(data, bytes):
        try:
            data.decode("utf-8")  # fast for ASCII; finds the line to name before Arrow reads anything
        except UnicodeDecodeError:
            raise DataError(_not_utf8(data)) from None
    header_line = _csv_header(data)
    if len(header_line) > limits.max_columns:
        raise DataError(_too_many_columns(len(header_line), limits.max_columns))
    names = _check_headers(header_line)
    if len(header_line) == 1:
        for separator, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if separator in names[0]:
                raise DataError(f"The file's columns seem to be separated by {name}, not commas; save it as "
                                "'CSV (comma delimited)' or as XLSX and upload it again.")
    column_names = names + [f"_blank_{i}" for i in range(len(names), len(header_line))]
    include = names if wanted is None else [name for name in names if name in wanted]
    types: dict[str, Any] = {name: pa.float64() for name in include if name in numbers}
    types |= {name: pa.dictionary(pa.int32(), pa.string()) for name in include if name in labels}
    hinted = set(types)  # read without guessing; a hint that does not fit is dropped and the column guessed as usual
    for _ in range(2 * len(include) + 1):
        try:
            return _keep_headings(_parse_csv(data, column_names, include, types, hinted & labels), names)
        except _HintMisfit as misfit:
            hinted.discard(misfit.column)
            del types[misfit.column]
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            column = _unconvertible_column(str(error), column_names)
            if column in hinted:
                hinted.discard(column)
                del types[column]
                continue
            if column is None or column in types:
                raise DataError(_csv_problem(str(error), data, len(column_names))) from None
            types[column] = pa.string()  # a cell further down is not a number: read the column as text
    raise DataError("The file could not be read as CSV.")




def _parse_csv(data: bytes | str, column_names: list[str], names: list[str], types: dict[str, Any],
               labels: set[str]) -> pd.DataFrame:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    table = pacsv.read_csv(  # parsed in parallel blocks
        pa.BufferReader(data) if isinstance(data, bytes) else data,
        read_options=pacsv.ReadOptions(column_names=column_names, skip_rows=1, block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(
            include_columns=names, column_types=types, auto_dict_encode=True, auto_dict_max_cardinality=1 << 20,
            strings_can_be_null=True, quoted_strings_can_be_null=True,
        ),
    )
    rows = table.num_rows
    parsed = dict(zip(table.column_names, table.columns, strict=True))
    del table
    for name in labels:
        parsed[name] = _as_guessed(parsed[name], name)
    import pandas as pd  # only now: a caller may be loading it in another thread while Arrow parses

    columns = {}
    for name in names:  # one column at a time, releasing Arrow's copy as we go (linear in the columns)
        words: dict[str, int] = {}
        chunks = [_batch_column(chunk, words) for chunk in parsed.pop(name).chunks]
        if words:  # text: codes in as few bytes as the labels allow, so the categorical takes them as they are
            values = np.concatenate(chunks, dtype=_code_type(len(words)), casting="unsafe")
        else:
            values = np.concatenate(chunks) if chunks else np.empty(0)
        del chunks
        columns[name] = pd.Categorical.from_codes(values, categories=list(words)) if words else values
    pa.default_memory_pool().release_unused()  # hand Arrow's parse buffers back before the sums need memory
    return pd.DataFrame(columns, index=pd.RangeIndex(rows), copy=False)


class _HintMisfit(Exception):
    """A hinted column is not what the hint said; read it again without the hint."""

    def __init__(self, column: str):
        super().__init__(column)
        self.column = column


MAX_GUESSED_LABELS = 1 << 16


def _as_guessed(column: Any, name: str) -> Any:
    """A column read as text labels, typed as Arrow guesses a column's type, from its different values alone.

    The values convert as they would have, had the whole column been guessed (Arrow guesses from values, not from
    how many times each appears): text stays text, codes 0/1 become integers, true/false booleans and so on. Too many
    different values, or none, and the hint does not fit (_HintMisfit).
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    distinct = list(dict.fromkeys(value for chunk in column.chunks for value in chunk.dictionary.to_pylist()))
    if not distinct or len(distinct) > MAX_GUESSED_LABELS:
        raise _HintMisfit(name)
    lines = io.StringIO()
    csv.writer(lines, lineterminator="\n").writerows([value] for value in distinct)
    guessed = pacsv.read_csv(
        pa.BufferReader(lines.getvalue().encode()),
        read_options=pacsv.ReadOptions(column_names=["value"]),
        convert_options=pacsv.ConvertOptions(strings_can_be_null=True, quoted_strings_can_be_null=True),
    ).column(0).combine_chunks()
    if pa.types.is_string(guessed.type) or pa.types.is_large_string(guessed.type):
        return column  # text: the labels as read
    position = {value: i for i, value in enumerate(distinct)}
    chunks = [guessed.take(pa.array([position[v] for v in chunk.dictionary.to_pylist()], type=pa.int32()))
              .take(chunk.indices) for chunk in column.chunks]
    return pa.chunked_array(chunks, type=guessed.type)


def _batch_column(column: Any, words: dict[str, int]) -> np.ndarray:
    """One block of one column as numpy: numbers as they are, text as codes into ``words`` (-1 when blank)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    values_type = kind.value_type if pa.types.is_dictionary(kind) else kind
    if pa.types.is_binary(values_type) or pa.types.is_large_binary(values_type):  # Arrow's name for non-UTF-8 text
        raise DataError(_csv_problem("invalid UTF8"))
    if pa.types.is_temporal(kind) or pa.types.is_null(kind) and words:
        column, kind = pc.cast(column, pa.string()), pa.string()
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        column = pc.dictionary_encode(column)
        kind = column.type
    if pa.types.is_dictionary(kind):
        lookup = np.array([words.setdefault(v, len(words)) for v in column.dictionary.to_pylist()] + [-1],
                          dtype=np.int32)
        indices = pc.fill_null(column.indices, len(lookup) - 1).to_numpy(zero_copy_only=False)
        codes: np.ndarray = lookup[indices]
        return codes
    if pa.types.is_null(kind):
        return np.full(len(column), np.nan)
    values: np.ndarray = (pc.cast(column, pa.float64()) if column.null_count else column).to_numpy(zero_copy_only=False)
    return values


def _unconvertible_column(message: str, column_names: list[str]) -> str | None:
    # Arrow says e.g. "In CSV column #2: Row #7: CSV conversion error to int64: invalid value 'yes please'".
    marker = "In CSV column #"
    if "conversion error" not in message or marker not in message:
        return None
    digits = "".join(ch for ch in message.split(marker, 1)[1][:8] if ch.isdigit())
    return column_names[int(digits)] if digits and int(digits) < len(column_names) else None
