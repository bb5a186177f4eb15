"""Reading uploads and reducing them to sufficient statistics: every problem is named by row and column."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from pilotbook.stats.dataset import DataError, Dataset, build_dataset, dataset_from_summaries, read_table

CSV = b"arm,contacted,score,base\nold,1,3.5,2\nnew,0,4.1,3\nold,yes,2.0,1\nnew,No,5,4\nnew,TRUE,6,5\n"


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_table(text: str) -> pd.DataFrame:
    return read_table(text.encode(), filename="upload.csv")


def error_of(callable_, *args, **kwargs) -> str:
    with pytest.raises(DataError) as caught:
        callable_(*args, **kwargs)
    return str(caught.value)


# --- reading ------------------------------------------------------------------------------------------


def test_reads_csv_from_bytes_path_and_file_object(tmp_path):
    path = tmp_path / "pilot.csv"
    path.write_bytes(CSV)
    for source in (CSV, path, str(path), io.BytesIO(CSV)):
        table = read_table(source, filename="pilot.csv")
        assert list(table.columns) == ["arm", "contacted", "score", "base"]
        assert len(table) == 5


def test_reads_the_first_sheet_of_an_xlsx_file():
    data = xlsx_bytes([["arm", "score"], ["old", 3.5], ["new", 4], [None, None]])
    table = read_table(data, filename="Pilot.XLSX")
    assert list(table.columns) == ["arm", "score"] and len(table) == 2


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_heading():
    table = read_table(b"\xef\xbb\xbfarm,y\nold,1\nnew,0\n", filename="excel.csv")
    assert list(table.columns) == ["arm", "y"]


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"", "a.csv", "The file is empty."),
    (b"  \n", "a.csv", "The file is empty."),
    (b"arm,y\n", "a.csv", "The file has a header row but no data rows."),
    (b"arm,y\n", "a.ods", "'a.ods' is not a CSV or XLSX file; save it as .csv or .xlsx and upload it again."),
    (b"arm,,y\nold,1,2\n", "a.csv", "Row 1, column 2 has no heading; every column needs a heading in row 1."),
    (b"arm,y,y\nold,1,2\n", "a.csv", "Row 1: the heading 'y' is used for more than one column; headings must differ."),
    (b"not a zip", "a.xlsx", "The file is named .xlsx but holds text, not an Excel workbook. If it is a CSV file, "
     "rename it to end .csv and upload it again; otherwise open it in Excel and save it as .xlsx."),
    (b"arm,y\nold,\xe9t\xe9\n", "a.csv",
     "Line 2 is not UTF-8 text (it has the byte 0xE9, which in Windows' Western European encoding is 'é'); "
     "in Excel choose Save As > 'CSV UTF-8 (Comma delimited)' and upload it again."),
])
def test_unreadable_files_say_what_is_wrong(data, filename, message):
    assert error_of(read_table, data, filename=filename) == message


def test_blank_and_duplicate_headings_in_xlsx_are_caught():
    assert error_of(read_table, xlsx_bytes([["arm", "arm"], ["a", "b"]]), filename="a.xlsx") == (
        "Row 1: the heading 'arm' is used for more than one column; headings must differ.")


# --- building -----------------------------------------------------------------------------------------


def test_binary_accepts_1_0_yes_no_true_false_and_keeps_only_sums():
    ds = build_dataset(read_table(CSV, filename="a.csv"), kind="binary", arm="arm", control="old", outcome="contacted")
    assert ds.labels == ("old", "new") and ds.row_count == 5
    assert (ds.arm_stats("old").n, ds.arm_stats("old").sum) == (2, 2)
    assert (ds.arm_stats("new").n, ds.arm_stats("new").sum) == (3, 1)
    stored = json.dumps(ds.to_json())
    assert "3.5" not in stored and "rows" not in stored  # no individual values survive


def test_a_word_in_a_number_column_names_the_row_and_column():
    rows = "arm,contacted\n" + "old,1\nnew,0\n" * 6 + "new,yes please\n"  # the bad cell is on spreadsheet row 14
    message = error_of(build_dataset, csv_table(rows), kind="binary", arm="arm", control="old", outcome="contacted")
    assert message == ("Row 14, column 'contacted': 'yes please' is not a number; use 1/0, yes/no or true/false.")


def test_a_word_deep_in_a_large_numeric_column_is_still_found():
    rows = "arm,score\n" + "old,1.5\nnew,2.5\n" * 150_000 + "new,n/k\n"
    message = error_of(build_dataset, csv_table(rows), kind="continuous", arm="arm", control="old", outcome="score")
    assert message == "Row 300002, column 'score': 'n/k' is not a number."


def test_a_binary_outcome_must_be_0_or_1():
    message = error_of(build_dataset, csv_table("arm,y\nold,1\nnew,2\n"), kind="binary", arm="arm", control="old",
                       outcome="y")
    assert message == "Row 3, column 'y': 2 is not 0 or 1; a yes/no outcome needs 1/0, yes/no or true/false."


def test_missing_outcomes_are_an_error_naming_the_rows_not_dropped():
    table = csv_table("arm,y\nold,1\nnew,\nold,2\nnew,\nold,3\n")
    message = error_of(build_dataset, table, kind="continuous", arm="arm", control="old", outcome="y")
    assert message == "Column 'y' is blank in rows 3 and 5; fill them in or remove those rows."
    one = csv_table("arm,y\nold,1\nnew,\nold,2\n")
    assert error_of(build_dataset, one, kind="continuous", arm="arm", control="old", outcome="y") == (
        "Column 'y' is blank in row 3; fill it in or remove that row.")


def test_a_blank_group_is_an_error():
    table = csv_table("arm,y\nold,1\n,2\nnew,3\n")
    assert error_of(build_dataset, table, kind="continuous", arm="arm", control="old", outcome="y") == (
        "Column 'arm' is blank in row 3; fill it in or remove that row.")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"outcome": "nope"}, "There is no column 'nope' in the file (its columns are 'arm', 'y', 'e', 'w', 'p')."),
    ({"outcome": "y", "control": "ctrl"}, "The comparison group 'ctrl' is not in column 'arm' (its values: old, new)."),
    ({"outcome": "y", "kind": "ordinal"},
     "'ordinal' is not an outcome kind; use one of binary, continuous, count, time-to-event."),
    ({"outcome": "y", "kind": "count", "exposure": "e"},
     "Row 3, column 'e': 0 is not a valid exposure; it must be greater than 0."),
    ({"outcome": "e", "kind": "count"}, "Row 4, column 'e': 1.5 is not a count (a whole number, 0 or more)."),
    ({"outcome": "y", "period": "p", "before_label": "2020"},
     "'2020' is not a value of column 'p' (its values: 2024, 2025)."),
    ({"outcome": "y", "period": "p"}, "Say which value of column 'p' means 'before' (its values: 2024, 2025)."),
    ({"outcome": "y", "cluster": "w"}, "Cluster 'a' has rows in more than one group ('old' and 'new'); in a "
                                       "cluster-randomised pilot each cluster is in one group."),
    ({"kind": "time-to-event", "time": "y"}, "A time-to-event outcome needs a time column and an event column."),
    ({"kind": "time-to-event", "time": "e", "event": "y"},
     "Row 3, column 'y': 2 is not 0 or 1; a yes/no outcome needs 1/0, yes/no or true/false."),
])
def test_each_problem_has_its_own_message(kwargs, message):
    table = csv_table("arm,y,e,w,p\nold,1,1,a,2024\nnew,2,0,a,2025\nold,3,1.5,b,2024\n")
    arguments = {"kind": "continuous", "arm": "arm", "control": "old"} | kwargs
    assert error_of(build_dataset, table, **arguments) == message


def test_one_group_only_is_an_error_unless_there_are_periods():
    table = csv_table("arm,y,p\nold,1,a\nold,2,b\nold,4,b\n")
    assert error_of(build_dataset, table, kind="continuous", arm="arm", control="old", outcome="y") == (
        "Column 'arm' has only one group ('old'); a comparison needs at least two.")
    ds = build_dataset(table, kind="continuous", arm="arm", control="old", outcome="y", period="p", before_label="a")
    assert ds.periods == ("a", "b") and ds.arm_stats("old", 1).n == 2


def test_negative_times_are_an_error():
    table = csv_table("arm,t,e\nold,3,1\nnew,-1,0\n")
    assert error_of(build_dataset, table, kind="time-to-event", arm="arm", control="old", time="t", event="e") == (
        "Row 3, column 't': -1 is not a valid time; times cannot be negative.")


def test_xlsx_cells_are_validated_with_spreadsheet_row_numbers():
    data = xlsx_bytes([["arm", "score"], ["old", 3.5], ["new", "4,5"], ["new", "lots"]])
    table = read_table(data, filename="a.xlsx")
    message = error_of(build_dataset, table, kind="continuous", arm="arm", control="old", outcome="score")
    assert message == "Row 4, column 'score': 'lots' is not a number."


def test_sums_match_the_rows():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"arm": rng.choice(["a", "b", "c"], 500), "y": rng.normal(1e6, 3, 500),
                       "x": rng.normal(10, 2, 500), "ward": rng.choice(list("pqrstuvw"), 500)})
    df["arm"] = df.ward.map(dict(zip("pqrstuvw", "aabbccab", strict=True)))
    ds = build_dataset(df, kind="continuous", arm="arm", control="a", outcome="y", baseline="x", cluster="ward")
    for label, group in df.groupby("arm"):
        s = ds.arm_stats(label)
        assert s.n == len(group)
        assert ds.mean(s) == pytest.approx(group.y.mean(), rel=1e-14)
        assert s.variance == pytest.approx(group.y.var(), rel=1e-9)
        cross = ((group.y - group.y.mean()) * (group.x - group.x.mean())).sum()
        assert s.sum_xy - s.sum * s.sum_x / s.n == pytest.approx(cross, rel=1e-9)
    assert len(ds.cells) == 8 and ds.clusters is not None


def test_json_round_trip_is_exact_and_plain():
    table = csv_table("arm,y,t,e\nold,1.25,3,1\nnew,2.5,4,0\nold,3,5,1\nnew,4,6.5,1\n")
    for ds in (
        build_dataset(table, kind="continuous", arm="arm", control="old", outcome="y"),
        build_dataset(table, kind="time-to-event", arm="arm", control="new", time="t", event="e"),
        dataset_from_summaries("count", [{"label": "a", "events": 3, "exposure": 2.5},
                                         {"label": "b", "events": 4, "exposure": 3}], control="a"),
    ):
        encoded = json.loads(json.dumps(ds.to_json()))
        again = Dataset.from_json(encoded)
        assert again == ds and again.to_json() == encoded and again.labels == ds.labels
    survival = Dataset.from_json(encoded := build_dataset(table, kind="time-to-event", arm="arm", control="new",
                                                           time="t", event="e").to_json())
    assert survival.survival["old"][0].tolist() == [3.0, 5.0] and encoded["survival"]["new"]["event"] == [False, True]


# --- typed-in figures ---------------------------------------------------------------------------------


def test_summaries_give_the_same_dataset_statistics_as_rows():
    rows = pd.DataFrame({"arm": ["a"] * 4 + ["b"] * 3, "y": [1, 2, 3, 6, 2, 2, 5]})
    from_rows = build_dataset(rows, kind="continuous", arm="arm", control="a", outcome="y")
    from_figures = dataset_from_summaries("continuous", [
        {"label": "a", "n": 4, "mean": 3, "sd": float(np.std([1, 2, 3, 6], ddof=1))},
        {"label": "b", "n": 3, "mean": 3, "sd": float(np.std([2, 2, 5], ddof=1))}], control="a")
    for label in ("a", "b"):
        r, f = from_rows.arm_stats(label), from_figures.arm_stats(label)
        assert (from_rows.mean(r), r.variance) == pytest.approx((from_figures.mean(f), f.variance), rel=1e-12)


@pytest.mark.parametrize(("kind", "groups", "message"), [
    ("binary", [{"label": "a", "n": 10, "events": 11}, {"label": "b", "n": 10, "events": 1}],
     "Group 'a': events (11) cannot be more than n (10)."),
    ("continuous", [{"label": "a", "n": 10, "mean": 1, "sd": -1}, {"label": "b", "n": 10, "mean": 1, "sd": 1}],
     "Group 'a': the SD cannot be negative (-1)."),
    ("continuous", [{"label": "a", "n": 1, "mean": 1, "sd": 1}, {"label": "b", "n": 10, "mean": 1, "sd": 1}],
     "Group 'a': n must be a whole number of at least 2, not 1."),
    ("binary", [{"label": "a", "n": 10.5, "events": 1}, {"label": "b", "n": 10, "events": 1}],
     "Group 'a': n must be a whole number of at least 1, not 10.5."),
    ("binary", [{"label": "a", "n": "ten", "events": 1}, {"label": "b", "n": 10, "events": 1}],
     "Group 'a': n 'ten' is not a number."),
    ("binary", [{"label": "a", "n": 10}, {"label": "b", "n": 10, "events": 1}], "Group 'a': events is missing."),
    ("count", [{"label": "a", "events": 3, "exposure": 0}, {"label": "b", "events": 1, "exposure": 1}],
     "Group 'a': exposure must be greater than 0, not 0."),
    ("binary", [{"label": "a", "n": 10, "events": 1}], "A comparison needs figures for at least two groups."),
    ("binary", [{"label": "a", "n": 10, "events": 1}, {"label": "a", "n": 9, "events": 1}],
     "Two groups have the same name; give each group its own name."),
    ("binary", [{"label": "a", "n": 10, "events": 1}, {"label": "b", "n": 9, "events": 1}],
     "The comparison group 'z' is not one of the groups (a, b)."),
    ("time-to-event", [], "Time-to-event results need one row per person (time and whether the event happened)."),
])
def test_impossible_figures_are_refused(kind, groups, message):
    control = "z" if "comparison group" in message else "b"
    assert error_of(dataset_from_summaries, kind, groups, control=control) == message


def test_count_figures_need_no_n():
    ds = dataset_from_summaries("count", [{"label": "a", "events": 3, "exposure": 2.5},
                                          {"label": "b", "events": 4, "exposure": 3}], control="a")
    assert ds.n_known is False and ds.arm_stats("b").exposure == 3


@pytest.mark.parametrize(("text", "name"), [(b"group;paid\nold;1\nnew;0\n", "semicolons"),
                                            (b"group\tpaid\nold\t1\nnew\t0\n", "tabs")])
def test_a_csv_separated_by_something_other_than_commas_is_explained(text, name):
    with pytest.raises(DataError, match=f"separated by {name}, not commas"):
        read_table(text, filename="outcomes.csv")
